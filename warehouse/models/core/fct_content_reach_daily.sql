-- fct_content_reach_daily [platform x content x date], key (platform_id, content_id, date_on):
-- every content day with what reach reports need: the program, plays, interactions, impressions,
-- unique viewers and watch time reported for the day, plus the day's share of any total reported
-- only over a period (YouTube Studio's Table data: unique viewers, impressions, watch time).
-- A period total is spread over the period's days in proportion to each day's plays (equally when
-- the period has no plays), so a window that cuts a period gets a pro-rated part of it. A day
-- inside several overlapping periods takes the latest-ending one. Nulls stay "not reported".
-- is_first_snapshot / is_interval mark days derived from snapshot exports that are not one
-- day's value (a first total to date; a change over a gap of several days).
-- materialized: table
-- `daily` is read twice (the days inside a period, then every day): NOT MATERIALIZED makes each
-- reference its own scan instead of a 10M-row copy held in memory.
with daily as not materialized (
    select * from fct_content_daily
),

content as (
    select * from dim_content
),

periods as (
    select * from fct_content_period
),

snapshots as (
    select * from fct_content_snapshot
),

-- Days derived from snapshot exports: the first snapshot of a work (its total to date) and the
-- number of days since the work's previous snapshot (a delta over a gap of several days).
snapshot_marks as (
    select
        platform_id,
        content_id,
        as_of_on as date_on,
        lag(as_of_on) over w is null as is_first_snapshot,
        coalesce(date_diff('day', lag(as_of_on) over w, as_of_on) > 1, false) as is_interval
    from snapshots
    window w as (partition by platform_id, content_id order by as_of_on)
),

-- Only the days inside a period need a share: they are found and weighted on their own (a few
-- platforms report periods), and the share is the day's weight over its period's total, from a
-- grouped total joined back, so no window runs over every daily row.
day_periods as (
    select
        d.platform_id,
        d.content_id,
        d.date_on,
        p.period_start_on,
        p.period_end_on,
        p.unique_viewers as period_unique_viewers,
        p.impressions as period_impressions,
        p.watch_time_s as period_watch_time_s,
        -- a negative day (a platform's correction) carries no weight
        cast(greatest(coalesce(d.views, 0), 0) as double) as period_weight
    from daily as d
    inner join periods as p
        on
            p.platform_id = d.platform_id
            and p.content_id = d.content_id
            and d.date_on between p.period_start_on and p.period_end_on
    qualify row_number() over (
        partition by d.platform_id, d.content_id, d.date_on
        order by p.period_end_on desc, p.period_start_on desc
    ) = 1
),

period_totals as (
    select
        platform_id,
        content_id,
        period_start_on,
        period_end_on,
        sum(period_weight) as total_weight,
        count(*) as count_days
    from day_periods
    group by platform_id, content_id, period_start_on, period_end_on
),

day_shares as (
    select
        dp.*,
        case
            when t.total_weight > 0 then dp.period_weight / t.total_weight
            else 1.0 / t.count_days
        end as period_share
    from day_periods as dp
    inner join period_totals as t
        on
            t.platform_id = dp.platform_id
            and t.content_id = dp.content_id
            and t.period_start_on = dp.period_start_on
            and t.period_end_on = dp.period_end_on
),

shared as (
    select
        d.*,
        ds.period_start_on,
        ds.period_end_on,
        ds.period_unique_viewers,
        ds.period_impressions,
        ds.period_watch_time_s,
        ds.period_share
    from daily as d
    left join day_shares as ds
        on
            ds.platform_id = d.platform_id
            and ds.content_id = d.content_id
            and ds.date_on = d.date_on
),

final as (
    select
        s.platform_id,
        s.content_id,
        s.date_on,
        c.program_id,
        s.views,
        case
            when coalesce(s.likes, s.comments, s.shares, s.favorites, s.coins, s.danmaku) is null
                then null
            else
                coalesce(s.likes, 0) + coalesce(s.comments, 0) + coalesce(s.shares, 0)
                + coalesce(s.favorites, 0) + coalesce(s.coins, 0) + coalesce(s.danmaku, 0)
        end as count_interactions,
        s.impressions,
        s.unique_viewers,
        coalesce(s.watch_time_s, s.views * s.avg_view_duration_s) as watch_time_s,
        s.period_start_on,
        s.period_end_on,
        s.period_share,
        s.period_unique_viewers * s.period_share as period_unique_viewers,
        s.period_impressions * s.period_share as period_impressions,
        s.period_watch_time_s * s.period_share as period_watch_time_s,
        -- snapshot exports: a work's first snapshot holds its whole total to date, and a later
        -- one may cover several days; neither is a daily value (FORMATS §3.1)
        coalesce(m.is_first_snapshot, false) as is_first_snapshot,
        coalesce(m.is_interval, false) as is_interval
    from shared as s
    left join content as c
        on c.platform_id = s.platform_id and c.content_id = s.content_id
    left join snapshot_marks as m
        on
            s.is_from_cumulative
            and m.platform_id = s.platform_id
            and m.content_id = s.content_id
            and m.date_on = s.date_on
)

select * from final
