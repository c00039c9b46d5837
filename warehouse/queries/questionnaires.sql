-- Questionnaire versions seen by the warehouse with their response counts (grain: version).
select
    q.questionnaire_id,
    q.questionnaire_version,
    q.title_zh,
    q.title_en,
    q.definition_sha256,
    q.first_loaded_at,
    count(r.response_id) as count_responses
from dim_questionnaire as q
left join fct_survey_response as r
    on r.questionnaire_id = q.questionnaire_id
    and r.questionnaire_version = q.questionnaire_version
group by all
order by q.questionnaire_id, q.questionnaire_version
