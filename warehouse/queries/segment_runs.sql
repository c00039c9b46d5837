-- Clustering runs, newest first (grain: run).
select
    run_id, created_at, algorithm, config_version, params, k, is_k_fixed, silhouette,
    silhouette_by_k, stability, count_bootstrap, count_participants
from segment_run
order by created_at desc, run_id desc
