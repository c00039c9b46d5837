-- One edition's daily plays, interactions, impressions and watch time per platform (grain:
-- platform x date) within an inclusive date window (null bound = unbounded) and a list of
-- platforms (null = every platform). A figure no row of a platform-day reports is null, not 0.
-- Read from the publish-time rollup mart_views_platform_daily (one row per edition, platform
-- and day), not from every program day.
select
    date_on,
    days_from_spring_festival,
    platform_id,
    views as plays,
    count_interactions,
    impressions,
    watch_time_s / 3600.0 as watch_time_h,
    -- a snapshot export's first total or multi-day change: the page marks it, no daily curve
    is_first_snapshot,
    is_interval
from mart_views_platform_daily
where
    edition_year = $edition_year
    and ($start_on is null or date_on >= $start_on)
    and ($end_on is null or date_on <= $end_on)
    and ($platform_ids is null or list_contains($platform_ids, platform_id))
order by date_on, platform_id
