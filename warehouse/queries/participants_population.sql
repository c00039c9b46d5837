-- Participants page population (grain: current survey response = participant x edition, key
-- response_id): mart_survey_roster, built at publish with the answers the page charts already
-- folded into one row per response. The page filters and counts people in memory.
with roster as (
    select * from mart_survey_roster
),

final as (
    select * from roster
)

select * from final
order by edition_year, response_id
