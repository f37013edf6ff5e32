//! The page error: why a page (or a handler shown as a page) could not be drawn, as the reader sees it on the
//! error page — each case with its HTTP status, title and message in the reader's language. Database and
//! chart failures are logged once here and shown as a generic message, never as raw database text. The data
//! API (`/api/v1`) answers the same error as JSON with the same status. Refused form fields are not this
//! error: they come back on the form itself (`kla::domain::FieldErrors`).

use kla::i18n::{Lang, tr};

#[derive(Debug, Clone)]
pub enum AppError {
    /// No such page or region.
    NotFound,
    /// Not allowed to this user (outside their region or role), or not signed in.
    Forbidden,
    /// The request itself is wrong (a bad query parameter); the message names the parameter.
    BadRequest(String),
    /// Something failed on our side; the cause went to the log, not to the reader.
    Internal,
}

impl AppError {
    pub fn status(&self) -> http::StatusCode {
        match self {
            AppError::NotFound => http::StatusCode::NOT_FOUND,
            AppError::Forbidden => http::StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => http::StatusCode::BAD_REQUEST,
            AppError::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title(&self, lang: Lang) -> String {
        match self {
            AppError::NotFound => tr(lang, "error.not_found_title"),
            AppError::Forbidden => tr(lang, "error.forbidden_title"),
            AppError::BadRequest(_) => tr(lang, "error.bad_request_title"),
            AppError::Internal => tr(lang, "error.internal_title"),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::NotFound => tr(lang, "error.not_found_body"),
            AppError::Forbidden => tr(lang, "error.forbidden_body"),
            AppError::BadRequest(m) => m.clone(),
            AppError::Internal => tr(lang, "error.internal_body"),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database query failed");
        AppError::Internal
    }
}

impl From<crate::charts::ChartError> for AppError {
    fn from(e: crate::charts::ChartError) -> Self {
        tracing::error!(error = %e, "chart drawing failed");
        AppError::Internal
    }
}
