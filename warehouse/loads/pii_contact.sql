-- Merge staged contacts into the restricted pii_participant_contact table (runs after survey
-- and roster loads). Staged: stg_pii_contact (participant_id, name_text, phone, wechat, email,
-- precedence): per participant the row with the highest precedence wins, and a field it leaves
-- empty keeps the value already stored.

create temp table merged_contact as
with staged as (
    select * from stg_pii_contact
    qualify row_number() over (partition by participant_id order by precedence desc nulls last) = 1
)

select
    s.participant_id,
    coalesce(s.name_text, p.name_text) as name_text,
    coalesce(s.phone, p.phone) as phone,
    coalesce(s.wechat, p.wechat) as wechat,
    coalesce(s.email, p.email) as email
from staged as s
left join pii_participant_contact as p on p.participant_id = s.participant_id;

delete from pii_participant_contact
where participant_id in (select participant_id from merged_contact);

insert into pii_participant_contact
select participant_id, name_text, phone, wechat, email, $load_id, $loaded_at
from merged_contact;

drop table merged_contact;
