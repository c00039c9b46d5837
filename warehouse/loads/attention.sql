-- Load a topic-attention series. Staged: stg_topic_attention. Natural key: (source, keyword, date).
delete from fct_topic_attention as f
where exists (
    select 1 from stg_topic_attention as s
    where s.source = f.source and s.keyword = f.keyword and s.date_on = f.date_on
);

insert into fct_topic_attention
select source, keyword, date_on, value, $load_id
from stg_topic_attention;
