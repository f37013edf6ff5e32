//! `/kelola/impor`: upload a CSV or XLSX file, see every row's errors or a preview of what will be written,
//! then confirm. The preview is rendered by the upload handler with an [`ImportPreview`] in context; the file
//! waits in `import_drafts` until it is confirmed.

use super::{CsrfField, ErrorSummary, manage_crumbs, session, submitted};
use crate::components::{ErrorPage, Layout};
use crate::lang::use_lang;
use crate::paths;
use kla::i18n::{Lang, tr, trf};
use kla::import::RowErrors;
use kla::records::Entity;
use leptos::prelude::*;

/// Rows shown in a preview; all of them are written.
pub const PREVIEW_ROWS: usize = 20;

/// What an uploaded file would do.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    pub file_name: String,
    pub outcome: PreviewOutcome,
}

#[derive(Debug, Clone)]
pub enum PreviewOutcome {
    /// The file is refused as a whole (unreadable, unknown header); the message says why.
    Refused(String),
    /// Some rows are wrong: each with row, column and reason (the first
    /// [`kla::import::MAX_ROW_ERRORS`], and the count of the rest). Nothing is written.
    RowErrors { entity: Entity, rows: usize, errors: RowErrors },
    /// Every row is valid: the draft to confirm, and the first rows.
    Ready { draft: String, entity: Entity, rows: usize, columns: Vec<String>, sample: Vec<Vec<String>> },
}

fn upload_form(lang: Lang) -> impl IntoView {
    let max_rows = use_context::<crate::AppState>().map_or(kla::spreadsheet::DEFAULT_MAX_ROWS, |s| s.import.max_rows);
    view! {
        <form class="entry" method="post" action=paths::IMPORT enctype="multipart/form-data">
            <CsrfField/>
            <div class="field">
                <label for="f-file">{tr(lang, "import.file")}</label>
                <p class="hint" id="h-file">{trf(lang, "import.file_hint", &[("mb", (kla::import::MAX_UPLOAD_BYTES / 1_000_000).to_string()), ("rows", kla::format::int(max_rows as i64, lang))])}</p>
                <input id="f-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby="h-file"/>
            </div>
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
            {upload_form(lang)}
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
                {upload_form(lang)}
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
                    {upload_form(lang)}
                }
                .into_any()
            }
            PreviewOutcome::Ready { draft, entity, rows, columns, sample } => view! {
                <p class="notice" role="status">{trf(lang, "import.ready", &[("file", p.file_name.clone()), ("n", rows.to_string()), ("kind", entity.label(lang))])}</p>
                <p>{trf(lang, "import.sample", &[("n", sample.len().to_string())])}</p>
                <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "import.sample_table")>
                    <table>
                        <thead><tr>{columns.into_iter().map(|c| view! { <th scope="col"><code>{c}</code></th> }).collect_view()}</tr></thead>
                        <tbody>
                            {sample.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <form method="post" action=paths::IMPORT_CONFIRM class="form-actions">
                    <CsrfField/>
                    <input type="hidden" name="draft" value=draft/>
                    <button type="submit">{trf(lang, "import.confirm", &[("n", rows.to_string())])}</button>
                    " "<a href=paths::IMPORT>{tr(lang, "manage.cancel")}</a>
                </form>
            }
            .into_any(),
        },
    };
    view! {
        <Layout title=tr(lang, "manage.import") crumbs=manage_crumbs(lang, Some(tr(lang, "manage.import"))) demo=false>
            {body}
        </Layout>
    }
    .into_any()
}
