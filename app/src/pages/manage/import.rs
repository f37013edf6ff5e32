//! `/kelola/impor`: upload a CSV or XLSX file (choosing whether rows that name stored records update them),
//! see every row's errors or a preview of each row as it will be stored — added, or changed field by field —
//! then confirm. The preview is rendered by the upload handler with an [`ImportPreview`] in context; the file
//! waits in `import_drafts` until it is confirmed.

use super::{CsrfField, ErrorSummary, manage_crumbs, session, submitted};
use crate::components::{ErrorPage, Layout};
use crate::lang::use_lang;
use crate::paths;
use kla::i18n::{Lang, tr, trf};
use kla::import::{Applied, Mode, Planned, RowAction, RowErrors};
use kla::records::Entity;
use leptos::prelude::*;

/// Rows shown in a preview; all of them are written.
pub const PREVIEW_ROWS: usize = 20;

/// What an uploaded file would do.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    pub file_name: String,
    /// The upload form's choice, kept checked when the form is shown again.
    pub mode: Mode,
    pub outcome: PreviewOutcome,
}

#[derive(Debug, Clone)]
pub enum PreviewOutcome {
    /// The file is refused as a whole (unreadable, unknown header); the message says why.
    Refused(String),
    /// Some rows are wrong: each with row, column and reason (the first
    /// [`kla::import::MAX_ROW_ERRORS`], and the count of the rest). Nothing is written.
    RowErrors { entity: Entity, rows: usize, errors: RowErrors },
    /// Every row can be written as chosen: the draft to confirm (empty when nothing would change), the mode
    /// chosen, and what the rows do with the first of them as stored.
    Ready { draft: String, entity: Entity, mode: Mode, rows: usize, applied: Applied },
}

fn upload_form(lang: Lang, mode: Mode) -> impl IntoView {
    let max_rows = use_context::<crate::AppState>().map_or(kla::spreadsheet::DEFAULT_MAX_ROWS, |s| s.import.max_rows);
    view! {
        <form class="entry" method="post" action=paths::IMPORT enctype="multipart/form-data">
            <CsrfField/>
            <div class="field">
                <label for="f-file">{tr(lang, "import.file")}</label>
                <p class="hint" id="h-file">{trf(lang, "import.file_hint", &[("mb", (kla::import::MAX_UPLOAD_BYTES / 1_000_000).to_string()), ("rows", kla::format::int(max_rows as i64, lang))])}</p>
                <input id="f-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby="h-file"/>
            </div>
            <fieldset class="field">
                <legend>{tr(lang, "import.mode")}</legend>
                <div class="check">
                    <input id="f-mode-add" name="mode" type="radio" value=Mode::Add.as_str() checked=mode == Mode::Add/>
                    <label for="f-mode-add">{tr(lang, "import.mode_add")}</label>
                </div>
                <div class="check">
                    <input id="f-mode-update" name="mode" type="radio" value=Mode::Update.as_str() checked=mode == Mode::Update/>
                    <label for="f-mode-update">{tr(lang, "import.mode_update")}</label>
                </div>
            </fieldset>
            <button type="submit">{tr(lang, "import.check")}</button>
        </form>
    }
}

fn templates(lang: Lang) -> impl IntoView {
    view! {
        <h2>{tr(lang, "import.templates")}</h2>
        <p>{tr(lang, "import.templates_lead")}</p>
        <ul class="tools">
            {Entity::ALL
                .into_iter()
                .map(|e| view! {
                    <li>
                        {e.label(lang)}": "
                        <a href=paths::template(e.slug(), "xlsx")>"XLSX"</a>" · "
                        <a href=paths::template(e.slug(), "csv")>"CSV"</a>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// The first rows as they will be stored: the file's row, what it does, and every column in words; a
/// changed field shows its old value struck through and the new one beside it.
fn sample_table(lang: Lang, entity: Entity, sample: Vec<Planned>) -> impl IntoView {
    let state = use_context::<crate::AppState>();
    let text = move |column: &str, value: &str| match &state {
        Some(st) => super::records::value_text(st, lang, entity, column, value),
        None => value.to_string(),
    };
    let get = |v: &kla::records::Values, c: &str| v.get(c).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let columns = entity.columns();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "import.sample_table")>
            <table class="import-preview">
                <thead><tr>
                    <th scope="col">{tr(lang, "import.row")}</th>
                    <th scope="col">{tr(lang, "import.action")}</th>
                    {columns.iter().map(|c| view! { <th scope="col"><code>{*c}</code></th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {sample.into_iter().map(|r| {
                        let action = match r.action {
                            RowAction::Add => tr(lang, "import.action_add"),
                            RowAction::Change => trf(lang, "import.action_change", &[("id", r.id.to_string())]),
                            RowAction::Unchanged => trf(lang, "import.action_unchanged", &[("id", r.id.to_string())]),
                        };
                        let cells = columns.iter().map(|c| {
                            let new = get(&r.new, c);
                            match r.old.as_ref().map(|o| get(o, c)).filter(|old| *old != new) {
                                Some(old) => view! {
                                    <td class="changed"><del>{text(c, &old)}</del>" → "<ins>{text(c, &new)}</ins></td>
                                }
                                .into_any(),
                                None => view! { <td>{text(c, &new)}</td> }.into_any(),
                            }
                        }).collect_view();
                        view! { <tr><th scope="row">{r.line}</th><td>{action}</td>{cells}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let lang = use_lang();
    if session().is_none() {
        return view! { <ErrorPage error=super::must_sign_in()/> }.into_any();
    }
    let preview = use_context::<ImportPreview>();
    let refused = preview.as_ref().is_some_and(|p| !matches!(p.outcome, PreviewOutcome::Ready { .. }));
    if refused && let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::UNPROCESSABLE_ENTITY);
    }
    let body = match preview {
        None => view! {
            <p class="lead">{tr(lang, "import.lead")}</p>
            <ErrorSummary sub=submitted()/>
            {upload_form(lang, Mode::Add)}
            {templates(lang)}
        }
        .into_any(),
        Some(p) => match p.outcome {
            PreviewOutcome::Refused(msg) => view! {
                <div class="error-summary" role="alert" id="kesalahan">
                    <h2>{trf(lang, "import.refused", &[("file", p.file_name.clone())])}</h2>
                    <p>{msg}</p>
                    <p>{tr(lang, "import.nothing_written")}</p>
                </div>
                {upload_form(lang, p.mode)}
                {templates(lang)}
            }
            .into_any(),
            PreviewOutcome::RowErrors { entity, rows, errors } => {
                let (n, more) = (errors.total(), errors.more());
                view! {
                    <div class="error-summary" role="alert" id="kesalahan">
                        <h2>{trf(lang, "import.row_errors", &[("file", p.file_name.clone()), ("n", n.to_string()), ("rows", rows.to_string())])}</h2>
                        <p>{tr(lang, "import.nothing_written")}" "{tr(lang, "import.fix_and_retry")}</p>
                    </div>
                    <p>{tr(lang, "import.kind")}": "<strong>{entity.label(lang)}</strong></p>
                    <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "import.errors_table")>
                        <table class="row-errors">
                            <thead><tr>
                                <th scope="col">{tr(lang, "import.row")}</th>
                                <th scope="col">{tr(lang, "import.column")}</th>
                                <th scope="col">{tr(lang, "import.reason")}</th>
                            </tr></thead>
                            <tbody>
                                {errors.into_vec().into_iter().map(|e| view! {
                                    <tr><th scope="row">{e.row}</th><td><code>{e.column}</code></td><td>{e.message}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(more > 0).then(|| view! { <p class="more-errors">{trf(lang, "limits_import.more_errors", &[("n", more.to_string())])}</p> })}
                    {upload_form(lang, p.mode)}
                }
                .into_any()
            }
            PreviewOutcome::Ready { draft, entity, mode, rows, applied } => {
                let written = applied.written();
                let counts = trf(
                    lang,
                    "import.counts",
                    &[
                        ("added", applied.added.to_string()),
                        ("changed", applied.changed.to_string()),
                        ("unchanged", applied.unchanged.to_string()),
                    ],
                );
                let chosen = if mode == Mode::Update { "import.mode_chosen_update" } else { "import.mode_chosen_add" };
                view! {
                    <p class="notice" role="status">
                        {trf(lang, "import.ready", &[("file", p.file_name.clone()), ("n", rows.to_string()), ("kind", entity.label(lang))])}" "{counts}
                    </p>
                    <p>{tr(lang, chosen)}</p>
                    <p>{trf(lang, "import.sample", &[("n", applied.sample.len().to_string())])}" "{tr(lang, "import.as_stored")}</p>
                    {sample_table(lang, entity, applied.sample)}
                    {if written > 0 {
                        view! {
                            <form method="post" action=paths::IMPORT_CONFIRM class="form-actions">
                                <CsrfField/>
                                <input type="hidden" name="draft" value=draft/>
                                <input type="hidden" name="mode" value=mode.as_str()/>
                                <button type="submit">{trf(lang, "import.confirm", &[("n", written.to_string())])}</button>
                                " "<a href=paths::IMPORT>{tr(lang, "manage.cancel")}</a>
                            </form>
                        }
                        .into_any()
                    } else {
                        view! { <p>{tr(lang, "import.nothing_to_do")}</p> {upload_form(lang, p.mode)} }.into_any()
                    }}
                }
                .into_any()
            }
        },
    };
    view! {
        <Layout title=tr(lang, "manage.import") crumbs=manage_crumbs(lang, Some(tr(lang, "manage.import"))) demo=false>
            {body}
        </Layout>
    }
    .into_any()
}
