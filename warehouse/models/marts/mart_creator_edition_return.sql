-- materialized: table
-- mart_creator_edition_return [edition]: edition-to-edition return rate. A participant takes
-- part in an edition if the roster lists it (参与届次) or they are credited on one of its
-- programs. count_returned = participants of edition E who also take part in the next edition
-- (the next edition_year that has participants); share_returned = count_returned /
-- count_participants. The latest edition has no next one: next_edition_year, count_returned and
-- share_returned are null.
with participation as (
    select * from fct_edition_participation
),

editions as (
    select
        edition_year,
        count(*) as count_participants,
        lead(edition_year) over (order by edition_year) as next_edition_year
    from participation
    group by edition_year
),

returned as (
    select
        e.edition_year,
        count(*) as count_returned
    from editions as e
    inner join participation as this_edition on this_edition.edition_year = e.edition_year
    inner join participation as next_edition
        on next_edition.edition_year = e.next_edition_year
        and next_edition.participant_id = this_edition.participant_id
    group by e.edition_year
),

final as (
    select
        e.edition_year,
        e.next_edition_year,
        e.count_participants,
        case when e.next_edition_year is not null then coalesce(r.count_returned, 0) end
            as count_returned,
        case
            when e.next_edition_year is not null
                then cast(coalesce(r.count_returned, 0) as double) / e.count_participants
        end as share_returned
    from editions as e
    left join returned as r on r.edition_year = e.edition_year
)

select * from final
