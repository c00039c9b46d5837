-- Channel audience by one dimension (grain: platform x value_key) for the Views page: for each
-- platform, the latest export period (then the longest) that overlaps the window [start_on,
-- end_on] (null bound = unbounded), whole-channel rows only (content_id null). Periods are not
-- added up: two exports of overlapping periods would count the same views twice.
-- followers_share: a value's share of the followers (TikTok FollowerGender / TopTerritories).
with breakdown as (
    select * from mart_channel_breakdown
),

candidates as (
    select *
    from breakdown
    where
        dimension = $dimension
        and content_id is null
        and ($start_on is null or period_end_on >= $start_on)
        and ($end_on is null or period_start_on <= $end_on)
        and ($platform_ids is null or list_contains($platform_ids, platform_id))
),

latest as (
    select platform_id, period_start_on, period_end_on
    from candidates
    group by platform_id, period_start_on, period_end_on
    qualify row_number() over (
        partition by platform_id
        order by period_end_on desc, period_start_on asc
    ) = 1
),

final as (
    select
        c.platform_id,
        c.value_key,
        c.value_text,
        c.period_start_on,
        c.period_end_on,
        c.views,
        c.views_share,
        c.views_basis,
        c.is_views_estimated,
        c.followers_share
    from candidates as c
    inner join latest as l
        on
            l.platform_id = c.platform_id
            and l.period_start_on = c.period_start_on
            and l.period_end_on = c.period_end_on
)

select * from final
order by platform_id, views_basis desc nulls last, followers_share desc nulls last, value_key
