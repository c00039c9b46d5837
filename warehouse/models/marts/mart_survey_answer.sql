-- mart_survey_answer [response x question x item]: answers of current responses with zh/en
-- labels. Contact questions carry only their status, never the value.
with answers as (
    select * from fct_survey_answer
),

responses as (
    select * from fct_survey_response_current
),

questions as (
    select * from dim_question
),

options as (
    select * from dim_question_option
),

final as (
    select
        a.response_id,
        r.edition_year,
        r.participant_id,
        a.question_id,
        q.question_type,
        q.text_zh as question_zh,
        q.text_en as question_en,
        a.item_key,
        o.label_zh as item_zh,
        o.label_en as item_en,
        a.answer_status,
        a.option_code,
        a.answer_text,
        a.answer_number,
        a.answer_rank,
        a.other_text
    from answers as a
    inner join responses as r on r.response_id = a.response_id
    inner join questions as q
        on q.questionnaire_id = r.questionnaire_id
        and q.questionnaire_version = r.questionnaire_version
        and q.question_id = a.question_id
    left join options as o
        on o.questionnaire_id = r.questionnaire_id
        and o.questionnaire_version = r.questionnaire_version
        and o.question_id = a.question_id
        and o.item_key = coalesce(nullif(a.item_key, ''), a.answer_text)
)

select * from final
