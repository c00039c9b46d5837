-- Load creator activity. Staged: stg_activity. Natural key: (participant, platform, content).
delete from fct_creator_activity as f
where exists (
    select 1 from stg_activity as s
    where s.participant_id = f.participant_id and s.platform_id = f.platform_id
        and s.content_id = f.content_id
);

insert into fct_creator_activity
select participant_id, platform_id, content_id, published_on, title, $load_id
from stg_activity;
