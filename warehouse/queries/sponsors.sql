-- Every sponsor with its names and number of sponsored programs (grain: sponsor).
select
    sponsor_id,
    any_value(sponsor_name_zh) as sponsor_name_zh,
    any_value(sponsor_name_en) as sponsor_name_en,
    count(program_id) as count_programs
from mart_reach_sponsor_program
group by sponsor_id
order by sponsor_id
