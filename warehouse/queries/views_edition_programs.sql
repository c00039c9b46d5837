-- One edition's programs on each platform with their plays over all days (grain: platform x
-- program; only content matching a program, which is what carries an edition): the views page's
-- platform and program options and its ranking of programs, from the totals rolled up at publish
-- (mart_views_program_total) rather than the edition's daily rows (millions at 10M fact rows).
select
    platform_id,
    program_id,
    program_title_zh,
    views
from mart_views_program_total
where edition_year = $edition_year
order by platform_id, program_id
