-- materialized: table
-- mart_attention_daily [series x date]: every daily attention series aligned on days from
-- Spring Festival (正月初一 of the date's calendar year, from dim_calendar). Series are topic
-- attention as '<source>/<keyword>' (series_kind 'attention', value = the index) and the gala's
-- plays as 'plays:<platform>' and 'plays:all' (series_kind 'plays', value = views summed over
-- content that belongs to a program). A day with no reported value has no row, never a zero.
-- granularity is 'day' | 'week' | 'month' (date_on = the first day of the week / month); a
-- topic series with a region is '<source>/<keyword> (<region>)' and a coarser one ends in
-- ' [week]' / ' [month]', so the same term in two regions or at two granularities never mixes.
-- is_below_one marks Google Trends `<1` values (stored as 0.5).
-- A table: as a view, every read of the attention page (coverage, windows) and the fit
-- fingerprints at publish aggregated the 10M daily platform rows again (~150 ms a query).
with attention as (
    select * from fct_topic_attention
),

content_daily as (
    select * from fct_content_daily
),

content as (
    select * from dim_content
),

calendar as (
    select * from dim_calendar
),

topic_series as (
    select
        source || '/' || keyword
        || case when region <> '' then ' (' || region || ')' else '' end
        || case when granularity <> 'day' then ' [' || granularity || ']' else '' end as series,
        'attention' as series_kind,
        granularity,
        date_on,
        value,
        is_below_one
    from attention
),

program_views as (
    select
        d.platform_id,
        d.date_on,
        d.views
    from content_daily as d
    inner join content as c
        on c.platform_id = d.platform_id
        and c.content_id = d.content_id
    where c.program_id is not null
        and d.views is not null
),

plays_by_platform as (
    select
        'plays:' || platform_id as series,
        'plays' as series_kind,
        'day' as granularity,
        date_on,
        cast(sum(views) as double) as value,
        false as is_below_one
    from program_views
    group by platform_id, date_on
),

plays_all as (
    select
        'plays:all' as series,
        'plays' as series_kind,
        'day' as granularity,
        date_on,
        cast(sum(views) as double) as value,
        false as is_below_one
    from program_views
    group by date_on
),

all_series as (
    select * from topic_series
    union all
    select * from plays_by_platform
    union all
    select * from plays_all
),

final as (
    select
        s.series,
        s.series_kind,
        s.date_on,
        k.year,
        k.spring_festival_on,
        k.days_from_spring_festival,
        s.value,
        s.granularity,
        s.is_below_one
    from all_series as s
    inner join calendar as k on k.date_on = s.date_on
)

select * from final
