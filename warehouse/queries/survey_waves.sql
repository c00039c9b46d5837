-- Surveys and their waves as the warehouse holds them (grain: questionnaire x edition year):
-- the questionnaire's title (its latest version) and how many current responses the wave has.
-- The participants page builds its survey and wave selectors from this.
with responses as (
    select * from mart_survey_response
),

questionnaires as (
    select * from dim_questionnaire
    qualify row_number() over (
        partition by questionnaire_id order by questionnaire_version desc
    ) = 1
),

waves as (
    select
        questionnaire_id,
        edition_year,
        count(distinct participant_id) as count_participants
    from responses
    group by questionnaire_id, edition_year
),

final as (
    select
        w.questionnaire_id,
        coalesce(q.title_zh, q.title_en, w.questionnaire_id) as title_zh,
        coalesce(q.title_en, q.title_zh, w.questionnaire_id) as title_en,
        w.edition_year,
        w.count_participants
    from waves as w
    left join questionnaires as q on q.questionnaire_id = w.questionnaire_id
)

select * from final
order by questionnaire_id, edition_year
