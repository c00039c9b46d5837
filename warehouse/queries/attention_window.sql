-- Values of the attention series between two offsets from Spring Festival, for the decline fit
-- (daily, or weekly / monthly with date_on the period's first day: see granularity);
-- $series null = every series (grain: series x date).
select
    series,
    series_kind,
    year,
    date_on,
    days_from_spring_festival,
    value,
    granularity
from mart_attention_daily
where ($series is null or series = $series)
    and days_from_spring_festival between $first_day and $last_day
order by series, year, days_from_spring_festival
