-- Load the program catalogue. Staged: stg_edition, stg_program, stg_program_participant,
-- stg_sponsor, stg_sponsor_program, stg_program_content. Natural keys: edition_year, program_id,
-- sponsor_id, (platform_id, content_id). The workbook is the truth for the programs it lists:
-- their creators and sponsors are replaced, not added to.

insert into dim_edition (edition_year, name_zh, name_en, broadcast_on)
select edition_year, coalesce(name_zh, edition_year || ' AI春晚'),
    'AI Spring Festival Gala ' || edition_year, broadcast_on
from stg_edition
where edition_year not in (select edition_year from dim_edition);

update dim_edition as d
set broadcast_on = coalesce(s.broadcast_on, d.broadcast_on), name_zh = coalesce(s.name_zh, d.name_zh)
from stg_edition as s
where s.edition_year = d.edition_year;

delete from dim_program where program_id in (select program_id from stg_program);

insert into dim_program
select program_id, edition_year, title_zh, genre, duration_s, $load_id from stg_program;

delete from bridge_program_participant where program_id in (select program_id from stg_program);

insert into bridge_program_participant
select program_id, participant_id, credit_role, $load_id from stg_program_participant;

delete from dim_sponsor where sponsor_id in (select sponsor_id from stg_sponsor);

insert into dim_sponsor
select sponsor_id, name_zh, name_en, $load_id from stg_sponsor;

delete from bridge_sponsor_program where program_id in (select program_id from stg_program);

insert into bridge_sponsor_program
select sponsor_id, program_id, $load_id from stg_sponsor_program;

update dim_content as c
set program_id = s.program_id, url = coalesce(s.url, c.url)
from stg_program_content as s
where s.platform_id = c.platform_id and s.content_id = c.content_id;

insert into dim_content (platform_id, content_id, program_id, url, load_id)
select platform_id, content_id, program_id, url, $load_id
from stg_program_content as s
where not exists (
    select 1 from dim_content as c
    where c.platform_id = s.platform_id and c.content_id = s.content_id
);

-- Works an export gave no platform id (keyed by title + publish time, FORMATS §3.1) that no
-- program claims yet: by the URL of a 发布 row on the same platform, else by the program's
-- normalised title (stg_program_title: every program's title_key once this workbook is in). A
-- URL or title two programs share matches neither.
update dim_content as c
set program_id = u.program_id
from (
    select platform_id, url, min(program_id) as program_id
    from dim_content
    where program_id is not null and url is not null
    group by platform_id, url
    having count(distinct program_id) = 1
) as u
where
    c.program_id is null
    and c.key_source <> 'platform_id'
    and c.platform_id = u.platform_id
    and c.url = u.url;

update dim_content as c
set program_id = m.program_id
from (
    select title_key, min(program_id) as program_id
    from stg_program_title
    group by title_key
    having count(distinct program_id) = 1
) as m
where
    c.program_id is null
    and c.key_source <> 'platform_id'
    and c.title_key = m.title_key;
