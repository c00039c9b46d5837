-- Programs for the retention page's program picker (grain: program), with how many
-- audience-retention curves the platforms reported for each (0 = none).
with programs as (
    select * from mart_reach_program
),

curves as (
    select
        program_id,
        count(distinct platform_id || '/' || content_id) as count_curves
    from mart_audience_retention
    where program_id is not null
    group by program_id
),

final as (
    select
        p.program_id,
        p.edition_year,
        p.title_zh,
        coalesce(c.count_curves, 0) as count_curves
    from programs as p
    left join curves as c on c.program_id = p.program_id
)

select * from final
order by edition_year desc, program_id
