-- Plays, interactions, impressions and watch time of one edition's programs (grain: platform x
-- program x date), within an inclusive date window (null bound = unbounded) and a list of
-- platforms (null = every platform). count_interactions is null where the platform reported none.
select
    platform_id,
    program_id,
    program_title_zh,
    date_on,
    days_from_spring_festival,
    views,
    count_interactions,
    impressions,
    watch_time_s
from mart_program_daily
where
    edition_year = $edition_year
    and ($start_on is null or date_on >= $start_on)
    and ($end_on is null or date_on <= $end_on)
    and ($platform_ids is null or list_contains($platform_ids, platform_id))
order by date_on, platform_id, program_id
