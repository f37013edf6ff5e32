-- 0006: summary tables and freshness scoped to regions (issue 14). Twin of postgres/0006_summaries.sql;
-- they differ in integer type names and in the triggers (SQLite has only row-level ones).
--
-- Pages used to aggregate the base tables on every fresh render (500,000 service units scanned twice for the
-- national page) and one global data version made every page stale after any write. Now:
-- * training_summary, unit_summary and provincial_part_summary hold the base tables' sums per region (and
--   year), so a page reads O(regions x years) rows. Predicate records are one row per kab/kota and award year
--   already, so they need no summary.
-- * Triggers only note which summary keys a write touched (summary_dirty: kind, region code, year; cheap and
--   idempotent per row). Before the write commits, `kla::summaries::settle` recomputes exactly those keys
--   from the base tables and bumps the versions of the regions whose pages show them (region_version: a
--   kab/kota, its province and 'nasional'; a province-wide training also every kab/kota of its province; an
--   evaluation step only its kab/kota) - once per transaction, not once per row.
-- * A write that commits without settling (SQL by hand) leaves its keys noted; the next reader settles them,
--   so no path can leave a summary or a cached page wrong.
-- Counts a report left out stay unknown: each sum is kept beside how many records reported it (_n, _events).
drop trigger training_events_insert_version;
drop trigger training_events_update_version;
drop trigger training_events_delete_version;
drop trigger training_participants_by_regency_insert_version;
drop trigger training_participants_by_regency_update_version;
drop trigger training_participants_by_regency_delete_version;
drop trigger training_participants_by_kind_insert_version;
drop trigger training_participants_by_kind_update_version;
drop trigger training_participants_by_kind_delete_version;
drop trigger service_units_insert_version;
drop trigger service_units_update_version;
drop trigger service_units_delete_version;
drop trigger predicate_records_insert_version;
drop trigger predicate_records_update_version;
drop trigger predicate_records_delete_version;
drop trigger submissions_insert_version;
drop trigger submissions_update_version;
drop trigger evidence_insert_version;
drop trigger evidence_update_version;
drop trigger evidence_files_insert_version;
drop trigger evidence_files_update_version;
drop trigger evidence_files_delete_version;
drop trigger score_ledger_insert_version;
drop trigger cycles_insert_version;
drop table data_version;

create table training_summary (
    organiser_code     text not null,
    province_code      text not null,
    year               integer not null,
    events             integer not null,
    offline_sum        integer not null,
    offline_n          integer not null,
    online_sum         integer not null,
    online_n           integer not null,
    participant_events integer not null,
    institutions_sum   integer not null,
    institution_events integer not null,
    days_sum           integer not null,
    day_events         integer not null,
    demo_events        integer not null,
    primary key (organiser_code, year)
);
create index training_summary_province_year on training_summary (province_code, year);

create table unit_summary (
    regency_code    text not null,
    province_code   text not null,
    kind            text not null,
    units           integer not null,
    certified_units integer not null,
    staff           integer not null,
    certified_staff integer not null,
    demo_units      integer not null,
    primary key (regency_code, kind)
);
create index unit_summary_province_kind on unit_summary (province_code, kind);

create table provincial_part_summary (
    regency_code     text not null,
    province_code    text not null,
    year             integer not null,
    events           integer not null,
    participants_sum integer not null,
    participants_n   integer not null,
    demo_events      integer not null,
    primary key (regency_code, year)
);
create index provincial_part_summary_province_year on provincial_part_summary (province_code, year);

create table region_version (
    code    text primary key,
    version integer not null
);

create table summary_dirty (
    kind text not null check (kind in ('training', 'provincial', 'units', 'predicates', 'evaluation')),
    code text not null,
    year integer not null,
    primary key (kind, code, year)
);

create trigger training_events_insert_dirty after insert on training_events begin
    insert or ignore into summary_dirty (kind, code, year) values ('training', new.organiser_code, new.year);
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', new.province_code, new.year where new.organiser_level = 'province';
end;
create trigger training_events_update_dirty after update on training_events begin
    insert or ignore into summary_dirty (kind, code, year) values ('training', old.organiser_code, old.year);
    insert or ignore into summary_dirty (kind, code, year) values ('training', new.organiser_code, new.year);
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', old.province_code, old.year where old.organiser_level = 'province';
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', new.province_code, new.year where new.organiser_level = 'province';
end;
create trigger training_events_delete_dirty after delete on training_events begin
    insert or ignore into summary_dirty (kind, code, year) values ('training', old.organiser_code, old.year);
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', old.province_code, old.year where old.organiser_level = 'province';
end;

-- A breakdown changes its event's pages; by kab/kota, also the parts of a province's training. When the event
-- itself is being deleted (a cascade), it is gone here, and its own trigger has noted its keys.
create trigger training_participants_by_regency_insert_dirty after insert on training_participants_by_regency begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id = new.event_id;
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', province_code, year from training_events where id = new.event_id and organiser_level = 'province';
end;
create trigger training_participants_by_regency_update_dirty after update on training_participants_by_regency begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id in (old.event_id, new.event_id);
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', province_code, year from training_events where id in (old.event_id, new.event_id) and organiser_level = 'province';
end;
create trigger training_participants_by_regency_delete_dirty after delete on training_participants_by_regency begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id = old.event_id;
    insert or ignore into summary_dirty (kind, code, year) select 'provincial', province_code, year from training_events where id = old.event_id and organiser_level = 'province';
end;
create trigger training_participants_by_kind_insert_dirty after insert on training_participants_by_kind begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id = new.event_id;
end;
create trigger training_participants_by_kind_update_dirty after update on training_participants_by_kind begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id in (old.event_id, new.event_id);
end;
create trigger training_participants_by_kind_delete_dirty after delete on training_participants_by_kind begin
    insert or ignore into summary_dirty (kind, code, year) select 'training', organiser_code, year from training_events where id = old.event_id;
end;

create trigger service_units_insert_dirty after insert on service_units begin
    insert or ignore into summary_dirty (kind, code, year) values ('units', new.regency_code, 0);
end;
create trigger service_units_update_dirty after update on service_units begin
    insert or ignore into summary_dirty (kind, code, year) values ('units', old.regency_code, 0);
    insert or ignore into summary_dirty (kind, code, year) values ('units', new.regency_code, 0);
end;
create trigger service_units_delete_dirty after delete on service_units begin
    insert or ignore into summary_dirty (kind, code, year) values ('units', old.regency_code, 0);
end;

create trigger predicate_records_insert_dirty after insert on predicate_records begin
    insert or ignore into summary_dirty (kind, code, year) values ('predicates', new.regency_code, 0);
end;
create trigger predicate_records_update_dirty after update on predicate_records begin
    insert or ignore into summary_dirty (kind, code, year) values ('predicates', old.regency_code, 0);
    insert or ignore into summary_dirty (kind, code, year) values ('predicates', new.regency_code, 0);
end;
create trigger predicate_records_delete_dirty after delete on predicate_records begin
    insert or ignore into summary_dirty (kind, code, year) values ('predicates', old.regency_code, 0);
end;

-- Evaluation preparation shows only on its kab/kota's page: a step there refreshes that page alone.
create trigger submissions_insert_dirty after insert on submissions begin
    insert or ignore into summary_dirty (kind, code, year) values ('evaluation', new.regency_code, 0);
end;
create trigger submissions_update_dirty after update on submissions begin
    insert or ignore into summary_dirty (kind, code, year) values ('evaluation', old.regency_code, 0);
    insert or ignore into summary_dirty (kind, code, year) values ('evaluation', new.regency_code, 0);
end;
create trigger submissions_delete_dirty after delete on submissions begin
    insert or ignore into summary_dirty (kind, code, year) values ('evaluation', old.regency_code, 0);
end;
create trigger evidence_insert_dirty after insert on evidence begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where id = new.submission_id;
end;
create trigger evidence_update_dirty after update on evidence begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where id in (old.submission_id, new.submission_id);
end;
create trigger evidence_delete_dirty after delete on evidence begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where id = old.submission_id;
end;
create trigger evidence_files_insert_dirty after insert on evidence_files begin
    insert or ignore into summary_dirty (kind, code, year)
    select 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id where e.id = new.evidence_id;
end;
create trigger evidence_files_update_dirty after update on evidence_files begin
    insert or ignore into summary_dirty (kind, code, year)
    select 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id where e.id in (old.evidence_id, new.evidence_id);
end;
create trigger evidence_files_delete_dirty after delete on evidence_files begin
    insert or ignore into summary_dirty (kind, code, year)
    select 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id where e.id = old.evidence_id;
end;
create trigger evidence_links_insert_dirty after insert on evidence_links begin
    insert or ignore into summary_dirty (kind, code, year)
    select 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id where e.id = new.evidence_id;
end;
create trigger evidence_links_delete_dirty after delete on evidence_links begin
    insert or ignore into summary_dirty (kind, code, year)
    select 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id where e.id = old.evidence_id;
end;
create trigger score_ledger_insert_dirty after insert on score_ledger begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where id = new.submission_id;
end;
create trigger cycles_insert_dirty after insert on cycles begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where cycle_id = new.id;
end;
create trigger cycles_update_dirty after update on cycles begin
    insert or ignore into summary_dirty (kind, code, year) select 'evaluation', regency_code, 0 from submissions where cycle_id in (old.id, new.id);
end;

-- Existing rows: every key is noted, and the first settle (at start) fills the summaries.
insert or ignore into summary_dirty (kind, code, year) select distinct 'training', organiser_code, year from training_events;
insert or ignore into summary_dirty (kind, code, year) select distinct 'provincial', province_code, year from training_events where organiser_level = 'province';
insert or ignore into summary_dirty (kind, code, year) select distinct 'units', regency_code, 0 from service_units;
