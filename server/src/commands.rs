//! The commands: `serve`, `import`, `demo`, `user`, `instrument`, `storage` and `backup`. Each opens the
//! database once, the same way (`open_store`: migrations, regions, instruments), and only `serve` wraps it
//! in an `AppState` to render pages; accounts are made and changed through the core (`kla::auth`), as the
//! forms make them. Errors are reported in words, never as raw database text on a page.

use crate::config::{BackupArgs, DbArgs, DemoArgs, ImportArgs, InstrumentCommand, ServeArgs, StorageCommand, UserCommand};
use crate::startup;
use anyhow::Context;
use app::AppState;
use indicatif::{ProgressBar, ProgressStyle};
use kla::i18n::Lang;
use kla::import::{self, ImportError};

/// The database as every command opens it: connected, migrated, the regions and instruments seeded and the
/// registry loaded. Only `serve` wraps it in an [`AppState`], to render pages.
async fn open_store(db: &DbArgs) -> anyhow::Result<kla::Store> {
    Ok(kla::Store::open(db.url(), db.max_connections()).await?)
}

pub async fn serve(db: &DbArgs, args: &ServeArgs) -> anyhow::Result<()> {
    let listener =
        tokio::net::TcpListener::bind(args.addr).await.with_context(|| format!("could not listen on {} (PANTAU_ADDR)", args.addr))?;
    let addr = listener.local_addr()?;
    let metrics_listener = match args.metrics_addr {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("could not listen on {at} for metrics (PANTAU_METRICS_ADDR)"))?,
        ),
        None => None,
    };
    let mut state = AppState::new(open_store(db).await?, startup::leptos_options(addr));
    if let Some(path) = &args.targets {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the targets file {} (PANTAU_TARGETS)", path.display()))?;
        let targets = kla::reference::Targets::from_csv(&text).with_context(|| format!("{} (PANTAU_TARGETS)", path.display()))?;
        tracing::info!(targets.file = %path.display(), "scorecard targets loaded");
        state = state.with_targets(targets);
    }
    state.secure_cookies = args.secure_cookies;
    state.bulk_min_age = std::time::Duration::from_secs(args.bulk_min_age);
    state.import = args.import_limits.into();
    state.evidence_quota_bytes = args.evidence_quota_bytes;
    state.trusted_proxies = std::sync::Arc::new(args.trusted_proxies.clone());
    let pool_size = db.max_connections();
    let renders = args.renders.overall(pool_size);
    if renders >= pool_size as usize {
        tracing::warn!(
            render_concurrency = renders,
            db_max_connections = pool_size,
            "as many fresh renders at once as database connections: renders may hold every connection and cached pages wait for one"
        );
    }
    state = state.with_render_limits(args.renders.limiter(pool_size));
    if let Some(location) = args.storage.as_deref().filter(|l| !l.trim().is_empty()) {
        let storage = kla::evaluation::files::Storage::open(location.trim()).context("PANTAU_STORAGE")?;
        state = state.with_storage(storage);
    }
    tracing::info!(storage = %state.storage.describe, "evidence storage ready");
    tracing::info!(
        database.engine = state.engine.name(),
        database.url = %kla::db::redact(db.url()),
        regions.count = state.regions.regencies().count() + state.regions.provinces().count(),
        database.max_connections = pool_size,
        render_concurrency = renders,
        "database ready"
    );
    let limits = args.connections.limits();
    tracing::info!(
        header_timeout_s = limits.header_timeout.as_secs(),
        body_grace_s = limits.body_grace.as_secs(),
        body_min_rate = limits.body_min_rate,
        request_timeout_s = limits.request_timeout.as_secs(),
        max_connections = limits.max_connections,
        max_connections_per_client = limits.max_connections_per_client,
        "connection limits"
    );
    if let Some(listener) = metrics_listener {
        let handle = crate::metrics::install();
        let at = listener.local_addr()?;
        tracing::info!(address = %at, "metrics on http://{at}{}", crate::metrics::PATH);
        let pool = state.pool.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::metrics::serve(listener, handle, pool).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    tracing::info!(address = %addr, "listening on http://{addr}");
    startup::serve_with(listener, state, limits).await.context("server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

pub async fn import(db: &DbArgs, args: &ImportArgs) -> anyhow::Result<()> {
    let lang = Lang::parse(&args.lang).context("--lang must be id or en")?;
    // Read no more than an upload may hold: the same limits as the web form.
    let mut bytes = Vec::new();
    std::fs::File::open(&args.file)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, import::MAX_UPLOAD_BYTES as u64 + 1), &mut bytes))
        .with_context(|| format!("could not read {}", args.file.display()))?;
    if bytes.len() > import::MAX_UPLOAD_BYTES {
        anyhow::bail!("{}: the file is larger than {} MB; nothing was imported", args.file.display(), import::MAX_UPLOAD_BYTES / 1_000_000);
    }
    let limits = kla::spreadsheet::Limits { max_rows: args.import_max_rows };
    let text =
        kla::spreadsheet::to_csv_text(&bytes, limits).map_err(|e| anyhow::anyhow!("{}: {e}; nothing was imported", args.file.display()))?;
    drop(bytes);
    let state = open_store(db).await?;
    let checking = std::time::Instant::now();
    let parsed = match import::parse(&text, &state.regions, &state.bands, lang) {
        Ok(p) => p,
        Err(ImportError::Rows(errors)) => {
            print_row_errors(&args.file, &errors);
            anyhow::bail!("{} error(s) in {}; nothing was imported", errors.total(), args.file.display());
        }
        Err(e) => anyhow::bail!("{}: {e}; nothing was imported", args.file.display()),
    };
    let checked = checking.elapsed();
    let writing = std::time::Instant::now();
    let bar = ProgressBar::new(parsed.len() as u64);
    bar.set_style(ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({eta})").expect("valid template").progress_chars("=> "));
    bar.set_message("importing");
    let mode = if args.update { import::Mode::Update } else { import::Mode::Add };
    let actor = kla::audit::Actor::cli();
    let how = import::How { mode, role: kla::auth::Role::Admin, actor: &actor, via: kla::audit::Via::Cli, demo: false, lang, sample: 0 };
    let result = import::write_as(&state.pool, &state.regions, &parsed, &how, |n| bar.set_position(n as u64)).await;
    bar.finish_and_clear();
    match result {
        Ok(applied) => {
            println!("imported {} {} row(s) from {}", applied.written(), parsed.entity().name(), args.file.display());
            if args.update {
                println!("{} added, {} changed, {} unchanged", applied.added, applied.changed, applied.unchanged);
            }
            println!(
                "checked in {:.1} s, written with their audit entries in {:.1} s",
                checked.as_secs_f64(),
                writing.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(ImportError::Rows(errors)) => {
            print_row_errors(&args.file, &errors);
            anyhow::bail!("{} error(s); nothing was imported", errors.total())
        }
        Err(e) => {
            tracing::error!(error = ?e, "import failed");
            anyhow::bail!("{e}")
        }
    }
}

/// The first errors of a file, one a line, and how many more there are.
fn print_row_errors(file: &std::path::Path, errors: &import::RowErrors) {
    for e in errors.iter() {
        eprintln!("{}: {e}", file.display());
    }
    if errors.more() > 0 {
        eprintln!("{}: … and {} more error(s)", file.display(), errors.more());
    }
}

/// `pantau-kla demo`: refuses at once when the database holds data the options do not allow over, then
/// generates the dataset and writes it in one transaction, showing a progress bar.
pub async fn demo(db: &DbArgs, args: &DemoArgs) -> anyhow::Result<()> {
    use kla::demo::{self, WriteOptions};
    use kla::format::int;
    use std::time::Instant;

    let scale: demo::Scale = args.scale.into();
    let options = WriteOptions { force: args.force, replace: args.replace };
    let state = open_store(db).await?;
    let existing = demo::existing(&state.pool).await.context("could not count the stored rows")?;
    demo::check(&existing, options).map_err(|e| anyhow::anyhow!("{e}; nothing was written"))?;

    let started = Instant::now();
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(format!("generating the {} dataset (seed {})", scale.as_str(), args.seed));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let (regions, bands, seed) = (state.regions.clone(), state.bands.clone(), args.seed);
    let data = tokio::task::spawn_blocking(move || demo::generate(&regions, &bands, seed, scale)).await?;
    spinner.finish_and_clear();
    let generated = started.elapsed();

    let bar = ProgressBar::new(data.records() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:18} [{bar:40}] {human_pos}/{human_len} records ({elapsed}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let writing = Instant::now();
    let mut last_table = "";
    let mut table_started = Instant::now();
    let result = demo::write(&state.pool, &state.regions, &data, options, |p| {
        if p.table != last_table {
            if !last_table.is_empty() {
                tracing::debug!(table = last_table, seconds = table_started.elapsed().as_secs_f64(), "demo step done");
            }
            last_table = p.table;
            table_started = Instant::now();
        }
        bar.set_message(p.table);
        bar.set_position(p.done as u64);
    })
    .await;
    bar.finish_and_clear();
    let w = result.map_err(|e| anyhow::anyhow!("{e}; nothing was written"))?;
    let written = writing.elapsed();
    tracing::debug!(table = last_table, seconds = table_started.elapsed().as_secs_f64(), "demo step done");
    // Closing the pool lets SQLite fold its write-ahead log into the database file.
    state.pool.close().await;

    let n = |x: usize| int(x as i64, Lang::En);
    if w.deleted > 0 {
        println!("deleted {} earlier demo records", int(w.deleted as i64, Lang::En));
    }
    println!(
        "wrote demo data (scale {}, seed {}) to {}: {} training events (with {} participant rows by regency and {} by provider kind), {} service units, {} predicate records",
        scale.as_str(),
        args.seed,
        kla::db::redact(db.url()),
        n(w.events),
        n(w.by_regency),
        n(w.by_kind),
        n(w.units),
        n(w.predicates),
    );
    if w.predicates_skipped > 0 {
        println!("left out {} predicate records for regencies and years that already had one", n(w.predicates_skipped));
    }
    println!(
        "generated in {:.1} s, written in {:.1} s; every row is marked as demo and the pages say so",
        generated.as_secs_f64(),
        written.as_secs_f64()
    );
    Ok(())
}

/// `pantau-kla user add|password`: accounts from the command line (how the first administrator is made).
pub async fn user(db: &DbArgs, cmd: &UserCommand) -> anyhow::Result<()> {
    use kla::audit::{Actor, Via};
    use kla::auth;
    let state = open_store(db).await?;
    match cmd {
        UserCommand::Add(a) => {
            let username = auth::normalise_username(&a.username)?;
            let role = auth::Role::from_parts(&a.role, a.region.as_deref())?;
            if let Some(r) = role.region()
                && !state.regions.contains(r)
            {
                anyhow::bail!("the region {r} is not in the registry");
            }
            let password = read_password(a.password_stdin)?;
            auth::check_new_password(&password, &username).map_err(|k| {
                anyhow::anyhow!("{}", kla::i18n::trf(Lang::En, &format!("account.{k}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]))
            })?;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await?;
            let id = auth::create_user(&state.pool, &Actor::cli(), Via::Cli, &username, &a.name, &hash, role).await?;
            println!(
                "created user {username} (id {id}, role {}{})",
                role.as_str(),
                role.region().map(|r| format!(", region {r}")).unwrap_or_default()
            );
        }
        UserCommand::Password(a) => {
            let username = auth::normalise_username(&a.username)?;
            let Some((user, _)) = auth::find_for_sign_in(&state.pool, &username).await? else { anyhow::bail!("no active user {username}") };
            let password = read_password(a.password_stdin)?;
            auth::check_new_password(&password, &username).map_err(|k| {
                anyhow::anyhow!("{}", kla::i18n::trf(Lang::En, &format!("account.{k}"), &[("n", auth::MIN_PASSWORD_CHARS.to_string())]))
            })?;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await?;
            auth::change_password(&state.pool, &Actor::cli(), Via::Cli, &user, &hash, None).await?;
            println!("password of {username} changed; their sessions were ended");
        }
    }
    state.pool.close().await;
    Ok(())
}

/// A password from the terminal (asked twice) or from the first line of standard input.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("Password again: ")?;
    anyhow::ensure!(first == again, "the two passwords differ");
    Ok(first)
}

pub async fn instrument(db: &DbArgs, command: &InstrumentCommand) -> anyhow::Result<()> {
    use kla::evaluation::instrument::{self, LoadError, Meta};
    let state = open_store(db).await?;
    match command {
        InstrumentCommand::List => {
            for (_, code, name) in instrument::list(&state.pool).await? {
                println!("{code}\t{name}");
            }
        }
        InstrumentCommand::Add(a) => {
            let text = std::fs::read_to_string(&a.file).with_context(|| format!("could not read {}", a.file.display()))?;
            let parsed = match instrument::parse(&text) {
                Ok(p) => p,
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}: {e}", a.file.display());
                    }
                    anyhow::bail!("{} error(s) in {}; nothing was loaded", errors.len(), a.file.display());
                }
            };
            let meta = Meta {
                code: a.code.trim().to_string(),
                name: a.name.clone(),
                source: a.source.clone(),
                weights_note: a.weights_note.clone(),
                weights_assumed: !a.weights_published,
            };
            match instrument::store(&state.pool, &meta, &parsed, &kla::audit::Actor::cli()).await {
                Ok(_) => println!("loaded instrument {} with {} indicators", meta.code, parsed.indicators.len()),
                Err(LoadError::Exists(code)) => anyhow::bail!("an instrument with the code {code} is already loaded; nothing was changed"),
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

pub async fn storage(db: &DbArgs, command: &StorageCommand) -> anyhow::Result<()> {
    let StorageCommand::Sweep(args) = command;
    let mut state = open_store(db).await?;
    if let Some(location) = args.storage.as_deref().filter(|l| !l.trim().is_empty()) {
        state = state.with_storage(kla::evaluation::files::Storage::open(location.trim()).context("PANTAU_STORAGE")?);
    }
    let sweep = state.storage.sweep(&state.pool, chrono::Duration::minutes(args.grace_minutes.max(0)), args.dry_run).await?;
    for key in &sweep.orphans {
        println!("{}{key}", if args.dry_run { "would remove " } else { "removed " });
    }
    println!(
        "{}: {} object(s) kept, {} without a document {}, {} younger than {} min left alone",
        state.storage.describe,
        sweep.kept,
        sweep.orphans.len(),
        if args.dry_run { "(dry run: nothing removed)" } else { "removed" },
        sweep.recent,
        args.grace_minutes
    );
    Ok(())
}

/// `pantau-kla backup DEST`: see [`crate::backup`].
pub async fn backup(db: &DbArgs, args: &BackupArgs) -> anyhow::Result<()> {
    let s = crate::backup::run(db.url(), args.storage.as_deref(), &args.dest).await?;
    let dest = args.dest.display();
    println!(
        "backed up {} to {dest}: database {:.1} MB, {} evidence document(s), {:.1} MB",
        kla::db::redact(db.url()),
        s.database_bytes as f64 / 1e6,
        s.documents,
        s.document_bytes as f64 / 1e6
    );
    if !s.missing.is_empty() {
        eprintln!("{} document(s) were removed from the store after the snapshot and are not in the backup:", s.missing.len());
        for key in &s.missing {
            eprintln!("  {key}");
        }
    }
    println!(
        "serve it with DATABASE_URL=sqlite:{dest}/{} (documents in {dest}/{})",
        crate::backup::DATABASE_FILE,
        crate::backup::STORAGE_DIR
    );
    Ok(())
}

/// `pantau-kla check [--repair]`: see [`kla::summaries::check`].
pub async fn check(db: &DbArgs, args: &crate::config::CheckArgs) -> anyhow::Result<()> {
    let state = open_store(db).await?;
    if args.repair {
        let settled = kla::summaries::rebuild(&state.pool).await?;
        println!("ringkasan dibangun ulang dari data: {} kunci", settled.keys);
    }
    let differences = kla::summaries::check(&state.pool).await?;
    if differences.is_empty() {
        println!("ringkasan cocok dengan data (summaries match the records)");
        return Ok(());
    }
    const SHOWN: usize = 50;
    for d in differences.iter().take(SHOWN) {
        println!("{d}");
    }
    if differences.len() > SHOWN {
        println!("… dan {} lainnya", differences.len() - SHOWN);
    }
    anyhow::bail!("{} baris ringkasan berbeda dari data; jalankan `pantau-kla check --repair`", differences.len())
}
