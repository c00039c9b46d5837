-- mart_survey_wide is no longer a model rebuilt at every publish (its PIVOT was most of a wide
-- survey's publish): the same table is exported on demand (`creatorpulse export survey-wide`,
-- warehouse.survey_wide). A warehouse built before keeps a stale copy otherwise.
drop table if exists mart_survey_wide;
