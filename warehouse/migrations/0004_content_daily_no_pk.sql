-- 0004 fct_content_daily without its PRIMARY KEY. The key's index cost ~12 s of CPU in a 10M-row
-- ingest (every insert probes and grows it) and no reader uses it: the warehouse keeps
-- (platform_id, content_id, date_on) unique by construction instead. loads/content.sql fails a
-- load whose staged days repeat a key (the readers reject such rows first) and deletes every
-- stored day a file restates before inserting it; tests/warehouse/test_content_keys.py holds
-- both. DuckDB cannot drop a constraint, so the table is rebuilt with the same columns, order,
-- types and NOT NULLs, and its rows copied in key order.
create table fct_content_daily_0004 (
    platform_id varchar not null,
    content_id varchar not null,
    date_on date not null,
    views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    favorites bigint,
    coins bigint,
    danmaku bigint,
    new_followers bigint,
    impressions bigint,
    unique_viewers bigint,
    watch_time_s double,
    avg_view_duration_s double,
    completion_rate double,
    impressions_ctr double,
    is_from_cumulative boolean not null,
    load_id varchar not null
);

insert into fct_content_daily_0004
select
    platform_id, content_id, date_on, views, likes, comments, shares, favorites, coins, danmaku,
    new_followers, impressions, unique_viewers, watch_time_s, avg_view_duration_s, completion_rate,
    impressions_ctr, is_from_cumulative, load_id
from fct_content_daily
order by platform_id, content_id, date_on;

drop table fct_content_daily;

alter table fct_content_daily_0004 rename to fct_content_daily;
