//! Data entry for signed-in officers (`/masuk`, `/akun`, `/kelola/…`): the pages, rendered on the server
//! like every other page. Forms post to the server's handlers (`server/src/forms.rs`); when a form is
//! refused, the handler renders the same page again with a [`Submitted`] in context, so each error stands
//! next to its field and the user's input is kept.

pub mod account;
pub mod evaluation;
pub mod history;
pub mod import;
pub mod records;
pub mod users;

use crate::components::Crumb;
use crate::paths;
use crate::state::AppState;
use kla::auth::{AnonCsrf, Role, Session};
use kla::db::Region;
use kla::domain::{FieldErrors, RegionCode, RegionLevel};
use kla::i18n::{Lang, tr};
use leptos::prelude::*;
use std::collections::HashMap;

/// A form as it was submitted and refused: the values typed (never a password), and the errors by field.
#[derive(Debug, Clone, Default)]
pub struct Submitted {
    pub values: HashMap<String, String>,
    /// (field, message); field `""` for an error about the whole form.
    pub errors: Vec<(String, String)>,
}

impl Submitted {
    pub fn new(values: HashMap<String, String>) -> Self {
        Self { values, errors: Vec::new() }
    }
    pub fn error(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.push((field.to_string(), message.into()));
        self
    }
    /// Field errors from validation, each message without its field name in front.
    pub fn field_errors(mut self, errs: &FieldErrors, lang: Lang) -> Self {
        for e in &errs.0 {
            let msg = e.message(lang.code());
            let message = msg.split_once(": ").map(|(_, m)| m.to_string()).unwrap_or(msg);
            self.errors.push((e.field.to_string(), message));
        }
        self
    }
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }
}

/// The submitted form of this request, if a handler refused one.
pub fn submitted() -> Option<Submitted> {
    use_context::<Submitted>()
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The signed-in session of this request.
pub fn session() -> Option<Session> {
    parts().and_then(|p| p.extensions.get::<Session>().cloned())
}

/// The CSRF token this request's forms must carry.
pub fn csrf_token() -> String {
    let p = parts();
    p.as_ref()
        .and_then(|p| p.extensions.get::<Session>().map(|s| s.csrf.clone()))
        .or_else(|| p.as_ref().and_then(|p| p.extensions.get::<AnonCsrf>().map(|a| a.0.clone())))
        .unwrap_or_default()
}

/// The hidden CSRF field of every form.
#[component]
pub fn CsrfField() -> impl IntoView {
    view! { <input type="hidden" name="csrf" value=csrf_token()/> }
}

/// One query parameter of the request.
pub fn query_param(name: &str) -> Option<String> {
    let q = parts()?.uri.query()?.to_string();
    serde_urlencoded::from_str::<Vec<(String, String)>>(&q).ok()?.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The regions a role may write for, provinces first then their regencies, in registry order.
pub fn regions_in_scope(state: &AppState, role: Role, level: Option<RegionLevel>) -> Vec<&Region> {
    state
        .regions
        .provinces()
        .flat_map(|p| std::iter::once(p).chain(state.regions.regencies_of(p.code)))
        .filter(|r| role.covers(r.code))
        .filter(|r| level.is_none_or(|l| r.level == l))
        .collect()
}

/// The breadcrumbs of a data-entry page: Beranda › Kelola data › `here` (or Beranda › Kelola data itself).
pub fn manage_crumbs(lang: Lang, here: Option<String>) -> Vec<Crumb> {
    let home = Crumb { label: tr(lang, "nav.home"), href: Some("/".into()), lang: None };
    match here {
        Some(h) => vec![
            home,
            Crumb { label: tr(lang, "manage.title"), href: Some(paths::MANAGE.into()), lang: None },
            Crumb { label: h, href: None, lang: None },
        ],
        None => vec![home, Crumb { label: tr(lang, "manage.title"), href: None, lang: None }],
    }
}

/// The label of a region for lists: "63.10 Kabupaten Banjar".
pub fn region_label(state: &AppState, code: RegionCode) -> String {
    format!("{code} {}", state.regions.name(code))
}

/// The list of errors at the top of a refused form, each linking to its field.
#[component]
pub fn ErrorSummary(sub: Option<Submitted>) -> impl IntoView {
    let lang = crate::lang::use_lang();
    sub.filter(|s| !s.errors.is_empty()).map(|s| {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
        }
        view! {
            <div class="error-summary" role="alert" tabindex="-1" id="kesalahan">
                <h2>{tr(lang, "manage.errors_title")}</h2>
                <ul>
                    {s.errors
                        .into_iter()
                        .map(|(field, msg)| {
                            if field.is_empty() {
                                view! { <li>{msg}</li> }.into_any()
                            } else {
                                let label = tr(lang, &format!("col.{field}"));
                                let label = if label.starts_with("col.") { field.clone() } else { label };
                                view! { <li><a href=format!("#f-{field}")>{label}": "{msg}</a></li> }.into_any()
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// A notice after a successful change (`?pesan=…` on the page redirected to).
#[component]
pub fn Notice() -> impl IntoView {
    let lang = crate::lang::use_lang();
    query_param("pesan")
        .filter(|k| {
            matches!(
                k.as_str(),
                "disimpan" | "dihapus" | "diimpor" | "sandi" | "pengguna" | "diunggah" | "diajukan" | "diperiksa" | "selesai" | "siklus"
            )
        })
        .map(|key| {
            let key = format!("manage.notice_{key}");
            let text = match query_param("n").and_then(|n| n.parse::<i64>().ok()) {
                Some(n) => kla::i18n::trn(lang, &key, n, &[]),
                None => kla::i18n::tr(lang, &key),
            };
            view! { <p class="notice" role="status">{text}</p> }
        })
}

/// The page a signed-out visitor is sent to (the handlers redirect; this only guards rendering).
pub fn must_sign_in() -> crate::error::AppError {
    crate::error::AppError::Forbidden
}
