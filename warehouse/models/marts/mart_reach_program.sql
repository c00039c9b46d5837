-- materialized: table
-- mart_reach_program [program], key program_id: each program with its edition and the number of
-- content items the catalogue links to it on any platform (0 = published nowhere we know of).
with programs as (
    select * from dim_program
),

content as (
    select * from dim_content
),

linked as (
    select program_id, count(*) as count_content_catalogued
    from content
    where program_id is not null
    group by program_id
),

final as (
    select
        p.program_id,
        p.edition_year,
        p.title_zh,
        p.genre,
        coalesce(l.count_content_catalogued, 0) as count_content_catalogued
    from programs as p
    left join linked as l on l.program_id = p.program_id
)

select * from final
