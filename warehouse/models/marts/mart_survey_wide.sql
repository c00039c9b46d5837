-- materialized: table
-- mart_survey_wide [response]: one row per current response, one column per question (single
-- values) or per question.item (multi-select options, matrix rows, ranking options). Cells hold
-- the option key, number, rank, or 1 for a chosen option; '(skipped)' / '(empty)' keep the two
-- kinds of missing apart; 'other' free text follows a colon. Contact questions hold only a status.
-- Built with DuckDB's dynamic PIVOT (columns come from the data), so it is a table, rebuilt
-- after every load; the long form (mart_survey_answer) is the portable one.
pivot (
    select
        r.response_id,
        r.edition_year,
        r.questionnaire_id,
        r.questionnaire_version,
        case when a.item_key = '' then a.question_id else a.question_id || '.' || a.item_key end
            as column_key,
        case
            when a.answer_status in ('skipped', 'empty') then '(' || a.answer_status || ')'
            when q.is_pii then '(answered)'
            when a.answer_rank is not null then cast(a.answer_rank as varchar)
            when q.question_type = 'multi' then '1'
            when a.answer_number is not null then cast(a.answer_number as varchar)
            else coalesce(a.answer_text, '')
        end || coalesce(':' || a.other_text, '') as cell
    from fct_survey_answer as a
    inner join fct_survey_response_current as r on r.response_id = a.response_id
    inner join dim_question as q
        on q.questionnaire_id = r.questionnaire_id
        and q.questionnaire_version = r.questionnaire_version
        and q.question_id = a.question_id
)
on column_key
using first(cell)
group by response_id, edition_year, questionnaire_id, questionnaire_version
