-- dim_content over a lake with staged files, as warehouse/loads/content.sql would leave it after
-- loading the staged files in ingest order: a staged work updates the fields it reports (the
-- latest file that reports a field wins; a blank keeps the stored value), a work only named by
-- daily or period rows is added bare, and a work with no platform id and no program finds its
-- program by the URL of a catalogued work on the same platform, else by its title (a URL or
-- title two programs share matches neither).
with exported as (
    select * from lake_dim_content
),

staged as (
    select
        platform_id,
        content_id,
        max_by(title, staged_seq) filter (where title is not null) as title,
        max_by(url, staged_seq) filter (where url is not null) as url,
        max_by(published_at, staged_seq) filter (where published_at is not null) as published_at,
        max_by(duration_s, staged_seq) filter (where duration_s is not null) as duration_s,
        max_by(content_format, staged_seq) filter (
            where content_format is not null
        ) as content_format,
        max_by(review_status, staged_seq) filter (where review_status is not null) as review_status,
        max_by(title_key, staged_seq) filter (where title_key is not null) as title_key,
        max_by(key_source, staged_seq) filter (where key_source is not null) as key_source,
        min_by(load_id, staged_seq) as load_id
    from staged_content
    group by platform_id, content_id
),

named as (
    select platform_id, content_id, min_by(load_id, staged_seq) as load_id
    from (
        select platform_id, content_id, load_id, staged_seq from staged_content_daily
        union all
        select platform_id, content_id, load_id, staged_seq from staged_content_period
    ) as rows_named
    group by platform_id, content_id
),

updated as (
    select
        e.platform_id,
        e.content_id,
        e.program_id,
        coalesce(s.title, e.title) as title,
        e.url,
        coalesce(s.published_at, e.published_at) as published_at,
        coalesce(s.duration_s, e.duration_s) as duration_s,
        e.load_id,
        coalesce(s.content_format, e.content_format) as content_format,
        coalesce(s.review_status, e.review_status) as review_status,
        coalesce(s.title_key, e.title_key) as title_key,
        coalesce(s.key_source, e.key_source) as key_source,
        s.content_id is not null as is_staged
    from exported as e
    left join staged as s on s.platform_id = e.platform_id and s.content_id = e.content_id
),

added as (
    select
        coalesce(s.platform_id, n.platform_id) as platform_id,
        coalesce(s.content_id, n.content_id) as content_id,
        cast(null as varchar) as program_id,
        s.title,
        s.url,
        s.published_at,
        s.duration_s,
        coalesce(s.load_id, n.load_id) as load_id,
        s.content_format,
        s.review_status,
        s.title_key,
        s.key_source,
        s.content_id is not null as is_staged
    from staged as s
    full outer join named as n on n.platform_id = s.platform_id and n.content_id = s.content_id
    where not exists (
        select 1 from exported as e
        where
            e.platform_id = coalesce(s.platform_id, n.platform_id)
            and e.content_id = coalesce(s.content_id, n.content_id)
    )
),

works as (
    select * from updated
    union all
    select * from added
),

url_programs as (
    select platform_id, url, min(program_id) as program_id
    from exported
    where program_id is not null and url is not null
    group by platform_id, url
    having count(distinct program_id) = 1
),

title_programs as (
    select title_key, min(program_id) as program_id
    from staged_program_title
    group by title_key
    having count(distinct program_id) = 1
),

final as (
    select
        w.platform_id,
        w.content_id,
        case
            when w.program_id is not null or not w.is_staged or w.key_source = 'platform_id'
                then w.program_id
            else coalesce(u.program_id, t.program_id)
        end as program_id,
        w.title,
        w.url,
        w.published_at,
        w.duration_s,
        w.load_id,
        w.content_format,
        w.review_status,
        w.title_key,
        w.key_source
    from works as w
    left join url_programs as u on u.platform_id = w.platform_id and u.url = w.url
    left join title_programs as t on t.title_key = w.title_key
)

select * from final
