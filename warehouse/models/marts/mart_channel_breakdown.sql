-- mart_channel_breakdown [platform x dimension x value_key x period x content], key
-- (platform_id, dimension, value_key, period_start_on, period_end_on, content_id; content_id
-- null = the whole channel): channel-level figures by audience dimension, with the platform's
-- names. views_basis is the views a value stands for: reported views, else its views_share of
-- the channel's views over the same period (the dimension 'channel' row of that period, e.g. a
-- YouTube Table data Total row), else the share of the summed views of the dimension's values;
-- is_views_estimated says it came from a share. Readers suppress small values on views_basis.
-- program_id: the program of a per-video row's content (null for the whole channel or unmatched).
-- followers_share: a value's share of the channel's followers (TikTok FollowerGender /
-- FollowerTopTerritories, as of the period's day), never folded into views_share.
with breakdown as (
    select * from fct_channel_breakdown
),

content as (
    select * from dim_content
),

platforms as (
    select * from dim_platform
),

channel_totals as (
    select platform_id, period_start_on, period_end_on, content_id, views as channel_views
    from breakdown
    where dimension = 'channel' and value_key = 'all'
),

dimension_totals as (
    select
        platform_id, dimension, period_start_on, period_end_on, content_id,
        sum(views) as dimension_views
    from breakdown
    where dimension <> 'channel'
    group by platform_id, dimension, period_start_on, period_end_on, content_id
),

final as (
    select
        b.platform_id,
        coalesce(p.name_zh, b.platform_id) as platform_name_zh,
        coalesce(p.name_en, b.platform_id) as platform_name_en,
        b.dimension,
        b.value_key,
        b.value_text,
        b.period_start_on,
        b.period_end_on,
        b.content_id,
        ct.program_id,
        b.views,
        coalesce(
            b.views_share,
            cast(b.views as double) / nullif(coalesce(c.channel_views, d.dimension_views), 0)
        ) as views_share,
        coalesce(
            cast(b.views as double),
            b.views_share * coalesce(c.channel_views, d.dimension_views)
        ) as views_basis,
        b.views is null and b.views_share is not null as is_views_estimated,
        b.watch_time_s,
        b.watch_time_share,
        b.avg_view_duration_s,
        b.avg_pct_viewed,
        b.impressions,
        b.impressions_ctr,
        b.unique_viewers,
        b.new_viewers,
        b.returning_viewers,
        b.subscribers,
        b.followers,
        b.active_followers,
        b.profile_views,
        b.likes,
        b.comments,
        b.shares,
        b.followers_share
    from breakdown as b
    left join platforms as p on p.platform_id = b.platform_id
    left join content as ct on ct.platform_id = b.platform_id and ct.content_id = b.content_id
    left join channel_totals as c
        on
            c.platform_id = b.platform_id
            and c.period_start_on = b.period_start_on
            and c.period_end_on = b.period_end_on
            and c.content_id is not distinct from b.content_id
    left join dimension_totals as d
        on
            d.platform_id = b.platform_id
            and d.dimension = b.dimension
            and d.period_start_on = b.period_start_on
            and d.period_end_on = b.period_end_on
            and d.content_id is not distinct from b.content_id
)

select * from final
