-- Store named rule segments. Staged: stg_segment_definition (segment_name, label_zh, label_en,
-- filters, source). Natural key: segment_name; created_at survives an update.

create temp table merged_segment as
select
    s.segment_name,
    s.label_zh,
    s.label_en,
    s.filters,
    s.source,
    coalesce(d.created_at, $saved_at) as created_at,
    $saved_at as updated_at
from stg_segment_definition as s
left join segment_definition as d on d.segment_name = s.segment_name;

delete from segment_definition
where segment_name in (select segment_name from merged_segment);

insert into segment_definition
select segment_name, label_zh, label_en, filters::json, source, created_at, updated_at
from merged_segment;

drop table merged_segment;
