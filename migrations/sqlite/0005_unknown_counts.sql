-- Real data as it comes (issue 13). Unknown is not zero: the counts a training report may omit — participants
-- in the room and online, institutions, days (and so the end date) — become nullable, as do the mode and the
-- participants in each breakdown entry (a report may name the kab/kota or the kinds of provider that took part
-- without saying how many), and a predicate record's data year (award lists rarely give it; its scores were
-- already optional). NULL means "not reported"; a number means someone reported it. Events gain what reports
-- carry as text — notes, speakers or facilitators, the local programme, the assessment used — and a flag for a
-- province's training "for every kab/kota" of the province. The PostgreSQL twin alters the columns in place;
-- SQLite cannot drop a NOT NULL, so its tables are rebuilt.
--
-- Existing rows keep their values. Before this migration the forms and imports required a participant count
-- and turned an empty institutions or online-participants cell into 0, so a stored 0 there may have been a
-- blank; it stays 0 here (nothing can tell the two apart), and an officer who knows it was not reported
-- clears it by editing the record.
--
-- The rebuild, inside the migration's transaction with foreign keys on: dropping `training_events` would
-- delete both breakdown tables' rows (ON DELETE CASCADE) and drops its own data-version triggers, so the
-- breakdowns are copied aside, all three tables are made again, the rows put back and the indexes and
-- triggers made again. Ids are kept, so audit entries and evidence links still name the same events, and
-- AUTOINCREMENT continues after them.

create temporary table keep_by_regency as select * from training_participants_by_regency;
create temporary table keep_by_kind as select * from training_participants_by_kind;
drop table training_participants_by_regency;
drop table training_participants_by_kind;

create table training_events_new (
    id                   integer primary key autoincrement,
    organiser_code       text not null references regions (code),
    province_code        text not null references regions (code),
    organiser_level      text not null check (organiser_level in ('province', 'regency')),
    title                text not null,
    kind                 text not null check (kind in ('pelatihan', 'bimtek', 'tot', 'sosialisasi')),
    start_date           text not null,
    end_date             text,
    year                 integer not null,
    days                 integer check (days >= 1),
    venue                text not null default '',
    mode                 text check (mode in ('luring', 'daring', 'hybrid')),
    participants_offline integer check (participants_offline >= 0),
    participants_online  integer check (participants_online >= 0),
    institutions         integer check (institutions >= 0),
    pre_test_mean        real check (pre_test_mean between 0 and 100),
    post_test_mean       real check (post_test_mean between 0 and 100),
    certificate_issuer   text not null default '',
    source_url           text not null default '',
    is_demo              integer not null default 0 check (is_demo in (0, 1)),
    all_regencies        integer not null default 0 check (all_regencies in (0, 1)),
    assessment           text check (assessment in ('none', 'quiz', 'pre_post')),
    programme            text not null default '',
    facilitators         text not null default '',
    notes                text not null default ''
);
insert into training_events_new
    (id, organiser_code, province_code, organiser_level, title, kind, start_date, end_date, year, days, venue, mode,
     participants_offline, participants_online, institutions, pre_test_mean, post_test_mean, certificate_issuer,
     source_url, is_demo, assessment)
select id, organiser_code, province_code, organiser_level, title, kind, start_date, end_date, year, days, venue, mode,
       participants_offline, participants_online, institutions, pre_test_mean, post_test_mean, certificate_issuer,
       source_url, is_demo,
       case when pre_test_mean is not null or post_test_mean is not null then 'pre_post' end
from training_events;

drop table training_events;
alter table training_events_new rename to training_events;

create table training_participants_by_regency (
    event_id     integer not null references training_events (id) on delete cascade,
    regency_code text not null references regions (code),
    participants integer check (participants >= 0),
    primary key (event_id, regency_code)
);
create table training_participants_by_kind (
    event_id      integer not null references training_events (id) on delete cascade,
    provider_kind text not null,
    participants  integer check (participants >= 0),
    primary key (event_id, provider_kind)
);
insert into training_participants_by_regency (event_id, regency_code, participants)
    select event_id, regency_code, participants from keep_by_regency;
insert into training_participants_by_kind (event_id, provider_kind, participants)
    select event_id, provider_kind, participants from keep_by_kind;
drop table keep_by_regency;
drop table keep_by_kind;

create index training_events_province_year on training_events (province_code, year);
create index training_events_organiser_year on training_events (organiser_code, year);
create index training_events_year on training_events (year);
create index training_participants_by_regency_regency on training_participants_by_regency (regency_code);

create trigger training_events_insert_version after insert on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_events_update_version after update on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_events_delete_version after delete on training_events begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_insert_version after insert on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_update_version after update on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_regency_delete_version after delete on training_participants_by_regency begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_insert_version after insert on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_update_version after update on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;
create trigger training_participants_by_kind_delete_version after delete on training_participants_by_kind begin update data_version set version = version + 1 where id = 1; end;

-- predicate_records: nothing refers to it, so a plain rebuild; its indexes, unique key and triggers again.
create table predicate_records_new (
    id                    integer primary key autoincrement,
    regency_code          text not null references regions (code),
    province_code         text not null references regions (code),
    award_year            integer not null,
    data_year             integer,
    score_self_assessment real,
    score_administrative  real,
    score_field           real,
    score_final           real,
    predicate             text check (predicate in ('pratama', 'madya', 'nindya', 'utama', 'kla')),
    source_url            text not null default '',
    is_demo               integer not null default 0 check (is_demo in (0, 1)),
    unique (regency_code, award_year)
);
insert into predicate_records_new
    (id, regency_code, province_code, award_year, data_year, score_self_assessment, score_administrative, score_field,
     score_final, predicate, source_url, is_demo)
select id, regency_code, province_code, award_year, data_year, score_self_assessment, score_administrative, score_field,
       score_final, predicate, source_url, is_demo
from predicate_records;
drop table predicate_records;
alter table predicate_records_new rename to predicate_records;
create index predicate_records_province_year on predicate_records (province_code, award_year);
create index predicate_records_year on predicate_records (award_year);
create trigger predicate_records_insert_version after insert on predicate_records begin update data_version set version = version + 1 where id = 1; end;
create trigger predicate_records_update_version after update on predicate_records begin update data_version set version = version + 1 where id = 1; end;
create trigger predicate_records_delete_version after delete on predicate_records begin update data_version set version = version + 1 where id = 1; end;
