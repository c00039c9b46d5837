-- 0005 fct_survey_answer without its PRIMARY KEY. Inserting a 100k-respondent export (3.07M
-- answers) cost ~8 s of CPU for the key's index (every insert probes and grows it) and no reader
-- uses it: the warehouse keeps (response_id, question_id, item_key) unique by construction
-- instead. The parser stages each item of a question once per response and each response number
-- once per file; loads/survey.sql fails a load whose staged rows repeat a key anyway and deletes
-- a re-loaded response's stored answers before inserting its new ones;
-- tests/warehouse/test_survey_answer_keys.py holds both. DuckDB cannot drop a constraint, so the
-- table is rebuilt with the same columns, order, types and NOT NULLs, and its rows copied in
-- their stored order (question-major within a load, the order readers scan).
create table fct_survey_answer_0005 (
    response_id varchar not null,
    question_id varchar not null,
    item_key varchar not null,           -- option key, matrix row key, or '' for single-valued
    answer_status varchar not null,
    option_code integer,
    answer_text varchar,
    answer_number double,
    answer_rank integer,
    other_text varchar,
    load_id varchar not null
);

insert into fct_survey_answer_0005
select
    response_id, question_id, item_key, answer_status, option_code, answer_text, answer_number,
    answer_rank, other_text, load_id
from fct_survey_answer;

drop table fct_survey_answer;

alter table fct_survey_answer_0005 rename to fct_survey_answer;
