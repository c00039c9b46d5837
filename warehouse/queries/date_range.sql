-- First and last date of every dated fact, for the calendar (grain: whole warehouse).
with dates as (
    select min(date_on) as first_on, max(date_on) as last_on from fct_content_daily
    union all
    select min(date_on), max(date_on) from fct_topic_attention
    union all
    select min(published_on), max(published_on) from fct_creator_activity
    union all
    select min(cast(minute_at as date)), max(cast(minute_at as date)) from fct_live_minute
    union all
    select min(broadcast_on), max(broadcast_on) from dim_edition
)

select min(first_on) as first_on, max(last_on) as last_on from dates
