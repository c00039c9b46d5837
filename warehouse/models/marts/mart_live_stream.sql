-- materialized: table
-- mart_live_stream [platform x stream]: one live stream's totals from fct_live_minute.
-- edition_year: the edition whose broadcast_on (dim_edition) is nearest to the stream's first
-- minute (a tie goes to the earlier edition), so a warm-up the day before and an after-show the
-- day after belong to the gala; with no broadcast dates loaded, the year of the first minute.
-- peak_concurrent_viewers (PCU) and peak_minute_at (the earliest minute at the peak);
-- avg_concurrent_viewers = mean over the stream's recorded minutes; watch_minutes = sum of
-- concurrent viewers x 1 minute (viewer-minutes); count_comments / count_gifts = sums over the
-- minutes that report them, null when no minute does (not reported is not zero).
with minutes as (
    select * from fct_live_minute
),

editions as (
    select * from dim_edition
),

streams as (
    select
        platform_id,
        stream_id,
        min(minute_at) as first_minute_at,
        max(minute_at) as last_minute_at,
        count(*) as count_minutes,
        avg(cast(concurrent_viewers as double)) as avg_concurrent_viewers,
        cast(sum(concurrent_viewers) as bigint) as watch_minutes,
        cast(sum(comments) as bigint) as count_comments,
        cast(sum(gifts) as bigint) as count_gifts
    from minutes
    group by platform_id, stream_id
),

peaks as (
    select
        platform_id,
        stream_id,
        minute_at as peak_minute_at,
        concurrent_viewers as peak_concurrent_viewers,
        row_number() over (
            partition by platform_id, stream_id order by concurrent_viewers desc, minute_at
        ) as peak_order
    from minutes
),

nearest_edition as (
    select
        s.platform_id,
        s.stream_id,
        e.edition_year,
        row_number() over (
            partition by s.platform_id, s.stream_id
            order by
                abs(date_diff('day', e.broadcast_on, cast(s.first_minute_at as date))),
                e.edition_year
        ) as nearness
    from streams as s
    inner join editions as e on e.broadcast_on is not null
),

final as (
    select
        s.platform_id,
        s.stream_id,
        coalesce(n.edition_year, cast(extract(year from s.first_minute_at) as integer))
            as edition_year,
        s.first_minute_at,
        s.last_minute_at,
        s.count_minutes,
        p.peak_concurrent_viewers,
        p.peak_minute_at,
        s.avg_concurrent_viewers,
        s.watch_minutes,
        s.count_comments,
        s.count_gifts
    from streams as s
    inner join peaks as p
        on p.platform_id = s.platform_id
        and p.stream_id = s.stream_id
        and p.peak_order = 1
    left join nearest_edition as n
        on n.platform_id = s.platform_id
        and n.stream_id = s.stream_id
        and n.nearness = 1
)

select * from final
