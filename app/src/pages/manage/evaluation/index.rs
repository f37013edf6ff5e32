//! `/kelola/evaluasi`: the cycles (picked by award year, created by an administrator) and the dashboard of
//! regencies (a province's, a regency's own, or for an administrator the ones that have started) with their
//! status, evidence, totals and open follow-ups, all read at once.

use super::parts::{error_here, field, opt_pts, pts, sheet_path, value_here};
use crate::components::{ErrorPage, Layout};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::pages::manage::{CsrfField, ErrorSummary, Notice, manage_crumbs, must_sign_in, query_param, region_label, session, submitted};
use crate::paths;
use crate::state::AppState;
use kla::auth::Role;
use kla::domain::{PredicateBands, RegionCode};
use kla::evaluation::instrument;
use kla::evaluation::sheet::{self, Sheet, Status};
use kla::i18n::{tr, trf};
use leptos::prelude::*;

/// A regency's line on the dashboard; its open follow-ups are (link to the indicator, item code, due date).
struct Row {
    regency: RegionCode,
    status: Option<Status>,
    present: usize,
    items: usize,
    self_total: f64,
    verified_total: Option<f64>,
    follow_ups: Vec<(String, String, String)>,
}

impl Row {
    fn of(sh: &Sheet, bands: &PredicateBands) -> Row {
        let path = sheet_path(sh.cycle.award_year, sh.regency);
        let follow_ups = sh
            .open_follow_ups()
            .map(|f| {
                let item = sh.instrument.item(f.item_id).map_or((0, String::new()), |(i, it)| (i.number, it.code.clone()));
                (format!("{path}/{}", item.0), item.1, f.due_date.clone())
            })
            .collect();
        Row {
            regency: sh.regency,
            status: sh.submission.as_ref().map(|s| s.status),
            present: sh.clusters().iter().map(|c| c.present).sum(),
            items: sh.instrument.item_count(),
            self_total: sh.projection(bands).total,
            verified_total: sh.verified_total(),
            follow_ups,
        }
    }
}

#[component]
pub fn EvaluationIndexPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=must_sign_in()/> }.into_any() };
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
                    let mut rows: Vec<Row> = Vec::new();
                    if let Some(c) = &cycle {
                        let mut conn = kla::db::acquire(&state.pool).await?;
                        // Administrators without a province see the regencies that have started.
                        let regencies = if regencies.is_empty() && role == Role::Admin {
                            sheet::submissions(&state.pool, c.id, None).await?.into_iter().map(|s| s.regency).collect()
                        } else {
                            regencies
                        };
                        // Every regency's sheet in one read, not one read per regency.
                        rows = sheet::load_many(&mut conn, c, &regencies).await?.iter().map(|sh| Row::of(sh, &state.bands)).collect();
                    }
                    Ok::<_, AppError>((cycles, instruments, cycle, province, rows))
                };
                match loaded.await {
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                    Ok((cycles, instruments, cycle, province, rows)) => {
                        let title = tr(lang, "eval.title");
                        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
                        let cycle_picker = (cycles.len() > 1).then(|| {
                            let current = cycle.as_ref().map_or(0, |c| c.award_year);
                            view! {
                                <form class="filter" method="get" action=paths::EVALUATION>
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
                                <form class="filter" method="get" action=paths::EVALUATION>
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
                                                    <td>{r.status.map_or_else(|| tr(lang, "eval.status_none"), |s| tr(lang, &format!("eval.status_{}", s.key())))}</td>
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
                                <form method="post" action=paths::CYCLE_NEW class="entry">
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
                                <Notice/>
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
