-- fct_channel_breakdown over a lake with staged files, as warehouse/loads/channel_breakdown.sql
-- would leave it: several files may report different figures of one key (TikTok's Overview,
-- Viewers, FollowerHistory), so each figure is the latest staged file's that reports it, and a
-- figure no staged file reports keeps the stored value.
with exported as (
    select * from lake_fct_channel_breakdown
),

staged as (
    select
        platform_id,
        dimension,
        value_key,
        period_start_on,
        period_end_on,
        content_id,
        max_by(value_text, staged_seq) filter (where value_text is not null) as value_text,
        max_by(views, staged_seq) filter (where views is not null) as views,
        max_by(views_share, staged_seq) filter (where views_share is not null) as views_share,
        max_by(watch_time_s, staged_seq) filter (where watch_time_s is not null) as watch_time_s,
        max_by(watch_time_share, staged_seq) filter (
            where watch_time_share is not null
        ) as watch_time_share,
        max_by(avg_view_duration_s, staged_seq) filter (
            where avg_view_duration_s is not null
        ) as avg_view_duration_s,
        max_by(avg_pct_viewed, staged_seq) filter (
            where avg_pct_viewed is not null
        ) as avg_pct_viewed,
        max_by(impressions, staged_seq) filter (where impressions is not null) as impressions,
        max_by(impressions_ctr, staged_seq) filter (
            where impressions_ctr is not null
        ) as impressions_ctr,
        max_by(unique_viewers, staged_seq) filter (
            where unique_viewers is not null
        ) as unique_viewers,
        max_by(new_viewers, staged_seq) filter (where new_viewers is not null) as new_viewers,
        max_by(returning_viewers, staged_seq) filter (
            where returning_viewers is not null
        ) as returning_viewers,
        max_by(subscribers, staged_seq) filter (where subscribers is not null) as subscribers,
        max_by(followers, staged_seq) filter (where followers is not null) as followers,
        max_by(active_followers, staged_seq) filter (
            where active_followers is not null
        ) as active_followers,
        max_by(profile_views, staged_seq) filter (where profile_views is not null) as profile_views,
        max_by(likes, staged_seq) filter (where likes is not null) as likes,
        max_by(comments, staged_seq) filter (where comments is not null) as comments,
        max_by(shares, staged_seq) filter (where shares is not null) as shares,
        max_by(load_id, staged_seq) as load_id,
        max_by(followers_share, staged_seq) filter (
            where followers_share is not null
        ) as followers_share
    from staged_channel_breakdown
    group by platform_id, dimension, value_key, period_start_on, period_end_on, content_id
),

final as (
    select
        coalesce(s.platform_id, e.platform_id) as platform_id,
        coalesce(s.dimension, e.dimension) as dimension,
        coalesce(s.value_key, e.value_key) as value_key,
        coalesce(s.value_text, e.value_text) as value_text,
        coalesce(s.period_start_on, e.period_start_on) as period_start_on,
        coalesce(s.period_end_on, e.period_end_on) as period_end_on,
        coalesce(s.content_id, e.content_id) as content_id,
        coalesce(s.views, e.views) as views,
        coalesce(s.views_share, e.views_share) as views_share,
        coalesce(s.watch_time_s, e.watch_time_s) as watch_time_s,
        coalesce(s.watch_time_share, e.watch_time_share) as watch_time_share,
        coalesce(s.avg_view_duration_s, e.avg_view_duration_s) as avg_view_duration_s,
        coalesce(s.avg_pct_viewed, e.avg_pct_viewed) as avg_pct_viewed,
        coalesce(s.impressions, e.impressions) as impressions,
        coalesce(s.impressions_ctr, e.impressions_ctr) as impressions_ctr,
        coalesce(s.unique_viewers, e.unique_viewers) as unique_viewers,
        coalesce(s.new_viewers, e.new_viewers) as new_viewers,
        coalesce(s.returning_viewers, e.returning_viewers) as returning_viewers,
        coalesce(s.subscribers, e.subscribers) as subscribers,
        coalesce(s.followers, e.followers) as followers,
        coalesce(s.active_followers, e.active_followers) as active_followers,
        coalesce(s.profile_views, e.profile_views) as profile_views,
        coalesce(s.likes, e.likes) as likes,
        coalesce(s.comments, e.comments) as comments,
        coalesce(s.shares, e.shares) as shares,
        coalesce(s.load_id, e.load_id) as load_id,
        coalesce(s.followers_share, e.followers_share) as followers_share
    from exported as e
    full outer join staged as s
        on
            s.platform_id = e.platform_id
            and s.dimension = e.dimension
            and s.value_key = e.value_key
            and s.period_start_on = e.period_start_on
            and s.period_end_on = e.period_end_on
            and s.content_id is not distinct from e.content_id
)

select * from final
