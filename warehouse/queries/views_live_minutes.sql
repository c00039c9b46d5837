-- Concurrent viewers per minute of one edition's live streams (grain: platform x stream x
-- minute), for a list of platforms (null = every platform).
select
    platform_id,
    stream_id,
    minute_at,
    concurrent_viewers
from mart_views_live_minute
where
    edition_year = $edition_year
    and ($platform_ids is null or list_contains($platform_ids, platform_id))
order by minute_at, platform_id, stream_id
