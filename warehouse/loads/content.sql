-- Load one platform export. Staged: stg_content, stg_content_daily, stg_content_period,
-- stg_counter_issue, stg_calendar. Natural keys: (platform, content), (platform, content, date),
-- (platform, content, period). A re-export that overlaps earlier dates replaces those days.
--
-- fct_content_daily has no primary key (migration 0004: its index cost more than the rest of
-- the load); this script keeps (platform_id, content_id, date_on) unique instead. The staged
-- days must not repeat a key (the readers reject a repeated key as "duplicate of row N"): if
-- they ever do, the load fails here and its transaction rolls back. Every stored day a file
-- restates is deleted before the staged days go in, so a re-export replaces, never adds.
select error(
    'stg_content_daily repeats the key (' || platform_id || ', ' || content_id || ', '
    || cast(date_on as varchar) || '): the reader must reject duplicate days'
)
from stg_content_daily
group by platform_id, content_id, date_on
having count(*) > 1
limit 1;

update dim_content as c
set title = coalesce(s.title, c.title),
    published_at = coalesce(s.published_at, c.published_at),
    duration_s = coalesce(s.duration_s, c.duration_s),
    content_format = coalesce(s.content_format, c.content_format),
    review_status = coalesce(s.review_status, c.review_status),
    title_key = coalesce(s.title_key, c.title_key),
    key_source = coalesce(s.key_source, c.key_source)
from stg_content as s
where s.platform_id = c.platform_id and s.content_id = c.content_id;

insert into dim_content (
    platform_id, content_id, title, url, published_at, duration_s, content_format,
    review_status, title_key, key_source, load_id
)
select distinct on (platform_id, content_id)
    platform_id, content_id, title, url, published_at, duration_s, content_format,
    review_status, title_key, key_source, $load_id
from (
    select
        platform_id, content_id, title, url, published_at, duration_s, content_format,
        review_status, title_key, key_source
    from stg_content
    union all
    select distinct platform_id, content_id, null, null, null, null, null, null, null, null
    from stg_content_daily
    union all
    select distinct platform_id, content_id, null, null, null, null, null, null, null, null
    from stg_content_period
) as s
where not exists (
    select 1 from dim_content as c
    where c.platform_id = s.platform_id and c.content_id = s.content_id
)
order by platform_id, content_id, title nulls last;

-- A cumulative export's first day in this file carries the whole running total. When the
-- warehouse already holds earlier days of that content, subtract what they add up to, so a
-- re-export that starts mid-life never counts the same plays twice. first_adjust holds one row
-- per such content (what its earlier days add up to, and the first day to subtract it from),
-- so the staged rows go into the fact table in one pass, adjusted by a join to a small table.
create temp table first_adjust as
with firsts as (
    select platform_id, content_id, min(date_on) as first_on
    from stg_content_daily
    where is_from_cumulative
    group by platform_id, content_id
)

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
group by f.platform_id, f.content_id, f.first_on;

-- Only an adjusted first day can turn negative (every other row keeps its staged value).
insert into counter_issue
select $load_id, s.platform_id, s.content_id, s.date_on, 'views', null, s.views - coalesce(a.views, 0)
from stg_content_daily as s
inner join first_adjust as a
    on a.platform_id = s.platform_id and a.content_id = s.content_id and a.first_on = s.date_on
where s.is_from_cumulative and s.views - coalesce(a.views, 0) < 0 and s.views >= 0;

delete from fct_content_daily as f
where exists (
    select 1 from stg_content_daily as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id and s.date_on = f.date_on
);

insert into fct_content_daily (
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s,
    completion_rate, impressions_ctr, is_from_cumulative, load_id
)
select
    s.platform_id,
    s.content_id,
    s.date_on,
    case when a.content_id is not null then s.views - coalesce(a.views, 0) else s.views end,
    case when a.content_id is not null then s.likes - coalesce(a.likes, 0) else s.likes end,
    case when a.content_id is not null then s.comments - coalesce(a.comments, 0) else s.comments end,
    case when a.content_id is not null then s.shares - coalesce(a.shares, 0) else s.shares end,
    case when a.content_id is not null then s.favorites - coalesce(a.favorites, 0) else s.favorites end,
    case when a.content_id is not null then s.coins - coalesce(a.coins, 0) else s.coins end,
    case when a.content_id is not null then s.danmaku - coalesce(a.danmaku, 0) else s.danmaku end,
    case when a.content_id is not null then s.new_followers - coalesce(a.new_followers, 0) else s.new_followers end,
    s.impressions,
    s.unique_viewers,
    s.watch_time_s,
    s.avg_view_duration_s,
    s.completion_rate,
    s.impressions_ctr,
    s.is_from_cumulative,
    $load_id
from stg_content_daily as s
left join first_adjust as a
    on
        s.is_from_cumulative
        and a.platform_id = s.platform_id
        and a.content_id = s.content_id
        and a.first_on = s.date_on;

drop table first_adjust;

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

-- Works with no platform id (keyed by title + publish time) find their program through the
-- catalogue: by the URL of a 发布 row on the same platform, else by title. stg_program_title holds
-- each program's title_key (etl.platforms.snapshot); a URL or title two programs share matches
-- neither (the work stays unmatched and is reported).
update dim_content as c
set program_id = u.program_id
from (
    select platform_id, url, min(program_id) as program_id
    from dim_content
    where program_id is not null and url is not null
    group by platform_id, url
    having count(distinct program_id) = 1
) as u
where
    c.program_id is null
    and c.key_source <> 'platform_id'
    and c.platform_id = u.platform_id
    and c.url = u.url
    and exists (
        select 1 from stg_content as s
        where s.platform_id = c.platform_id and s.content_id = c.content_id
    );

update dim_content as c
set program_id = m.program_id
from (
    select title_key, min(program_id) as program_id
    from stg_program_title
    group by title_key
    having count(distinct program_id) = 1
) as m
where
    c.program_id is null
    and c.key_source <> 'platform_id'
    and c.title_key = m.title_key
    and exists (
        select 1 from stg_content as s
        where s.platform_id = c.platform_id and s.content_id = c.content_id
    );
