-- A sponsor's programs day by day (grain: edition x date; key (edition_year, date_on)), summed
-- over the sponsor's programs and every platform, from the same content days as reach(), rolled
-- up at publish (mart_sponsor_daily): plays, interactions (and the plays of the days that report
-- any), daily impressions and watch time (reported, else plays x average view duration; totals
-- reported only over a period are not spread over days here).
with sponsor_days as (
    select * from mart_sponsor_daily
),

final as (
    select
        edition_year,
        date_on,
        count_programs,
        count_content_days,
        coalesce(plays, 0) as plays,
        count_interactions,
        plays_with_interactions,
        impressions,
        cast(watch_time_s as double) / 3600.0 as watch_time_h
    from sponsor_days
    where
        sponsor_id = $sponsor_id
        and ($start_on is null or date_on >= $start_on)
        and ($end_on is null or date_on <= $end_on)
)

select * from final order by edition_year, date_on
