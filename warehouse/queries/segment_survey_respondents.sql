-- The respondents of every wave of one survey with their normalised demographics (grain:
-- current response; $questionnaire_id bound): the base of another survey's segment population.
with responses as (
    select * from mart_survey_response
    where questionnaire_id = $questionnaire_id
),

final as (
    select
        response_id,
        participant_id,
        edition_year,
        submitted_at,
        age_band,
        gender,
        role,
        city_zh,
        country_code
    from responses
)

select * from final
order by edition_year, participant_id, response_id
