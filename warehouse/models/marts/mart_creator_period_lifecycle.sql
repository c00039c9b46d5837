-- materialized: table
-- mart_creator_period_lifecycle [period_basis x period_index x lifecycle_state]: how many
-- participants are in each lifecycle state per period, "active" meaning published >= 1 work in
-- the period (mart_creator_period_activity). States, as product-analytics lifecycle charts
-- define them:
--   new: active in this period for the first time;
--   returning: active in this period and in the previous one;
--   resurrecting: active in this period, not in the previous one, but in some earlier one;
--   dormant: active in the previous period, not in this one (shown as a positive count).
-- Every period from the first one with activity to the one holding the data's end has all
-- four states (zero counts included). The previous period is the previous period_ordinal.
with activity as (
    select * from mart_creator_period_activity
),

periods as (
    select * from mart_creator_period
),

sequenced as (
    select
        participant_id,
        period_basis,
        period_ordinal,
        lag(period_ordinal) over (
            partition by participant_id, period_basis order by period_ordinal
        ) as previous_active_ordinal,
        lead(period_ordinal) over (
            partition by participant_id, period_basis order by period_ordinal
        ) as next_active_ordinal
    from activity
),

active_states as (
    select
        period_basis,
        period_ordinal,
        case
            when previous_active_ordinal is null then 'new'
            when previous_active_ordinal = period_ordinal - 1 then 'returning'
            else 'resurrecting'
        end as lifecycle_state
    from sequenced
),

dormant_states as (
    select
        period_basis,
        period_ordinal + 1 as period_ordinal,
        'dormant' as lifecycle_state
    from sequenced
    where next_active_ordinal is null or next_active_ordinal > period_ordinal + 1
),

states as (
    select * from active_states
    union all
    select * from dormant_states
),

counts as (
    select
        period_basis,
        period_ordinal,
        lifecycle_state,
        count(*) as count_participants
    from states
    group by period_basis, period_ordinal, lifecycle_state
),

state_names as (
    select lifecycle_state, state_order
    from (
        values ('new', 1), ('returning', 2), ('resurrecting', 3), ('dormant', 4)
    ) as t (lifecycle_state, state_order)
),

first_active as (
    select period_basis, min(period_ordinal) as first_ordinal
    from activity
    group by period_basis
),

grid as (
    select
        p.period_basis,
        p.period_index,
        p.period_ordinal,
        p.period_label,
        p.is_complete,
        s.lifecycle_state,
        s.state_order
    from periods as p
    inner join first_active as f
        on f.period_basis = p.period_basis
        and p.period_ordinal >= f.first_ordinal
    cross join state_names as s
),

final as (
    select
        g.period_basis,
        g.period_index,
        g.period_label,
        g.is_complete,
        g.lifecycle_state,
        g.state_order,
        coalesce(c.count_participants, 0) as count_participants
    from grid as g
    left join counts as c
        on c.period_basis = g.period_basis
        and c.period_ordinal = g.period_ordinal
        and c.lifecycle_state = g.lifecycle_state
)

select * from final
