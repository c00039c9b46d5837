-- fct_content_daily over a lake with staged files, as warehouse/loads/content.sql and
-- content_snapshot.sql leave it when the files are loaded in date order: a staged day replaces
-- the stored day of the same key (the latest staged file wins); a cumulative export's first day
-- in a file (its running total to date) has every day before it subtracted, so a re-export that
-- starts mid-life, or the next year's file, never counts the same plays twice; and every
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

series as (
    select
        platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins,
        danmaku, new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
        completion_rate, impressions_ctr, is_from_cumulative, load_id,
        false as is_reset
    from exported as e
    where not exists (
        select 1 from staged as s
        where
            s.platform_id = e.platform_id and s.content_id = e.content_id
            and s.date_on = e.date_on
    )
    union all
    select
        s.platform_id, s.content_id, s.date_on, views, likes, comments, shares, favorites, coins,
        danmaku, new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
        completion_rate, impressions_ctr, is_from_cumulative, load_id,
        s.is_from_cumulative and exists (
            select 1 from firsts as f
            where
                f.load_id = s.load_id and f.platform_id = s.platform_id
                and f.content_id = s.content_id and f.first_on = s.date_on
        ) as is_reset
    from staged as s
),

-- Works with a first cumulative day: each such day starts a segment whose running sums are the
-- export's totals (its own value is the total to date); any day's total to date is the running
-- sum of its segment, and a first day keeps only what it adds to the day before's total.
reset_works as (
    select distinct platform_id, content_id from series where is_reset
),

segmented as (
    select
        r.*,
        sum(case when r.is_reset then 1 else 0 end) over (
            partition by r.platform_id, r.content_id order by r.date_on
            rows between unbounded preceding and current row
        ) as segment
    from series as r
    where exists (
        select 1 from reset_works as w
        where w.platform_id = r.platform_id and w.content_id = r.content_id
    )
),

running as (
    select
        platform_id,
        content_id,
        date_on,
        is_reset,
        sum(views) over segment_so_far as total_views,
        sum(likes) over segment_so_far as total_likes,
        sum(comments) over segment_so_far as total_comments,
        sum(shares) over segment_so_far as total_shares,
        sum(favorites) over segment_so_far as total_favorites,
        sum(coins) over segment_so_far as total_coins,
        sum(danmaku) over segment_so_far as total_danmaku,
        sum(new_followers) over segment_so_far as total_new_followers,
        segment
    from segmented
    window segment_so_far as (
        partition by platform_id, content_id, segment order by date_on
        rows between unbounded preceding and current row
    )
),

day_before as (
    select
        platform_id,
        content_id,
        date_on,
        is_reset,
        lag(total_views) over by_day as before_views,
        lag(total_likes) over by_day as before_likes,
        lag(total_comments) over by_day as before_comments,
        lag(total_shares) over by_day as before_shares,
        lag(total_favorites) over by_day as before_favorites,
        lag(total_coins) over by_day as before_coins,
        lag(total_danmaku) over by_day as before_danmaku,
        lag(total_new_followers) over by_day as before_new_followers
    from running
    window by_day as (partition by platform_id, content_id order by date_on)
),

adjust as (
    select * from day_before where is_reset
),

staged_days as (
    select
        r.platform_id,
        r.content_id,
        r.date_on,
        case when a.date_on is not null then r.views - coalesce(a.before_views, 0) else r.views end
            as views,
        case when a.date_on is not null then r.likes - coalesce(a.before_likes, 0) else r.likes end
            as likes,
        case when a.date_on is not null then r.comments - coalesce(a.before_comments, 0) else r.comments end
            as comments,
        case when a.date_on is not null then r.shares - coalesce(a.before_shares, 0) else r.shares end
            as shares,
        case when a.date_on is not null then r.favorites - coalesce(a.before_favorites, 0) else r.favorites end
            as favorites,
        case when a.date_on is not null then r.coins - coalesce(a.before_coins, 0) else r.coins end
            as coins,
        case when a.date_on is not null then r.danmaku - coalesce(a.before_danmaku, 0) else r.danmaku end
            as danmaku,
        case when a.date_on is not null then r.new_followers - coalesce(a.before_new_followers, 0) else r.new_followers end
            as new_followers,
        r.impressions,
        r.unique_viewers,
        r.watch_time_s,
        r.avg_view_duration_s,
        r.completion_rate,
        r.impressions_ctr,
        r.is_from_cumulative,
        r.load_id
    from series as r
    left join adjust as a
        on a.platform_id = r.platform_id and a.content_id = r.content_id and a.date_on = r.date_on
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
