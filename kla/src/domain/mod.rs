//! The KLA domain: pure types and rules (regions, the three measures, predicate bands). No I/O here;
//! every type that reaches the database is built through a constructor that validates it and names the
//! offending field when it refuses.

pub mod error;
pub mod predicate;
pub mod region;
pub mod service_unit;
pub mod training;

pub use error::{FieldError, FieldErrors};
pub use predicate::{Predicate, PredicateBand, PredicateBands, PredicateRecord, Stage};
pub use region::{RegionCode, RegionLevel};
pub use service_unit::{ProviderKind, ServiceUnit};
pub use training::{Breakdown, TrainingEvent, TrainingKind, TrainingMode};

/// Years the domain accepts for events, awards and certificates. KLA began in 2006; the upper bound keeps
/// typos such as 20255 out while leaving room for planned events.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
