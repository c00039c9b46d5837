-- mart_attention_fit [series x year]: the attention decline fit of every series in every Spring
-- Festival year of mart_attention_daily (warehouse.analytics.attention.fit_decline, with its
-- seeded 200-draw bootstrap interval), computed at publish by warehouse.attention_fits so the
-- attention page never refits on a request. input_sha256 fingerprints the fit's input rows of
-- the cell (queries/attention_fit_inputs.sql): a publish refits only the cells whose inputs changed.
create table if not exists mart_attention_fit (
    series varchar not null,
    year bigint not null,
    status varchar not null,
    n_days bigint,
    peak_day bigint,
    peak_on date,
    peak_value double,
    baseline_share double,
    amplitude_share double,
    half_life_days double,
    half_life_low double,
    half_life_high double,
    share_left_30d_fit double,
    share_left_60d_fit double,
    share_left_30d_observed double,
    share_left_60d_observed double,
    march_to_festival_week double,
    granularity varchar,
    input_sha256 varchar not null
);
