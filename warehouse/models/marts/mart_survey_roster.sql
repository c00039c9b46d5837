-- materialized: table
-- mart_survey_roster [response], key response_id: one compact row per current survey response
-- with every attribute the participants page filters and charts: demographics and place from
-- mart_survey_response, and experience, hours per week, income, tools, motivations and
-- communities from the current responses' answers (multi-select answers as sorted lists of
-- distinct option keys, empty when none). A table built at publish and stored in edition_year,
-- response_id order: the page reads these 100k rows as they are instead of regrouping ~1M
-- answers on every request (1.5 s at 100k respondents).
with responses as (
    select * from mart_survey_response
),

-- The answers straight from fct_survey_answer, kept to the current responses by a semi-join:
-- the same rows mart_survey_answer gives for these columns (its question join matches every
-- loaded answer, its label join adds none), without joining questions and labels first
-- (~0.5 s of a 100k-respondent publish).
answers as (
    select response_id, question_id, item_key, answer_text, answer_number
    from fct_survey_answer
    where question_id in (
        'experience_months', 'hours_per_week', 'income', 'tools', 'motivations', 'communities'
    )
    and answer_status in ('answered', 'other')
    and response_id in (select response_id from responses)
),

answer_values as (
    select
        response_id,
        max(answer_number) filter (where question_id = 'experience_months') as experience_months,
        max(answer_text) filter (where question_id = 'hours_per_week') as hours_per_week,
        max(answer_text) filter (where question_id = 'income') as income,
        list_sort(list_distinct(
            list(item_key) filter (where question_id = 'tools' and item_key <> '')
        )) as tools,
        list_sort(list_distinct(
            list(item_key) filter (where question_id = 'motivations' and item_key <> '')
        )) as motivations,
        list_sort(list_distinct(
            list(item_key) filter (where question_id = 'communities' and item_key <> '')
        )) as communities
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
