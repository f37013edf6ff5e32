//! `/kelola/evaluasi/{tahun}/{kode}`: one regency's checklist: the simulator, open follow-ups, submit / finish
//! / publish, and per cluster its indicators with their items, scores and points at risk.

use super::load::{Loaded, load_sheet};
use super::parts::{eval_crumbs, opt_pts, pts, sheet_path, status_badge};
use super::simulator::projection_view;
use crate::components::{ErrorPage, Layout};
use crate::lang::use_lang;
use crate::pages::manage::{CsrfField, ErrorSummary, Notice, must_sign_in, session, submitted};
use crate::paths;
use crate::state::AppState;
use kla::domain::Stage;
use kla::evaluation::instrument::Indicator;
use kla::evaluation::sheet::{ItemStatus, Side, Status};
use kla::i18n::{tr, trf};
use leptos::prelude::*;

#[component]
pub fn EvaluationSheetPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=must_sign_in()/> }.into_any() };
    let sub = submitted();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match load_sheet(&state, s.user.role).await {
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    Ok(Loaded { sheet, side, label }) => {
                        let year = sheet.cycle.award_year;
                        let base = sheet_path(year, sheet.regency);
                        let status = sheet.status();
                        let title = format!("{} {year} · {label}", tr(lang, "eval.title_short"));
                        let missing = sheet.instrument.indicators.iter().map(|i| sheet.at_risk_items(i)).sum::<usize>();
                        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
                        let actions = match (side, status) {
                            (Side::Regency, st) if st.open_to_regency() => view! {
                                <form method="post" action=format!("{base}/ajukan") class="inline">
                                    <CsrfField/>
                                    {(missing > 0).then(|| view! { <p class="scope-note">{kla::i18n::trn(lang, "eval.submit_missing", missing as i64, &[])}</p> })}
                                    <button type="submit">{tr(lang, "eval.submit")}</button>
                                </form>
                            }.into_any(),
                            (Side::Verifier, Status::Submitted) => view! {
                                <form method="post" action=format!("{base}/selesai") class="inline">
                                    <CsrfField/>
                                    <p class="scope-note">{tr(lang, "eval.finish_hint")}</p>
                                    <button type="submit">{tr(lang, "eval.finish")}</button>
                                </form>
                            }.into_any(),
                            (Side::Verifier, Status::Verified) => {
                                let published = sheet.submission.as_ref().is_some_and(|s| s.published);
                                view! {
                                    <form method="post" action=format!("{base}/terbitkan") class="inline">
                                        <CsrfField/>
                                        <input type="hidden" name="published" value=if published { "0" } else { "1" }/>
                                        <p class="scope-note">{tr(lang, if published { "eval.published" } else { "eval.not_published" })}</p>
                                        <button type="submit">{tr(lang, if published { "eval.unpublish" } else { "eval.publish" })}</button>
                                    </form>
                                }.into_any()
                            }
                            _ => ().into_any(),
                        };
                        // Past the self-assessment deadline the sheet can still be submitted; the province decides.
                        let late_note = (status.open_to_regency() && today > sheet.cycle.self_deadline).then(|| view! {
                            <p class="notice late">{trf(lang, "eval.deadline_passed", &[("date", kla::format::date(&sheet.cycle.self_deadline, lang))])}</p>
                        });
                        let follow: Vec<_> = sheet.open_follow_ups().cloned().collect();
                        let follow_view = (!follow.is_empty()).then(|| view! {
                            <h2>{tr(lang, "eval.open_follow_ups")}</h2>
                            <ul class="follow-ups">
                                {follow.into_iter().map(|f| {
                                    let (ind, code) = sheet.instrument.item(f.item_id).map_or((0, String::new()), |(i, it)| (i.number, it.code.clone()));
                                    let late = f.due_date < today;
                                    let answered = sheet.item_status(f.item_id) == ItemStatus::Uploaded;
                                    view! {
                                        <li class=if late { "late" } else { "" }>
                                            <a href=format!("{base}/{ind}#butir-{}", f.item_id)>{format!("{} {code}", tr(lang, "eval.item"))}</a>
                                            {format!(": {} · {} {}", f.note, tr(lang, "eval.due"), kla::format::date(&f.due_date, lang))}
                                            {late.then(|| view! { " · " <strong>{tr(lang, "eval.overdue")}</strong> })}
                                            {answered.then(|| view! { " · " {tr(lang, "eval.answered")} })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        });
                        let clusters = sheet.clusters().into_iter().map(|c| {
                            let inds: Vec<&Indicator> = sheet.instrument.indicators.iter().filter(|i| i.cluster == c.cluster).collect();
                            view! {
                                <h2>{tr(lang, &format!("eval.cluster_{}", c.cluster.key()))}</h2>
                                <p class="scope-note">{kla::i18n::trn(lang, "eval.cluster_facts", c.items as i64, &[("present", c.present.to_string()), ("verified", c.verified.to_string())])}</p>
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, &format!("eval.cluster_{}", c.cluster.key()))>
                                    <table class="evaluation">
                                        <thead><tr>
                                            <th scope="col">{tr(lang, "eval.indicator")}</th>
                                            <th scope="col">{tr(lang, "eval.evidence")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.self_score")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.max_points")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.at_risk")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.verified_score")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {inds.into_iter().map(|ind| {
                                                let self_score = sheet.latest(ind.id, Stage::SelfAssessment).map(|e| e.score);
                                                let risk = kla::evaluation::simulator::IndicatorState { max_points: ind.max_points, self_score, items: ind.items.len(), items_at_risk: sheet.at_risk_items(ind) }.at_risk();
                                                view! {
                                                    <tr>
                                                        <th scope="row"><a href=format!("{base}/{}", ind.number)>{format!("{}. {}", ind.number, ind.name(lang))}</a></th>
                                                        <td>{ind.items.iter().map(|it| view! { <span class="item-line">{it.code.clone()}" "{status_badge(lang, sheet.item_status(it.id))}</span> }).collect_view()}</td>
                                                        <td class="num">{opt_pts(self_score, lang)}</td>
                                                        <td class="num">{pts(ind.max_points, lang)}</td>
                                                        <td class="num">{pts(risk, lang)}</td>
                                                        <td class="num">{opt_pts(sheet.verified_score(ind.id), lang)}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                        }).collect_view();
                        let crumbs = eval_crumbs(lang, None, title.clone());
                        view! {
                            <Layout title=title crumbs=crumbs demo=false>
                                <ErrorSummary sub=sub.clone()/>
                                <Notice/>
                                <p class="lead">
                                    {tr(lang, "eval.status")}": " <strong>{tr(lang, &format!("eval.status_{}", status.key()))}</strong>" · "
                                    {trf(lang, "eval.cycle_facts", &[
                                        ("award", year.to_string()),
                                        ("data", sheet.cycle.data_year.to_string()),
                                        ("self", kla::format::date(&sheet.cycle.self_deadline, lang)),
                                        ("verify", kla::format::date(&sheet.cycle.verify_deadline, lang)),
                                    ])}
                                </p>
                                {late_note}
                                {projection_view(lang, &state, &sheet)}
                                {follow_view}
                                {actions}
                                <ul class="tools">
                                    <li><a href=paths::pack(year, sheet.regency)>{tr(lang, "eval.pack")}</a></li>
                                    <li><a href=format!("{}?wilayah={}", paths::REGION_HISTORY, sheet.regency)>{tr(lang, "manage.region_history")}</a></li>
                                </ul>
                                {clusters}
                            </Layout>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
