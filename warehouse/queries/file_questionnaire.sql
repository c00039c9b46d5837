-- The questionnaire the latest load of a file (by content hash) used (grain: load).
with loads as (
    select load_id, questionnaire_id, questionnaire_version, finished_at
    from load_log
    where file_sha256 = $file_sha256
),

final as (
    select l.load_id, l.questionnaire_id, l.questionnaire_version, q.definition_sha256
    from loads as l
    left join dim_questionnaire as q
        on q.questionnaire_id = l.questionnaire_id
        and q.questionnaire_version = l.questionnaire_version
    order by l.finished_at desc
    limit 1
)

select * from final
