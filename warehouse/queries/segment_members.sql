-- Cluster of each participant and edition in one clustering run (grain: participant), in no
-- particular order: for joining to the population (sorting 100k ids cost ~60 ms of ~90).
select participant_id, edition_year, cluster_id
from segment_assignment
where run_id = $run_id
