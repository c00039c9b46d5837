-- Content items of a load that belong to no program (grain: platform x content).
select distinct c.platform_id, c.content_id, c.title
from dim_content as c
inner join fct_content_daily as f on f.platform_id = c.platform_id and f.content_id = c.content_id
where c.program_id is null and f.load_id = $load_id
order by 1, 2
