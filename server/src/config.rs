//! Configuration: flags and environment variables with documented defaults, read once at start.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The SQLite file used when `DATABASE_URL` is unset (or empty); it is created with its folder on first
/// start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/pantau-kla.db";

#[derive(Debug, Parser)]
#[command(
    name = "pantau-kla",
    version,
    about = "Pantau KLA: follow Indonesia's Child-Friendly Regency/City programme (KHA training, certified service units, KLA predicates).",
    long_about = "Pantau KLA: follow Indonesia's Child-Friendly Regency/City programme (KHA training, certified service \
units, KLA predicates).\n\nWithout a command it serves the dashboard, as `pantau-kla serve` does. Logging follows RUST_LOG \
(default: info), e.g. RUST_LOG=debug or RUST_LOG=pantau_kla=debug,sqlx=warn."
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// Database to use: `sqlite:PATH` (created on first start) or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    /// Several servers may share one PostgreSQL database. An empty value counts as unset.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true, hide_env_values = true)]
    pub database_url: String,

    /// Most database connections this process keeps open. 0 (the default): 2 × the processor cores + 1,
    /// between 5 and 32. A query that finds every connection busy waits up to 10 s, then fails ("pool timed
    /// out"); see docs/operations.md.
    #[arg(long, env = "PANTAU_DB_MAX_CONNECTIONS", default_value_t = 0, global = true)]
    pub db_max_connections: u32,
}

impl DbArgs {
    /// The URL in force, with an empty value treated as unset.
    pub fn url(&self) -> &str {
        if self.database_url.trim().is_empty() { DEFAULT_DATABASE_URL } else { self.database_url.trim() }
    }

    /// The pool size in force: as given, or the default for this machine's cores.
    pub fn max_connections(&self) -> u32 {
        if self.db_max_connections == 0 { kla::db::default_max_connections(kla::db::cores()) } else { self.db_max_connections }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default command).
    Serve(ServeArgs),
    /// Import a CSV or XLSX file of training events, service units or predicate records (the kind is read
    /// from the header). Every row is checked first; a file with any error writes nothing. Each row is
    /// recorded in the audit trail as done by `cli`.
    Import(ImportArgs),
    /// Manage accounts: `user add` (the first administrator is made this way), `user password`.
    #[command(subcommand)]
    User(UserCommand),
    /// Evaluation instruments: `instrument add FILE` loads a new version (e.g. after the regulation is
    /// revised) from a CSV in the format of kla/data/instruments/README.md; `instrument list`.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Evidence storage: `storage sweep` removes objects no document refers to (left when a server stopped
    /// between storing a file and recording it).
    #[command(subcommand)]
    Storage(StorageCommand),
    /// Copy an SQLite database and the evidence documents its rows refer to into a new folder, while the
    /// server runs (a consistent snapshot). The folder can be served as it is:
    /// `DATABASE_URL=sqlite:DEST/pantau-kla.db` (documents in DEST/bukti). PostgreSQL and S3 are backed up
    /// with their own tools: see docs/backup.md.
    Backup(BackupArgs),
    /// Fill the database with a synthetic demo dataset: training events, service units and predicate
    /// records for all 514 kabupaten/kota, the same for the same seed. Every row is marked as demo and the
    /// pages say so. Refuses a database that already holds data unless told otherwise (--force,
    /// --replace); everything is written in one transaction, or nothing.
    Demo(DemoArgs),
    /// Recompute the summaries the pages read (training per region and year, service units per kab/kota and
    /// kind, each kab/kota's part in its province's trainings) from the records and compare them with what
    /// is stored: lists every difference and fails if there is one. `--repair` rebuilds them all.
    Check(CheckArgs),
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// Rebuild every summary from the records (in one transaction) instead of only reporting.
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "PANTAU_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// A CSV file of scorecard targets (columns target, provider_kind, threshold, source) replacing the
    /// bundled ones in kla/data/targets.csv: e.g. `certified_unit_share,,0.6,Provincial plan 2026`.
    #[arg(long, env = "PANTAU_TARGETS")]
    pub targets: Option<PathBuf>,

    /// Mark cookies `Secure` on every response. Without it they are marked so only when a reverse proxy
    /// says the request came over HTTPS (`X-Forwarded-Proto: https`). Set it when serving over HTTPS.
    #[arg(long, env = "PANTAU_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Where evidence documents are kept: a folder, or `s3://BUCKET[/PREFIX]` for S3-compatible storage
    /// (credentials, region and endpoint from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
    /// AWS_ENDPOINT, AWS_ALLOW_HTTP). Several app servers must share it. Default: the folder `bukti` beside
    /// the SQLite database file (`data/bukti`).
    #[arg(long, env = "PANTAU_STORAGE")]
    pub storage: Option<String>,

    #[command(flatten)]
    pub import_limits: ImportLimitArgs,

    /// The most bytes of evidence documents one regency may keep, all evaluation cycles together; an
    /// upload beyond it is refused with a message and nothing stored. Default 2 GiB (2147483648).
    #[arg(long, env = "PANTAU_EVIDENCE_QUOTA_BYTES", default_value_t = kla::evaluation::files::DEFAULT_QUOTA_BYTES, value_parser = clap::value_parser!(i64).range(0..))]
    pub evidence_quota_bytes: i64,

    /// Addresses of reverse proxies in front of the server, comma-separated (e.g. `127.0.0.1`). For a request
    /// from one of them the client is the nearest untrusted address in `X-Forwarded-For`, so sign-in
    /// throttling and the per-client render limit count real clients, not the proxy, and the proxy's own
    /// connections count only against the overall cap. Default: none (the connection's address is the
    /// client, and `X-Forwarded-For` is ignored, since any client can send it).
    #[arg(long, env = "PANTAU_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    #[command(flatten)]
    pub connections: ConnectionArgs,

    #[command(flatten)]
    pub renders: RenderLimitArgs,

    /// Serve Prometheus metrics at http://ADDR/metrics, on this address only (e.g. 127.0.0.1:9464; port 0
    /// picks a free port, the log says which). Without it nothing is recorded and nothing listens; the
    /// public address never serves /metrics. Keep it off the public network: the figures describe the
    /// server's load. What each metric means: docs/operations.md.
    #[arg(long, env = "PANTAU_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Seconds the bulk download of every figure (/api/v1/semua-angka.zip) is served after a write before
    /// the next request builds it again: one build costs seconds of CPU at national scale, so a client
    /// asking for it after every write in the season cannot keep a core busy. 0: rebuild after any write.
    #[arg(long, env = "PANTAU_BULK_MIN_AGE", default_value_t = app::state::DEFAULT_BULK_MIN_AGE_SECS)]
    pub bulk_min_age: u64,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:3000".parse().expect("valid default address"),
            targets: None,
            secure_cookies: false,
            storage: None,
            import_limits: ImportLimitArgs::default(),
            evidence_quota_bytes: kla::evaluation::files::DEFAULT_QUOTA_BYTES,
            trusted_proxies: Vec::new(),
            connections: ConnectionArgs::default(),
            renders: RenderLimitArgs::default(),
            metrics_addr: None,
            bulk_min_age: app::state::DEFAULT_BULK_MIN_AGE_SECS,
        }
    }
}

// Limits of spreadsheet imports (issue 11, slice A).

/// How much one import may ask of the server: rows per file (web and `pantau-kla import`) and drafts per
/// user (checked files waiting for confirmation, kept an hour).
#[derive(Debug, Args, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimitArgs {
    /// Most data rows in one imported file (CSV or XLSX); a larger file is refused with a message naming
    /// the limit. The benchmark imports 100,000.
    #[arg(long, env = "PANTAU_IMPORT_MAX_ROWS", default_value_t = kla::spreadsheet::DEFAULT_MAX_ROWS)]
    pub import_max_rows: usize,

    /// Most checked files one user may leave waiting for confirmation; the upload page says so when hit.
    #[arg(long, env = "PANTAU_IMPORT_MAX_DRAFTS", default_value_t = kla::import::DEFAULT_MAX_DRAFTS)]
    pub import_max_drafts: usize,
}

impl Default for ImportLimitArgs {
    fn default() -> Self {
        let d = kla::import::ImportLimits::default();
        Self { import_max_rows: d.max_rows, import_max_drafts: d.max_drafts }
    }
}

impl From<ImportLimitArgs> for kla::import::ImportLimits {
    fn from(a: ImportLimitArgs) -> Self {
        Self { max_rows: a.import_max_rows, max_drafts: a.import_max_drafts }
    }
}

/// Timeouts and connection limits (issue 11): what a slow or greedy client may hold. Defaults in
/// [`crate::connections::Limits::default`].
#[derive(Debug, Args, Clone)]
pub struct ConnectionArgs {
    /// Seconds a client has to send a request's headers (also how long an idle keep-alive connection is
    /// kept); slower connections are closed.
    #[arg(long, env = "PANTAU_HEADER_TIMEOUT", default_value_t = crate::connections::DEFAULT_HEADER_TIMEOUT_SECS)]
    pub header_timeout: u64,

    /// Seconds a request body may take before it must keep up --body-min-rate on average (so a 20 MB
    /// upload over a weak phone network succeeds, and a client dripping bytes is cut off with 408).
    #[arg(long, env = "PANTAU_BODY_TIMEOUT", default_value_t = crate::connections::DEFAULT_BODY_GRACE_SECS)]
    pub body_timeout: u64,

    /// The slowest average upload accepted after --body-timeout, in bytes per second.
    #[arg(long, env = "PANTAU_BODY_MIN_RATE", default_value_t = crate::connections::DEFAULT_BODY_MIN_RATE)]
    pub body_min_rate: u64,

    /// Seconds the server may work on a request once its body has arrived; longer work is stopped (its
    /// transaction rolled back) and answered 503.
    #[arg(long, env = "PANTAU_REQUEST_TIMEOUT", default_value_t = crate::connections::DEFAULT_REQUEST_TIMEOUT_SECS)]
    pub request_timeout: u64,

    /// Most connections open at once; further ones are answered 503 and closed. Keep it below the
    /// process's open-file limit (`ulimit -n`) less the database connections.
    #[arg(long, env = "PANTAU_MAX_CONNECTIONS", default_value_t = crate::connections::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Most connections open at once from one client address (IPv6: one /64). 0 = no per-client limit.
    /// Connections from a --trusted-proxies address count only overall (limit per client at the proxy).
    #[arg(long, env = "PANTAU_MAX_CONNECTIONS_PER_CLIENT", default_value_t = crate::connections::DEFAULT_MAX_CONNECTIONS_PER_CLIENT)]
    pub max_connections_per_client: usize,
}

impl Default for ConnectionArgs {
    fn default() -> Self {
        let l = crate::connections::Limits::default();
        Self {
            header_timeout: l.header_timeout.as_secs(),
            body_timeout: l.body_grace.as_secs(),
            body_min_rate: l.body_min_rate,
            request_timeout: l.request_timeout.as_secs(),
            max_connections: l.max_connections,
            max_connections_per_client: l.max_connections_per_client,
        }
    }
}

impl ConnectionArgs {
    pub fn limits(&self) -> crate::connections::Limits {
        use std::time::Duration;
        crate::connections::Limits {
            header_timeout: Duration::from_secs(self.header_timeout.max(1)),
            body_grace: Duration::from_secs(self.body_timeout.max(1)),
            body_min_rate: self.body_min_rate,
            request_timeout: Duration::from_secs(self.request_timeout.max(1)),
            max_connections: self.max_connections.max(1),
            max_connections_per_client: self.max_connections_per_client,
        }
    }
}

/// Bounds on fresh renders (requests the response cache cannot answer), so that one client asking for
/// uncached page after page cannot take the machine from other readers. Cached pages never wait.
#[derive(Debug, Args, Clone, Default)]
pub struct RenderLimitArgs {
    /// Fresh renders at once, over all clients. 0 (the default): the processor cores less one (a core is
    /// left for answers from the cache), at least 1, and fewer than the database connections, so renders
    /// alone never hold every connection.
    #[arg(long, env = "PANTAU_RENDER_CONCURRENCY", default_value_t = 0)]
    pub render_concurrency: usize,

    /// Fresh renders at once from one client address (IPv6: one /64). Signed-in officers count only
    /// against the overall bound. 0 turns the per-client bound off. Behind a reverse proxy, list it in
    /// --trusted-proxies so that clients are told apart by X-Forwarded-For. Default: 2.
    #[arg(long, env = "PANTAU_RENDER_PER_CLIENT", default_value_t = app::render_limit::DEFAULT_PER_CLIENT)]
    pub render_per_client: usize,

    /// How long a request over a bound waits for a slot before it is answered 503 with Retry-After, in
    /// milliseconds. Default: 3000.
    #[arg(long, env = "PANTAU_RENDER_WAIT_MS", default_value_t = app::render_limit::DEFAULT_WAIT_MS)]
    pub render_wait_ms: u64,
}

impl RenderLimitArgs {
    /// Fresh renders at once over all clients with a pool of `pool_size` connections: as given, or the
    /// default ([`default_render_concurrency`]).
    pub fn overall(&self, pool_size: u32) -> usize {
        if self.render_concurrency == 0 {
            default_render_concurrency(app::render_limit::default_overall(), pool_size)
        } else {
            self.render_concurrency
        }
    }

    pub fn limiter(&self, pool_size: u32) -> app::render_limit::RenderLimiter {
        app::render_limit::RenderLimiter::new(
            self.overall(pool_size),
            self.render_per_client,
            std::time::Duration::from_millis(self.render_wait_ms),
        )
    }
}

/// The default bound on fresh renders: `by_cores` (cores − 1), but below the pool size when the pool is
/// small, so that a connection is always left for cache hits (each reads the data version) and sign-ins;
/// at least 1.
pub fn default_render_concurrency(by_cores: usize, pool_size: u32) -> usize {
    by_cores.min(usize::try_from(pool_size.saturating_sub(1)).unwrap_or(usize::MAX)).max(1)
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is asked for twice on a terminal, or read as the first line of
    /// standard input (`--password-stdin`), never taken from the command line.
    Add(UserAddArgs),
    /// Set a new password for an account (and end its sessions).
    Password(UserPasswordArgs),
}

#[derive(Debug, Args, Clone)]
pub struct UserAddArgs {
    /// The user name: 3–64 characters, letters, digits, '.', '_' or '-' (stored lower-case).
    pub username: String,
    /// admin (everything), province (a province and its regencies) or regency (one regency).
    #[arg(long)]
    pub role: String,
    /// The region of a province officer (PP, e.g. 63) or a regency officer (PP.KK, e.g. 63.10).
    #[arg(long)]
    pub region: Option<String>,
    /// The name shown to other officers.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// List the objects without a document and remove those older than the grace period.
    Sweep(SweepArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SweepArgs {
    /// The store: as `serve --storage` (default: `bukti/` beside the SQLite file).
    #[arg(long, env = "PANTAU_STORAGE")]
    pub storage: Option<String>,
    /// Leave objects younger than this alone (an upload may be between storing and recording).
    #[arg(long, default_value_t = 60)]
    pub grace_minutes: i64,
    /// Only list what would be removed.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args, Clone)]
pub struct BackupArgs {
    /// The folder to create (it must not exist, or be empty).
    pub dest: PathBuf,
    /// The evidence store: as `serve --storage` (default: `bukti/` beside the SQLite file).
    #[arg(long, env = "PANTAU_STORAGE")]
    pub storage: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum InstrumentCommand {
    /// Load a new instrument version. Every row is checked first; a file with any error loads nothing.
    Add(InstrumentAddArgs),
    /// List the loaded versions.
    List,
}

#[derive(Debug, Args, Clone)]
pub struct InstrumentAddArgs {
    /// The CSV file: one row per evidence item (columns in kla/data/instruments/README.md).
    pub file: PathBuf,
    /// A short unique code, e.g. permen-pppa-2026.
    #[arg(long)]
    pub code: String,
    /// The name shown on the pages.
    #[arg(long)]
    pub name: String,
    /// The regulation or document the indicators follow.
    #[arg(long)]
    pub source: String,
    /// Where the points per indicator come from, shown beside every simulated score.
    #[arg(long)]
    pub weights_note: String,
    /// The weights are published by the ministry (without it they are labelled as assumed).
    #[arg(long)]
    pub weights_published: bool,
}

#[derive(Debug, Args, Clone)]
pub struct UserPasswordArgs {
    pub username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The file: CSV (comma- or semicolon-separated, UTF-8) or an Excel workbook (.xlsx, first sheet).
    /// Templates: docs/import.md, or the downloads on /kelola/impor.
    pub file: PathBuf,
    /// Language of the error messages: id or en.
    #[arg(long, default_value = "id")]
    pub lang: String,
    /// Most data rows in the file (as `serve --import-max-rows`).
    #[arg(long, env = "PANTAU_IMPORT_MAX_ROWS", default_value_t = kla::spreadsheet::DEFAULT_MAX_ROWS)]
    pub import_max_rows: usize,
    /// Update stored records: a row with an `id` (an export's first column) changes that record, a
    /// predicate record row the one of its kab/kota and award year. Without it, every row adds a record
    /// and a row naming or repeating a stored one is refused.
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Seed of the generator: the same seed always gives the same dataset, another seed another one.
    #[arg(long, default_value_t = kla::demo::DEFAULT_SEED)]
    pub seed: u64,

    /// How much to generate.
    #[arg(long, value_enum, default_value_t = DemoScale::Demo)]
    pub scale: DemoScale,

    /// Write even when the database already holds imported (non-demo) data. The demo rows are then mixed
    /// with the real ones (the pages show the demo banner), and a demo predicate record is left out where
    /// the regency already has one for that award year.
    #[arg(long)]
    pub force: bool,

    /// Delete the demo rows written earlier, in the same transaction as the new ones, instead of refusing
    /// to add demo data a second time. Non-demo rows are never deleted.
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScale {
    /// All 514 regencies over 2017–2025: 10–40 training events per province and year, 20–150 service
    /// units per regency, predicate records in the real award years (no round in 2020 or 2024).
    Demo,
    /// The benchmark size: 514 regencies × 8 years (2018–2025), 100,000 training events, 500,000 service
    /// units and a predicate record for every regency and year.
    National,
}

impl From<DemoScale> for kla::demo::Scale {
    fn from(s: DemoScale) -> Self {
        match s {
            DemoScale::Demo => kla::demo::Scale::Demo,
            DemoScale::National => kla::demo::Scale::National,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed_and_serve_is_the_default() {
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from(["pantau-kla"]).unwrap();
        assert!(cli.command.is_none());
    }

    #[test]
    fn demo_flags_parse_with_their_defaults() {
        let cli = Cli::try_parse_from(["pantau-kla", "demo"]).unwrap();
        let Some(Command::Demo(args)) = cli.command else { panic!("demo command") };
        assert_eq!((args.seed, args.scale, args.force, args.replace), (kla::demo::DEFAULT_SEED, DemoScale::Demo, false, false));
        let cli = Cli::try_parse_from(["pantau-kla", "demo", "--seed", "7", "--scale", "national", "--force", "--replace"]).unwrap();
        let Some(Command::Demo(args)) = cli.command else { panic!("demo command") };
        assert_eq!((args.seed, args.scale, args.force, args.replace), (7, DemoScale::National, true, true));
        assert!(Cli::try_parse_from(["pantau-kla", "demo", "--scale", "huge"]).is_err());
    }

    #[test]
    fn user_add_takes_role_region_and_never_a_password_flag() {
        let cli = Cli::try_parse_from(["pantau-kla", "user", "add", "rina", "--role", "regency", "--region", "63.10", "--password-stdin"])
            .unwrap();
        let Some(Command::User(UserCommand::Add(a))) = cli.command else { panic!("user add") };
        assert_eq!((a.username.as_str(), a.role.as_str(), a.region.as_deref(), a.password_stdin), ("rina", "regency", Some("63.10"), true));
        assert!(Cli::try_parse_from(["pantau-kla", "user", "add", "rina", "--role", "admin", "--password", "x"]).is_err());
    }

    #[test]
    fn import_limits_default_and_parse_for_serve_and_import() {
        let cli = Cli::try_parse_from(["pantau-kla", "serve"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(args.import_limits, ImportLimitArgs { import_max_rows: 100_000, import_max_drafts: 5 });
        let cli = Cli::try_parse_from(["pantau-kla", "serve", "--import-max-rows", "500", "--import-max-drafts", "2"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(kla::import::ImportLimits::from(args.import_limits), kla::import::ImportLimits { max_rows: 500, max_drafts: 2 });
        let cli = Cli::try_parse_from(["pantau-kla", "import", "f.csv", "--import-max-rows", "7"]).unwrap();
        let Some(Command::Import(args)) = cli.command else { panic!("import") };
        assert_eq!(args.import_max_rows, 7);
    }

    #[test]
    fn render_limits_have_documented_defaults() {
        let cli = Cli::try_parse_from(["pantau-kla", "serve"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!((args.renders.render_concurrency, args.renders.render_per_client, args.renders.render_wait_ms), (0, 2, 3000));
        let cli =
            Cli::try_parse_from(["pantau-kla", "serve", "--render-concurrency", "8", "--render-per-client", "0", "--render-wait-ms", "50"])
                .unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(args.renders.limiter(16).retry_after_seconds(), 1);
        assert_eq!(args.renders.overall(4), 8, "an explicit bound is kept (serve warns when it exceeds the pool)");
        assert_eq!((args.renders.render_concurrency, args.renders.render_per_client), (8, 0));
    }

    #[test]
    fn empty_database_url_means_the_default() {
        let db = DbArgs { database_url: "  ".into(), db_max_connections: 1 };
        assert_eq!(db.url(), DEFAULT_DATABASE_URL);
    }

    #[test]
    fn the_pool_defaults_to_the_machine_and_can_be_set() {
        let cli = Cli::try_parse_from(["pantau-kla", "serve"]).unwrap();
        assert_eq!(cli.db.db_max_connections, 0);
        assert_eq!(cli.db.max_connections(), kla::db::default_max_connections(kla::db::cores()));
        let cli = Cli::try_parse_from(["pantau-kla", "serve", "--db-max-connections", "3"]).unwrap();
        assert_eq!(cli.db.max_connections(), 3);
    }

    /// Renders at once by default never reach the pool size, on any machine and with any pool size given,
    /// so fresh renders alone can never hold every connection.
    #[test]
    fn default_renders_stay_below_the_pool() {
        for cores in 1_usize..=256 {
            let by_cores = cores.saturating_sub(1).max(1);
            let pool = kla::db::default_max_connections(cores);
            let renders = default_render_concurrency(by_cores, pool);
            assert!(renders >= 1 && (renders as u32) < pool, "{cores} cores: {renders} renders, pool {pool}");
            for given in 2..=40 {
                assert!((default_render_concurrency(by_cores, given) as u32) < given, "{cores} cores, pool {given}");
            }
        }
        assert_eq!(default_render_concurrency(7, 1), 1, "at least one render, even with one connection");
        let pool = DbArgs { database_url: String::new(), db_max_connections: 0 }.max_connections();
        assert!((RenderLimitArgs::default().overall(pool) as u32) < pool, "on this machine too");
    }

    #[test]
    fn metrics_are_off_unless_an_address_is_given() {
        let cli = Cli::try_parse_from(["pantau-kla", "serve"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(args.metrics_addr, None);
        let cli = Cli::try_parse_from(["pantau-kla", "serve", "--metrics-addr", "127.0.0.1:9464"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(args.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
    }
}
