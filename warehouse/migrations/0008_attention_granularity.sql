-- 0008 attention series as downloaded (Google Trends, 百度指数, 微信指数, 巨量算数):
-- fct_topic_attention gains the series' region (Google Trends `term: (Region)`, '' when the
-- source names none), its granularity ('day' | 'week' | 'month'; every row loaded before this
-- migration was daily) and is_below_one (Google Trends writes `<1` for "above zero, below one":
-- stored as 0.5 with this flag, never rejected). The natural key grows to
-- (source, keyword, region, granularity, date_on): a term asked for two regions, or the same
-- term downloaded daily and weekly, are different series. DuckDB cannot change a primary key,
-- so the table is rebuilt with the old rows copied in their stored order.
create table fct_topic_attention_0008 (
    source varchar not null,
    keyword varchar not null,
    region varchar not null default '',
    granularity varchar not null default 'day',
    date_on date not null,
    value double not null,
    is_below_one boolean not null default false,
    load_id varchar not null,
    primary key (source, keyword, region, granularity, date_on)
);

insert into fct_topic_attention_0008
select source, keyword, '', 'day', date_on, value, false, load_id
from fct_topic_attention;

drop table fct_topic_attention;

alter table fct_topic_attention_0008 rename to fct_topic_attention;

-- fct_topic_region [source x keyword x geo level x region x period]: Google Trends "interest by
-- region" (geoMap.csv). value is 0..100 relative to the top region of the file (value_kind
-- 'index'), or, when several terms were compared, each term's percent share of the region's
-- searches among those terms (value_kind 'share_pct', 0..100). A blank cell (too little search
-- volume for Google to show) is kept as value null, so the region is known to have been asked.
-- period_text is the header's range as written (`2/1/25 - 4/30/25`); the dates are parsed only
-- when unambiguous, else null.
create table if not exists fct_topic_region (
    source varchar not null,
    keyword varchar not null,
    geo_level varchar not null,
    region_name varchar not null,
    period_text varchar not null,
    period_start_on date,
    period_end_on date,
    value double,
    value_kind varchar not null,
    is_below_one boolean not null,
    load_id varchar not null,
    primary key (source, keyword, geo_level, region_name, period_text)
);
