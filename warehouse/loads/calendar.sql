-- Replace dim_calendar with the staged calendar (it always covers every loaded date).
delete from dim_calendar;

insert into dim_calendar
select
    date_on, year, spring_festival_on, days_from_spring_festival, is_official_holiday,
    holiday_name_zh, holiday_name_en, is_weekend
from stg_calendar;
