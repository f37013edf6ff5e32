-- Accounts, sessions, sign-in attempts, the audit trail and import drafts (PostgreSQL). The SQLite twin is
-- ../sqlite/0003_accounts_audit.sql; they differ only in identity columns and integer widths.
--
-- * Times are epoch seconds (integers), which both engines decode through sqlx's Any driver and compare
--   cheaply; the audit trail also keeps an ISO-8601 UTC text for people reading it.
-- * Passwords are stored only as argon2id PHC strings; session tokens only as their SHA-256, so a copy of the
--   database lets no one sign in.
-- * Everything here lives in the database, not in a server's memory, so several app servers share sessions,
--   the sign-in rate limit and import drafts.

-- role: 'admin' (everything), 'province' (region_code 'PP': the province and its regencies),
-- 'regency' (region_code 'PP.KK': that regency only).
create table users (
    id            bigint generated always as identity primary key,
    username      text not null unique,               -- stored lower-case
    display_name  text not null default '',
    password_hash text not null,
    role          text not null check (role in ('admin', 'province', 'regency')),
    region_code   text references regions (code),
    active        bigint not null default 1 check (active in (0, 1)),
    created_at    bigint not null,
    check ((role = 'admin') = (region_code is null))
);

create table sessions (
    token_hash text primary key,                      -- hex SHA-256 of the cookie's token
    user_id    bigint not null references users (id) on delete cascade,
    csrf_token text not null,                         -- the synchroniser token every form of the session carries
    created_at bigint not null,
    expires_at bigint not null
);
create index sessions_user on sessions (user_id);
create index sessions_expires on sessions (expires_at);

-- Failed and successful sign-ins, for the rate limit (per user name and per client address).
create table sign_in_attempts (
    id        bigint generated always as identity primary key,
    username  text not null,
    client    text not null,
    at        bigint not null,
    succeeded bigint not null check (succeeded in (0, 1))
);
create index sign_in_attempts_username on sign_in_attempts (username, at);
create index sign_in_attempts_client on sign_in_attempts (client, at);

-- Every create, update and delete: who, when, how, and the record's values before and after (JSON objects of
-- the record's columns as entered, the same columns as the spreadsheet templates). Never updated or deleted.
create table audit_log (
    id            bigint generated always as identity primary key,
    at            bigint not null,
    at_text       text not null,                      -- ISO-8601 UTC, for reading
    user_id       bigint references users (id),
    actor         text not null,                      -- the user name at the time, or 'cli' for the command line
    via           text not null check (via in ('form', 'import', 'cli', 'account')),
    action        text not null check (action in ('create', 'update', 'delete')),
    entity        text not null check (entity in ('training_event', 'service_unit', 'predicate_record', 'user')),
    record_id     bigint not null,
    region_code   text,                               -- the record's region (organiser or regency)
    province_code text,
    old_values    text,                               -- null for a create
    new_values    text                                -- null for a delete
);
create index audit_log_record on audit_log (entity, record_id, id);
create index audit_log_region on audit_log (region_code, id);
create index audit_log_province on audit_log (province_code, id);

-- An uploaded spreadsheet between its preview and its confirmation, as CSV text, owned by its uploader.
create table import_drafts (
    id         text primary key,                      -- random, unguessable
    user_id    bigint not null references users (id) on delete cascade,
    created_at bigint not null,
    file_name  text not null,
    content    text not null
);
