-- Plays and content per platform, with unmatched content and counter issues (grain: platform).
with daily as (
    select platform_id, cast(sum(views) as bigint) as count_views, count(distinct content_id) as count_content
    from fct_content_daily
    group by platform_id
),

unmatched as (
    select platform_id, count(*) as count_unmatched_content
    from dim_content
    where program_id is null
    group by platform_id
),

issues as (
    select platform_id, count(*) as count_counter_issues
    from counter_issue
    group by platform_id
),

final as (
    select
        p.platform_id,
        p.name_zh,
        p.name_en,
        coalesce(d.count_views, 0) as count_views,
        coalesce(d.count_content, 0) as count_content,
        coalesce(u.count_unmatched_content, 0) as count_unmatched_content,
        coalesce(i.count_counter_issues, 0) as count_counter_issues
    from dim_platform as p
    left join daily as d on d.platform_id = p.platform_id
    left join unmatched as u on u.platform_id = p.platform_id
    left join issues as i on i.platform_id = p.platform_id
)

select * from final order by platform_id
