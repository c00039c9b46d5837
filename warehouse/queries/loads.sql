-- Every committed file load, newest last (grain: load).
select
    load_id,
    file_name,
    source,
    file_format,
    encoding,
    is_encoding_guessed,
    questionnaire_id,
    questionnaire_version,
    edition_year,
    count_rows_read,
    count_rows_loaded,
    count_rows_rejected,
    count_rows_read = count_rows_loaded + count_rows_rejected as is_balanced,
    warnings,
    finished_at
from load_log
order by finished_at, load_id
