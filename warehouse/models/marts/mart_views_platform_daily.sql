-- materialized: table
-- mart_views_platform_daily [edition x platform x date], key (edition_year, platform_id,
-- date_on): the plays, interactions, impressions and watch time of an edition's programs on one
-- platform and day (sums as in mart_program_daily: a figure no program reports that day stays
-- null), with the day's offset from that year's Spring Festival and whether any of it is a first
-- snapshot total or covers several days. What the views page's daily chart
-- (queries/views_platform_daily.sql) and the overview's (queries/overview_plays_daily.sql) read:
-- about ten thousand rows at 10M program days, summed once at publish instead of on every
-- request (49-160 ms per request at 10M).
with program_days as not materialized (
    select * from mart_program_daily
),

final as (
    select
        edition_year,
        platform_id,
        date_on,
        days_from_spring_festival,
        cast(sum(views) as bigint) as views,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(impressions) as bigint) as impressions,
        sum(watch_time_s) as watch_time_s,
        coalesce(bool_or(is_first_snapshot), false) as is_first_snapshot,
        coalesce(bool_or(is_interval), false) as is_interval
    from program_days
    where edition_year is not null
    group by edition_year, platform_id, date_on, days_from_spring_festival
)

select * from final
