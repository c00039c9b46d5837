-- materialized: table
-- mart_program_daily [platform x program x date], key (platform_id, program_id, date_on): plays
-- and interactions of a program's content on one platform and day, with the edition and the day's
-- offset from that year's Spring Festival. program_id null = content matching no program (its
-- edition is then null too). count_interactions = likes + comments + shares + favorites + coins
-- + danmaku as reported (null when the platform reports none of them that day).
with content_days as (
    select * from fct_content_reach_daily
),

programs as (
    select * from dim_program
),

calendar as (
    select * from dim_calendar
),

grouped as (
    select
        platform_id,
        program_id,
        date_on,
        count(*) as count_content,
        cast(sum(views) as bigint) as views,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(impressions) as bigint) as impressions,
        sum(watch_time_s) as watch_time_s
    from content_days
    group by platform_id, program_id, date_on
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
        g.watch_time_s
    from grouped as g
    left join programs as p on p.program_id = g.program_id
    left join calendar as c on c.date_on = g.date_on
)

select * from final
