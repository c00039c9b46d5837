-- materialized: table
-- mart_creator_cohort [participant x cohort_basis]: each participant's cohort and work span.
-- cohort_basis 'edition': every participant who took part in an edition (roster 参与届次 or a
-- program credit), cohort = the first such edition; is_creator = published at least one work.
-- cohort_basis 'month': every participant with at least one work, cohort = the month of the
-- first work. cohort_index is the period_index of the cohort's period in mart_creator_period
-- (the edition year, or year * 12 + month - 1).
with works as (
    select * from fct_creator_activity
),

participation as (
    select * from fct_edition_participation
),

spans as (
    select
        participant_id,
        min(published_on) as first_work_on,
        max(published_on) as last_work_on,
        count(*) as count_works
    from works
    group by participant_id
),

by_edition as (
    select
        'edition' as cohort_basis,
        participant_id,
        min(edition_year) as cohort_index
    from participation
    group by participant_id
),

by_month as (
    select
        'month' as cohort_basis,
        participant_id,
        cast(
            extract(year from first_work_on) * 12 + extract(month from first_work_on) - 1
            as integer
        ) as cohort_index
    from spans
),

cohorts as (
    select * from by_edition
    union all
    select * from by_month
),

final as (
    select
        c.participant_id,
        c.cohort_basis,
        c.cohort_index,
        case
            when c.cohort_basis = 'edition' then cast(c.cohort_index as varchar)
            else cast(cast(floor(c.cohort_index / 12) as integer) as varchar)
                || '-' || lpad(cast(c.cohort_index % 12 + 1 as varchar), 2, '0')
        end as cohort,
        s.participant_id is not null as is_creator,
        s.first_work_on,
        s.last_work_on,
        coalesce(s.count_works, 0) as count_works
    from cohorts as c
    left join spans as s on s.participant_id = c.participant_id
)

select * from final
