-- Named rule segments (grain: segment).
select segment_name, label_zh, label_en, filters, source, created_at, updated_at
from segment_definition
order by segment_name
