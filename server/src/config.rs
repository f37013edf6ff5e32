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

    /// Most database connections this process keeps open.
    #[arg(long, env = "PANTAU_DB_MAX_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_max_connections: u32,
}

impl DbArgs {
    /// The URL in force, with an empty value treated as unset.
    pub fn url(&self) -> &str {
        if self.database_url.trim().is_empty() { DEFAULT_DATABASE_URL } else { self.database_url.trim() }
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
    /// revised) from a CSV in the format of app/data/instruments/README.md; `instrument list`.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Evidence storage: `storage sweep` removes objects no document refers to (left when a server stopped
    /// between storing a file and recording it).
    #[command(subcommand)]
    Storage(StorageCommand),
    /// Fill the database with a synthetic demo dataset: training events, service units and predicate
    /// records for all 514 kabupaten/kota, the same for the same seed. Every row is marked as demo and the
    /// pages say so. Refuses a database that already holds data unless told otherwise (--force,
    /// --replace); everything is written in one transaction, or nothing.
    Demo(DemoArgs),
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "PANTAU_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// A CSV file of scorecard targets (columns target, provider_kind, threshold, source) replacing the
    /// bundled ones in app/data/targets.csv: e.g. `certified_unit_share,,0.6,Provincial plan 2026`.
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
    pub renders: RenderLimitArgs,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:3000".parse().expect("valid default address"),
            targets: None,
            secure_cookies: false,
            storage: None,
            renders: RenderLimitArgs::default(),
        }
    }
}

/// Bounds on fresh renders (requests the response cache cannot answer), so that one client asking for
/// uncached page after page cannot take the machine from other readers. Cached pages never wait.
#[derive(Debug, Args, Clone, Default)]
pub struct RenderLimitArgs {
    /// Fresh renders at once, over all clients. 0 (the default): the processor cores less one (a core is
    /// left for answers from the cache), at least 1.
    #[arg(long, env = "PANTAU_RENDER_CONCURRENCY", default_value_t = 0)]
    pub render_concurrency: usize,

    /// Fresh renders at once from one client address (IPv6: one /64). Signed-in officers count only
    /// against the overall bound. 0 turns the per-client bound off — needed behind a reverse proxy, where
    /// every request comes from the proxy's address. Default: 1.
    #[arg(long, env = "PANTAU_RENDER_PER_CLIENT", default_value_t = app::render_limit::DEFAULT_PER_CLIENT)]
    pub render_per_client: usize,

    /// How long a request over a bound waits for a slot before it is answered 503 with Retry-After, in
    /// milliseconds. Default: 1000.
    #[arg(long, env = "PANTAU_RENDER_WAIT_MS", default_value_t = app::render_limit::DEFAULT_WAIT_MS)]
    pub render_wait_ms: u64,
}

impl RenderLimitArgs {
    pub fn limiter(&self) -> app::render_limit::RenderLimiter {
        let overall = if self.render_concurrency == 0 { app::render_limit::default_overall() } else { self.render_concurrency };
        app::render_limit::RenderLimiter::new(overall, self.render_per_client, std::time::Duration::from_millis(self.render_wait_ms))
    }
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

#[derive(Debug, Subcommand)]
pub enum InstrumentCommand {
    /// Load a new instrument version. Every row is checked first; a file with any error loads nothing.
    Add(InstrumentAddArgs),
    /// List the loaded versions.
    List,
}

#[derive(Debug, Args, Clone)]
pub struct InstrumentAddArgs {
    /// The CSV file: one row per evidence item (columns in app/data/instruments/README.md).
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
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    /// Seed of the generator: the same seed always gives the same dataset, another seed another one.
    #[arg(long, default_value_t = app::demo::DEFAULT_SEED)]
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

impl From<DemoScale> for app::demo::Scale {
    fn from(s: DemoScale) -> Self {
        match s {
            DemoScale::Demo => app::demo::Scale::Demo,
            DemoScale::National => app::demo::Scale::National,
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
        assert_eq!((args.seed, args.scale, args.force, args.replace), (app::demo::DEFAULT_SEED, DemoScale::Demo, false, false));
        let cli = Cli::try_parse_from(["pantau-kla", "demo", "--seed", "7", "--scale", "national", "--force", "--replace"]).unwrap();
        let Some(Command::Demo(args)) = cli.command else { panic!("demo command") };
        assert_eq!((args.seed, args.scale, args.force, args.replace), (7, DemoScale::National, true, true));
        assert!(Cli::try_parse_from(["pantau-kla", "demo", "--scale", "huge"]).is_err());
    }

    #[test]
    fn user_add_takes_role_region_and_never_a_password_flag() {
        let cli = Cli::try_parse_from(["pantau-kla", "user", "add", "rina", "--role", "regency", "--region", "63.10", "--password-stdin"]).unwrap();
        let Some(Command::User(UserCommand::Add(a))) = cli.command else { panic!("user add") };
        assert_eq!((a.username.as_str(), a.role.as_str(), a.region.as_deref(), a.password_stdin), ("rina", "regency", Some("63.10"), true));
        assert!(Cli::try_parse_from(["pantau-kla", "user", "add", "rina", "--role", "admin", "--password", "x"]).is_err());
    }

    #[test]
    fn render_limits_have_documented_defaults() {
        let cli = Cli::try_parse_from(["pantau-kla", "serve"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!((args.renders.render_concurrency, args.renders.render_per_client, args.renders.render_wait_ms), (0, 1, 1000));
        let cli = Cli::try_parse_from(["pantau-kla", "serve", "--render-concurrency", "8", "--render-per-client", "0", "--render-wait-ms", "50"]).unwrap();
        let Some(Command::Serve(args)) = cli.command else { panic!("serve") };
        assert_eq!(args.renders.limiter().retry_after_seconds(), 1);
        assert_eq!((args.renders.render_concurrency, args.renders.render_per_client), (8, 0));
    }

    #[test]
    fn empty_database_url_means_the_default() {
        let db = DbArgs { database_url: "  ".into(), db_max_connections: 1 };
        assert_eq!(db.url(), DEFAULT_DATABASE_URL);
    }
}
