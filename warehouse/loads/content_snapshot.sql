-- Load a snapshot export's totals (run after content.sql, only when the file is a snapshot).
-- Staged: stg_content_snapshot [platform x content x as-of day]. Natural key: (platform_id,
-- content_id, as_of_on).
--
-- Snapshots (running totals as of an export, no date column): store them, replacing a stored
-- snapshot of the same work and day, then re-derive the daily facts of every work the file
-- names from ALL its stored snapshots. A late (older) snapshot is then a recompute, never a
-- second count; the same snapshot again derives the same days.
delete from fct_content_snapshot as f
where exists (
    select 1 from stg_content_snapshot as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id
        and s.as_of_on = f.as_of_on
);

insert into fct_content_snapshot (
    platform_id, content_id, as_of_on, views, likes, comments, shares, favorites, coins,
    danmaku, new_followers, impressions, unique_viewers, avg_view_duration_s, completion_rate,
    impressions_ctr, as_of_source, load_id
)
select
    platform_id, content_id, as_of_on, views, likes, comments, shares, favorites, coins,
    danmaku, new_followers, impressions, unique_viewers, avg_view_duration_s, completion_rate,
    impressions_ctr, as_of_source, $load_id
from stg_content_snapshot;

create temp table snapshot_days as
with works as (
    select distinct platform_id, content_id from stg_content_snapshot
),

stored as (
    select f.*
    from fct_content_snapshot as f
    semi join works as w on w.platform_id = f.platform_id and w.content_id = f.content_id
),

-- The last reported total before each snapshot (a blank cell is "not reported", skipped).
previous as (
    select
        *,
        lag(as_of_on) over w as previous_on,
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
    from stored
    window
        w as (partition by platform_id, content_id order by as_of_on),
        before as (
            partition by platform_id, content_id order by as_of_on
            rows between unbounded preceding and 1 preceding
        )
),

final as (
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
        views as total_views,
        previous_views,
        likes as total_likes,
        previous_likes,
        comments as total_comments,
        previous_comments,
        shares as total_shares,
        previous_shares,
        favorites as total_favorites,
        previous_favorites,
        impressions as total_impressions,
        previous_impressions
    from previous
)

select * from final;

-- Counters that went down between two snapshots (never net followers, which may): replaced for
-- the works of this file, as their days were just re-derived.
delete from counter_issue as i
where exists (
    select 1 from snapshot_days as d
    where d.platform_id = i.platform_id and d.content_id = i.content_id
        and d.date_on = i.date_on
);

insert into counter_issue
select $load_id, platform_id, content_id, date_on, metric, previous_value, value
from (
    select platform_id, content_id, date_on, 'views' as metric, previous_views as previous_value,
        total_views as value
    from snapshot_days where total_views < previous_views
    union all
    select platform_id, content_id, date_on, 'likes', previous_likes, total_likes
    from snapshot_days where total_likes < previous_likes
    union all
    select platform_id, content_id, date_on, 'comments', previous_comments, total_comments
    from snapshot_days where total_comments < previous_comments
    union all
    select platform_id, content_id, date_on, 'shares', previous_shares, total_shares
    from snapshot_days where total_shares < previous_shares
    union all
    select platform_id, content_id, date_on, 'favorites', previous_favorites, total_favorites
    from snapshot_days where total_favorites < previous_favorites
    union all
    select platform_id, content_id, date_on, 'impressions', previous_impressions,
        total_impressions
    from snapshot_days where total_impressions < previous_impressions
) as went_down;

-- snapshot_days holds every stored snapshot day of these works, so this replaces each day the
-- earlier loads derived (a late snapshot changes the delta of the day after it).
delete from fct_content_daily as f
where exists (
    select 1 from snapshot_days as d
    where d.platform_id = f.platform_id and d.content_id = f.content_id
        and d.date_on = f.date_on
);

insert into fct_content_daily (
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, is_from_cumulative, load_id
)
select
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, true, $load_id
from snapshot_days;

drop table snapshot_days;
