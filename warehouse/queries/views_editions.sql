-- Editions for the views page, oldest first (grain: edition): names, the span of days with
-- program plays, and that year's Spring Festival (正月初一) read off the calendar offsets, from
-- the programs' totals rolled up at publish (mart_views_program_total).
with editions as (
    select * from mart_overview_edition
),

program_totals as (
    select * from mart_views_program_total
),

spans as (
    select
        edition_year,
        min(first_on) as first_on,
        max(last_on) as last_on,
        min(spring_festival_on) as spring_festival_on
    from program_totals
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
