-- One sponsor with its names and number of sponsored programs (grain: sponsor; empty when the
-- id is unknown). Only the sponsor asked for: the report never reads another sponsor's row.
with sponsor_programs as (
    select * from mart_reach_sponsor_program
),

final as (
    select
        sponsor_id,
        any_value(sponsor_name_zh) as sponsor_name_zh,
        any_value(sponsor_name_en) as sponsor_name_en,
        count(program_id) as count_programs
    from sponsor_programs
    where sponsor_id = $sponsor_id
    group by sponsor_id
)

select * from final
