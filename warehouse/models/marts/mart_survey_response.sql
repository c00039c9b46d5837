-- mart_survey_response [response]: the responses readers see, one per participant and survey
-- (the latest submission wins across files), demographics normalised, no PII.
with responses as (
    select * from fct_survey_response_current
),

final as (
    select
        response_id,
        survey_key,
        questionnaire_id,
        questionnaire_version,
        edition_year,
        participant_id,
        submitted_at,
        duration_s,
        channel,
        age_years,
        age_band,
        case
            when age_band in ('25_29', '30_34') then '25_34'
            when age_band in ('35_39', '40_44') then '35_44'
            when age_band in ('45_49', '50_plus') then '45_plus'
            else age_band
        end as age_band_coarse,
        is_age_mapped,
        gender,
        role,
        role_raw,
        is_role_mapped,
        city_id,
        city_zh,
        city_en,
        province_zh,
        province_en,
        country_code,
        city_tier,
        city_lat,
        city_lon,
        is_overseas,
        city_raw,
        is_city_mapped
    from responses
)

select * from final
