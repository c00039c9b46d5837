-- mart_reach_sponsor_program [sponsor x program], key (sponsor_id, program_id): which sponsor
-- sponsors which program, with names; a sponsor with no program has one row, program_id null.
with sponsors as (
    select * from dim_sponsor
),

sponsorships as (
    select * from bridge_sponsor_program
),

final as (
    select
        s.sponsor_id,
        s.name_zh as sponsor_name_zh,
        s.name_en as sponsor_name_en,
        b.program_id
    from sponsors as s
    left join sponsorships as b on b.sponsor_id = s.sponsor_id
)

select * from final
