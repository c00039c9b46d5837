-- 0009 questionnaires stored versioned: a survey loaded with no questionnaire file gets one
-- drafted from its export, stored here with the hash of the file it was drafted from; a refined
-- file given later becomes the next version of the same questionnaire. dim_questionnaire keeps
-- its grain [questionnaire x version]; one version per questionnaire is current (the one its
-- survey's answers were last loaded with). origin: file (a questionnaire file, e.g. the gala's),
-- drafted (inferred from an export), refined (a user's edit of a stored version).
alter table dim_questionnaire add column if not exists origin varchar default 'file';

alter table dim_questionnaire add column if not exists source_file_sha256 varchar;

alter table dim_questionnaire add column if not exists is_current boolean default true;

alter table dim_questionnaire add column if not exists definition_yaml varchar;
