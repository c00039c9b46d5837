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
# Dash completes its setup (scripts, pages router, callbacks) on a worker's first request and
# marks it done before it is: under threaded workers a request arriving meanwhile finds no
# registered scripts and gets a 500. One request here, before the worker serves, sets it up.
with server.test_client() as _client:
    _client.get("/login")
