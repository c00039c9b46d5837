-- 0010 follower shares: TikTok Studio's FollowerGender and FollowerTopTerritories files give
-- each gender's / territory's share of the channel's followers as of the export (no views, no
-- date). fct_channel_breakdown gains followers_share (0..1), beside views_share (a share of the
-- views): the two are different audiences and never mixed.
alter table fct_channel_breakdown add column if not exists followers_share double;
