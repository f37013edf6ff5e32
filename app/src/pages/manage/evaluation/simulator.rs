//! The sheet page's headline figures: the projected self-assessment and its band, the points to the next band,
//! the points at risk and the verified total, with the instrument's weights note.

use super::parts::{opt_pts, pts};
use crate::components::{Stat, Stats};
use crate::state::AppState;
use kla::evaluation::sheet::Sheet;
use kla::i18n::{Lang, tr, trf};
use leptos::prelude::*;

fn weights_note(lang: Lang, sheet: &Sheet) -> AnyView {
    let i = &sheet.instrument;
    view! {
        <p class="scope-note">
            {tr(lang, "eval.instrument")}": "{i.name.clone()}". "
            {i.weights_assumed.then(|| view! { <strong>{tr(lang, "eval.weights_assumed")}</strong> " " })}
            {i.weights_note.clone()}" "{tr(lang, "eval.source")}": "{i.source.clone()}
        </p>
    }
    .into_any()
}

pub(super) fn projection_view(lang: Lang, state: &AppState, sheet: &Sheet) -> AnyView {
    let p = sheet.projection(&state.bands);
    let band = |b: Option<kla::domain::Predicate>| b.map_or_else(|| tr(lang, "eval.no_band"), |b| b.label().to_string());
    let next = match p.next {
        Some((b, d)) => trf(lang, "eval.to_next", &[("points", pts(d, lang)), ("band", b.label().to_string())]),
        None => tr(lang, "eval.top_band"),
    };
    let stats = vec![
        Stat { label: tr(lang, "eval.self_total"), value: pts(p.total, lang), note: Some(band(p.band)) },
        Stat { label: tr(lang, "eval.next_band"), value: p.next.map_or_else(|| "–".into(), |(_, d)| pts(d, lang)), note: Some(next) },
        Stat {
            label: tr(lang, "eval.at_risk"),
            value: pts(p.at_risk, lang),
            note: Some(trf(lang, "eval.if_lost", &[("total", pts(p.total_if_lost, lang)), ("band", band(p.band_if_lost))])),
        },
        Stat {
            label: tr(lang, "eval.verified_total"),
            value: opt_pts(sheet.verified_total(), lang),
            note: sheet.verified_total().map(|t| band(state.bands.classify(t))),
        },
    ];
    view! {
        <section class="simulator" aria-labelledby="simulator">
            <h2 id="simulator">{tr(lang, "eval.simulator")}</h2>
            <Stats stats=stats/>
            {(p.unscored > 0).then(|| view! { <p class="scope-note">{kla::i18n::trn(lang, "eval.unscored", p.unscored as i64, &[])}</p> })}
            <p class="scope-note">{tr(lang, "eval.risk_rule")}</p>
            {weights_note(lang, sheet)}
        </section>
    }
    .into_any()
}
