//! Evaluation preparation pages: `/kelola/evaluasi` (cycles, and the province's dashboard of its regencies
//! with their open follow-ups), `/kelola/evaluasi/{tahun}/{kode}` (one regency's checklist: the simulator,
//! clusters, submit / finish / publish) and `/kelola/evaluasi/{tahun}/{kode}/{no}` (one indicator: evidence
//! uploads, linked records, the verifier's decisions, scores and their ledger). Forms post to
//! `server/src/evaluation.rs`.

use super::{CsrfField, ErrorSummary, Submitted, manage_crumbs, query_param, region_label, session, submitted};
use crate::components::{Crumb, ErrorPage, Layout, Stat, Stats};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::state::AppState;
use kla::auth::Role;
use kla::domain::{RegionCode, RegionLevel, Stage};
use kla::evaluation::instrument::{self, Indicator};
use kla::evaluation::sheet::{self, Cycle, ItemStatus, Sheet, Side, Status};
use kla::format::decimal;
use kla::i18n::{Lang, tr, trf};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn pts(x: f64, lang: Lang) -> String {
    decimal(x, 2, lang)
}

fn opt_pts(x: Option<f64>, lang: Lang) -> String {
    x.map(|x| pts(x, lang)).unwrap_or_else(|| "–".into())
}

/// `/kelola/evaluasi/{tahun}/{kode}`.
pub fn sheet_path(award_year: i64, regency: RegionCode) -> String {
    format!("/kelola/evaluasi/{award_year}/{regency}")
}

/// Beranda › Kelola data › Persiapan evaluasi KLA [› the regency's sheet] › `here`.
fn eval_crumbs(lang: Lang, sheet: Option<(i64, RegionCode, String)>, here: String) -> Vec<Crumb> {
    let mut c = manage_crumbs(lang, Some(tr(lang, "eval.title")));
    c[2].href = Some("/kelola/evaluasi".into());
    if let Some((year, code, label)) = sheet {
        c.push(Crumb { label, href: Some(sheet_path(year, code)) });
    }
    c.push(Crumb { label: here, href: None });
    c
}

/// A labelled form field with its hint and error; `id` must be unique on the page.
fn field(lang: Lang, id: String, label: String, hint: Option<String>, error: Option<String>, optional: bool, control: AnyView) -> AnyView {
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
fn error_here(sub: &Option<Submitted>, scope: &str, field: &str) -> Option<String> {
    sub.as_ref().filter(|s| s.value("scope").as_deref() == Some(scope)).and_then(|s| s.error_for(field))
}

fn value_here(sub: &Option<Submitted>, scope: &str, field: &str) -> Option<String> {
    sub.as_ref().filter(|s| s.value("scope").as_deref() == Some(scope)).and_then(|s| s.value(field))
}

fn status_badge(lang: Lang, status: ItemStatus) -> AnyView {
    let mark = match status {
        ItemStatus::Missing => "○",
        ItemStatus::Uploaded => "◐",
        ItemStatus::Verified => "●",
        ItemStatus::Rejected => "✕",
    };
    view! { <span class=format!("badge item-{}", status.key())>{mark}" "{tr(lang, &format!("eval.item_{}", status.key()))}</span> }
        .into_any()
}

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

// ---------------------------------------------------------------------------------------------------------
// /kelola/evaluasi

struct Row {
    regency: RegionCode,
    status: Option<Status>,
    present: usize,
    items: usize,
    self_total: f64,
    verified_total: Option<f64>,
    follow_ups: Vec<(String, String, String)>,
}

#[component]
pub fn EvaluationIndexPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=super::must_sign_in()/> }.into_any() };
    let role = s.user.role;
    let sub = submitted();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded = async {
                    let cycles = sheet::cycles(&state.pool).await?;
                    let instruments = instrument::list(&state.pool).await?;
                    let wanted: Option<i64> = query_param("tahun").and_then(|t| t.parse().ok());
                    let cycle = match wanted {
                        Some(y) => Some(cycles.iter().find(|c| c.award_year == y).cloned().ok_or(AppError::NotFound)?),
                        None => cycles.first().cloned(),
                    };
                    let province = match role {
                        Role::Province(p) => Some(p),
                        Role::Regency(_) => None,
                        Role::Admin => query_param("provinsi").and_then(|p| RegionCode::parse(&p).ok()).filter(|p| matches!(p, RegionCode::Province(_)) && state.regions.contains(*p)),
                    };
                    let regencies: Vec<RegionCode> = match (role, province) {
                        (Role::Regency(r), _) => vec![r],
                        (_, Some(p)) => state.regions.regencies_of(p).map(|r| r.code).collect(),
                        _ => vec![],
                    };
                    let mut rows = Vec::new();
                    if let Some(c) = &cycle {
                        let mut conn = state.pool.acquire().await?;
                        // Administrators without a province see the regencies that have started.
                        let regencies = if regencies.is_empty() && role == Role::Admin {
                            sheet::submissions(&state.pool, c.id, None).await?.into_iter().map(|s| s.regency).collect()
                        } else {
                            regencies
                        };
                        for r in regencies {
                            let sh = sheet::load(&mut conn, c, r).await?;
                            let p = sh.projection(&state.bands);
                            let follow_ups = sh
                                .open_follow_ups()
                                .map(|f| {
                                    let item = sh.instrument.item(f.item_id).map(|(i, it)| (i.number, it.code.clone())).unwrap_or((0, String::new()));
                                    (format!("{}/{}", sheet_path(c.award_year, r), item.0), item.1, f.due_date.clone())
                                })
                                .collect();
                            rows.push(Row {
                                regency: r,
                                status: sh.submission.as_ref().map(|s| s.status),
                                present: sh.clusters().iter().map(|c| c.present).sum(),
                                items: sh.instrument.item_count(),
                                self_total: p.total,
                                verified_total: sh.verified_total(),
                                follow_ups,
                            });
                        }
                    }
                    Ok::<_, AppError>((cycles, instruments, cycle, province, rows))
                };
                match loaded.await {
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    Ok((cycles, instruments, cycle, province, rows)) => {
                        let title = tr(lang, "eval.title");
                        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
                        let cycle_picker = (cycles.len() > 1).then(|| {
                            let current = cycle.as_ref().map(|c| c.award_year).unwrap_or(0);
                            view! {
                                <form class="filter" method="get" action="/kelola/evaluasi">
                                    <div class="field">
                                        <label for="tahun">{tr(lang, "eval.cycle")}</label>
                                        <select id="tahun" name="tahun">
                                            {cycles.iter().map(|c| view! { <option value=c.award_year.to_string() selected=c.award_year == current>{c.award_year.to_string()}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    {province.map(|p| view! { <input type="hidden" name="provinsi" value=p.to_string()/> })}
                                    <button type="submit">{tr(lang, "manage.show")}</button>
                                </form>
                            }
                        });
                        let province_picker = (role == Role::Admin).then(|| {
                            let current = province.map(|p| p.to_string()).unwrap_or_default();
                            view! {
                                <form class="filter" method="get" action="/kelola/evaluasi">
                                    {cycle.as_ref().map(|c| view! { <input type="hidden" name="tahun" value=c.award_year.to_string()/> })}
                                    <div class="field">
                                        <label for="provinsi">{tr(lang, "eval.province")}</label>
                                        <select id="provinsi" name="provinsi">
                                            <option value="">{tr(lang, "eval.all_started")}</option>
                                            {state.regions.provinces().map(|p| {
                                                let code = p.code.to_string();
                                                view! { <option value=code.clone() selected=code == current>{format!("{code} {}", p.name)}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit">{tr(lang, "manage.show")}</button>
                                </form>
                            }
                        });
                        let cycle_facts = cycle.as_ref().map(|c| view! {
                            <p class="lead">
                                {trf(lang, "eval.cycle_facts", &[
                                    ("award", c.award_year.to_string()),
                                    ("data", c.data_year.to_string()),
                                    ("self", kla::format::date(&c.self_deadline, lang)),
                                    ("verify", kla::format::date(&c.verify_deadline, lang)),
                                ])}
                            </p>
                        });
                        let table = cycle.as_ref().map(|c| {
                            let year = c.award_year;
                            view! {
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "eval.regencies")>
                                    <table class="evaluation">
                                        <thead><tr>
                                            <th scope="col">{tr(lang, "table.regency")}</th>
                                            <th scope="col">{tr(lang, "eval.status")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.evidence_present")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.self_total")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.verified_total")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.open_follow_ups")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {rows.iter().map(|r| view! {
                                                <tr>
                                                    <th scope="row"><a href=sheet_path(year, r.regency)>{region_label(&state, r.regency)}</a></th>
                                                    <td>{r.status.map(|s| tr(lang, &format!("eval.status_{}", s.key()))).unwrap_or_else(|| tr(lang, "eval.status_none"))}</td>
                                                    <td class="num">{format!("{}/{}", r.present, r.items)}</td>
                                                    <td class="num">{pts(r.self_total, lang)}</td>
                                                    <td class="num">{opt_pts(r.verified_total, lang)}</td>
                                                    <td class="num">{r.follow_ups.len().to_string()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                        });
                        let follow_ups: Vec<_> = rows.iter().flat_map(|r| r.follow_ups.iter().map(move |f| (r.regency, f.clone()))).collect();
                        let follow_view = cycle.as_ref().map(|_| {
                            if follow_ups.is_empty() {
                                view! { <p class="scope-note">{tr(lang, "eval.no_follow_ups")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="follow-ups">
                                        {follow_ups.into_iter().map(|(r, (href, item, due))| {
                                            let late = due < today;
                                            view! {
                                                <li class=if late { "late" } else { "" }>
                                                    <a href=href>{format!("{} · {} {item}", region_label(&state, r), tr(lang, "eval.item"))}</a>
                                                    {format!(" · {} {}", tr(lang, "eval.due"), kla::format::date(&due, lang))}
                                                    {late.then(|| view! { " · " <strong>{tr(lang, "eval.overdue")}</strong> })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        });
                        let new_cycle = (role == Role::Admin).then(|| {
                            let v = |f: &str| value_here(&sub, "cycle", f).unwrap_or_default();
                            let e = |f: &str| error_here(&sub, "cycle", f);
                            view! {
                                <h2 id="siklus-baru">{tr(lang, "eval.new_cycle")}</h2>
                                <form method="post" action="/kelola/evaluasi/siklus" class="entry">
                                    <CsrfField/>
                                    <input type="hidden" name="scope" value="cycle"/>
                                    {field(lang, "f-award_year".into(), tr(lang, "eval.award_year"), None, e("award_year"), false,
                                        view! { <input id="f-award_year" name="award_year" type="text" inputmode="numeric" class="short" value=v("award_year") required/> }.into_any())}
                                    {field(lang, "f-data_year".into(), tr(lang, "eval.data_year"), Some(tr(lang, "eval.data_year_hint")), e("data_year"), false,
                                        view! { <input id="f-data_year" name="data_year" type="text" inputmode="numeric" class="short" value=v("data_year") required/> }.into_any())}
                                    {field(lang, "f-instrument".into(), tr(lang, "eval.instrument"), None, e("instrument"), false,
                                        view! { <select id="f-instrument" name="instrument">{instruments.iter().rev().map(|(_, code, name)| view! { <option value=code.clone()>{name.clone()}</option> }).collect_view()}</select> }.into_any())}
                                    {field(lang, "f-self_deadline".into(), tr(lang, "eval.self_deadline"), None, e("self_deadline"), false,
                                        view! { <input id="f-self_deadline" name="self_deadline" type="date" value=v("self_deadline") required/> }.into_any())}
                                    {field(lang, "f-verify_deadline".into(), tr(lang, "eval.verify_deadline"), None, e("verify_deadline"), false,
                                        view! { <input id="f-verify_deadline" name="verify_deadline" type="date" value=v("verify_deadline") required/> }.into_any())}
                                    <button type="submit">{tr(lang, "eval.create_cycle")}</button>
                                </form>
                            }
                        });
                        view! {
                            <Layout title=title.clone() crumbs=manage_crumbs(lang, Some(title.clone())) demo=false>
                                <ErrorSummary sub=sub.clone()/>
                                <super::Notice/>
                                {cycle.is_none().then(|| view! { <p class="lead">{tr(lang, "eval.no_cycle")}</p> })}
                                {cycle_picker}
                                {province_picker}
                                {cycle_facts}
                                {table}
                                {cycle.as_ref().map(|_| view! { <h2>{tr(lang, "eval.open_follow_ups")}</h2> })}
                                {follow_view}
                                {new_cycle}
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

// ---------------------------------------------------------------------------------------------------------
// Loading a sheet for a page

struct Loaded {
    sheet: Sheet,
    side: Side,
    label: String,
}

async fn load_sheet(state: &AppState, role: Role) -> Result<Loaded, AppError> {
    let params = use_params_map().get_untracked();
    let year: i64 = params.get("tahun").and_then(|t| t.parse().ok()).ok_or(AppError::NotFound)?;
    let regency = params
        .get("kode")
        .and_then(|k| RegionCode::parse(&k).ok())
        .filter(|c| c.level() == RegionLevel::Regency && state.regions.contains(*c))
        .ok_or(AppError::NotFound)?;
    let side = sheet::side(role, regency).ok_or(AppError::Forbidden)?;
    let mut conn = state.pool.acquire().await?;
    let cycle: Cycle = sheet::cycle(&mut conn, year).await?.ok_or(AppError::NotFound)?;
    let sheet = sheet::load(&mut conn, &cycle, regency).await?;
    Ok(Loaded { sheet, side, label: region_label(state, regency) })
}

fn projection_view(lang: Lang, state: &AppState, sheet: &Sheet) -> AnyView {
    let p = sheet.projection(&state.bands);
    let band = |b: Option<kla::domain::Predicate>| b.map(|b| b.label().to_string()).unwrap_or_else(|| tr(lang, "eval.no_band"));
    let next = match p.next {
        Some((b, d)) => trf(lang, "eval.to_next", &[("points", pts(d, lang)), ("band", b.label().to_string())]),
        None => tr(lang, "eval.top_band"),
    };
    let stats = vec![
        Stat { label: tr(lang, "eval.self_total"), value: pts(p.total, lang), note: Some(band(p.band)) },
        Stat {
            label: tr(lang, "eval.next_band"),
            value: p.next.map(|(_, d)| pts(d, lang)).unwrap_or_else(|| "–".into()),
            note: Some(next),
        },
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
            {(p.unscored > 0).then(|| view! { <p class="scope-note">{trf(lang, "eval.unscored", &[("n", p.unscored.to_string())])}</p> })}
            <p class="scope-note">{tr(lang, "eval.risk_rule")}</p>
            {weights_note(lang, sheet)}
        </section>
    }
    .into_any()
}

// ---------------------------------------------------------------------------------------------------------
// /kelola/evaluasi/{tahun}/{kode}

#[component]
pub fn EvaluationSheetPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=super::must_sign_in()/> }.into_any() };
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
                                    {(missing > 0).then(|| view! { <p class="scope-note">{trf(lang, "eval.submit_missing", &[("n", missing.to_string())])}</p> })}
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
                                    let (ind, code) = sheet.instrument.item(f.item_id).map(|(i, it)| (i.number, it.code.clone())).unwrap_or((0, String::new()));
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
                                <p class="scope-note">{trf(lang, "eval.cluster_facts", &[("present", c.present.to_string()), ("items", c.items.to_string()), ("verified", c.verified.to_string())])}</p>
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
                                <super::Notice/>
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
                                    <li><a href=format!("/kelola/paket/{year}/{}", sheet.regency)>{tr(lang, "eval.pack")}</a></li>
                                    <li><a href=format!("/kelola/riwayat?wilayah={}", sheet.regency)>{tr(lang, "manage.region_history")}</a></li>
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

// ---------------------------------------------------------------------------------------------------------
// /kelola/evaluasi/{tahun}/{kode}/{no}

#[component]
pub fn EvaluationIndicatorPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=super::must_sign_in()/> }.into_any() };
    let sub = submitted();
    let number: Option<i64> = use_params_map().get_untracked().get("no").and_then(|n| n.parse().ok());
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded = async {
                    let l = load_sheet(&state, s.user.role).await?;
                    let ind = number.and_then(|n| l.sheet.instrument.indicator(n).cloned()).ok_or(AppError::NotFound)?;
                    let mut offered = Vec::new();
                    let mut conn = state.pool.acquire().await?;
                    for it in &ind.items {
                        if let Some(o) = it.offers {
                            offered.push((it.id, sheet::offered(&mut conn, o, l.sheet.regency, l.sheet.cycle.data_year).await?));
                        }
                    }
                    let used = sheet::evidence_bytes(&mut conn, l.sheet.regency).await?;
                    Ok::<_, AppError>((l, ind, offered, used))
                };
                match loaded.await {
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    Ok((Loaded { sheet, side, label }, ind, offered, used)) => {
                        // The upload hint says how much of the regency's evidence quota is used.
                        let h = kla::evaluation::files::human_bytes;
                        let quota_note = trf(lang, "limits_rules.evidence_quota_usage", &[("used", h(used)), ("quota", h(state.evidence_quota_bytes))]);
                        let year = sheet.cycle.award_year;
                        let base = format!("{}/{}", sheet_path(year, sheet.regency), ind.number);
                        let status = sheet.status();
                        let regency_open = side == Side::Regency && status.open_to_regency();
                        let verifying = side == Side::Verifier && status == Status::Submitted;
                        let title = format!("{} {}. {}", tr(lang, "eval.indicator"), ind.number, ind.name(lang));
                        let crumbs = eval_crumbs(lang, Some((year, sheet.regency, format!("{} {year} · {label}", tr(lang, "eval.title_short")))), format!("{} {}", tr(lang, "eval.indicator"), ind.number));
                        let today = chrono::Utc::now().date_naive();
                        let default_due = (today + chrono::Days::new(14)).format("%Y-%m-%d").to_string();
                        let ledger: Vec<_> = sheet.ledger.iter().filter(|e| e.indicator_id == ind.id).rev().cloned().collect();
                        let score_form = if regency_open || (side == Side::Verifier && matches!(status, Status::Submitted | Status::Verified)) {
                            let stages: Vec<Stage> = if side == Side::Regency { vec![Stage::SelfAssessment] } else { vec![Stage::Administrative, Stage::Field, Stage::Final] };
                            let current = match side {
                                Side::Regency => sheet.latest(ind.id, Stage::SelfAssessment).map(|e| pts(e.score, lang)),
                                Side::Verifier => None,
                            };
                            let value = value_here(&sub, "score", "score").or(current).unwrap_or_default();
                            let chosen_stage = value_here(&sub, "score", "stage").unwrap_or_default();
                            let stage_control = if stages.len() == 1 {
                                view! { <input type="hidden" name="stage" value=stages[0].key()/> }.into_any()
                            } else {
                                field(lang, "f-stage".into(), tr(lang, "eval.stage"), None, error_here(&sub, "score", "stage"), false, view! {
                                    <select id="f-stage" name="stage">
                                        {stages.iter().map(|st| view! { <option value=st.key() selected=chosen_stage == st.key()>{tr(lang, &format!("stage.{}", st.key()))}</option> }).collect_view()}
                                    </select>
                                }.into_any())
                            };
                            let label = if side == Side::Regency { tr(lang, "eval.self_score") } else { tr(lang, "eval.verified_score") };
                            view! {
                                <form method="post" action=format!("{base}/skor") class="entry">
                                    <CsrfField/>
                                    <input type="hidden" name="scope" value="score"/>
                                    {stage_control}
                                    {field(lang, "f-score".into(), label, Some(trf(lang, "eval.score_hint", &[("max", pts(ind.max_points, lang))])), error_here(&sub, "score", "score"), false,
                                        view! { <input id="f-score" name="score" type="text" inputmode="decimal" class="short" value=value required/> }.into_any())}
                                    <button type="submit">{tr(lang, "eval.save_score")}</button>
                                </form>
                            }.into_any()
                        } else {
                            ().into_any()
                        };
                        let items = ind.items.iter().map(|it| {
                            let scope = it.id.to_string();
                            // The refused form's fields take the plain ids the error summary links to.
                            let refused_here = sub.as_ref().and_then(|s| s.value("scope")).as_deref() == Some(scope.as_str());
                            let id_for = |f: &str| if refused_here { format!("f-{f}") } else { format!("f-{f}-{}", it.id) };
                            let st = sheet.item_status(it.id);
                            let ev = sheet.evidence.get(&it.id).cloned();
                            let files: Vec<_> = sheet.files_of(it.id).cloned().collect();
                            let linked: Vec<i64> = sheet.links_of(it.id).map(|l| l.record_id).collect();
                            let offers = offered.iter().find(|(id, _)| *id == it.id).map(|(_, o)| o.clone());
                            let follow: Vec<_> = sheet.follow_ups.iter().filter(|f| f.item_id == it.id && f.open).cloned().collect();
                            let file_list = (!files.is_empty()).then(|| view! {
                                <ul class="files">
                                    {files.into_iter().map(|f| view! {
                                        <li>
                                            <a href=format!("/kelola/bukti/{}", f.id)>{f.file_name.clone()}</a>
                                            " (" {kla::format::decimal(f.size_bytes as f64 / 1024.0, 0, lang)} " KB)"
                                            {f.public.then(|| view! { " · " <span class="badge">{tr(lang, "eval.public_doc")}</span> })}
                                            <form method="post" action=format!("/kelola/bukti/{}/publik", f.id) class="inline">
                                                <CsrfField/>
                                                <input type="hidden" name="public" value=if f.public { "0" } else { "1" }/>
                                                <button type="submit" class="secondary">{tr(lang, if f.public { "eval.make_private" } else { "eval.make_public" })}</button>
                                            </form>
                                            {(regency_open && st != ItemStatus::Verified).then(|| view! {
                                                <form method="post" action=format!("/kelola/bukti/{}/hapus", f.id) class="inline">
                                                    <CsrfField/>
                                                    <button type="submit" class="secondary">{tr(lang, "eval.remove_file")}" "{f.file_name.clone()}</button>
                                                </form>
                                            })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            });
                            let link_view = offers.map(|offers| {
                                if offers.is_empty() {
                                    return view! { <p class="scope-note">{tr(lang, "eval.nothing_offered")}</p> }.into_any();
                                }
                                let can = regency_open && st != ItemStatus::Verified;
                                view! {
                                    <form method="post" action=format!("{base}/tautan") class="entry">
                                        <CsrfField/>
                                        <input type="hidden" name="scope" value=scope.clone()/>
                                        <input type="hidden" name="item" value=scope.clone()/>
                                        <fieldset id=id_for("records")>
                                            <legend>{tr(lang, "eval.offered")}</legend>
                                            {error_here(&sub, &scope, "records").map(|m| view! { <p class="field-error">{m}</p> })}
                                            {offers.into_iter().map(|(_, id, text)| {
                                                let cid = format!("r-{}-{id}", it.id);
                                                view! {
                                                    <div class="check">
                                                        <input type="checkbox" id=cid.clone() name="record" value=id.to_string() checked=linked.contains(&id) disabled=!can/>
                                                        <label for=cid>{text}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </fieldset>
                                        {can.then(|| view! { <button type="submit">{tr(lang, "eval.save_links")}</button> })}
                                    </form>
                                }.into_any()
                            });
                            let upload = (regency_open && st != ItemStatus::Verified).then(|| {
                                let fid = id_for("file");
                                let yid = id_for("doc_year");
                                let year_value = value_here(&sub, &scope, "doc_year").or(ev.as_ref().and_then(|e| e.doc_year).map(|y| y.to_string())).unwrap_or_default();
                                view! {
                                    <form method="post" action=format!("{base}/unggah") enctype="multipart/form-data" class="entry">
                                        <CsrfField/>
                                        <input type="hidden" name="scope" value=scope.clone()/>
                                        <input type="hidden" name="item" value=scope.clone()/>
                                        {field(lang, fid.clone(), trf(lang, "eval.upload_for", &[("item", it.code.clone())]), Some(format!("{} {}", trf(lang, "eval.upload_hint", &[("mb", (kla::evaluation::files::MAX_FILE_BYTES / 1024 / 1024).to_string())]), quota_note)), error_here(&sub, &scope, "file"), false,
                                            view! { <input id=fid name="file" type="file" accept=".pdf,.png,.jpg,.jpeg,.webp,.xlsx,.xls,.ods,.csv,.docx"/> }.into_any())}
                                        {field(lang, yid.clone(), tr(lang, "eval.doc_year"), Some(tr(lang, "eval.doc_year_hint")), error_here(&sub, &scope, "doc_year"), true,
                                            view! { <input id=yid name="doc_year" type="text" inputmode="numeric" class="short" value=year_value/> }.into_any())}
                                        <button type="submit">{tr(lang, "eval.upload")}</button>
                                    </form>
                                }
                            });
                            let review = verifying.then(|| {
                                let did = id_for("decision");
                                let cid = id_for("comment");
                                let uid = id_for("due_date");
                                let comment = value_here(&sub, &scope, "comment").unwrap_or_default();
                                let due = value_here(&sub, &scope, "due_date").unwrap_or_else(|| default_due.clone());
                                // Nothing to verify on a missing item: the form starts at "reject".
                                let reject_first = match value_here(&sub, &scope, "decision") {
                                    Some(d) => d == "reject",
                                    None => st == ItemStatus::Missing,
                                };
                                view! {
                                    <form method="post" action=format!("{base}/periksa") class="entry review">
                                        <CsrfField/>
                                        <input type="hidden" name="scope" value=scope.clone()/>
                                        <input type="hidden" name="item" value=scope.clone()/>
                                        {field(lang, did.clone(), trf(lang, "eval.decision_for", &[("item", it.code.clone())]), None, error_here(&sub, &scope, "decision"), false, view! {
                                            <select id=did name="decision">
                                                <option value="verify">{tr(lang, "eval.verify")}</option>
                                                <option value="reject" selected=reject_first>{tr(lang, "eval.reject")}</option>
                                            </select>
                                        }.into_any())}
                                        {field(lang, cid.clone(), tr(lang, "eval.comment"), Some(tr(lang, "eval.comment_hint")), error_here(&sub, &scope, "comment"), true,
                                            view! { <textarea id=cid name="comment" rows="2">{comment}</textarea> }.into_any())}
                                        {field(lang, uid.clone(), tr(lang, "eval.due"), Some(tr(lang, "eval.due_hint")), error_here(&sub, &scope, "due_date"), true,
                                            view! { <input id=uid name="due_date" type="date" value=due/> }.into_any())}
                                        <button type="submit">{tr(lang, "eval.save_decision")}</button>
                                    </form>
                                }
                            });
                            view! {
                                <section class="evidence-item" id=format!("butir-{}", it.id) aria-labelledby=format!("h-butir-{}", it.id)>
                                    <h3 id=format!("h-butir-{}", it.id)>{it.code.clone()}" "{it.name(lang).to_string()}</h3>
                                    <p>
                                        {status_badge(lang, st)}
                                        {ev.as_ref().and_then(|e| e.doc_year).map(|y| format!(" · {} {y}", tr(lang, "eval.doc_year")))}
                                    </p>
                                    {ev.as_ref().filter(|e| !e.comment.is_empty()).map(|e| view! { <p class="verifier-comment">{format!("{}: {}", tr(lang, "eval.comment"), e.comment)}</p> })}
                                    {follow.into_iter().map(|f| view! { <p class="follow-up">{format!("{}: {} · {} {}", tr(lang, "eval.follow_up"), f.note, tr(lang, "eval.due"), kla::format::date(&f.due_date, lang))}</p> }).collect_view()}
                                    {file_list}
                                    {link_view}
                                    {upload}
                                    {review}
                                </section>
                            }
                        }).collect_view();
                        let ledger_view = if ledger.is_empty() {
                            view! { <p class="scope-note">{tr(lang, "eval.no_scores")}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "eval.ledger")>
                                    <table class="evaluation">
                                        <thead><tr>
                                            <th scope="col">{tr(lang, "history.when")}</th>
                                            <th scope="col">{tr(lang, "eval.stage")}</th>
                                            <th scope="col" class="num">{tr(lang, "eval.score")}</th>
                                            <th scope="col">{tr(lang, "history.who")}</th>
                                        </tr></thead>
                                        <tbody>
                                            {ledger.into_iter().map(|e| view! {
                                                <tr>
                                                    <th scope="row"><time datetime=e.at_text.clone()>{e.at_text.replace('T', " ").replace('Z', " UTC")}</time></th>
                                                    <td>{tr(lang, &format!("stage.{}", e.stage.key()))}</td>
                                                    <td class="num">{pts(e.score, lang)}</td>
                                                    <td>{e.actor.clone()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        };
                        view! {
                            <Layout title=title crumbs=crumbs demo=false>
                                <ErrorSummary sub=sub.clone()/>
                                <super::Notice/>
                                <p class="lead">
                                    {tr(lang, &format!("eval.cluster_{}", ind.cluster.key()))}" · "
                                    {trf(lang, "eval.max_points_of", &[("max", pts(ind.max_points, lang))])}
                                    {sheet.instrument.weights_assumed.then(|| view! { " (" {tr(lang, "eval.assumed")} ")" })}
                                    " · "{tr(lang, "eval.status")}": "{tr(lang, &format!("eval.status_{}", status.key()))}
                                </p>
                                <h2>{tr(lang, "eval.evidence")}</h2>
                                {items}
                                <h2>{tr(lang, "eval.scores")}</h2>
                                {score_form}
                                {ledger_view}
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
