-- A sponsor's programs day by day (grain: edition x date; key (edition_year, date_on)), summed
-- over the sponsor's programs and every platform, from the same content days as reach():
-- plays, interactions (and the plays of the days that report any), daily impressions and watch
-- time (reported, else plays x average view duration; totals reported only over a period are
-- not spread over days here). days_from_broadcast counts from the edition's broadcast date.
with content_days as (
    select * from mart_reach_content_daily
),

programs as (
    select * from mart_reach_program
),

sponsor_programs as (
    select * from mart_reach_sponsor_program
),

scope as (
    select distinct s.program_id, p.edition_year
    from sponsor_programs as s
    inner join programs as p on p.program_id = s.program_id
    where s.sponsor_id = $sponsor_id
),

final as (
    select
        s.edition_year,
        d.date_on,
        count(distinct d.program_id) as count_programs,
        count(*) as count_content_days,
        cast(coalesce(sum(d.views), 0) as bigint) as plays,
        cast(sum(d.count_interactions) as bigint) as count_interactions,
        cast(sum(case when d.count_interactions is not null then d.views end) as bigint)
            as plays_with_interactions,
        cast(sum(d.impressions) as bigint) as impressions,
        sum(d.watch_time_s) / 3600.0 as watch_time_h
    from content_days as d
    inner join scope as s on s.program_id = d.program_id
    where
        ($start_on is null or d.date_on >= $start_on)
        and ($end_on is null or d.date_on <= $end_on)
    group by s.edition_year, d.date_on
)

select * from final order by edition_year, date_on
