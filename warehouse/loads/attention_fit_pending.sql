-- Mark mart_attention_fit as behind its input (warehouse.attention_fits.deferred): the next
-- publish outside a deferred block refits the cells whose input changed.
insert or replace into schema_models values ($model_name, $code_sha256, $built_at);
