-- mart_audience_retention [platform x content x position_pct]: each audience-retention curve
-- (fct_audience_retention, every 1% of the content's length, audience_share = share of the
-- starting audience still watching, 1.0 = 100%) with its program and a benchmark.
-- duration_s: the platform item's length (dim_content), else its program's (dim_program).
-- length_band: 'under_3_min' (< 180 s), '3_to_6_min' (180-360 s, both ends included),
-- 'over_6_min' (> 360 s), 'unknown' (no length known).
-- band_median_share: the median, at the same position, of every curve in the same length band
-- (this one included); count_curves_in_band says how many curves that median is over.
-- step_decline_share: share at the previous position minus share here (positive = viewers
-- left in that 1% step); null at 0%.
-- drop_rank: 1-3 for the three largest positive step declines of the curve, ignoring the step
-- into 1% (everyone's early exits); ties go to the earlier position.
with curves as (
    select * from fct_audience_retention
),

content as (
    select * from dim_content
),

programs as (
    select * from dim_program
),

described as (
    select
        r.platform_id,
        r.content_id,
        c.program_id,
        p.title_zh as program_title_zh,
        p.edition_year,
        coalesce(c.duration_s, p.duration_s) as duration_s,
        r.position_pct,
        r.audience_share
    from curves as r
    left join content as c
        on c.platform_id = r.platform_id
        and c.content_id = r.content_id
    left join programs as p on p.program_id = c.program_id
),

banded as (
    select
        *,
        case
            when duration_s is null then 'unknown'
            when duration_s < 180 then 'under_3_min'
            when duration_s <= 360 then '3_to_6_min'
            else 'over_6_min'
        end as length_band,
        lag(audience_share) over (
            partition by platform_id, content_id order by position_pct
        ) - audience_share as step_decline_share
    from described
),

band_medians as (
    select
        length_band,
        position_pct,
        percentile_cont(0.5) within group (order by audience_share) as band_median_share,
        count(*) as count_curves_in_band
    from banded
    group by length_band, position_pct
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform_id, content_id
            order by
                case
                    when position_pct >= 2 and step_decline_share > 0 then step_decline_share
                end desc nulls last,
                position_pct
        ) as decline_order
    from banded
),

final as (
    select
        r.platform_id,
        r.content_id,
        r.program_id,
        r.program_title_zh,
        r.edition_year,
        r.duration_s,
        r.length_band,
        r.position_pct,
        r.audience_share,
        r.step_decline_share,
        case
            when r.decline_order <= 3 and r.position_pct >= 2 and r.step_decline_share > 0
                then r.decline_order
        end as drop_rank,
        m.band_median_share,
        r.audience_share - m.band_median_share as share_vs_band,
        m.count_curves_in_band
    from ranked as r
    inner join band_medians as m
        on m.length_band = r.length_band
        and m.position_pct = r.position_pct
)

select * from final
