-- The stored attention decline fits (mart_attention_fit, computed at publish), one row per
-- series x Spring Festival year, as warehouse.analytics.attention.decline_by_year returns them;
-- $series null = every series (grain: series x year).
with fits as (
    select * from mart_attention_fit
),

final as (
    select
        series,
        year,
        status,
        n_days,
        peak_day,
        peak_on,
        peak_value,
        baseline_share,
        amplitude_share,
        half_life_days,
        half_life_low,
        half_life_high,
        share_left_30d_fit,
        share_left_60d_fit,
        share_left_30d_observed,
        share_left_60d_observed,
        march_to_festival_week,
        granularity
    from fits
    where $series is null or series = $series
)

select * from final order by series, year
