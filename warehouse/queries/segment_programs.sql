-- Programs and their creators with the programs' platform totals (grain: program x creator).
-- Program totals repeat on each creator row: callers deduplicate by program before summing.
-- engagements = likes + comments + shares + favorites + coins + danmaku (nulls count as none);
-- views sum only what the platforms reported.
with daily as (
    select
        c.program_id,
        d.views,
        coalesce(d.likes, 0) + coalesce(d.comments, 0) + coalesce(d.shares, 0)
        + coalesce(d.favorites, 0) + coalesce(d.coins, 0) + coalesce(d.danmaku, 0) as engagements
    from fct_content_daily as d
    inner join dim_content as c
        on c.platform_id = d.platform_id and c.content_id = d.content_id
    where c.program_id is not null
),

program_totals as (
    select
        program_id,
        cast(sum(views) as bigint) as views,
        cast(sum(engagements) as bigint) as engagements
    from daily
    group by program_id
),

final as (
    select
        b.program_id,
        p.edition_year,
        b.participant_id,
        t.views,
        t.engagements
    from bridge_program_participant as b
    inner join dim_program as p on p.program_id = b.program_id
    left join program_totals as t on t.program_id = b.program_id
)

select * from final
order by program_id, participant_id
