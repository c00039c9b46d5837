"""`creatorpulse`: the command-line front door. Thin: it wires etl, survey and warehouse.

One module per command group registers its commands on the shared app (cli.common.app).
"""

from __future__ import annotations

import os
import sys

import typer

# Importing a group module registers its commands; help lists them in this order.
# isort: off
from cli import ingest  # noqa: F401
from cli import analytics  # noqa: F401
from cli import inspect  # noqa: F401
from cli import users
from cli import lake  # also registers `build`

# isort: on
from cli.common import CliError, app, err
from cli.export import export_app
from cli.questionnaire import questionnaire_app
from cli.report import report_app
from etl.errors import IngestError
from survey.questionnaire import QuestionnaireError
from survey.segments.errors import SegmentError
from warehouse.accounts import AccountError
from warehouse.lake import LakeError
from warehouse.parts import PartsError
from warehouse.sponsor_report import SponsorReportError
from warehouse.store import WarehouseError

app.add_typer(export_app, name="export")
app.add_typer(report_app, name="report")
app.add_typer(users.users_app, name="users")
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(lake.lake_app, name="lake")


def main() -> None:
    """Entry point: one clear line and a non-zero exit for every expected error."""
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except (
        IngestError,
        WarehouseError,
        QuestionnaireError,
        SegmentError,
        CliError,
        AccountError,
        SponsorReportError,
        LakeError,
        PartsError,
    ) as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:
        # Usage errors (click's or typer's own copy of click) show themselves and exit.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("CREATORPULSE_DEBUG"):
            raise
        err.print(
            f"error: unexpected {type(exc).__name__}: {exc} (set CREATORPULSE_DEBUG=1 for details)",
            highlight=False,
            markup=False,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
