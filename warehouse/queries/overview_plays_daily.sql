-- Daily plays of one edition's programs per platform, between two offsets from Spring Festival
-- (grain: platform x date).
select
    platform_id,
    date_on,
    days_from_spring_festival,
    cast(sum(views) as bigint) as plays
from mart_program_daily
where
    edition_year = $edition_year
    and days_from_spring_festival between $from_day and $to_day
group by platform_id, date_on, days_from_spring_festival
order by date_on, platform_id
