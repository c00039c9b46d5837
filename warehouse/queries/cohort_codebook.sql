-- Cohort codebook source (grain: questionnaire x version x question x item): every question of
-- every stored questionnaire version with its options or matrix rows, zh/en texts and option
-- codes, as declared in the questionnaire definition (dim_question, dim_question_option). No
-- mart carries the full option list (mart_survey_answer has only options someone chose).
with questions as (
    select * from dim_question
),

options as (
    select * from dim_question_option
),

final as (
    select
        q.questionnaire_id,
        q.questionnaire_version,
        q.question_id,
        q.position,
        q.question_type,
        q.text_zh,
        q.text_en,
        q.is_pii,
        o.item_kind,
        o.item_key,
        o.option_code,
        o.label_zh,
        o.label_en,
        coalesce(o.is_other, false) as is_other
    from questions as q
    left join options as o
        on o.questionnaire_id = q.questionnaire_id
        and o.questionnaire_version = q.questionnaire_version
        and o.question_id = q.question_id
)

select * from final
order by questionnaire_id, questionnaire_version, position, option_code nulls last, item_key
