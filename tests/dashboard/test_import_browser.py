"""The Import page in Chromium: an organizer uploads a survey export, reads what was recognised,
confirms, watches the import and reads read / loaded / rejected and the rejected rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.browser import open_page, screenshot, serve, settle, watch
from tests.dashboard.test_import_page import gala_survey
from warehouse import accounts
from warehouse.store import current_snapshot

pytestmark = pytest.mark.browser
IMPORT_S = 240_000  # ms: an ingest subprocess on a busy machine


def upload(page: Page, path: Path) -> None:
    """Choose a file in the page's file picker (which uploads it at once)."""
    with page.expect_file_chooser() as chooser:
        page.locator("#import-choose").click()
    chooser.value.set_files(str(path))


def test_an_organizer_uploads_inspects_confirms_and_reads_the_outcome(
    browser: Browser, tmp_path: Path, server_log: Path
) -> None:
    home = tmp_path / "home"  # a fresh warehouse: nothing is published before the import
    survey = gala_survey(tmp_path / "AI春晚问卷.xlsx")
    with serve(home, server_log, workers=1) as url:
        watched = watch(browser)
        page = open_page(watched, url + "/import")
        expect(page.locator("#import-title")).to_have_text("导入数据")
        expect(page.locator("#import-confirm")).to_be_disabled()
        upload(page, survey)
        inspection = page.locator("#import-inspection")
        expect(inspection).to_contain_text("问卷星", timeout=IMPORT_S)
        settle(watched)
        expect(inspection).to_contain_text("AI春晚问卷.xlsx")
        expect(inspection).to_contain_text("答卷数")
        expect(inspection).to_contain_text("您使用过哪些AI创作工具")
        expect(page.locator("#import-upload-state")).to_have_text("AI春晚问卷.xlsx")
        screenshot(page, "import-inspection-zh")
        assert current_snapshot(home) is None  # inspecting loads nothing

        page.locator("#import-confirm").click()
        expect(page.locator("#import-done")).to_have_text("导入完成。", timeout=IMPORT_S)
        settle(watched)
        loads = page.locator("#import-loads .ag-center-cols-container .ag-row")
        expect(loads).to_have_count(1)
        cells = {
            col: page.locator(f'#import-loads [row-index="0"] [col-id="{col}"]').inner_text()
            for col in ("file", "status", "rows_read", "rows_loaded", "rows_rejected")
        }
        assert cells == {
            "file": "AI春晚问卷.xlsx",
            "status": "已载入",
            "rows_read": "3",
            "rows_loaded": "2",
            "rows_rejected": "1",
        }
        rejects = page.locator("#import-rejects .ag-center-cols-container .ag-row")
        expect(rejects).to_have_count(1)
        assert page.locator('#import-rejects [col-id="column_name"]').last.inner_text() == "序号"
        screenshot(page, "import-zh")
        assert current_snapshot(home) is not None
        [entry] = accounts.audit_entries(home, action="upload")
        assert entry["username"] == "t-organizer" and "AI春晚问卷.xlsx" in entry["filters"]
        assert accounts.audit_entries(home, action="import")
        watched.clean()

        # The same file again, in English: recognised, and loading it twice changes nothing.
        english = watch(browser)
        page = open_page(english, url + "/import?lang=en")
        expect(page.locator("#import-title")).to_have_text("Import data")
        upload(page, survey)
        expect(page.locator("#import-inspection")).to_contain_text("Respondents", timeout=IMPORT_S)
        settle(english)
        page.locator("#import-confirm").click()
        expect(page.locator("#import-done")).to_have_text("Import finished.", timeout=IMPORT_S)
        settle(english)
        status = page.locator('#import-loads [row-index="0"] [col-id="status"]')
        expect(status).to_have_text("already loaded (unchanged)")
        screenshot(page, "import-en")
        assert len(accounts.audit_entries(home, action="upload")) == 2
        english.clean()


def test_a_researcher_cannot_open_the_import_page(
    browser: Browser, tmp_path: Path, server_log: Path
) -> None:
    with serve(tmp_path / "home", server_log, workers=1) as url:
        watched = watch(browser, role="researcher")
        page = open_page(watched, url + "/import")
        expect(page.locator("#no-access")).to_be_visible()
        expect(page.locator("#import-choose")).to_have_count(0)
        expect(page.locator("#nav-import")).to_have_count(0)
