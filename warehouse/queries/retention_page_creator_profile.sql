-- Each surveyed participant's profile from their latest survey response (grain: participant):
-- the dimensions the retention page splits creator survival by. Participants never surveyed
-- are not here. In mart_survey_profile's stored order (participant_id): DuckDB keeps insertion
-- order when it scans a table.
select
    participant_id,
    role,
    age_band_coarse,
    gender,
    city_tier
from mart_survey_profile
