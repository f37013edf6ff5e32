//! Accounts and who may do what: argon2id password hashes, database-stored sessions (so every app server
//! sharing the database knows them), CSRF tokens, the sign-in rate limit, and the region scope of each role.
//!
//! Here: the cookies' names and the limits. [`roles`](Role) (who may act where), `passwords` (hashes and
//! tokens), `users` (accounts as stored), `sessions`, `throttle` (the sign-in rate limit) and `accounts`
//! (creating users and changing passwords with their audit entries).

mod accounts;
mod passwords;
mod roles;
mod sessions;
mod throttle;
mod users;

pub use accounts::*;
pub use passwords::*;
pub use roles::*;
pub use sessions::*;
pub use throttle::*;
pub use users::*;

use crate::domain::RegionCode;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};

/// The session cookie: an opaque random token; the database keeps only its SHA-256.
pub const SESSION_COOKIE: &str = "kla_sesi";
/// The CSRF cookie of a visitor who is not signed in (double-submit token for the sign-in form).
pub const ANON_CSRF_COOKIE: &str = "kla_csrf";
/// How long a session lasts from sign-in.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;
/// The window of the per-address cap: at most [`MAX_FAILURES_PER_CLIENT`] failures from one address, whatever
/// the user names, within it.
pub const ATTEMPT_WINDOW_SECONDS: i64 = 15 * 60;
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;
/// Failures one (user name, address) pair may make before each further try must wait; counted since the
/// pair's last success, over [`ATTEMPT_RETENTION_SECONDS`]. Another address is not slowed by them, so a
/// guesser cannot lock the officer out.
pub const FREE_FAILURES_PER_PAIR: i64 = 5;
/// The wait after the free failures, doubled by each further failure, up to [`MAX_DELAY_SECONDS`].
pub const FIRST_DELAY_SECONDS: i64 = 60;
pub const MAX_DELAY_SECONDS: i64 = 60 * 60;
/// Failures for one user name from all addresses together within [`ATTEMPT_WINDOW_SECONDS`] after which only
/// an address that user signed in from within [`ATTEMPT_RETENTION_SECONDS`] may still try: stops a guesser
/// spread over many addresses without locking the officer out of a known one.
pub const MAX_FAILURES_PER_USER_ALL_CLIENTS: i64 = 100;
/// How long attempts are kept.
pub const ATTEMPT_RETENTION_SECONDS: i64 = 24 * 60 * 60;
/// Current-password guesses on the password page are throttled as sign-ins are, under this prefix to the
/// user name (`:` never occurs in a user name).
pub const PASSWORD_PAGE_SCOPE: &str = "sandi:";
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
