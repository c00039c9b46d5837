-- Reach over a date window (grain: one row per program, sponsor, platform or overall for each
-- of the grains the list "by" names; key grain, group_id: several grains share one pass over
-- the days). Window bounds are inclusive, null = unbounded; a sponsor id limits every
-- grain to that sponsor's programs (so unmatched content drops out too).
-- Per content day, reach is: the day's reported unique viewers; else the day's share of a
-- period's unique viewers (reported when the window holds the whole period, estimated when it
-- cuts it); else plays / the platform's plays-per-viewer ratio (estimated). An item's reach is
-- the sum over its days, a group's the sum over its items: an upper bound on distinct people,
-- since one person may watch on several days, items or platforms.
-- The days come summed by calendar block (mart_reach_content_blocks: a month, else a week within
-- a month, or a reported period; over all time, every day of an item) wherever the window holds
-- the whole block, and as day rows only at the window's edges and in the periods it cuts: the
-- same sums from a few hundred thousand rows (all time: one per item) instead of every content
-- day (10M). An item's sum is still clamped at zero as a whole.
with content_days as not materialized (
    select * from mart_reach_content_daily
),

blocks as (
    select * from mart_reach_content_blocks
),

programs as (
    select * from mart_reach_program
),

sponsor_programs as (
    select * from mart_reach_sponsor_program
),

platforms as (
    select * from mart_reach_platform
),

ratios as (
    select
        unnest($ratio_platform_ids) as platform_id,
        unnest($ratio_views_per_viewer) as views_per_viewer
),

sponsor_scope as (
    select program_id
    from sponsor_programs
    where sponsor_id = $sponsor_id and program_id is not null
),

-- The blocks the window holds whole: a period, a month, or a week of a month it does not hold;
-- over all time, one 'all' block per item ($use_blocks false: none, and every day of the window
-- is read as a day row; the same result).
-- (Two branches, each with plain conditions, so the scan of the one that applies is limited to
-- the row groups of its grain and dates; the other one's constant condition skips it.)
window_blocks as (
    select b.*
    from blocks as b
    where
        $use_blocks
        and $start_on is null
        and $end_on is null
        and b.grain = 'all'
        and ($sponsor_id is null or b.program_id in (select program_id from sponsor_scope))
    union all
    select b.*
    from blocks as b
    where
        $use_blocks
        and not ($start_on is null and $end_on is null)
        and b.grain <> 'all'
        and ($start_on is null or b.block_start_on >= $start_on)
        and ($end_on is null or b.block_end_on <= $end_on)
        and (
            b.grain <> 'week'
            or not (
                ($start_on is null or date_trunc('month', b.block_start_on) >= $start_on)
                and ($end_on is null or last_day(b.block_start_on) <= $end_on)
            )
        )
        and ($sponsor_id is null or b.program_id in (select program_id from sponsor_scope))
),

-- The window's days no block above holds: those of the partial week-of-a-month at either end
-- of the window (up to the end of the start's week-of-a-month, from the start of the end's),
-- and those of a period the window cuts. Each day is compared with dates the bounds give, so
-- the scan reads only the row groups of the window's dates. An unbounded window with blocks has
-- neither (every block is held whole): the first condition, constant, skips the scan of every
-- content day (~90 ms at 10M).
window_days as (
    select
        d.*,
        d.period_start_on is not null
        and ($start_on is null or d.period_start_on >= $start_on)
        and ($end_on is null or d.period_end_on <= $end_on) as is_whole_period
    from content_days as d
    where
        not ($use_blocks and $start_on is null and $end_on is null)
        and ($start_on is null or d.date_on >= $start_on)
        and ($end_on is null or d.date_on <= $end_on)
        and ($sponsor_id is null or d.program_id in (select program_id from sponsor_scope))
        and (
            not $use_blocks
            or (
                d.period_start_on is null
                and (
                    -- the start's week-of-a-month, unless the window starts with it
                    greatest(
                        date_trunc('week', $start_on::date), date_trunc('month', $start_on::date)
                    )::date < $start_on
                    and d.date_on
                    <= least(date_trunc('week', $start_on::date)::date + 6, last_day($start_on::date))
                    -- the end's week-of-a-month, unless the window ends with it
                    or least(
                        date_trunc('week', $end_on::date)::date + 6, last_day($end_on::date)
                    ) > $end_on
                    and d.date_on >= greatest(
                        date_trunc('week', $end_on::date), date_trunc('month', $end_on::date)
                    )::date
                )
            )
            or (
                d.period_start_on is not null
                and not (
                    ($start_on is null or d.period_start_on >= $start_on)
                    and ($end_on is null or d.period_end_on <= $end_on)
                )
            )
        )
),

day_reach as (
    select
        d.*,
        case
            when d.unique_viewers is not null then cast(d.unique_viewers as double)
            when d.period_unique_viewers is not null then d.period_unique_viewers
            else d.views / coalesce(r.views_per_viewer, $fallback_views_per_viewer)
        end as reach,
        case
            when d.unique_viewers is not null then false
            when d.period_unique_viewers is not null then not d.is_whole_period
            else true
        end as is_reach_estimated,
        -- the parts a reach adds up: one per day, or one per period for a period's share
        d.unique_viewers is null and d.period_unique_viewers is not null as is_period_part,
        coalesce(cast(d.impressions as double), d.period_impressions) as impressions_counted,
        d.impressions is null
        and d.period_impressions is not null
        and not d.is_whole_period as is_impressions_prorated,
        coalesce(d.watch_time_s, d.period_watch_time_s) as watch_time_counted,
        not d.is_whole_period
        and (
            (d.unique_viewers is null and d.period_unique_viewers is not null)
            or (d.impressions is null and d.period_impressions is not null)
            or (d.watch_time_s is null and d.period_watch_time_s is not null)
        ) as is_prorated
    from window_days as d
    left join ratios as r on r.platform_id = d.platform_id
),

-- Day rows and whole blocks as the same partial sums of an item (flags as 0/1).
parts as (
    select
        platform_id,
        content_id,
        program_id,
        date_on as first_on,
        date_on as last_on,
        views as plays,
        count_interactions,
        case when count_interactions is not null then views end as plays_with_interactions,
        impressions_counted as impressions,
        case when impressions_counted is not null then reach end as reach_with_impressions,
        case
            when
                impressions_counted is not null
                and (is_reach_estimated or is_impressions_prorated)
                then 1
            else 0
        end as is_frequency_estimated,
        reach,
        case when not is_reach_estimated then reach end as reach_reported,
        case when is_reach_estimated then 1 else 0 end as is_reach_estimated,
        -- one part per day, or one per period for a period's share (counted in period_parts)
        case when reach is not null and not is_period_part then 1 else 0 end as count_day_parts,
        watch_time_counted as watch_time_s,
        case when is_prorated then 1 else 0 end as is_prorated
    from day_reach
    union all
    select
        b.platform_id,
        b.content_id,
        b.program_id,
        b.first_on,
        b.last_on,
        b.plays,
        b.count_interactions,
        b.plays_with_interactions,
        cast(b.impressions as double) as impressions,
        case
            when b.reach_known_with_impressions is not null or b.views_est_with_impressions is not null
                then
                    coalesce(cast(b.reach_known_with_impressions as double), 0)
                    + coalesce(
                        b.views_est_with_impressions
                        / coalesce(r.views_per_viewer, $fallback_views_per_viewer),
                        0
                    )
        end as reach_with_impressions,
        case when b.count_days_frequency_estimated > 0 then 1 else 0 end as is_frequency_estimated,
        case
            when b.reach_known is not null or b.views_est is not null
                then
                    coalesce(cast(b.reach_known as double), 0)
                    + coalesce(b.views_est / coalesce(r.views_per_viewer, $fallback_views_per_viewer), 0)
        end as reach,
        cast(b.reach_known as double) as reach_reported,
        case when b.count_days_reach_estimated > 0 then 1 else 0 end as is_reach_estimated,
        b.count_day_parts,
        cast(b.watch_time_s as double) as watch_time_s,
        0 as is_prorated
    from window_blocks as b
    left join ratios as r on r.platform_id = b.platform_id
),

item_days as (
    select
        platform_id,
        content_id,
        program_id,
        min(first_on) as first_on,
        max(last_on) as last_on,
        sum(plays) as plays,
        sum(count_interactions) as count_interactions,
        sum(plays_with_interactions) as plays_with_interactions,
        sum(impressions) as impressions,
        sum(reach_with_impressions) as reach_with_impressions,
        max(is_frequency_estimated) as is_frequency_estimated,
        -- a window holding only a platform's downward correction may sum below zero
        case when sum(reach) < 0 then 0 else sum(reach) end as reach,
        sum(reach_reported) as reach_reported,
        max(is_reach_estimated) as is_reach_estimated,
        sum(count_day_parts) as count_day_parts,
        sum(watch_time_s) as watch_time_s,
        max(is_prorated) as is_prorated
    from parts
    group by platform_id, content_id, program_id
),

-- An item's distinct periods with reach (only the days that take a period's share): from the
-- cut periods' day rows and the whole periods' blocks (which count their own; a window holds a
-- period whole or cuts it, never both). Counting parts as distinct text over every day made
-- this query four times slower at 10M content days.
period_parts as (
    select platform_id, content_id, program_id, sum(count_period_parts) as count_period_parts
    from (
        select platform_id, content_id, program_id, count(*) as count_period_parts
        from (
            select distinct platform_id, content_id, program_id, period_start_on, period_end_on
            from day_reach
            where reach is not null and is_period_part
        )
        group by platform_id, content_id, program_id
        union all
        select platform_id, content_id, program_id, count_period_parts
        from window_blocks
        where count_period_parts > 0
    )
    group by platform_id, content_id, program_id
),

items as (
    select
        i.* exclude (count_day_parts),
        i.count_day_parts + coalesce(p.count_period_parts, 0) as count_reach_parts
    from item_days as i
    left join period_parts as p
        on p.platform_id = i.platform_id
        and p.content_id = i.content_id
        and p.program_id is not distinct from i.program_id
),

item_groups as (
    select 'program' as grain, program_id as group_id, items.*
    from items
    where list_contains($by, 'program') and program_id is not null
    union all
    select 'sponsor' as grain, sp.sponsor_id as group_id, items.*
    from items
    inner join sponsor_programs as sp on sp.program_id = items.program_id
    where list_contains($by, 'sponsor') and ($sponsor_id is null or sp.sponsor_id = $sponsor_id)
    union all
    select 'platform' as grain, platform_id as group_id, items.*
    from items
    where list_contains($by, 'platform')
    union all
    select 'overall' as grain, 'all' as group_id, items.*
    from items
    where list_contains($by, 'overall')
),

totals as (
    select
        grain,
        group_id,
        count(*) as count_content,
        min(first_on) as first_on,
        max(last_on) as last_on,
        sum(plays) as plays,
        sum(impressions) as impressions,
        sum(case when impressions is not null then 1 else 0 end) as count_content_with_impressions,
        sum(reach_with_impressions) as reach_with_impressions,
        max(is_frequency_estimated) as is_frequency_estimated,
        sum(reach) as reach,
        sum(reach_reported) as reach_reported,
        sum(is_reach_estimated) as count_content_reach_estimated,
        sum(count_reach_parts) as count_reach_parts,
        sum(count_interactions) as count_interactions,
        sum(plays_with_interactions) as plays_with_interactions,
        sum(watch_time_s) as watch_time_s,
        sum(case when watch_time_s is not null then 1 else 0 end) as count_content_with_watch_time,
        max(is_prorated) as is_prorated
    from item_groups
    group by grain, group_id
),

groups as (
    select
        'program' as grain,
        p.program_id as group_id,
        p.program_id,
        p.edition_year,
        p.title_zh,
        cast(null as varchar) as sponsor_id,
        cast(null as varchar) as sponsor_name_zh,
        cast(null as varchar) as sponsor_name_en,
        cast(null as varchar) as platform_id,
        cast(null as varchar) as platform_name_zh,
        cast(null as varchar) as platform_name_en
    from programs as p
    where
        list_contains($by, 'program')
        and ($sponsor_id is null or p.program_id in (select program_id from sponsor_scope))
    union all
    select distinct
        'sponsor',
        sponsor_id as group_id,
        null,
        null,
        null,
        sponsor_id,
        sponsor_name_zh,
        sponsor_name_en,
        null,
        null,
        null
    from sponsor_programs
    where list_contains($by, 'sponsor') and ($sponsor_id is null or sponsor_id = $sponsor_id)
    union all
    select
        'platform', platform_id as group_id, null, null, null, null, null, null, platform_id, name_zh,
        name_en
    from platforms
    where list_contains($by, 'platform')
    union all
    select 'overall', 'all' as group_id, null, null, null, null, null, null, null, null, null
    where list_contains($by, 'overall')
),

final as (
    select
        g.*,
        coalesce(t.count_content, 0) as count_content,
        t.first_on,
        t.last_on,
        cast(coalesce(t.plays, 0) as bigint) as plays,
        cast(round(t.impressions) as bigint) as impressions,
        cast(coalesce(t.count_content_with_impressions, 0) as bigint)
            as count_content_with_impressions,
        cast(round(t.reach) as bigint) as reach,
        case
            when t.count_content is not null then cast(round(coalesce(t.reach_reported, 0)) as bigint)
        end as reach_reported,
        case
            when t.count_content is null then null
            when t.count_content_reach_estimated > 0 then 'estimated'
            else 'reported'
        end as reach_basis,
        cast(coalesce(t.count_content_reach_estimated, 0) as bigint) as count_content_reach_estimated,
        t.count_reach_parts > 1 as is_reach_upper_bound,
        t.impressions / nullif(t.reach_with_impressions, 0) as frequency,
        case
            when t.impressions is null then null
            when t.is_frequency_estimated = 1 then 'estimated'
            else 'reported'
        end as frequency_basis,
        cast(t.count_interactions as bigint) as count_interactions,
        cast(t.count_interactions as double)
        / nullif(t.plays_with_interactions, 0) as engagement_rate,
        t.watch_time_s / 3600.0 as watch_time_h,
        cast(coalesce(t.count_content_with_watch_time, 0) as bigint)
            as count_content_with_watch_time,
        coalesce(t.is_prorated = 1, false) as is_period_prorated
    from groups as g
    left join totals as t on t.grain = g.grain and t.group_id = g.group_id
)

select * from final order by grain, group_id
