-- One edition's programs per platform over an inclusive date window (null bound = unbounded) on a
-- list of platforms (null = every platform), with their summed plays, interactions, impressions
-- and watch time (grain: program x platform; a figure no row reports is null, not 0).
-- $whole_edition: the caller knows the window holds every day of the edition's programs (the
-- span views_editions reports), so the totals rolled up at publish (mart_views_program_total)
-- are the window's sums: the first branch reads a few thousand rows, the second (skipped then,
-- its condition being constant) every program day of the window.
with totals as (
    select
        program_id,
        program_title_zh as title_zh,
        platform_id,
        views as plays,
        count_interactions,
        impressions,
        watch_time_s / 3600.0 as watch_time_h
    from mart_views_program_total
    where
        $whole_edition
        and edition_year = $edition_year
        and ($platform_ids is null or list_contains($platform_ids, platform_id))
),

window_sums as (
    select
        program_id,
        program_title_zh as title_zh,
        platform_id,
        cast(sum(views) as bigint) as plays,
        cast(sum(count_interactions) as bigint) as count_interactions,
        cast(sum(impressions) as bigint) as impressions,
        sum(watch_time_s / 3600.0) as watch_time_h
    from mart_program_daily
    where
        not $whole_edition
        and edition_year = $edition_year
        and program_id is not null
        and ($start_on is null or date_on >= $start_on)
        and ($end_on is null or date_on <= $end_on)
        and ($platform_ids is null or list_contains($platform_ids, platform_id))
    group by program_id, program_title_zh, platform_id
)

select * from totals
union all
select * from window_sums
order by program_id, platform_id
