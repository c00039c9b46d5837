-- materialized: table
-- mart_creator_period_activity [participant x period_basis x period_index]: the periods in which
-- a participant published at least one work (fct_creator_activity.published_on falls inside
-- [start_on, end_on] of mart_creator_period; open ends are unbounded), with the work count.
-- Periods without a work have no row.
with works as (
    select * from fct_creator_activity
),

periods as (
    select * from mart_creator_period
),

final as (
    select
        w.participant_id,
        p.period_basis,
        p.period_index,
        p.period_ordinal,
        count(*) as count_works
    from works as w
    inner join periods as p
        on (p.start_on is null or w.published_on >= p.start_on)
        and (p.end_on is null or w.published_on <= p.end_on)
    group by w.participant_id, p.period_basis, p.period_index, p.period_ordinal
)

select * from final
