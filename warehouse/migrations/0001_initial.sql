-- 0001 initial: load bookkeeping, survey instrument, participants, survey facts.
-- Grain and keys are stated per table; natural keys are enforced by the loads (delete+insert).

-- load_log [file load]: one row per successfully committed file load, keyed on the file's SHA-256.
create table if not exists load_log (
    load_id varchar primary key,
    file_sha256 varchar not null,
    file_name varchar not null,
    source varchar not null,
    file_format varchar not null,
    encoding varchar,
    is_encoding_guessed boolean not null default false,
    questionnaire_id varchar,
    questionnaire_version integer,
    survey_key varchar,
    edition_year integer,
    count_rows_read integer not null,
    count_rows_loaded integer not null,
    count_rows_rejected integer not null,
    warnings json,
    started_at timestamp not null,
    finished_at timestamp not null
);

-- load_reject [file load x row x column]: every row not loaded, with why.
create table if not exists load_reject (
    load_id varchar not null,
    file_name varchar not null,
    row_number integer not null,
    column_name varchar,
    value_text varchar,
    reason varchar not null
);

-- dim_edition [edition]
create table if not exists dim_edition (
    edition_year integer primary key,
    name_zh varchar not null,
    name_en varchar not null
);

-- dim_questionnaire [questionnaire x version]: the declarative definition as loaded.
create table if not exists dim_questionnaire (
    questionnaire_id varchar not null,
    questionnaire_version integer not null,
    title_zh varchar,
    title_en varchar,
    definition_sha256 varchar not null,
    definition json not null,
    first_loaded_at timestamp not null,
    primary key (questionnaire_id, questionnaire_version)
);

-- dim_question [questionnaire x version x question]
create table if not exists dim_question (
    questionnaire_id varchar not null,
    questionnaire_version integer not null,
    question_id varchar not null,
    position integer not null,
    question_type varchar not null,
    text_zh varchar not null,
    text_en varchar not null,
    is_required boolean not null,
    is_pii boolean not null,
    primary key (questionnaire_id, questionnaire_version, question_id)
);

-- dim_question_option [questionnaire x version x question x item]: options, matrix rows.
create table if not exists dim_question_option (
    questionnaire_id varchar not null,
    questionnaire_version integer not null,
    question_id varchar not null,
    item_kind varchar not null,          -- option | row
    item_key varchar not null,
    option_code integer,
    label_zh varchar not null,
    label_en varchar not null,
    is_other boolean not null,
    primary key (questionnaire_id, questionnaire_version, question_id, item_key)
);

-- dim_participant [participant]: pseudonymous; participant_id = HMAC-SHA256 of the contact.
create table if not exists dim_participant (
    participant_id varchar primary key,
    is_anonymous boolean not null,
    first_load_id varchar not null
);

-- pii_participant_contact [participant]: RESTRICTED. The only table holding names and contacts.
create table if not exists pii_participant_contact (
    participant_id varchar primary key,
    name_text varchar,
    phone varchar,
    wechat varchar,
    email varchar,
    load_id varchar not null,
    updated_at timestamp not null
);

-- bridge_participant_edition [participant x edition]: who co-created which edition (roster).
create table if not exists bridge_participant_edition (
    participant_id varchar not null,
    edition_year integer not null,
    community varchar,
    team_role varchar,
    load_id varchar not null,
    primary key (participant_id, edition_year)
);

-- raw_survey_row [file load x row]: the row as read (PII cells replaced by the participant id).
create table if not exists raw_survey_row (
    load_id varchar not null,
    row_number integer not null,
    payload json not null,
    primary key (load_id, row_number)
);

-- fct_survey_response [response]: one submitted questionnaire, with normalised demographics.
create table if not exists fct_survey_response (
    response_id varchar primary key,
    survey_key varchar not null,
    questionnaire_id varchar not null,
    questionnaire_version integer not null,
    edition_year integer not null,
    source_response_no varchar not null,
    participant_id varchar not null,
    submitted_at timestamp,
    duration_s integer,
    channel varchar,
    channel_detail varchar,
    ip_region varchar,
    age_raw varchar,
    age_years integer,
    age_band varchar,
    is_age_mapped boolean,
    gender_raw varchar,
    gender varchar,
    is_gender_mapped boolean,
    role_raw varchar,
    role varchar,
    is_role_mapped boolean,
    city_raw varchar,
    city_id varchar,
    city_zh varchar,
    city_en varchar,
    province_zh varchar,
    province_en varchar,
    country_code varchar,
    city_tier varchar,
    city_lat double,
    city_lon double,
    is_overseas boolean,
    is_city_mapped boolean,
    load_id varchar not null,
    row_number integer not null
);

-- fct_survey_answer [response x question x item]: answers long. status: answered | skipped
-- (logic jump, 跳过) | empty (left blank, 空) | other (free text in an "other" option).
create table if not exists fct_survey_answer (
    response_id varchar not null,
    question_id varchar not null,
    item_key varchar not null,           -- option key, matrix row key, or '' for single-valued
    answer_status varchar not null,
    option_code integer,
    answer_text varchar,
    answer_number double,
    answer_rank integer,
    other_text varchar,
    load_id varchar not null,
    primary key (response_id, question_id, item_key)
);
