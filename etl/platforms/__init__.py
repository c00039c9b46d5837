"""Platform metrics readers: YouTube Studio folders and tabs, TikTok Studio files, Chinese
creator-centre exports, mapped CSVs.

A file with no date column is a snapshot of running totals (etl.platforms.snapshot).
Each reader returns a `Staged` of kind "content" whose frames are exactly `content`,
`content_daily`, `content_period`, `counter_issue` and `content_snapshot` (conformed to
etl.schemas, empty when a format has none), plus row rejects and warnings; rows_read = loaded +
rejected. Channel-level readers (YouTube tabs, TikTok Overview/Viewers/Follower*) add a
`channel_breakdown` frame.
"""

from etl.platforms.creator import read_platform_export
from etl.platforms.describe import describe_platform_file
from etl.platforms.generic import read_generic_export
from etl.platforms.intl import describe_intl_file, detect_intl_source
from etl.platforms.registry import detect_platform
from etl.platforms.tiktok import read_tiktok_export
from etl.platforms.youtube import read_youtube_export
from etl.platforms.youtube_tabs import read_youtube_tab

__all__ = [
    "describe_intl_file",
    "describe_platform_file",
    "detect_intl_source",
    "detect_platform",
    "read_generic_export",
    "read_platform_export",
    "read_tiktok_export",
    "read_youtube_export",
    "read_youtube_tab",
]
