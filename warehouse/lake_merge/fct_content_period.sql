-- fct_content_period over a lake with staged files: a staged period total replaces the stored
-- one of the same work and period (the latest staged file wins).
with exported as (
    select * from lake_fct_content_period
),

staged as (
    select *
    from staged_content_period
    qualify row_number() over (
        partition by platform_id, content_id, period_start_on, period_end_on
        order by staged_seq desc
    ) = 1
),

final as (
    select
        platform_id, content_id, period_start_on, period_end_on, views, watch_time_s,
        impressions, impressions_ctr, unique_viewers, avg_view_duration_s, avg_pct_viewed,
        new_followers, load_id
    from exported as e
    where not exists (
        select 1 from staged as s
        where
            s.platform_id = e.platform_id and s.content_id = e.content_id
            and s.period_start_on = e.period_start_on and s.period_end_on = e.period_end_on
    )
    union all
    select
        platform_id, content_id, period_start_on, period_end_on, views, watch_time_s,
        impressions, impressions_ctr, unique_viewers, avg_view_duration_s, avg_pct_viewed,
        new_followers, load_id
    from staged
)

select * from final
