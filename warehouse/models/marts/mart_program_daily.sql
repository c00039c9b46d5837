-- materialized: table
-- mart_program_daily [platform x program x date], key (platform_id, program_id, date_on): plays
-- and interactions of a program's content on one platform and day, with the edition and the day's
-- offset from that year's Spring Festival. program_id null = content matching no program (its
-- edition is then null too). count_interactions = likes + comments + shares + favorites + coins
-- + danmaku as reported (null when the platform reports none of them that day).
-- is_first_snapshot: some plays that day are a work's first snapshot total (everything up to
-- that day, not one day's plays); is_interval: some cover a gap of several days between
-- snapshots. Charts must not read either as a daily curve.
--
-- Most programs go out as one content item per platform, whose days are already at this grain
-- (fct_content_reach_daily has one row per content and day): those rows pass through as they
-- are. Only programs with several items on a platform, and content matching no program, are
-- summed. A hash aggregate over every row made 10M groups from 10M rows (14.5 s, 1.2 GB at 10M
-- rows); the sums of one row are that row, so both ways give the same table.
with content_days as not materialized (
    select * from fct_content_reach_daily
),

content as (
    select * from dim_content
),

programs as (
    select * from dim_program
),

calendar as (
    select * from dim_calendar
),

-- (platform, program) pairs the catalogue links to exactly one content item
sole_items as (
    select platform_id, program_id
    from content
    where program_id is not null
    group by platform_id, program_id
    having count(*) = 1
),

passed as (
    select
        d.platform_id,
        d.program_id,
        d.date_on,
        cast(1 as bigint) as count_content,
        cast(d.views as bigint) as views,
        cast(d.count_interactions as bigint) as count_interactions,
        cast(d.impressions as bigint) as impressions,
        cast(d.watch_time_s as double) as watch_time_s,
        d.is_first_snapshot,
        d.is_interval
    from content_days as d
    semi join sole_items as s on s.platform_id = d.platform_id and s.program_id = d.program_id
),

summed as (
    select
        d.platform_id,
        d.program_id,
        d.date_on,
        count(*) as count_content,
        cast(sum(d.views) as bigint) as views,
        cast(sum(d.count_interactions) as bigint) as count_interactions,
        cast(sum(d.impressions) as bigint) as impressions,
        sum(d.watch_time_s) as watch_time_s,
        bool_or(d.is_first_snapshot) as is_first_snapshot,
        bool_or(d.is_interval) as is_interval
    from content_days as d
    anti join sole_items as s on s.platform_id = d.platform_id and s.program_id = d.program_id
    group by d.platform_id, d.program_id, d.date_on
),

grouped as (
    select * from passed
    union all
    select * from summed
),

final as (
    select
        g.platform_id,
        g.program_id,
        g.date_on,
        p.edition_year,
        p.title_zh as program_title_zh,
        c.year as calendar_year,
        c.days_from_spring_festival,
        g.count_content,
        g.views,
        g.count_interactions,
        g.impressions,
        g.watch_time_s,
        g.is_first_snapshot,
        g.is_interval
    from grouped as g
    left join programs as p on p.program_id = g.program_id
    left join calendar as c on c.date_on = g.date_on
)

select * from final
