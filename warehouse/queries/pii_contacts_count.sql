-- RESTRICTED table, counted only: how many participants have contacts (the contacts list's
-- length, without reading a value).
select count(*) as count_rows from pii_participant_contact
