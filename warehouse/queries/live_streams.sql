-- Live streams (grain: platform x stream): peak, average, watch minutes, comments, gifts.
select
    edition_year,
    platform_id,
    stream_id,
    first_minute_at,
    last_minute_at,
    count_minutes,
    peak_concurrent_viewers,
    peak_minute_at,
    avg_concurrent_viewers,
    watch_minutes,
    count_comments,
    count_gifts
from mart_live_stream
order by edition_year, peak_concurrent_viewers desc, platform_id, stream_id
