-- After a survey load's answers (survey_answer.sql): the answers this load put in
-- never repeat a key (response, question, item). A key may repeat across two batches, so the
-- check reads the load's inserted rows, not one batch; a failure rolls the whole load back.
--
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
