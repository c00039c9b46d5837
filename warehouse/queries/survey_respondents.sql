-- The respondents of one survey wave with their normalised demographics and place (grain:
-- current response; $questionnaire_id and $edition_year bound).
with responses as (
    select * from mart_survey_response
    where questionnaire_id = $questionnaire_id and edition_year = $edition_year
),

final as (
    select
        response_id,
        participant_id,
        age_band,
        gender,
        role,
        city_id,
        city_zh,
        city_en,
        province_zh,
        province_en,
        city_lat,
        city_lon,
        is_overseas,
        country_code
    from responses
)

select * from final
order by response_id
