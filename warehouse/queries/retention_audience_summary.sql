-- One row per audience-retention curve (grain: platform x content): average percentage viewed
-- (trapezoid area under the curve over 0..100%, as a share), the same for the length band's
-- median curve, and the three biggest drop-off points; $program_id null = every curve.
with curves as (
    select * from mart_audience_retention
    where $program_id is null or program_id = $program_id
),

steps as (
    select
        *,
        lag(position_pct) over curve as previous_position_pct,
        lag(audience_share) over curve as previous_share,
        lag(band_median_share) over curve as previous_band_median_share
    from curves
    window curve as (partition by platform_id, content_id order by position_pct)
),

final as (
    select
        platform_id,
        content_id,
        max(program_id) as program_id,
        max(program_title_zh) as program_title_zh,
        max(edition_year) as edition_year,
        max(duration_s) as duration_s,
        max(length_band) as length_band,
        max(count_curves_in_band) as count_curves_in_band,
        sum((previous_share + audience_share) / 2 * (position_pct - previous_position_pct))
            / 100 as avg_pct_viewed,
        sum(
            (previous_band_median_share + band_median_share) / 2
            * (position_pct - previous_position_pct)
        ) / 100 as band_avg_pct_viewed,
        max(case when drop_rank = 1 then position_pct end) as drop_1_position_pct,
        max(case when drop_rank = 1 then step_decline_share end) as drop_1_decline_share,
        max(case when drop_rank = 2 then position_pct end) as drop_2_position_pct,
        max(case when drop_rank = 2 then step_decline_share end) as drop_2_decline_share,
        max(case when drop_rank = 3 then position_pct end) as drop_3_position_pct,
        max(case when drop_rank = 3 then step_decline_share end) as drop_3_decline_share
    from steps
    group by platform_id, content_id
)

select
    *,
    avg_pct_viewed - band_avg_pct_viewed as avg_pct_viewed_vs_band
from final
order by program_id nulls last, platform_id, content_id
