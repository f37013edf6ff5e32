//! Account changes with their audit entries, used by the forms and `pantau-kla user` alike.

use super::*;

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
    let mut tx = crate::db::begin(pool).await?;
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
    let mut tx = crate::db::begin(pool).await?;
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
