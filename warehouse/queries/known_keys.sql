-- Keys the loads check references against (grain: key kind x key).
select 'participant' as kind, participant_id as key from dim_participant
union all
select 'program', program_id from dim_program
union all
select 'sponsor', sponsor_id from dim_sponsor
union all
select 'edition', cast(edition_year as varchar) from dim_edition
