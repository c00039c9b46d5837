-- Peak concurrent viewers per live stream and the minute it happened (grain: stream x platform).
select
    stream_id,
    platform_id,
    max(concurrent_viewers) as peak_concurrent_viewers,
    arg_max(minute_at, concurrent_viewers) as peak_minute_at,
    count(*) as count_minutes
from fct_live_minute
group by stream_id, platform_id
order by peak_concurrent_viewers desc
