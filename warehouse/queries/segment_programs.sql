-- Programs and their creators with the programs' platform totals (grain: program x creator).
-- Program totals repeat on each creator row: callers deduplicate by program before summing.
-- engagements = likes + comments + shares + favorites + coins + danmaku (nulls count as none);
-- views sum only what the platforms reported. Both from the per-platform totals stored at
-- publish (mart_views_program_total, a few tens of thousands of rows), not from the 10M
-- content days (~500 ms a request at 10M rows): a program with days has engagements >= 0, one
-- without any has neither total.
with program_totals as (
    select
        program_id,
        cast(sum(views) as bigint) as views,
        cast(coalesce(sum(count_interactions), 0) as bigint) as engagements
    from mart_views_program_total
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
