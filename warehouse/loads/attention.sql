-- Load topic attention. Staged: stg_topic_attention (series values) and stg_topic_region
-- (Google Trends interest by region); either may be empty. A reader that predates region,
-- granularity or is_below_one stages nulls there: '' (no region), 'day', false.
-- Natural keys: (source, keyword, region, granularity, date) and
-- (source, keyword, geo level, region, period).
delete from fct_topic_attention as f
where exists (
    select 1 from stg_topic_attention as s
    where s.source = f.source
        and s.keyword = f.keyword
        and coalesce(s.region, '') = f.region
        and coalesce(s.granularity, 'day') = f.granularity
        and s.date_on = f.date_on
);

insert into fct_topic_attention (
    source, keyword, region, granularity, date_on, value, is_below_one, load_id
)
select
    source,
    keyword,
    coalesce(region, ''),
    coalesce(granularity, 'day'),
    date_on,
    value,
    coalesce(is_below_one, false),
    $load_id
from stg_topic_attention;

delete from fct_topic_region as f
where exists (
    select 1 from stg_topic_region as s
    where s.source = f.source
        and s.keyword = f.keyword
        and s.geo_level = f.geo_level
        and s.region_name = f.region_name
        and s.period_text = f.period_text
);

insert into fct_topic_region (
    source, keyword, geo_level, region_name, period_text, period_start_on, period_end_on,
    value, value_kind, is_below_one, load_id
)
select
    source,
    keyword,
    geo_level,
    region_name,
    period_text,
    period_start_on,
    period_end_on,
    value,
    value_kind,
    coalesce(is_below_one, false),
    $load_id
from stg_topic_region;
