-- Load a participant roster. Staged: stg_participant, stg_participant_edition, stg_pii_contact,
-- stg_reject. Natural keys: participant_id; (participant_id, edition_year).

insert into dim_edition (edition_year, name_zh, name_en)
select distinct edition_year, edition_year || ' AI春晚', 'AI Spring Festival Gala ' || edition_year
from stg_participant_edition
where edition_year not in (select edition_year from dim_edition);

insert into dim_participant
select participant_id, false, $load_id
from stg_participant
where participant_id not in (select participant_id from dim_participant)
group by participant_id;

update dim_participant set is_anonymous = false
where participant_id in (select participant_id from stg_participant);

delete from bridge_participant_edition
where (participant_id, edition_year) in (
    select (participant_id, edition_year) from stg_participant_edition
);

insert into bridge_participant_edition
select participant_id, edition_year, community, team_role, $load_id
from stg_participant_edition
qualify row_number() over (partition by participant_id, edition_year order by row_number desc) = 1;
