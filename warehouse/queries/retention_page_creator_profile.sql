-- Each surveyed participant's profile from their latest survey response (grain: participant):
-- the dimensions the retention page splits creator survival by. Participants never surveyed
-- are not here.
with responses as (
    select * from mart_survey_response
),

latest as (
    select
        participant_id,
        role,
        age_band_coarse,
        gender,
        city_tier
    from responses
    where participant_id is not null
    qualify row_number() over (
        partition by participant_id
        order by edition_year desc, submitted_at desc nulls last, response_id desc
    ) = 1
)

select * from latest
order by participant_id
