-- Load channel-level facts. Staged: stg_channel_breakdown. Natural key: (platform_id,
-- dimension, value_key, period_start_on, period_end_on, content_id), content_id null = the
-- whole channel. Several files may report different figures of one key (TikTok's Overview,
-- Viewers and FollowerHistory each report some figures of the same channel day), so a staged
-- row updates the figures it reports and keeps the stored ones it does not report; a re-export
-- replaces what it restates. The reader rejects a repeated key; if one gets here the load fails.
select error(
    'stg_channel_breakdown repeats the key (' || platform_id || ', ' || dimension || ', '
    || value_key || ', ' || cast(period_start_on as varchar) || '): the reader must reject it'
)
from stg_channel_breakdown
group by platform_id, dimension, value_key, period_start_on, period_end_on, content_id
having count(*) > 1
limit 1;

update fct_channel_breakdown as f
set
    value_text = coalesce(s.value_text, f.value_text),
    views = coalesce(s.views, f.views),
    views_share = coalesce(s.views_share, f.views_share),
    watch_time_s = coalesce(s.watch_time_s, f.watch_time_s),
    watch_time_share = coalesce(s.watch_time_share, f.watch_time_share),
    avg_view_duration_s = coalesce(s.avg_view_duration_s, f.avg_view_duration_s),
    avg_pct_viewed = coalesce(s.avg_pct_viewed, f.avg_pct_viewed),
    impressions = coalesce(s.impressions, f.impressions),
    impressions_ctr = coalesce(s.impressions_ctr, f.impressions_ctr),
    unique_viewers = coalesce(s.unique_viewers, f.unique_viewers),
    new_viewers = coalesce(s.new_viewers, f.new_viewers),
    returning_viewers = coalesce(s.returning_viewers, f.returning_viewers),
    subscribers = coalesce(s.subscribers, f.subscribers),
    followers = coalesce(s.followers, f.followers),
    active_followers = coalesce(s.active_followers, f.active_followers),
    profile_views = coalesce(s.profile_views, f.profile_views),
    likes = coalesce(s.likes, f.likes),
    comments = coalesce(s.comments, f.comments),
    shares = coalesce(s.shares, f.shares),
    followers_share = coalesce(s.followers_share, f.followers_share),
    load_id = $load_id
from stg_channel_breakdown as s
where
    s.platform_id = f.platform_id
    and s.dimension = f.dimension
    and s.value_key = f.value_key
    and s.period_start_on = f.period_start_on
    and s.period_end_on = f.period_end_on
    and s.content_id is not distinct from f.content_id;

insert into fct_channel_breakdown (
    platform_id, dimension, value_key, value_text, period_start_on, period_end_on, content_id,
    views, views_share, watch_time_s, watch_time_share, avg_view_duration_s, avg_pct_viewed,
    impressions, impressions_ctr, unique_viewers, new_viewers, returning_viewers, subscribers,
    followers, active_followers, profile_views, likes, comments, shares, load_id,
    followers_share
)
select
    s.platform_id,
    s.dimension,
    s.value_key,
    s.value_text,
    s.period_start_on,
    s.period_end_on,
    s.content_id,
    s.views,
    s.views_share,
    s.watch_time_s,
    s.watch_time_share,
    s.avg_view_duration_s,
    s.avg_pct_viewed,
    s.impressions,
    s.impressions_ctr,
    s.unique_viewers,
    s.new_viewers,
    s.returning_viewers,
    s.subscribers,
    s.followers,
    s.active_followers,
    s.profile_views,
    s.likes,
    s.comments,
    s.shares,
    $load_id,
    s.followers_share
from stg_channel_breakdown as s
where not exists (
    select 1 from fct_channel_breakdown as f
    where
        s.platform_id = f.platform_id
        and s.dimension = f.dimension
        and s.value_key = f.value_key
        and s.period_start_on = f.period_start_on
        and s.period_end_on = f.period_end_on
        and s.content_id is not distinct from f.content_id
);
