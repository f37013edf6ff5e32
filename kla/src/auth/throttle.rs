//! The sign-in rate limit: free failures per (user, address), then a doubling wait; caps per address and per user.

use super::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
