-- Clusters of one clustering run with their descriptions (grain: cluster).
select cluster_id, count_participants, share, label_zh, label_en, features
from segment_cluster
where run_id = $run_id
order by cluster_id
