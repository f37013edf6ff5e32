//! Evaluation preparation: the instrument (indicators and their evidence items, as versioned data), evaluation
//! cycles, each regency's submission with its evidence, the province's verification and follow-ups, the score
//! ledger, the predicate simulator, the evidence files and the evidence pack.
//!
//! Reading order: [`instrument`] (what is asked) → [`sheet`] (what a regency has, read and written in
//! transactions with the audit trail) → [`simulator`] (what it is worth) → [`files`] (where documents live)
//! → [`pack`] (the ZIP for the ministry's app); [`target`] finds the sheet a path names. Pages are in
//! `app/src/pages/manage/evaluation/`, handlers in `server/src/manage/{evaluation,evidence}.rs`.

pub mod files;
pub mod instrument;
pub mod pack;
pub mod sheet;
pub mod simulator;
pub mod target;

pub use instrument::{Cluster, Indicator, Instrument, Item, Offer};
pub use sheet::{Cycle, ItemStatus, Sheet, Status, Submission};
