-- materialized: table
-- mart_program_creator [program x participant], key (program_id, participant_id): the creators
-- the catalogue credits on each program, with the profile from their survey response of the
-- program's edition (else their latest response; all profile columns null when never surveyed).
-- No PII: a person is a participant_id. Readers aggregate it (k-suppressed for sponsors).
with credits as (
    select * from bridge_program_participant
),

programs as (
    select * from dim_program
),

responses as (
    select * from fct_survey_response_current
),

credited as (
    select
        c.program_id,
        p.edition_year,
        c.participant_id,
        c.credit_role
    from credits as c
    inner join programs as p on p.program_id = c.program_id
),

profiles as (
    select
        c.program_id,
        c.participant_id,
        r.response_id,
        r.age_band,
        case
            when r.age_band in ('25_29', '30_34') then '25_34'
            when r.age_band in ('35_39', '40_44') then '35_44'
            when r.age_band in ('45_49', '50_plus') then '45_plus'
            else r.age_band
        end as age_band_coarse,
        r.gender,
        r.role,
        r.city_tier,
        r.is_overseas
    from credited as c
    inner join responses as r on r.participant_id = c.participant_id
    qualify row_number() over (
        partition by c.program_id, c.participant_id
        order by
            case when r.edition_year = c.edition_year then 0 else 1 end,
            r.edition_year desc,
            r.submitted_at desc nulls last,
            r.response_id desc
    ) = 1
),

final as (
    select
        c.program_id,
        c.edition_year,
        c.participant_id,
        c.credit_role,
        p.response_id is not null as is_surveyed,
        p.age_band,
        p.age_band_coarse,
        p.gender,
        p.role,
        p.city_tier,
        p.is_overseas
    from credited as c
    left join profiles as p
        on p.program_id = c.program_id
        and p.participant_id = c.participant_id
)

select * from final
