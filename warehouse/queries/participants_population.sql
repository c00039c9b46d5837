-- Participants page population (grain: current survey response = participant x edition, key
-- response_id): mart_survey_roster, built at publish with the answers the page charts already
-- folded into one row per response. The page filters and counts people in memory.
with roster as (
    select * from mart_survey_roster
),

final as (
    select * from roster
)

-- Unordered: the page counts and sorts what it shows itself; ordering 100k rows (lists among the
-- columns) cost ~200 ms of every request.
select * from final
