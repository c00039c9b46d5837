"""Uploads and imports for the Import page: a Flask route that streams exports to disk, and a
background import that runs the CLI (`python -m cli ingest --json`), the same code path as a
user at the command line.

- `POST /import/upload` (organizers only, same-origin only): multipart files are streamed to
  `HOME/uploads/<id>/` (folder 0700, files 0600) under sanitised names, each file at most
  CREATORPULSE_UPLOAD_MAX_MB (default 200) megabytes; then `creatorpulse inspect --json` says
  what each file is, written beside them as `inspect.json`. Every upload is audited. Uploads
  older than a day are removed when the next one arrives.
- `start_import(id)` runs `creatorpulse ingest` on the upload's files in a subprocess (memory
  and crashes stay out of the server) that writes a new snapshot and publishes it as any
  ingest does, so readers are never blocked. One import at a time per home (`uploads/
  import.lock`): a second one is told to wait.

The dashboard imports no etl code (DESIGN §2): inspection and ingest run through the CLI.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from dashboard import auth
from warehouse import accounts

UPLOAD_DIR = "uploads"
LOCK_FILE = "import.lock"
MAX_MB_ENV = "CREATORPULSE_UPLOAD_MAX_MB"
DEFAULT_MAX_MB = 200
MAX_FILES = 20
KEEP_S = 24 * 3600
UPLOAD_ID = re.compile(r"^[0-9a-f]{24}$")
ROOT = Path(__file__).resolve().parents[1]
PAGE = "import"


class UploadError(Exception):
    """An upload or import that cannot go ahead, with the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def max_file_bytes() -> int:
    """The per-file size limit (CREATORPULSE_UPLOAD_MAX_MB, default 200 MB)."""
    return int(float(os.environ.get(MAX_MB_ENV, DEFAULT_MAX_MB)) * 1024 * 1024)


def uploads_root(home: Path) -> Path:
    """HOME/uploads, private to the server's user."""
    root = Path(home) / UPLOAD_DIR
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def safe_name(name: str | None) -> str:
    """A file name with no folders, no control or reserved characters and no leading dots;
    Chinese and other letters are kept."""
    text = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    text = "".join(
        "_" if unicodedata.category(ch).startswith("C") or ch in '<>:"|?*' else ch for ch in text
    )
    text = text.strip().lstrip(".").strip()
    if len(text.encode("utf-8")) > 200:
        _stem, dot, ext = text.rpartition(".")
        keep = ext if dot and len(ext) <= 8 else ""
        text = text.encode("utf-8")[:190].decode("utf-8", "ignore") + ("." + keep if keep else "")
    return text or "upload"


def upload_dir(home: Path, upload_id: str) -> Path:
    """The folder of one upload; UploadError for a malformed or unknown id."""
    if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        raise UploadError("unknown upload", 404)
    where = uploads_root(home) / upload_id
    if not where.is_dir():
        raise UploadError("unknown upload (uploads are kept for a day)", 404)
    return where


def remove_old_uploads(home: Path, now: float | None = None) -> list[str]:
    """Remove uploads older than a day (never the one an import is running on)."""
    now = time.time() if now is None else now
    busy = (running_import(home) or {}).get("upload_id")
    removed = []
    for entry in uploads_root(home).iterdir():
        old = entry.is_dir() and now - entry.stat().st_mtime > KEEP_S
        if old and UPLOAD_ID.match(entry.name) and entry.name != busy:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


class _LimitedFile:
    """A file being written that refuses to grow past the per-file limit."""

    def __init__(self, path: Path, limit: int) -> None:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        self._handle = os.fdopen(fd, "wb")
        self.path = path
        self.limit = limit
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise RequestEntityTooLarge(f"{self.path.name} is over the upload limit")
        return self._handle.write(data)

    def seek(self, *args: Any) -> int:
        return self._handle.seek(*args)

    def tell(self) -> int:
        return self._handle.tell()

    def read(self, *args: Any) -> bytes:
        return b""

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def same_origin() -> bool:
    """True when the request comes from a page of this server (Origin, else Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    parts = urlsplit(source)
    mine = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (mine.scheme, mine.netloc)


def receive_upload(home: Path) -> dict[str, Any]:
    """Stream the request's files into a new upload folder; the upload's id and files."""
    limit = max_file_bytes()
    length = request.content_length
    if length is not None and length > limit * MAX_FILES + 1024 * 1024:
        raise UploadError(f"the upload is over {MAX_FILES} files of {limit // 2**20} MB", 413)
    remove_old_uploads(home)
    upload_id = secrets.token_hex(12)
    where = uploads_root(home) / upload_id
    where.mkdir(mode=0o700)
    taken: set[str] = set()
    written: list[_LimitedFile] = []

    def stream_factory(
        total_content_length: int | None = None,
        content_type: str | None = None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> Any:
        if len(written) >= MAX_FILES:
            raise UploadError(f"at most {MAX_FILES} files per upload", 413)
        name = safe_name(filename)
        stem, dot, ext = name.rpartition(".")
        n = 1
        while name in taken or name in ("inspect.json", "meta.json", "job"):
            n += 1
            name = f"{stem or ext}-{n}.{ext}" if dot else f"{name}-{n}"
        taken.add(name)
        handle = _LimitedFile(where / name, limit)
        written.append(handle)
        return handle

    try:
        _stream, _form, files = parse_form_data(
            request.environ,
            stream_factory=stream_factory,
            max_form_memory_size=64 * 1024,
            silent=False,
        )
        for storage in files.values():
            storage.close()
    except (RequestEntityTooLarge, UploadError) as exc:
        shutil.rmtree(where, ignore_errors=True)
        if isinstance(exc, UploadError):
            raise
        raise UploadError(
            f"a file is over the upload limit of {limit // 2**20} MB ({MAX_MB_ENV})", 413
        ) from exc
    except ValueError as exc:
        shutil.rmtree(where, ignore_errors=True)
        raise UploadError(f"not a file upload: {exc}") from exc
    finally:
        for handle in written:
            handle.close()
    names = [h.path.name for h in written]
    if not names:
        shutil.rmtree(where, ignore_errors=True)
        raise UploadError("no file in the upload")
    sizes = {h.path.name: h.size for h in written}
    user = auth.current_user()
    meta = {
        "upload_id": upload_id,
        "username": user.username if user else None,
        "files": names,
        "sizes": sizes,
        "at": time.time(),
    }
    _write_json(where / "meta.json", meta)
    accounts.record(
        home,
        "upload",
        user=user,
        target=upload_id,
        filters={"files": names},
        count_rows=len(names),
        remote_addr=request.remote_addr,
        detail=json.dumps(sizes, ensure_ascii=False),
    )
    inspection = inspect_upload(where, names)
    return {"upload_id": upload_id, "files": names, "inspection": inspection}


def _write_json(path: Path, data: Any) -> None:
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as sink:
        json.dump(data, sink, ensure_ascii=False, default=str)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def inspect_upload(where: Path, names: list[str]) -> list[dict[str, Any]]:
    """`creatorpulse inspect --json` of the uploaded files, kept as inspect.json."""
    done = subprocess.run(
        _cli(
            "inspect", *[str(where / n) for n in names], "--json", "--home", str(where.parents[1])
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
        timeout=600,
    )
    try:
        results = json.loads(done.stdout)
    except ValueError:
        line = (done.stderr.strip().splitlines() or ["inspect failed"])[-1]
        results = [{"file": n, "error": line} for n in names]
    _write_json(where / "inspect.json", results)
    return results


def read_inspection(home: Path, upload_id: str) -> list[dict[str, Any]]:
    """What `inspect` said about an upload's files."""
    path = upload_dir(home, upload_id) / "inspect.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


# -- the background import ------------------------------------------------------------------------


def _lock_path(home: Path) -> Path:
    return uploads_root(home) / LOCK_FILE


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_import(home: Path) -> dict[str, Any] | None:
    """The import holding the home's lock, or None (a lock left by a finished or dead import
    is stale and removed)."""
    lock = _lock_path(home)
    try:
        held = json.loads(lock.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        held = {}
    job = uploads_root(home) / str(held.get("upload_id", "")) / "job"
    finished = (job / "rc").exists()
    if finished or not _alive(int(held.get("pid") or 0)):
        lock.unlink(missing_ok=True)
        return None
    return held


def start_import(home: Path, upload_id: str, username: str | None) -> dict[str, Any]:
    """Start `creatorpulse ingest --json` on an upload's files in the background; UploadError
    (409) when another import is running in this home."""
    where = upload_dir(home, upload_id)
    meta = json.loads((where / "meta.json").read_text(encoding="utf-8"))
    job = where / "job"
    if job.exists():
        return job_status(home, upload_id)
    running_import(home)  # clears a stale lock
    lock = _lock_path(home)
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        held = running_import(home) or {}
        raise UploadError(
            f"another import is running (started by {held.get('username') or '?'}): "
            "wait for it to finish",
            409,
        ) from None
    job.mkdir(mode=0o700)
    files = [str(where / n) for n in meta["files"]]
    command = _cli(
        "ingest", *files, "--home", str(home), "--json", "--progress-file", str(job / "progress")
    )
    # sh writes the exit code when the ingest ends, whichever worker process asks later.
    wrapper = ["sh", "-c", '"$@"; echo $? > "$0"', str(job / "rc"), *command]
    with (
        open(job / "result.json", "wb") as out,
        open(job / "stderr.log", "wb") as errors,
    ):
        proc = subprocess.Popen(
            wrapper, cwd=ROOT, stdout=out, stderr=errors, start_new_session=True
        )
    with os.fdopen(fd, "w", encoding="utf-8") as sink:
        json.dump(
            {"upload_id": upload_id, "pid": proc.pid, "username": username, "at": time.time()},
            sink,
        )
    # Reap the child when it ends (no zombie), and free the lock at once.
    threading.Thread(target=_reap, args=(proc, home), daemon=True).start()
    _write_json(job / "started.json", {"at": time.time(), "files": meta["files"]})
    return job_status(home, upload_id)


def _reap(proc: subprocess.Popen[bytes], home: Path) -> None:
    proc.wait()
    running_import(home)


def job_status(home: Path, upload_id: str) -> dict[str, Any]:
    """An import's state: not started, running (files done so far) or finished (the CLI's
    report per file: read, loaded, rejected, error)."""
    where = upload_dir(home, upload_id)
    meta = json.loads((where / "meta.json").read_text(encoding="utf-8"))
    job = where / "job"
    total = len(meta["files"])
    if not job.exists():
        return {"state": "new", "total": total, "done": 0, "reports": []}
    progress = job / "progress"
    reports = []
    if progress.exists():
        reports = [
            json.loads(line)
            for line in progress.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    rc_path = job / "rc"
    if not rc_path.exists():
        return {"state": "running", "total": total, "done": len(reports), "reports": reports}
    try:
        final = json.loads((job / "result.json").read_text(encoding="utf-8"))
    except ValueError:
        final = reports
    rc = rc_path.read_text(encoding="utf-8").strip()
    error = None
    if not final:
        lines = (job / "stderr.log").read_text(encoding="utf-8", errors="replace").splitlines()
        error = next((ln for ln in reversed(lines) if ln.strip()), f"ingest exited with {rc}")
    return {
        "state": "finished",
        "total": total,
        "done": total,
        "reports": final,
        "exit_code": int(rc) if rc.lstrip("-").isdigit() else None,
        "error": error,
    }


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")


def init_uploads(server: Flask, home_of: Any) -> None:
    """Install `POST /import/upload` (organizers only, same-origin, size-limited)."""

    @server.route("/import/upload", methods=["POST"])
    def import_upload() -> Response:
        user = auth.current_user()
        home = home_of()
        if not auth.allowed(PAGE, user):
            accounts.record(
                home,
                "denied",
                user=user,
                target=PAGE,
                remote_addr=request.remote_addr,
                detail="upload",
            )
            return _json({"error": "not allowed"}, 403)
        if not same_origin():
            return _json({"error": "cross-site upload refused"}, 403)
        try:
            return _json(receive_upload(home))
        except UploadError as exc:
            return _json({"error": str(exc)}, exc.status)
