//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default `info`). Messages are readable sentences
//! with dotted fields; no secrets (passwords are redacted from database URLs) and no personal data.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).with_writer(std::io::stderr).try_init();
}
