-- materialized: table
-- mart_overview_edition [edition], key edition_year: an edition's headline figures.
-- count_participants: people taking part (roster or program credits, fct_edition_participation);
-- count_respondents: current survey responses of the edition; count_programs: catalogued
-- programs; count_communities: distinct named communities respondents came from ('other' and
-- blanks not counted); plays: platform-reported plays of the edition's programs, all days;
-- live_peak_*: the edition's summed concurrent viewers at their peak (mart_live_total);
-- share_returned_from_previous: share of the previous edition's participants who take part in
-- this one (null for the first edition).
-- A table: a handful of rows summing every fact table (10M content days), read by the overview,
-- views and cohort pages; built once per load instead of by every dashboard worker.
with editions as (
    select * from dim_edition
),

participation as (
    select * from fct_edition_participation
),

responses as (
    select * from fct_survey_response_current
),

answers as (
    select * from fct_survey_answer
),

programs as (
    select * from dim_program
),

content_days as (
    select * from fct_content_reach_daily
),

live as (
    select * from mart_live_total
),

returns as (
    select * from mart_creator_edition_return
),

participants as (
    select edition_year, count(distinct participant_id) as count_participants
    from participation
    group by edition_year
),

respondents as (
    select edition_year, count(*) as count_respondents
    from responses
    group by edition_year
),

communities as (
    select r.edition_year, count(distinct a.item_key) as count_communities
    from answers as a
    inner join responses as r on r.response_id = a.response_id
    where
        a.question_id = 'communities'
        and a.answer_status = 'answered'
        and a.item_key not in ('', 'other')
    group by r.edition_year
),

program_counts as (
    select edition_year, count(*) as count_programs
    from programs
    group by edition_year
),

plays as (
    select p.edition_year, cast(sum(d.views) as bigint) as plays
    from content_days as d
    inner join programs as p on p.program_id = d.program_id
    group by p.edition_year
),

final as (
    select
        e.edition_year,
        e.name_zh,
        e.name_en,
        e.broadcast_on,
        coalesce(pa.count_participants, 0) as count_participants,
        coalesce(rs.count_respondents, 0) as count_respondents,
        coalesce(pc.count_programs, 0) as count_programs,
        coalesce(co.count_communities, 0) as count_communities,
        coalesce(pl.plays, 0) as plays,
        l.peak_concurrent_viewers as live_peak_concurrent_viewers,
        l.peak_minute_at as live_peak_minute_at,
        prev.share_returned as share_returned_from_previous
    from editions as e
    left join participants as pa on pa.edition_year = e.edition_year
    left join respondents as rs on rs.edition_year = e.edition_year
    left join communities as co on co.edition_year = e.edition_year
    left join program_counts as pc on pc.edition_year = e.edition_year
    left join plays as pl on pl.edition_year = e.edition_year
    left join live as l on l.edition_year = e.edition_year
    left join returns as prev on prev.next_edition_year = e.edition_year
)

select * from final
