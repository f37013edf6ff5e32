//! The audit trail as people read it: `/kelola/{jenis}/{id}/riwayat` (one record, deleted ones included)
//! and `/kelola/riwayat?wilayah=` (the latest changes in a region). Only for officers of that region.

use super::{manage_crumbs, query_param, region_label, session};
use crate::components::{ErrorPage, Layout};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::audit::{self, Entry};
use kla::domain::RegionCode;
use kla::i18n::{Lang, tr};
use kla::records::{self, Entity};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Entries listed on the region page.
pub const REGION_LIMIT: i64 = 200;

/// A recorded value as people read it: a record's predicates, kinds, modes and numbers as the public pages
/// write them ([`Entity::display`]), statuses and stages in words, anything else as recorded.
fn value_text(lang: Lang, entity: Option<Entity>, field: &str, value: String) -> String {
    if let Some(e) = entity {
        return e.display(lang, field, &value);
    }
    let key = match field {
        "status" if ["missing", "uploaded", "verified", "rejected"].contains(&value.as_str()) => format!("eval.item_{value}"),
        "status" if ["preparing", "submitted", "returned"].contains(&value.as_str()) => format!("eval.status_{value}"),
        "stage" if !value.is_empty() => format!("stage.{value}"),
        _ => return value,
    };
    tr(lang, &key)
}

fn entries_view(lang: Lang, entries: Vec<Entry>, link_records: bool) -> AnyView {
    if entries.is_empty() {
        return view! { <p class="scope-note">{tr(lang, "history.none")}</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let entity = Entity::from_audit_name(&e.entity);
            let columns = entity.map_or(&[][..], kla::records::Entity::columns);
            let changes = e.changes(columns);
            let what = match (entity, link_records) {
                (Some(x), true) => view! {
                    <a href=paths::record_history(x.slug(), e.record_id)>{format!("{} #{}", x.label(lang), e.record_id)}</a>
                }
                .into_any(),
                (Some(x), false) => format!("{} #{}", x.label(lang), e.record_id).into_any(),
                (None, _) => format!("{} #{}", tr(lang, &format!("history.entity_{}", e.entity)), e.record_id).into_any(),
            };
            view! {
                <tr>
                    <th scope="row"><time datetime=e.at_text.clone()>{kla::format::wib(&e.at_text, lang)}</time></th>
                    <td>{e.actor.clone()}</td>
                    <td>{tr(lang, &format!("history.action_{}", e.action))}" · "{tr(lang, &format!("history.via_{}", e.via))}</td>
                    <td>{what}</td>
                    <td>
                        <ul class="changes">
                            {changes
                                .into_iter()
                                .map(|(field, old, new)| {
                                    let label = tr(lang, &format!("col.{field}"));
                                    let (old, new) = (value_text(lang, entity, &field, old), value_text(lang, entity, &field, new));
                                    view! {
                                        <li>
                                            <span class="field-name">{label}</span>": "
                                            {(!old.is_empty()).then(|| view! { <del>{old.clone()}</del> })}
                                            {(!old.is_empty() && !new.is_empty()).then_some(" → ")}
                                            {(!new.is_empty()).then(|| view! { <ins>{new.clone()}</ins> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "history.title")>
            <table class="history">
                <thead><tr>
                    <th scope="col">{tr(lang, "history.when")}</th>
                    <th scope="col">{tr(lang, "history.who")}</th>
                    <th scope="col">{tr(lang, "history.what")}</th>
                    <th scope="col">{tr(lang, "history.record")}</th>
                    <th scope="col">{tr(lang, "history.changes")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn RecordHistoryPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    let params = use_params_map().get_untracked();
    let entity = params.get("entity").and_then(|e| Entity::from_slug(&e));
    let id: Option<i64> = params.get("id").and_then(|i| i.parse().ok());
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded = async {
                    let (entity, id) = entity.zip(id).ok_or(AppError::NotFound)?;
                    let entries = audit::for_record(&state.pool, entity.audit_name(), id).await?;
                    // The record's region is the one of its latest entry (a deleted record keeps its trail); a
                    // record without entries (demo rows are written without) is asked for its own.
                    let region = match entries.first().and_then(|e| e.region_code.as_deref()).and_then(|r| RegionCode::parse(r).ok()) {
                        Some(region) => region,
                        None => {
                            let mut conn = kla::db::acquire(&state.pool).await?;
                            records::load(&mut conn, entity, id).await?.ok_or(AppError::NotFound)?.region
                        }
                    };
                    if !s.user.role.covers(region) {
                        return Err(AppError::Forbidden);
                    }
                    Ok((entity, id, entries))
                };
                match loaded.await {
                    Ok((entity, id, entries)) => {
                        let title = format!("{} · {} #{id}", tr(lang, "history.title"), entity.label(lang));
                        view! {
                            <Layout title=title.clone() crumbs=manage_crumbs(lang, Some(title)) demo=false>
                                {entries_view(lang, entries, false)}
                            </Layout>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn RegionHistoryPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    let region = match query_param("wilayah").filter(|w| !w.is_empty()).map(|w| RegionCode::parse(&w)) {
        Some(Ok(c)) if state.regions.contains(c) => Some(c),
        Some(_) => None,
        None => s.user.role.region(),
    };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded = async {
                    let region = region.ok_or(AppError::NotFound)?;
                    if !s.user.role.covers(region) {
                        return Err(AppError::Forbidden);
                    }
                    Ok((region, audit::for_region(&state.pool, region, REGION_LIMIT).await?))
                };
                match loaded.await {
                    Ok((region, entries)) => {
                        let title = format!("{} · {}", tr(lang, "history.title"), region_label(&state, region));
                        view! {
                            <Layout title=title.clone() crumbs=manage_crumbs(lang, Some(title)) demo=false>
                                <p class="scope-note">{kla::i18n::trf(lang, "history.region_note", &[("n", REGION_LIMIT.to_string())])}</p>
                                {entries_view(lang, entries, true)}
                            </Layout>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
