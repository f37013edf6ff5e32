-- Real data as it comes (issue 13). Unknown is not zero: the counts a training report may omit — participants
-- in the room and online, institutions, days (and so the end date) — become nullable, as do the mode and the
-- participants in each breakdown entry (a report may name the kab/kota or the kinds of provider that took part
-- without saying how many), and a predicate record's data year (award lists rarely give it; its scores were
-- already optional). NULL means "not reported"; a number means someone reported it. Events gain what reports
-- carry as text — notes, speakers or facilitators, the local programme, the assessment used — and a flag for a
-- province's training "for every kab/kota" of the province. Here each column is altered in place, keeping the
-- tables, breakdowns, indexes and triggers; the SQLite twin rebuilds its tables (it cannot drop a NOT NULL).
--
-- Existing rows keep their values. Before this migration the forms and imports required a participant count
-- and turned an empty institutions or online-participants cell into 0, so a stored 0 there may have been a
-- blank; it stays 0 here (nothing can tell the two apart), and an officer who knows it was not reported
-- clears it by editing the record.

alter table training_events alter column end_date drop not null;
alter table training_events alter column days drop not null;
alter table training_events alter column mode drop not null;
alter table training_events alter column participants_offline drop not null;
alter table training_events alter column participants_online drop not null;
alter table training_events alter column institutions drop not null;
alter table training_events add column all_regencies integer not null default 0 check (all_regencies in (0, 1));
alter table training_events add column assessment text check (assessment in ('none', 'quiz', 'pre_post'));
alter table training_events add column programme text not null default '';
alter table training_events add column facilitators text not null default '';
alter table training_events add column notes text not null default '';
-- An event that recorded test means used a pre/post test.
update training_events set assessment = 'pre_post' where pre_test_mean is not null or post_test_mean is not null;
alter table training_participants_by_regency alter column participants drop not null;
alter table training_participants_by_kind alter column participants drop not null;
alter table predicate_records alter column data_year drop not null;
