-- 0002 platforms: catalogue (programs, creators, sponsors, content), platform metrics, live,
-- audience retention, creator activity, topic attention and the calendar.

-- dim_platform [platform]
create table if not exists dim_platform (
    platform_id varchar primary key,
    name_zh varchar not null,
    name_en varchar not null
);

insert into dim_platform
select * from (values
    ('bilibili', '哔哩哔哩', 'Bilibili'),
    ('douyin', '抖音', 'Douyin'),
    ('wechat_channels', '微信视频号', 'WeChat Channels'),
    ('xiaohongshu', '小红书', 'Xiaohongshu'),
    ('weibo', '微博', 'Weibo'),
    ('youtube', 'YouTube', 'YouTube')
) as seed(platform_id, name_zh, name_en)
where platform_id not in (select platform_id from dim_platform);

alter table dim_edition add column if not exists broadcast_on date;

-- dim_program [program]
create table if not exists dim_program (
    program_id varchar primary key,
    edition_year integer not null,
    title_zh varchar not null,
    genre varchar not null,
    duration_s double,
    load_id varchar not null
);

-- bridge_program_participant [program x participant]: who made which program.
create table if not exists bridge_program_participant (
    program_id varchar not null,
    participant_id varchar not null,
    credit_role varchar,
    load_id varchar not null,
    primary key (program_id, participant_id)
);

-- dim_sponsor [sponsor]
create table if not exists dim_sponsor (
    sponsor_id varchar primary key,
    name_zh varchar not null,
    name_en varchar,
    load_id varchar not null
);

-- bridge_sponsor_program [sponsor x program]
create table if not exists bridge_sponsor_program (
    sponsor_id varchar not null,
    program_id varchar not null,
    load_id varchar not null,
    primary key (sponsor_id, program_id)
);

-- dim_content [platform x content]: one item on one platform; program_id null = unmatched.
create table if not exists dim_content (
    platform_id varchar not null,
    content_id varchar not null,
    program_id varchar,
    title varchar,
    url varchar,
    published_at timestamp,
    duration_s double,
    load_id varchar not null,
    primary key (platform_id, content_id)
);

-- fct_content_daily [platform x content x date]: nulls are "not reported", never zero.
create table if not exists fct_content_daily (
    platform_id varchar not null,
    content_id varchar not null,
    date_on date not null,
    views bigint,
    likes bigint,
    comments bigint,
    shares bigint,
    favorites bigint,
    coins bigint,
    danmaku bigint,
    new_followers bigint,
    impressions bigint,
    unique_viewers bigint,
    watch_time_s double,
    avg_view_duration_s double,
    completion_rate double,
    impressions_ctr double,
    is_from_cumulative boolean not null,
    load_id varchar not null,
    primary key (platform_id, content_id, date_on)
);

-- fct_content_period [platform x content x period]: totals reported only over a period.
create table if not exists fct_content_period (
    platform_id varchar not null,
    content_id varchar not null,
    period_start_on date not null,
    period_end_on date not null,
    views bigint,
    watch_time_s double,
    impressions bigint,
    impressions_ctr double,
    unique_viewers bigint,
    avg_view_duration_s double,
    avg_pct_viewed double,
    new_followers bigint,
    load_id varchar not null,
    primary key (platform_id, content_id, period_start_on, period_end_on)
);

-- counter_issue [load x platform x content x date x metric]: cumulative counters that went down.
create table if not exists counter_issue (
    load_id varchar not null,
    platform_id varchar not null,
    content_id varchar not null,
    date_on date not null,
    metric varchar not null,
    previous_value bigint,
    value bigint
);

-- fct_live_minute [stream x minute]
create table if not exists fct_live_minute (
    stream_id varchar not null,
    platform_id varchar not null,
    minute_at timestamp not null,
    concurrent_viewers bigint not null,
    comments bigint,
    gifts bigint,
    load_id varchar not null,
    primary key (stream_id, platform_id, minute_at)
);

-- fct_audience_retention [platform x content x position percent]
create table if not exists fct_audience_retention (
    platform_id varchar not null,
    content_id varchar not null,
    position_pct integer not null,
    audience_share double not null,
    load_id varchar not null,
    primary key (platform_id, content_id, position_pct)
);

-- fct_creator_activity [participant x platform x work]
create table if not exists fct_creator_activity (
    participant_id varchar not null,
    platform_id varchar not null,
    content_id varchar not null,
    published_on date not null,
    title varchar,
    load_id varchar not null,
    primary key (participant_id, platform_id, content_id)
);

-- fct_topic_attention [source x keyword x date]
create table if not exists fct_topic_attention (
    source varchar not null,
    keyword varchar not null,
    date_on date not null,
    value double not null,
    load_id varchar not null,
    primary key (source, keyword, date_on)
);

-- dim_calendar [date]: Spring Festival (正月初一) of the date's year and the offset from it.
create table if not exists dim_calendar (
    date_on date primary key,
    year integer not null,
    spring_festival_on date not null,
    days_from_spring_festival integer not null,
    is_official_holiday boolean not null,
    holiday_name_zh varchar,
    holiday_name_en varchar,
    is_weekend boolean not null
);
