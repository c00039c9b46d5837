-- Every attention series and every Spring Festival year the mart holds, crossed, so a year with
-- no data for a series still gets a row; $series null = every series (grain: series x year).
with series as (
    select distinct series, series_kind
    from mart_attention_daily
    where $series is null or series = $series
),

years as (
    select distinct year from mart_attention_daily
),

final as (
    select s.series, s.series_kind, y.year
    from series as s
    cross join years as y
)

select * from final order by series, year
