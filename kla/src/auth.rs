//! Accounts and who may do what: argon2id password hashes, database-stored sessions (so every app server
//! sharing the database knows them), CSRF tokens, the sign-in rate limit, and the region scope of each role.

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

// ---------------------------------------------------------------------------------------------------------
// Roles and scope

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including accounts.
    Admin,
    /// One province and its regencies.
    Province(RegionCode),
    /// One regency.
    Regency(RegionCode),
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Province(_) => "province",
            Role::Regency(_) => "regency",
        }
    }
    pub fn region(self) -> Option<RegionCode> {
        match self {
            Role::Admin => None,
            Role::Province(c) | Role::Regency(c) => Some(c),
        }
    }
    /// A role from its stored name and region, checking that the region fits the role.
    pub fn from_parts(role: &str, region: Option<&str>) -> Result<Self, RoleError> {
        let region = region
            .filter(|r| !r.trim().is_empty())
            .map(|r| RegionCode::parse(r).map_err(|_| RoleError::BadRegion(r.to_string())))
            .transpose()?;
        match (role.trim().to_lowercase().as_str(), region) {
            ("admin", None) => Ok(Role::Admin),
            ("admin", Some(_)) => Err(RoleError::AdminWithRegion),
            ("province" | "provinsi", Some(c @ RegionCode::Province(_))) => Ok(Role::Province(c)),
            ("regency" | "kabkota", Some(c @ RegionCode::Regency(..))) => Ok(Role::Regency(c)),
            ("province" | "provinsi" | "regency" | "kabkota", _) => Err(RoleError::RegionMismatch),
            (other, _) => Err(RoleError::Unknown(other.to_string())),
        }
    }
    /// Whether this role may read and change the records of `region` (a province code covers the records
    /// the province itself organised).
    pub fn covers(self, region: RegionCode) -> bool {
        match self {
            Role::Admin => true,
            Role::Province(p) => region.province() == p,
            Role::Regency(r) => region == r,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    #[error("unknown role {0:?}: use admin, province or regency")]
    Unknown(String),
    #[error("{0:?} is not a region code (PP or PP.KK)")]
    BadRegion(String),
    #[error("an administrator has no region")]
    AdminWithRegion,
    #[error("a province officer needs a province code (PP), a regency officer a regency code (PP.KK)")]
    RegionMismatch,
}

/// The signed-in user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A live session: its user and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

/// The CSRF token of a visitor without a session (from the `kla_csrf` cookie, set when missing).
#[derive(Debug, Clone)]
pub struct AnonCsrf(pub String);

// ---------------------------------------------------------------------------------------------------------
// Passwords and tokens

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) into a PHC string. Slow on
/// purpose: call it from a blocking task ([`hash_in_background`]).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters").to_string()
}

/// The hashing or checking task failed (it panicked or was cancelled): an error, never an empty hash.
#[derive(Debug, thiserror::Error)]
#[error("password hashing task failed: {0}")]
pub struct HashTaskFailed(String);

/// Password hashes computed or checked at once in this process: one per processor core. Each takes about
/// 19 MiB and a core for a fraction of a second, so without a bound a burst of sign-in posts (which need no
/// account) would take memory and processors from everyone; with it, a burst also cannot pass the sign-in
/// throttle all at once, since the check, the hash and the record happen while holding a slot.
pub fn hashing_slots() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// How long a sign-in or password change waits for a hashing slot before it is told to try again.
pub const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// No hashing slot came free within [`HASHING_WAIT`].
#[derive(Debug, thiserror::Error)]
#[error("too many password checks at once")]
pub struct HashingBusy;

/// A slot for hashing or checking a password (see [`hashing_slots`]); held until dropped.
pub async fn hashing_slot() -> Result<tokio::sync::SemaphorePermit<'static>, HashingBusy> {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let slots = SLOTS.get_or_init(|| tokio::sync::Semaphore::new(hashing_slots()));
    match tokio::time::timeout(HASHING_WAIT, slots.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(HashingBusy),
    }
}

/// [`hash_password`] on a blocking thread.
pub async fn hash_in_background(password: String) -> Result<String, HashTaskFailed> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|e| HashTaskFailed(e.to_string()))
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_in_background(password: String, phc: String) -> Result<bool, HashTaskFailed> {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.map_err(|e| HashTaskFailed(e.to_string()))
}

/// Refuses to store anything but a PHC string (an empty hash, say, from a failed task).
fn check_phc(phc: &str) -> Result<(), sqlx::Error> {
    match PasswordHash::new(phc) {
        Ok(_) => Ok(()),
        Err(_) => Err(sqlx::Error::InvalidArgument("refusing to store a password hash that is not a PHC string".into())),
    }
}

/// Whether `password` matches the stored PHC string (a malformed hash never matches).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the user does not exist, so a wrong user name costs as long as a wrong
/// password and the timing tells nothing.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("pantau-kla dummy password"))
}

/// Why a new password is refused (a message key under `account.`).
pub fn check_new_password(password: &str, username: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err("password_too_short");
    }
    if password.to_lowercase().contains(&username.to_lowercase()) {
        return Err("password_contains_username");
    }
    Ok(())
}

/// 32 random bytes from the operating system, as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------------------------
// Users

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    region_code: Option<String>,
}

impl UserRow {
    fn into_user(self) -> Option<User> {
        let role = Role::from_parts(&self.role, self.region_code.as_deref()).ok()?;
        Some(User { id: self.id, username: self.username, display_name: self.display_name, role })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user name must be 3–64 characters: letters, digits, '.', '_' or '-'")]
    BadUsername,
    #[error("the user name {0:?} is taken")]
    Taken(String),
    #[error("the region {0} is not in the registry")]
    UnknownRegion(String),
    #[error("password: {0}")]
    Password(&'static str),
    #[error(transparent)]
    Role(#[from] RoleError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub fn normalise_username(name: &str) -> Result<String, UserError> {
    let n = name.trim().to_lowercase();
    let ok = (3..=64).contains(&n.chars().count()) && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok { Ok(n) } else { Err(UserError::BadUsername) }
}

/// Creates an account (the password already checked and hashed) and returns its id.
pub async fn insert_user(
    conn: &mut AnyConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
) -> Result<i64, UserError> {
    check_phc(password_hash)?;
    let taken: Option<i64> =
        sqlx::query_scalar("select id from users where username = $1").bind(username).fetch_optional(&mut *conn).await?;
    if taken.is_some() {
        return Err(UserError::Taken(username.to_string()));
    }
    let id = sqlx::query_scalar(
        "insert into users (username, display_name, password_hash, role, region_code, active, created_at)
         values ($1, $2, $3, $4, $5, 1, $6) returning id",
    )
    .bind(username)
    .bind(display_name.trim())
    .bind(password_hash)
    .bind(role.as_str())
    .bind(role.region().map(|r| r.to_string()))
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// An active user and their password hash, by user name.
pub async fn find_for_sign_in(pool: &AnyPool, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let row: Option<Row> =
        sqlx::query_as("select id, username, display_name, role, region_code, password_hash from users where username = $1 and active = 1")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    Ok(row.and_then(|r| r.user.into_user().map(|u| (u, r.password_hash))))
}

pub async fn password_hash_of(pool: &AnyPool, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("select password_hash from users where id = $1").bind(user_id).fetch_optional(pool).await
}

pub async fn set_password(conn: &mut AnyConnection, user_id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    check_phc(password_hash)?;
    sqlx::query("update users set password_hash = $1 where id = $2").bind(password_hash).bind(user_id).execute(&mut *conn).await?;
    Ok(())
}

/// Every account, for the administrator's list.
pub async fn list_users(pool: &AnyPool) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<UserRow> =
        sqlx::query_as("select id, username, display_name, role, region_code from users order by username").fetch_all(pool).await?;
    Ok(rows.into_iter().filter_map(UserRow::into_user).collect())
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

/// Starts a session for `user_id`; returns the cookie token and the session's CSRF token. Expired sessions
/// are swept on the way.
pub async fn create_session(pool: &AnyPool, user_id: i64) -> Result<(String, String), sqlx::Error> {
    let token = random_token();
    let csrf = random_token();
    let t = now();
    sqlx::query("delete from sessions where expires_at < $1").bind(t).execute(pool).await?;
    sqlx::query("insert into sessions (token_hash, user_id, csrf_token, created_at, expires_at) values ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(t)
        .bind(t + SESSION_SECONDS)
        .execute(pool)
        .await?;
    Ok((token, csrf))
}

/// The live session a cookie token names, if any (expired sessions and disabled users have none).
pub async fn find_session(pool: &AnyPool, token: &str) -> Result<Option<Session>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        csrf_token: String,
    }
    if token.len() != 64 {
        return Ok(None);
    }
    let row: Option<Row> = sqlx::query_as(
        "select u.id, u.username, u.display_name, u.role, u.region_code, s.csrf_token
         from sessions s join users u on u.id = s.user_id
         where s.token_hash = $1 and s.expires_at > $2 and u.active = 1",
    )
    .bind(token_hash(token))
    .bind(now())
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| r.user.into_user().map(|user| Session { user, csrf: r.csrf_token })))
}

pub async fn end_session(pool: &AnyPool, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where token_hash = $1").bind(token_hash(token)).execute(pool).await?;
    Ok(())
}

/// Ends every other session of a user (after a password change).
pub async fn end_other_sessions(conn: &mut AnyConnection, user_id: i64, keep_token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where user_id = $1 and token_hash <> $2")
        .bind(user_id)
        .bind(token_hash(keep_token))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Sign-in rate limit

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    Allowed,
    /// Refused: try again after this many seconds.
    Wait(i64),
}

impl Throttle {
    /// The wait in whole minutes, rounded up, for the message.
    pub fn minutes(self) -> i64 {
        match self {
            Throttle::Allowed => 0,
            Throttle::Wait(s) => (s + 59) / 60,
        }
    }
}

/// The wait a pair owes after `failures` failures since its last success: none for the first
/// [`FREE_FAILURES_PER_PAIR`], then [`FIRST_DELAY_SECONDS`] doubled per further failure, at most
/// [`MAX_DELAY_SECONDS`].
pub fn pair_delay(failures: i64) -> i64 {
    if failures < FREE_FAILURES_PER_PAIR {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES_PER_PAIR).min(20) as u32;
    (FIRST_DELAY_SECONDS << doublings).min(MAX_DELAY_SECONDS)
}

/// Whether a sign-in (or a current-password check, `scope` = [`PASSWORD_PAGE_SCOPE`] + user name) by
/// `username` from `client` may go ahead. Kept in the database, so the limit holds across app servers.
pub async fn throttle(pool: &AnyPool, username: &str, client: &str) -> Result<Throttle, sqlx::Error> {
    let t = now();
    // The pair: failures since its last success (within the retention period), and when the last one was.
    let last_success: Option<i64> =
        sqlx::query_scalar("select max(at) from sign_in_attempts where username = $1 and client = $2 and succeeded = 1 and at > $3")
            .bind(username)
            .bind(client)
            .bind(t - ATTEMPT_RETENTION_SECONDS)
            .fetch_one(pool)
            .await?;
    let since = last_success.unwrap_or(t - ATTEMPT_RETENTION_SECONDS);
    let (failures, last_failure): (i64, Option<i64>) =
        sqlx::query_as("select count(*), max(at) from sign_in_attempts where username = $1 and client = $2 and succeeded = 0 and at > $3")
            .bind(username)
            .bind(client)
            .bind(since)
            .fetch_one(pool)
            .await?;
    let delay = pair_delay(failures);
    if let Some(last) = last_failure
        && delay > 0
        && last + delay > t
    {
        return Ok(Throttle::Wait(last + delay - t));
    }
    // The address, whatever the user names.
    let window = t - ATTEMPT_WINDOW_SECONDS;
    let (by_client, oldest): (i64, Option<i64>) =
        sqlx::query_as("select count(*), min(at) from sign_in_attempts where client = $1 and at > $2 and succeeded = 0")
            .bind(client)
            .bind(window)
            .fetch_one(pool)
            .await?;
    if by_client >= MAX_FAILURES_PER_CLIENT {
        return Ok(Throttle::Wait(oldest.map_or(ATTEMPT_WINDOW_SECONDS, |o| o + ATTEMPT_WINDOW_SECONDS - t).max(1)));
    }
    // The user name from everywhere: only addresses it signed in from lately may go on.
    let by_user: i64 = sqlx::query_scalar("select count(*) from sign_in_attempts where username = $1 and at > $2 and succeeded = 0")
        .bind(username)
        .bind(window)
        .fetch_one(pool)
        .await?;
    if by_user >= MAX_FAILURES_PER_USER_ALL_CLIENTS && last_success.is_none() {
        return Ok(Throttle::Wait(ATTEMPT_WINDOW_SECONDS));
    }
    Ok(Throttle::Allowed)
}

pub async fn record_attempt(pool: &AnyPool, username: &str, client: &str, succeeded: bool) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query("delete from sign_in_attempts where at < $1").bind(t - ATTEMPT_RETENTION_SECONDS).execute(pool).await?;
    sqlx::query("insert into sign_in_attempts (username, client, at, succeeded) values ($1, $2, $3, $4)")
        .bind(username)
        .bind(client)
        .bind(t)
        .bind(i64::from(succeeded))
        .execute(pool)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Account changes with their audit entries (the forms and `pantau-kla user` alike)

/// Creates an account and its audit entry in one transaction; the password is already checked and hashed.
pub async fn create_user(
    pool: &AnyPool,
    actor: &crate::audit::Actor,
    via: crate::audit::Via,
    username: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
) -> Result<i64, UserError> {
    use crate::audit::{Action, Change};
    let mut tx = pool.begin().await?;
    let id = insert_user(&mut tx, username, display_name, password_hash, role).await?;
    let values = serde_json::Map::from_iter(
        [
            ("username", username.to_string()),
            ("display_name", display_name.trim().to_string()),
            ("role", role.as_str().to_string()),
            ("region_code", role.region().map(|r| r.to_string()).unwrap_or_default()),
        ]
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v))),
    );
    crate::audit::record(
        &mut tx,
        actor,
        via,
        Change { action: Action::Create, entity: "user", record_id: id, region: role.region(), old: None, new: Some(&values) },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Sets a user's password (already checked and hashed), ends their sessions except `keep_token`'s (the one
/// that asked, from the account page; `None` ends them all), and records the change, in one transaction.
pub async fn change_password(
    pool: &AnyPool,
    actor: &crate::audit::Actor,
    via: crate::audit::Via,
    user: &User,
    password_hash: &str,
    keep_token: Option<&str>,
) -> Result<(), sqlx::Error> {
    use crate::audit::{Action, Change};
    let mut tx = pool.begin().await?;
    set_password(&mut tx, user.id, password_hash).await?;
    match keep_token {
        Some(token) => end_other_sessions(&mut tx, user.id, token).await?,
        None => {
            sqlx::query("delete from sessions where user_id = $1").bind(user.id).execute(&mut *tx).await?;
        }
    }
    let when = serde_json::Map::from_iter([("password_changed".to_string(), serde_json::Value::String(chrono::Utc::now().to_rfc3339()))]);
    crate::audit::record(
        &mut tx,
        actor,
        via,
        Change { action: Action::Update, entity: "user", record_id: user.id, region: user.role.region(), old: None, new: Some(&when) },
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("kata sandi panjang");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("kata sandi panjang", &h));
        assert!(!verify_password("kata sandi pendek", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn roles_cover_their_regions_only() {
        let c = |s| RegionCode::parse(s).unwrap();
        let prov = Role::from_parts("province", Some("63")).unwrap();
        let reg = Role::from_parts("regency", Some("63.10")).unwrap();
        assert!(Role::Admin.covers(c("35.07")));
        assert!(prov.covers(c("63")) && prov.covers(c("63.10")) && !prov.covers(c("64.01")) && !prov.covers(c("64")));
        assert!(reg.covers(c("63.10")) && !reg.covers(c("63.72")) && !reg.covers(c("63")));
        assert_eq!(Role::from_parts("regency", Some("63")), Err(RoleError::RegionMismatch));
        assert_eq!(Role::from_parts("admin", Some("63")), Err(RoleError::AdminWithRegion));
        assert!(Role::from_parts("root", None).is_err());
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(tokens_match(&a, &a.clone()));
        assert!(!tokens_match(&a, &b) && !tokens_match(&a, &a[..63]));
    }

    #[test]
    fn new_passwords_are_checked() {
        assert_eq!(check_new_password("pendek", "rina"), Err("password_too_short"));
        assert_eq!(check_new_password("rina-2026-banjar", "rina"), Err("password_contains_username"));
        assert!(check_new_password("Kalimantan-Selatan-2026", "rina").is_ok());
    }

    #[test]
    fn the_wait_grows_after_the_free_failures_and_is_capped() {
        assert_eq!((0..FREE_FAILURES_PER_PAIR).map(pair_delay).max(), Some(0));
        assert_eq!(pair_delay(FREE_FAILURES_PER_PAIR), FIRST_DELAY_SECONDS);
        assert_eq!(pair_delay(FREE_FAILURES_PER_PAIR + 1), 2 * FIRST_DELAY_SECONDS);
        assert_eq!(pair_delay(FREE_FAILURES_PER_PAIR + 2), 4 * FIRST_DELAY_SECONDS);
        assert_eq!(pair_delay(10_000), MAX_DELAY_SECONDS);
        assert_eq!(Throttle::Wait(61).minutes(), 2);
        assert_eq!(Throttle::Wait(60).minutes(), 1);
    }

    #[test]
    fn only_phc_strings_are_stored() {
        assert!(check_phc("").is_err() && check_phc("x").is_err());
        assert!(check_phc(&hash_password("kata sandi panjang")).is_ok());
    }

    #[tokio::test]
    async fn hashing_runs_in_the_background() {
        let h = hash_in_background("kata sandi panjang".into()).await.unwrap();
        assert!(verify_in_background("kata sandi panjang".into(), h).await.unwrap());
    }

    #[test]
    fn user_names_are_normalised() {
        assert_eq!(normalise_username("  Rina.DP3A ").unwrap(), "rina.dp3a");
        assert!(normalise_username("a b").is_err() && normalise_username("ab").is_err());
    }
}
