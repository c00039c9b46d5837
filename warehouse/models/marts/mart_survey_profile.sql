-- materialized: table
-- mart_survey_profile [participant], key participant_id: each surveyed participant's profile
-- from their latest survey response (latest edition, then latest submission), with the
-- dimensions pages split people by. Participants never surveyed are not here. A table built at
-- publish and stored in participant order: the retention and contacts pages read it instead of
-- ranking 100k responses per request.
with responses as (
    select * from mart_survey_response
),

latest as (
    select
        participant_id,
        edition_year,
        role,
        age_band,
        age_band_coarse,
        gender,
        city_id,
        city_zh,
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
