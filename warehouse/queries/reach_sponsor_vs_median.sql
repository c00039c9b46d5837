-- A sponsor's programs against the median program of their edition over a date window
-- (grain: sponsored program; key program_id). The median is over the edition's programs the
-- catalogue links to at least one content item (plays 0 when nothing falls in the window);
-- the engagement-rate median is over those with a rate (plays that report interactions).
-- Over all time (both bounds null, as the dashboard's report is) the programs' totals come from
-- the items' all-time blocks (mart_reach_content_blocks, grain 'all'), one row per content item
-- instead of every content day (10M).
with content_days as not materialized (
    select * from mart_reach_content_daily
),

blocks as not materialized (
    select * from mart_reach_content_blocks
),

programs as (
    select * from mart_reach_program
),

sponsor_programs as (
    select * from mart_reach_sponsor_program
),

window_totals as (
    select
        program_id,
        sum(plays) as plays,
        sum(count_interactions) as count_interactions,
        sum(plays_with_interactions) as plays_with_interactions
    from blocks
    where
        $start_on is null
        and $end_on is null
        and grain = 'all'
        and program_id is not null
    group by program_id
    union all
    select
        program_id,
        sum(views) as plays,
        sum(count_interactions) as count_interactions,
        sum(case when count_interactions is not null then views end) as plays_with_interactions
    from content_days
    where
        not ($start_on is null and $end_on is null)
        and program_id is not null
        and ($start_on is null or date_on >= $start_on)
        and ($end_on is null or date_on <= $end_on)
    group by program_id
),

program_metrics as (
    select
        p.program_id,
        p.edition_year,
        p.title_zh,
        p.count_content_catalogued > 0 as is_published,
        cast(coalesce(t.plays, 0) as bigint) as plays,
        cast(t.count_interactions as double)
        / nullif(t.plays_with_interactions, 0) as engagement_rate
    from programs as p
    left join window_totals as t on t.program_id = p.program_id
),

edition_medians as (
    select
        edition_year,
        count(*) as count_programs_in_edition,
        percentile_cont(0.5) within group (order by plays) as median_plays,
        percentile_cont(0.5) within group (order by engagement_rate) as median_engagement_rate
    from program_metrics
    where is_published
    group by edition_year
),

ranked as (
    select
        program_id,
        rank() over (partition by edition_year order by plays desc) as rank_plays
    from program_metrics
    where is_published
),

final as (
    select
        s.sponsor_id,
        s.sponsor_name_zh,
        s.sponsor_name_en,
        m.program_id,
        m.edition_year,
        m.title_zh,
        m.plays,
        e.median_plays,
        m.plays / nullif(e.median_plays, 0) as plays_vs_median,
        m.engagement_rate,
        e.median_engagement_rate,
        m.engagement_rate / nullif(e.median_engagement_rate, 0) as engagement_rate_vs_median,
        r.rank_plays,
        e.count_programs_in_edition
    from sponsor_programs as s
    inner join program_metrics as m on m.program_id = s.program_id
    left join edition_medians as e on e.edition_year = m.edition_year
    left join ranked as r on r.program_id = m.program_id
    where s.sponsor_id = $sponsor_id
)

select * from final order by edition_year, program_id
