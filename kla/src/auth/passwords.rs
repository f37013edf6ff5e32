//! Passwords and tokens: argon2id hashes (bounded to one hashing per core), the new-password rules, random
//! tokens and their constant-time comparison.

use super::*;

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
pub(super) fn check_phc(phc: &str) -> Result<(), sqlx::Error> {
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

pub(super) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    fn only_phc_strings_are_stored() {
        assert!(check_phc("").is_err() && check_phc("x").is_err());
        assert!(check_phc(&hash_password("kata sandi panjang")).is_ok());
    }

    #[tokio::test]
    async fn hashing_runs_in_the_background() {
        let h = hash_in_background("kata sandi panjang".into()).await.unwrap();
        assert!(verify_in_background("kata sandi panjang".into(), h).await.unwrap());
    }
}
