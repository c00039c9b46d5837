-- fct_content_snapshot over a lake with staged files: a staged snapshot replaces the stored one
-- of the same work and day (the latest staged file wins).
with exported as (
    select * from lake_fct_content_snapshot
),

staged as (
    select *
    from staged_content_snapshot
    qualify row_number() over (
        partition by platform_id, content_id, as_of_on order by staged_seq desc
    ) = 1
),

final as (
    select
        platform_id, content_id, as_of_on, views, likes, comments, shares, favorites, coins,
        danmaku, new_followers, impressions, unique_viewers, avg_view_duration_s,
        completion_rate, impressions_ctr, as_of_source, load_id
    from exported as e
    where not exists (
        select 1 from staged as s
        where
            s.platform_id = e.platform_id and s.content_id = e.content_id
            and s.as_of_on = e.as_of_on
    )
    union all
    select
        platform_id, content_id, as_of_on, views, likes, comments, shares, favorites, coins,
        danmaku, new_followers, impressions, unique_viewers, avg_view_duration_s,
        completion_rate, impressions_ctr, as_of_source, load_id
    from staged
)

select * from final
