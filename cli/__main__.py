"""`python -m cli`: the same as the `creatorpulse` command."""

from cli.main import main

if __name__ == "__main__":  # not in a process spawned by one (warehouse.attention_fits)
    main()
