-- 0003 segments: named rule segments every reader shares, and versioned clustering runs.

-- segment_definition [segment]: a named rule segment; filters as JSON
-- (e.g. {"city": ["上海"], "role": ["product_manager"], "age_band_coarse": ["25_34"]}).
create table if not exists segment_definition (
    segment_name varchar primary key,
    label_zh varchar not null,
    label_en varchar not null,
    filters json not null,
    source varchar not null,             -- default (shipped YAML) | user
    created_at timestamp not null,
    updated_at timestamp not null
);

-- segment_run [clustering run]: one fit of the learned segments, never updated afterwards.
create table if not exists segment_run (
    run_id varchar primary key,
    created_at timestamp not null,
    algorithm varchar not null,
    config_version integer not null,
    params json not null,                -- the clustering config as used, k range, seeds
    k integer not null,
    is_k_fixed boolean not null,
    silhouette double,
    silhouette_by_k json,                -- {"2": 0.21, "3": 0.25, ...}
    stability double,                    -- mean adjusted Rand index over bootstrap resamples
    count_bootstrap integer not null,
    count_participants integer not null
);

-- segment_assignment [clustering run x participant]: the cluster of each participant, from the
-- participant's latest response (response_id, edition_year).
create table if not exists segment_assignment (
    run_id varchar not null,
    participant_id varchar not null,
    cluster_id integer not null,
    response_id varchar not null,
    edition_year integer not null,
    primary key (run_id, participant_id)
);

-- segment_cluster [clustering run x cluster]: size and the automatic bilingual description
-- (the categories with the highest lift); features holds them with their share and lift.
create table if not exists segment_cluster (
    run_id varchar not null,
    cluster_id integer not null,
    count_participants integer not null,
    share double not null,
    label_zh varchar not null,
    label_en varchar not null,
    features json not null,
    primary key (run_id, cluster_id)
);
