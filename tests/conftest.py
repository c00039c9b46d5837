"""Shared fixtures: a temporary warehouse home and a fixed participant-id key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from warehouse.settings import Settings, load_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty warehouse home; ids are keyed with a test secret, never the user's key file."""
    monkeypatch.setenv("CREATORPULSE_ID_KEY", "test-secret")
    monkeypatch.delenv("CREATORPULSE_HOME", raising=False)
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings pointing at the temporary home."""
    return load_settings(home)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The demo warehouse, built once per test session through the real ETL. Read-only: don't load into it."""
    from etl.demo import build_demo

    mp = pytest.MonkeyPatch()
    mp.setenv("CREATORPULSE_ID_KEY", "demo-session-secret")
    try:
        settings = load_settings(tmp_path_factory.mktemp("demo") / "home")
        reports = build_demo(settings)
    finally:
        mp.undo()  # only the build needs the key; don't leak it into other tests
    failed = [r for r in reports if r.status != "loaded"]
    assert not failed, failed
    yield settings


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """The one Spark session of a test run, local mode (the `spark` extra and Java 17)."""
    import warnings

    from warehouse.lake_spark import start_spark

    with warnings.catch_warnings():
        # pyspark 4.3 warns that it does not fully support pandas 3; no test goes through pandas.
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas")
        session = start_spark("local[2]")
    yield session
    session.stop()


# The test modules that use the `spark` fixture: `make test`'s workers run them on one worker,
# so a run starts one Spark session (the scheduler sees node ids only, not fixtures).
SPARK_MODULES = frozenset({"tests/warehouse/test_lake.py", "tests/etl/test_lake_ingest.py"})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """`make test`'s two workers (pytest-xdist): each module runs whole on one worker (its
    module-scoped fixtures are built once), and the Spark modules all on the same one."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "spark" if module in SPARK_MODULES else module

    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a Spark test outside SPARK_MODULES (it could start a second Spark session)."""
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        if "spark" in getattr(item, "fixturenames", ()) and module not in SPARK_MODULES:
            raise pytest.UsageError(f"{module} uses the spark fixture: add it to SPARK_MODULES")
