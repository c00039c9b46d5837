-- mart_attention_region [source x keyword x geo level x region x period]: Google Trends
-- interest by region as loaded (fct_topic_region). value is 0..100 against the file's top
-- region (value_kind 'index') or a term's percent share among the compared terms
-- ('share_pct'); null = too little search volume for Google to show a value.
with region as (
    select * from fct_topic_region
),

final as (
    select
        source,
        keyword,
        geo_level,
        region_name,
        period_text,
        period_start_on,
        period_end_on,
        value,
        value_kind,
        is_below_one
    from region
)

select * from final
