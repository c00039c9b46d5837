"""WSGI entry for gunicorn: `gunicorn dashboard.wsgi:server`."""

import logging

from dashboard.app import create_app

# The dashboard's own log lines (e.g. when a worker starts serving a new snapshot) go where
# gunicorn's do, at its level (the usual Flask-under-gunicorn wiring).
_gunicorn = logging.getLogger("gunicorn.error")
if _gunicorn.handlers:
    logging.getLogger("dashboard").handlers = _gunicorn.handlers
    logging.getLogger("dashboard").setLevel(_gunicorn.level)

app = create_app()
server = app.server
