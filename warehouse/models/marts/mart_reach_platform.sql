-- materialized: table
-- mart_reach_platform [platform], key platform_id: every platform with its names and what its
-- content reporting unique viewers shows about plays per viewer (all time, matched or not):
-- daily rows and period totals that report both plays and unique viewers (> 0).
-- views_per_viewer_observed is null where no content reports unique viewers.
-- A table (a few rows), built at publish: as a view every reach report scanned every content day
-- again for it (~50 ms at 10M rows, twice per report).
with platforms as (
    select * from dim_platform
),

content as (
    select * from dim_content
),

daily as (
    select * from fct_content_daily
),

periods as (
    select * from fct_content_period
),

platform_ids as (
    select platform_id from platforms
    union
    select platform_id from content
),

reporting as (
    select platform_id, content_id, views, unique_viewers
    from daily
    where views is not null and unique_viewers > 0
    union all
    select platform_id, content_id, views, unique_viewers
    from periods
    where views is not null and unique_viewers > 0
),

observed as (
    select
        platform_id,
        count(distinct content_id) as count_content_reporting_viewers,
        cast(sum(views) as bigint) as views_reporting_viewers,
        cast(sum(unique_viewers) as bigint) as unique_viewers_reported
    from reporting
    group by platform_id
),

final as (
    select
        i.platform_id,
        coalesce(p.name_zh, i.platform_id) as name_zh,
        coalesce(p.name_en, i.platform_id) as name_en,
        coalesce(o.count_content_reporting_viewers, 0) as count_content_reporting_viewers,
        o.views_reporting_viewers,
        o.unique_viewers_reported,
        cast(o.views_reporting_viewers as double)
        / nullif(o.unique_viewers_reported, 0) as views_per_viewer_observed
    from platform_ids as i
    left join platforms as p on p.platform_id = i.platform_id
    left join observed as o on o.platform_id = i.platform_id
)

select * from final
