//! The one handler error, [`HandlerError`], and the layer that turns it into a page ([`render_marked`]).
//!
//! A refused form is answered by rendering its page again — errors beside their fields, input kept — which
//! needs the state and the request and is async, while [`IntoResponse`] is neither. So the error's response
//! only carries a [`Rerender`] marker in its extensions, and [`render_marked`], layered on the form routes
//! with a copy of the request's parts, renders the page the marker asks for. Database and other internal
//! causes are logged once, there, and shown as a plain message, never as their own text. The JSON API's
//! errors are the [`HandlerError::Api`] case: a JSON body, with no page to render.

use app::AppState;
use app::error::AppError;
use app::pages::ShownError;
use app::pages::manage::Submitted;
use app::pages::manage::import::ImportPreview;
use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kla::i18n::{Lang, tr};
use leptos::prelude::provide_context;
use std::collections::HashMap;

/// Why a handler did not do what was asked.
#[derive(Debug)]
pub enum HandlerError {
    /// No session (the session layer refuses these first; this is the handlers' own guard): a bare 401.
    Unauthorized,
    /// A page rendered again: a refused form, a preview, an error page.
    /// Boxed: a rendered view is large, and every handler's `Result` carries this type.
    Again(Box<Rerender>),
    /// A database or other internal failure: logged, and the form shown again with a plain message (500).
    Internal { cause: String, form: HashMap<String, String>, page: Option<String> },
    /// An error of the JSON API: `{ "error", "message" }` with the error's status.
    Api(AppError, Lang),
}

/// What [`render_marked`] renders: `view` on the page at `page` (the request's path when `None`), with
/// `status` when given (else the page's own).
#[derive(Debug, Clone)]
pub struct Rerender {
    pub view: View,
    pub status: Option<StatusCode>,
    pub page: Option<String>,
}

/// The context a page is rendered again with.
#[derive(Debug, Clone)]
pub enum View {
    /// The page as for a GET (its own 404 or 403 included).
    Page,
    /// A refused form: errors beside their fields, input kept.
    Form(Submitted),
    /// An uploaded file's preview.
    Preview(ImportPreview),
    /// The error page in place of the page.
    Error(AppError),
    /// An internal failure, already turned into words by the layer: the kept input and the logged cause.
    Internal(HashMap<String, String>, String),
}

impl HandlerError {
    /// The page at the request's path, with `status` when given.
    pub fn page(status: Option<StatusCode>) -> Self {
        Self::Again(Box::new(Rerender { view: View::Page, status, page: None }))
    }
    /// The form shown again with its errors.
    pub fn form(sub: Submitted, status: Option<StatusCode>) -> Self {
        Self::Again(Box::new(Rerender { view: View::Form(sub), status, page: None }))
    }
    /// The form shown again with one message, beside `field` (`""`: above the form).
    pub fn refused(form: HashMap<String, String>, field: &str, message: String, status: StatusCode) -> Self {
        Self::form(Submitted::new(without_secrets(form)).error(field, message), Some(status))
    }
    /// An import's preview that refuses the file.
    pub fn preview(p: ImportPreview) -> Self {
        Self::Again(Box::new(Rerender::preview(p)))
    }
    /// The error page (404, 403, 500 …) with its status.
    pub fn error_page(e: AppError) -> Self {
        let status = e.status();
        Self::Again(Box::new(Rerender { view: View::Error(e), status: Some(status), page: None }))
    }
    pub fn not_found() -> Self {
        Self::error_page(AppError::NotFound)
    }
    pub fn forbidden() -> Self {
        Self::error_page(AppError::Forbidden)
    }
    /// An internal failure; the cause is logged, never shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal { cause: cause.to_string(), form: HashMap::new(), page: None }
    }
    /// Rendered on the page at `page` instead of the request's path (a form posted to its own URL).
    pub fn at(mut self, at: impl Into<String>) -> Self {
        match &mut self {
            Self::Again(r) => r.page = Some(at.into()),
            Self::Internal { page, .. } => *page = Some(at.into()),
            Self::Unauthorized | Self::Api(..) => {}
        }
        self
    }
    /// Keeps the form's input (secrets left out) when an internal failure shows the form again.
    pub fn with_input(mut self, input: &HashMap<String, String>) -> Self {
        if let Self::Internal { form, .. } = &mut self {
            *form = without_secrets(input.clone());
        }
        self
    }
    /// Drops the kept input (a form whose fields are not for showing again).
    pub fn without_input(mut self) -> Self {
        match &mut self {
            Self::Again(r) => {
                if let View::Form(sub) = &mut r.view {
                    sub.values.clear();
                }
            }
            Self::Internal { form, .. } => form.clear(),
            _ => {}
        }
        self
    }
}

impl From<sqlx::Error> for HandlerError {
    fn from(e: sqlx::Error) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        let marker = match self {
            Self::Unauthorized => return StatusCode::UNAUTHORIZED.into_response(),
            Self::Api(e, lang) => return api_error(e, lang),
            Self::Again(r) => *r,
            Self::Internal { cause, form, page } => {
                Rerender { view: View::Internal(form, cause), status: Some(StatusCode::INTERNAL_SERVER_ERROR), page }
            }
        };
        marker.into_response()
    }
}

impl Rerender {
    /// A page that answers a form (an import's preview): rendered by [`render_marked`] as a refused form is.
    pub fn preview(p: ImportPreview) -> Self {
        Rerender { view: View::Preview(p), status: None, page: None }
    }
}

impl IntoResponse for Rerender {
    fn into_response(self) -> Response {
        // Seen by `render_marked`; without that layer, a bare status rather than a blank 200.
        let mut res = self.status.unwrap_or(StatusCode::OK).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

fn api_error(e: AppError, lang: Lang) -> Response {
    (e.status(), Json(crate::api::types::ApiError::new(&e, lang))).into_response()
}

/// The layer on the form routes: renders the page a handler's [`Rerender`] marker asks for.
pub async fn render_marked(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let kept = parts.clone();
    let mut res = next.run(Request::from_parts(parts, body)).await;
    let Some(marker) = res.extensions_mut().remove::<Rerender>() else { return res };
    let mut parts = kept;
    if let Some(page) = &marker.page {
        parts.uri = page.parse().unwrap_or_else(|_| app::paths::MANAGE.parse().expect("a valid path"));
    }
    let lang = app::lang::of_request(&parts.uri, &parts.headers);
    match marker.view {
        View::Page => render(&state, parts, (), marker.status).await,
        View::Form(sub) => render(&state, parts, sub, marker.status).await,
        View::Preview(p) => render(&state, parts, p, marker.status).await,
        View::Error(e) => render(&state, parts, ShownError(e), marker.status).await,
        View::Internal(form, cause) => {
            tracing::error!(error = %cause, path = %parts.uri.path(), "a form or download failed");
            let sub = Submitted::new(form).error("", tr(lang, "error.internal_body"));
            render(&state, parts, sub, marker.status).await
        }
    }
}

/// Renders the page at the request's path (as for a GET) with `ctx` in context, and sets `status` when given.
pub async fn render<C: Clone + Send + Sync + 'static>(state: &AppState, mut parts: Parts, ctx: C, status: Option<StatusCode>) -> Response {
    parts.method = Method::GET;
    let st = state.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(st.clone());
            provide_context(ctx.clone());
        },
        move || app::shell(options.clone()),
    );
    let mut res = handler(Request::from_parts(parts, Body::empty())).await;
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    res
}

/// The form's values minus passwords and the token, for showing again.
pub fn without_secrets(mut form: HashMap<String, String>) -> HashMap<String, String> {
    for k in ["password", "current_password", "new_password", "confirm_password", "csrf"] {
        form.remove(k);
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_shown_again() {
        let form = HashMap::from([("password".to_string(), "x".to_string()), ("username".to_string(), "rina".to_string())]);
        let kept = without_secrets(form);
        assert!(kept.contains_key("username") && !kept.contains_key("password"));
        let e = HandlerError::internal("x").with_input(&HashMap::from([("new_password".to_string(), "y".to_string())]));
        assert!(matches!(e, HandlerError::Internal { form, .. } if form.is_empty()));
    }

    #[test]
    fn a_marker_rides_on_the_response() {
        let res = HandlerError::refused(HashMap::new(), "", "no".into(), StatusCode::FORBIDDEN).at("/akun").into_response();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let m = res.extensions().get::<Rerender>().expect("a marker");
        assert_eq!(m.page.as_deref(), Some("/akun"));
        assert_eq!(HandlerError::Unauthorized.into_response().status(), StatusCode::UNAUTHORIZED);
    }
}
