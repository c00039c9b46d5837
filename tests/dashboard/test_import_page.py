"""The Import page's server side: the upload route (organizers only, same-origin, size-limited,
sanitised names, private files, audited), its callbacks' access, and the background import."""

from __future__ import annotations

import io
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dash import Dash

from dashboard import uploads
from tests.builders import WJX_META, WJX_QUESTIONS, wjx_row, write_xlsx
from tests.dashboard.callbacks import as_user, post_callback, signed_in_client
from tests.dashboard.users import ensure_test_users
from tests.etl.survey_layouts import survey_files as sf
from warehouse import accounts
from warehouse.store import current_snapshot

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dash_app: Dash) -> Iterator[Path]:
    """A fresh warehouse home of its own (the demo warehouse is read-only) with test users."""
    where = tmp_path / "home"
    monkeypatch.setenv("CREATORPULSE_HOME", str(where))
    monkeypatch.setenv("CREATORPULSE_ID_KEY", "import-test-secret")
    ensure_test_users(where)
    yield where


def _files(*named: tuple[str, bytes]) -> dict[str, object]:
    return {"files": [(io.BytesIO(data), name) for name, data in named]}


def gala_survey(path: Path) -> Path:
    """A 问卷星 text export of the gala's own questionnaire (loads with no questionnaire given);
    its third row repeats the second's 序号, so it is rejected."""
    rows = [wjx_row(1), wjx_row(2), wjx_row(2, sat="3", contact="13900000000")]
    return write_xlsx(path, WJX_META + WJX_QUESTIONS, rows)


def test_an_organizer_uploads_files_into_a_private_folder_and_the_upload_is_audited(
    dash_app: Dash, home: Path, tmp_path: Path
) -> None:
    survey = sf.wjx_text_xlsx(tmp_path / "晚会问卷.xlsx").read_bytes()
    client = signed_in_client(dash_app, "organizer")
    response = client.post(
        "/import/upload",
        data=_files(("../../../etc/晚会问卷.xlsx", survey)),
        headers=ORIGIN,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["files"] == ["晚会问卷.xlsx"]
    where = home / "uploads" / answer["upload_id"]
    saved = where / "晚会问卷.xlsx"
    assert saved.read_bytes() == survey
    assert stat.S_IMODE(where.stat().st_mode) == 0o700
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert not (home / "etc").exists()
    [inspection] = answer["inspection"]
    assert (inspection["family"], inspection["tool"], inspection["respondents"]) == (
        "survey",
        "wjx_text",
        3,
    )
    [entry] = accounts.audit_entries(home, action="upload")
    assert entry["username"] == "t-organizer" and entry["target"] == answer["upload_id"]
    assert json.loads(entry["filters"]) == {"files": ["晚会问卷.xlsx"]}


@pytest.mark.parametrize("role", ["researcher", "sponsor"])
def test_the_upload_route_refuses_other_roles_and_writes_nothing(
    dash_app: Dash, home: Path, role: str
) -> None:
    client = signed_in_client(dash_app, role)
    response = client.post(
        "/import/upload",
        data=_files(("a.csv", "编号,姓名\n1,张三\n".encode())),
        headers=ORIGIN,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert not list((home / "uploads").glob("*")) if (home / "uploads").exists() else True
    assert accounts.audit_entries(home, action="upload") == []
    assert accounts.audit_entries(home, action="denied")[0]["detail"] == "upload"


def test_the_upload_route_sends_a_visitor_without_a_session_to_sign_in(
    dash_app: Dash, home: Path
) -> None:
    response = signed_in_client(dash_app, None).post(
        "/import/upload", data=_files(("a.csv", b"x")), headers=ORIGIN
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Referer": "https://localhost/import"}, {}],
)
def test_a_cross_site_or_unattributed_upload_is_refused(
    dash_app: Dash, home: Path, headers: dict[str, str]
) -> None:
    client = signed_in_client(dash_app, "organizer")
    response = client.post(
        "/import/upload",
        data=_files(("a.csv", "编号,姓名\n1,张三\n".encode())),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert accounts.audit_entries(home, action="upload") == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(
    dash_app: Dash, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(uploads.MAX_MB_ENV, str(4 / 1024))  # 4 KB
    client = signed_in_client(dash_app, "organizer")
    small = "编号,姓名\n1,张三\n".encode()
    big = ("编号,备注\n" + "1,很长的备注\n" * 2000).encode()
    response = client.post(
        "/import/upload",
        data=_files(("小.csv", small), ("大.csv", big)),
        headers=ORIGIN,
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "limit" in response.get_json()["error"]
    assert [p for p in (home / "uploads").iterdir() if p.is_dir()] == []
    assert accounts.audit_entries(home, action="upload") == []


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\晚会.csv", "晚会.csv"),
        ("/abs/问卷星 导出.xlsx", "问卷星 导出.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("a\x00b\r\n.csv", "a_b__.csv"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_uploaded_file_names_lose_their_folders_and_control_characters(
    given: str, kept: str
) -> None:
    assert uploads.safe_name(given) == kept


def test_uploads_older_than_a_day_are_removed(home: Path) -> None:
    root = uploads.uploads_root(home)
    old, new = root / ("a" * 24), root / ("b" * 24)
    old.mkdir()
    new.mkdir()
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert uploads.remove_old_uploads(home) == ["a" * 24]
    assert not old.exists() and new.exists()


def test_an_unknown_or_malformed_upload_id_is_refused(home: Path) -> None:
    for bad in ("../../x", "A" * 24, "0" * 24):
        with pytest.raises(uploads.UploadError):
            uploads.upload_dir(home, bad)


@pytest.mark.parametrize("role", ["researcher", "sponsor"])
def test_the_pages_callbacks_refuse_other_roles(dash_app: Dash, home: Path, role: str) -> None:
    post_callback(
        dash_app,
        outputs=[("import-inspection", "children"), ("import-confirm", "disabled")],
        inputs=[("import-upload", "data", {"upload_id": "0" * 24})],
        state=[({"type": "page-filters", "page": "import"}, "data", {"page": "import"})],
        role=role,
        expect_status=403,
    )


def test_a_second_import_in_the_same_home_is_told_to_wait(home: Path) -> None:
    root = uploads.uploads_root(home)
    busy = root / ("c" * 24)
    busy.mkdir()
    (busy / "job").mkdir()  # running: no exit code yet
    (root / uploads.LOCK_FILE).write_text(
        json.dumps({"upload_id": "c" * 24, "pid": os.getpid(), "username": "t-organizer"})
    )
    mine = root / ("d" * 24)
    mine.mkdir()
    (mine / "meta.json").write_text(json.dumps({"files": ["a.csv"]}))
    with pytest.raises(uploads.UploadError) as caught:
        uploads.start_import(home, "d" * 24, "t-organizer")
    assert caught.value.status == 409 and "wait" in str(caught.value)
    assert not (mine / "job").exists()


def test_a_lock_left_by_a_finished_import_does_not_block_the_next(home: Path) -> None:
    root = uploads.uploads_root(home)
    done = root / ("e" * 24)
    (done / "job").mkdir(parents=True)
    (done / "job" / "rc").write_text("0\n")
    (root / uploads.LOCK_FILE).write_text(json.dumps({"upload_id": "e" * 24, "pid": os.getpid()}))
    assert uploads.running_import(home) is None
    assert not (root / uploads.LOCK_FILE).exists()


def test_a_confirmed_upload_is_imported_in_the_background_and_published(
    dash_app: Dash, home: Path, tmp_path: Path
) -> None:
    data = gala_survey(tmp_path / "ai_gala_2024.xlsx").read_bytes()
    client = signed_in_client(dash_app, "organizer")
    answer = client.post(
        "/import/upload",
        data=_files(("ai_gala_2024.xlsx", data)),
        headers=ORIGIN,
        content_type="multipart/form-data",
    ).get_json()
    from dashboard.pages import imports

    with as_user(dash_app, "organizer"):
        job, _text, poll_off = imports.confirm_import(answer["upload_id"], "zh")
        assert job == {"upload_id": answer["upload_id"]} and poll_off is False
        again, _text, _off = imports.confirm_import(answer["upload_id"], "zh")
        assert again == job  # a second click follows the same import, it starts no other
        deadline = time.monotonic() + 300
        while uploads.job_status(home, answer["upload_id"])["state"] != "finished":
            assert time.monotonic() < deadline, (home / "uploads").rglob("stderr.log")
            time.sleep(0.5)
        progress, results, reject_rows, reject_defs, done = imports.poll_view(
            answer["upload_id"], "zh"
        )
    status = uploads.job_status(home, answer["upload_id"])
    [report] = status["reports"]
    assert status["exit_code"] == 0 and report["status"] == "loaded"
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (3, 2, 1)
    assert current_snapshot(home) is not None
    assert done is True and "导入完成" in str(progress)
    assert "ai_gala_2024.xlsx" in str(results) and "已载入" in str(results)
    assert [d["field"] for d in reject_defs] == list(imports.REJECT_COLUMNS)
    assert [(r["row_number"], r["column_name"]) for r in reject_rows] == [(4, "序号")]
    assert accounts.audit_entries(home, action="import")[0]["target"] == answer["upload_id"]
    assert uploads.running_import(home) is None
