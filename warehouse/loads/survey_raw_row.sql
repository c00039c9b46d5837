-- A survey load's raw rows, after survey.sql (which deleted the file's earlier ones) in its
-- transaction. Staged: stg_raw_row, one Arrow stream (row_number, payload: the row as JSON
-- text), read once: registered whole, 26k rows of a wide export cost 120 MB more to convert.
insert into raw_survey_row
select $load_id, row_number, payload::json from stg_raw_row;
