-- The load of a file with this content hash, if any (grain: load).
select load_id, file_name, finished_at, count_rows_read, count_rows_loaded, count_rows_rejected
from load_log
where file_sha256 = $file_sha256
order by finished_at
limit 1
