-- 0006 content snapshots: exports with no date column are running totals per work as of the
-- moment of export. They are stored as they came (fct_content_snapshot), and the daily facts of
-- their works are re-derived from every stored snapshot at each load, so a snapshot that arrives
-- late (older than one already loaded) is reconciled by a recompute, never counted twice.
-- fct_content_daily keeps its columns: which of its days are a first snapshot or a multi-day
-- interval is read from fct_content_snapshot by the models (a 10M-row table is not rewritten).

-- fct_content_snapshot [platform x content x as-of day]
create table if not exists fct_content_snapshot (
    platform_id varchar not null,
    content_id varchar not null,
    as_of_on date not null,
    views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    favorites bigint,
    coins bigint,
    danmaku bigint,
    new_followers bigint,
    impressions bigint,
    unique_viewers bigint,
    avg_view_duration_s double,
    completion_rate double,
    impressions_ctr double,
    as_of_source varchar not null,
    load_id varchar not null,
    primary key (platform_id, content_id, as_of_on)
);

-- What a work is, when the export gives no id: its format (体裁), review status (审核状态),
-- the normalised title catalogue titles are matched on, and how its content_id was made.
alter table dim_content add column if not exists content_format varchar;
alter table dim_content add column if not exists review_status varchar;
alter table dim_content add column if not exists title_key varchar;
alter table dim_content add column if not exists key_source varchar;
