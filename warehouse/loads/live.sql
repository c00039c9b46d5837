-- Load live-stream minutes. Staged: stg_live_minute. Natural key: (stream, platform, minute).
delete from fct_live_minute as f
where exists (
    select 1 from stg_live_minute as s
    where s.stream_id = f.stream_id and s.platform_id = f.platform_id and s.minute_at = f.minute_at
);

insert into fct_live_minute
select stream_id, platform_id, minute_at, concurrent_viewers, comments, gifts, $load_id
from stg_live_minute;
