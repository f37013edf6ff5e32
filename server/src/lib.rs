//! The Pantau KLA server and command-line tool. `main.rs` only dispatches.
//!
//! Reading order: [`config`] (flags and environment) and [`telemetry`] (logging, and [`metrics`] on their
//! own listener) → [`startup`] (the router and its layers: [`session`], [`headers`], [`response_cache`],
//! [`canonical`], over [`connections`], our accept loop, with [`client`] saying who asks; the precompressed
//! [`stylesheet`]) → the handlers: [`manage`] (what the `/masuk`, `/akun` and
//! `/kelola` forms post to, by feature) and [`api`] (`/api/v1`), which take their inputs through
//! [`extract`], read uploads through [`multipart`] and refuse through the one [`error::HandlerError`].
//! Every route is spelled once, in `app::paths`. [`commands`] are the CLI (`serve`, `import`, `demo`,
//! `user`, `instrument`, `storage`, `backup`), each opening one `kla::Store`; [`backup`] copies the
//! database and documents.

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
pub mod metrics;
pub mod multipart;
pub mod response_cache;
pub mod session;
pub mod startup;
pub mod stylesheet;
pub mod telemetry;
