-- The answers of one survey wave, or of every wave when $edition_year is null (grain: current
-- response x question x item; $questionnaire_id and $edition_year bound), without free text and
-- contacts: the values the participants page counts, and another survey's segment dimensions and
-- clustering features are read from.
with responses as (
    select * from mart_survey_response
    where questionnaire_id = $questionnaire_id
    and ($edition_year is null or edition_year = $edition_year)
),

answers as (
    select * from mart_survey_answer
    where question_type not in ('text', 'contact')
    and answer_status in ('answered', 'other')
),

final as (
    select
        a.response_id,
        a.participant_id,
        a.question_id,
        a.item_key,
        a.answer_text,
        a.answer_number,
        a.answer_rank
    from answers as a
    inner join responses as r on r.response_id = a.response_id
)

select * from final
order by response_id, question_id, item_key
