//! The commands: `serve` and `import`. Each opens the database the same way (migrations and the region
//! registry included) and reports errors in words, never as raw database text on a page.

use crate::config::{DbArgs, ImportArgs, ServeArgs};
use crate::startup;
use anyhow::Context;
use app::AppState;
use app::i18n::Lang;
use app::import::{self, ImportError};
use indicatif::{ProgressBar, ProgressStyle};

pub async fn serve(db: &DbArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.addr).await.with_context(|| format!("could not listen on {} (PANTAU_ADDR)", args.addr))?;
    let addr = listener.local_addr()?;
    let state = AppState::open(db.url(), db.db_max_connections, startup::leptos_options(addr)).await?;
    tracing::info!(
        database.engine = state.engine.name(),
        database.url = %app::db::redact(db.url()),
        regions.count = state.regions.regencies().count() + state.regions.provinces().count(),
        "database ready"
    );
    tracing::info!(address = %addr, "listening on http://{addr}");
    startup::serve(listener, state).await.context("server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

pub async fn import(db: &DbArgs, args: &ImportArgs) -> anyhow::Result<()> {
    let lang = Lang::parse(&args.lang).context("--lang must be id or en")?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("could not read {}", args.file.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", args.file.display()))?;
    let state = AppState::open(db.url(), db.db_max_connections, startup::leptos_options(([127, 0, 0, 1], 0).into())).await?;
    let parsed = match import::parse(&text, &state.regions, &state.bands, lang) {
        Ok(p) => p,
        Err(ImportError::Rows(errors)) => {
            for e in &errors {
                eprintln!("{}: {e}", args.file.display());
            }
            anyhow::bail!("{} error(s) in {}; nothing was imported", errors.len(), args.file.display());
        }
        Err(e) => anyhow::bail!("{}: {e}; nothing was imported", args.file.display()),
    };
    let bar = ProgressBar::new(parsed.len() as u64);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta})").expect("valid template").progress_chars("=> "));
    bar.set_message("importing");
    let result = import::write(&state.pool, &state.regions, &parsed, false, lang, |n| {
        if n % 256 == 0 {
            bar.set_position(n as u64);
        }
    })
    .await;
    bar.finish_and_clear();
    match result {
        Ok(n) => {
            println!("imported {n} {:?} row(s) from {}", parsed.kind(), args.file.display());
            Ok(())
        }
        Err(ImportError::Rows(errors)) => {
            for e in &errors {
                eprintln!("{}: {e}", args.file.display());
            }
            anyhow::bail!("{} error(s); nothing was imported", errors.len())
        }
        Err(e) => {
            tracing::error!(error = ?e, "import failed");
            anyhow::bail!("{e}")
        }
    }
}
