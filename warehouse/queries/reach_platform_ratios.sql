-- Plays per unique viewer observed on each platform, the input of the reach estimate
-- (grain: platform).
select
    platform_id,
    name_zh,
    name_en,
    count_content_reporting_viewers,
    views_reporting_viewers,
    unique_viewers_reported,
    views_per_viewer_observed
from mart_reach_platform
order by platform_id
