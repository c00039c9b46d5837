-- 0007 channel breakdown: channel-level facts by audience dimension (YouTube Studio Geography,
-- Cities, Viewer age, Subscription status, Traffic source tabs; TikTok Studio Viewers,
-- FollowerHistory, FollowerActivity, Overview), and TikTok as a platform.

-- fct_channel_breakdown [platform x dimension x value_key x period x content]: what a platform
-- reports for one value of one audience dimension over one period. dimension is country, city,
-- age, gender, subscription_status, traffic_source, device, hour, or channel (value_key 'all':
-- the whole channel's totals over the period, e.g. a Table data Total row or a TikTok day).
-- value_key is the normalised value (ISO-2 for a recognised country, '18-24' for an age band);
-- value_text is the text as the export wrote it. content_id is null for the whole channel and
-- set when the export was filtered to one video. Nulls are "not reported", never zero.
create table if not exists fct_channel_breakdown (
    platform_id varchar not null,
    dimension varchar not null,
    value_key varchar not null,
    value_text varchar,
    period_start_on date not null,
    period_end_on date not null,
    content_id varchar,
    views bigint,
    views_share double,
    watch_time_s double,
    watch_time_share double,
    avg_view_duration_s double,
    avg_pct_viewed double,
    impressions bigint,
    impressions_ctr double,
    unique_viewers bigint,
    new_viewers bigint,
    returning_viewers bigint,
    subscribers bigint,
    followers bigint,
    active_followers bigint,
    profile_views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    load_id varchar not null
);

insert into dim_platform
select * from (values
    ('tiktok', '抖音国际版/TikTok', 'TikTok')
) as seed(platform_id, name_zh, name_en)
where platform_id not in (select platform_id from dim_platform);
