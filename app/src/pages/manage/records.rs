//! `/kelola`: the records of a region the officer may write for, with links to add, edit, delete, import,
//! export and see the history; `/kelola/{jenis}/baru`, `/kelola/{jenis}/{id}/ubah` and `…/hapus`: the forms.

use super::{CsrfField, ErrorSummary, Notice, manage_crumbs, query_param, region_label, regions_in_scope, session, submitted};
use crate::components::{ErrorPage, Layout};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::auth::{Role, Session};
use kla::domain::{Assessment, Predicate, RegionCode, RegionLevel, TrainingMode};
use kla::i18n::{Lang, tr, trf};
use kla::records::{self, Entity, Filter, Stored};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// Records listed per section of `/kelola`; the export has them all.
pub const LIST_LIMIT: i64 = 100;

/// How a column is entered.
#[derive(Debug, Clone, Copy)]
enum Input {
    /// A region the officer may write for, of any level or only regencies.
    Region(Option<RegionLevel>),
    Choice(fn() -> Vec<&'static str>, &'static str),
    Date,
    Number,
    Text,
    /// Free text over a few lines.
    Long,
    /// `63.10:25; paud:15`: regions or provider kinds, each with a count or without one.
    Breakdown,
    Url,
}

fn input_of(column: &str) -> Input {
    match column {
        "organiser_code" => Input::Region(None),
        "regency_code" => Input::Region(Some(RegionLevel::Regency)),
        "kind" => Input::Text, // replaced per entity: [`Entity::choices`]
        "mode" => Input::Choice(|| TrainingMode::ALL.iter().map(|m| m.as_str()).collect(), "mode"),
        "assessment" => Input::Choice(|| Assessment::ALL.iter().map(|a| a.as_str()).collect(), "assessment"),
        "predicate" => Input::Choice(|| Predicate::ALL.iter().map(|p| p.as_str()).collect(), "predicate"),
        "start_date" | "end_date" => Input::Date,
        "participants_offline"
        | "participants_online"
        | "institutions"
        | "pre_test_mean"
        | "post_test_mean"
        | "total_staff"
        | "certified_staff"
        | "latest_certificate_year"
        | "award_year"
        | "data_year"
        | "score_self_assessment"
        | "score_administrative"
        | "score_field"
        | "score_final" => Input::Number,
        "participants_by_regency" | "participants_by_kind" => Input::Breakdown,
        "notes" => Input::Long,
        "source_url" => Input::Url,
        _ => Input::Text,
    }
}

/// How a column of `entity` is entered: from the kind's own list (`kind`), else as [`input_of`] says.
fn entity_input(entity: Entity, column: &str) -> Input {
    match entity.choices(column) {
        Some((all, prefix)) => Input::Choice(all, prefix),
        None => input_of(column),
    }
}

/// The hint under a field: predicate records have their own (an award list's line, not an event's report
/// or a service unit's), the other kinds share theirs.
fn hint_key(entity: Entity, column: &str) -> String {
    match entity {
        Entity::PredicateRecord => format!("hint_predikat.{column}"),
        _ => format!("hint.{column}"),
    }
}

/// A stored value as people read it, column by column as the form enters it (the import's preview): a
/// region with its name, a choice in words, a date and a number as the language writes them (years as they
/// are), breakdowns with names; empty as a dash.
pub fn value_text(state: &AppState, lang: Lang, entity: Entity, column: &str, value: &str) -> String {
    let region = |v: &str| RegionCode::parse(v).ok().filter(|c| state.regions.contains(*c)).map(|c| region_label(state, c));
    if value.is_empty() {
        return "–".into();
    }
    match entity_input(entity, column) {
        Input::Region(_) => region(value).unwrap_or_else(|| value.to_string()),
        Input::Choice(_, prefix) => words(lang, prefix, value),
        Input::Date => kla::format::date(value, lang),
        Input::Number if column.ends_with("_year") => value.to_string(),
        Input::Number => number_text(value, lang),
        // `63.10:25; paud:15`: each part's region or provider kind in words, its count as a number.
        Input::Breakdown => value
            .split(';')
            .map(|part| {
                let (key, n) = part.trim().split_once(':').map_or((part.trim(), None), |(k, n)| (k.trim(), Some(n.trim())));
                let name = region(key).unwrap_or_else(|| words(lang, "provider", key));
                n.map_or_else(|| name.clone(), |n| format!("{name}: {}", number_text(n, lang)))
            })
            .collect::<Vec<_>>()
            .join("; "),
        Input::Long | Input::Text | Input::Url => value.to_string(),
    }
}

/// A listed value in words (`provider.paud` → PAUD), or as it is when the list does not know it.
fn words(lang: Lang, prefix: &str, value: &str) -> String {
    let key = format!("{prefix}.{value}");
    let text = tr(lang, &key);
    if text.ends_with(&key) { value.to_string() } else { text }
}

/// A number as the language writes it: whole ones grouped, others with two decimals; anything else as it is.
fn number_text(value: &str, lang: Lang) -> String {
    match (value.parse::<i64>(), value.parse::<f64>()) {
        (Ok(n), _) => kla::format::int(n, lang),
        (_, Ok(x)) if x.is_finite() => kla::format::decimal(x, 2, lang),
        _ => value.to_string(),
    }
}

/// One form field with its label, hint, and error in place.
fn field_view(
    state: &AppState,
    role: Role,
    lang: Lang,
    entity: Entity,
    column: &'static str,
    value: String,
    error: Option<String>,
) -> AnyView {
    let id = format!("f-{column}");
    let hint_id = format!("h-{column}");
    let err_id = format!("e-{column}");
    let described = if error.is_some() { format!("{hint_id} {err_id}") } else { hint_id.clone() };
    let invalid = error.is_some().then_some("true");
    let req = entity.required(column);
    let label = tr(lang, &format!("col.{column}"));
    let hint = tr(lang, &hint_key(entity, column));
    let control = match entity_input(entity, column) {
        Input::Region(level) => {
            let mut options = regions_in_scope(state, role, level);
            if let Ok(code) = RegionCode::parse(&value)
                && !options.iter().any(|r| r.code == code)
                && let Some(r) = state.regions.get(code)
            {
                // A stored value outside the list still shows, so nothing changes silently.
                options.insert(0, r);
            }
            let only = options.len() == 1;
            view! {
                <select id=id.clone() name=column aria-describedby=described.clone() aria-invalid=invalid required=req>
                    {(!only).then(|| view! { <option value="">{tr(lang, "manage.choose")}</option> })}
                    {options
                        .into_iter()
                        .map(|r| {
                            let code = r.code.to_string();
                            let selected = code == value || only;
                            view! { <option value=code.clone() selected=selected>{format!("{code} {}", r.name)}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        Input::Choice(all, prefix) => view! {
            <select id=id.clone() name=column aria-describedby=described.clone() aria-invalid=invalid required=req>
                <option value="">{if req { tr(lang, "manage.choose") } else { tr(lang, "figure.not_reported") }}</option>
                {all()
                    .into_iter()
                    .map(|v| {
                        let selected = v.eq_ignore_ascii_case(value.trim());
                        let text = if prefix == "predicate" { Predicate::parse(v).map(|p| p.label().to_string()).unwrap_or_default() } else { tr(lang, &format!("{prefix}.{v}")) };
                        view! { <option value=v selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Input::Date => view! { <input id=id.clone() name=column type="date" value=value aria-describedby=described.clone() aria-invalid=invalid required=req/> }.into_any(),
        Input::Number => view! {
            <input id=id.clone() name=column type="text" inputmode="decimal" value=value aria-describedby=described.clone() aria-invalid=invalid required=req class="short"/>
        }
        .into_any(),
        Input::Long | Input::Breakdown => view! { <textarea id=id.clone() name=column rows="2" aria-describedby=described.clone() aria-invalid=invalid>{value}</textarea> }.into_any(),
        Input::Url => view! { <input id=id.clone() name=column type="url" value=value aria-describedby=described.clone() aria-invalid=invalid/> }.into_any(),
        Input::Text => view! { <input id=id.clone() name=column type="text" value=value aria-describedby=described.clone() aria-invalid=invalid required=req/> }.into_any(),
    };
    view! {
        <div class={if invalid.is_some() { "field invalid" } else { "field" }}>
            <label for=id>{label}{(!req).then(|| view! { " " <span class="optional">{tr(lang, "manage.optional")}</span> })}</label>
            <p class="hint" id=hint_id>{hint}</p>
            {error.map(|m| view! { <p class="field-error" id=err_id>{m}</p> })}
            {control}
        </div>
    }
    .into_any()
}

/// The region `/kelola` shows: `?wilayah=` when the user may write for it, else the user's own region.
fn chosen_region(state: &AppState, role: Role) -> Result<Option<RegionCode>, AppError> {
    match query_param("wilayah").filter(|w| !w.is_empty()) {
        Some(w) => {
            let code = RegionCode::parse(&w).ok().filter(|c| state.regions.contains(*c)).ok_or(AppError::NotFound)?;
            if role.covers(code) { Ok(Some(code)) } else { Err(AppError::Forbidden) }
        }
        None => Ok(role.region()),
    }
}

fn summary_headers(lang: Lang, entity: Entity) -> Vec<String> {
    entity.summary_columns().iter().map(|k| tr(lang, &format!("col.{k}"))).collect()
}

#[component]
pub fn ManagePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    let region = match chosen_region(&state, s.user.role) {
        Ok(r) => r,
        Err(e) => return view! { <ErrorPage error=e/> }.into_any(),
    };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match load_sections(&state, region).await {
                    Ok(sections) => manage_view(&state, lang, &s, region, sections),
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

type Section = (Entity, Vec<Stored>, i64);

async fn load_sections(state: &AppState, region: Option<RegionCode>) -> Result<Vec<Section>, AppError> {
    let Some(region) = region else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for entity in Entity::ALL {
        // A province shows the events it organised; units and predicates belong to regencies.
        if !entity.held_by(region.level()) {
            continue;
        }
        let (rows, total) = records::list(&state.pool, entity, Filter::Region(region), Some(LIST_LIMIT)).await?;
        out.push((entity, rows, total));
    }
    Ok(out)
}

fn manage_view(state: &AppState, lang: Lang, s: &Session, region: Option<RegionCode>, sections: Vec<Section>) -> AnyView {
    let role = s.user.role;
    let choices: Vec<(String, String)> =
        regions_in_scope(state, role, None).into_iter().map(|r| (r.code.to_string(), format!("{} {}", r.code, r.name))).collect();
    let picker = (choices.len() > 1).then(|| {
        let current = region.map(|r| r.to_string()).unwrap_or_default();
        view! {
            <form class="filter" method="get" action=paths::MANAGE>
                <div class="field">
                    <label for="wilayah">{tr(lang, "manage.region")}</label>
                    <select id="wilayah" name="wilayah">
                        <option value="">{tr(lang, "manage.choose")}</option>
                        {choices.into_iter().map(|(code, label)| {
                            let selected = code == current;
                            view! { <option value=code selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">{tr(lang, "manage.show")}</button>
            </form>
        }
    });
    let heading = region.map(|r| region_label(state, r));
    let scope_q = region.map(|r| format!("?wilayah={r}")).unwrap_or_default();
    let demo = sections.iter().any(|(_, rows, _)| rows.iter().any(|r| r.is_demo));
    let tools = view! {
        <ul class="tools">
            <li><a href=paths::EVALUATION>{tr(lang, "manage.evaluation")}</a></li>
            <li><a href=paths::IMPORT>{tr(lang, "manage.import")}</a></li>
            <li><a href=format!("{}{scope_q}", paths::REGION_HISTORY)>{tr(lang, "manage.region_history")}</a></li>
            <li><a href=paths::ACCOUNT>{tr(lang, "account.title")}</a></li>
            {matches!(role, Role::Admin).then(|| view! { <li><a href=paths::USERS>{tr(lang, "users.title")}</a></li> })}
        </ul>
    };
    let body = match region {
        None => view! { <p class="lead">{tr(lang, "manage.choose_region")}</p> }.into_any(),
        Some(r) => sections
            .into_iter()
            .map(|(entity, rows, total)| {
                let export = |fmt: &str| format!("{}?wilayah={r}", paths::export(entity.slug(), fmt));
                let heads = summary_headers(lang, entity);
                let shown = rows.len() as i64;
                let list = rows
                    .into_iter()
                    .map(|row| {
                        let mut cells = entity.summary(lang, &row).into_iter();
                        let first = cells.next().unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row">{first}{row.is_demo.then(|| view! { " " <span class="tag">{tr(lang, "demo.tag")}</span> })}</th>
                                {cells.map(|c| view! { <td>{c}</td> }).collect_view()}
                                <td class="actions">
                                    <a href=paths::record_edit(entity.slug(), row.id)>{tr(lang, "manage.edit")}</a>" · "
                                    <a href=paths::record_delete(entity.slug(), row.id)>{tr(lang, "manage.delete")}</a>" · "
                                    <a href=paths::record_history(entity.slug(), row.id)>{tr(lang, "manage.history")}</a>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <section id=entity.slug()>
                        <h2>{entity.label(lang)}" "<span class="count">{format!("({total})")}</span></h2>
                        <p class="actions-bar">
                            <a class="button" href=format!("{}?wilayah={r}", paths::record_new(entity.slug()))>{tr(lang, &format!("manage.add_{}", entity.slug()))}</a>
                            " "{tr(lang, "manage.export")}": "
                            <a href=export("csv")>"CSV"</a>" · "<a href=export("xlsx")>"XLSX"</a>
                        </p>
                        {(total == 0).then(|| view! { <p class="scope-note">{tr(lang, "manage.no_records")}</p> })}
                        {(total > shown).then(|| view! { <p class="scope-note">{trf(lang, "manage.showing", &[("n", shown.to_string()), ("total", total.to_string())])}</p> })}
                        {(total > 0).then(|| view! {
                            <div class="table-wrap" tabindex="0" role="region" aria-label=entity.label(lang)>
                                <table class="records">
                                    <thead><tr>
                                        {heads.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                                        <th scope="col">{tr(lang, "manage.actions")}</th>
                                    </tr></thead>
                                    <tbody>{list}</tbody>
                                </table>
                            </div>
                        })}
                    </section>
                }
            })
            .collect_view()
            .into_any(),
    };
    let username = s.user.username.clone();
    let title = match &heading {
        Some(h) => format!("{} — {h}", tr(lang, "manage.title")),
        None => tr(lang, "manage.title"),
    };
    view! {
        <Layout title=title crumbs=manage_crumbs(lang, None) demo=demo>
            <Notice/>
            <p class="signed-in">{tr(lang, "account.signed_in_as")}" "<strong>{username}</strong>" · "{tr(lang, &format!("role.{}", role.as_str()))}</p>
            {picker}
            {tools}
            {body}
        </Layout>
    }
    .into_any()
}

/// The record named by the path, loaded and checked against the user's scope.
async fn scoped_record(state: &AppState, role: Role) -> Result<(Entity, Stored), AppError> {
    let params = use_params_map().get_untracked();
    let entity = params.get("entity").and_then(|e| Entity::from_slug(&e)).ok_or(AppError::NotFound)?;
    let id: i64 = params.get("id").and_then(|i| i.parse().ok()).ok_or(AppError::NotFound)?;
    let mut conn = kla::db::acquire(&state.pool).await?;
    let stored = records::load(&mut conn, entity, id).await?.ok_or(AppError::NotFound)?;
    if !role.covers(stored.region) {
        return Err(AppError::Forbidden);
    }
    Ok((entity, stored))
}

/// `/kelola/{jenis}/baru` and `/kelola/{jenis}/{id}/ubah`.
#[component]
pub fn RecordFormPage(edit: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    let entity_slug = use_params_map().get_untracked().get("entity").unwrap_or_default();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let loaded: Result<(Entity, Option<Stored>), AppError> = if edit {
                    scoped_record(&state, s.user.role).await.map(|(e, r)| (e, Some(r)))
                } else {
                    Entity::from_slug(&entity_slug).map(|e| (e, None)).ok_or(AppError::NotFound)
                };
                match loaded {
                    Ok((entity, stored)) => form_view(&state, lang, &s, entity, stored),
                    Err(e) => view! { <ErrorPage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

fn form_view(state: &AppState, lang: Lang, s: &Session, entity: Entity, stored: Option<Stored>) -> AnyView {
    let sub = submitted();
    let preset_region = query_param("wilayah").filter(|w| RegionCode::parse(w).is_ok_and(|c| s.user.role.covers(c)));
    let value = |column: &str| -> String {
        if let Some(v) = sub.as_ref().and_then(|x| x.value(column)) {
            return v;
        }
        if let Some(r) = &stored {
            return r.get(column).to_string();
        }
        if column == entity.region_column() {
            return preset_region.clone().unwrap_or_default();
        }
        String::new()
    };
    let fields = entity
        .columns()
        .iter()
        .map(|c| field_view(state, s.user.role, lang, entity, c, value(c), sub.as_ref().and_then(|x| x.error_for(c))))
        .collect_view();
    let (title, action) = match &stored {
        Some(r) => (trf(lang, &format!("manage.edit_{}", entity.slug()), &[]), paths::record_edit(entity.slug(), r.id)),
        None => (tr(lang, &format!("manage.add_{}", entity.slug())), paths::record_new(entity.slug())),
    };
    let back = stored.as_ref().map(|r| r.region).or_else(|| preset_region.as_deref().and_then(|w| RegionCode::parse(w).ok()));
    let back_href = back.map_or_else(|| paths::MANAGE.into(), |r| format!("{}?wilayah={r}#{}", paths::MANAGE, entity.slug()));
    let demo = stored.as_ref().is_some_and(|r| r.is_demo);
    view! {
        <Layout title=title.clone() crumbs=manage_crumbs(lang, Some(title)) demo=demo>
            <ErrorSummary sub=sub.clone()/>
            <form class="entry" method="post" action=action novalidate>
                <CsrfField/>
                {fields}
                <p class="form-actions">
                    <button type="submit">{tr(lang, "manage.save")}</button>
                    " "<a href=back_href>{tr(lang, "manage.cancel")}</a>
                </p>
            </form>
        </Layout>
    }
    .into_any()
}

/// `/kelola/{jenis}/{id}/hapus`: what will be deleted, and the button that does it.
#[component]
pub fn DeletePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match scoped_record(&state, s.user.role).await {
                    Ok((entity, r)) => {
                        let title = tr(lang, &format!("manage.delete_{}", entity.slug()));
                        let rows: Vec<(String, String)> = entity
                            .columns()
                            .iter()
                            .map(|c| (tr(lang, &format!("col.{c}")), entity.display(lang, c, r.get(c))))
                            .filter(|(_, v)| !v.is_empty())
                            .collect();
                        let action = paths::record_delete(entity.slug(), r.id);
                        let back = format!("{}?wilayah={}#{}", paths::MANAGE, r.region, entity.slug());
                        view! {
                            <Layout title=title.clone() crumbs=manage_crumbs(lang, Some(title)) demo=r.is_demo>
                                <p class="lead">{tr(lang, "manage.delete_lead")}</p>
                                <dl class="record">
                                    {rows.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                                </dl>
                                <form method="post" action=action class="form-actions">
                                    <CsrfField/>
                                    <button type="submit" class="danger">{tr(lang, "manage.delete_confirm")}</button>
                                    " "<a href=back>{tr(lang, "manage.cancel")}</a>
                                </form>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_a_preview_are_written_per_language() {
        assert_eq!(number_text("1234", Lang::Id), "1.234");
        assert_eq!(number_text("588.4", Lang::Id), "588,40");
        assert_eq!(number_text("588.4", Lang::En), "588.40");
        assert_eq!(number_text("abc", Lang::En), "abc");
        assert_eq!(words(Lang::Id, "provider", "paud"), "PAUD");
        assert_eq!(words(Lang::Id, "provider", "tidak_dikenal"), "tidak_dikenal", "an unknown value as it is");
    }
}
