//! What the three region pages (`/`, `/provinsi/{PP}`, `/kabkota/{PP.KK}`) share: the page frame (URL
//! parameters, load, render, or the error page), the region a URL names, the breadcrumb trail, the headline
//! figures, the note on which years the training figures count, the charts, the demo flag and the ordering of
//! a table of regions. Each page keeps only what is its own: what it loads, its tables and its figures.

use super::page_params;
use super::params::{PageParams, SortKey};
use crate::components::{Crumb, ErrorPage, FigureView, Stat, data_lang};
use crate::error::AppError;
use crate::figures::Figure;
use crate::lang::use_lang;
use crate::state::AppState;
use kla::aggregate::{Covered, Distribution, TrainingTotals, UnitTotals, YearTraining};
use kla::domain::{RegionCode, RegionLevel};
use kla::format;
use kla::i18n::{Lang, tr};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use std::cmp::Ordering;
use std::future::Future;

/// The frame of a region page: the state, the language and the URL parameters (or why they were refused)
/// go to `page`, which loads and renders; an error it returns is shown as the error page with its status.
pub fn region_page<F, Fut>(page: F) -> impl IntoView
where
    F: FnOnce(AppState, Lang, Result<PageParams, AppError>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<AnyView, AppError>> + Send + 'static,
{
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let params = page_params(lang);
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move { page(state, lang, params).await.unwrap_or_else(|e| view! { <ErrorPage error=e/> }.into_any()) })}
        </Suspense>
    }
}

/// The `:code` segment of the page's route, as typed.
pub fn route_code() -> String {
    use_params_map().with_untracked(|p| p.get("code")).unwrap_or_default()
}

/// Resolves a code from the URL to a region of the wanted level, or a 404.
pub fn resolve(state: &AppState, raw: &str, level: RegionLevel) -> Result<RegionCode, AppError> {
    state.regions.find(raw).filter(|r| r.level == level).map(|r| r.code).ok_or(AppError::NotFound)
}

/// The breadcrumb trail: Indonesia, the regions `between` (label, address), then the page's own region
/// (`None` on the national page, where Indonesia is the page itself). Region names are data ([`data_lang`]).
pub fn crumbs(lang: Lang, between: Vec<(String, String)>, here: Option<String>) -> Vec<Crumb> {
    let mut out = vec![Crumb { label: tr(lang, "place.indonesia"), href: here.is_some().then(|| "/".into()), lang: None }];
    out.extend(between.into_iter().map(|(label, href)| Crumb { label, href: Some(href), lang: data_lang(lang) }));
    out.extend(here.map(|label| Crumb { label, href: None, lang: data_lang(lang) }));
    out
}

/// Which years the training figures count: the chosen year, or all of them.
pub fn scope_note(lang: Lang, year: Option<i32>) -> String {
    match year {
        Some(y) => format!("{} {y}", tr(lang, "filter.trainings_in")),
        None => tr(lang, "filter.trainings_all"),
    }
}

/// The page's charts, each with its downloads under `data_path` for the same view (`query`).
pub fn chart_views(figures: Vec<Figure>, data_path: &str, query: &str) -> impl IntoView + use<> {
    figures.into_iter().map(|f| view! { <FigureView figure=f data_path=data_path.to_string() query=query.to_string()/> }).collect_view()
}

/// Whether anything the page shows comes from demo data (`predicates`: whether any predicate record does).
pub fn any_demo(trainings: &TrainingTotals, units: &UnitTotals, by_year: &[YearTraining], predicates: bool) -> bool {
    trainings.demo || units.demo || predicates || by_year.iter().any(|y| y.totals.demo)
}

/// Orders a table of regions by the chosen column (`by`) and direction; equal rows by code, ascending.
pub fn sort_regions<T>(rows: &mut [T], params: PageParams, code: impl Fn(&T) -> &str, by: impl Fn(SortKey, &T, &T) -> Ordering) {
    rows.sort_by(|a, b| {
        let o = by(params.sort.key, a, b);
        let o = if params.sort.desc { o.reverse() } else { o };
        o.then_with(|| code(a).cmp(code(b)))
    });
}

/// Training events.
pub fn events_stat(lang: Lang, t: &TrainingTotals) -> Stat {
    Stat { label: tr(lang, "figure.events"), value: format::int(t.events, lang), note: None }
}

/// A sum over the events that reported it: the number, or "not reported" when none did.
pub fn covered_value(lang: Lang, c: Covered) -> String {
    format::count(c.known(), lang)
}

/// What a sum covers when some events did not report it: "from 3 of 4 events that reported a count".
pub fn coverage_note(lang: Lang, c: Covered) -> Option<String> {
    (c.known().is_some() && !c.complete())
        .then(|| kla::i18n::trf(lang, "figure.covered", &[("reported", format::int(c.reported, lang)), ("of", format::int(c.of, lang))]))
}

/// A sum in a table cell: the number, marked with how many events it covers when not all reported it.
pub fn covered_cell(lang: Lang, c: Covered) -> String {
    match (c.known(), c.complete()) {
        (Some(n), false) => format!("{} ({}/{})", format::int(n, lang), format::int(c.reported, lang), format::int(c.of, lang)),
        _ => covered_value(lang, c),
    }
}

/// Participants, split into offline and online, saying how many events reported a count.
pub fn participants_stat(lang: Lang, t: &TrainingTotals) -> Stat {
    let c = t.participants();
    let split = format!(
        "{} {} · {} {}",
        format::count(t.participants_offline, lang),
        tr(lang, "figure.offline"),
        format::count(t.participants_online, lang),
        tr(lang, "figure.online")
    );
    let note = match (c.known(), coverage_note(lang, c)) {
        (None, _) => None,
        (Some(_), None) => Some(split),
        (Some(_), Some(covered)) => Some(format!("{covered} · {split}")),
    };
    Stat { label: tr(lang, "figure.participants"), value: covered_value(lang, c), note }
}

/// The share of service units with KHA-certified staff, with the counts.
pub fn certified_share_stat(lang: Lang, u: &UnitTotals) -> Stat {
    Stat {
        label: tr(lang, "figure.certified_share"),
        value: format::percent(u.unit_share(), lang),
        note: Some(format!("{} / {}", format::int(u.certified_units, lang), kla::i18n::trn(lang, "figure.units_count", u.units, &[]))),
    }
}

/// The headline figures of the national and province pages.
pub fn headline(lang: Lang, t: &TrainingTotals, u: &UnitTotals, d: &Distribution, regencies: usize) -> Vec<Stat> {
    vec![
        events_stat(lang, t),
        participants_stat(lang, t),
        Stat {
            label: tr(lang, "figure.institutions"),
            value: covered_value(lang, t.institutions()),
            note: coverage_note(lang, t.institutions()),
        },
        certified_share_stat(lang, u),
        Stat {
            label: tr(lang, "figure.with_predicate"),
            value: format!("{} / {}", format::int(d.awarded(), lang), format::int(regencies as i64, lang)),
            note: Some(tr(lang, "figure.latest_award")),
        },
    ]
}
