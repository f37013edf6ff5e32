//! Evaluation preparation pages: `/kelola/evaluasi` (cycles, and the province's dashboard of its regencies
//! with their open follow-ups), `/kelola/evaluasi/{tahun}/{kode}` (one regency's checklist: the simulator,
//! clusters, submit / finish / publish) and `/kelola/evaluasi/{tahun}/{kode}/{no}` (one indicator: evidence
//! uploads, linked records, the verifier's decisions, scores and their ledger). Forms post to
//! `server/src/evaluation.rs`.
//!
//! `index` is the first page, `sheet_page` the second (with `simulator`, its headline figures),
//! `indicator_page` the third; `load` reads the sheet the last two show, `parts` holds what they share.

mod index;
mod indicator_page;
mod load;
mod parts;
mod sheet_page;
mod simulator;

pub use index::EvaluationIndexPage;
pub use indicator_page::EvaluationIndicatorPage;
pub use load::{Loaded, load_sheet};
pub use parts::sheet_path;
pub use sheet_page::EvaluationSheetPage;
