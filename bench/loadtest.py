"""Load test: concurrent signed-in users clicking through the dashboard while an ingest publishes
a new snapshot halfway.

    python -m bench.loadtest --out DIR (--home HOME | --data DIR) [--work DIR] [--small]
                             [--users 50] [--seconds 60] [--ingest FILE...]
                             [--workers 2] [--threads N] [--seed 7]

The server is `creatorpulse serve` (gunicorn, its default worker class and threads unless
`--workers/--threads` say otherwise) on a free loopback port, over a working copy of HOME: the
published snapshot and its shared Parquet parts are hard-linked (neither is written after
publishing) and the small files copied, so the load and the ingest leave HOME as it was.

Users: organizers, researchers and sponsor accounts (about 60/25/15%), each signed in through
the sign-in form before the clock starts. Each user loops until the time is up: pick a page its
role may open (sometimes in English or another edition, the filters a user changes most), open
it as the browser does (`bench.dashclient.PageOpener`: the page, `_dash-layout`,
`_dash-dependencies`, then the callbacks with the renderer's payloads, in parallel waves up to
six requests at a time like a browser's connections), then think 0.5–2 s (seeded). Page opens
started before the end run to completion and count.

Halfway, `creatorpulse ingest` loads a small file into the working copy, which publishes a new
snapshot while users are active. Without `--ingest` the file is a re-export of the last days of
the instance's latest 微博 export with 1,000 more plays on every row (a re-export replaces those
days), so the overview's plays figure changes when the new snapshot is served: users record it,
which shows whether (and when) they saw the switch. An ingest copies the whole snapshot and
rebuilds the models, which at 10M rows takes longer than half a minute: when it publishes after
the planned end, the users carry on: the server keeps serving the previous snapshot while it
renders recently opened pages on the new one (`serve --warm-limit`), and the load goes on until
20 s after a user first saw the new figure, so the switch is always measured.

Before the clock starts every page is opened, in every variant the users pick, once per viewer
(role and sponsor) and twice over, several at a time, so that both workers have served them (a
warm-up, not measured): the test measures a server that has been running, then a new snapshot
landing.

Then, unless `--fresh-seconds 0`, a second phase on the new snapshot: the same number of users,
each picking new filter values on every click (`bench.filters`: a combination of the page's own
filter options, drawn with the seed, that no user has opened before, so the server's caches
miss); a page whose combinations run out (the overview offers only its edition) is left for the
others, and a role whose pages have no filters (the sponsor account) opens them as before.

Reported: requests, errors (any status >= 400 or failed request, listed), latency p50/p95/max
overall, per page and per phase (before the ingest, while it runs, after the new snapshot is
published) as the client saw it, the server-side time of the same requests (gunicorn `%(D)s`),
and the snapshot switch.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import dashclient as dc
from bench import filters
from bench.harness import BenchResult, Target, fmt_seconds, percentile, run_isolated, write_result

TARGET_P95_S = 0.500
ROLE_SHARES = (("organizer", 0.60), ("researcher", 0.25), ("sponsor", 0.15))
PAGES = {
    "organizer": (
        "/",
        "/participants",
        "/segments",
        "/views",
        "/retention",
        "/attention",
        "/sponsor",
        "/cohort",
        "/contacts",
    ),
    "researcher": ("/participants", "/segments", "/retention", "/attention", "/cohort"),
    "sponsor": ("/sponsor",),
}
EDITION_PAGES = ("/", "/participants", "/views")
BROWSER_CONNECTIONS = 6
THINK_S = (0.5, 2.0)
REEXPORT_ROWS = 2000
AFTER_SWITCH_S = 20.0  # load kept on after users first see the new snapshot
WARM_LIMIT_S = 300.0  # serve's default --warm-limit
MAX_EXTENSION_S = 600.0
REEXPORT_EXTRA_PLAYS = 1000
FRESH_S = 30.0  # the new-filters phase
PUBLISH_MAX_S = 2.0  # the slowest request while a publish is under way (issue 16)
FRESH_TRIES = 200  # draws before a page counts as out of new combinations
OVERVIEW_RENDER = "overview-kpis.children (+3)"
PLAYS_KPI = "overview-kpi-plays"


# -- setting up --------------------------------------------------------------------------------
def working_copy(home: Path, target: Path) -> Path:
    """A home that shares HOME's published snapshot (hard link) and copies its small files."""
    from warehouse import store

    current = store.current_snapshot(home)
    if current is None:
        raise SystemExit(f"no published snapshot in {home}")
    if target.exists():
        shutil.rmtree(target)
    (target / current.parent.name).mkdir(parents=True)
    for item in home.iterdir():
        if item.is_file() and not item.name.endswith(".tmp"):
            shutil.copy2(item, target / item.name)
    try:
        os.link(current, target / current.parent.name / current.name)
    except OSError:  # another file system: a copy does the same, slower
        shutil.copy2(current, target / current.parent.name / current.name)
    # The shared Parquet parts the snapshot names relative to its home (immutable, so linked
    # too; a load in the copy writes new ones beside them and prunes only its own links).
    if (home / "parts").is_dir():
        shutil.copytree(home / "parts", target / "parts", copy_function=_link_or_copy)
    return target


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def reexport(data: Path, out: Path, rows: int = REEXPORT_ROWS) -> Path:
    """The last `rows` rows of the instance's latest 微博 export, each with more plays."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    weibo = [f for f in manifest["files"] if f["source"] == "weibo" and f.get("ingest", True)]
    if not weibo:
        raise SystemExit(f"{data} has no 微博 export to re-export; pass --ingest FILE")
    entry = weibo[-1]
    encoding = entry.get("encoding") or "utf-8"
    with open(data / entry["path"], encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        tail: list[list[str]] = []
        for row in reader:
            tail.append(row)
            if len(tail) > rows:
                del tail[0]
    plays = header.index("播放量")
    for row in tail:
        row[plays] = f"{int(row[plays].replace(',', '')) + REEXPORT_EXTRA_PLAYS:,}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(tail)
    out.write_text(buffer.getvalue(), encoding=encoding)
    return out


def make_accounts(home: Path, users: int, rng: random.Random) -> list[tuple[str, str, str | None]]:
    """`users` accounts (role mix of ROLE_SHARES; sponsors spread over the first sponsors)."""
    from warehouse import accounts
    from warehouse.query import Reader

    reader = Reader(home)
    try:
        sponsor_ids = sorted(reader.query("sponsors")["sponsor_id"].to_list())
    finally:
        reader.close()
    roles = []
    for role, share in ROLE_SHARES:
        roles += [role] * max(1, round(users * share))
    roles = (roles + ["organizer"] * users)[:users]
    if not sponsor_ids:
        roles = ["organizer" if r == "sponsor" else r for r in roles]
    rng.shuffle(roles)
    out = []
    for i, role in enumerate(roles, 1):
        name = f"lt-{role}-{i:02d}"
        sponsor = sponsor_ids[i % len(sponsor_ids)] if role == "sponsor" else None
        if accounts.get_user(home, name) is None:
            accounts.add_user(home, name, role, dc.PASSWORD, sponsor_id=sponsor)
        out.append((name, role, sponsor))
    return out


# -- the users ---------------------------------------------------------------------------------
def variants(path: str, editions: list[str]) -> list[str]:
    """The searches users open `path` with: default, English, and (pages with an edition
    filter) the earlier editions."""
    out = ["", "?lang=en"]
    if path in EDITION_PAGES:
        out += [f"?edition={year}" for year in editions[:-1]]
    return out


def _search(path: str, rng: random.Random, editions: list[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        return ""
    if roll < 0.8 or path not in EDITION_PAGES or len(editions) < 2:
        return "?lang=en"
    return f"?edition={rng.choice(editions[:-1])}"


def _plays_kpi(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    found: dict[str, dict[str, Any]] = {}
    for props in (data.get("response") or {}).values():
        dc.walk(list(props.values()), found)
    kpi = found.get(PLAYS_KPI)
    return None if kpi is None else str(kpi.get("children"))


class FreshSearches:
    """Filter combinations no user has opened yet, per page, from the controls each role's pages
    showed in the warm-up (shared by the users' threads)."""

    def __init__(self) -> None:
        self.controls: dict[tuple[str, str], tuple[list[filters.Control], Any]] = {}
        self.used: set[tuple[str, str]] = set()
        self.exhausted: set[str] = set()
        self.lock = threading.Lock()

    def learn(self, role: str, path: str, components: dict[str, dict[str, Any]]) -> None:
        """Remember the filter controls `role` saw on `path`."""
        found, dates = filters.controls(components)
        if found:
            with self.lock:
                self.controls[(role, path)] = (found, dates)

    def pages(self, role: str) -> list[str]:
        """The pages of `role` that still offer new combinations."""
        with self.lock:
            return [
                p for p in PAGES[role] if (role, p) in self.controls and p not in self.exhausted
            ]

    def draw(self, role: str, path: str, rng: random.Random) -> str | None:
        """A search for `path` no one has opened; None once the page has run out of them."""
        found, dates = self.controls[(role, path)]
        share = filters.usual_share(found)
        for _ in range(FRESH_TRIES):
            search = filters.draw_search(found, dates, rng, share)
            with self.lock:
                if search and (path, search) not in self.used:
                    self.used.add((path, search))
                    return search
        with self.lock:
            self.exhausted.add(path)
        return None


class User(threading.Thread):
    """One signed-in user clicking through pages until the shared clock's deadline (with
    `fresh`: new filter values on every click)."""

    def __init__(
        self,
        url: str,
        name: str,
        role: str,
        seed: int,
        editions: list[str],
        fresh: FreshSearches | None = None,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.url, self.role, self.editions, self.fresh = url, role, editions, fresh
        self.clock: dict[str, float] = {"deadline": 0.0}
        self.rng = random.Random(seed)
        self.session = dc.sign_in(url, name)
        self.pool = ThreadPoolExecutor(BROWSER_CONNECTIONS, thread_name_prefix=name)
        self.opener = dc.PageOpener(
            url,
            self.session,
            tag_prefix=f"{name}-",
            pool=self.pool,
            decode=self._decode,
            on_decoded=self._decoded,
        )
        self.opens: list[tuple[float, str, str, float]] = []  # started, path, search, seconds
        self.plays_seen: list[tuple[float, str]] = []
        self.crash: str | None = None
        self._search = ""

    def _decode(self, label: str) -> bool:
        return label == OVERVIEW_RENDER and self._search == ""

    def _decoded(self, exchange: dc.Exchange, data: Any) -> None:
        if exchange.label == OVERVIEW_RENDER:
            value = _plays_kpi(data)
            if value is not None:
                self.plays_seen.append((exchange.started, value))

    def run(self) -> None:
        try:
            while time.monotonic() < self.clock["deadline"]:
                path, self._search = self._pick()
                started = time.monotonic()
                clock = time.perf_counter()
                self.opener.open(path, self._search)
                self.opens.append((started, path, self._search, time.perf_counter() - clock))
                time.sleep(self.rng.uniform(*THINK_S))
        except Exception as exc:  # a bug in the load generator must show, not vanish
            self.crash = f"{type(exc).__name__}: {exc}"
        finally:
            self.pool.shutdown(wait=True)

    def _pick(self) -> tuple[str, str]:
        """The next page and search: new filter values when the phase asks for them and a page
        of this role still has some, else a page and one of the usual variants."""
        while self.fresh is not None and (pages := self.fresh.pages(self.role)):
            path = self.rng.choice(pages)
            search = self.fresh.draw(self.role, path, self.rng)
            if search is not None:
                return path, search
        path = self.rng.choice(PAGES[self.role])
        return path, _search(path, self.rng, self.editions)


def warm_up(
    url: str,
    accounts: list[tuple[str, str, str | None]],
    editions: list[str],
    threads: int,
    rounds: int = 2,
    fresh: FreshSearches | None = None,
) -> float:
    """Open every page in every variant once per viewer (role and sponsor), twice over with
    `threads` at a time so that every worker has served them (not measured); `fresh` learns the
    filter controls each role's pages show."""
    started = time.perf_counter()
    viewers: dict[tuple[str, str | None], str] = {}
    for name, role, sponsor in accounts:
        viewers.setdefault((role, sponsor), name)
    jobs = [
        (name, path, search)
        for (role, _), name in viewers.items()
        for path in PAGES[role]
        for search in variants(path, editions)
    ]
    # One sign-in per viewer, before the threads start: several threads signing the same name
    # in at once would look like password guessing to the sign-in throttle.
    sessions = {name: dc.sign_in(url, name) for name in viewers.values()}
    role_of = {name: role for (role, _), name in viewers.items()}

    def job(item: tuple[str, str, str]) -> None:
        name, path, search = item
        components = dc.PageOpener(url, sessions[name]).open(path, search)
        if fresh is not None and search == "":
            fresh.learn(role_of[name], path, components)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(job, jobs * rounds))
    return time.perf_counter() - started


def _first_new_plays(team: list[User], switched: float) -> float | None:
    """When a user first saw an overview plays figure no one saw before the switch."""
    seen = [(at, value) for user in team for at, value in list(user.plays_seen)]
    before = {value for at, value in seen if at < switched}
    after = [at for at, value in seen if at >= switched and value not in before]
    return min(after) if before and after else None


# -- the run -----------------------------------------------------------------------------------
def run(
    home: Path,
    work: Path,
    *,
    users: int,
    seconds: float,
    ingest_files: list[Path],
    ingest_source: str,
    workers: int,
    threads: int | None,
    seed: int,
    after_switch: float = AFTER_SWITCH_S,
    warm_rounds: int = 2,
    warm_limit: float = WARM_LIMIT_S,
    fresh_seconds: float = FRESH_S,
) -> dict[str, Any]:
    """Serve `home`, run the users and the ingest, then the new-filters phase, and return every
    exchange and event."""
    from warehouse import store
    from warehouse.query import Reader

    rng = random.Random(seed)
    accounts = make_accounts(home, users, rng)
    reader = Reader(home)
    try:
        editions = [str(y) for y in reader.query("overview_editions")["edition_year"].to_list()]
    finally:
        reader.close()
    log = work / "loadtest-server.log"
    ingest_log = work / "loadtest-ingest.log"
    events: dict[str, Any] = {"switches": [], "after_switch": after_switch}
    with dc.serve(home, log, workers=workers, threads=threads, warm_limit=warm_limit) as url:
        fresh = FreshSearches()
        warm_s = warm_up(url, accounts, editions, max(2, workers * 2), warm_rounds, fresh)
        print(f"warm-up: {fmt_seconds(warm_s)}", flush=True)
        # Every user signs in through the form before the clock starts.
        sign_in_started = time.perf_counter()
        team = [
            User(url, name, role, seed * 1000 + i, editions)
            for i, (name, role, _) in enumerate(accounts)
        ]
        events["sign_in_s"] = time.perf_counter() - sign_in_started
        start = time.monotonic()
        # Users stop at start + seconds, unless the ingest has not published by then: they go on
        # until `after_switch` seconds after the new snapshot (or the ingest's end), so the
        # switch is always measured under load.
        clock = {"deadline": start + seconds}
        for user in team:
            user.clock = clock
        first_snapshot = store.current_snapshot(home)
        stop = threading.Event()

        def watch() -> None:
            last = first_snapshot
            while not stop.is_set():
                now = store.current_snapshot(home)
                if now != last:
                    at = time.monotonic()
                    events["switches"].append((at - start, now.name if now else None))
                    # The server serves the new snapshot once it has warmed it (at most
                    # `serve --warm-limit`): the users go on until they have seen it.
                    clock["deadline"] = max(start + seconds, at + warm_limit + 10 + after_switch)
                    last = now
                if events["switches"] and "new_seen_at" not in events:
                    seen = _first_new_plays(team, start + events["switches"][0][0])
                    if seen is not None:
                        events["new_seen_at"] = seen - start
                        clock["deadline"] = max(start + seconds, seen + after_switch)
                time.sleep(0.1)

        def ingest() -> None:
            time.sleep(max(0.0, start + seconds / 2 - time.monotonic()))
            events["ingest_started"] = time.monotonic() - start
            clock["deadline"] = start + seconds + MAX_EXTENSION_S
            command = [sys.executable, "-m", "cli", "ingest", "--home", str(home)]
            command += ["--source", ingest_source, *map(str, ingest_files)]
            with open(ingest_log, "wb") as sink:
                code = subprocess.run(
                    command, cwd=dc.ROOT, stdout=sink, stderr=subprocess.STDOUT, check=False
                ).returncode
            ended = time.monotonic()
            events["ingest_ended"] = ended - start
            events["ingest_exit"] = code
            time.sleep(0.3)  # the watcher's next look
            if not events["switches"]:  # (else the watcher sets the end)
                clock["deadline"] = max(start + seconds, ended)

        watcher = threading.Thread(target=watch, daemon=True)
        loader = threading.Thread(target=ingest, daemon=True)
        watcher.start()
        loader.start()
        for user in team:
            user.start()
        for user in team:
            user.join()
        events["ended"] = time.monotonic() - start
        loader.join()
        # The server keeps running until the ingest is done, so the switch is always observed.
        stop.set()
        watcher.join()
        fresh_team: list[User] = []
        if fresh_seconds > 0:
            fresh_team = [
                User(url, name, role, seed * 1000 + 500 + i, editions, fresh=fresh)
                for i, (name, role, _) in enumerate(accounts)
            ]
            events["fresh_started"] = time.monotonic() - start
            cpu_started = descendants_cpu_seconds()
            fresh_clock = {"deadline": time.monotonic() + fresh_seconds}
            for user in fresh_team:
                user.clock = fresh_clock
                user.start()
            for user in fresh_team:
                user.join()
            events["fresh_ended"] = time.monotonic() - start
            # Only the server runs under this process now (the ingest has ended): its CPU time.
            events["fresh_server_cpu_s"] = descendants_cpu_seconds() - cpu_started
            events["fresh_users"] = len(fresh_team)
            events["fresh_exhausted"] = sorted(fresh.exhausted)
            events["fresh_pages"] = sorted({path for _, path in fresh.controls})
    server = dc.server_times(log)
    exchanges = []
    for user, phase in [(u, "main") for u in team] + [(u, "fresh") for u in fresh_team]:
        for e in user.opener.exchanges:
            exchanges.append(
                {
                    "user": user.name,
                    "role": user.role,
                    "kind": e.kind,
                    "label": e.label,
                    "path": e.path,
                    "status": e.status,
                    "error": e.error,
                    "at": e.started - start,
                    "seconds": e.seconds,
                    "server": server.get(e.tag),
                    "phase": phase,
                }
            )
    return {
        "exchanges": exchanges,
        "opens": [
            {"user": u.name, "at": at - start, "path": p, "search": s, "seconds": sec}
            for u in team
            for at, p, s, sec in u.opens
        ],
        "fresh_opens": [
            {"user": u.name, "at": at - start, "path": p, "search": s, "seconds": sec}
            for u in fresh_team
            for at, p, s, sec in u.opens
        ],
        "plays_seen": [
            {"user": u.name, "at": at - start, "value": v} for u in team for at, v in u.plays_seen
        ],
        "crashes": {u.name: u.crash for u in team + fresh_team if u.crash},
        "events": events,
        "accounts": Counter(role for _, role, _ in accounts),
        "warm_up_s": warm_s,
        "server_log_tail": log.read_text(errors="replace")[-2000:],
    }


def descendants_cpu_seconds() -> float:
    """CPU time (user + system) of this process's living descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    found, frontier = set(), [os.getpid()]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found.update(children)
        frontier.extend(children)
    return sum(cpu[pid] for pid in found)


# -- the report --------------------------------------------------------------------------------
def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 95),
        "max": max(values),
    }


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f}"


def _row(name: str, values: list[float], server: list[float]) -> str:
    c, s = _stats(values), _stats(server)
    if not c["n"]:
        return f"| {name} | 0 | | | | |"
    server_p95 = f"{s['p95'] * 1000:.0f}" if s["n"] else "–"
    return (
        f"| {name} | {c['n']} | {c['p50'] * 1000:.0f} | {c['p95'] * 1000:.0f} | "
        f"{c['max'] * 1000:.0f} | {server_p95} |"
    )


def report(result: dict[str, Any], seconds: float) -> tuple[str, dict[str, Any]]:
    """Markdown details and the headline figures (the new-filters phase under "fresh")."""
    every = [e for e in result["exchanges"] if e["at"] >= 0]
    exchanges = [e for e in every if e.get("phase", "main") == "main"]
    fresh_exchanges = [e for e in every if e.get("phase") == "fresh"]
    errors = [e for e in exchanges if e["status"] >= 400 or e["status"] == 0]
    events = result["events"]
    switch_at = events["switches"][0][0] if events["switches"] else None
    head = "| requests | n | p50 ms | p95 ms | max ms | server p95 ms |\n|---|---:|---:|---:|---:|---:|"

    def group(filter_fn: Any) -> tuple[list[float], list[float]]:
        chosen = [e for e in exchanges if filter_fn(e)]
        return (
            [e["seconds"] for e in chosen],
            [e["server"] for e in chosen if e["server"] is not None],
        )

    rows = [_row("all", *group(lambda e: True))]
    rows.append(_row("page GETs and Dash routes", *group(lambda e: e["kind"] == "get")))
    rows.append(_row("callbacks", *group(lambda e: e["kind"] == "callback")))
    ingest_started = events.get("ingest_started", seconds / 2)
    phases = [
        ("before the ingest", lambda e: e["at"] < ingest_started),
        (
            "ingest running",
            lambda e: ingest_started <= e["at"] < (switch_at if switch_at is not None else 1e9),
        ),
    ]
    if switch_at is not None:
        phases.append(("after the new snapshot", lambda e: e["at"] >= switch_at))
    for name, fn in phases:
        rows.append(_row(f"phase: {name}", *group(fn)))
    for path in sorted({e["path"] for e in exchanges if e["path"]}):
        rows.append(_row(f"page {path}", *group(lambda e, p=path: e["path"] == p)))
    slowest = sorted(exchanges, key=lambda e: e["seconds"], reverse=True)[:10]
    slow_md = "\n".join(
        f"- {e['seconds'] * 1000:.0f} ms (server {_ms(e['server'])} ms) at {e['at']:.1f} s: "
        f"{e['role']} {e['path']} {e['label']}"
        for e in slowest
    )
    error_md = "\n".join(
        f"- {e['status']} {e['role']} {e['path']} {e['label']} at {e['at']:.1f} s: {e['error'] or ''}"
        for e in errors[:50]
    )
    plays = result["plays_seen"]
    before = {p["value"] for p in plays if switch_at is None or p["at"] < switch_at}
    after = {p["value"] for p in plays if switch_at is not None and p["at"] >= switch_at}
    seen_new = bool(after - before)
    overall = _stats([e["seconds"] for e in exchanges])
    server_all = _stats([e["server"] for e in exchanges if e["server"] is not None])
    # During the publish: from the ingest's start until users first saw the new snapshot (the
    # load, the publish, and the server warming the new snapshot while serving the previous one).
    publish_end = events.get("new_seen_at") or events.get("ended", 1e9)
    during = [e["seconds"] for e in exchanges if ingest_started <= e["at"] < publish_end]
    headline = {
        "requests": len(exchanges),
        "errors": len(errors),
        "p50": overall.get("p50"),
        "p95": overall.get("p95"),
        "max": overall.get("max"),
        "publish_window": [ingest_started, publish_end],
        "publish_max": max(during) if during else None,
        "publish_requests": len(during),
        "server_p95": server_all.get("p95"),
        "page_opens": len(result["opens"]),
        "switch_at": switch_at,
        "switch_seen": seen_new,
        "new_seen_at": events.get("new_seen_at"),
        "crashes": result["crashes"],
    }
    ingest_text = (
        f"ingest started at {ingest_started:.1f} s, ended at {events.get('ingest_ended', 0):.1f} s "
        f"(exit {events.get('ingest_exit')}); "
        + (
            f"new snapshot published at {switch_at:.1f} s"
            if switch_at is not None
            else "no new snapshot published"
        )
        + (
            f"; the server kept serving the previous snapshot while it warmed the new one, and "
            f"users first saw it at {events['new_seen_at']:.1f} s"
            if events.get("new_seen_at") is not None and switch_at is not None
            else ""
        )
        + (
            f"; users saw the overview's plays change ({sorted(before)} → {sorted(after)})"
            if seen_new
            else "; no user saw a changed plays figure"
        )
    )
    details = (
        f"{sum(result['accounts'].values())} users ({dict(result['accounts'])}), "
        f"{seconds:.0f} s planned, run ended at {events['ended']:.1f} s (after a snapshot "
        f"published late, the load goes on until {events['after_switch']:.0f} s after users "
        f"first saw it; page opens under way at the end finish), {len(result['opens'])} page "
        f"opens; {ingest_text}. Times are the round trip the client saw (server p95: gunicorn `%(D)s` of the same requests).\n\n"
        + head
        + "\n"
        + "\n".join(rows)
        + f"\n\nSlowest requests:\n\n{slow_md}\n"
        + (f"\nErrors:\n\n{error_md}\n" if errors else "\nErrors: none.\n")
        + (f"\nLoad generator crashes: {result['crashes']}\n" if result["crashes"] else "")
    )
    if fresh_exchanges:
        fresh_md, headline["fresh"] = fresh_report(result, fresh_exchanges)
        details += "\n" + fresh_md
    return details, headline


def fresh_report(
    result: dict[str, Any], exchanges: list[dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """Markdown and headline figures of the new-filters phase."""
    events = result["events"]
    errors = [e for e in exchanges if e["status"] >= 400 or e["status"] == 0]
    head = "| requests | n | p50 ms | p95 ms | max ms | server p95 ms |\n|---|---:|---:|---:|---:|---:|"

    def group(filter_fn: Any) -> tuple[list[float], list[float]]:
        chosen = [e for e in exchanges if filter_fn(e)]
        return (
            [e["seconds"] for e in chosen],
            [e["server"] for e in chosen if e["server"] is not None],
        )

    rows = [_row("all", *group(lambda e: True))]
    rows.append(_row("callbacks", *group(lambda e: e["kind"] == "callback")))
    for path in sorted({e["path"] for e in exchanges if e["path"]}):
        rows.append(_row(f"page {path}", *group(lambda e, p=path: e["path"] == p)))
    opens = result.get("fresh_opens", [])
    distinct = len({(o["path"], o["search"]) for o in opens})
    overall = _stats([e["seconds"] for e in exchanges])
    server_all = _stats([e["server"] for e in exchanges if e["server"] is not None])
    slowest = sorted(exchanges, key=lambda e: e["seconds"], reverse=True)[:5]
    slow_md = "\n".join(
        f"- {e['seconds'] * 1000:.0f} ms (server {_ms(e['server'])} ms): "
        f"{e['role']} {e['path']} {e['label']}"
        for e in slowest
    )
    headline = {
        "requests": len(exchanges),
        "errors": len(errors),
        "p50": overall.get("p50"),
        "p95": overall.get("p95"),
        "max": overall.get("max"),
        "server_p95": server_all.get("p95"),
        "page_opens": len(opens),
        "distinct_opens": distinct,
    }
    seconds = events.get("fresh_ended", 0) - events.get("fresh_started", 0)
    capacity = _capacity(events, len(opens), seconds)
    headline["capacity"] = capacity
    md = (
        f"New filter values on every click ({seconds:.0f} s, on the published snapshot after "
        f"the ingest): {len(opens)} page opens, {distinct} distinct page × filter combinations "
        f"(pages with filters: {', '.join(events.get('fresh_pages', [])) or 'none'}; ran out of "
        f"new combinations: {', '.join(events.get('fresh_exhausted', [])) or 'none'}), "
        f"{len(errors)} errors.\n\n{head}\n"
        + "\n".join(rows)
        + f"\n\nSlowest:\n\n{slow_md}\n"
        + (f"\n{capacity['text']}\n" if capacity else "")
    )
    return md, headline


def _capacity(events: dict[str, Any], opens: int, seconds: float) -> dict[str, Any] | None:
    """What the new-filters phase asked of the machine's cores, from the server's CPU time."""
    cpu, users = events.get("fresh_server_cpu_s"), events.get("fresh_users")
    if not cpu or not opens or not users or seconds <= 0:
        return None
    cores = os.cpu_count() or 1
    think = sum(THINK_S) / 2
    per_open = cpu / opens
    # Users who got every page at once would open users / think pages a second.
    asked = users / think * per_open
    # For p95 ≤ 500 ms each user's cycle is at least think + 0.5 s: the CPU a page open may cost.
    budget = cores * (think + TARGET_P95_S) / users
    text = (
        f"Capacity: the server used {cpu:.1f} CPU-s in {seconds:.0f} s ({cpu / seconds / cores:.0%} "
        f"of {cores} cores) for {opens} page opens: {per_open:.2f} CPU-s per page open with new "
        f"filters (its callbacks, cache misses). {users} users thinking {think:.2f} s on average "
        f"would ask for {users / think:.0f} page opens a second, {asked:.0f} CPU-s a second: "
        f"{asked / cores:.0f}× the {cores} cores. For p95 ≤ {TARGET_P95_S * 1000:.0f} ms a page "
        f"open could cost at most {budget * 1000:.0f} CPU-ms on this machine; past that the "
        "requests queue, whatever the server's workers and threads."
    )
    return {
        "server_cpu_s": round(cpu, 2),
        "cpu_s_per_open": round(per_open, 3),
        "asked_cores": round(asked, 1),
        "budget_cpu_ms_per_open": round(budget * 1000),
        "text": text,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="warehouse home (left unchanged)")
    parser.add_argument("--data", type=Path, help="instance from bench.generate")
    parser.add_argument("--out", type=Path, required=True, help="results folder")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temp folder)")
    parser.add_argument("--small", action="store_true", help="smoke scale (4 users, 8 s)")
    parser.add_argument("--users", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--ingest", type=Path, nargs="+", help="files ingested halfway")
    parser.add_argument("--source", default="weibo", help="their --source (default weibo)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, help="threads per worker (default: serve's)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--fresh-seconds",
        type=float,
        help=f"the new-filters phase after the ingest (default {FRESH_S:.0f} s; 0: none)",
    )
    parser.add_argument(
        "--warm-limit",
        type=float,
        help="serve --warm-limit: seconds the server may warm a new snapshot (default 300)",
    )
    args = parser.parse_args(argv)
    # A terminated run still stops the server it started (the `serve` block's finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.home is None and args.data is None:
        parser.error("give --home or --data")
    users = args.users or (4 if args.small else 50)
    seconds = args.seconds or (8.0 if args.small else 60.0)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-loadtest-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.home is not None:
        home = working_copy(args.home, work / "home")
    else:
        home = work / "home"
        build = run_isolated(
            "bench.callbacks:build_warehouse",
            label="warehouse build",
            args={"data": str(args.data), "home": str(home)},
        )
        print(build.describe())
    if args.ingest:
        files, source = list(args.ingest), args.source
    elif args.data is not None:
        files, source = [reexport(args.data, work / "weibo_reexport.csv")], "weibo"
    else:
        parser.error("give --ingest FILE (or --data, to re-export its latest 微博 file)")

    result = run(
        home,
        work,
        users=users,
        seconds=seconds,
        ingest_files=files,
        ingest_source=source,
        workers=args.workers,
        threads=args.threads,
        seed=args.seed,
        after_switch=3.0 if args.small else AFTER_SWITCH_S,
        warm_rounds=1 if args.small else 2,
        warm_limit=args.warm_limit
        if args.warm_limit is not None
        else 10.0
        if args.small
        else WARM_LIMIT_S,
        fresh_seconds=args.fresh_seconds
        if args.fresh_seconds is not None
        else 4.0
        if args.small
        else FRESH_S,
    )
    (work / "loadtest-exchanges.json").write_text(json.dumps(result, default=str), "utf-8")
    details, headline = report(result, seconds)
    print(details)
    met = (
        headline["errors"] == 0
        and not headline["crashes"]
        and headline["p95"] is not None
        and headline["p95"] <= TARGET_P95_S
    )
    measured = (
        f"{headline['requests']} requests, {headline['errors']} errors, p50 "
        f"{headline['p50'] * 1000:.0f} ms, p95 {headline['p95'] * 1000:.0f} ms, max "
        f"{headline['max'] * 1000:.0f} ms (server-side p95 "
        f"{(headline['server_p95'] or 0) * 1000:.0f} ms); snapshot switch "
        + (
            f"at {headline['switch_at']:.0f} s"
            + (", seen by users" if headline["switch_seen"] else "")
            if headline["switch_at"] is not None
            else "not published"
        )
    )
    print(measured)
    targets = [
        Target(
            work=f"{users} concurrent dashboard users, {seconds:.0f} s",
            target="zero errors, p95 ≤ 500 ms",
            measured=measured,
            met=met,
            contender={**headline, "server": f"workers {args.workers}"},
        )
    ]
    if headline["publish_max"] is not None:
        start_s, end_s = headline["publish_window"]
        publish_measured = (
            f"max {headline['publish_max'] * 1000:.0f} ms over {headline['publish_requests']} "
            f"requests from the ingest's start ({start_s:.0f} s) until users saw the new "
            f"snapshot ({end_s:.0f} s)"
        )
        print(publish_measured)
        targets.append(
            Target(
                work=f"{users} concurrent dashboard users during a publish",
                target="max ≤ 2 s",
                measured=publish_measured,
                met=headline["publish_max"] <= PUBLISH_MAX_S,
                contender={**headline, "server": f"workers {args.workers}"},
            )
        )
    fresh = headline.get("fresh")
    if fresh and fresh["requests"]:
        fresh_measured = (
            f"{fresh['requests']} requests ({fresh['distinct_opens']} distinct page × filter "
            f"opens), {fresh['errors']} errors, p50 {fresh['p50'] * 1000:.0f} ms, p95 "
            f"{fresh['p95'] * 1000:.0f} ms, max {fresh['max'] * 1000:.0f} ms (server-side p95 "
            f"{(fresh['server_p95'] or 0) * 1000:.0f} ms)"
        )
        if fresh.get("capacity"):
            c = fresh["capacity"]
            fresh_measured += (
                f"; {c['cpu_s_per_open']:.2f} CPU-s per page open asks {c['asked_cores']:.0f} "
                f"cores of {os.cpu_count()} (the target allows ≤ {c['budget_cpu_ms_per_open']} "
                "CPU-ms per open here)"
            )
        print(fresh_measured)
        targets.append(
            Target(
                work=f"{users} concurrent dashboard users, new filter values on every click",
                target="zero errors, p95 ≤ 500 ms, max ≤ 2 s",
                measured=fresh_measured,
                met=fresh["errors"] == 0 and fresh["p95"] <= TARGET_P95_S and fresh["max"] <= 2.0,
                contender=fresh,
            )
        )
    config = f"workers {args.workers}" + (f", threads {args.threads}" if args.threads else "")
    out = write_result(
        args.out,
        BenchResult(
            bench="loadtest",
            title="Concurrent dashboard users with an ingest halfway",
            scale={"users": users, "seconds": seconds},
            targets=targets,
            details=f"Server: `creatorpulse serve` ({config}).\n\n{details}",
        ),
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
