-- materialized: table
-- mart_views_program_total [edition x platform x program], key (platform_id, program_id): each
-- program's plays, interactions, impressions and watch time (as in mart_program_daily: the days
-- that report none add nothing; null when no day reports any) on each platform over all its
-- days, with the span of those days and the edition's Spring Festival (正月初一) read off the
-- calendar offsets of its days in the edition's own year: what the views page's edition list
-- (queries/views_editions.sql), its program options and ranking
-- (queries/views_edition_programs.sql) and its programs' figures over a window holding the whole
-- edition (queries/views_program_platform.sql) read, a few tens of thousands of rows instead of
-- every program day (10M).
with program_days as not materialized (
    select * from mart_program_daily
),

final as (
    select
        edition_year,
        platform_id,
        program_id,
        program_title_zh,
        cast(sum(views) as bigint) as views,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(impressions) as bigint) as impressions,
        sum(watch_time_s) as watch_time_s,
        min(date_on) as first_on,
        max(date_on) as last_on,
        min(date_on - cast(days_from_spring_festival as integer)) filter (
            where calendar_year = edition_year
        ) as spring_festival_on
    from program_days
    where edition_year is not null
    group by edition_year, platform_id, program_id, program_title_zh
)

select * from final
