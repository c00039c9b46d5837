-- An age answer of another survey's own band scheme keeps its own interval and a broad band.
-- A clean band spanning two canonical bands (20-29, 30岁以上, 40~49岁) has no canonical age_band
-- but is not "unmapped": age_low/age_high hold its inclusive interval (age_high null for an open
-- band such as 60岁以上), age_band_broad the broad band holding most of it (under_18, 18_34,
-- 35_49, 50_plus; survey.normalise.BROAD_AGE_BANDS). Set for every age read as an interval
-- (canonical bands too), so counts by broad band cover every scheme.
alter table fct_survey_response add column if not exists age_low integer;
alter table fct_survey_response add column if not exists age_high integer;
alter table fct_survey_response add column if not exists age_band_broad varchar;
