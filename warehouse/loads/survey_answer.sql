-- One chunk of a survey load's answers (run once per chunk, after survey.sql, in its transaction).
-- Staged frames: stg_survey_answer (this chunk), stg_survey_response (the whole load's responses).
-- Inserting the long answers chunk by chunk keeps one chunk, not millions of rows, converted for
-- the database at a time (a 26k × 370 export has 3M+ answers).
select error(
    'stg_survey_answer holds answers of response ' || response_id
    || ', which is not among the staged responses'
)
from stg_survey_answer
where response_id not in (select response_id from stg_survey_response)
limit 1;

insert into fct_survey_answer
select
    response_id, question_id, item_key, answer_status, option_code, answer_text, answer_number,
    answer_rank, other_text, $load_id
from stg_survey_answer;
