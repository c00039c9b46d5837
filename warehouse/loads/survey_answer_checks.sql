-- After a survey load's answers (survey_answer.sql), when the parse cannot vouch for them
-- (etl.survey.parse.Answers.vouched, e.g. answers built by hand): every answer this load put in
-- belongs to a staged response and no key (response, question, item) repeats. Both read the
-- load's inserted rows (the staged stream cannot be read twice); a failure rolls the load back.
select error(
    'stg_survey_answer holds answers of response ' || a.response_id
    || ', which is not among the staged responses'
)
from fct_survey_answer as a
anti join stg_survey_response as s on s.response_id = a.response_id
where a.load_id = $load_id
limit 1;

-- Keys first grouped by their 64-bit hash (half the CPU of grouping the three strings); only rows
-- of a repeated hash, normally none, are then grouped exactly.
with repeated_hashes as (
    select hash(response_id, question_id, item_key) as key_hash
    from fct_survey_answer
    where load_id = $load_id
    group by key_hash
    having count(*) > 1
)

select error(
    'stg_survey_answer repeats the key (' || response_id || ', ' || question_id || ', '
    || item_key || '): the parser must stage each item of a question once per response'
)
from fct_survey_answer
where
    load_id = $load_id
    and hash(response_id, question_id, item_key) in (select key_hash from repeated_hashes)
group by response_id, question_id, item_key
having count(*) > 1
limit 1;
