-- Fingerprint of each series x year cell's fit input (the rows decline_by_year reads: days
-- $first_day..$last_day from Spring Festival, with their date and granularity), over the same
-- series x year grid as attention_series_years; a cell with no rows in the window gets ''.
-- Publishing refits a cell only when this changed (grain: series x year).
with grid as (
    select distinct s.series, y.year
    from (select distinct series from mart_attention_daily) as s
    cross join (select distinct year from mart_attention_daily) as y
),

window_rows as (
    select
        series,
        year,
        days_from_spring_festival,
        date_on,
        value,
        granularity
    from mart_attention_daily
    where days_from_spring_festival between $first_day and $last_day
),

cells as (
    select
        series,
        year,
        sha256(
            string_agg(
                concat_ws(
                    '|',
                    days_from_spring_festival,
                    date_on,
                    coalesce(cast(value as varchar), 'null'),
                    coalesce(granularity, 'null')
                ),
                ';'
                order by days_from_spring_festival, date_on, value, granularity
            )
        ) as input_sha256
    from window_rows
    group by series, year
),

final as (
    select
        g.series,
        cast(g.year as bigint) as year,
        coalesce(c.input_sha256, '') as input_sha256
    from grid as g
    left join cells as c on c.series = g.series and c.year = g.year
)

select * from final order by series, year
