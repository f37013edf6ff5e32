//! Where evidence documents live, and what is accepted. Files go through the `object_store` crate: a local
//! folder by default, S3-compatible storage when `PANTAU_STORAGE=s3://bucket/prefix` (so several app servers
//! share one store). A file's kind is told by its bytes, never by its name; each object is written whole or
//! not at all (`put` is atomic), under a random key that is never reused.

use bytes::Bytes;
pub use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The largest evidence document accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The default evidence quota of a regency, all cycles together: 2 GiB, about a hundred documents at the
/// largest size for each of the instrument's items, far beyond a real self-assessment, while one regency
/// cannot fill the store that every regency shares.
pub const DEFAULT_QUOTA_BYTES: i64 = 2 * 1024 * 1024 * 1024;

/// Bytes in binary units for messages: `512 B`, `20 MB`, `1.5 GB`.
pub fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 || v >= 10.0 || v.fract() == 0.0 {
        format!("{} {}", v.round() as i64, UNITS[unit])
    } else {
        format!("{:.1} {}", v, UNITS[unit])
    }
}

/// The kinds of document accepted as evidence: PDF, images, spreadsheets and Word documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    Xlsx,
    Xls,
    Ods,
    Csv,
    Docx,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Xls => "application/vnd.ms-excel",
            Kind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Kind::Csv => "text/csv; charset=utf-8",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Webp => "webp",
            Kind::Xlsx => "xlsx",
            Kind::Xls => "xls",
            Kind::Ods => "ods",
            Kind::Csv => "csv",
            Kind::Docx => "docx",
        }
    }
    pub fn from_content_type(s: &str) -> Option<Kind> {
        [Kind::Pdf, Kind::Png, Kind::Jpeg, Kind::Webp, Kind::Xlsx, Kind::Xls, Kind::Ods, Kind::Csv, Kind::Docx]
            .into_iter()
            .find(|k| k.content_type() == s)
    }
}

/// The document's kind by its bytes (magic numbers, and the parts inside an Office/OpenDocument ZIP), or
/// `None` for anything else. CSV has no signature: it is accepted as UTF-8 text without control characters
/// that has a line with a comma or semicolon.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if let Some(t) = infer::get(bytes) {
        return match t.mime_type() {
            "application/pdf" => Some(Kind::Pdf),
            "image/png" => Some(Kind::Png),
            "image/jpeg" => Some(Kind::Jpeg),
            "image/webp" => Some(Kind::Webp),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Some(Kind::Xlsx),
            "application/vnd.ms-excel" => Some(Kind::Xls),
            "application/vnd.oasis.opendocument.spreadsheet" => Some(Kind::Ods),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some(Kind::Docx),
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let plain = text.chars().all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    (plain && text.lines().next().is_some_and(|l| l.contains(',') || l.contains(';'))).then_some(Kind::Csv)
}

/// Whether `c` is a bidirectional control character (embeddings, overrides, isolates, directional marks):
/// in a file name they make `gpj.exe` read as `exe.jpg`, so names lose them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A name as typed, minus control and bidirectional control characters, at most `max` characters: for file
/// names shown back (uploads, import files).
pub fn plain_text(name: &str, max: usize) -> String {
    name.chars().filter(|c| !c.is_control() && !is_bidi_control(*c)).take(max).collect()
}

/// A file name safe to show and to put in a ZIP: no folders, no control or bidirectional control characters,
/// at most 120 characters, with the extension of its real kind.
pub fn clean_name(name: &str, kind: Kind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let stem: String =
        plain_text(stem, usize::MAX).chars().filter(|c| !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*')).take(120).collect();
    let stem = stem.trim();
    format!("{}.{}", if stem.is_empty() { "dokumen" } else { stem }, kind.extension())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
    #[error("storage location {0:?}: {1}")]
    Config(String, String),
}

impl StorageError {
    /// The object is not in the store (removed, or never stored).
    pub fn is_not_found(&self) -> bool {
        matches!(self, StorageError::Store(object_store::Error::NotFound { .. }))
    }
}

/// The evidence store: a local folder or an S3-compatible bucket.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for the log and `--help` (never credentials).
    pub describe: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

impl Storage {
    /// `s3://BUCKET[/PREFIX]` (credentials, region and endpoint from the usual `AWS_*` variables, e.g.
    /// `AWS_ENDPOINT` and `AWS_ALLOW_HTTP=true` for a MinIO-like service), or a local folder,
    /// made when the first document is stored.
    pub fn open(location: &str) -> Result<Self, StorageError> {
        Self::open_with(location, AmazonS3Builder::from_env())
    }

    /// As [`Storage::open`], with the S3 settings taken from `s3` rather than the environment.
    pub fn open_with(location: &str, s3: AmazonS3Builder) -> Result<Self, StorageError> {
        if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let s3 = s3.with_bucket_name(bucket).build().map_err(|e| StorageError::Config(location.into(), e.to_string()))?;
            let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.trim_matches('/')))
            };
            return Ok(Self { store, describe: location.to_string() });
        }
        // The folder is made with the first document, not at start (a command that never stores one leaves
        // no trace); `put` creates the folders it needs.
        let absolute = std::path::absolute(location).map_err(|e| StorageError::Config(location.into(), e.to_string()))?;
        let prefix = absolute.to_string_lossy().trim_start_matches('/').to_string();
        let fs = object_store::local::LocalFileSystem::new();
        Ok(Self { store: Arc::new(object_store::prefix::PrefixStore::new(fs, prefix)), describe: absolute.display().to_string() })
    }

    /// The default beside an SQLite database file (`data/pantau-kla.db` → `data/bukti`), else `data/bukti`.
    pub fn default_location(database_url: &str) -> String {
        let file = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
        match file.map(|f| f.split('?').next().unwrap_or(f)).filter(|f| !f.is_empty() && !f.contains(":memory:")) {
            Some(f) => std::path::Path::new(f).parent().map_or_else(|| "bukti".into(), |p| p.join("bukti")).display().to_string(),
            None => "data/bukti".into(),
        }
    }

    /// Whether this is an S3-compatible store rather than a local folder.
    pub fn is_remote(location: &str) -> bool {
        location.trim().starts_with("s3://")
    }

    /// A new random key for a file of a regency's sheet in a cycle.
    pub fn new_key(award_year: i64, regency: crate::domain::RegionCode) -> String {
        format!("{award_year}/{regency}/{}", crate::auth::random_token())
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store.put(&ObjectPath::from(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        Ok(self.store.get(&ObjectPath::from(key)).await?.bytes().await?)
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// What a sweep of the store found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    /// Objects that belong to a stored document.
    pub kept: usize,
    /// Objects without a document, old enough to be removed (removed unless it was a dry run).
    pub orphans: Vec<String>,
    /// Objects without a document that are younger than the grace period (an upload may be committing).
    pub recent: usize,
}

impl Storage {
    /// Finds objects no document row refers to — left when a server stopped between writing an object and
    /// committing its row — and removes those older than `grace` (unless `dry_run`).
    pub async fn sweep(&self, pool: &sqlx::AnyPool, grace: chrono::Duration, dry_run: bool) -> Result<Sweep, StorageError> {
        use futures_util::StreamExt;
        let known: std::collections::HashSet<String> = sqlx::query_scalar::<_, String>("select object_key from evidence_files")
            .fetch_all(pool)
            .await
            .map_err(|e| StorageError::Config(self.describe.clone(), e.to_string()))?
            .into_iter()
            .collect();
        let cutoff = chrono::Utc::now() - grace;
        let mut sweep = Sweep::default();
        let mut listing = self.store.list(None);
        while let Some(meta) = listing.next().await {
            let meta = match meta {
                Ok(m) => m,
                // A local store that has never held a document has no folder yet.
                Err(object_store::Error::NotFound { .. }) => break,
                Err(e) => return Err(e.into()),
            };
            let key = meta.location.to_string();
            if known.contains(&key) {
                sweep.kept += 1;
            } else if meta.last_modified < cutoff {
                sweep.orphans.push(key);
            } else {
                sweep.recent += 1;
            }
        }
        if !dry_run {
            for key in &sweep.orphans {
                self.delete(key).await?;
            }
        }
        Ok(sweep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Kind::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Some(Kind::Jpeg));
        assert_eq!(sniff(b"nama,jumlah\nA,1\n"), Some(Kind::Csv));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0"), None, "a Windows program");
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"just words"), None);
        let xlsx = crate::spreadsheet::write(crate::spreadsheet::Format::Xlsx, "a", &["x"], &[vec!["1".into()]]);
        assert_eq!(sniff(&xlsx), Some(Kind::Xlsx));
    }

    #[test]
    fn names_lose_folders_and_take_the_real_extension() {
        assert_eq!(clean_name("../../etc/SK Gugus Tugas.pdf", Kind::Pdf), "SK Gugus Tugas.pdf");
        assert_eq!(clean_name("C:\\x\\foto.exe", Kind::Jpeg), "foto.jpg");
        assert_eq!(clean_name("", Kind::Png), "dokumen.png");
    }

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(20 * 1024 * 1024), "20 MB");
        assert_eq!(human_bytes(DEFAULT_QUOTA_BYTES), "2 GB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MB");
    }

    #[test]
    fn names_lose_bidi_controls() {
        assert_eq!(clean_name("laporan\u{202E}fdp.exe", Kind::Pdf), "laporanfdp.pdf");
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200E}',
            '\u{200F}', '\u{061C}',
        ] {
            assert_eq!(clean_name(&format!("a{c}b.pdf"), Kind::Pdf), "ab.pdf", "{:04X}", c as u32);
            assert_eq!(plain_text(&format!("impor{c}.csv"), 200), "impor.csv");
        }
        assert_eq!(plain_text("kegiatan 2025 – Tanah Bumbu.xlsx", 200), "kegiatan 2025 – Tanah Bumbu.xlsx");
        assert_eq!(plain_text("ab\tc", 2), "ab");
    }

    #[test]
    fn the_default_store_sits_beside_the_database() {
        assert_eq!(Storage::default_location("sqlite:data/pantau-kla.db"), "data/bukti");
        assert_eq!(Storage::default_location("sqlite:///srv/kla/db.sqlite?mode=rwc"), "/srv/kla/bukti");
        assert_eq!(Storage::default_location("postgres://x@y/z"), "data/bukti");
    }
}
