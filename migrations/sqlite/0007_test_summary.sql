-- 0007: pre/post-test results per organiser, year and kind of training (issue 16), the sums the
-- effectiveness figure reads instead of scanning every event (100,000 events nationally: ~70 ms per fresh
-- national render, against ~1 ms for these rows). Twin of postgres/0007_test_summary.sql; they differ in type
-- names and in how an existing note is skipped. Kept by `kla::summaries` with the same 'training' notes as
-- training_summary (the same keys: organiser and year), so it changes in the transaction of every write.
-- Only events with both means count in the sums; events with one of the two are counted apart.
create table test_summary (
    organiser_code  text not null,
    province_code   text not null,
    year            integer not null,
    kind            text not null,
    events          integer not null,
    tested_events   integer not null,
    one_test_events integer not null,
    pre_sum         real not null,
    post_sum        real not null,
    gain_sum        real not null,
    demo_events     integer not null,
    primary key (organiser_code, year, kind)
);
create index test_summary_province_year on test_summary (province_code, year);

-- Existing rows: every training key is noted, and the first settle (at start) fills the new table.
insert or ignore into summary_dirty (kind, code, year) select distinct 'training', organiser_code, year from training_events;
