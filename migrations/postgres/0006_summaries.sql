-- 0006: summary tables and freshness scoped to regions (issue 14). Twin of sqlite/0006_summaries.sql;
-- they differ in integer type names and in the triggers: here one statement-level trigger per table and
-- operation notes the keys a whole statement touched from its transition tables, and summary_dirty has no
-- unique key, so concurrent writers never wait on each other's notes (settle reads them with EXISTS, so a
-- key noted twice counts once). Writers touching the same region are serialized when settle bumps that
-- region's version (a row lock, always taken in code order), before it recomputes: each recompute then reads
-- every write committed before it.
--
-- Pages used to aggregate the base tables on every fresh render (500,000 service units scanned twice for the
-- national page) and one global data version made every page stale after any write. Now:
-- * training_summary, unit_summary and provincial_part_summary hold the base tables' sums per region (and
--   year), so a page reads O(regions x years) rows. Predicate records are one row per kab/kota and award year
--   already, so they need no summary.
-- * Triggers only note which summary keys a write touched (summary_dirty: kind, region code, year). Before the
--   write commits, `kla::summaries::settle` recomputes exactly those keys from the base tables and bumps the
--   versions of the regions whose pages show them (region_version: a kab/kota, its province and 'nasional'; a
--   province-wide training also every kab/kota of its province; an evaluation step only its kab/kota).
-- * A write that commits without settling (SQL by hand) leaves its keys noted; the next reader settles them,
--   so no path can leave a summary or a cached page wrong.
-- Counts a report left out stay unknown: each sum is kept beside how many records reported it (_n, _events).
drop trigger training_events_version on training_events;
drop trigger training_participants_by_regency_version on training_participants_by_regency;
drop trigger training_participants_by_kind_version on training_participants_by_kind;
drop trigger service_units_version on service_units;
drop trigger predicate_records_version on predicate_records;
drop trigger submissions_version on submissions;
drop trigger evidence_version on evidence;
drop trigger evidence_files_version on evidence_files;
drop trigger score_ledger_version on score_ledger;
drop trigger cycles_version on cycles;
drop function bump_data_version();
drop table data_version;

create table training_summary (
    organiser_code     text not null,
    province_code      text not null,
    year               bigint not null,
    events             bigint not null,
    offline_sum        bigint not null,
    offline_n          bigint not null,
    online_sum         bigint not null,
    online_n           bigint not null,
    participant_events bigint not null,
    institutions_sum   bigint not null,
    institution_events bigint not null,
    days_sum           bigint not null,
    day_events         bigint not null,
    demo_events        bigint not null,
    primary key (organiser_code, year)
);
create index training_summary_province_year on training_summary (province_code, year);

create table unit_summary (
    regency_code    text not null,
    province_code   text not null,
    kind            text not null,
    units           bigint not null,
    certified_units bigint not null,
    staff           bigint not null,
    certified_staff bigint not null,
    demo_units      bigint not null,
    primary key (regency_code, kind)
);
create index unit_summary_province_kind on unit_summary (province_code, kind);

create table provincial_part_summary (
    regency_code     text not null,
    province_code    text not null,
    year             bigint not null,
    events           bigint not null,
    participants_sum bigint not null,
    participants_n   bigint not null,
    demo_events      bigint not null,
    primary key (regency_code, year)
);
create index provincial_part_summary_province_year on provincial_part_summary (province_code, year);

create table region_version (
    code    text primary key,
    version bigint not null
);

create table summary_dirty (
    kind text not null check (kind in ('training', 'provincial', 'units', 'predicates', 'evaluation')),
    code text not null,
    year bigint not null
);
create index summary_dirty_key on summary_dirty (kind, code, year);

create function training_events_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', organiser_code, year from new_rows
        union select distinct 'provincial', province_code, year from new_rows where organiser_level = 'province';
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', organiser_code, year from old_rows
        union select distinct 'provincial', province_code, year from old_rows where organiser_level = 'province';
    end if;
    return null;
end
$$;

-- A breakdown changes its event's pages; by kab/kota, also the parts of a province's training. When the event
-- itself is being deleted (a cascade), it is gone here, and its own trigger has noted its keys.
create function breakdown_by_regency_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', e.organiser_code, e.year from training_events e where e.id in (select event_id from new_rows)
        union select distinct 'provincial', e.province_code, e.year from training_events e
              where e.id in (select event_id from new_rows) and e.organiser_level = 'province';
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', e.organiser_code, e.year from training_events e where e.id in (select event_id from old_rows)
        union select distinct 'provincial', e.province_code, e.year from training_events e
              where e.id in (select event_id from old_rows) and e.organiser_level = 'province';
    end if;
    return null;
end
$$;

create function breakdown_by_kind_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', e.organiser_code, e.year from training_events e where e.id in (select event_id from new_rows);
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'training', e.organiser_code, e.year from training_events e where e.id in (select event_id from old_rows);
    end if;
    return null;
end
$$;

-- Units and predicate records: their kab/kota (tg_argv[0] is the kind noted).
create function regency_rows_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year) select distinct tg_argv[0], regency_code, 0 from new_rows;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year) select distinct tg_argv[0], regency_code, 0 from old_rows;
    end if;
    return null;
end
$$;

-- Evaluation preparation shows only on its kab/kota's page: a step there refreshes that page alone.
create function submission_rows_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from submissions s where s.id in (select submission_id from new_rows);
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from submissions s where s.id in (select submission_id from old_rows);
    end if;
    return null;
end
$$;

create function evidence_rows_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id
        where e.id in (select evidence_id from new_rows);
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from evidence e join submissions s on s.id = e.submission_id
        where e.id in (select evidence_id from old_rows);
    end if;
    return null;
end
$$;

create function cycles_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from submissions s where s.cycle_id in (select id from new_rows);
    end if;
    if tg_op = 'UPDATE' then
        insert into summary_dirty (kind, code, year)
        select distinct 'evaluation', s.regency_code, 0 from submissions s where s.cycle_id in (select id from old_rows);
    end if;
    return null;
end
$$;

create function submissions_dirty() returns trigger language plpgsql as $$
begin
    if tg_op in ('INSERT', 'UPDATE') then
        insert into summary_dirty (kind, code, year) select distinct 'evaluation', regency_code, 0 from new_rows;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        insert into summary_dirty (kind, code, year) select distinct 'evaluation', regency_code, 0 from old_rows;
    end if;
    return null;
end
$$;

create trigger training_events_dirty_insert after insert on training_events referencing new table as new_rows for each statement execute function training_events_dirty();
create trigger training_events_dirty_update after update on training_events referencing old table as old_rows new table as new_rows for each statement execute function training_events_dirty();
create trigger training_events_dirty_delete after delete on training_events referencing old table as old_rows for each statement execute function training_events_dirty();
create trigger by_regency_dirty_insert after insert on training_participants_by_regency referencing new table as new_rows for each statement execute function breakdown_by_regency_dirty();
create trigger by_regency_dirty_update after update on training_participants_by_regency referencing old table as old_rows new table as new_rows for each statement execute function breakdown_by_regency_dirty();
create trigger by_regency_dirty_delete after delete on training_participants_by_regency referencing old table as old_rows for each statement execute function breakdown_by_regency_dirty();
create trigger by_kind_dirty_insert after insert on training_participants_by_kind referencing new table as new_rows for each statement execute function breakdown_by_kind_dirty();
create trigger by_kind_dirty_update after update on training_participants_by_kind referencing old table as old_rows new table as new_rows for each statement execute function breakdown_by_kind_dirty();
create trigger by_kind_dirty_delete after delete on training_participants_by_kind referencing old table as old_rows for each statement execute function breakdown_by_kind_dirty();
create trigger service_units_dirty_insert after insert on service_units referencing new table as new_rows for each statement execute function regency_rows_dirty('units');
create trigger service_units_dirty_update after update on service_units referencing old table as old_rows new table as new_rows for each statement execute function regency_rows_dirty('units');
create trigger service_units_dirty_delete after delete on service_units referencing old table as old_rows for each statement execute function regency_rows_dirty('units');
create trigger predicate_records_dirty_insert after insert on predicate_records referencing new table as new_rows for each statement execute function regency_rows_dirty('predicates');
create trigger predicate_records_dirty_update after update on predicate_records referencing old table as old_rows new table as new_rows for each statement execute function regency_rows_dirty('predicates');
create trigger predicate_records_dirty_delete after delete on predicate_records referencing old table as old_rows for each statement execute function regency_rows_dirty('predicates');
create trigger submissions_dirty_insert after insert on submissions referencing new table as new_rows for each statement execute function submissions_dirty();
create trigger submissions_dirty_update after update on submissions referencing old table as old_rows new table as new_rows for each statement execute function submissions_dirty();
create trigger submissions_dirty_delete after delete on submissions referencing old table as old_rows for each statement execute function submissions_dirty();
create trigger evidence_dirty_insert after insert on evidence referencing new table as new_rows for each statement execute function submission_rows_dirty();
create trigger evidence_dirty_update after update on evidence referencing old table as old_rows new table as new_rows for each statement execute function submission_rows_dirty();
create trigger evidence_dirty_delete after delete on evidence referencing old table as old_rows for each statement execute function submission_rows_dirty();
create trigger score_ledger_dirty_insert after insert on score_ledger referencing new table as new_rows for each statement execute function submission_rows_dirty();
create trigger evidence_files_dirty_insert after insert on evidence_files referencing new table as new_rows for each statement execute function evidence_rows_dirty();
create trigger evidence_files_dirty_update after update on evidence_files referencing old table as old_rows new table as new_rows for each statement execute function evidence_rows_dirty();
create trigger evidence_files_dirty_delete after delete on evidence_files referencing old table as old_rows for each statement execute function evidence_rows_dirty();
create trigger evidence_links_dirty_insert after insert on evidence_links referencing new table as new_rows for each statement execute function evidence_rows_dirty();
create trigger evidence_links_dirty_delete after delete on evidence_links referencing old table as old_rows for each statement execute function evidence_rows_dirty();
create trigger cycles_dirty_insert after insert on cycles referencing new table as new_rows for each statement execute function cycles_dirty();
create trigger cycles_dirty_update after update on cycles referencing old table as old_rows new table as new_rows for each statement execute function cycles_dirty();

-- Existing rows: every key is noted, and the first settle (at start) fills the summaries.
insert into summary_dirty (kind, code, year) select distinct 'training', organiser_code, year from training_events;
insert into summary_dirty (kind, code, year) select distinct 'provincial', province_code, year from training_events where organiser_level = 'province';
insert into summary_dirty (kind, code, year) select distinct 'units', regency_code, 0 from service_units;
