-- Who made a sponsor's programs (grain: dimension x value; key (dimension, value)): distinct
-- credited creators over all the sponsor's programs, by catalogue credit (a person with several
-- credits counts once under each) and by the survey profile of mart_program_creator (one value
-- per person: the response of their latest sponsored edition; null = never surveyed).
-- count_people_total is the dimension's distinct people. Unsuppressed: the caller applies k.
with creators as (
    select * from mart_program_creator
),

sponsor_programs as (
    select * from mart_reach_sponsor_program
),

credited as (
    select c.*
    from creators as c
    inner join sponsor_programs as s on s.program_id = c.program_id
    where s.sponsor_id = $sponsor_id
),

people as (
    select *
    from credited
    qualify row_number() over (
        partition by participant_id order by edition_year desc, program_id desc
    ) = 1
),

cells as (
    select 'credit_role' as dimension, credit_role as value, participant_id from credited
    union
    select 'role', role, participant_id from people
    union
    select 'age_band_coarse', age_band_coarse, participant_id from people
    union
    select 'gender', gender, participant_id from people
    union
    select 'city_tier', city_tier, participant_id from people
),

counted as (
    select dimension, value, count(distinct participant_id) as count_people
    from cells
    group by dimension, value
),

totals as (
    select dimension, count(distinct participant_id) as count_people_total
    from cells
    group by dimension
),

final as (
    select
        c.dimension,
        c.value,
        c.count_people,
        t.count_people_total
    from counted as c
    inner join totals as t on t.dimension = c.dimension
)

select * from final
order by dimension, count_people desc, value nulls last
