-- mart_reach_content_daily [platform x content x date], key (platform_id, content_id, date_on):
-- what the reach reports read per content day (program_id null = content matching no program).
-- period_* columns are this day's pro-rated share of a total the platform reports only over
-- period_start_on..period_end_on; watch_time_s is reported, else plays x average view duration.
with content_days as (
    select * from fct_content_reach_daily
),

final as (
    select
        platform_id,
        content_id,
        date_on,
        program_id,
        views,
        count_interactions,
        impressions,
        unique_viewers,
        watch_time_s,
        period_start_on,
        period_end_on,
        period_share,
        period_unique_viewers,
        period_impressions,
        period_watch_time_s
    from content_days
)

select * from final
