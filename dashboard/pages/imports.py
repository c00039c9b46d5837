"""Import (organizers only): upload exports, see what `creatorpulse inspect` sees, confirm, watch
the import, then read / loaded / rejected per file and the rejected rows.

A thin caller of the CLI: files go to `POST /import/upload` (dashboard.uploads, streamed to disk,
never through a callback body; the browser side is assets/import.js), inspection is
`creatorpulse inspect --json`, and the import is `creatorpulse ingest --json` in a background
process that publishes a new snapshot as every ingest does, so readers are never blocked.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import polars as pl
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import auth, components, uploads, urlstate
from dashboard.i18n import register, t
from warehouse import accounts
from warehouse.query import Reader
from warehouse.settings import load_settings

PAGE = "import"
POLL_MS = 1000
WRAPPED = {
    "sortable": True,
    "filter": True,
    "resizable": True,
    "wrapText": True,
    "autoHeight": True,
}
REJECT_COLUMNS = ("file_name", "row_number", "column_name", "value_text", "reason")

register(
    {
        "nav.import": {"zh": "导入", "en": "Import"},
        "page.import": {"zh": "导入数据", "en": "Import data"},
        "intro.import": {
            "zh": "上传问卷或平台导出文件：先看系统识别出的格式、题目和行数，确认后在后台导入，"
            "导入期间看板照常可用。每次上传都会记入审计日志。",
            "en": "Upload survey or platform exports: first see the layout, questions and rows "
            "that were recognised, then confirm to import in the background while the "
            "dashboard stays available. Every upload is written to the audit log.",
        },
        "import.step.upload": {"zh": "1. 上传文件", "en": "1. Upload files"},
        "import.step.inspect": {"zh": "2. 识别结果", "en": "2. What was recognised"},
        "import.step.load": {"zh": "3. 导入", "en": "3. Import"},
        "import.choose": {"zh": "选择文件并上传", "en": "Choose files and upload"},
        "import.limit": {
            "zh": "可多选；xlsx、xls、csv、tsv；每个文件不超过 {mb} MB。",
            "en": "Several at once; xlsx, xls, csv, tsv; at most {mb} MB per file.",
        },
        "import.uploading": {"zh": "正在上传并识别……", "en": "Uploading and inspecting…"},
        "import.upload_failed": {"zh": "上传失败：", "en": "Upload failed: "},
        "import.nothing": {"zh": "尚未上传文件。", "en": "No files uploaded yet."},
        "import.confirm": {"zh": "确认导入", "en": "Confirm import"},
        "import.unknown": {"zh": "无法识别：", "en": "Not recognised: "},
        "import.running": {
            "zh": "正在导入：已完成 {done} / {total} 个文件……",
            "en": "Importing: {done} of {total} files done…",
        },
        "import.finished": {"zh": "导入完成。", "en": "Import finished."},
        "import.failed": {"zh": "导入失败：", "en": "Import failed: "},
        "import.busy": {
            "zh": "另一个导入正在进行，请稍后再试。",
            "en": "Another import is running: please wait for it to finish.",
        },
        "import.rejects": {"zh": "被拒绝的行", "en": "Rejected rows"},
        "import.questions": {"zh": "题目", "en": "Questions"},
        "import.draft_note": {
            "zh": "与已存问卷的匹配：{match}",
            "en": "Match with a stored questionnaire: {match}",
        },
        "import.field.family": {"zh": "类别", "en": "Family"},
        "import.field.layout": {"zh": "格式", "en": "Layout"},
        "import.field.tool": {"zh": "工具", "en": "Tool"},
        "import.field.platform": {"zh": "平台", "en": "Platform"},
        "import.field.encoding": {"zh": "编码", "en": "Encoding"},
        "import.field.header_rows": {"zh": "表头行数", "en": "Header rows"},
        "import.field.rows": {"zh": "数据行数", "en": "Rows"},
        "import.field.respondents": {"zh": "答卷数", "en": "Respondents"},
        "import.field.rows_rejected": {"zh": "将被拒绝的行", "en": "Rows to be rejected"},
        "import.field.works": {"zh": "作品数", "en": "Works"},
        "import.field.date_span": {"zh": "日期范围", "en": "Dates"},
        "import.field.detected_by": {"zh": "识别依据", "en": "Recognised by"},
        "col.file": {"zh": "文件", "en": "File"},
        "col.status": {"zh": "状态", "en": "Status"},
        "col.rows_read": {"zh": "读取", "en": "Read"},
        "col.rows_loaded": {"zh": "载入", "en": "Loaded"},
        "col.rows_rejected": {"zh": "拒绝", "en": "Rejected"},
        "col.note": {"zh": "说明", "en": "Note"},
        "col.file_name": {"zh": "文件", "en": "File"},
        "col.row_number": {"zh": "行号", "en": "Row"},
        "col.column_name": {"zh": "列", "en": "Column"},
        "col.value_text": {"zh": "值", "en": "Value"},
        "col.reason": {"zh": "原因", "en": "Reason"},
        "import.col.question_id": {"zh": "编号", "en": "Id"},
        "col.question_type": {"zh": "题型", "en": "Type"},
        "col.question_text": {"zh": "题目", "en": "Question"},
        "col.options": {"zh": "选项", "en": "Options"},
        **{
            f"import.value.{key}": {"zh": zh, "en": en}
            for key, zh, en in (
                ("survey", "问卷", "survey"),
                ("platform", "平台数据", "platform"),
                ("attention", "关注度", "attention"),
                ("catalogue", "节目目录", "catalogue"),
                ("roster", "参与者名册", "roster"),
                ("live", "直播", "live"),
                ("retention", "观众留存", "retention"),
                ("activity", "创作活动", "activity"),
                ("single", "单选", "single"),
                ("multi", "多选", "multi"),
                ("ranking", "排序", "ranking"),
                ("matrix", "矩阵", "matrix"),
                ("rating", "评分", "rating"),
                ("number", "数字", "number"),
                ("text", "文本", "text"),
                ("date", "日期", "date"),
                ("contact", "联系方式", "contact"),
            )
        },
        "import.status.loaded": {"zh": "已载入", "en": "loaded"},
        "import.status.unchanged": {"zh": "已载入过（未改动）", "en": "already loaded (unchanged)"},
        "import.status.failed": {"zh": "失败", "en": "failed"},
    }
)
SUMMARY_FIELDS = (
    "family",
    "tool",
    "platform",
    "layout",
    "detected_by",
    "encoding",
    "header_rows",
    "respondents",
    "rows",
    "rows_rejected",
    "works",
    "date_span",
)


def _data_attributes(lang: str) -> dict[str, Any]:
    """Texts the upload script (assets/import.js) shows, in the page's language."""
    return {
        "data-uploading": t("import.uploading", lang),
        "data-failed": t("import.upload_failed", lang),
    }


def layout(lang: str = "zh", **query: Any) -> html.Div:
    """The three steps: upload, inspection, import."""
    filters = {"lang": urlstate.lang_of({"lang": lang})}
    lang = filters["lang"]
    mb = uploads.max_file_bytes() // 2**20
    return components.page(
        PAGE,
        lang,
        filters,
        body=[
            html.Div(
                [
                    html.H3(t("import.step.upload", lang)),
                    html.Button(
                        t("import.choose", lang),
                        id=f"{PAGE}-choose",
                        n_clicks=0,
                        **_data_attributes(lang),
                    ),
                    html.Span(id=f"{PAGE}-upload-state", className="import-state"),
                    html.P(t("import.limit", lang).format(mb=mb), className="intro"),
                    dcc.Store(id=f"{PAGE}-upload"),
                ],
                className="card wide",
            ),
            html.Div(
                [
                    html.H3(t("import.step.inspect", lang)),
                    html.Div(t("import.nothing", lang), id=f"{PAGE}-inspection"),
                    html.Button(
                        t("import.confirm", lang), id=f"{PAGE}-confirm", n_clicks=0, disabled=True
                    ),
                ],
                className="card wide",
            ),
            html.Div(
                [
                    html.H3(t("import.step.load", lang)),
                    html.Div(id=f"{PAGE}-progress"),
                    html.Div(id=f"{PAGE}-results"),
                    html.H4(t("import.rejects", lang)),
                    dag.AgGrid(
                        id=f"{PAGE}-rejects",
                        columnDefs=[],
                        rowData=[],
                        defaultColDef=WRAPPED,
                        dashGridOptions={
                            "animateRows": False,
                            "pagination": True,
                            "paginationPageSize": 20,
                            "domLayout": "autoHeight",
                        },
                        columnSize="responsiveSizeToFit",
                        className="ag-theme-alpine",
                    ),
                    dcc.Store(id=f"{PAGE}-job"),
                    dcc.Interval(id=f"{PAGE}-poll", interval=POLL_MS, disabled=True),
                ],
                className="card wide",
            ),
        ],
    )


dash.register_page(
    __name__, path="/import", order=9, title="creatorpulse", page_key=PAGE, layout=layout
)


def _text(value: Any, lang: str = "en") -> str:
    if isinstance(value, (list, tuple)):
        return " – ".join(str(v) for v in value)
    from dashboard.i18n import STRINGS

    key = f"import.value.{value}"
    return t(key, lang) if key in STRINGS else "" if value is None else str(value)


def _field_label(key: str, lang: str) -> str:
    name = f"import.field.{key}"
    from dashboard.i18n import STRINGS

    return t(name, lang) if name in STRINGS else key


def describe_file(result: dict[str, Any], lang: str) -> html.Div:
    """One file's inspection: its summary and, for a survey, its questions."""
    if "error" in result:
        return html.Div(
            [html.H4(result.get("file", "")), html.P(t("import.unknown", lang) + result["error"])],
            className="import-file import-error",
        )
    rows = [
        html.Tr([html.Th(_field_label(key, lang)), html.Td(_text(result[key], lang))])
        for key in SUMMARY_FIELDS
        if result.get(key) not in (None, "", [])
    ]
    parts: list[Any] = [
        html.H4(result.get("file", "")),
        html.Table(rows, className="import-summary"),
    ]
    match = result.get("questionnaire") or result.get("match")
    if match:
        parts.append(html.P(t("import.draft_note", lang).format(match=_text(match))))
    questions = result.get("questions") or []
    if questions:
        frame = pl.DataFrame(
            [
                {
                    "question_id": q.get("id") or q.get("key") or "",
                    "question_type": _text(q.get("type"), lang),
                    "question_text": q.get("text") or "",
                    "options": "、".join(str(o) for o in (q.get("options") or [])[:12]),
                }
                for q in questions
            ],
            schema={
                c: pl.String for c in ("question_id", "question_type", "question_text", "options")
            },
        )
        data, defs = components.grid_data(frame, lang)
        grid = dag.AgGrid(
            id={"type": f"{PAGE}-questions", "page": PAGE, "file": result.get("file", "")},
            rowData=data,
            columnDefs=defs,
            defaultColDef={
                "sortable": True,
                "resizable": True,
                "wrapText": True,
                "autoHeight": True,
            },
            dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
            columnSize="responsiveSizeToFit",
            className="ag-theme-alpine",
        )
        components.localise(grid, lang)
        parts += [html.H5(f"{t('import.questions', lang)} ({len(questions)})"), grid]
    for warning in result.get("warnings") or []:
        parts.append(html.P(str(warning), className="import-warning"))
    return html.Div(parts, className="import-file")


def inspection_view(upload_id: str | None, lang: str) -> tuple[list[Any], bool]:
    """The inspection of an upload (read on the server, never taken from the browser) and
    whether confirming is allowed (some file was recognised)."""
    if not auth.allowed(PAGE):  # the guard refuses earlier; belt and braces
        return [], True
    home = load_settings().home
    try:
        results = uploads.read_inspection(home, str(upload_id or ""))
    except uploads.UploadError as exc:
        return [html.P(str(exc))], True
    known = [r for r in results if "error" not in r]
    return [describe_file(r, lang) for r in results], not known


@callback(
    Output(f"{PAGE}-inspection", "children"),
    Output(f"{PAGE}-confirm", "disabled"),
    Input(f"{PAGE}-upload", "data"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def on_upload(upload: dict[str, Any] | None, filters: dict[str, Any] | None) -> Any:
    """Thin callback: show what inspect saw of the uploaded files."""
    lang = urlstate.lang_of(filters)
    if not upload:
        return no_update, no_update
    if upload.get("error"):
        return [html.P(t("import.upload_failed", lang) + str(upload["error"]))], True
    return inspection_view(upload.get("upload_id"), lang)


def confirm_import(upload_id: str | None, lang: str) -> tuple[Any, Any, bool]:
    """Start the background import of an upload: (job store, progress text, poll disabled)."""
    user = auth.current_user()
    if not auth.allowed(PAGE, user) or not upload_id:
        return None, [], True
    home = load_settings().home
    try:
        status = uploads.start_import(home, str(upload_id), user.username if user else None)
    except uploads.UploadError as exc:
        text = t("import.busy", lang) if exc.status == 409 else str(exc)
        return None, [html.P(text, className="import-error")], True
    accounts.record(home, "import", user=user, target=str(upload_id), count_rows=status["total"])
    return {"upload_id": upload_id}, [progress_text(status, lang)], False


@callback(
    Output(f"{PAGE}-job", "data"),
    Output(f"{PAGE}-progress", "children"),
    Output(f"{PAGE}-poll", "disabled"),
    Output(f"{PAGE}-confirm", "disabled", allow_duplicate=True),
    Input(f"{PAGE}-confirm", "n_clicks"),
    State(f"{PAGE}-upload", "data"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def on_confirm(
    clicks: int | None, upload: dict[str, Any] | None, filters: dict[str, Any] | None
) -> Any:
    """Thin callback: start the import."""
    if not clicks or not upload:
        return no_update, no_update, no_update, no_update
    job, text, poll_off = confirm_import(upload.get("upload_id"), urlstate.lang_of(filters))
    return job, text, poll_off, job is not None


def progress_text(status: dict[str, Any], lang: str) -> html.P:
    """Where the import is."""
    if status["state"] != "finished":
        return html.P(
            t("import.running", lang).format(done=status["done"], total=status["total"]),
            id=f"{PAGE}-running",
        )
    if status.get("error"):
        return html.P(t("import.failed", lang) + status["error"], className="import-error")
    return html.P(t("import.finished", lang), id=f"{PAGE}-done")


def results_frame(reports: list[dict[str, Any]], lang: str) -> pl.DataFrame:
    """Read / loaded / rejected per file, as the CLI reported them."""
    return pl.DataFrame(
        [
            {
                "file": str(r.get("path", "")).replace("\\", "/").rsplit("/", 1)[-1],
                "status": t(f"import.status.{r.get('status')}", lang)
                if r.get("status") in ("loaded", "unchanged", "failed")
                else str(r.get("status")),
                "rows_read": int(r.get("rows_read") or 0),
                "rows_loaded": int(r.get("rows_loaded") or 0),
                "rows_rejected": int(r.get("rows_rejected") or 0),
                "note": r.get("error") or "; ".join((r.get("warnings") or [])[:2]),
            }
            for r in reports
        ],
        schema={
            "file": pl.String,
            "status": pl.String,
            "rows_read": pl.Int64,
            "rows_loaded": pl.Int64,
            "rows_rejected": pl.Int64,
            "note": pl.String,
        },
    )


def rejects_frame(reports: list[dict[str, Any]]) -> pl.DataFrame:
    """The rejected rows of the loads this import made (file, row, column, value, reason)."""
    ids = [r["load_id"] for r in reports if r.get("load_id") and r.get("rows_rejected")]
    empty = pl.DataFrame(schema={c: pl.String for c in REJECT_COLUMNS})
    if not ids:
        return empty
    reader = Reader(load_settings().home)  # the snapshot just published, not the served one
    try:
        frames = [reader.query("rejects", load_id=i).select(REJECT_COLUMNS) for i in ids]
    finally:
        reader.close()
    return pl.concat(frames) if frames else empty


def poll_view(upload_id: str | None, lang: str) -> tuple[Any, Any, Any, Any, bool]:
    """(progress, results table, rejects rows, rejects columns, poll disabled) of an import."""
    if not auth.allowed(PAGE) or not upload_id:
        return [], [], [], [], True
    home = load_settings().home
    try:
        status = uploads.job_status(home, str(upload_id))
    except uploads.UploadError as exc:
        return [html.P(str(exc))], [], [], [], True
    if status["state"] != "finished":
        return [progress_text(status, lang)], no_update, no_update, no_update, False
    table = results_frame(status["reports"], lang)
    rows, defs = components.grid_data(table, lang)
    results = dag.AgGrid(
        id=f"{PAGE}-loads",
        rowData=rows,
        columnDefs=defs,
        defaultColDef=WRAPPED,
        dashGridOptions={"domLayout": "autoHeight", "animateRows": False},
        columnSize="responsiveSizeToFit",
        className="ag-theme-alpine",
    )
    components.localise(results, lang)
    reject_rows, reject_defs = components.grid_data(rejects_frame(status["reports"]), lang)
    return [progress_text(status, lang)], [results], reject_rows, reject_defs, True


@callback(
    Output(f"{PAGE}-progress", "children", allow_duplicate=True),
    Output(f"{PAGE}-results", "children"),
    Output(f"{PAGE}-rejects", "rowData"),
    Output(f"{PAGE}-rejects", "columnDefs"),
    Output(f"{PAGE}-poll", "disabled", allow_duplicate=True),
    Input(f"{PAGE}-poll", "n_intervals"),
    State(f"{PAGE}-job", "data"),
    State(components.filters_id(PAGE), "data"),
    prevent_initial_call=True,
)
def on_poll(_ticks: int | None, job: dict[str, Any] | None, filters: dict[str, Any] | None) -> Any:
    """Thin callback: the import's progress, then its results."""
    return poll_view((job or {}).get("upload_id"), urlstate.lang_of(filters))
