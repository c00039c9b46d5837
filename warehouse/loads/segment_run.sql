-- Store one clustering run. Staged: stg_segment_assignment (participant_id, cluster_id,
-- response_id, edition_year) and stg_segment_cluster (cluster_id, count_participants, share,
-- label_zh, label_en, features). A run is written once under a new run_id and never changed.

insert into segment_run
select
    $run_id, $created_at, $algorithm, $config_version, $params::json, $k, $is_k_fixed,
    $silhouette, $silhouette_by_k::json, $stability, $count_bootstrap, $count_participants;

insert into segment_assignment
select $run_id, participant_id, cluster_id, response_id, edition_year
from stg_segment_assignment;

insert into segment_cluster
select $run_id, cluster_id, count_participants, share, label_zh, label_en, features::json
from stg_segment_cluster;
