-- The cells of the wide survey table (grain: response × column), long: warehouse.survey_wide
-- places them into one row per current response, one column per question (single values) or per
-- question.item (multi-select options, matrix rows, ranking options). Cells hold the option key,
-- number, rank, or 1 for a chosen option; '(skipped)' / '(empty)' keep the two kinds of missing
-- apart; 'other' free text follows a colon. Contact questions hold only a status.
-- $questionnaire: one questionnaire id, or null for every questionnaire.
-- Not a model: the pivot of millions of answers into hundreds of columns was most of a survey
-- publish and nothing the product serves reads it, so it is built when exported.
with responses as (
    select
        response_id,
        questionnaire_id,
        questionnaire_version,
        -- The response's row in survey_wide_responses (same filter, same order).
        row_number() over (order by response_id) - 1 as row_index
    from fct_survey_response_current
    where $questionnaire is null or questionnaire_id = $questionnaire
),

final as (
    select
        r.row_index,
        case
            when a.item_key = '' then a.question_id else a.question_id || '.' || a.item_key
        end as column_key,
        case
            when a.answer_status in ('skipped', 'empty') then '(' || a.answer_status || ')'
            when q.is_pii then '(answered)'
            when a.answer_rank is not null then cast(a.answer_rank as varchar)
            when q.question_type = 'multi' then '1'
            when a.answer_number is not null then cast(a.answer_number as varchar)
            else coalesce(a.answer_text, '')
        end || coalesce(':' || a.other_text, '') as cell
    from fct_survey_answer as a
    inner join responses as r on r.response_id = a.response_id
    -- One row-valued key, so the planner joins the 19-ish questions after the responses instead
    -- of pairing every response with every question first; the dim_question columns are NOT NULL.
    inner join dim_question as q
        on (q.questionnaire_id, q.questionnaire_version, q.question_id)
        = (r.questionnaire_id, r.questionnaire_version, a.question_id)
)

select * from final
