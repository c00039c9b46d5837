-- The current responses the wide survey table has a row for (grain: response), in response_id
-- order. $questionnaire: one questionnaire id, or null for every questionnaire.
with responses as (
    select response_id, edition_year, questionnaire_id, questionnaire_version
    from fct_survey_response_current
),

final as (
    select *
    from responses
    where $questionnaire is null or questionnaire_id = $questionnaire
)

select * from final
order by response_id
