-- Audience-retention curves, every 1% (grain: platform x content x position_pct), with the
-- length band's median curve; $program_id null = every curve.
select
    platform_id,
    content_id,
    program_id,
    length_band,
    position_pct,
    audience_share,
    band_median_share,
    share_vs_band,
    step_decline_share,
    drop_rank
from mart_audience_retention
where $program_id is null or program_id = $program_id
order by program_id nulls last, platform_id, content_id, position_pct
