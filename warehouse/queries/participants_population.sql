-- Participants page population (grain: current survey response = participant x edition, key
-- response_id): demographics and place from mart_survey_response, and the answers the page
-- charts (experience, hours per week, income, tools, motivations, communities) from mart_survey_answer. The
-- page filters and counts people in memory, so this runs once per published snapshot.
with responses as (
    select * from mart_survey_response
),

answers as (
    select * from mart_survey_answer
    where question_id in (
        'experience_months', 'hours_per_week', 'income', 'tools', 'motivations', 'communities'
    )
    and answer_status in ('answered', 'other')
),

answer_values as (
    select
        response_id,
        max(answer_number) filter (where question_id = 'experience_months') as experience_months,
        max(answer_text) filter (where question_id = 'hours_per_week') as hours_per_week,
        max(answer_text) filter (where question_id = 'income') as income,
        list(distinct item_key order by item_key)
            filter (where question_id = 'tools' and item_key <> '') as tools,
        list(distinct item_key order by item_key)
            filter (where question_id = 'motivations' and item_key <> '') as motivations,
        list(distinct item_key order by item_key)
            filter (where question_id = 'communities' and item_key <> '') as communities
    from answers
    group by response_id
),

final as (
    select
        r.response_id,
        r.participant_id,
        r.questionnaire_id,
        r.edition_year,
        r.age_band,
        r.gender,
        r.role,
        r.city_id,
        r.city_zh,
        r.city_en,
        r.province_zh,
        r.province_en,
        r.city_lat,
        r.city_lon,
        r.is_overseas,
        v.experience_months,
        v.hours_per_week,
        v.income,
        coalesce(v.tools, []) as tools,
        coalesce(v.motivations, []) as motivations,
        coalesce(v.communities, []) as communities
    from responses as r
    left join answer_values as v on v.response_id = r.response_id
)

select * from final
order by edition_year, response_id
