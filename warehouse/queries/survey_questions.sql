-- The questions of one questionnaire (its latest version) in questionnaire order (grain:
-- question), with the semantic a drafted definition gives it ($questionnaire_id bound).
with questionnaire as (
    select * from dim_questionnaire
    where questionnaire_id = $questionnaire_id
    qualify row_number() over (order by questionnaire_version desc) = 1
),

questions as (
    select * from dim_question
),

items as (
    select unnest(json_extract(definition, '$.questions[*]')) as item
    from questionnaire
),

semantics as (
    select
        json_extract_string(item, '$.id') as question_id,
        coalesce(
            json_extract_string(item, '$.semantic.kind'),
            json_extract_string(item, '$.semantic')
        ) as semantic
    from items
),

final as (
    select
        q.question_id,
        q.position,
        q.question_type,
        q.text_zh,
        q.text_en,
        q.is_pii,
        s.semantic
    from questions as q
    inner join questionnaire as n
        on n.questionnaire_id = q.questionnaire_id
        and n.questionnaire_version = q.questionnaire_version
    left join semantics as s on s.question_id = q.question_id
)

select * from final
order by position
