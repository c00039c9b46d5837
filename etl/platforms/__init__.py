"""Platform metrics readers: YouTube Studio folders, Chinese creator-centre exports, mapped CSVs.

A file with no date column is a snapshot of running totals (etl.platforms.snapshot).
Each reader returns a `Staged` of kind "content" whose frames are exactly `content`,
`content_daily`, `content_period`, `counter_issue` and `content_snapshot` (conformed to etl.schemas, empty when a
format has none), plus row rejects and warnings; rows_read = loaded + rejected.
"""

from etl.platforms.creator import read_platform_export
from etl.platforms.describe import describe_platform_file
from etl.platforms.generic import read_generic_export
from etl.platforms.registry import detect_platform
from etl.platforms.youtube import read_youtube_export

__all__ = [
    "describe_platform_file",
    "detect_platform",
    "read_generic_export",
    "read_platform_export",
    "read_youtube_export",
]
