"""Small survey exports written byte for byte in each tool's real layout (our own data).

Each writer mirrors what the tool's download looks like: BOMs, CRLF, quoting, blank continuation
headers, the ImportId JSON row, workbooks where the tool gives workbooks.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from tests.builders import write_xls


def _csv_line(cells: Sequence[str], sep: str = ",", quote_all: bool = False) -> str:
    """One CSV record, quoted as Excel/the tools quote (always, or only where needed)."""
    out = []
    for cell in cells:
        needs = quote_all or any(ch in cell for ch in (sep, '"', "\n", "\r"))
        out.append('"' + cell.replace('"', '""') + '"' if needs else cell)
    return sep.join(out)


def write_text(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    sep: str = ",",
    newline: str = "\r\n",
    bom: bool = False,
    quote_all: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """A delimited text file with exact line endings, BOM and quoting."""
    text = newline.join(_csv_line(r, sep, quote_all) for r in rows) + newline
    data = text.encode(encoding)
    if bom:
        data = (codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF8) + data
    path.write_bytes(data)
    return path


def write_book(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A one-sheet .xlsx with the rows as given (None = an empty cell)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
WJX_TEXT_HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "1、您的性别？ ",
    "2、您的年龄段: ",
    "3、您平时使用哪些平台？(多选题 *必答)",
    "4、请为以下节目类型排序【排序题】",
    "5、请评价晚会的表现—画面",
    "5、请评价晚会的表现—音乐",
    "6、您对晚会还有什么建议？ ",
]
WJX_TEXT_ROWS = [
    ["1", "2026/2/10 20:15:03", "95秒", "手机提交", "微信", "183.192.16.69(上海-上海)", "女", "20~24岁",
     "抖音┋小红书", "歌舞→小品→相声", "4分", "5分", "希望明年继续"],
    ["2", "2026/2/10 20:17:44", "120秒", "链接", "直接访问", "112.65.1.2(北京-北京)", "男", "40~49岁",
     "B站┋其他【请注明】〖微博〗", "小品→歌舞→相声", "3分", "(跳过)", "(空)"],
    ["3", "2026/2/10 21:02:10", "61秒", "手机提交", "微信", "NULL", "男", "60岁以上",
     "抖音", "相声→歌舞→小品", "5分", "4分", "节目太长了，\n建议缩短"],
]  # fmt: skip
WJX_CODE_HEADERS = [
    "序号",
    "提交答卷时间",
    "所用时间",
    "来源",
    "来源详情",
    "来自IP",
    "1、您的性别？ ",
    "2、您的年龄段: ",
    "第3题(抖音)",
    "第3题(小红书)",
    "第3题(B站)",
    "第3题(其他)",
    "5、请评价晚会的表现—画面",
    "5、请评价晚会的表现—音乐",
    "6、您对晚会还有什么建议？ ",
]
WJX_CODE_ROWS = [
    # the same respondents in another order: the pairing goes by 序号, not by position
    ["3", "NULL", "NULL", "手机提交", "微信", "NULL", 1, 9, 1, 0, 0, 0, 5, 4, "节目太长了，\n建议缩短"],
    ["1", "NULL", "NULL", "手机提交", "微信", "NULL", 2, 3, 1, 1, 0, 0, 4, 5, "希望明年继续"],
    ["2", "NULL", "NULL", "链接", "直接访问", "NULL", 1, 7, 0, 0, 1, 1, 3, -3, "(空)"],
]  # fmt: skip


def wjx_text_xlsx(path: Path) -> Path:
    """问卷星 text export as downloaded (.xlsx), metadata first, matrix, multi ┋, ranking →."""
    return write_book(path, [WJX_TEXT_HEADERS, *WJX_TEXT_ROWS])


def wjx_code_xls(path: Path) -> Path:
    """问卷星 option-number export re-saved as legacy .xls (like the real pair), NULL metadata."""
    return write_xls(path, WJX_CODE_HEADERS, WJX_CODE_ROWS)


def wjx_text_xls(path: Path) -> Path:
    """问卷星 text export re-saved as legacy .xls with the metadata reordered (来自IP moved)."""
    order = [0, 1, 2, 5, 3, 4, *range(6, len(WJX_TEXT_HEADERS))]
    headers = [WJX_TEXT_HEADERS[i] for i in order]
    rows = [[row[i] for i in order] for row in WJX_TEXT_ROWS]
    return write_xls(path, headers, rows)


def tencent_csv(path: Path) -> Path:
    """腾讯问卷 CSV: UTF-8 BOM, CRLF; multi/ranking/matrix one column per option `N.text:option`."""
    rows = [
        ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP省份", "IP城市", "1.您的性别",
         "2.您使用哪些平台:抖音", "2.您使用哪些平台:小红书", "2.您使用哪些平台:其他",
         "3.请为节目排序:歌舞", "3.请为节目排序:小品", "3.请为节目排序:相声",
         "4.请为以下方面打分:画面", "4.请为以下方面打分:音乐", "5.您的建议"],
        ["1", "2026-02-10 20:15:03", "2026-02-10 20:16:38", "95秒", "上海", "上海", "女",
         "1", "1", "", "1", "2", "3", "4", "5", "很好"],
        ["2", "2026-02-10 20:17:44", "2026-02-10 20:19:44", "120秒", "广东", "深圳", "男",
         "", "1", "微博", "2", "3", "1", "3", "5", ""],
        ["3", "2026-02-10 21:02:10", "2026-02-10 21:03:11", "61秒", "北京", "北京", "男",
         "1", "", "", "3", "1", "2", "5", "2", "节目太长"],
    ]  # fmt: skip
    return write_text(path, rows, bom=True)


QUALTRICS_ROWS = [
    ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
     "Finished", "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName",
     "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
     "DistributionChannel", "UserLanguage", "Q1", "Q2_1", "Q2_2", "Q2_4", "Q2_4_TEXT",
     "Q2.4_1", "Q2.4_2", "Q5_TEXT", "Q5 - Topics"],
    ["开始日期", "结束日期", "回复类型", "IP 地址", "进度", "持续时间（秒）", "已完成", "记录日期",
     "回复 ID", "收件人姓氏", "收件人名字", "收件人电子邮件", "外部数据参考", "位置纬度",
     "位置经度", "分发渠道", "用户语言", "您的性别", "您使用哪些平台？ - 抖音",
     "您使用哪些平台？ - 小红书", "您使用哪些平台？ - 其他", "您使用哪些平台？ - 其他 - 文本",
     "请评价 - 画面", "请评价 - 音乐", "您的建议", "Q5 - Topics"],
    ['{"ImportId":"startDate","timeZone":"Asia/Shanghai"}',
     '{"ImportId":"endDate","timeZone":"Asia/Shanghai"}', '{"ImportId":"status"}',
     '{"ImportId":"ipAddress"}', '{"ImportId":"progress"}', '{"ImportId":"duration"}',
     '{"ImportId":"finished"}', '{"ImportId":"recordedDate","timeZone":"Asia/Shanghai"}',
     '{"ImportId":"_recordId"}', '{"ImportId":"recipientLastName"}',
     '{"ImportId":"recipientFirstName"}', '{"ImportId":"recipientEmail"}',
     '{"ImportId":"externalDataReference"}', '{"ImportId":"locationLatitude"}',
     '{"ImportId":"locationLongitude"}', '{"ImportId":"distributionChannel"}',
     '{"ImportId":"userLanguage"}', '{"ImportId":"QID1"}',
     '{"ImportId":"QID2","choiceId":"1"}', '{"ImportId":"QID2","choiceId":"2"}',
     '{"ImportId":"QID2","choiceId":"4"}', '{"ImportId":"QID2_4_TEXT"}',
     '{"ImportId":"QID3_1"}', '{"ImportId":"QID3_2"}', '{"ImportId":"QID5_TEXT"}',
     '{"ImportId":"QID5_TEXT_a1b2c3Topics"}'],
    ["2026-02-10 20:15:03", "2026-02-10 20:16:38", "0", "183.192.16.69", "100", "95", "1",
     "2026-02-10 20:16:39", "R_1abcDEF", "", "", "", "", "31.2222", "121.4581", "anonymous",
     "ZH-S", "2", "1", "1", "", "", "4", "5", "希望继续办", ""],
    ["2026-02-10 20:17:44", "2026-02-10 20:19:44", "0", "112.65.1.2", "100", "120", "1",
     "2026-02-10 20:19:45", "R_2ghiJKL", "", "", "", "", "39.9042", "116.4074", "anonymous",
     "ZH-S", "1", "", "1", "1", "微博", "3", "", "", ""],
]  # fmt: skip


def qualtrics_csv(path: Path, *, single_quoted: bool = False) -> Path:
    """Qualtrics CSV: 3 header rows, every cell quoted, CRLF; ImportId JSON (or older dict)."""
    rows = [list(r) for r in QUALTRICS_ROWS]
    if single_quoted:
        rows[2] = [c.replace('"', "'").replace(":", ": ") for c in rows[2]]
    return write_text(path, rows, quote_all=True)


def qualtrics_legacy_csv(path: Path) -> Path:
    """Legacy Qualtrics CSV: BOM, CRLF, row 1 V1..V10 then ids, row 2 ResponseID... then texts."""
    rows = [
        ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "Q1", "Q2_1", "Q2_2",
         "Q3", "LocationLatitude", "LocationLongitude", "LocationAccuracy"],
        ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
         "IPAddress", "Status", "StartDate", "EndDate", "Finished", "您的性别",
         "请评价-画面", "请评价-音乐", "您的建议", "LocationLatitude", "LocationLongitude",
         "LocationAccuracy"],
        ["R_0aaa", "Default Response Set", "Anonymous", "", "", "183.192.16.69", "0",
         "2015-03-01 10:00:00", "2015-03-01 10:05:00", "1", "1", "4", "5", "很好",
         "31.2", "121.4", "-1"],
        ["R_0bbb", "Default Response Set", "Anonymous", "", "", "112.65.1.2", "0",
         "2015-03-01 11:00:00", "2015-03-01 11:02:00", "1", "2", "3", "", "",
         "39.9", "116.4", "-1"],
    ]  # fmt: skip
    return write_text(path, rows, bom=True)


SURVEYMONKEY_ROWS: list[list[str | None]] = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
     "First Name", "Last Name", "Custom Data 1", "您的性别", "您使用哪些平台？", None, None,
     None, "请评价晚会", None, "您的建议"],
    [None, None, None, None, None, None, None, None, None, "Response", "抖音", "小红书", "B站",
     "Other (please specify)", "画面", "音乐", "Open-Ended Response"],
    ["114000001", "4200001", "02/10/2026 08:15:03 PM", "02/10/2026 08:16:38 PM",
     "183.192.16.69", None, None, None, None, "女", "抖音", "小红书", None, None, "满意",
     "非常满意", "希望继续"],
    ["114000002", "4200001", "02/10/2026 08:17:44 PM", "02/10/2026 08:19:44 PM",
     "112.65.1.2", None, None, None, None, "男", None, None, "B站", "微博", "一般", None,
     None],
]  # fmt: skip


def surveymonkey_xlsx(path: Path) -> Path:
    """SurveyMonkey expanded .xlsx: question text merged over its columns, row 2 Response/options."""
    book = Workbook()
    sheet = book.active
    for row in SURVEYMONKEY_ROWS:
        sheet.append(list(row))
    sheet.merge_cells("K1:N1")  # 您使用哪些平台？ over its four option columns
    sheet.merge_cells("O1:P1")  # 请评价晚会 over its two matrix rows
    book.save(path)
    return path


def surveymonkey_csv(path: Path) -> Path:
    """SurveyMonkey expanded .csv (UTF-8 BOM, CRLF), the same two header rows."""
    return write_text(path, [[c or "" for c in r] for r in SURVEYMONKEY_ROWS], bom=True)


def google_forms_csv(path: Path) -> Path:
    """Google Forms CSV: LF, quoted where needed, ", "-joined checkboxes, a grid, a multi-line answer.

    The last column has no header: a note the form's owner typed into the response Sheet.
    """
    rows = [
        ["Timestamp", "Email Address", "您的性别", "您使用哪些平台？",
         "请评价晚会 [画面]", "请评价晚会 [音乐]", "您的建议", ""],
        ["2/10/2026 20:15:03", "a@example.com", "女", "抖音, 小红书, Yes, often", "满意",
         "非常满意", "希望明年继续,\n节目再短一点", "已回访"],
        ["2/10/2026 20:17:44", "b@example.com", "男", "B站", "一般", "满意", "", ""],
    ]  # fmt: skip
    return write_text(path, rows, newline="\n")


def google_forms_tsv_zh(path: Path) -> Path:
    """Google Forms sheet downloaded as .tsv from a Chinese UI: 时间戳记 first."""
    rows = [
        ["时间戳记", "您的性别", "您使用哪些平台？"],
        ["2026/2/10 20:15:03", "女", "抖音, 小红书"],
        ["2026/2/10 下午8:17:44", "男", "B站"],
    ]
    return write_text(path, rows, sep="\t", newline="\r\n")


def typeform_csv(path: Path) -> Path:
    """Typeform CSV: `#` token first, 2 header rows (question, choice), dates and Network ID last."""
    rows = [
        ["#", "您的性别", "您使用哪些平台？", "您使用哪些平台？", "您使用哪些平台？", "您的建议",
         "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
        ["", "", "抖音", "小红书", "Other", "", "", "", ""],
        ["k3j4h5g6", "女", "抖音", "小红书", "", "很好", "2026-02-10 12:15:03",
         "2026-02-10 12:16:38", "a1b2c3d4e5"],
        ["z9y8x7w6", "男", "", "", "微博", "", "2026-02-10 12:17:44", "2026-02-10 12:19:44",
         "f6e5d4c3b2"],
    ]  # fmt: skip
    return write_text(path, rows)


def alchemer_csv(path: Path) -> Path:
    """Alchemer CSV: Response ID/Time Started/Date Submitted/Status, `;` multi and Q:Option columns."""
    rows = [
        ["Response ID", "Time Started", "Date Submitted", "Status", "Contact ID",
         "Legacy Comments", "Comments", "Language", "Referer", "SessionID", "User Agent",
         "Tags", "IP Address", "Longitude", "Latitude", "Country", "City", "State/Region",
         "Postal", "您的性别", "您使用哪些平台？", "您喜欢的节目:歌舞", "您喜欢的节目:小品",
         "您喜欢的节目:其他", "您的建议"],
        ["1", "Feb 10, 2026 08:15:03 PM", "Feb 10, 2026 08:16:38 PM", "Complete", "", "", "",
         "Chinese", "", "abc123", "Mozilla/5.0", "", "183.192.16.69", "121.4", "31.2", "China",
         "Shanghai", "", "", "女", "抖音;小红书", "歌舞", "小品", "", "很好"],
        ["2", "Feb 10, 2026 08:17:44 PM", "Feb 10, 2026 08:19:44 PM", "Complete", "", "", "",
         "Chinese", "", "def456", "Mozilla/5.0", "", "112.65.1.2", "116.4", "39.9", "China",
         "Beijing", "", "", "男", "B站", "", "", "相声", ""],
    ]  # fmt: skip
    return write_text(path, rows)


def ms_forms_xlsx(path: Path) -> Path:
    """Microsoft Forms workbook: ID, Start time, Completion time, Email, Name; `;`-joined multi."""
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
         "Total points", "您的性别", "您使用哪些平台？", "Points - 您使用哪些平台？",
         "Feedback - 您使用哪些平台？", "您的建议"],
        [1, "2/10/26 20:15:03", "2/10/26 20:16:38", "anonymous", None, None, 1, "女",
         "抖音;小红书;", 1, None, "很好; 明年再来"],
        [2, "2/10/26 20:17:44", "2/10/26 20:19:44", "anonymous", None, None, 0, "男", "B站;",
         0, None, None],
    ]  # fmt: skip
    return write_book(path, rows)


def kobo_csv(path: Path) -> Path:
    """KoboToolbox CSV (labels, `;` separated): joined multi + 0/1 flags, repeated label, system columns."""
    rows = [
        ["start", "end", "您的性别", "您使用哪些平台？", "您使用哪些平台？/抖音",
         "您使用哪些平台？/小红书", "您使用哪些平台？/B站", "group_info/city", "备注", "备注",
         "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
         "_submitted_by", "__version__", "_tags", "_index"],
        ["2026-02-10T20:15:03.000+08:00", "2026-02-10T20:16:38.000+08:00", "女", "抖音 小红书",
         "1", "1", "0", "上海", "无", "很好", "101", "3f2a-11", "2026-02-10T12:16:40", "", "",
         "submitted_via_web", "", "vX1", "", "1"],
        ["2026-02-10T20:17:44.000+08:00", "2026-02-10T20:19:44.000+08:00", "男", "B站", "0",
         "0", "1", "北京", "", "", "102", "3f2a-12", "2026-02-10T12:19:46", "", "",
         "submitted_via_web", "", "vX1", "", "2"],
    ]  # fmt: skip
    return write_text(path, rows, sep=";", newline="\n", bom=True)


def kaggle_csv(path: Path) -> Path:
    """Kaggle-like CSV: short ids, a question-text second row, Q7_Part_N option columns, Q7_OTHER."""
    rows = [
        ["Time from Start to Finish (seconds)", "Q1", "Q2", "Q7_Part_1", "Q7_Part_2",
         "Q7_Part_3", "Q7_OTHER", "Q8"],
        ["Duration (in seconds)", "您的年龄段是？", "您的性别 - Selected Choice",
         "您平时使用哪些平台？ (多选) - Selected Choice - 抖音",
         "您平时使用哪些平台？ (多选) - Selected Choice - 小红书",
         "您平时使用哪些平台？ (多选) - Selected Choice - B站",
         "您平时使用哪些平台？ (多选) - Selected Choice - Other", "您对晚会有什么建议？"],
        ["510", "20-24", "女", "抖音", "小红书", "", "", "很好"],
        ["423", "40-49", "男", "", "", "B站", "微博", ""],
        ["388", "25-29", "女", "抖音", "", "", "", "节目太长"],
    ]  # fmt: skip
    return write_text(path, rows, newline="\n")


def plain_questions_csv(path: Path) -> Path:
    """A plain CSV with the question texts as its only header row."""
    rows = [
        ["您的性别是？", "您的年龄段是？", "您最喜欢的节目是什么？"],
        ["女", "20~24岁", "歌舞"],
        ["男", "40~49岁", "小品"],
    ]
    return write_text(path, rows)
