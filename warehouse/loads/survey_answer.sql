-- A survey load's answers, after survey.sql in its transaction. Staged: stg_survey_answer, one
-- Arrow stream of the whole load's answers (read once: a 26k × 370 export has 3M+ answers, and
-- one insert stores them in whole row groups). survey_answer_checks.sql follows when the parse
-- cannot vouch for them (etl.survey.parse.Answers.vouched).
insert into fct_survey_answer
select
    response_id, question_id, item_key, answer_status, option_code, answer_text, answer_number,
    answer_rank, other_text, $load_id
from stg_survey_answer;
