//! What the `/masuk`, `/akun` and `/kelola` forms post to, and the downloads there, by feature as the pages
//! are in `app/src/pages/manage/`. Each handler takes its [`crate::extract`]ors (the CSRF-checked form, the
//! session, the sheet a path names), validates through the core, writes in one transaction with its audit
//! entry, and answers 303 to the page that shows the change — or a [`HandlerError`] that shows the form again.

pub mod account;
pub mod downloads;
pub mod evaluation;
pub mod evidence;
pub mod import;
pub mod records;
pub mod users;

use crate::error::HandlerError;
use app::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use kla::i18n::tr;
use std::collections::HashMap;

/// Every form and download route, with the layer that renders a refused form's page again.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(account::routes())
        .merge(users::routes())
        .merge(records::routes())
        .merge(import::routes())
        .merge(downloads::routes())
        .merge(evaluation::routes())
        .merge(evidence::routes())
        .layer(middleware::from_fn_with_state(state.clone(), crate::error::render_marked))
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A slot for checking or hashing a password, or the form again saying the server is busy (503).
async fn hashing_slot(
    form: &HashMap<String, String>,
    lang: kla::i18n::Lang,
) -> Result<tokio::sync::SemaphorePermit<'static>, HandlerError> {
    kla::auth::hashing_slot().await.map_err(|busy| {
        tracing::warn!(error = %busy, "a password check waited too long for a slot");
        HandlerError::refused(form.clone(), "", tr(lang, "limits_rules.hashing_busy"), StatusCode::SERVICE_UNAVAILABLE)
    })
}
