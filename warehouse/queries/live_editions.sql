-- Live totals per edition (grain: edition): all streams together, minute by minute.
select
    edition_year,
    count_streams,
    count_platforms,
    first_minute_at,
    last_minute_at,
    count_minutes_on_air,
    peak_concurrent_viewers,
    peak_minute_at,
    avg_concurrent_viewers,
    watch_minutes,
    count_comments,
    count_gifts,
    top_platform_id,
    top_stream_id,
    top_stream_peak_concurrent_viewers,
    top_stream_peak_minute_at
from mart_live_total
order by edition_year
