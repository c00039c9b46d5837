"""Creator-centre work lists written in the platforms' own layouts (not our CSV convention).

`write_xhs_note_list` writes 小红书's 笔记列表明细表 as the creator platform does (Apache POI
streaming workbook): one sheet `Sheet1`, inline strings, row 1 a banner merged over A1:M1 whose
text POI repeats in every merged cell, row 2 the headers, then one row per note with the title,
the first-publish time as text (`2026年03月24日17时33分05秒`), the format (图文/视频) and every
number as a float (`<v>126.0</v>`), rates as fractions (`0.022`); an empty title is an empty
inline string. `write_douyin_works` writes 抖音's 作品数据 as an Excel-style workbook: one header
row, 发布时间 a real datetime cell, rates as fractions and `-` where nothing is reported.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

XHS_BANNER = "最多导出排序后前1000条笔记"
XHS_HEADER = (
    "笔记标题",
    "首次发布时间",
    "体裁",
    "曝光",
    "观看量",
    "封面点击率",
    "点赞",
    "评论",
    "收藏",
    "涨粉",
    "分享",
    "人均观看时长",
    "弹幕",
)
DOUYIN_HEADER = (
    "作品名称",
    "发布时间",
    "体裁",
    "审核状态",
    "播放量",
    "完播率",
    "5s完播率",
    "封面点击率",
    "2s跳出率",
    "平均播放时长",
    "点赞量",
    "分享量",
    "评论量",
    "收藏量",
    "主页访问量",
    "粉丝增量",
)
_POI_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed zip member times: the same notes give the same bytes


def xhs_time_text(moment: datetime) -> str:
    """`2026年03月24日17时33分05秒`, as 小红书 writes a first-publish time."""
    return moment.strftime("%Y年%m月%d日%H时%M分%S秒")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: str | float | None, style: int) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="n"><v>{float(value)!r}</v></c>'
    text = "" if value is None else escape(str(value))
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(number: int, values: Sequence[str | float | None], style: int) -> str:
    cells = "".join(_cell(f"{_column(i)}{number}", v, style) for i, v in enumerate(values))
    return f'<row r="{number}" customHeight="true" ht="20.0">\n{cells}</row>\n'


def write_xhs_note_list(
    path: Path, notes: Sequence[Sequence[str | float | None]], *, banner: str = XHS_BANNER
) -> Path:
    """Write a 笔记列表明细表 .xlsx: banner row, header row, one row per note (13 values each)."""
    width = len(XHS_HEADER)
    last = _column(width - 1)
    rows = [_row(1, [banner] * width, 1), _row(2, XHS_HEADER, 1)]
    rows += [_row(i, note, 2) for i, note in enumerate(notes, start=3)]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="25.0" customWidth="true"/>' for i in range(1, width + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{last}{len(notes) + 2}"/>'
        '<sheetViews><sheetView workbookViewId="0" tabSelected="true"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15.0"/><cols>{cols}</cols><sheetData>\n'
        + "".join(rows)
        + f'</sheetData><mergeCells count="1"><mergeCell ref="A1:{last}1"/></mergeCells>'
        '<pageMargins bottom="0.75" footer="0.3" header="0.3" left="0.7" right="0.7" top="0.75"/>'
        "</worksheet>"
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default ContentType="application/vnd.openxmlformats-package.relationships+xml" '
            'Extension="rels"/><Default ContentType="application/xml" Extension="xml"/>'
            '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml" PartName="/xl/sharedStrings.xml"/>'
            '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'styles+xml" PartName="/xl/styles.xml"/>'
            '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml" PartName="/xl/workbook.xml"/>'
            '<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml" PartName="/xl/worksheets/sheet1.xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{rel}/officeDocument"/></Relationships>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Target="sharedStrings.xml" Type="{rel}/sharedStrings"/>'
            f'<Relationship Id="rId2" Target="styles.xml" Type="{rel}/styles"/>'
            f'<Relationship Id="rId3" Target="worksheets/sheet1.xml" Type="{rel}/worksheet"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><workbookPr date1904="false"/>'
            '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
            '<sheet name="Sheet1" r:id="rId3" sheetId="1"/></sheets></workbook>'
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sst count="0" uniqueCount="0" xmlns="{main}"/>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{main}">'
            '<numFmts count="0"/><fonts count="3"><font><sz val="11.0"/><color indexed="8"/>'
            '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
            '<font><name val="宋体"/><sz val="14.0"/><b val="true"/></font>'
            '<font><name val="Calibri"/><sz val="11.0"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="solid"><fgColor indexed="22"/></patternFill></fill>'
            '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
            '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="1" '
            'borderId="0" xfId="0" applyFill="true" applyFont="true"><alignment '
            'horizontal="center" wrapText="true" vertical="center"/></xf><xf numFmtId="0" '
            'fontId="2" fillId="0" borderId="0" xfId="0" applyFont="true"/></cellXfs>'
            "</styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, _POI_STAMP), text.encode("utf-8"))
    return path


def write_douyin_works(path: Path, works: Sequence[Sequence[object]]) -> Path:
    """Write a 作品数据 .xlsx: one header row, 发布时间 as datetime cells, `-` where not reported."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(list(DOUYIN_HEADER))
    for work in works:
        sheet.append(list(work))
        published = sheet.cell(row=sheet.max_row, column=2)
        if isinstance(published.value, datetime):
            published.number_format = "yyyy-mm-dd hh:mm:ss"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
