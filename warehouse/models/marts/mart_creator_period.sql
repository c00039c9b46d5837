-- materialized: table
-- mart_creator_period [period_basis x period_index]: the periods creator retention counts in.
-- period_basis 'edition': one gala season per year; season Y runs from the day after the
-- previous gala up to and including gala Y's broadcast day, so the works made for a gala count
-- towards it. The gala day is dim_edition.broadcast_on, else 除夕 (the day before 正月初一, from
-- dim_calendar) of that year. The first season is open at the start; the season after the last
-- known gala is open at the end (end_on null). period_index = the season's year.
-- period_basis 'month': calendar months from the first work's month to the data's end (at most
-- 1,000 months); period_index = year * 12 + month - 1.
-- Every period up to the one holding the data's end (the latest published_on) is listed, with or
-- without activity; is_complete = the period ended on or before the data's end.
-- period_ordinal numbers the periods of a basis 1, 2, ... so "the previous period" is ordinal - 1.
-- Read by mart_creator_period_activity, mart_creator_period_lifecycle, mart_creator_retention
-- (model names sort in build order).
with works as (
    select * from fct_creator_activity
),

editions as (
    select * from dim_edition
),

calendar as (
    select * from dim_calendar
),

data_end as (
    select
        min(published_on) as first_on,
        max(published_on) as end_on
    from works
),

festival_eves as (
    select
        year as season_year,
        cast(min(spring_festival_on) - interval '1' day as date) as gala_on
    from calendar
    group by year
),

gala_days as (
    select
        coalesce(e.edition_year, f.season_year) as season_year,
        coalesce(e.broadcast_on, f.gala_on) as gala_on
    from editions as e
    full outer join festival_eves as f on f.season_year = e.edition_year
),

known_seasons as (
    select
        season_year,
        gala_on,
        lag(gala_on) over (order by season_year) as previous_gala_on
    from gala_days
    where gala_on is not null
),

seasons as (
    select
        season_year,
        cast(previous_gala_on + interval '1' day as date) as start_on,
        gala_on as end_on
    from known_seasons
    union all
    select
        max(season_year) + 1 as season_year,
        cast(max(gala_on) + interval '1' day as date) as start_on,
        cast(null as date) as end_on
    from known_seasons
    having count(*) > 0
),

edition_periods as (
    select
        'edition' as period_basis,
        s.season_year as period_index,
        cast(s.season_year as varchar) as period_label,
        s.start_on,
        s.end_on
    from seasons as s
    cross join data_end as d
    where d.end_on is not null
        and (s.start_on is null or s.start_on <= d.end_on)
),

digits as (
    select n from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as t (n)
),

month_offsets as (
    select hundreds.n * 100 + tens.n * 10 + ones.n as n
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

month_bounds as (
    select
        extract(year from first_on) * 12 + extract(month from first_on) - 1 as first_index,
        extract(year from end_on) * 12 + extract(month from end_on) - 1 as last_index
    from data_end
    where end_on is not null
),

month_indexes as (
    select cast(b.first_index + o.n as integer) as period_index
    from month_bounds as b
    inner join month_offsets as o on o.n <= b.last_index - b.first_index
),

month_parts as (
    select
        period_index,
        cast(floor(period_index / 12) as integer) as year_number,
        period_index % 12 + 1 as month_number,
        cast(floor((period_index + 1) / 12) as integer) as next_year_number,
        (period_index + 1) % 12 + 1 as next_month_number
    from month_indexes
),

month_periods as (
    select
        'month' as period_basis,
        period_index,
        cast(year_number as varchar) || '-' || lpad(cast(month_number as varchar), 2, '0')
            as period_label,
        make_date(year_number, month_number, 1) as start_on,
        cast(make_date(next_year_number, next_month_number, 1) - interval '1' day as date)
            as end_on
    from month_parts
),

periods as (
    select * from edition_periods
    union all
    select * from month_periods
),

final as (
    select
        p.period_basis,
        p.period_index,
        row_number() over (partition by p.period_basis order by p.period_index) as period_ordinal,
        p.period_label,
        p.start_on,
        p.end_on,
        coalesce(p.end_on <= d.end_on, false) as is_complete
    from periods as p
    cross join data_end as d
)

select * from final
