-- Editions for the views page, oldest first (grain: edition): names, the span of days with
-- program plays, and that year's Spring Festival (正月初一) read off the calendar offsets.
with editions as (
    select * from mart_overview_edition
),

program_days as (
    select * from mart_program_daily
),

spans as (
    select
        edition_year,
        min(date_on) as first_on,
        max(date_on) as last_on,
        min(date_on - cast(days_from_spring_festival as integer)) filter (
            where calendar_year = edition_year
        ) as spring_festival_on
    from program_days
    where edition_year is not null
    group by edition_year
),

final as (
    select
        e.edition_year,
        e.name_zh,
        e.name_en,
        s.first_on,
        s.last_on,
        s.spring_festival_on
    from editions as e
    left join spans as s on s.edition_year = e.edition_year
)

select * from final order by edition_year
