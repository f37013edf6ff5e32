-- Pantau KLA foundation schema (PostgreSQL). The SQLite twin is ../sqlite/0001_foundation.sql; the two
-- differ only where the engines' DDL does (identity columns, floating-point type names), so every query in
-- the application runs unchanged on both. Never edit an applied migration: add a new one.
--
-- Conventions
-- * Counts are 64-bit integers and scores are doubles, the types sqlx's Any driver decodes on both engines.
-- * Dates are ISO-8601 text (YYYY-MM-DD), which sorts correctly and decodes on both engines; the year an
--   aggregate groups by is stored beside it so indexes can serve it.
-- * Each fact row stores the province of its region (`province_code`) so province and national roll-ups
--   read one index range instead of joining the registry.
-- * `is_demo` marks synthetic rows written by `pantau-kla demo`, so every page can say when it shows them.

-- The region registry: 38 provinces and 514 kabupaten/kota (Kepmendagri 300.2.2-2138/2025), loaded from
-- kla/data/regions.csv at every start (an upsert, so a corrected registry reaches existing databases).
create table regions (
    code          text primary key,                 -- 'PP' or 'PP.KK'
    name          text not null,
    level         text not null check (level in ('province', 'regency')),
    kind          text not null check (kind in ('provinsi', 'kabupaten', 'kota')),
    province_code text references regions (code),   -- null for a province
    lat           double precision,                             -- centroid; for provinces the mean of their regencies'
    lng           double precision
);
create index regions_province on regions (province_code);

create table training_events (
    id                   bigint generated always as identity primary key,
    organiser_code       text not null references regions (code),
    province_code        text not null references regions (code),
    organiser_level      text not null check (organiser_level in ('province', 'regency')),
    title                text not null,
    kind                 text not null check (kind in ('pelatihan', 'bimtek', 'tot', 'sosialisasi')),
    start_date           text not null,
    end_date             text not null,
    year                 bigint not null,
    days                 bigint not null check (days >= 1),
    venue                text not null default '',
    mode                 text not null check (mode in ('luring', 'daring', 'hybrid')),
    participants_offline bigint not null check (participants_offline >= 0),
    participants_online  bigint not null check (participants_online >= 0),
    institutions         bigint not null check (institutions >= 0),
    pre_test_mean        double precision check (pre_test_mean between 0 and 100),
    post_test_mean       double precision check (post_test_mean between 0 and 100),
    certificate_issuer   text not null default '',
    source_url           text not null default '',
    is_demo              bigint not null default 0 check (is_demo in (0, 1))
);
create index training_events_province_year on training_events (province_code, year);
create index training_events_organiser_year on training_events (organiser_code, year);
create index training_events_year on training_events (year);

-- Optional breakdowns of an event's participants, by the regency they came from and by provider kind.
create table training_participants_by_regency (
    event_id     bigint not null references training_events (id) on delete cascade,
    regency_code text not null references regions (code),
    participants bigint not null check (participants >= 0),
    primary key (event_id, regency_code)
);
create index training_participants_by_regency_regency on training_participants_by_regency (regency_code);

create table training_participants_by_kind (
    event_id      bigint not null references training_events (id) on delete cascade,
    provider_kind text not null,
    participants  bigint not null check (participants >= 0),
    primary key (event_id, provider_kind)
);

create table service_units (
    id                      bigint generated always as identity primary key,
    regency_code            text not null references regions (code),
    province_code           text not null references regions (code),
    kind                    text not null,
    name                    text not null,
    total_staff             bigint not null check (total_staff >= 0),
    certified_staff         bigint not null check (certified_staff >= 0 and certified_staff <= total_staff),
    latest_certificate_year bigint,
    certificate_issuer      text not null default '',
    is_demo                 bigint not null default 0 check (is_demo in (0, 1))
);
create index service_units_regency_kind on service_units (regency_code, kind);
create index service_units_province_kind on service_units (province_code, kind);

create table predicate_records (
    id                    bigint generated always as identity primary key,
    regency_code          text not null references regions (code),
    province_code         text not null references regions (code),
    award_year            bigint not null,
    data_year             bigint not null,
    score_self_assessment double precision,
    score_administrative  double precision,
    score_field           double precision,
    score_final           double precision,
    predicate             text check (predicate in ('pratama', 'madya', 'nindya', 'utama', 'kla')),
    source_url            text not null default '',
    is_demo               bigint not null default 0 check (is_demo in (0, 1)),
    unique (regency_code, award_year)
);
create index predicate_records_province_year on predicate_records (province_code, award_year);
create index predicate_records_year on predicate_records (award_year);
