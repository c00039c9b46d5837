-- Bring mart_attention_fit up to date at publish (warehouse.attention_fits): keep the cells whose
-- input fingerprint is unchanged (attention_fit_keep), drop every other cell, insert the cells
-- refitted (attention_fit_new), and record the fitting code's hash as schema_models does for
-- SQL models. attention_fit_keep and attention_fit_new are frames registered on the connection.
delete from mart_attention_fit as f
where not exists (
    select 1
    from attention_fit_keep as k
    where k.series = f.series and k.year = f.year and k.input_sha256 = f.input_sha256
);

insert into mart_attention_fit
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
    granularity,
    input_sha256
from attention_fit_new;

insert or replace into schema_models values ($model_name, $code_sha256, $built_at);
