-- materialized: table
-- mart_creator_retention [cohort_basis x cohort x period_n]: creator retention by cohort.
-- A cohort (mart_creator_cohort) is retained in period N (N = 0 is the cohort's own period,
-- N = 1 the next, ... counted in mart_creator_period) if its member published >= 1 work:
-- bounded = in period N itself; unbounded = in period N or any later period. Works dated before
-- the cohort's period are ignored. count_cohort counts every member (for edition cohorts also
-- those who never published); count_cohort_creators only members with >= 1 work. Every period
-- from the cohort's own to the one holding the data's end has a row (zero counts included);
-- is_complete = that period had ended by the data's end. An edition cohort whose year has no
-- season in mart_creator_period (no broadcast date and no calendar for that year) is left out.
with members as (
    select * from mart_creator_cohort
),

periods as (
    select * from mart_creator_period
),

activity as (
    select * from mart_creator_period_activity
),

cohort_sizes as (
    select
        cohort_basis,
        cohort_index,
        cohort,
        count(*) as count_cohort,
        cast(sum(case when is_creator then 1 else 0 end) as bigint) as count_cohort_creators
    from members
    group by cohort_basis, cohort_index, cohort
),

grid as (
    select
        c.cohort_basis,
        c.cohort_index,
        c.cohort,
        c.count_cohort,
        c.count_cohort_creators,
        p.period_ordinal - p0.period_ordinal as period_n,
        p.period_ordinal,
        p.period_label,
        p.is_complete
    from cohort_sizes as c
    inner join periods as p0
        on p0.period_basis = c.cohort_basis
        and p0.period_index = c.cohort_index
    inner join periods as p
        on p.period_basis = c.cohort_basis
        and p.period_ordinal >= p0.period_ordinal
),

member_activity as (
    select
        m.cohort_basis,
        m.cohort_index,
        m.participant_id,
        a.period_ordinal
    from members as m
    inner join activity as a
        on a.participant_id = m.participant_id
        and a.period_basis = m.cohort_basis
),

bounded as (
    select
        cohort_basis,
        cohort_index,
        period_ordinal,
        count(*) as count_retained
    from member_activity
    group by cohort_basis, cohort_index, period_ordinal
),

last_active as (
    select
        cohort_basis,
        cohort_index,
        participant_id,
        max(period_ordinal) as last_ordinal
    from member_activity
    group by cohort_basis, cohort_index, participant_id
),

unbounded as (
    select
        g.cohort_basis,
        g.cohort_index,
        g.period_ordinal,
        count(*) as count_retained
    from grid as g
    inner join last_active as l
        on l.cohort_basis = g.cohort_basis
        and l.cohort_index = g.cohort_index
        and l.last_ordinal >= g.period_ordinal
    group by g.cohort_basis, g.cohort_index, g.period_ordinal
),

final as (
    select
        g.cohort_basis,
        g.cohort,
        g.cohort_index,
        g.period_n,
        g.period_label,
        g.is_complete,
        g.count_cohort,
        g.count_cohort_creators,
        coalesce(b.count_retained, 0) as count_retained_bounded,
        coalesce(u.count_retained, 0) as count_retained_unbounded
    from grid as g
    left join bounded as b
        on b.cohort_basis = g.cohort_basis
        and b.cohort_index = g.cohort_index
        and b.period_ordinal = g.period_ordinal
    left join unbounded as u
        on u.cohort_basis = g.cohort_basis
        and u.cohort_index = g.cohort_index
        and u.period_ordinal = g.period_ordinal
)

select * from final
