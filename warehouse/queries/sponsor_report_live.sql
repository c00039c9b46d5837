-- The live broadcasts of the editions a sponsor's programs belong to (grain: edition; key
-- edition_year): the edition's combined peak concurrent viewers over all streams, its minute,
-- on-air span and the stream with the highest own peak. Context for the sponsor's programs:
-- the catalogue holds no air times, so a peak *during* a program cannot be attributed.
with sponsor_programs as (
    select * from mart_reach_sponsor_program
),

programs as (
    select * from mart_reach_program
),

live as (
    select * from mart_live_total
),

platforms as (
    select * from mart_reach_platform
),

sponsored_editions as (
    select p.edition_year, count(distinct p.program_id) as count_sponsored_programs
    from sponsor_programs as s
    inner join programs as p on p.program_id = s.program_id
    where s.sponsor_id = $sponsor_id
    group by p.edition_year
),

final as (
    select
        e.edition_year,
        e.count_sponsored_programs,
        l.count_streams,
        l.count_platforms,
        l.first_minute_at,
        l.last_minute_at,
        l.peak_concurrent_viewers,
        l.peak_minute_at,
        l.avg_concurrent_viewers,
        l.watch_minutes,
        l.top_platform_id,
        coalesce(pl.name_zh, l.top_platform_id) as top_platform_name_zh,
        coalesce(pl.name_en, l.top_platform_id) as top_platform_name_en,
        l.top_stream_peak_concurrent_viewers,
        l.top_stream_peak_minute_at
    from sponsored_editions as e
    left join live as l on l.edition_year = e.edition_year
    left join platforms as pl on pl.platform_id = l.top_platform_id
)

select * from final order by edition_year
