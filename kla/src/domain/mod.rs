//! The KLA domain: pure types and rules (regions, the three measures, predicate bands). No I/O here.
//!
//! The records ([`TrainingEvent`], [`ServiceUnit`], [`PredicateRecord`]) are plain structs with public fields,
//! so the type does not guarantee that a value is valid. What does: forms and imports build records only
//! through the `…Input::parse` functions (`TrainingEventInput`, `ServiceUnitInput`, `PredicateRecordInput`),
//! which check every field and name each one they refuse ([`FieldErrors`]); the demo generator builds the
//! structs directly, and its tests check that every record it makes passes `parse` unchanged; the database
//! writes (`crate::db::writes`) refuse codes not in the region registry, and the schema's CHECK constraints
//! are the last guard. Code that builds a record by hand owns its validity. [`PredicateBands`] is the
//! exception: its field is private and its constructors check the bands.

pub mod error;
pub mod predicate;
pub mod region;
pub mod service_unit;
pub mod training;

pub use error::{FieldError, FieldErrors};
pub use predicate::{Predicate, PredicateBand, PredicateBands, PredicateRecord, Stage};
pub use region::{RegionCode, RegionLevel};
pub use service_unit::{ProviderKind, ServiceUnit};
pub use training::{Assessment, Breakdown, TrainingEvent, TrainingKind, TrainingMode};

/// Years the domain accepts for events, awards and certificates. KLA began in 2006; the upper bound keeps
/// typos such as 20255 out while leaving room for planned events.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
