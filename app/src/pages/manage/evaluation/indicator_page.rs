//! `/kelola/evaluasi/{tahun}/{kode}/{no}`: one indicator: per item its evidence (uploads, linked records), the
//! verifier's decision and follow-ups; the score form and the indicator's ledger.

use super::load::{Loaded, load_sheet};
use super::parts::{error_here, eval_crumbs, field, pts, sheet_path, status_badge, value_here};
use crate::components::{ErrorPage, Layout};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::pages::manage::{CsrfField, ErrorSummary, Notice, must_sign_in, session, submitted};
use crate::paths;
use crate::state::AppState;
use kla::domain::Stage;
use kla::evaluation::sheet::{self, ItemStatus, Side, Status};
use kla::i18n::{tr, trf};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EvaluationIndicatorPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else { return view! { <ErrorPage error=must_sign_in()/> }.into_any() };
    let sub = submitted();
    let number: Option<i64> = use_params_map().get_untracked().get("no").and_then(|n| n.parse().ok());
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded = async {
                    let l = load_sheet(&state, s.user.role).await?;
                    let ind = number.and_then(|n| l.sheet.instrument.indicator(n).cloned()).ok_or(AppError::NotFound)?;
                    let mut offered = Vec::new();
                    let mut conn = kla::db::acquire(&state.pool).await?;
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
                                            <a href=paths::file(f.id)>{f.file_name.clone()}</a>
                                            " (" {kla::format::decimal(f.size_bytes as f64 / 1024.0, 0, lang)} " KB)"
                                            {f.public.then(|| view! { " · " <span class="badge">{tr(lang, "eval.public_doc")}</span> })}
                                            <form method="post" action=paths::file_public(f.id) class="inline">
                                                <CsrfField/>
                                                <input type="hidden" name="public" value=if f.public { "0" } else { "1" }/>
                                                <button type="submit" class="secondary">{tr(lang, if f.public { "eval.make_private" } else { "eval.make_public" })}</button>
                                            </form>
                                            {(regency_open && st != ItemStatus::Verified).then(|| view! {
                                                <form method="post" action=paths::file_delete(f.id) class="inline">
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
                                                    <th scope="row"><time datetime=e.at_text.clone()>{kla::format::wib(&e.at_text, lang)}</time></th>
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
                                <Notice/>
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
