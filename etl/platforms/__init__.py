"""Platform metrics readers: YouTube Studio folders, Chinese creator-centre exports, mapped CSVs.

Each reader returns a `Staged` of kind "content" whose frames are exactly `content`,
`content_daily`, `content_period` and `counter_issue` (conformed to etl.schemas, empty when a
format has none), plus row rejects and warnings; rows_read = loaded + rejected.
"""

from etl.platforms.creator import read_platform_export
from etl.platforms.generic import read_generic_export
from etl.platforms.registry import detect_platform
from etl.platforms.youtube import read_youtube_export

__all__ = [
    "detect_platform",
    "read_generic_export",
    "read_platform_export",
    "read_youtube_export",
]
