-- dim_calendar over a lake with staged files: the exported days, plus the staged calendar's days
-- the export does not cover (platform files may report days past the warehouse's last load).
with exported as (
    select * from lake_dim_calendar
),

staged as (
    select * from staged_dim_calendar
),

final as (
    select
        date_on, year, spring_festival_on, days_from_spring_festival, is_official_holiday,
        holiday_name_zh, holiday_name_en, is_weekend
    from exported
    union all
    select
        s.date_on, s.year, s.spring_festival_on, s.days_from_spring_festival,
        s.is_official_holiday, s.holiday_name_zh, s.holiday_name_en, s.is_weekend
    from staged as s
    where not exists (select 1 from exported as e where e.date_on = s.date_on)
)

select * from final
