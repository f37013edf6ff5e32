//! Validation errors that name the field they concern, so a form or an import can show each one in place.

use serde::Serialize;

/// One refused value: the field's machine name and a message key for the i18n layer, plus the values the
/// message needs (for example a bound).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    /// Message key in `locales/*.yml` under `error.`.
    pub code: &'static str,
    /// Optional detail for the message (a bound, an allowed list).
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code, detail: None }
    }
    pub fn with(field: &'static str, code: &'static str, detail: impl Into<String>) -> Self {
        Self { field, code, detail: Some(detail.into()) }
    }

    /// The message in the given language, e.g. "participants_offline: must be a whole number ≥ 0".
    pub fn message(&self, locale: &str) -> String {
        // A code with a dot is a whole message key (new groups such as `limits_rules.`), else under `error.`.
        let key = if self.code.contains('.') { self.code.to_string() } else { format!("error.{}", self.code) };
        let text = rust_i18n::t!(&key, locale = locale, detail = self.detail.as_deref().unwrap_or(""));
        format!("{}: {}", self.field, text)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message("en"))
    }
}

/// All the errors found in one record: validation reports every problem at once, not just the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
    /// `Ok(value)` when nothing was refused.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(std::string::ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Shared field checks, so every record validates numbers, years and links the same way.
pub(crate) mod check {
    use super::{FieldError, FieldErrors};
    use crate::domain::{MAX_YEAR, MIN_YEAR};

    pub fn required_text(errs: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            errs.push(FieldError::new(field, "required"));
        } else if v.chars().count() > max {
            errs.push(FieldError::with(field, "too_long", max.to_string()));
        }
        v.to_string()
    }

    pub fn optional_text(errs: &mut FieldErrors, field: &'static str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.chars().count() > max {
            errs.push(FieldError::with(field, "too_long", max.to_string()));
        }
        v.to_string()
    }

    pub fn count(errs: &mut FieldErrors, field: &'static str, value: i64, max: i64) -> i64 {
        if value < 0 {
            errs.push(FieldError::new(field, "negative"));
        } else if value > max {
            errs.push(FieldError::with(field, "too_large", max.to_string()));
        }
        value
    }

    pub fn year(errs: &mut FieldErrors, field: &'static str, value: i32) -> i32 {
        if !(MIN_YEAR..=MAX_YEAR).contains(&value) {
            errs.push(FieldError::with(field, "year_range", format!("{MIN_YEAR}–{MAX_YEAR}")));
        }
        value
    }

    /// An optional score on a 0–`max` scale; NaN and infinities are refused.
    pub fn score(errs: &mut FieldErrors, field: &'static str, value: Option<f64>, max: f64) -> Option<f64> {
        if let Some(v) = value
            && (!v.is_finite() || !(0.0..=max).contains(&v))
        {
            errs.push(FieldError::with(field, "score_range", format!("0–{max}")));
        }
        value
    }

    /// A source link is optional, but when given it must be an http(s) address so the page can link it
    /// safely (no `javascript:` links).
    pub fn link(errs: &mut FieldErrors, field: &'static str, value: &str) -> String {
        let v = value.trim();
        if !v.is_empty() {
            let lower = v.to_ascii_lowercase();
            let ok =
                (lower.starts_with("https://") || lower.starts_with("http://")) && v.len() <= 500 && !v.chars().any(char::is_whitespace);
            if !ok {
                errs.push(FieldError::new(field, "link"));
            }
        }
        v.to_string()
    }
}
