-- Load one platform export. Staged: stg_content, stg_content_daily, stg_content_period,
-- stg_counter_issue, stg_calendar. Natural keys: (platform, content), (platform, content, date),
-- (platform, content, period). A re-export that overlaps earlier dates replaces those days.

update dim_content as c
set title = coalesce(s.title, c.title),
    published_at = coalesce(s.published_at, c.published_at),
    duration_s = coalesce(s.duration_s, c.duration_s)
from stg_content as s
where s.platform_id = c.platform_id and s.content_id = c.content_id;

insert into dim_content (platform_id, content_id, title, url, published_at, duration_s, load_id)
select distinct on (platform_id, content_id)
    platform_id, content_id, title, url, published_at, duration_s, $load_id
from (
    select platform_id, content_id, title, url, published_at, duration_s from stg_content
    union all
    select distinct platform_id, content_id, null, null, null, null from stg_content_daily
    union all
    select distinct platform_id, content_id, null, null, null, null from stg_content_period
) as s
where not exists (
    select 1 from dim_content as c
    where c.platform_id = s.platform_id and c.content_id = s.content_id
)
order by platform_id, content_id, title nulls last;

delete from fct_content_daily as f
where exists (
    select 1 from stg_content_daily as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id and s.date_on = f.date_on
);

insert into fct_content_daily
select
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
    completion_rate, impressions_ctr, is_from_cumulative, $load_id
from stg_content_daily;

delete from fct_content_period as f
where exists (
    select 1 from stg_content_period as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id
        and s.period_start_on = f.period_start_on and s.period_end_on = f.period_end_on
);

insert into fct_content_period
select
    platform_id, content_id, period_start_on, period_end_on, views, watch_time_s, impressions,
    impressions_ctr, unique_viewers, avg_view_duration_s, avg_pct_viewed, new_followers, $load_id
from stg_content_period;

insert into counter_issue
select $load_id, platform_id, content_id, date_on, metric, previous_value, value
from stg_counter_issue;
