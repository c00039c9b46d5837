-- materialized: table
-- mart_reach_content_blocks [platform x content x block], key (platform_id, content_id, grain,
-- block_start_on): an item's content days summed over calendar blocks, so a reach report over a
-- window reads one row per block the window holds whole and day rows only at its edges
-- (queries/reach.sql). Grains:
--   'week'   the days of one ISO week inside one calendar month (a week crossing a month's end is
--            two blocks), days outside any reported period;
--   'month'  one calendar month of those days (the sum of its 'week' blocks);
--   'period' the days a platform reports a period total over (YouTube Studio), one block per
--            period: its bounds are the period's, since a window cuts the period total otherwise;
--   'all'    every day of the item (its weeks and periods), for a window unbounded at both ends:
--            one row per item (bounds: its first and last day).
-- Every figure is taken as a window holding the whole block sees it: a period's share is
-- reported, never pro-rated. reach_known is the reach reported per day (unique viewers, else the
-- period's share); views_est the plays of days with neither, whose reach is plays / the
-- platform's plays-per-viewer ratio at query time (a parameter, so it is not stored here).
-- count_period_parts: the block's periods whose share some day takes (a 'period' block: 0 or 1).
-- Sums keep SQL's null meaning: null when no day of the block reports the figure. Fractional
-- figures (a period's shares, watch time) are summed as decimals with 10 places: a sum of doubles
-- depends on the order the rows arrive in, and a model must be the same table however it is
-- built (parallel DuckDB, Spark over the lake).
with content_days as not materialized (
    select * from fct_content_reach_daily
),

days as (
    select
        platform_id,
        content_id,
        program_id,
        date_on,
        views,
        count_interactions,
        cast(coalesce(cast(impressions as double), period_impressions) as decimal(38, 10))
            as impressions_counted,
        cast(coalesce(cast(unique_viewers as double), period_unique_viewers) as decimal(38, 10))
            as reach_known,
        unique_viewers is null and period_unique_viewers is null as is_reach_estimated,
        unique_viewers is null and period_unique_viewers is not null as is_period_part,
        cast(coalesce(watch_time_s, period_watch_time_s) as decimal(38, 10)) as watch_time_counted,
        period_start_on is not null as is_period,
        case
            when period_start_on is not null then period_start_on
            else greatest(date_trunc('week', date_on), date_trunc('month', date_on))::date
        end as block_start_on,
        case
            when period_start_on is not null then period_end_on
            else least(date_trunc('week', date_on)::date + 6, last_day(date_on))
        end as block_end_on
    from content_days
),

weeks as (
    select
        platform_id,
        content_id,
        program_id,
        case when is_period then 'period' else 'week' end as grain,
        block_start_on,
        block_end_on,
        min(date_on) as first_on,
        max(date_on) as last_on,
        cast(sum(views) as bigint) as plays,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(views) filter (count_interactions is not null) as bigint)
            as plays_with_interactions,
        sum(impressions_counted) as impressions,
        sum(reach_known) as reach_known,
        cast(sum(views) filter (is_reach_estimated) as bigint) as views_est,
        sum(reach_known) filter (impressions_counted is not null) as reach_known_with_impressions,
        cast(sum(views) filter (is_reach_estimated and impressions_counted is not null) as bigint)
            as views_est_with_impressions,
        count(*) filter (is_reach_estimated) as count_days_reach_estimated,
        count(*) filter (is_reach_estimated and impressions_counted is not null)
            as count_days_frequency_estimated,
        -- days whose reach is their own (not a period's share) and known or estimable
        count(*) filter (
            not is_period_part and (reach_known is not null or views is not null)
        ) as count_day_parts,
        count(*) filter (is_period_part) as count_period_part_days,
        cast(case when count(*) filter (is_period and is_period_part) > 0 then 1 else 0 end as bigint)
            as count_period_parts,
        sum(watch_time_counted) as watch_time_s
    from days
    group by all
),

-- Each week block twice, under its month (weeks only) and under its item's 'all' block (weeks
-- and periods), so one list of sums serves both.
rolled_up as (
    select 'month' as rollup_grain, date_trunc('month', block_start_on)::date as month_on, *
    from weeks
    where grain = 'week'
    union all
    select 'all' as rollup_grain, cast(null as date) as month_on, *
    from weeks
),

rollups as (
    select
        platform_id,
        content_id,
        program_id,
        rollup_grain as grain,
        coalesce(month_on, min(first_on)) as block_start_on,
        coalesce(last_day(month_on), max(last_on)) as block_end_on,
        min(first_on) as first_on,
        max(last_on) as last_on,
        cast(sum(plays) as bigint) as plays,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(plays_with_interactions) as bigint) as plays_with_interactions,
        sum(impressions) as impressions,
        sum(reach_known) as reach_known,
        cast(sum(views_est) as bigint) as views_est,
        sum(reach_known_with_impressions) as reach_known_with_impressions,
        cast(sum(views_est_with_impressions) as bigint) as views_est_with_impressions,
        cast(sum(count_days_reach_estimated) as bigint) as count_days_reach_estimated,
        cast(sum(count_days_frequency_estimated) as bigint) as count_days_frequency_estimated,
        cast(sum(count_day_parts) as bigint) as count_day_parts,
        cast(sum(count_period_part_days) as bigint) as count_period_part_days,
        cast(sum(count_period_parts) as bigint) as count_period_parts,
        sum(watch_time_s) as watch_time_s
    from rolled_up
    group by platform_id, content_id, program_id, rollup_grain, month_on
),

final as (
    select * from weeks
    union all
    select * from rollups
)

select * from final
