//! Pieces the evaluation pages share: points as text, the sheet's path and breadcrumbs, a labelled form field
//! with its hint and error, the refused form's values and errors, and an item's status badge.

use crate::components::Crumb;
use crate::pages::manage::{Submitted, manage_crumbs};
use crate::paths;
use kla::domain::RegionCode;
use kla::evaluation::sheet::ItemStatus;
use kla::format::decimal;
use kla::i18n::{Lang, tr};
use leptos::prelude::*;

pub(super) fn pts(x: f64, lang: Lang) -> String {
    decimal(x, 2, lang)
}

pub(super) fn opt_pts(x: Option<f64>, lang: Lang) -> String {
    x.map_or_else(|| "–".into(), |x| pts(x, lang))
}

/// `/kelola/evaluasi/{tahun}/{kode}`.
pub fn sheet_path(award_year: i64, regency: RegionCode) -> String {
    paths::sheet(award_year, regency)
}

/// Beranda › Kelola data › Persiapan evaluasi KLA [› the regency's sheet] › `here`.
pub(super) fn eval_crumbs(lang: Lang, sheet: Option<(i64, RegionCode, String)>, here: String) -> Vec<Crumb> {
    let mut c = manage_crumbs(lang, Some(tr(lang, "eval.title")));
    c[2].href = Some(paths::EVALUATION.into());
    if let Some((year, code, label)) = sheet {
        c.push(Crumb { label, href: Some(sheet_path(year, code)), lang: None });
    }
    c.push(Crumb { label: here, href: None, lang: None });
    c
}

/// A labelled form field with its hint and error; `id` must be unique on the page.
pub(super) fn field(
    lang: Lang,
    id: String,
    label: String,
    hint: Option<String>,
    error: Option<String>,
    optional: bool,
    control: AnyView,
) -> AnyView {
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let class = if error.is_some() { "field invalid" } else { "field" };
    view! {
        <div class=class>
            <label for=id>{label}{optional.then(|| view! { " " <span class="optional">{tr(lang, "manage.optional")}</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {error.map(|m| view! { <p class="field-error" id=err_id>{m}</p> })}
            {control}
        </div>
    }
    .into_any()
}

/// The error of `field` when the refused form was the one about `scope` (an item id, a form name).
pub(super) fn error_here(sub: &Option<Submitted>, scope: &str, field: &str) -> Option<String> {
    sub.as_ref().filter(|s| s.value("scope").as_deref() == Some(scope)).and_then(|s| s.error_for(field))
}

pub(super) fn value_here(sub: &Option<Submitted>, scope: &str, field: &str) -> Option<String> {
    sub.as_ref().filter(|s| s.value("scope").as_deref() == Some(scope)).and_then(|s| s.value(field))
}

pub(super) fn status_badge(lang: Lang, status: ItemStatus) -> AnyView {
    let mark = match status {
        ItemStatus::Missing => "○",
        ItemStatus::Uploaded => "◐",
        ItemStatus::Verified => "●",
        ItemStatus::Rejected => "✕",
    };
    view! { <span class=format!("badge item-{}", status.key())>{mark}" "{tr(lang, &format!("eval.item_{}", status.key()))}</span> }
        .into_any()
}
