"""Detection and description of the international layouts: YouTube Studio and TikTok Studio.

`detect_intl_source(path, headers)` names the reader ("youtube" or "tiktok") for a file or
folder these layouts cover, else None; `describe_intl_file(path)` says which layout it is and
how it was told, for `creatorpulse inspect`. Signatures (FORMATS §2, §9):
- a folder holding `Table data.csv` (or `表格数据.csv`): YouTube Studio; its Table data's first
  column tells the tab (`Content`/`内容` → content, `Geography` → country, `Cities` → city ...);
- a file whose first column is a YouTube tab's (`Geography`, `Viewer age`, `城市` ...) and that
  has a YouTube metric column (`Views`, `Views (%)`, `观看次数` ...): a single-file YouTube tab;
- a file with every header of a TikTok Studio layout's signature (aliases/tiktok.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.platforms.tiktok import layouts, tiktok_layout
from etl.platforms.youtube_table import is_youtube_table_file
from etl.platforms.youtube_tabs import _find, tab_aliases, tab_dimension
from etl.reading import peek
from etl.values import name_key


def _youtube_tab_file(headers: list[str]) -> str | None:
    """The dimension of a single-file YouTube tab (first column + a metric column), else None."""
    dimension = tab_dimension(headers)
    metrics = {k for k, field in tab_aliases().columns.items() if field != "label"}
    if dimension is None or not any(name_key(h) in metrics for h in headers[1:]):
        return None
    return dimension


def detect_intl_source(path: Path, headers: list[str]) -> str | None:
    """ "youtube" / "tiktok" when a file's headers (or a folder's files) are theirs, else None."""
    if path.is_dir():
        return "youtube" if _find(path, "table") or _find(path, "chart") else None
    if tiktok_layout(headers) is not None:
        return "tiktok"
    if _youtube_tab_file(headers) is not None or is_youtube_table_file(headers):
        return "youtube"
    return None


def describe_intl_file(path: Path) -> dict[str, Any] | None:
    """Platform, layout and how it was recognised, for a YouTube/TikTok Studio export; else None."""
    path = Path(path)
    if path.is_dir():
        table = _find(path, "table")
        if table is None:
            return None
        headers = peek(table)[1]
        dimension = tab_dimension(headers)
        layout = f"youtube_studio_{dimension}" if dimension else "youtube_studio_content"
        files = sorted(p.name for p in path.iterdir() if p.is_file())
        return {
            "platform": "youtube",
            "layout": layout,
            "reader": "youtube",
            "signature": f"folder with {table.name}; first column {headers[0]!r}"
            if headers
            else f"folder with {table.name}",
            "files": files,
        }
    if not path.is_file():
        return None
    headers = peek(path)[1]
    name = tiktok_layout(headers)
    if name is not None:
        keys = {name_key(h) for h in headers}
        words = next(w for w in layouts()[name].signatures if all(k in keys for k in w))
        signature = ", ".join(words)
        return {
            "platform": "tiktok",
            "layout": f"tiktok_{name}",
            "reader": "tiktok",
            "signature": f"headers include {signature}",
            "files": [path.name],
        }
    dimension = _youtube_tab_file(headers)
    if dimension is not None:
        return {
            "platform": "youtube",
            "layout": f"youtube_studio_{dimension}",
            "reader": "youtube",
            "signature": f"first column {headers[0]!r} and a YouTube metric column",
            "files": [path.name],
        }
    if is_youtube_table_file(headers):
        return {
            "platform": "youtube",
            "layout": "youtube_studio_table_data",
            "reader": "youtube",
            "mode": "snapshot",
            "signature": f"first column {headers[0]!r} with a video title and views column "
            "(Table data.csv on its own: a snapshot of each video's totals)",
            "files": [path.name],
        }
    return None


def closest_intl_layout(headers: list[str]) -> tuple[str, list[str]] | None:
    """(the TikTok layout sharing most signature headers, the ones missing), for the message of
    an unrecognised file; None when no signature header is present at all."""
    keys = {name_key(h) for h in headers}
    best: tuple[int, str, list[str]] | None = None
    for layout in layouts().values():
        for words in layout.signatures:
            found = [w for w in words if w in keys]
            missing = [w for w in words if w not in keys]
            if found and (best is None or len(found) > best[0]):
                best = (len(found), f"tiktok_{layout.name}", missing)
    return (best[1], best[2]) if best else None
