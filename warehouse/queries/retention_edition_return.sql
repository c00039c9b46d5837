-- Edition-to-edition return rate (grain: edition).
select
    edition_year,
    next_edition_year,
    count_participants,
    count_returned,
    share_returned
from mart_creator_edition_return
order by edition_year
