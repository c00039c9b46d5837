-- Segment population (grain: current response = participant x edition): the profile dimensions
-- and outcome measures rule segments filter and aggregate (mart_segment_population, built at
-- publish; its header says what each outcome's null means). In the table's stored order
-- (edition_year, participant_id): DuckDB keeps insertion order when it scans a table, and
-- sorting 100k rows with list columns again would cost ~200 ms of every request.
select * from mart_segment_population
