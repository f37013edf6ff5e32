//! `pantau-kla backup DEST`: an online, consistent copy of an SQLite database and of the evidence documents
//! its rows refer to, into a new folder that can be served as it is (`DATABASE_URL=sqlite:DEST/pantau-kla.db`;
//! the documents are in `DEST/bukti`, where the server looks by default). PostgreSQL and S3 are backed up
//! with their own tools (docs/backup.md).
//!
//! Why it is consistent while the server writes: `VACUUM INTO` reads the database in one read transaction
//! (one WAL snapshot), and the documents are copied afterwards by the keys the copy holds. Objects are
//! written once under random keys and never changed, so a document the copy refers to is either still in
//! the store with the bytes the row describes (checked by its SHA-256) or was deleted after the snapshot
//! (reported, and the copy's pack names it as missing).

use anyhow::{Context, bail};
use kla::db::Engine;
use kla::evaluation::files::{Storage, sha256_hex};
use sqlx::{Connection, Executor};
use std::path::{Path, PathBuf};

/// The database file's name inside a backup folder.
pub const DATABASE_FILE: &str = "pantau-kla.db";
/// The evidence folder's name inside a backup folder: the default store beside the database.
pub const STORAGE_DIR: &str = "bukti";

/// What a backup holds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub database_bytes: u64,
    pub documents: usize,
    pub document_bytes: u64,
    /// Documents the copied rows refer to that were no longer in the store (deleted after the snapshot).
    pub missing: Vec<String>,
}

/// Takes the backup; on any error nothing is left at `dest` (the work happens in a hidden sibling folder
/// that is renamed into place at the end).
pub async fn run(database_url: &str, storage: Option<&str>, dest: &Path) -> anyhow::Result<Summary> {
    if Engine::of_url(database_url)? == Engine::Postgres {
        bail!(
            "pantau-kla backup copies an SQLite database; for PostgreSQL use pg_dump and copy the evidence store as docs/backup.md describes. Nothing was written"
        );
    }
    let location = storage.map(str::trim).filter(|l| !l.is_empty()).map_or_else(|| Storage::default_location(database_url), str::to_string);
    if Storage::is_remote(&location) {
        bail!("the evidence documents are in S3 ({location}); back the bucket up as docs/backup.md describes. Nothing was written");
    }
    let Some(file) = kla::db::sqlite_file(database_url) else { bail!("DATABASE_URL names no SQLite file to back up") };
    anyhow::ensure!(Path::new(file).is_file(), "there is no database at {file} to back up");
    if dest.exists() {
        let empty =
            dest.is_dir() && std::fs::read_dir(dest).with_context(|| format!("could not read {}", dest.display()))?.next().is_none();
        anyhow::ensure!(empty, "{} already exists and is not an empty folder; choose a new folder. Nothing was written", dest.display());
    }
    let name = dest.file_name().and_then(|n| n.to_str()).context("the backup folder needs a name")?;
    let work = dest.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    if work.exists() {
        std::fs::remove_dir_all(&work).with_context(|| format!("could not remove the leftover {}", work.display()))?;
    }
    std::fs::create_dir_all(&work).with_context(|| format!("could not create {}", work.display()))?;
    let result = copy_into(database_url, &location, &work).await;
    match result {
        Ok(summary) => {
            if dest.exists() {
                std::fs::remove_dir(dest).with_context(|| format!("could not replace the empty folder {}", dest.display()))?;
            }
            std::fs::rename(&work, dest).with_context(|| format!("could not move the backup into {}", dest.display()))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            Err(e.context("the backup failed; nothing was written"))
        }
    }
}

async fn copy_into(database_url: &str, location: &str, work: &Path) -> anyhow::Result<Summary> {
    sqlx::any::install_default_drivers();
    let db_path: PathBuf = work.join(DATABASE_FILE);
    let db_text = db_path.to_str().context("the backup folder's path is not valid UTF-8")?.to_string();
    // mode=rw: a backup never creates the database it copies.
    let base = database_url.split('?').next().unwrap_or(database_url);
    let mut source = sqlx::AnyConnection::connect(&format!("{base}?mode=rw")).await.context("could not open the database")?;
    source.execute("pragma busy_timeout = 5000").await?;
    sqlx::query("vacuum into $1").bind(&db_text).execute(&mut source).await.context("could not copy the database (VACUUM INTO)")?;
    source.close().await.ok();

    let mut copy = sqlx::AnyConnection::connect(&format!("sqlite:{db_text}?mode=rw")).await.context("could not open the copy")?;
    let check: String = sqlx::query_scalar("pragma integrity_check").fetch_one(&mut copy).await?;
    anyhow::ensure!(check == "ok", "the copy fails SQLite's integrity check: {check}");
    let files: Vec<(String, String)> =
        sqlx::query_as("select object_key, sha256 from evidence_files order by id").fetch_all(&mut copy).await?;
    copy.close().await.ok();

    let from = Storage::open(location).context("PANTAU_STORAGE")?;
    let to = Storage::open(&work.join(STORAGE_DIR).display().to_string())?;
    let mut summary = Summary { database_bytes: std::fs::metadata(&db_path)?.len(), ..Summary::default() };
    for (key, sha256) in files {
        let bytes = match from.get(&key).await {
            Ok(b) => b,
            Err(e) if e.is_not_found() => {
                summary.missing.push(key);
                continue;
            }
            Err(e) => return Err(anyhow::Error::new(e).context(format!("could not read the document {key}"))),
        };
        anyhow::ensure!(
            sha256_hex(&bytes) == sha256,
            "the document {key} in {location} does not match its recorded SHA-256; the store is damaged"
        );
        summary.document_bytes += bytes.len() as u64;
        to.put(&key, bytes).await.with_context(|| format!("could not write the document {key}"))?;
        summary.documents += 1;
    }
    Ok(summary)
}
