-- One edition's programs on each platform with their plays over all days (grain: platform x
-- program; only content matching a program, which is what carries an edition): the views page's
-- platform and program options and its ranking of programs, without reading the edition's daily
-- rows (millions at 10M fact rows).
select
    platform_id,
    program_id,
    program_title_zh,
    cast(sum(views) as bigint) as views
from mart_program_daily
where edition_year = $edition_year
group by platform_id, program_id, program_title_zh
order by platform_id, program_id
