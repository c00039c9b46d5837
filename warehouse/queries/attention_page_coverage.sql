-- Which attention series the warehouse holds and in which Spring Festival years, with how many
-- days (points) each and the series' granularity (the attention page's series and year
-- choices) (grain: series x year).
with daily as (
    select * from mart_attention_daily
),

final as (
    select
        series,
        series_kind,
        year,
        min(granularity) as granularity,
        min(spring_festival_on) as spring_festival_on,
        count(*) as count_days,
        min(date_on) as first_on,
        max(date_on) as last_on
    from daily
    where value is not null
    group by series, series_kind, year
)

select * from final order by series_kind, series, year
