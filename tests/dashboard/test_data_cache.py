"""The dashboard's cache of rendered pages: built once per snapshot, arguments and viewer,
shared between worker processes through files, and never served across a new snapshot."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import flask
import pytest

from dashboard import data
from warehouse import store
from warehouse.settings import Settings, load_settings
from warehouse.store import open_for_write


def _render(calls: list[str], label: str) -> dict:
    def build(lang: str) -> dict:
        calls.append(label)
        return {"label": label, "lang": lang, "snapshot": data.snapshot().name}

    return build  # type: ignore[return-value]


@pytest.fixture
def home(
    demo_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A copy of the demo warehouse this test may publish into."""
    copy = tmp_path / "home"
    shutil.copytree(demo_settings.home, copy, ignore=shutil.ignore_patterns("samples", "cache"))
    monkeypatch.setenv("CREATORPULSE_HOME", str(copy))
    data.clear_cache()
    yield copy
    data.clear_cache()


def test_a_render_is_built_once_per_arguments_and_viewer(home: Path) -> None:
    calls: list[str] = []
    build = _render(calls, "page")
    first = data.output(build, "zh", viewer=("organizer", None))
    assert data.output(build, "zh", viewer=("organizer", None)) == first
    assert calls == ["page"]
    data.output(build, "en", viewer=("organizer", None))
    data.output(build, "zh", viewer=("sponsor", "S01"))
    data.output(build, "zh", viewer=("sponsor", "S02"))
    assert calls == ["page"] * 4


def test_another_worker_reads_the_render_from_the_shared_file(home: Path) -> None:
    calls: list[str] = []
    build = _render(calls, "page")
    first = data.output(build, "zh", viewer=("organizer", None))
    data.forget_outputs()  # what a second worker process starts with
    assert data.output(build, "zh", viewer=("organizer", None)) == first
    assert calls == ["page"]
    files = list((home / data.CACHE_DIR).glob("*/*.json"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"


def test_a_render_another_release_left_in_the_shared_files_is_not_served(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same snapshot, other code (an upgrade that changed what a page shows): built afresh."""
    calls: list[str] = []
    build = _render(calls, "page")
    data.output(build, "zh", viewer=("researcher", None))
    data.forget_outputs()  # the new release's worker starts with nothing in memory
    monkeypatch.setattr(data, "code_version", lambda: "another-release")
    data.output(build, "zh", viewer=("researcher", None))
    assert calls == ["page", "page"]
    assert len(list((home / data.CACHE_DIR).glob("*/*.json"))) == 2


def test_the_request_that_builds_a_render_serves_what_it_built_and_later_ones_its_json(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A miss hands Dash the built objects (serialised once, by Dash), not a parse of their JSON;
    a later request in this worker or another gets the same JSON; with the caches off every
    request is a miss."""
    built: list[dict] = []

    def build(lang: str) -> dict:
        built.append({"lang": lang, "title": "第一届AI春晚", "values": (1, 2.5, None)})
        return built[-1]

    first = data.output(build, "zh", viewer=None)
    assert first is built[0]
    again = data.output(build, "zh", viewer=None)
    assert again is not first and again == {
        "lang": "zh",
        "title": "第一届AI春晚",
        "values": [1, 2.5, None],
    }
    data.forget_outputs()
    assert data.output(build, "zh", viewer=None) == again and len(built) == 1
    monkeypatch.setenv(data.CACHE_ENV, "off")
    assert data.output(build, "zh", viewer=None) is built[1] and len(built) == 2


def test_concurrent_requests_for_a_missing_render_build_it_once(home: Path) -> None:
    calls: list[str] = []
    started = threading.Event()

    def slow(lang: str) -> dict:
        calls.append(lang)
        started.wait(5)
        return {"lang": lang}

    results: list[dict] = []
    threads = [
        threading.Thread(target=lambda: results.append(data.output(slow, "zh", viewer=None)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    started.set()
    for thread in threads:
        thread.join(10)
    assert results == [{"lang": "zh"}] * 4 and calls == ["zh"]


def test_a_new_snapshot_is_rendered_afresh_and_the_old_files_go(home: Path) -> None:
    calls: list[str] = []
    build = _render(calls, "page")
    before = data.output(build, "zh", viewer=None)
    old_folder = next((home / data.CACHE_DIR).iterdir())
    settings = load_settings(home)
    with open_for_write(settings.home, keep=1) as session:
        session.mark_changed()  # republish: a new snapshot, the old one pruned
    after = data.output(build, "zh", viewer=None)
    assert calls == ["page", "page"] and after["snapshot"] != before["snapshot"]
    assert not old_folder.exists()


def _publish(home: Path) -> None:
    with open_for_write(load_settings(home).home, keep=5) as session:
        session.mark_changed()


def test_a_server_serves_the_old_snapshot_until_the_recent_renders_are_warm_on_the_new(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.WARM_ENV, "60")
    app = flask.Flask("warm-test")
    gate = threading.Event()
    seen: list[tuple[str, object]] = []

    def build(lang: str) -> dict:
        name = data.snapshot().name
        if seen and name != seen[0][0]:
            gate.wait(30)  # the warm of the new snapshot waits until the test lets it go
        seen.append((name, flask.g.get("user")))
        return {"lang": lang, "snapshot": name}

    with app.test_request_context("/"):
        flask.g.user = "the signed-in user"
        old = data.output(build, "zh", viewer=("organizer", None))
    _publish(home)
    with app.test_request_context("/"):
        # The new snapshot is published, but this worker keeps answering from the old one.
        assert data.output(build, "zh", viewer=("organizer", None)) == old
        assert data.snapshot().name == old["snapshot"]
    gate.set()
    for _ in range(300):  # the warming thread switches when it is done
        if data.snapshot().name != old["snapshot"]:
            break
        threading.Event().wait(0.05)
    with app.test_request_context("/"):
        new = data.output(build, "zh", viewer=("organizer", None))
    assert new["snapshot"] != old["snapshot"]
    # Built once per snapshot: the second time by the warming thread, as the same user.
    assert [user for _, user in seen] == ["the signed-in user"] * 2
    assert [name for name, _ in seen] == [old["snapshot"], new["snapshot"]]


def test_every_render_served_lately_is_warmed_into_the_new_snapshots_files_not_its_memory(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.WARM_ENV, "60")
    built: list[tuple[str, int]] = []

    def build(number: int) -> dict:
        built.append((data.snapshot().name, number))
        return {"number": number, "节目": "春晚"}

    old = data.snapshot()
    for number in range(100):  # more renders than a worker used to warm (64)
        data.output(build, number, viewer=("organizer", None))
    stale = next(r for key, r in data._recipes.items() if key[4] == data.freeze((0,)))
    stale.used -= data.WARM_RECENT_S + 1  # last asked for long ago: not worth warming
    _publish(home)
    new = store.current_snapshot(home)
    assert new is not None and data.snapshot() == old  # warming starts
    for _ in range(400):
        if data.snapshot() == new:
            break
        threading.Event().wait(0.05)
    assert data.snapshot() == new
    assert sorted(n for name, n in built if name == new.name) == list(range(1, 100))
    # Warmed into the snapshot's files: the memory held the renders being served meanwhile.
    assert not [key for key in data._outputs.values if key[0] == str(new)]
    folder = home / data.CACHE_DIR / new.name.removesuffix(".duckdb")
    assert len(list(folder.glob("*.json"))) == 99
    built.clear()
    assert data.output(build, 42, viewer=("organizer", None)) == {"number": 42, "节目": "春晚"}
    assert built == []  # read from the file the warming wrote
    data.output(build, 0, viewer=("organizer", None))
    assert built == [(new.name, 0)]


def test_a_warm_that_overruns_its_limit_switches_to_the_new_snapshot_anyway(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.WARM_ENV, "0.2")
    gate = threading.Event()
    first = data.snapshot()

    def build(lang: str) -> dict:
        if data.snapshot() != first:
            gate.wait(30)  # a render on the new snapshot that never ends in time
        return {"lang": lang}

    data.output(build, "zh", viewer=None)
    _publish(home)
    try:
        assert data.snapshot() == first  # warming started
        threading.Event().wait(0.4)
        assert data.snapshot() != first  # past the limit: the new snapshot is served
    finally:
        gate.set()


def test_one_request_reads_one_snapshot_even_when_a_new_one_is_published_meanwhile(
    home: Path,
) -> None:
    app = flask.Flask("pin-test")
    with app.test_request_context("/"):
        before = data.snapshot()
        names = data.query("overview_editions")
        _publish(home)  # no warm limit: the next request switches at once
        assert data.snapshot() == before
        assert data.reader().snapshot in (None, before)
        assert data.query("overview_editions").equals(names)
    with app.test_request_context("/"):
        assert data.snapshot() != before


def test_workers_warming_at_once_build_different_renders_side_by_side(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.WARM_ENV, "60")
    order: list[str] = []

    def first(lang: str) -> dict:
        order.append(f"first {data.snapshot().name}")
        return {"page": "first", "lang": lang}

    def second(lang: str) -> dict:
        order.append(f"second {data.snapshot().name}")
        return {"page": "second", "lang": lang}

    old = data.snapshot()
    data.output(second, "zh", viewer=None)
    data.output(first, "zh", viewer=None)  # the most recent: warmed first
    _publish(home)
    new = store.current_snapshot(home)
    assert new is not None and new != old
    # Another worker is building `first` on the new snapshot: its file lock is taken.
    key = (
        data.code_version(),
        first.__module__,
        first.__qualname__,
        data.freeze(("zh",)),
        data.freeze({}),
        None,
    )
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:40]
    folder = home / data.CACHE_DIR / new.name.removesuffix(".duckdb")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{digest}.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert data.snapshot() == old  # warming starts
        for _ in range(200):
            if f"second {new.name}" in order:
                break
            threading.Event().wait(0.05)
        # `second` was built while `first` waited for the other worker.
        assert order[-1] == f"second {new.name}"
        fcntl.flock(held, fcntl.LOCK_UN)
    for _ in range(200):
        if data.snapshot() == new:
            break
        threading.Event().wait(0.05)
    assert data.snapshot() == new
    assert order[2:] == [f"second {new.name}", f"first {new.name}"]


def test_a_thousand_distinct_filter_values_keep_the_render_cache_within_its_bounds(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_CACHE_MAX_ENTRIES", "100")
    monkeypatch.setenv("CREATORPULSE_CACHE_MAX_BYTES", "60000")
    calls: list[str] = []
    build = _render(calls, "搜索结果")
    data.output(build, "kept", viewer=("organizer", None))
    for number in range(1000):
        data.output(build, f"搜索-{number:04d}-" + "长" * 40, viewer=("organizer", None))
        if number % 50 == 0:  # used again now and then: the least recently used go first
            data.forget_outputs()
            data.output(build, "kept", viewer=("organizer", None))
    folder = home / data.CACHE_DIR / store.current_snapshot(home).name.removesuffix(".duckdb")
    renders = list(folder.glob("*.json"))
    assert 0 < len(renders) <= 100
    assert sum(p.stat().st_size for p in renders) <= 60000
    assert len(list(folder.glob("*.lock"))) <= 100
    # Private to the server's user, like the snapshots the renders come from.
    assert {p.stat().st_mode & 0o777 for p in renders} == {0o600}
    assert folder.stat().st_mode & 0o777 == 0o700 == folder.parent.stat().st_mode & 0o777
    calls.clear()
    data.forget_outputs()
    data.output(build, "kept", viewer=("organizer", None))
    assert calls == []  # the recently used render survived every eviction


def test_with_the_cache_off_every_render_and_query_is_computed_afresh(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.CACHE_ENV, "off")
    calls: list[str] = []
    build = _render(calls, "页面")
    first = data.output(build, "zh", viewer=("organizer", None))
    assert data.output(build, "zh", viewer=("organizer", None)) == first
    assert calls == ["页面", "页面"]
    assert not list((home / data.CACHE_DIR).glob("*/*.json"))  # nothing shared either
    runs: list[str] = []
    original = data.Reader.query

    def counted(self: data.Reader, name: str, **params: object) -> object:
        runs.append(name)
        return original(self, name, **params)

    monkeypatch.setattr(data.Reader, "query", counted)
    assert data.query("overview_editions").equals(data.query("overview_editions"))
    assert runs == ["overview_editions", "overview_editions"]


def test_with_the_cache_off_a_new_snapshot_is_served_at_once_despite_a_warm_limit(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.CACHE_ENV, "off")
    monkeypatch.setenv(data.WARM_ENV, "60")
    before = data.snapshot()
    _publish(home)
    after = data.snapshot()
    assert after != before and after == store.current_snapshot(home)


def test_with_the_cache_off_one_request_reads_a_query_once_and_the_next_reads_it_again(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(data.CACHE_ENV, "off")
    runs: list[str] = []
    original = data.Reader.query

    def counted(self: data.Reader, name: str, **params: object) -> object:
        runs.append(name)
        return original(self, name, **params)

    monkeypatch.setattr(data.Reader, "query", counted)
    app = flask.Flask("请求")
    for _request in range(2):
        with app.test_request_context("/"):
            first = data.query("overview_editions")
            assert data.query("overview_editions").equals(first)
    assert runs == ["overview_editions", "overview_editions"]
