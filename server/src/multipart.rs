//! The one multipart reader, with a size cap on the file: the spreadsheet import and the evidence upload both
//! read their form through it, and say in their own words why a body could not be read ([`Problem`]).

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use std::collections::HashMap;

/// What a multipart form carried: its text fields, and the part named `file` (its name as sent, its bytes).
#[derive(Default)]
pub struct Upload {
    pub form: HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a multipart body at all.
    NotMultipart,
    /// The file, or the body, over its cap.
    TooLarge,
    /// Cut off or malformed.
    Broken,
}

/// Reads the whole form, the file at most `max_file_bytes`; or says why it could not, with the text fields
/// read until then (so a refusal can be shown beside the right form).
pub async fn read<S: Send + Sync>(
    parts: &Parts,
    body: Body,
    state: &S,
    max_file_bytes: usize,
) -> Result<Upload, (Problem, HashMap<String, String>)> {
    let mut up = Upload::default();
    let mut multipart = Multipart::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(|_| (Problem::NotMultipart, HashMap::new()))?;
    match fields(&mut multipart, &mut up, max_file_bytes).await {
        Ok(()) => Ok(up),
        Err(p) => Err((p, up.form)),
    }
}

fn problem(status: StatusCode) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE { Problem::TooLarge } else { Problem::Broken }
}

async fn fields(multipart: &mut Multipart, up: &mut Upload, max_file_bytes: usize) -> Result<(), Problem> {
    while let Some(mut field) = multipart.next_field().await.map_err(|e| problem(e.status()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| problem(e.status()))? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > max_file_bytes {
                    return Err(Problem::TooLarge);
                }
            }
            up.file = Some((file_name, bytes));
        } else {
            let text = field.text().await.map_err(|_| Problem::Broken)?;
            up.form.insert(name, text);
        }
    }
    Ok(())
}
