-- A survey load's answers, after survey.sql in its transaction. Staged: stg_survey_answer, one
-- Arrow stream of the whole load's answers (read once: a 26k × 370 export has 3M+ answers, and
-- one insert stores them in whole row groups), stg_survey_response (the load's responses).
insert into fct_survey_answer
select
    response_id, question_id, item_key, answer_status, option_code, answer_text, answer_number,
    answer_rank, other_text, $load_id
from stg_survey_answer;

-- Checked on the inserted rows (the stream cannot be read twice); a failure rolls the load back.
select error(
    'stg_survey_answer holds answers of response ' || a.response_id
    || ', which is not among the staged responses'
)
from fct_survey_answer as a
anti join stg_survey_response as s on s.response_id = a.response_id
where a.load_id = $load_id
limit 1;
