-- Creator lifecycle states per period (grain: period x state) for one period basis ($by).
select
    period_label,
    period_index,
    is_complete,
    lifecycle_state,
    count_participants
from mart_creator_period_lifecycle
where period_basis = $by
order by period_index, state_order
