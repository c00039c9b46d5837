-- materialized: table
-- fct_survey_response_current [survey x participant]: the response that counts for each person
-- in each survey — the latest submission across all loaded files. A table, ranked once at
-- publish: as a view, every query of the responses (the survey pages' waves, cohorts, segments,
-- the answers' mart, three publish-time marts) ranked all of them again (~80 ms at 100k).
with responses as (
    select * from fct_survey_response
),

final as (
    select *
    from responses
    qualify row_number() over (
        partition by survey_key, participant_id
        order by submitted_at desc nulls last, load_id desc, row_number desc
    ) = 1
)

select * from final
