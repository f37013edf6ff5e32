//! A regency's preparation for one evaluation cycle: its submission and status, the evidence per item (files,
//! linked Pantau KLA records, the verifier's decision), follow-ups, and the score ledger. Reads build a
//! [`Sheet`]; every write runs inside the caller's transaction, checks the submission's state and the side
//! (regency or verifier) allowed to act, and records an audit entry.
//!
//! The life of a submission: `preparing` (the regency uploads, links records, enters its self-assessment)
//! → `submitted` (locked for the regency; the province verifies or rejects each item and records scores)
//! → `returned` (some item rejected: each rejection is a follow-up with a due date; the regency fixes and
//! submits again) or `verified` (everything uploaded was verified; the province may publish the scores).
//!
//! Reading order: `cycles` (the award years) → `submission` (a regency's sheet and its status) →
//! `access` (who may act, how a change is refused) → `evidence` (an item's status) → `documents` and
//! `links` (what counts as evidence) → `review` (the verifier's decisions and follow-ups) → `scores`
//! (the ledger) → `figures` (a whole sheet and what it adds up to) → `load` (reading sheets, many at
//! once). `trail` is the audit entry every write records. Everything public is re-exported here, so
//! callers write `sheet::load`, `sheet::Status`.

mod access;
mod cycles;
mod documents;
mod evidence;
mod figures;
mod links;
mod load;
mod review;
mod scores;
mod submission;
mod trail;

pub use access::{EvalError, Refusal, Side, side};
pub use cycles::{Cycle, NewCycle, create_cycle, cycle, cycles, parse_cycle};
pub use documents::{FileRow, NewFile, add_file, evidence_bytes, file, file_place, remove_file, set_file_public};
pub use evidence::{Evidence, ItemStatus, parse_doc_year};
pub use figures::{ClusterSummary, Sheet};
pub use links::{LinkRow, offered, set_links, unlink_record};
pub use load::{latest_started, load, load_many};
pub use review::{Decision, FollowUp, Review, finish_review, parse_due_date, review_item};
pub use scores::{LedgerEntry, parse_score, record_score};
pub use submission::{Status, Submission, publish, submission_for, submissions, submit};
