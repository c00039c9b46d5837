-- materialized: table
-- mart_segment_population [response], key response_id: the segment population, one row per
-- current response (participant x edition) with the profile dimensions and outcome measures
-- rule segments filter and aggregate. Outcomes are null where there is no data: returned_next
-- when the roster has no edition E+1; works_after_gala when no creator activity is loaded or
-- the edition has no broadcast date. questionnaire_id says which survey a response answered
-- (survey.segments.rules.population keeps the gala's when it is loaded), questionnaire_version
-- which version of it (a cohort's codebook lists that version's questions). A table built at
-- publish, in edition_year, participant_id order: the segments and research-data pages read it
-- instead of regrouping ~1M answers per request.
with responses as (
    select * from mart_survey_response
),

-- Straight from fct_survey_answer, not mart_survey_answer: these columns need none of its
-- question and option labels (joining them cost more than the aggregate). The semi-join keeps
-- the mart's rows: answers of current responses only (the mart's inner join to dim_question
-- drops nothing: one load writes a questionnaire's questions and its answers, and the left join
-- to the options adds no row). (response_id, question_id, item_key) is
-- unique in fct_survey_answer (loads/survey.sql refuses a load that would repeat one), so a
-- response's tools or motivations never repeat a key and list() needs no distinct; sorting each
-- short list afterwards (list_sort) costs far less than an ordered aggregate.
answers as (
    select response_id, question_id, item_key, answer_text, answer_number
    from fct_survey_answer
    where question_id in (
        'experience_months', 'hours_per_week', 'income', 'satisfaction', 'will_return',
        'tools', 'motivations'
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
        max(answer_number) filter (where question_id = 'satisfaction') as satisfaction,
        max(answer_text) filter (where question_id = 'will_return') as will_return,
        list_sort(list(item_key) filter (where question_id = 'tools' and item_key <> ''))
            as tools,
        list_sort(list(item_key) filter (where question_id = 'motivations' and item_key <> ''))
            as motivations
    from answers
    group by response_id
),

roster_editions as (
    select distinct edition_year from bridge_participant_edition
),

-- Who took part in which edition per the roster, keyed by the edition before it: a response of
-- edition E returned when its participant is listed for E + 1.
returned as (
    select distinct
        participant_id,
        edition_year - 1 as edition_year
    from bridge_participant_edition
),

editions as (
    select * from dim_edition
),

activity_loaded as (
    select count(*) > 0 as is_loaded from fct_creator_activity
),

works as (
    select
        r.response_id,
        count(a.content_id) as works_after_gala
    from responses as r
    inner join editions as e on e.edition_year = r.edition_year
    left join fct_creator_activity as a
        on a.participant_id = r.participant_id
        and a.published_on > e.broadcast_on
    where e.broadcast_on is not null
    group by r.response_id
),

final as (
    select
        r.response_id,
        r.participant_id,
        r.edition_year,
        r.submitted_at,
        r.age_band,
        r.age_band_coarse,
        r.gender,
        r.role,
        r.city_id,
        r.city_zh,
        r.city_en,
        r.province_zh,
        r.province_en,
        r.city_tier,
        r.is_overseas,
        v.experience_months,
        v.hours_per_week,
        v.income,
        coalesce(v.tools, []) as tools,
        coalesce(v.motivations, []) as motivations,
        v.satisfaction,
        v.will_return,
        case
            when n.edition_year is null then null
            else t.participant_id is not null
        end as returned_next,
        case
            when l.is_loaded then w.works_after_gala
        end as works_after_gala,
        r.questionnaire_id,
        r.questionnaire_version
    from responses as r
    cross join activity_loaded as l
    left join answer_values as v on v.response_id = r.response_id
    left join works as w on w.response_id = r.response_id
    left join roster_editions as n on n.edition_year = r.edition_year + 1
    left join returned as t
        on t.participant_id = r.participant_id
        and t.edition_year = r.edition_year
)

select * from final
order by edition_year, participant_id
