-- Every catalogue program's title, for matching works that have no platform id (grain: program).
select program_id, title_zh
from dim_program
order by program_id
