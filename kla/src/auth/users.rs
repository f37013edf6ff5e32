//! Accounts as stored: user names, insertion, lookup for sign-in, password hashes, the list of accounts.

use super::passwords::check_phc;
use super::*;

/// The signed-in user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    region_code: Option<String>,
}

impl UserRow {
    pub(super) fn into_user(self) -> Option<User> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_normalised() {
        assert_eq!(normalise_username("  Rina.DP3A ").unwrap(), "rina.dp3a");
        assert!(normalise_username("a b").is_err() && normalise_username("ab").is_err());
    }
}
