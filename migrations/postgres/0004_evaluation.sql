-- Evaluation preparation (issue 5), PostgreSQL. The SQLite twin is ../sqlite/0004_evaluation.sql; they differ
-- only in identity columns, integer and real widths, the trigger syntax (statement-level here), and how the audit trail's entity check
-- is widened (SQLite cannot alter a check constraint, so the table is rebuilt with its rows).
--
-- instrument → indicators → evidence items   the checklist, as data: a revised instrument is a new row set
-- cycle                                       one evaluation round (award year, data year, deadlines)
-- submission                                  one regency's preparation for one cycle, and its status
-- evidence → files, links, follow-ups         each checklist item's status, documents and verifier's word
-- score_ledger                                every score recorded per indicator and stage, never overwritten

create table instruments (
    id              bigint generated always as identity primary key,
    code            text not null unique,
    name            text not null,
    source          text not null,                    -- the regulation the indicators follow
    weights_note    text not null,                    -- where the points per indicator come from
    weights_assumed bigint not null check (weights_assumed in (0, 1)),
    loaded_at       bigint not null
);

create table indicators (
    id            bigint generated always as identity primary key,
    instrument_id bigint not null references instruments (id),
    number        bigint not null check (number > 0),
    cluster       text not null check (cluster in ('kelembagaan', 'klaster_1', 'klaster_2', 'klaster_3', 'klaster_4', 'klaster_5')),
    name_id       text not null,
    name_en       text not null,
    max_points    double precision not null check (max_points > 0),
    unique (instrument_id, number)
);

-- offers: Pantau KLA records that serve as this evidence without an upload: 'kegiatan' (the regency's KHA
-- training events of the data year) or 'unit:KIND' (its service units of that kind); null for none.
create table evidence_items (
    id           bigint generated always as identity primary key,
    indicator_id bigint not null references indicators (id),
    code         text not null,
    name_id      text not null,
    name_en      text not null,
    offers       text,
    unique (indicator_id, code)
);

create table cycles (
    id              bigint generated always as identity primary key,
    award_year      bigint not null unique,
    data_year       bigint not null,
    instrument_id   bigint not null references instruments (id),
    self_deadline   text not null,                    -- YYYY-MM-DD: self-assessment and evidence
    verify_deadline text not null,                    -- YYYY-MM-DD: the province's verification
    created_at      bigint not null
);

create table submissions (
    id           bigint generated always as identity primary key,
    cycle_id     bigint not null references cycles (id),
    regency_code text not null references regions (code),
    status       text not null check (status in ('preparing', 'submitted', 'returned', 'verified')),
    submitted_at bigint,
    published    bigint not null default 0 check (published in (0, 1)),
    unique (cycle_id, regency_code)
);

create table evidence (
    id            bigint generated always as identity primary key,
    submission_id bigint not null references submissions (id),
    item_id       bigint not null references evidence_items (id),
    status        text not null check (status in ('missing', 'uploaded', 'verified', 'rejected')),
    doc_year      bigint,
    comment       text not null default '',           -- the verifier's
    updated_at    bigint not null,
    unique (submission_id, item_id)
);

-- Files live in the object store under object_key; the row is written after the object, in one transaction
-- with the evidence status and the audit entry, and the object is removed again if that transaction fails.
create table evidence_files (
    id           bigint generated always as identity primary key,
    evidence_id  bigint not null references evidence (id),
    object_key   text not null unique,
    file_name    text not null,
    content_type text not null,
    size_bytes   bigint not null,
    sha256       text not null,
    public       bigint not null default 0 check (public in (0, 1)),
    uploaded_by  bigint references users (id),
    uploaded_at  bigint not null
);
create index evidence_files_evidence on evidence_files (evidence_id);

create table evidence_links (
    id          bigint generated always as identity primary key,
    evidence_id bigint not null references evidence (id),
    entity      text not null check (entity in ('training_event', 'service_unit')),
    record_id   bigint not null,
    linked_at   bigint not null,
    unique (evidence_id, entity, record_id)
);

create table follow_ups (
    id          bigint generated always as identity primary key,
    evidence_id bigint not null references evidence (id),
    note        text not null,
    due_date    text not null,                        -- YYYY-MM-DD
    created_by  bigint references users (id),
    created_at  bigint not null,
    closed_at   bigint
);
create index follow_ups_evidence on follow_ups (evidence_id);

create table score_ledger (
    id            bigint generated always as identity primary key,
    submission_id bigint not null references submissions (id),
    indicator_id  bigint not null references indicators (id),
    stage         text not null check (stage in ('self_assessment', 'administrative', 'field', 'final')),
    score         double precision not null check (score >= 0),
    user_id       bigint references users (id),
    actor         text not null,
    at            bigint not null,
    at_text       text not null
);
create index score_ledger_submission on score_ledger (submission_id, indicator_id, stage, id);

-- The public regency page shows evidence completeness and published verified scores: keep its cache honest.
create trigger submissions_version after insert or update or delete on submissions for each statement execute function bump_data_version();
create trigger evidence_version after insert or update or delete on evidence for each statement execute function bump_data_version();
create trigger evidence_files_version after insert or update or delete on evidence_files for each statement execute function bump_data_version();
create trigger score_ledger_version after insert or update or delete on score_ledger for each statement execute function bump_data_version();
create trigger cycles_version after insert or update or delete on cycles for each statement execute function bump_data_version();

-- The audit trail now also records the evaluation's changes.
alter table audit_log drop constraint audit_log_entity_check;
alter table audit_log add constraint audit_log_entity_check check (entity in ('training_event', 'service_unit',
    'predicate_record', 'user', 'cycle', 'submission', 'evidence', 'evidence_file', 'evidence_link', 'score', 'instrument'));
