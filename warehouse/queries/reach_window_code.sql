-- The hashes of the code that computed the reach stored at publish (mart_reach_window): one
-- when it is up to date (warehouse.reach_windows).
select distinct code_sha256 from mart_reach_window
