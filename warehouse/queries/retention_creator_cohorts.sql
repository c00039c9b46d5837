-- Creator retention by cohort (grain: cohort x period_n) for one cohort basis ($by: 'edition' or
-- 'month'), bounded and unbounded retained counts side by side.
select
    cohort,
    cohort_index,
    period_n,
    period_label,
    is_complete,
    count_cohort,
    count_cohort_creators,
    count_retained_bounded,
    count_retained_unbounded
from mart_creator_retention
where cohort_basis = $by
order by cohort_index, period_n
