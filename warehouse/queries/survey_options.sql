-- The options of one questionnaire's questions (its latest version), in code order (grain:
-- question x item; $questionnaire_id bound).
with questionnaire as (
    select * from dim_questionnaire
    where questionnaire_id = $questionnaire_id
    qualify row_number() over (order by questionnaire_version desc) = 1
),

options as (
    select * from dim_question_option
),

final as (
    select
        o.question_id,
        o.item_kind,
        o.item_key,
        o.option_code,
        o.label_zh,
        o.label_en,
        o.is_other
    from options as o
    inner join questionnaire as n
        on n.questionnaire_id = o.questionnaire_id
        and n.questionnaire_version = o.questionnaire_version
)

select * from final
order by question_id, option_code nulls last, item_key
