-- A sponsor's audience by country and age (grain: dimension x value_key; key (dimension,
-- value_key)), from per-video breakdowns (YouTube tabs exported for one video) of content matched
-- to the sponsor's programs: views_basis summed over those videos and periods. Channel-wide rows
-- are left out: they describe every program on the channel, not the sponsor's. Small values are
-- suppressed by the caller (warehouse.sponsor_report), never here.
with breakdown as (
    select * from mart_channel_breakdown
),

sponsor_programs as (
    select * from mart_reach_sponsor_program
),

scope as (
    select distinct program_id
    from sponsor_programs
    where sponsor_id = $sponsor_id and program_id is not null
),

final as (
    select
        b.dimension,
        b.value_key,
        min(b.value_text) as value_text,
        sum(b.views_basis) as views_basis,
        count(distinct b.content_id) as count_content
    from breakdown as b
    where
        b.content_id is not null
        and b.dimension in ('country', 'age')
        and b.program_id in (select program_id from scope)
        and b.views_basis is not null
    group by b.dimension, b.value_key
)

select * from final order by dimension, value_key
