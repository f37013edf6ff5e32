#![recursion_limit = "256"]
//! Pantau KLA: follows Indonesia's Child-Friendly Regency/City programme (KLA) through three measures —
//! KHA training activity, the share of service units with KHA-certified staff, and predicate levels.
//!
//! Reading order, which is also the path of a figure from entry to page:
//! form or file → [`domain`] (validated types) → [`db`] (writes, registry) → [`aggregate`] (figures per
//! region and year) → [`charts`] (SVG) → [`pages`] (server-rendered routes), with [`i18n`] and [`format`]
//! for every text and number a reader sees. Data entry runs the same line from the other end: [`auth`]
//! (who may write where) → [`records`] and [`import`] (forms and spreadsheets, via [`spreadsheet`]) →
//! [`db`], with every change in the [`audit`] trail. Evaluation preparation ([`evaluation`]) adds the
//! instrument, evidence, verification, the score ledger and the predicate simulator on the same foundations.

rust_i18n::i18n!("locales", fallback = "id");

pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod charts;
pub mod components;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evaluation;
pub mod figures;
pub mod format;
pub mod geo;
pub mod i18n;
pub mod import;
pub mod pages;
pub mod records;
pub mod reference;
pub mod render_limit;
pub mod spreadsheet;
pub mod state;

pub use pages::{App, shell};
pub use state::AppState;
