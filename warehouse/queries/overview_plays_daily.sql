-- Daily plays of one edition's programs per platform, between two offsets from Spring Festival
-- (grain: platform x date), from the publish-time rollup mart_views_platform_daily.
select
    platform_id,
    date_on,
    days_from_spring_festival,
    views as plays
from mart_views_platform_daily
where
    edition_year = $edition_year
    and days_from_spring_festival between $from_day and $to_day
order by date_on, platform_id
