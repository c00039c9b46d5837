-- materialized: table
-- mart_live_total [edition]: an edition's live streams together (streams from mart_live_stream,
-- minutes from fct_live_minute). Concurrent viewers are summed over the edition's streams minute
-- by minute (every platform's audience at once): peak_concurrent_viewers is the highest such
-- sum, peak_minute_at its earliest minute, avg_concurrent_viewers = watch_minutes / the number
-- of distinct minutes with any stream on air. top_stream_* name the single stream with the
-- highest own peak (ties: earliest peak minute). watch_minutes, count_comments and count_gifts
-- are sums over the streams (null only when no stream reports them).
with streams as (
    select * from mart_live_stream
),

minutes as (
    select * from fct_live_minute
),

edition_minutes as (
    select
        s.edition_year,
        m.minute_at,
        cast(sum(m.concurrent_viewers) as bigint) as concurrent_viewers
    from minutes as m
    inner join streams as s
        on s.platform_id = m.platform_id
        and s.stream_id = m.stream_id
    group by s.edition_year, m.minute_at
),

combined_peaks as (
    select
        edition_year,
        minute_at as peak_minute_at,
        concurrent_viewers as peak_concurrent_viewers,
        row_number() over (
            partition by edition_year order by concurrent_viewers desc, minute_at
        ) as peak_order
    from edition_minutes
),

on_air as (
    select edition_year, count(*) as count_minutes_on_air
    from edition_minutes
    group by edition_year
),

top_streams as (
    select
        edition_year,
        platform_id as top_platform_id,
        stream_id as top_stream_id,
        peak_concurrent_viewers as top_stream_peak_concurrent_viewers,
        peak_minute_at as top_stream_peak_minute_at,
        row_number() over (
            partition by edition_year
            order by peak_concurrent_viewers desc, peak_minute_at, platform_id, stream_id
        ) as stream_order
    from streams
),

totals as (
    select
        edition_year,
        count(*) as count_streams,
        count(distinct platform_id) as count_platforms,
        min(first_minute_at) as first_minute_at,
        max(last_minute_at) as last_minute_at,
        cast(sum(watch_minutes) as bigint) as watch_minutes,
        cast(sum(count_comments) as bigint) as count_comments,
        cast(sum(count_gifts) as bigint) as count_gifts
    from streams
    group by edition_year
),

final as (
    select
        t.edition_year,
        t.count_streams,
        t.count_platforms,
        t.first_minute_at,
        t.last_minute_at,
        o.count_minutes_on_air,
        p.peak_concurrent_viewers,
        p.peak_minute_at,
        cast(t.watch_minutes as double) / o.count_minutes_on_air as avg_concurrent_viewers,
        t.watch_minutes,
        t.count_comments,
        t.count_gifts,
        s.top_platform_id,
        s.top_stream_id,
        s.top_stream_peak_concurrent_viewers,
        s.top_stream_peak_minute_at
    from totals as t
    inner join on_air as o on o.edition_year = t.edition_year
    inner join combined_peaks as p
        on p.edition_year = t.edition_year
        and p.peak_order = 1
    inner join top_streams as s
        on s.edition_year = t.edition_year
        and s.stream_order = 1
)

select * from final
