-- Headline figures of every edition, oldest first (grain: edition).
select * from mart_overview_edition
order by edition_year
