-- mart_views_live_minute [platform x stream x minute], key (platform_id, stream_id, minute_at):
-- concurrent viewers of every live stream minute, with the edition its stream belongs to (as
-- mart_live_stream assigns it: the edition whose broadcast day is nearest the stream's first
-- minute). Reads mart_live_stream.
with minutes as (
    select * from fct_live_minute
),

streams as (
    select * from mart_live_stream
),

final as (
    select
        m.platform_id,
        m.stream_id,
        s.edition_year,
        m.minute_at,
        m.concurrent_viewers
    from minutes as m
    inner join streams as s
        on s.platform_id = m.platform_id
        and s.stream_id = m.stream_id
)

select * from final
