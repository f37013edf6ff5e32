-- Unknown is not zero (issue 13): the counts a training report may omit — participants in the room and
-- online, institutions, days — become nullable, and so does a predicate record's data year (award lists
-- rarely give it; its scores were already optional). NULL means "not reported"; a number means someone
-- reported it. The SQLite twin rebuilds both tables (it cannot drop a NOT NULL); here one ALTER per column
-- keeps the tables, the breakdowns, indexes and triggers as they are.
--
-- Existing rows keep their values. Before this migration the forms and imports required a participant count
-- and turned an empty institutions or online-participants cell into 0, so a stored 0 there may have been a
-- blank; it stays 0 here (nothing can tell the two apart), and an officer who knows it was not reported
-- clears it by editing the record.

alter table training_events alter column days drop not null;
alter table training_events alter column participants_offline drop not null;
alter table training_events alter column participants_online drop not null;
alter table training_events alter column institutions drop not null;
alter table predicate_records alter column data_year drop not null;
