-- materialized: table
-- mart_sponsor_daily [sponsor x edition x date], key (sponsor_id, edition_year, date_on): each
-- sponsor's programs day by day, summed over the programs of the edition and every platform, from
-- the content days the reach reports read (fct_content_reach_daily): what a sponsor report's daily
-- series reads (queries/sponsor_report_daily.sql), a few thousand rows instead of every content
-- day (10M) for each request. count_programs: distinct programs with a content day that day;
-- plays_with_interactions: the plays of the content days that report any interaction; watch
-- time: reported, else plays x average view duration (totals a platform reports only over a
-- period are not spread over days here). Fractional sums are decimals with 10 places, so the
-- table is the same however it is built (see mart_reach_content_blocks).
with content_days as not materialized (
    select * from fct_content_reach_daily
),

programs as (
    select * from dim_program
),

sponsorships as (
    select * from bridge_sponsor_program
),

scope as (
    select distinct
        s.sponsor_id,
        s.program_id,
        p.edition_year
    from sponsorships as s
    inner join programs as p on p.program_id = s.program_id
),

final as (
    select
        s.sponsor_id,
        s.edition_year,
        d.date_on,
        count(distinct d.program_id) as count_programs,
        count(*) as count_content_days,
        cast(sum(d.views) as bigint) as plays,
        cast(sum(d.count_interactions) as bigint) as count_interactions,
        cast(sum(d.views) filter (d.count_interactions is not null) as bigint)
            as plays_with_interactions,
        cast(sum(d.impressions) as bigint) as impressions,
        sum(cast(d.watch_time_s as decimal(38, 10))) as watch_time_s
    from content_days as d
    inner join scope as s on s.program_id = d.program_id
    group by s.sponsor_id, s.edition_year, d.date_on
)

select * from final
