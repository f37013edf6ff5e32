//! The Pantau KLA server and command-line tool: configuration ([`config`]), logging ([`telemetry`]), the
//! HTTP router ([`startup`]) with the session layer ([`session`]) and the form handlers ([`forms`]), and the
//! commands ([`commands`]). `main.rs` only dispatches.

pub mod api;
pub mod backup;
pub mod canonical;
pub mod client;
pub mod commands;
pub mod config;
pub mod connections;
pub mod evaluation;
pub mod forms;
pub mod headers;
pub mod response_cache;
pub mod session;
pub mod startup;
pub mod telemetry;
