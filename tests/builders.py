"""Small export writers for tests: 问卷星 xlsx, CSV in any encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write one sheet with a header row, as 问卷星 does."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    """Write a CSV in the given encoding and line ending."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


WJX_META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
WJX_QUESTIONS = [
    "1、您的年龄 ",
    "2、您的性别？",
    "3、您目前的职业/角色",
    "4、您所在的城市",
    "5、您从事AI创作多少个月了",
    "6、您使用过哪些AI创作工具(多选题 *必答)",
    "11、请按重要性对您最需要的支持排序",
    "13、您对本届AI春晚的整体满意度",
    "14、请为以下方面打分—组织协调",
    "14、请为以下方面打分—技术支持",
    "17、您的称呼（选填）",
    "18、您的联系方式（手机/微信/邮箱，选填）",
    "19、您对AI春晚有什么建议",
]


def wjx_row(no: int, **overrides: object) -> list[object]:
    """One plausible 问卷星 text-export row; keyword overrides by short name."""
    values: dict[str, object] = {
        "no": no,
        "time": f"2024/2/{10 + no % 18} 14:22:{no % 60:02d}",
        "used": "136秒",
        "src": "手机提交",
        "detail": "微信",
        "ip": "183.192.16.69(上海-上海)",
        "age": "28岁",
        "gender": "男",
        "role": "产品经理",
        "city": "上海市浦东新区",
        "months": "12",
        "tools": "可灵┋即梦┋其他【请注明】〖Pika〗",
        "rank": "作品反馈→主题命题",
        "sat": "9",
        "m1": "4分",
        "m2": "(跳过)",
        "name": f"测试{no}",
        "contact": f"1381234{no:04d}",
        "suggest": "希望多办线下活动",
    }
    values.update(overrides)
    return list(values.values())


def write_xls(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    """Write a legacy .xls workbook (BIFF8), as old 问卷星 exports are."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for c, header in enumerate(headers):
        sheet.write(0, c, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a multi-sheet workbook (e.g. the catalogue), one list of rows per sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def published_rows(home: Path, query: str, params: list[object] | None = None) -> list[tuple]:
    """Run a query on the published snapshot, read-only (tests may; the app reads only marts)."""
    from warehouse import parts
    from warehouse.store import current_snapshot

    path = current_snapshot(home)
    assert path is not None, f"nothing published in {home}"
    with parts.connect(path, read_only=True) as con:
        return con.execute(query, params or []).fetchall()
