-- fct_edition_participation [participant x edition]: who took part in which edition — listed
-- in the roster (参与届次) or credited on one of the edition's programs.
with roster as (
    select * from bridge_participant_edition
),

credits as (
    select * from bridge_program_participant
),

programs as (
    select * from dim_program
),

final as (
    select participant_id, edition_year from roster
    union
    select c.participant_id, p.edition_year
    from credits as c
    inner join programs as p on p.program_id = c.program_id
)

select * from final
