//! Pantau KLA's core: everything that is true of the KLA programme's data whatever shows it — no web
//! framework, no pages. The server's forms and API, its command-line tool and the pages all call in here.
//!
//! Reading order, which is also the path of a figure from entry to page: form or file → [`domain`] (types,
//! and the parsing that validates them) → [`db`] (writes, registry) → [`aggregate`] (figures per region and
//! year, and [`pathways`] between predicates), with [`i18n`] and [`format`](mod@format) for every text and number a reader sees. Data entry runs
//! the same line from the other end: [`auth`] (accounts, sessions, who may write where) → [`records`] and
//! [`import`] (forms and spreadsheets, via [`spreadsheet`], the preview kept in [`drafts`] until confirmed) → [`db`], with every change in the [`audit`]
//! trail. Evaluation preparation ([`evaluation`]) adds the instrument, evidence, verification, the score
//! ledger and the predicate simulator on the same foundations. [`reference`](mod@reference) holds the bundled official data
//! (targets, published results); [`demo`] generates the labelled synthetic dataset. [`Store`] opens it all.

rust_i18n::i18n!("locales", fallback = "id");

pub mod aggregate;
pub mod audit;
pub mod auth;
pub mod db;
pub mod demo;
pub mod domain;
pub mod drafts;
pub mod evaluation;
pub mod format;
pub mod i18n;
pub mod import;
pub mod pathways;
pub mod records;
pub mod reference;
pub mod search;
pub mod spreadsheet;
pub mod store;
pub mod summaries;

pub use store::Store;
