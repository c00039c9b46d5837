-- Cluster of each participant in one clustering run (grain: participant).
select participant_id, cluster_id, response_id, edition_year
from segment_assignment
where run_id = $run_id
order by cluster_id, participant_id
