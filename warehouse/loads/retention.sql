-- Load audience-retention curves. Staged: stg_retention. A content's curve is replaced whole.
insert into dim_content (platform_id, content_id, load_id)
select distinct platform_id, content_id, $load_id
from stg_retention as s
where not exists (
    select 1 from dim_content as c
    where c.platform_id = s.platform_id and c.content_id = s.content_id
);

delete from fct_audience_retention as f
where exists (
    select 1 from stg_retention as s
    where s.platform_id = f.platform_id and s.content_id = f.content_id
);

insert into fct_audience_retention
select platform_id, content_id, position_pct, audience_share, $load_id
from stg_retention;
