-- Reach over one window as computed at publish (mart_reach_window, warehouse.reach_windows):
-- every grain's rows of that window (row_index: the order the reach query gives) for a sponsor's
-- programs ($sponsor_id; null: every program), if the code that computed them is this code
-- ($code_sha256); a window bound null = unbounded.
select *
from mart_reach_window
where
    window_start_on is not distinct from $start_on
    and window_end_on is not distinct from $end_on
    and window_sponsor_id is not distinct from $sponsor_id
    and code_sha256 = $code_sha256
