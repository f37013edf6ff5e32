//! Import drafts: an uploaded file, checked and shown as a preview, kept until its uploader confirms it (or
//! it expires). Kept in the database so any app server sharing it can take the confirmation.

use crate::auth::{now, random_token};
use sqlx::{AnyConnection, AnyPool};

/// How long an uploaded file waits for its confirmation.
pub const DRAFT_SECONDS: i64 = 60 * 60;

/// Keeps a checked file until it is confirmed, after sweeping expired drafts; `None` when the user already
/// has `max_drafts` live drafts, so one user cannot fill the database.
pub async fn store(pool: &AnyPool, user_id: i64, file_name: &str, text: &str, max_drafts: usize) -> Result<Option<String>, sqlx::Error> {
    let id = random_token();
    let now = now();
    sqlx::query("delete from import_drafts where created_at < $1").bind(now - DRAFT_SECONDS).execute(pool).await?;
    // One statement, so the count and the insert see the same drafts.
    let stored = sqlx::query(
        "insert into import_drafts (id, user_id, created_at, file_name, content) \
         select $1, $2, $3, $4, $5 where (select count(*) from import_drafts where user_id = $2 and created_at >= $6) < $7",
    )
    .bind(&id)
    .bind(user_id)
    .bind(now)
    .bind(file_name)
    .bind(text)
    .bind(now - DRAFT_SECONDS)
    .bind(i64::try_from(max_drafts).unwrap_or(i64::MAX))
    .execute(pool)
    .await?;
    Ok((stored.rows_affected() == 1).then_some(id))
}

/// A live draft of this user: its file name and text.
pub async fn find(pool: &AnyPool, id: &str, user_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("select file_name, content from import_drafts where id = $1 and user_id = $2 and created_at > $3")
        .bind(id)
        .bind(user_id)
        .bind(now() - DRAFT_SECONDS)
        .fetch_optional(pool)
        .await
}

/// Removes the draft inside the import's own transaction; `false` when it was already gone. Only one
/// confirmation can claim a draft: one sent twice (a double click, two tabs) imports once.
pub async fn claim(conn: &mut AnyConnection, id: &str, user_id: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("delete from import_drafts where id = $1 and user_id = $2").bind(id).bind(user_id).execute(&mut *conn).await?;
    Ok(n.rows_affected() == 1)
}
