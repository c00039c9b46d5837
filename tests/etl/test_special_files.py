"""Paths that are not plain files, and text that is not UTF-8: a FIFO, /dev/zero, a folder and
links to them are refused before anything opens them, with one truthful line naming the file;
an oversize or endless stream is cut at a byte cap; UTF-16 with a BOM is read."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from etl.errors import IngestError
from etl.ingest import ingest_files
from etl.reading import read_capped
from tests.builders import WJX_META, WJX_QUESTIONS, published_rows, wjx_row
from warehouse.settings import Settings
from warehouse.store import current_snapshot

SOURCES = ("auto", "survey", "catalogue", "attention", "bilibili", "roster")


def special_paths(root: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, what its one-line message must say)."""
    root.mkdir(parents=True, exist_ok=True)
    fifo = root / "管道_2024.csv"
    os.mkfifo(fifo)
    folder = root / "文件夹_2024.csv"
    folder.mkdir()
    links = {
        "zero_link": (root / "零_2024.csv", Path("/dev/zero")),
        "fifo_link": (root / "管道链接_2024.csv", fifo),
        "folder_link": (root / "文件夹链接_2024.xlsx", folder),
    }
    for link, target in links.values():
        link.symlink_to(target)
    return {
        "fifo": (fifo, "not a regular file: a FIFO (named pipe), refused before reading"),
        "zero_link": (links["zero_link"][0], "not a regular file: a character device (a link to"),
        "fifo_link": (links["fifo_link"][0], "not a regular file: a FIFO (named pipe) (a link to"),
        "folder": (folder, "folder"),
        "folder_link": (links["folder_link"][0], "folder"),
    }


@pytest.mark.parametrize("source", SOURCES)
def test_every_reader_refuses_fifos_devices_folders_and_links_to_them_before_opening(
    tmp_path: Path, settings: Settings, source: str
) -> None:
    paths = special_paths(tmp_path / "in")
    reports = ingest_files(settings, [p for p, _ in paths.values()], source=source)
    for report, (path, words) in zip(reports, paths.values(), strict=True):
        assert report.status == "failed", report
        assert report.error is not None and "\n" not in report.error
        assert report.error.startswith(path.name) and words in report.error, report.error
    assert current_snapshot(settings.home) is None  # nothing was published


def test_an_input_over_the_byte_cap_is_refused_naming_the_limit(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_MAX_INPUT_BYTES", "4096")
    path = tmp_path / "大文件_2024.csv"
    path.write_text("\r\n".join(",".join(map(str, wjx_row(n))) for n in range(200)), "utf-8")
    [report] = ingest_files(settings, [path])
    assert report.status == "failed"
    assert report.error is not None and report.error.startswith(f"{path.name}: over the 4,096-byte")
    assert "CREATORPULSE_MAX_INPUT_BYTES" in report.error


def test_an_endless_stream_is_cut_at_the_byte_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREATORPULSE_MAX_INPUT_BYTES", str(1 << 20))
    fifo = tmp_path / "无尽.csv"
    os.mkfifo(fifo)

    def endless() -> None:
        with open(fifo, "wb") as sink:
            try:
                while True:
                    sink.write(b"\x00" * 65536)
            except BrokenPipeError:
                pass  # the reader stopped at its cap

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    with pytest.raises(IngestError, match="an endless stream"):
        read_capped(fifo)
    writer.join(timeout=60)
    assert not writer.is_alive()


def utf16(path: Path, rows: list[list[object]]) -> Path:
    """Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    text = "\r\n".join("\t".join("" if c is None else str(c) for c in r) for r in rows) + "\r\n"
    path.write_bytes(text.encode("utf-16"))  # Python writes the BOM
    return path


def test_utf16_files_with_a_bom_load_as_survey_platform_and_attention(
    tmp_path: Path, settings: Settings
) -> None:
    files = [
        utf16(
            tmp_path / "问卷_2024.csv",
            [[*WJX_META, *WJX_QUESTIONS], wjx_row(1, suggest="多办线下活动"), wjx_row(2)],
        ),
        utf16(
            tmp_path / "bilibili_春晚.csv",
            [["统计日期", "BV号", "标题", "累计播放", "累计点赞"]]
            + [["2024-02-10", "BV1ab411c7de", "《赛博拜年》", 100, 5]],
        ),
        utf16(
            tmp_path / "attention_春晚.csv",
            [["日期", "关键词", "指数", "来源"], ["2025-01-28", "AI春晚", "1200", "百度指数"]],
        ),
    ]
    reports = ingest_files(settings, files)
    assert [(r.status, r.rows_loaded, r.rows_rejected) for r in reports] == [
        ("loaded", 2, 0),
        ("loaded", 1, 0),
        ("loaded", 1, 0),
    ], reports
    assert published_rows(
        settings.home, "select encoding from load_log where file_name = ?", ["问卷_2024.csv"]
    ) == [("utf-16",)]
    assert published_rows(
        settings.home,
        "select answer_text from fct_survey_answer where question_id = 'suggestions' "
        "and answer_text = '多办线下活动'",
    ) == [("多办线下活动",)]


def test_the_cli_names_each_special_file_in_one_line_through_ingest_and_inspect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from cli.main import app  # every command registered, as `creatorpulse` runs them

    monkeypatch.setenv("CREATORPULSE_ID_KEY", "cli-test")
    paths = special_paths(tmp_path / "in")
    good = utf16(
        tmp_path / "in" / "attention_春晚.csv",
        [["日期", "关键词", "指数", "来源"], ["2025-01-28", "AI春晚", "1200", "百度指数"]],
    )
    args = [*(str(p) for p, _ in paths.values()), "--json"]
    home = ["--home", str(tmp_path / "home")]
    ingest = CliRunner().invoke(app, ["ingest", *args, *home])
    assert ingest.exit_code == 1, ingest.output  # every file failed, none crashed
    reports = {Path(r["path"]).name: r for r in json.loads(ingest.stdout)}
    assert {r["status"] for r in reports.values()} == {"failed"}
    inspect = CliRunner().invoke(app, ["inspect", str(good), *args])
    assert inspect.exit_code == 1, inspect.output  # unreadable files: exit 1, no crash
    inspected = {r["file"]: r for r in json.loads(inspect.stdout)}
    assert inspected[good.name]["family"] == "attention"
    for path, words in paths.values():
        for error in (reports[path.name]["error"], inspected[path.name]["error"]):
            assert error.startswith(path.name) and "\n" not in error, error
            assert words in error, error
