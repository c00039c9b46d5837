-- Load one survey export. Staged frames: stg_survey_response, stg_pii_contact, stg_reject,
-- stg_question, stg_question_option; the answers and the raw rows follow as streams
-- (survey_answer.sql, then survey_answer_checks.sql unless the parse vouches for them, then
-- survey_raw_row.sql), in the same transaction. Natural key of a response is response_id
-- (survey + exporter's response number): a corrected re-export replaces it.
--
-- fct_survey_response and fct_survey_answer keep their keys unique by construction, without a
-- PRIMARY KEY index (migration 0005: the index cost ~8 s of CPU per 100k-respondent export). The
-- parser rejects a row repeating an earlier row's response number and stages each item of a
-- question once per response, so the staged rows never repeat a key: if they ever do, or an
-- answer arrives without its response, the load fails (here, in the parse's Answers.vouched, or
-- in survey_answer_checks.sql) and its transaction rolls back. A
-- re-loaded response's stored answers are deleted before its new ones go in, so a re-export
-- replaces, never adds.
select error(
    'stg_survey_response repeats response_id ' || response_id
    || ': the parser must reject a repeated response number'
)
from stg_survey_response
group by response_id
having count(*) > 1
limit 1;

insert into dim_edition (edition_year, name_zh, name_en)
select $edition_year, $edition_year || ' AI春晚', 'AI Spring Festival Gala ' || $edition_year
where not exists (select 1 from dim_edition where edition_year = $edition_year);

insert into dim_questionnaire (
    questionnaire_id, questionnaire_version, title_zh, title_en, definition_sha256, definition,
    first_loaded_at, origin, source_file_sha256, is_current, definition_yaml
)
select $questionnaire_id, $questionnaire_version, $title_zh, $title_en, $definition_sha256,
    $definition::json, $loaded_at, $questionnaire_origin, $questionnaire_source_sha256, true,
    $definition_yaml
where not exists (
    select 1 from dim_questionnaire
    where questionnaire_id = $questionnaire_id and questionnaire_version = $questionnaire_version
);

-- One current version per questionnaire: the one its survey was last loaded with.
update dim_questionnaire
set is_current = (questionnaire_version = $questionnaire_version)
where questionnaire_id = $questionnaire_id
    and is_current is distinct from (questionnaire_version = $questionnaire_version);

insert into dim_question
select * from stg_question as s
where not exists (
    select 1 from dim_question as d
    where d.questionnaire_id = s.questionnaire_id
        and d.questionnaire_version = s.questionnaire_version
        and d.question_id = s.question_id
);

insert into dim_question_option
select * from stg_question_option as s
where not exists (
    select 1 from dim_question_option as d
    where d.questionnaire_id = s.questionnaire_id
        and d.questionnaire_version = s.questionnaire_version
        and d.question_id = s.question_id
        and d.item_key = s.item_key
);

-- The same file loaded again with a refined questionnaire replaces what its earlier loads put in
-- (a row rejected now must not keep its earlier answers; a new questionnaire id, a new survey
-- key, must not leave the old responses beside the new ones).
delete from fct_survey_answer
where response_id in (
    select response_id from fct_survey_response
    where load_id in (select load_id from load_log where file_sha256 = $file_sha256)
);

delete from fct_survey_response
where load_id in (select load_id from load_log where file_sha256 = $file_sha256);

delete from raw_survey_row
where load_id in (select load_id from load_log where file_sha256 = $file_sha256);

delete from fct_survey_answer
where response_id in (select response_id from stg_survey_response);

delete from fct_survey_response
where response_id in (select response_id from stg_survey_response);

insert into fct_survey_response
select
    response_id, $survey_key, $questionnaire_id, $questionnaire_version, $edition_year,
    source_response_no, participant_id, submitted_at, duration_s, channel, channel_detail,
    ip_region, age_raw, age_years, age_band, is_age_mapped, gender_raw, gender, is_gender_mapped,
    role_raw, role, is_role_mapped, city_raw, city_id, city_zh, city_en, province_zh, province_en,
    country_code, city_tier, city_lat, city_lon, is_overseas, is_city_mapped, $load_id, row_number,
    age_low, age_high, age_band_broad  -- migration 0012 appended them
from stg_survey_response;

insert into dim_participant
select participant_id, bool_and(is_anonymous), $load_id
from stg_survey_response
where participant_id not in (select participant_id from dim_participant)
group by participant_id;
