-- Current survey responses per edition (grain: edition).
select
    edition_year,
    count(*) as count_responses,
    count(distinct participant_id) as count_participants
from mart_survey_response
group by edition_year
order by edition_year
