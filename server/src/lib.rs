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
pub mod error;
pub mod extract;
pub mod headers;
pub mod manage;
pub mod multipart;
pub mod response_cache;
pub mod session;
pub mod startup;
pub mod telemetry;
