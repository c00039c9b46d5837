"""A browser stand-in for the dashboard benchmarks: serve a warehouse, sign in, open a page and
fire its callbacks over HTTP in the order and with the payloads Dash's renderer sends.

Opening a page in the browser is: GET the page, `/_dash-layout` and `/_dash-dependencies`; the
initial callbacks (Dash pages' content callback and the shell's navigation); then, once the page
content has arrived, every callback with an input in that new content (a callback marked
`prevent_initial_call` is skipped only when one of its outputs is in the new content too, which
is the renderer's rule), and the first block an infinite-model AG Grid asks for; then whatever a
response changed sets off (a filter written to the URL re-renders the navigation). `PageOpener`
replays exactly that from `/_dash-dependencies` and the components the server sent; the sequence
and bodies were checked against Chromium's own requests (recorded with Playwright) on the demo
warehouse. One exception, copied from the browser: a search the URL callback writes does not
re-run the page-content callback.

`serve` starts `creatorpulse serve` (gunicorn) on a free loopback port with an access log whose
lines end in the server-side time of each request (`%(D)s`, microseconds), so a benchmark can
report the server's own handling time next to the round trip it observed.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-长城-0"  # benchmark accounts only; never a real secret
# One account per role; the sponsor account belongs to the first sponsor of the catalogue.
ACCOUNTS = {"organizer": "b-organizer", "researcher": "b-researcher", "sponsor": "b-sponsor"}
CONTENT = "_pages_content"
LOCATION = "_pages_location"
# gunicorn access-log line: a marker, the request line, the status, the time in microseconds.
LOG_MARK = "CPBENCH"
LOG_FORMAT = f'{LOG_MARK} "%(r)s" %(s)s %(D)s'
_LOG_LINE = re.compile(rf'{LOG_MARK} "(\S+) (\S+) [^"]*" (\d+) (\d+)')


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_accounts(home: Path) -> dict[str, str]:
    """Create the benchmark accounts in `home` (once); returns role → username."""
    from warehouse import accounts
    from warehouse.query import Reader

    sponsor_id = None
    reader = Reader(home)
    try:
        sponsors = reader.query("sponsors")
        if sponsors.height:
            sponsor_id = sorted(sponsors["sponsor_id"].to_list())[0]
    finally:
        reader.close()
    for role, username in ACCOUNTS.items():
        if accounts.get_user(home, username) is None:
            accounts.add_user(
                home, username, role, PASSWORD, sponsor_id=sponsor_id if role == "sponsor" else None
            )
    return dict(ACCOUNTS)


@contextmanager
def serve(
    home: Path,
    log: Path,
    *,
    workers: int = 2,
    threads: int | None = None,
    warm_limit: float | None = None,
    no_cache: bool = False,
) -> Iterator[str]:
    """`creatorpulse serve` over `home` until the block ends; yields the base URL. The access
    log (with each request's server-side time) goes to `log`. `no_cache`: `serve --no-cache`."""
    port = free_port()
    env = dict(
        os.environ,
        CREATORPULSE_SECRET_KEY=os.environ.get("CREATORPULSE_SECRET_KEY")
        or "bench-session-secret-" + "x" * 32,
        GUNICORN_CMD_ARGS=f"--access-logformat '{LOG_FORMAT}'",
        # Every simulated user signs in from this one address, some at the same moment: the
        # sign-in throttle (made for guessing) would answer 429 to a load test's own users.
        CREATORPULSE_SIGNIN_FREE_ATTEMPTS="100000",
        CREATORPULSE_SIGNIN_ADDR_FREE_ATTEMPTS="100000",
    )
    command = [sys.executable, "-m", "cli", "serve", "--home", str(home), "--port", str(port)]
    command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    if warm_limit is not None:
        command += ["--warm-limit", str(warm_limit)]
    if no_cache:
        command += ["--no-cache"]
    with open(log, "wb") as sink:  # a file, not a pipe: a full pipe would stall the server
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600  # a loaded 2-core machine boots gunicorn slowly
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/login", timeout=5) as response:
                    response.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"server did not start: {log.read_text(errors='replace')[-3000:]}"
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def server_times(log: Path) -> dict[str, float]:
    """Server-side seconds per request tag (`?t=TAG` on the request) from the access log."""
    out: dict[str, float] = {}
    for line in log.read_text(errors="replace").splitlines():
        match = _LOG_LINE.search(line)
        if match and "t=" in match.group(2):
            tag = match.group(2).rpartition("t=")[2]
            out[tag] = int(match.group(4)) / 1e6
    return out


class Browser:
    """One user's HTTP side: keep-alive connections (one per thread, as a browser keeps one per
    parallel request, up to six) and the session cookie. Plain `http.client`: the load generator
    shares the machine's two cores with the server, so its own cost per request must be small.
    """

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.timeout = parts.hostname or "127.0.0.1", parts.port, timeout
        self.cookies: dict[str, str] = {}
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        return con

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, bytes, str | None]:
        """(status, body, Location) of one request on this thread's connection."""
        headers = {"Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        con = self._connection()
        try:
            con.request(method, path, body=body, headers=headers)
            response = con.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            con.close()
            self._local.con = None
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        if response.will_close:
            con.close()
            self._local.con = None
        return response.status, data, response.headers.get("Location")

    def get(self, path: str) -> tuple[int, bytes, str | None]:
        return self.request("GET", path)

    def post_json(self, path: str, body: Any) -> tuple[int, bytes, str | None]:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        return self.request("POST", path, data, "application/json")


def sign_in(url: str, username: str, password: str = PASSWORD) -> Browser:
    """A browser signed in through the sign-in form."""
    browser = Browser(url)
    form = urlencode({"username": username, "password": password}).encode("utf-8")
    status, _, _ = browser.request("POST", "/login", form, "application/x-www-form-urlencoded")
    if status != 303:
        raise RuntimeError(f"sign-in of {username} failed: {status}")
    return browser


# -- the renderer's rules ----------------------------------------------------------------------
def _id_text(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _is_wildcard(spec_id: Any) -> bool:
    return isinstance(spec_id, dict) and any(isinstance(v, list) for v in spec_id.values())


def _matches(spec_id: Any, component_id: Any) -> bool:
    if not _is_wildcard(spec_id):
        return spec_id == component_id
    if not isinstance(component_id, dict) or set(component_id) != set(spec_id):
        return False
    return all(isinstance(v, list) or component_id[k] == v for k, v in spec_id.items())


def walk(node: Any, found: dict[str, dict[str, Any]]) -> None:
    """Collect every component with an id in a layout (sub)tree: id text → props."""
    if isinstance(node, list):
        for item in node:
            walk(item, found)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        props = node["props"] or {}
        if "id" in props:
            found[_id_text(props["id"])] = props
        for value in props.values():
            if isinstance(value, (dict, list)):
                walk(value, found)


@dataclass
class Callback:
    """One entry of `/_dash-dependencies`."""

    output: str
    outputs: list[tuple[Any, str]]
    inputs: list[tuple[Any, str]]
    state: list[tuple[Any, str]]
    prevent_initial_call: bool

    label: str = ""


def parse_dependencies(items: list[dict[str, Any]]) -> list[Callback]:
    """Server-side callbacks (clientside ones run in the browser and are left out)."""
    out: list[Callback] = []
    for item in items:
        if item.get("clientside_function"):
            continue
        output = item["output"]
        parts = output[2:-2].split("...") if output.startswith("..") else [output]
        outputs = []
        for part in parts:
            component, _, prop = part.rpartition(".")
            outputs.append((_parse_id(component), prop))
        out.append(
            Callback(
                output=output,
                outputs=outputs,
                inputs=[(_parse_id(i["id"]), i["property"]) for i in item["inputs"]],
                state=[(_parse_id(s["id"]), s["property"]) for s in item["state"]],
                prevent_initial_call=bool(item.get("prevent_initial_call")),
            )
        )
    names = [_short(cb.outputs) for cb in out]
    for cb, name in zip(out, names, strict=True):
        # Two callbacks writing the same first output (the URL) are told apart by an input.
        cb.label = name if names.count(name) == 1 else f"{name} <- {_short(cb.inputs[:1])}"
    return out


def _short(specs: list[tuple[Any, str]]) -> str:
    """The first of some (id, property) pairs, readable, and how many more there are."""
    component, prop = specs[0]
    name = component.get("type", "") if isinstance(component, dict) else str(component)
    name = f"{name}.{prop.split('@')[0]}"
    return name if len(specs) == 1 else f"{name} (+{len(specs) - 1})"


def _item(component_id: Any, prop: str, props: dict[str, Any]) -> dict[str, Any]:
    item = {"id": component_id, "property": prop}
    if prop in props:
        item["value"] = props[prop]
    return item


def _resolve(
    spec: tuple[Any, str], components: dict[str, dict[str, Any]]
) -> dict[str, Any] | list[dict[str, Any]] | None:
    spec_id, prop = spec
    if _is_wildcard(spec_id):
        return [
            _item(props["id"], prop, props)
            for props in components.values()
            if _matches(spec_id, props["id"])
        ]
    props = components.get(_id_text(spec_id))
    return None if props is None else _item(spec_id, prop, props)


def payload(
    callback: Callback,
    components: dict[str, dict[str, Any]],
    changed: list[tuple[Any, str]],
) -> dict[str, Any] | None:
    """The request body the renderer sends for `callback` (None: an input is missing)."""
    inputs = [_resolve(spec, components) for spec in callback.inputs]
    if any(i is None for i in inputs):
        return None
    state = [_resolve(spec, components) for spec in callback.state]
    if any(s is None for s in state):
        return None
    outputs: list[Any] = []
    for spec_id, prop in callback.outputs:
        if _is_wildcard(spec_id):
            outputs.append(
                [
                    {"id": props["id"], "property": prop}
                    for props in components.values()
                    if _matches(spec_id, props["id"])
                ]
            )
        else:
            outputs.append({"id": spec_id, "property": prop})
    changed_text = [f"{_id_text(i)}.{p}" for i, p in changed]
    body = {
        "output": callback.output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "changedPropIds": changed_text,
        "parsedChangedPropsIds": [i if isinstance(i, dict) else f"{i}.{p}" for i, p in changed],
    }
    if state:
        body["state"] = state
    return body


def _in(spec: tuple[Any, str], ids: dict[str, dict[str, Any]]) -> list[tuple[Any, str]]:
    spec_id, prop = spec
    return [(props["id"], prop) for props in ids.values() if _matches(spec_id, props["id"])]


def fired_by_insertion(
    callbacks: list[Callback], chunk: dict[str, dict[str, Any]], everything: dict[str, dict]
) -> list[tuple[Callback, dict[str, Any]]]:
    """Callbacks the renderer fires when `chunk` is inserted, with their request bodies."""
    out = []
    for cb in callbacks:
        changed = [hit for spec in cb.inputs for hit in _in(spec, chunk)]
        if not changed:
            continue
        outputs_in_chunk = any(_in(spec, chunk) for spec in cb.outputs)
        if cb.prevent_initial_call and outputs_in_chunk:
            continue
        body = payload(cb, everything, changed)
        if body is not None:
            out.append((cb, body))
    return out


def fired_by_change(
    callbacks: list[Callback], changed: list[tuple[Any, str]], everything: dict[str, dict]
) -> list[tuple[Callback, dict[str, Any]]]:
    """Callbacks a response's changed props set off (never the page-content callback: the
    browser lets a URL callback's search stand without re-rendering the page)."""
    out = []
    for cb in callbacks:
        if cb.outputs[0][0] == CONTENT:
            continue
        hits = [
            (i, p)
            for i, p in changed
            for spec_id, prop in cb.inputs
            if prop == p and _matches(spec_id, i)
        ]
        if hits:
            body = payload(cb, everything, hits)
            if body is not None:
                out.append((cb, body))
    return out


# -- a page open -------------------------------------------------------------------------------
@dataclass
class Exchange:
    """One request and what came back."""

    kind: str  # "get" or "callback"
    label: str
    path: str
    status: int
    seconds: float
    tag: str
    started: float = 0.0  # time.monotonic() when sent
    body: dict[str, Any] | None = None
    response: Any = None
    error: str | None = None


@dataclass
class PageOpener:
    """Opens pages for one signed-in session the way the browser does, recording every request.

    With a `pool` the requests the renderer sends together (the page content and the
    navigation; then the callbacks of the new content) go out together, as a browser's
    parallel connections send them; without one, one after another. Responses are decoded only
    where the next step needs them (page content, URL writers, a grid's rows) or `decode(label)`
    asks.
    """

    url: str
    session: Browser
    tag_prefix: str = ""
    keep_responses: bool = False
    pool: ThreadPoolExecutor | None = None
    decode: Callable[[str], bool] | None = None
    on_decoded: Callable[[Exchange, Any], None] | None = None
    callbacks: list[Callback] | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def _tag(self) -> str:
        return f"{self.tag_prefix}{next(self._seq)}"

    def get(self, path: str, label: str, page: str = "") -> tuple[Exchange, Any]:
        """GET a page or a Dash route (for `page`); returns the exchange and the decoded JSON
        (Dash routes)."""
        tag = self._tag()
        sep = "&" if "?" in path else "?"
        started = time.monotonic()
        clock = time.perf_counter()
        data = None
        try:
            status, raw, _ = self.session.get(f"{path}{sep}t={tag}")
            error = None
            if path.startswith("/_dash-") and status == 200:
                data = json.loads(raw)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"
        exchange = Exchange(
            "get",
            label,
            page or path,
            status,
            time.perf_counter() - clock,
            tag,
            started,
            error=error,
        )
        self.exchanges.append(exchange)
        return exchange, data

    def post(self, label: str, body: dict[str, Any], path: str = "") -> tuple[Exchange, Any]:
        """POST one callback; returns the exchange and the decoded response when wanted (kept
        on the exchange only with `keep_responses`: figures are large)."""
        tag = self._tag()
        wanted = (
            self.keep_responses
            or label.startswith(CONTENT)
            or LOCATION in body["output"]
            or "getRowsResponse" in body["output"]  # the rows a user then selects
            or (self.decode is not None and self.decode(label))
        )
        started = time.monotonic()
        clock = time.perf_counter()
        data = None
        try:
            status, raw, _ = self.session.post_json(f"/_dash-update-component?t={tag}", body)
            error = None
            if status == 200 and wanted:
                data = json.loads(raw)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            status, error = 0, f"{type(exc).__name__}: {exc}"
        exchange = Exchange(
            "callback",
            label,
            path,
            status,
            time.perf_counter() - clock,
            tag,
            started,
            body=body,
            response=data if self.keep_responses else None,
            error=error,
        )
        self.exchanges.append(exchange)
        if data is not None and self.on_decoded is not None:
            self.on_decoded(exchange, data)
        return exchange, data

    def _together(self, tasks: list[Callable[[], Any]]) -> list[Any]:
        if self.pool is None or len(tasks) < 2:
            return [task() for task in tasks]
        return [future.result() for future in [self.pool.submit(task) for task in tasks]]

    def open(self, path: str, search: str = "") -> dict[str, dict[str, Any]]:
        """Open `path?search` as the browser does; returns the components on screen after."""
        page_get, _ = self.get(path + search, "GET page", path)
        if page_get.status != 200:
            return {}
        (layout, layout_data), (deps, deps_data) = self._together(
            [
                lambda: self.get("/_dash-layout", "GET _dash-layout", path),
                lambda: self.get("/_dash-dependencies", "GET _dash-dependencies", path),
            ]
        )
        if layout.status != 200 or deps.status != 200:
            return {}
        if self.callbacks is None:
            self.callbacks = parse_dependencies(deps_data)
        components: dict[str, dict[str, Any]] = {}
        walk(layout_data, components)
        components[LOCATION] = {**components.get(LOCATION, {"id": LOCATION})}
        components[LOCATION].update(pathname=path, search=search)
        # Initial layout: the page-content callback and the navigation (both read the URL).
        changed = [(LOCATION, "pathname"), (LOCATION, "search")]
        initial = [
            (cb, body)
            for cb in self.callbacks
            if any(spec[0] == LOCATION for spec in cb.inputs) and not _is_wildcard_only(cb)
            if (body := payload(cb, components, changed)) is not None
        ]
        results = self._together(
            [
                lambda cb=cb, body=body: self.post(_label(cb, path), body, path)
                for cb, body in initial
            ]
        )
        for (cb, _), (exchange, data) in zip(initial, results, strict=True):
            if cb.outputs[0][0] == CONTENT and exchange.status == 200 and data:
                content = data.get("response", {}).get(CONTENT, {}).get("children")
                chunk: dict[str, dict[str, Any]] = {}
                walk(content, chunk)
                components.update(chunk)
                self._fire_chunk(chunk, components, path)
        return components

    def _fire_chunk(
        self, chunk: dict[str, dict[str, Any]], components: dict[str, dict], path: str
    ) -> None:
        assert self.callbacks is not None
        callbacks = self.callbacks

        def fire(cb: Callback, body: dict[str, Any]) -> None:
            _, data = self.post(_label(cb, path), body, path)
            changed = _apply(data, components)
            for follow, follow_body in fired_by_change(callbacks, changed, components):
                self.post(_label(follow, path), follow_body, path)

        # An AG Grid with the infinite row model asks for its first block itself once mounted.
        asks = []
        for props in chunk.values():
            if props.get("rowModelType") == "infinite":
                block = (props.get("dashGridOptions") or {}).get("cacheBlockSize", 100)
                props["getRowsRequest"] = {
                    "startRow": 0,
                    "endRow": block,
                    "sortModel": [],
                    "filterModel": {},
                    "api": {},
                }
                asks.append((props["id"], "getRowsRequest"))
        fired = fired_by_insertion(callbacks, chunk, components)
        fired += fired_by_change(callbacks, asks, components)
        self._together([lambda cb=cb, body=body: fire(cb, body) for cb, body in fired])


def _is_wildcard_only(cb: Callback) -> bool:
    return all(_is_wildcard(spec[0]) for spec in cb.inputs)


def _apply(data: Any, components: dict[str, dict[str, Any]]) -> list[tuple[Any, str]]:
    """Write a callback response's props into the components; returns what changed."""
    if not isinstance(data, dict):
        return []
    changed = []
    for id_text, props in (data.get("response") or {}).items():
        target = components.setdefault(id_text, {"id": _parse_id(id_text)})
        for prop, value in props.items():
            if target.get(prop) != value:
                target[prop] = value
                changed.append((target["id"], prop))
    return changed


def _label(cb: Callback, path: str) -> str:
    if cb.outputs[0][0] == CONTENT:
        return f"{CONTENT} {path}"
    return cb.label
