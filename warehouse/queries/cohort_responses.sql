-- Questionnaire version of each current response (grain: response), so a cohort's codebook lists
-- the questions of the questionnaires its people answered.
with responses as (
    select * from mart_survey_response
),

final as (
    select response_id, questionnaire_id, questionnaire_version
    from responses
)

select * from final
order by response_id
