-- Rejected input rows with file, row, column and reason (grain: load x row).
select
    r.file_name,
    r.row_number,
    r.column_name,
    r.value_text,
    r.reason,
    r.load_id,
    l.finished_at as loaded_at
from load_reject as r
inner join load_log as l on l.load_id = r.load_id
where $load_id is null or r.load_id = $load_id
order by l.finished_at, r.file_name, r.row_number
