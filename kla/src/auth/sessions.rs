//! Database-stored sessions (so every app server sharing the database knows them), each with its CSRF token.

use super::passwords::token_hash;
use super::users::UserRow;
use super::*;

/// A live session: its user and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

/// The CSRF token of a visitor without a session (from the `kla_csrf` cookie, set when missing).
#[derive(Debug, Clone)]
pub struct AnonCsrf(pub String);

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
