-- Daily plays, interactions, impressions and watch time of chosen programs of one edition,
-- summed over a list of platforms (null = every platform), within an inclusive date window
-- (null bound = unbounded) (grain: program x date; a figure no row reports is null, not 0).
select
    date_on,
    days_from_spring_festival,
    program_id,
    program_title_zh as title_zh,
    cast(sum(views) as bigint) as plays,
    cast(sum(count_interactions) as bigint) as count_interactions,
    cast(sum(impressions) as bigint) as impressions,
    sum(watch_time_s / 3600.0) as watch_time_h,
    -- a snapshot export's first total or multi-day change: the page marks it, no daily curve
    coalesce(bool_or(is_first_snapshot), false) as is_first_snapshot,
    coalesce(bool_or(is_interval), false) as is_interval
from mart_program_daily
where
    edition_year = $edition_year
    and list_contains($program_ids, program_id)
    and ($start_on is null or date_on >= $start_on)
    and ($end_on is null or date_on <= $end_on)
    and ($platform_ids is null or list_contains($platform_ids, platform_id))
group by date_on, days_from_spring_festival, program_id, program_title_zh
order by date_on, program_id
