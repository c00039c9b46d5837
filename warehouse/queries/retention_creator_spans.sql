-- Each creator's first and last work (grain: participant with >= 1 work), with the data's end
-- (the latest work of anyone) for censoring.
with creators as (
    select * from mart_creator_cohort
    where cohort_basis = 'month'
)

select
    participant_id,
    first_work_on,
    last_work_on,
    count_works,
    max(last_work_on) over () as data_end_on
from creators
order by participant_id
