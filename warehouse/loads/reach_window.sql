-- Replace mart_reach_window [window x grain x group] at publish (warehouse.reach_windows): the
-- reach of every edition's preset windows and of all time, as warehouse.analytics.reach computes
-- it (and each sponsor's report over all time), with the hash of the code that did. reach_window_new is a frame registered on the
-- connection. A small table (a row per platform and per program for each window).
create or replace table mart_reach_window as
select *
from reach_window_new
order by
    window_start_on nulls first, window_end_on nulls first, window_sponsor_id nulls first, grain, row_index;
