"""The `creatorpulse` command: thin wiring of etl, survey and warehouse, one module per group."""
