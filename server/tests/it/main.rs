//! The server's integration tests, as one test binary (one link instead of one per file): each module is
//! one capability tried through the real server, the real binary or the real database, on SQLite and on
//! PostgreSQL alike. `common` holds the helpers they share.

#[macro_use]
mod common;
mod api;
mod backup;
mod cli;
mod compare;
mod connections;
mod crash;
mod dashboards;
mod data_entry;
mod demo;
mod effectiveness;
mod evaluation;
mod foundation;
mod freshness;
mod import;
mod import_limits;
mod import_updates;
mod limits_cache;
mod migrations;
mod open_data;
mod operations;
mod pathways;
mod predicates;
mod real_data;
mod report;
mod rules_accounts;
mod summaries;
