#![recursion_limit = "256"]
//! Pantau KLA's pages: what a reader sees, drawn on the server. The data, its rules and its texts come from
//! the core crate [`kla`]; this crate turns them into pages.
//!
//! Reading order, continuing the core's line (form → domain → database → aggregate): [`figures`] (each
//! chart's dataset) → [`charts`] (SVG) and [`geo`] (maps) → [`components`] → [`pages`] (server-rendered
//! routes, public and `/kelola`), with [`lang`] choosing the reader's language. [`state`] is what a request
//! sees; [`cache`] and [`render_limit`] keep rendering cheap and bounded, [`metrics`] says how well; [`error`] is the page error.

pub mod cache;
pub mod charts;
pub mod components;
pub mod error;
pub mod figures;
pub mod geo;
pub mod lang;
pub mod metrics;
pub mod pages;
pub mod paths;
pub mod render_limit;
pub mod state;

pub use pages::{App, shell};
pub use state::AppState;
