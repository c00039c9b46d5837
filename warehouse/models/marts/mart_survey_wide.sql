-- materialized: table
-- mart_survey_wide [response]: one row per current response, one column per question (single
-- values) or per question.item (multi-select options, matrix rows, ranking options). Cells hold
-- the option key, number, rank, or 1 for a chosen option; '(skipped)' / '(empty)' keep the two
-- kinds of missing apart; 'other' free text follows a colon. Contact questions hold only a status.
-- Built with DuckDB's dynamic PIVOT (columns come from the data), so it is a table, rebuilt
-- after every load; the long form (mart_survey_answer) is the portable one.
--
-- Cheaper than the plain pivot of the joined answers (100k respondents: ~15 -> ~12 s of CPU, same
-- table): the pivot groups by an integer per response (response_key, numbered in response_id
-- order in both places it is computed; response_id is fct_survey_response's primary key, so both
-- number alike) instead of four columns led by a 26-character id, and the
-- edition and questionnaire, which depend on the response, are joined back after it in the same
-- column order. The question is looked up by one row-valued key so the planner joins it after
-- the responses (3M answers probing 19 questions) instead of pairing every response with every
-- question first (a 1.9M-row hash table); the dim_question columns are NOT NULL, so this matches
-- exactly the rows the three equalities did. What remains is DuckDB's own PIVOT: a first()
-- aggregate per (response, column) and a list() aggregate per response, ~3/4 of the time.
with wide as (
    -- A dynamic PIVOT reads its columns with a query of its own, before the CTEs around it
    -- exist: its source names only tables and views.
    pivot (
        select
            r.response_key,
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
        inner join (
            select
                response_id,
                questionnaire_id,
                questionnaire_version,
                row_number() over (order by response_id) as response_key
            from fct_survey_response_current
        ) as r on r.response_id = a.response_id
        inner join dim_question as q  -- one row-valued key: see above
            on (q.questionnaire_id, q.questionnaire_version, q.question_id)
            = (r.questionnaire_id, r.questionnaire_version, a.question_id)
    )
    on column_key
    using first(cell)
    group by response_key
),

responses as (
    select
        response_id,
        edition_year,
        questionnaire_id,
        questionnaire_version,
        row_number() over (order by response_id) as response_key
    from fct_survey_response_current
)

select
    r.response_id,
    r.edition_year,
    r.questionnaire_id,
    r.questionnaire_version,
    w.* exclude (response_key)
from wide as w
inner join responses as r on r.response_key = w.response_key
