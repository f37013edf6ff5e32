//! The Pantau KLA server and command-line tool: configuration ([`config`]), logging ([`telemetry`]), the
//! HTTP router ([`startup`]) and the commands ([`commands`]). `main.rs` only dispatches.

pub mod api;
pub mod commands;
pub mod config;
pub mod startup;
pub mod telemetry;
