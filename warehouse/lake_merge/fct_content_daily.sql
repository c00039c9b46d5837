-- fct_content_daily over a lake with staged files, as warehouse/loads/content.sql and
-- content_snapshot.sql would leave it: a staged day replaces the stored day of the same key (the
-- latest staged file wins); a cumulative export's first day in a file has the stored days before
-- it subtracted (a re-export that starts mid-life never counts the same plays twice); and every
-- snapshot day of a work with a staged snapshot is derived again from all its snapshots (the
-- total minus the last reported total before it), replacing the days stored for them.
with exported as (
    select * from lake_fct_content_daily
),

staged as (
    select *
    from staged_content_daily
    qualify row_number() over (
        partition by platform_id, content_id, date_on order by staged_seq desc
    ) = 1
),

firsts as (
    select load_id, platform_id, content_id, min(date_on) as first_on
    from staged_content_daily
    where is_from_cumulative
    group by load_id, platform_id, content_id
),

first_adjust as (
    select
        f.load_id,
        f.platform_id,
        f.content_id,
        f.first_on,
        sum(d.views) as views,
        sum(d.likes) as likes,
        sum(d.comments) as comments,
        sum(d.shares) as shares,
        sum(d.favorites) as favorites,
        sum(d.coins) as coins,
        sum(d.danmaku) as danmaku,
        sum(d.new_followers) as new_followers
    from firsts as f
    inner join exported as d
        on d.platform_id = f.platform_id and d.content_id = f.content_id and d.date_on < f.first_on
    group by f.load_id, f.platform_id, f.content_id, f.first_on
),

staged_days as (
    select
        s.platform_id,
        s.content_id,
        s.date_on,
        case when a.content_id is not null then s.views - coalesce(a.views, 0) else s.views end
            as views,
        case when a.content_id is not null then s.likes - coalesce(a.likes, 0) else s.likes end
            as likes,
        case
            when a.content_id is not null then s.comments - coalesce(a.comments, 0)
            else s.comments
        end as comments,
        case when a.content_id is not null then s.shares - coalesce(a.shares, 0) else s.shares end
            as shares,
        case
            when a.content_id is not null then s.favorites - coalesce(a.favorites, 0)
            else s.favorites
        end as favorites,
        case when a.content_id is not null then s.coins - coalesce(a.coins, 0) else s.coins end
            as coins,
        case
            when a.content_id is not null then s.danmaku - coalesce(a.danmaku, 0)
            else s.danmaku
        end as danmaku,
        case
            when a.content_id is not null then s.new_followers - coalesce(a.new_followers, 0)
            else s.new_followers
        end as new_followers,
        s.impressions,
        s.unique_viewers,
        s.watch_time_s,
        s.avg_view_duration_s,
        s.completion_rate,
        s.impressions_ctr,
        s.is_from_cumulative,
        s.load_id
    from staged as s
    left join first_adjust as a
        on
            s.is_from_cumulative
            and a.load_id = s.load_id
            and a.platform_id = s.platform_id
            and a.content_id = s.content_id
            and a.first_on = s.date_on
),

snapshot_works as (
    select distinct platform_id, content_id from staged_content_snapshot
),

stored_snapshots as (
    select f.*
    from fct_content_snapshot as f
    where exists (
        select 1 from snapshot_works as w
        where w.platform_id = f.platform_id and w.content_id = f.content_id
    )
),

-- The last reported total before each snapshot (a blank cell is "not reported", skipped).
previous as (
    select
        *,
        last_value(views ignore nulls) over before as previous_views,
        last_value(likes ignore nulls) over before as previous_likes,
        last_value(comments ignore nulls) over before as previous_comments,
        last_value(shares ignore nulls) over before as previous_shares,
        last_value(favorites ignore nulls) over before as previous_favorites,
        last_value(coins ignore nulls) over before as previous_coins,
        last_value(danmaku ignore nulls) over before as previous_danmaku,
        last_value(new_followers ignore nulls) over before as previous_new_followers,
        last_value(impressions ignore nulls) over before as previous_impressions,
        last_value(unique_viewers ignore nulls) over before as previous_unique_viewers
    from stored_snapshots
    window before as (
        partition by platform_id, content_id order by as_of_on
        rows between unbounded preceding and 1 preceding
    )
),

snapshot_days as (
    select
        platform_id,
        content_id,
        as_of_on as date_on,
        views - coalesce(previous_views, 0) as views,
        likes - coalesce(previous_likes, 0) as likes,
        comments - coalesce(previous_comments, 0) as comments,
        shares - coalesce(previous_shares, 0) as shares,
        favorites - coalesce(previous_favorites, 0) as favorites,
        coins - coalesce(previous_coins, 0) as coins,
        danmaku - coalesce(previous_danmaku, 0) as danmaku,
        new_followers - coalesce(previous_new_followers, 0) as new_followers,
        impressions - coalesce(previous_impressions, 0) as impressions,
        unique_viewers - coalesce(previous_unique_viewers, 0) as unique_viewers,
        cast(null as double) as watch_time_s,
        cast(null as double) as avg_view_duration_s,
        cast(null as double) as completion_rate,
        cast(null as double) as impressions_ctr,
        true as is_from_cumulative,
        load_id
    from previous
),

final as (
    select
        platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins,
        danmaku, new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
        completion_rate, impressions_ctr, is_from_cumulative, load_id
    from exported as e
    where
        not exists (
            select 1 from staged as s
            where
                s.platform_id = e.platform_id and s.content_id = e.content_id
                and s.date_on = e.date_on
        )
        and not exists (
            select 1 from snapshot_days as d
            where
                d.platform_id = e.platform_id and d.content_id = e.content_id
                and d.date_on = e.date_on
        )
    union all
    select * from staged_days as s
    where not exists (
        select 1 from snapshot_days as d
        where
            d.platform_id = s.platform_id and d.content_id = s.content_id
            and d.date_on = s.date_on
    )
    union all
    select * from snapshot_days
)

select * from final
