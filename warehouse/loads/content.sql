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

-- A cumulative export's first day in this file carries the whole running total. When the
-- warehouse already holds earlier days of that content, subtract what they add up to, so a
-- re-export that starts mid-life never counts the same plays twice.
create temp table daily_adjusted as
with firsts as (
    select platform_id, content_id, min(date_on) as first_on
    from stg_content_daily
    where is_from_cumulative
    group by platform_id, content_id
),

earlier as (
    select
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
    inner join fct_content_daily as d
        on d.platform_id = f.platform_id and d.content_id = f.content_id and d.date_on < f.first_on
    group by f.platform_id, f.content_id, f.first_on
)

select
    s.* replace (
        case when e.content_id is not null and s.date_on = e.first_on then s.views - coalesce(e.views, 0) else s.views end as views,
        case when e.content_id is not null and s.date_on = e.first_on then s.likes - coalesce(e.likes, 0) else s.likes end as likes,
        case when e.content_id is not null and s.date_on = e.first_on then s.comments - coalesce(e.comments, 0) else s.comments end as comments,
        case when e.content_id is not null and s.date_on = e.first_on then s.shares - coalesce(e.shares, 0) else s.shares end as shares,
        case when e.content_id is not null and s.date_on = e.first_on then s.favorites - coalesce(e.favorites, 0) else s.favorites end as favorites,
        case when e.content_id is not null and s.date_on = e.first_on then s.coins - coalesce(e.coins, 0) else s.coins end as coins,
        case when e.content_id is not null and s.date_on = e.first_on then s.danmaku - coalesce(e.danmaku, 0) else s.danmaku end as danmaku,
        case when e.content_id is not null and s.date_on = e.first_on then s.new_followers - coalesce(e.new_followers, 0) else s.new_followers end as new_followers
    )
from stg_content_daily as s
left join earlier as e
    on e.platform_id = s.platform_id and e.content_id = s.content_id and s.is_from_cumulative;

insert into counter_issue
select $load_id, s.platform_id, s.content_id, s.date_on, 'views', null, s.views
from daily_adjusted as s
inner join stg_content_daily as raw
    on raw.platform_id = s.platform_id and raw.content_id = s.content_id and raw.date_on = s.date_on
where s.is_from_cumulative and s.views < 0 and raw.views >= 0;

delete from fct_content_daily as f
where exists (
    select 1 from daily_adjusted as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id and s.date_on = f.date_on
);

insert into fct_content_daily
select
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
    completion_rate, impressions_ctr, is_from_cumulative, $load_id
from daily_adjusted;

drop table daily_adjusted;

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
