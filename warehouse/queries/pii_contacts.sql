-- RESTRICTED: names and contacts (grain: participant), with their latest survey response's
-- edition, role and city for context (mart_survey_profile). Only the organizers' contacts page
-- reads this, which masks every value before it leaves the server and logs each reveal.
-- $first_row / $row_count: one page of the list in its order (null: from the first / to the end).
with contacts as (
    select * from pii_participant_contact
),

latest as (
    select * from mart_survey_profile
),

final as (
    select
        c.participant_id,
        c.name_text,
        c.phone,
        c.wechat,
        c.email,
        l.edition_year,
        l.role,
        l.city_zh
    from contacts as c
    left join latest as l on l.participant_id = c.participant_id
    where $participant_id is null or c.participant_id = $participant_id
)

select * from final
order by edition_year desc nulls last, participant_id
limit $row_count offset $first_row
