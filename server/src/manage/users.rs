//! Adding an account (`/kelola/pengguna`, administrators only); the account and its audit entry are made by
//! [`kla::auth::create_user`], as `pantau-kla user add` makes them.

use super::{hashing_slot, see_other};
use crate::error::{HandlerError, without_secrets};
use crate::extract::{CsrfForm, ReqLang, SignedIn};
use app::AppState;
use app::pages::manage::Submitted;
use app::paths;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use kla::audit::{Actor, Via};
use kla::auth::{self, Role};
use kla::i18n::{tr, trf};

pub fn routes() -> Router<AppState> {
    Router::new().route(paths::USERS, post(add_user))
}

async fn add_user(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: CsrfForm,
) -> Result<Response, HandlerError> {
    let Some(SignedIn(s)) = s.ok().filter(|SignedIn(s)| s.user.role == Role::Admin) else {
        return Err(HandlerError::page(Some(StatusCode::FORBIDDEN)));
    };
    let get = |k: &str| form.text(k);
    let mut sub = Submitted::new(without_secrets(form.fields.clone()));
    let username =
        auth::normalise_username(&get("username")).map_err(|_| sub = sub.clone().error("username", tr(lang, "users.bad_username"))).ok();
    let role = match Role::from_parts(&get("role"), Some(get("region_code").as_str())) {
        Ok(r) if r.region().is_none_or(|c| state.regions.contains(c)) => Some(r),
        Ok(_) => {
            sub = sub.error("region_code", tr(lang, "users.unknown_region"));
            None
        }
        Err(_) => {
            sub = sub.error("region_code", tr(lang, "users.region_mismatch"));
            None
        }
    };
    let password = get("password");
    if let Err(key) = auth::check_new_password(&password, &get("username")) {
        sub = sub.error("password", trf(lang, &format!("account.{key}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]));
    }
    let (Some(username), Some(role), true) = (username, role, sub.errors.is_empty()) else {
        return Err(HandlerError::form(sub, None));
    };
    let display = get("display_name");
    let _slot = hashing_slot(&form.fields, lang).await?;
    let hash = auth::hash_in_background(password).await.map_err(|e| HandlerError::internal(e).with_input(&form.fields))?;
    match auth::create_user(&state.pool, &Actor::user(&s.user), Via::Account, &username, &display, &hash, role).await {
        Ok(_) => Ok(see_other(&format!("{}?pesan=pengguna", paths::USERS))),
        Err(auth::UserError::Taken(_)) => Err(HandlerError::form(sub.error("username", tr(lang, "users.taken")), None)),
        Err(e) => Err(HandlerError::internal(e).with_input(&form.fields)),
    }
}
