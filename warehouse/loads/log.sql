-- Every load ends with this script (same transaction): its rejects and its load_log row.
-- stg_reject: row_number, column_name, value_text, reason; file_name may carry a sheet name.

insert into load_reject
select $load_id, coalesce(file_name, $file_name), row_number, column_name, value_text, reason
from stg_reject;

insert into load_log
select
    $load_id, $file_sha256, $file_name, $source, $file_format, $encoding, $is_encoding_guessed,
    $questionnaire_id, $questionnaire_version, $survey_key, $edition_year,
    $count_rows_read, $count_rows_loaded, $count_rows_rejected, $warnings::json,
    $started_at, $loaded_at;
