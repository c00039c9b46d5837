"""`python -m cli`: the same as the `creatorpulse` command."""

from cli.main import main

main()
