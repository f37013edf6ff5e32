-- Evaluation preparation (issue 5), SQLite. The PostgreSQL twin is ../postgres/0004_evaluation.sql; they differ
-- only in identity columns, integer and real widths, the trigger syntax, and how the audit trail's entity check
-- is widened (SQLite cannot alter a check constraint, so the table is rebuilt with its rows).
--
-- instrument → indicators → evidence items   the checklist, as data: a revised instrument is a new row set
-- cycle                                       one evaluation round (award year, data year, deadlines)
-- submission                                  one regency's preparation for one cycle, and its status
-- evidence → files, links, follow-ups         each checklist item's status, documents and verifier's word
-- score_ledger                                every score recorded per indicator and stage, never overwritten

create table instruments (
    id              integer primary key autoincrement,
    code            text not null unique,
    name            text not null,
    source          text not null,                    -- the regulation the indicators follow
    weights_note    text not null,                    -- where the points per indicator come from
    weights_assumed integer not null check (weights_assumed in (0, 1)),
    loaded_at       integer not null
);

create table indicators (
    id            integer primary key autoincrement,
    instrument_id integer not null references instruments (id),
    number        integer not null check (number > 0),
    cluster       text not null check (cluster in ('kelembagaan', 'klaster_1', 'klaster_2', 'klaster_3', 'klaster_4', 'klaster_5')),
    name_id       text not null,
    name_en       text not null,
    max_points    real not null check (max_points > 0),
    unique (instrument_id, number)
);

-- offers: Pantau KLA records that serve as this evidence without an upload: 'kegiatan' (the regency's KHA
-- training events of the data year) or 'unit:KIND' (its service units of that kind); null for none.
create table evidence_items (
    id           integer primary key autoincrement,
    indicator_id integer not null references indicators (id),
    code         text not null,
    name_id      text not null,
    name_en      text not null,
    offers       text,
    unique (indicator_id, code)
);

create table cycles (
    id              integer primary key autoincrement,
    award_year      integer not null unique,
    data_year       integer not null,
    instrument_id   integer not null references instruments (id),
    self_deadline   text not null,                    -- YYYY-MM-DD: self-assessment and evidence
    verify_deadline text not null,                    -- YYYY-MM-DD: the province's verification
    created_at      integer not null
);

create table submissions (
    id           integer primary key autoincrement,
    cycle_id     integer not null references cycles (id),
    regency_code text not null references regions (code),
    status       text not null check (status in ('preparing', 'submitted', 'returned', 'verified')),
    submitted_at integer,
    published    integer not null default 0 check (published in (0, 1)),
    unique (cycle_id, regency_code)
);

create table evidence (
    id            integer primary key autoincrement,
    submission_id integer not null references submissions (id),
    item_id       integer not null references evidence_items (id),
    status        text not null check (status in ('missing', 'uploaded', 'verified', 'rejected')),
    doc_year      integer,
    comment       text not null default '',           -- the verifier's
    updated_at    integer not null,
    unique (submission_id, item_id)
);

-- Files live in the object store under object_key; the row is written after the object, in one transaction
-- with the evidence status and the audit entry, and the object is removed again if that transaction fails.
create table evidence_files (
    id           integer primary key autoincrement,
    evidence_id  integer not null references evidence (id),
    object_key   text not null unique,
    file_name    text not null,
    content_type text not null,
    size_bytes   integer not null,
    sha256       text not null,
    public       integer not null default 0 check (public in (0, 1)),
    uploaded_by  integer references users (id),
    uploaded_at  integer not null
);
create index evidence_files_evidence on evidence_files (evidence_id);

create table evidence_links (
    id          integer primary key autoincrement,
    evidence_id integer not null references evidence (id),
    entity      text not null check (entity in ('training_event', 'service_unit')),
    record_id   integer not null,
    linked_at   integer not null,
    unique (evidence_id, entity, record_id)
);

create table follow_ups (
    id          integer primary key autoincrement,
    evidence_id integer not null references evidence (id),
    note        text not null,
    due_date    text not null,                        -- YYYY-MM-DD
    created_by  integer references users (id),
    created_at  integer not null,
    closed_at   integer
);
create index follow_ups_evidence on follow_ups (evidence_id);

create table score_ledger (
    id            integer primary key autoincrement,
    submission_id integer not null references submissions (id),
    indicator_id  integer not null references indicators (id),
    stage         text not null check (stage in ('self_assessment', 'administrative', 'field', 'final')),
    score         real not null check (score >= 0),
    user_id       integer references users (id),
    actor         text not null,
    at            integer not null,
    at_text       text not null
);
create index score_ledger_submission on score_ledger (submission_id, indicator_id, stage, id);

-- The public regency page shows evidence completeness and published verified scores: keep its cache honest.
create trigger submissions_insert_version after insert on submissions begin update data_version set version = version + 1 where id = 1; end;
create trigger submissions_update_version after update on submissions begin update data_version set version = version + 1 where id = 1; end;
create trigger evidence_insert_version after insert on evidence begin update data_version set version = version + 1 where id = 1; end;
create trigger evidence_update_version after update on evidence begin update data_version set version = version + 1 where id = 1; end;
create trigger evidence_files_insert_version after insert on evidence_files begin update data_version set version = version + 1 where id = 1; end;
create trigger evidence_files_update_version after update on evidence_files begin update data_version set version = version + 1 where id = 1; end;
create trigger evidence_files_delete_version after delete on evidence_files begin update data_version set version = version + 1 where id = 1; end;
create trigger score_ledger_insert_version after insert on score_ledger begin update data_version set version = version + 1 where id = 1; end;
create trigger cycles_insert_version after insert on cycles begin update data_version set version = version + 1 where id = 1; end;

-- The audit trail now also records the evaluation's changes.
create table audit_log_new (
    id            integer primary key autoincrement,
    at            integer not null,
    at_text       text not null,
    user_id       integer references users (id),
    actor         text not null,
    via           text not null check (via in ('form', 'import', 'cli', 'account')),
    action        text not null check (action in ('create', 'update', 'delete')),
    entity        text not null check (entity in ('training_event', 'service_unit', 'predicate_record', 'user',
                      'cycle', 'submission', 'evidence', 'evidence_file', 'evidence_link', 'score', 'instrument')),
    record_id     integer not null,
    region_code   text,
    province_code text,
    old_values    text,
    new_values    text
);
insert into audit_log_new select * from audit_log;
drop table audit_log;
alter table audit_log_new rename to audit_log;
create index audit_log_record on audit_log (entity, record_id, id);
create index audit_log_region on audit_log (region_code, id);
create index audit_log_province on audit_log (province_code, id);
