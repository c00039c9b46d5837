"""Every dashboard callback on a large warehouse, over HTTP, on cache misses, against the bare
queries it wraps.

    python -m bench.callbacks --data DIR --out DIR [--work DIR] [--small] [--home HOME]
                              [--combinations 30] [--seed S] [--warm [--repeats N]]

Contender: the real server with every cache off (`creatorpulse serve --no-cache --workers 1`:
no query, analytic, product or render cache, so every request is computed as a user who has just
changed a filter meets it) answering `POST /_dash-update-component` on loopback. Each page is
opened once with its default state (`bench.dashclient` replays the renderer; the organizer opens
every page, the sponsor account its own sponsor page): that first render is reported apart. Then
the page is opened again `--combinations` times (default 30), each time with another filter
combination drawn with a fixed seed (`bench.filters`) from the options the page's filter
controls offer, which are the values that occur in the warehouse (editions, age bands, roles,
cities, communities, platforms, programs, sponsors, date windows, segments...), and the clicks a
user makes on it are posted (a download, a PII reveal, the views window, a saved segment). A page
that offers fewer combinations (the overview has only its edition; the sponsor account and the
contacts list have none) is opened with them in turn until it has been opened as often: with
the caches off a repeat is a miss too. Every callback the opens fire is measured: p50/p95/max of
the server-side time gunicorn logs for the request (`%(D)s`: from reading the request to the last
byte written); the loopback round trip the client saw is reported next to it.

Baseline: the data the callback reads, uncached, for the same inputs. A child process opens the
same snapshot, posts each request once through the Flask test client while recording every call
into `dashboard.data` (named queries, analytics functions, read-side products; only the
outermost, so an analytic's own queries count once), then times exactly those calls,
deduplicated and with the per-snapshot cache bypassed. Callbacks that read no data (navigation,
the URL writer, a download button that was not clicked) have no baseline and are judged on the
absolute target alone.

`--warm` measures instead what the render cache answers: the default state of each page repeated
`--repeats` times on a server with its caches on (the figures earlier results reported).

Without `--home` the warehouse is built first from `--data` (every file of its manifest through
`etl.ingest.ingest_files`, then segments and a clustering as `creatorpulse demo` does).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import dashclient as dc
from bench import filters
from bench.harness import (
    BenchResult,
    Target,
    common_arguments,
    fmt_mb,
    fmt_seconds,
    percentile,
    run_isolated,
    write_result,
)

TARGET_P95_S = 0.150  # --warm: repeated inputs, answered by the render cache
MISS_TARGET_P95_S = 0.250  # DESIGN.md section 7: cache misses
TARGET_RATIO = 1.5
COMBINATIONS = 30  # distinct filter combinations per page (cache-miss mode)
SMALL_COMBINATIONS = 4
SEED = 20260216
# Pages in navigation order with the role that opens them (the sponsor page twice: the organizer
# sees the first sponsor, the sponsor account its own report).
VISITS = (
    ("organizer", "/"),
    ("organizer", "/participants"),
    ("organizer", "/segments"),
    ("organizer", "/views"),
    ("organizer", "/retention"),
    ("organizer", "/attention"),
    ("organizer", "/sponsor"),
    ("organizer", "/cohort"),
    ("organizer", "/contacts"),
    ("sponsor", "/sponsor"),
)
# A case's repetitions stop early once they have taken this long (a pathological callback must
# not hold the benchmark for minutes); at least MIN_REPEATS are always made.
CASE_BUDGET_S = 30.0
SMALL_BUDGET_S = 0.5
MIN_REPEATS = 5
MIN_BARE_REPEATS = 3


# -- building the warehouse ------------------------------------------------------------------
def build_warehouse(data: str, home: str) -> dict[str, Any]:
    """Load every manifest file in order (one `ingest_files` call each: source and edition differ
    per file), store the segments and run a clustering; returns counts and seconds."""
    from etl.ingest import ingest_files
    from survey.segments import run_clustering, store_segments
    from warehouse.settings import load_settings
    from warehouse.store import open_for_write

    settings = load_settings(home)
    manifest = json.loads((Path(data) / "manifest.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    # Consecutive files of one source go in one call, as `creatorpulse ingest --source S F...`
    # would load them (the edition only matters to a survey, so it splits survey runs only).
    groups: list[tuple[str, int | None, list[Path]]] = []
    for entry in manifest["files"]:
        if not entry.get("ingest", True):
            continue
        source = entry["source"]
        edition = entry.get("edition") if source == "survey" else None
        if groups and groups[-1][:2] == (source, edition):
            groups[-1][2].append(Path(data) / entry["path"])
        else:
            groups.append((source, edition, [Path(data) / entry["path"]]))
    loaded = 0
    for i, (source, edition, paths) in enumerate(groups):
        reports = ingest_files(settings, paths, source=source, edition=edition, fresh=i == 0)
        failed = [r for r in reports if r.status == "failed"]
        if failed:
            raise RuntimeError(f"{failed[0].path}: {failed[0].error}")
        loaded += len(reports)
        names = ", ".join(p.name for p in paths)
        print(f"loaded {names} ({time.perf_counter() - started:.0f} s)", flush=True)
    with open_for_write(settings.home, keep=settings.keep_snapshots) as session:
        store_segments(session)
        run_clustering(session)
    return {"files": loaded, "build_seconds": time.perf_counter() - started}


# -- the HTTP side -----------------------------------------------------------------------------
def _case_key(role: str, path: str, label: str) -> str:
    return f"{role} {path} {label}"


def _with(components: dict[str, dict], changes: list[tuple[Any, str, Any]]) -> dict[str, dict]:
    out = {key: dict(props) for key, props in components.items()}
    for component, prop, value in changes:
        out[dc._id_text(component)][prop] = value
    return out


def interactions(
    callbacks: list[dc.Callback], components: dict[str, dict[str, Any]], path: str
) -> list[tuple[str, dict[str, Any]]]:
    """The clicks a user makes on the page just opened, as (label, request body)."""
    by_first_input = {dc._id_text(cb.inputs[0][0]): cb for cb in callbacks}
    out: list[tuple[str, dict[str, Any]]] = []

    def click(cb: dc.Callback, label: str, changes: list[tuple[Any, str, Any]]) -> None:
        changed = [(component, prop) for component, prop, _ in changes]
        body = dc.payload(cb, _with(components, changes), changed)
        if body is not None:
            out.append((label, body))

    download_cb = next(c for c in callbacks if c.outputs[0][0] == "download")
    buttons = [
        props["id"]
        for props in components.values()
        if isinstance(props["id"], dict)
        and props["id"].get("type") == "download"
        and props["id"].get("fmt") == "csv"
    ]
    if buttons:
        button = buttons[0]
        click(
            download_cb,
            f"download click {button['page']}/{button['dataset']}.csv",
            [(button, "n_clicks", 1)],
        )
    if "contacts-list" in components and "contacts-reveal" in by_first_input:
        grid = components["contacts-list"]
        rows = grid.get("rowData") or (grid.get("getRowsResponse") or {}).get("rowData") or []
        click(
            by_first_input["contacts-reveal"],
            "contacts reveal click",
            [("contacts-reveal", "n_clicks", 1), ("contacts-list", "selectedRows", rows[:1])],
        )
    for control, label in (
        ("views-window-choice", "views window choice"),
        ("segments-saved-a", "segments saved segment choice"),
    ):
        if control in components and control in by_first_input:
            props = components[control]
            options = [o["value"] if isinstance(o, dict) else o for o in props.get("options") or []]
            other = [v for v in options if v != props.get("value")]
            if other:
                click(by_first_input[control], label, [(control, "value", other[0])])
    return out


def http_side(home: Path, work: Path, repeats: int, budget: float) -> dict[str, Any]:
    """Cold pass (pages opened in order on a fresh one-worker server), then warm repeats."""
    users = dc.ensure_accounts(home)
    # Renders a server shared through HOME/cache would make the first call look warm.
    shutil.rmtree(home / "cache", ignore_errors=True)
    log = work / "callbacks-server.log"
    cases: dict[str, dict[str, Any]] = {}
    with dc.serve(home, log, workers=1) as url:
        sessions = {role: dc.sign_in(url, users[role]) for role in {r for r, _ in VISITS}}
        openers = {
            role: dc.PageOpener(url, s, tag_prefix=f"{role[0]}") for role, s in sessions.items()
        }
        for role, path in VISITS:
            print(f"opening {path} as {role}", flush=True)
            opener = openers[role]
            first = len(opener.exchanges)
            components = opener.open(path)
            for exchange in opener.exchanges[first:]:
                if exchange.kind != "callback":
                    continue
                key = _case_key(role, path, exchange.label)
                if key not in cases:
                    cases[key] = {
                        "role": role,
                        "path": path,
                        "label": exchange.label,
                        "body": exchange.body,
                        "cold_tag": exchange.tag,
                        "cold_client": exchange.seconds,
                        "statuses": [exchange.status],
                        "tags": [],
                        "client": [],
                    }
            assert opener.callbacks is not None
            for label, body in interactions(opener.callbacks, components, path):
                exchange, _ = opener.post(label, body, path)
                cases[_case_key(role, path, label)] = {
                    "role": role,
                    "path": path,
                    "label": label,
                    "body": body,
                    "cold_tag": exchange.tag,
                    "cold_client": exchange.seconds,
                    "statuses": [exchange.status],
                    "tags": [],
                    "client": [],
                }
        spent = dict.fromkeys(cases, 0.0)
        for round_no in range(repeats):
            for key, case in cases.items():
                if round_no >= min(MIN_REPEATS, repeats) and spent[key] > budget:
                    continue
                opener = openers[case["role"]]
                exchange, _ = opener.post(case["label"], case["body"], case["path"])
                case["tags"].append(exchange.tag)
                case["client"].append(exchange.seconds)
                case["statuses"].append(exchange.status)
                spent[key] += exchange.seconds
    server = dc.server_times(log)
    for case in cases.values():
        case["cold_server"] = server.get(case.pop("cold_tag"))
        case["server"] = [server[t] for t in case.pop("tags") if t in server]
    return {"cases": list(cases.values())}


def page_searches(
    components: dict[str, dict[str, Any]], path: str, count: int, seed: int
) -> list[str]:
    """`count` searches to open `path` with: distinct filter combinations drawn from the page's
    controls (seeded per page), cycled when the page offers fewer."""
    found, dates = filters.controls(components)
    drawn = filters.draw_searches(found, dates, random.Random(f"{seed}:{path}"), count)
    drawn = drawn or [""]
    return [drawn[i % len(drawn)] for i in range(count)]


def miss_side(
    home: Path, work: Path, count: int, seed: int, pages: list[str] | None = None
) -> dict[str, Any]:
    """Each page (or those of `pages`) opened on a fresh cache-less one-worker server, first in
    its default state, then with `count` filter combinations; every callback request with its
    server-side time."""
    visits = [(role, path) for role, path in VISITS if not pages or path in pages]
    users = dc.ensure_accounts(home)
    shutil.rmtree(home / "cache", ignore_errors=True)
    log = work / "callbacks-miss-server.log"
    cases: dict[str, dict[str, Any]] = {}

    def record(role: str, path: str, exchanges: list[dc.Exchange], search: str | None) -> None:
        for exchange in exchanges:
            if exchange.kind != "callback":
                continue
            case = cases.setdefault(
                _case_key(role, path, exchange.label),
                {"role": role, "path": path, "label": exchange.label, "first": None, "calls": []},
            )
            call = {
                "search": search,
                "body": exchange.body,
                "tag": exchange.tag,
                "client": exchange.seconds,
                "status": exchange.status,
            }
            if search is None:
                case["first"] = call
            else:
                case["calls"].append(call)

    with dc.serve(home, log, workers=1, no_cache=True) as url:
        sessions = {role: dc.sign_in(url, users[role]) for role in {r for r, _ in visits}}
        openers = {
            role: dc.PageOpener(url, s, tag_prefix=f"{role[0]}") for role, s in sessions.items()
        }
        for role, path in visits:
            opener = openers[role]
            mark = len(opener.exchanges)
            components = opener.open(path)
            record(role, path, opener.exchanges[mark:], None)
            searches = page_searches(components, path, count, seed)
            print(f"{path} as {role}: {len(set(searches))} combinations", flush=True)
            for search in searches:
                mark = len(opener.exchanges)
                shown = opener.open(path, search)
                assert opener.callbacks is not None
                for label, body in interactions(opener.callbacks, shown, path):
                    opener.post(label, body, path)
                record(role, path, opener.exchanges[mark:], search)
    server = dc.server_times(log)
    for case in cases.values():
        for call in ([case["first"]] if case["first"] else []) + case["calls"]:
            call["server"] = server.get(call.pop("tag"))
    return {"cases": list(cases.values())}


def summarise_misses(
    cases: list[dict[str, Any]], bare: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per callback: first render, server p50/p95/max and client p95 over its
    cache-miss calls, the bare p50/p95 over the same inputs, the ratio of p95s, met."""
    rows = []
    at = 0
    for case in cases:
        calls = case["calls"]
        bases = bare[at : at + len(calls)]
        at += len(calls)
        server = [c["server"] if c["server"] is not None else c["client"] for c in calls]
        if not server:
            continue
        bare_seconds = [b["seconds"][0] for b in bases if b["seconds"]]
        first = case["first"]
        calls_seen: list[str] = []
        for b in bases:
            for described in b["calls"]:
                if described not in calls_seen:
                    calls_seen.append(described)
        row = {
            "case": f"{case['path']} · {case['label']}"
            + ("" if case["role"] == "organizer" else f" ({case['role']})"),
            "calls": len(server),
            "inputs": len({json.dumps(c["body"], sort_keys=True) for c in calls}),
            "errors": sum(1 for c in calls if c["status"] >= 400 or c["status"] == 0),
            "cold": first["server"] if first else None,
            "p50": statistics.median(server),
            "p95": percentile(server, 95),
            "max": max(server),
            "client_p95": percentile([c["client"] for c in calls], 95),
            "bare_p50": statistics.median(bare_seconds) if bare_seconds else None,
            "bare_p95": percentile(bare_seconds, 95) if bare_seconds else None,
            "bare_calls": calls_seen[:6]
            + ([f"… {len(calls_seen) - 6} more"] if len(calls_seen) > 6 else []),
        }
        row["profile"] = call_profile([b.get("call_seconds") or {} for b in bases])
        row["ratio"] = row["p95"] / row["bare_p95"] if row["bare_p95"] else None
        row["ratio_p50"] = row["p50"] / row["bare_p50"] if row["bare_p50"] else None
        row["met"] = (
            row["errors"] == 0
            and row["p95"] <= MISS_TARGET_P95_S
            and (row["ratio"] is None or row["ratio"] <= TARGET_RATIO)
        )
        rows.append(row)
    return rows


def call_profile(per_input: list[dict[str, float]]) -> list[tuple[str, float, int]]:
    """(data call, median seconds over the inputs that made it, how many did), slowest first."""
    seen: dict[str, list[float]] = {}
    for calls in per_input:
        for name, seconds in calls.items():
            seen.setdefault(name, []).append(seconds)
    ranked = [(name, statistics.median(times), len(times)) for name, times in seen.items()]
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


def miss_profiles(rows: list[dict[str, Any]], *, top: int = 5) -> str:
    """Where the time of each missed callback goes: its data calls' medians (the bare run,
    each call timed alone) and what is left of the server p50 for the callback's own work."""
    lines = []
    for r in rows:
        if r["met"] or r["bare_p50"] is None:
            continue
        calls = r.get("profile") or []
        shown = ", ".join(
            f"`{name}` {_ms(seconds)} ms ({made}×)" for name, seconds, made in calls[:top]
        )
        if len(calls) > top:
            shown += f", {len(calls) - top} more"
        rest = max(r["p50"] - r["bare_p50"], 0.0)
        lines.append(
            f"- {r['case']}: server p50 {_ms(r['p50'])} ms = data calls {_ms(r['bare_p50'])} ms "
            f"({shown or 'none'}) + the callback's own work ≈ {_ms(rest)} ms (building figures "
            "and tables, Dash's JSON)"
        )
    return "\n".join(lines)


def miss_table(rows: list[dict[str, Any]]) -> str:
    """The per-callback cache-miss markdown table (milliseconds)."""
    lines = [
        "| callback | inputs | first | p50 | p95 | max | client p95 | bare p50 | bare p95 "
        "| ratio p95 | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append(
            f"| {r['case']} | {r['inputs']} | {_ms(r['cold'])} | {_ms(r['p50'])} | "
            f"{_ms(r['p95'])} | {_ms(r['max'])} | {_ms(r['client_p95'])} | "
            f"{_ms(r['bare_p50'])} | {_ms(r['bare_p95'])} | {ratio} | "
            f"{'yes' if r['met'] else 'NO'} |"
        )
    return "\n".join(lines)


# -- the baseline (a child process) ------------------------------------------------------------
def bare_side(
    home: str, cases_file: str, repeats: int, budget: float, warm_up: bool
) -> dict[str, Any]:
    """For each case of `cases_file` (JSON: the HTTP side's cases): the data calls its callback
    makes, and their uncached time."""
    cases = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    os.environ["CREATORPULSE_HOME"] = home
    os.environ.setdefault("CREATORPULSE_SECRET_KEY", "bench-session-secret-" + "x" * 32)
    from flask import g

    from dashboard import data
    from dashboard.app import create_app
    from warehouse import accounts
    from warehouse.store import WarehouseError

    app = create_app()
    app.server.test_client().get("/login")  # registers the callbacks
    # Renders the server shared through HOME/cache would hide the calls they make.
    if hasattr(data, "_Render"):  # a render kept as the objects its request built
        data._shared = lambda _current, _key, compute: data._Render(fresh=compute())
    elif hasattr(data, "_shared"):  # (older code kept the value itself)
        data._shared = lambda _current, _key, compute: compute()
    names = ("query", "analytic", "product", "table_counts")
    originals = {name: getattr(data, name) for name in names}
    recorded: list[tuple[str, tuple, dict]] = []
    depth = [0]

    def recording(name: str) -> Any:
        original = originals[name]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0] == 0:
                recorded.append((name, args, kwargs))
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    uncached = {
        "query": lambda name, **params: data.reader().query(name, **params),
        "analytic": lambda function, **params: function(data.reader(), **params),
        "product": lambda function, **params: function(data.reader(), **params),
        "table_counts": lambda: data.reader().table_counts(),
    }
    out = []
    for case in cases:
        username = dc.ACCOUNTS[case["role"]]
        client = app.server.test_client()
        user = accounts.get_user(data.home(), username)
        with client.session_transaction() as session:
            session["username"] = username
            session["issued_at"] = time.time()
            session["epoch"] = user.session_epoch if user else 0  # sessions carry the epoch
        recorded.clear()
        for name in names:
            setattr(data, name, recording(name))
        try:
            # Cached data still records its call (the wrapper sits above the cache); a cached
            # render would hide them, so renders are forgotten first.
            if hasattr(data, "forget_outputs"):  # (older code caches no renders)
                data.forget_outputs()
            response = client.post("/_dash-update-component", json=case["body"])
        finally:
            for name in names:
                setattr(data, name, originals[name])
        if response.status_code >= 500:  # the calls it recorded may stop short of the callback's
            raise RuntimeError(
                f"{case['path']} {case['label']}: the callback failed ({response.status_code})"
            )
        calls: dict[Any, tuple[str, tuple, dict]] = {}
        for name, args, kwargs in recorded:
            key = (name, tuple(id(a) if callable(a) else a for a in args), data.freeze(kwargs))
            calls.setdefault(key, (name, args, kwargs))
        described = [_describe(name, args, kwargs) for name, args, kwargs in calls.values()]
        seconds: list[float] = []
        # Each call's own time in the last timed run: where the bare time goes.
        call_seconds: dict[str, float] = {}
        if calls:
            user = accounts.get_user(Path(home), username)
            for name in names:
                setattr(data, name, uncached[name])
            try:
                with app.server.test_request_context("/"):
                    g.user = user
                    spent = 0.0
                    # The first run warms DuckDB's buffers, as the server's cold call did.
                    for attempt in range(repeats + 1 if warm_up else repeats):
                        if len(seconds) >= min(MIN_BARE_REPEATS, repeats) and spent > budget:
                            break
                        started = time.perf_counter()
                        call_seconds = {}
                        for name, args, kwargs in calls.values():
                            began = time.perf_counter()
                            # A call the page answers with a message (an empty cohort) is
                            # the same work for the baseline.
                            with contextlib.suppress(WarehouseError):
                                uncached[name](*args, **kwargs)
                            short = _short_name(name, args)
                            call_seconds[short] = call_seconds.get(short, 0.0) + (
                                time.perf_counter() - began
                            )
                        took = time.perf_counter() - started
                        if attempt or not warm_up:
                            seconds.append(took)
                            spent += took
            finally:
                for name in names:
                    setattr(data, name, originals[name])
        out.append(
            {
                "status": response.status_code,
                "calls": described,
                "seconds": seconds,
                "call_seconds": call_seconds,
            }
        )
    return {"cases": out}


def _short_name(name: str, args: tuple) -> str:
    """A data call without its parameters: `query reach`, `analytic warehouse.x.f`."""
    head = ""
    if args:
        first = args[0]
        head = f"{first.__module__}.{first.__qualname__}" if callable(first) else str(first)
    return f"{name} {head}".strip()


def _describe(name: str, args: tuple, kwargs: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={v!r}"[:60] for k, v in kwargs.items())
    return f"{_short_name(name, args)}({params})"


# -- the report ------------------------------------------------------------------------------
def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f}"


def summarise(cases: list[dict[str, Any]], bare: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per case: server-side and client p50/p95, cold, bare p50/p95, ratio, met."""
    rows = []
    for case, base in zip(cases, bare, strict=True):
        server = case["server"] or case["client"]
        row = {
            "case": f"{case['path']} · {case['label']}"
            + ("" if case["role"] == "organizer" else f" ({case['role']})"),
            "calls": len(server),
            "errors": sum(1 for s in case["statuses"] if s >= 400 or s == 0),
            "cold": case["cold_server"],
            "p50": statistics.median(server),
            "p95": percentile(server, 95),
            "client_p50": statistics.median(case["client"]),
            "client_p95": percentile(case["client"], 95),
            "bare_p50": statistics.median(base["seconds"]) if base["seconds"] else None,
            "bare_p95": percentile(base["seconds"], 95) if base["seconds"] else None,
            "bare_calls": base["calls"],
        }
        row["ratio"] = row["p95"] / row["bare_p95"] if row["bare_p95"] else None
        row["ratio_p50"] = row["p50"] / row["bare_p50"] if row["bare_p50"] else None
        row["met"] = (
            row["errors"] == 0
            and row["p95"] <= TARGET_P95_S
            and (row["ratio"] is None or row["ratio"] <= TARGET_RATIO)
        )
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The per-callback markdown table (milliseconds)."""
    lines = [
        "| callback | cold | p50 | p95 | client p95 | bare p50 | bare p95 | ratio p50 | ratio p95 "
        "| met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        ratio_p50 = "–" if r["ratio_p50"] is None else f"{r['ratio_p50']:.2f}×"
        lines.append(
            f"| {r['case']} | {_ms(r['cold'])} | {_ms(r['p50'])} | {_ms(r['p95'])} | "
            f"{_ms(r['client_p95'])} | {_ms(r['bare_p50'])} | {_ms(r['bare_p95'])} | "
            f"{ratio_p50} | {ratio} | {'yes' if r['met'] else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = common_arguments(__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing warehouse home (skip the build)")
    parser.add_argument("--repeats", type=int, help="--warm: calls per callback (default 30)")
    parser.add_argument(
        "--combinations", type=int, help=f"filter combinations per page (default {COMBINATIONS})"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the filter draws")
    parser.add_argument(
        "--warm", action="store_true", help="repeated default inputs on a caching server instead"
    )
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="PATH",
        help="cache-miss mode: only these pages, e.g. --pages /attention (default: every page)",
    )
    args = parser.parse_args(argv)
    # A terminated run still stops the server it started (the `serve` block's finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    repeats = args.repeats or (2 if args.small else 30)
    budget = SMALL_BUDGET_S if args.small else CASE_BUDGET_S
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-callbacks-"))
    work.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    scale = {"platform_rows": manifest["platform_rows"], "respondents": manifest["respondents"]}
    build_note = f"existing warehouse {args.home}"
    if args.home:
        home = args.home
    else:
        home = work / "home"
        build = run_isolated(
            "bench.callbacks:build_warehouse",
            label="warehouse build",
            args={"data": str(args.data), "home": str(home)},
        )
        build_note = f"built from {args.data} in {fmt_seconds(build.seconds)}"
        print(f"{build.describe()} ({build.result['files']} files)")
    if not args.warm:
        count = args.combinations or (SMALL_COMBINATIONS if args.small else COMBINATIONS)
        return miss_run(args, home, work, scale, build_note, count)

    started = time.perf_counter()
    http = http_side(home, work, repeats, budget)
    cases = http["cases"]
    print(f"{len(cases)} callbacks over HTTP: {fmt_seconds(time.perf_counter() - started)}")
    # The exact requests: the baseline's input, and for profiling a callback by hand.
    cases_file = work / "callback-cases.json"
    cases_file.write_text(json.dumps(cases, ensure_ascii=False), "utf-8")
    baseline = run_isolated(
        "bench.callbacks:bare_side",
        label="bare queries",
        args={
            "home": str(home),
            "cases_file": str(cases_file),
            "repeats": repeats,
            "budget": budget,
            "warm_up": not args.small,
        },
    )
    print(baseline.describe())
    rows = summarise(cases, baseline.result["cases"])
    text = table(rows)
    print(text)

    judged = [r for r in rows]
    worst = max(judged, key=lambda r: r["p95"])
    worst_ratio = max((r for r in judged if r["ratio"] is not None), key=lambda r: r["ratio"])
    missed = [r["case"] for r in rows if not r["met"]]
    met = not missed
    measured = (
        f"worst p95 {_ms(worst['p95'])} ms ({worst['case']}); worst ratio "
        f"{worst_ratio['ratio']:.2f}× ({worst_ratio['case']}, {_ms(worst_ratio['p95'])} vs "
        f"{_ms(worst_ratio['bare_p95'])} ms bare); {len(rows) - len(missed)}/{len(rows)} met"
    )
    print(measured)
    calls_md = "\n".join(
        f"- {r['case']}: " + ("; ".join(r["bare_calls"]) if r["bare_calls"] else "no data read")
        for r in rows
    )
    details = (
        f"Warehouse: {build_note}. Server: `creatorpulse serve --workers 1` on loopback; "
        f"{repeats} warm calls per callback after the cold one (round-robin), times are "
        "server-side (gunicorn `%(D)s`) in ms; client p95 is the loopback round trip. "
        "Bare: the callback's data calls, uncached, in one process (peak RSS "
        f"{fmt_mb(baseline.peak_rss_mb)}). Met: no error, p95 ≤ 150 ms and p95 ≤ 1.5× the bare "
        "p95 (callbacks that read no data: the absolute target only). Cold: the first call on "
        "the fresh server, pages opened in navigation order (so a page's cold call may find "
        "data an earlier page cached). Warm calls repeat the same inputs, so the server answers "
        "them from its per-snapshot render cache (`dashboard.data.output`): the cold column is "
        "what a first visit after a new snapshot costs.\n\n"
        f"{text}\n\n"
        + (f"Missed: {', '.join(missed)}\n\n" if missed else "")
        + f"Data each callback reads (its bare baseline):\n\n{calls_md}\n"
    )
    result = BenchResult(
        bench="callbacks",
        title="Dashboard callbacks over HTTP vs their bare queries",
        scale=scale,
        targets=[
            Target(
                work="every dashboard callback at 10M fact rows / 100k respondents "
                "(p95 ≤ 150 ms; ≤ 1.5× bare query)",
                target="p95 ≤ 150 ms server-side; ≤ 1.5× the bare query",
                measured=measured,
                met=met,
                ratio=worst_ratio["ratio"],
                contender={"worst_p95_ms": worst["p95"] * 1000, "case": worst["case"]},
                baseline={"bare_p95_ms": (worst_ratio["bare_p95"] or 0) * 1000},
            )
        ],
        details=details,
    )
    path = write_result(args.out, result)
    print(f"wrote {path}")
    return 0


def miss_run(
    args: Any, home: Path, work: Path, scale: dict[str, Any], build_note: str, count: int
) -> int:
    """The cache-miss measurement (the default) and its result file."""
    started = time.perf_counter()
    cases = miss_side(home, work, count, args.seed, args.pages)["cases"]
    requests = sum(len(c["calls"]) for c in cases)
    print(f"{requests} cache-miss requests over HTTP: {fmt_seconds(time.perf_counter() - started)}")
    flat = [{"role": c["role"], "body": call["body"]} for c in cases for call in c["calls"]]
    cases_file = work / "callback-miss-cases.json"
    cases_file.write_text(json.dumps(flat, ensure_ascii=False), "utf-8")
    (work / "callback-miss-results.json").write_text(json.dumps(cases, ensure_ascii=False), "utf-8")
    # One timed run per input: each input is new to the server too (its buffers are as warm).
    baseline = run_isolated(
        "bench.callbacks:bare_side",
        label="bare queries",
        args={
            "home": str(home),
            "cases_file": str(cases_file),
            "repeats": 1,
            "budget": 0.0,
            "warm_up": False,
        },
    )
    print(baseline.describe())
    (work / "callback-miss-bare.json").write_text(
        json.dumps(baseline.result, ensure_ascii=False, default=str), "utf-8"
    )
    rows = summarise_misses(cases, baseline.result["cases"])
    text = miss_table(rows)
    print(text)
    worst = max(rows, key=lambda r: r["p95"])
    with_ratio = [r for r in rows if r["ratio"] is not None]
    worst_ratio = max(with_ratio, key=lambda r: r["ratio"]) if with_ratio else None
    missed = [r["case"] for r in rows if not r["met"]]
    measured = f"worst p95 {_ms(worst['p95'])} ms ({worst['case']})"
    if worst_ratio is not None:
        measured += (
            f"; worst ratio {worst_ratio['ratio']:.2f}× ({worst_ratio['case']}, "
            f"{_ms(worst_ratio['p95'])} vs {_ms(worst_ratio['bare_p95'])} ms bare)"
        )
    measured += f"; {len(rows) - len(missed)}/{len(rows)} met"
    print(measured)
    calls_md = "\n".join(
        f"- {r['case']}: " + ("; ".join(r["bare_calls"]) if r["bare_calls"] else "no data read")
        for r in rows
    )
    details = (
        f"Warehouse: {build_note}. Server: `creatorpulse serve --no-cache --workers 1` on "
        f"loopback (no query, product or render cache). Each page is opened {count} times with "
        f"filter combinations drawn with seed {args.seed} from its controls' options (pages "
        "offering fewer cycle through what they offer; `inputs` counts the distinct requests a "
        "callback got), and its clicks posted; times are server-side (gunicorn `%(D)s`) in ms, "
        "client p95 is the loopback round trip; first: the page's first render on the fresh "
        "server (default filters, pages in navigation order). Bare: the callback's data calls "
        "for the same inputs, uncached, one timed run each in one process (peak RSS "
        f"{fmt_mb(baseline.peak_rss_mb)}). Met: no error, p95 ≤ 250 ms and p95 ≤ 1.5× the bare "
        "p95 (callbacks that read no data: the absolute target only).\n\n"
        f"{text}\n\n"
        + (f"Missed: {', '.join(missed)}\n\n" if missed else "")
        + (
            "Where the missed callbacks' time goes (median of each data call over the inputs "
            "that made it, timed alone in the bare run; `(n×)`: how many inputs made it):\n\n"
            f"{miss_profiles(rows)}\n\n"
            if missed
            else ""
        )
        + f"Data each callback reads (its bare baseline):\n\n{calls_md}\n"
    )
    result = BenchResult(
        bench="callbacks",
        title="Dashboard callbacks over HTTP on cache misses vs their bare queries",
        scale=scale,
        targets=[
            Target(
                work="every dashboard callback, cache miss (new filter values), at 10M fact rows "
                "/ 100k respondents",
                target="p95 ≤ 250 ms server-side; ≤ 1.5× the bare query",
                measured=measured,
                met=not missed,
                ratio=worst_ratio["ratio"] if worst_ratio else None,
                contender={"worst_p95_ms": worst["p95"] * 1000, "case": worst["case"]},
                baseline={"bare_p95_ms": ((worst_ratio or {}).get("bare_p95") or 0) * 1000},
            )
        ],
        details=details,
    )
    path = write_result(args.out, result)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
