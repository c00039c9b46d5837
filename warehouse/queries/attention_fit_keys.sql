-- The cells mart_attention_fit holds with the fingerprint of the input they were fitted from
-- (warehouse.attention_fits compares it with attention_fit_inputs) (grain: series x year).
with final as (
    select series, year, input_sha256 from mart_attention_fit
)

select * from final order by series, year
