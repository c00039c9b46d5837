"""Header alias tables of the platform exports (data, read by etl.platforms.registry)."""
