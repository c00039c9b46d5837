-- Tables and views of the published snapshot (grain: table). Row counts come from Reader.
select
    table_name,
    lower(table_type) as table_type
from information_schema.tables
where table_schema = 'main'
order by table_name
