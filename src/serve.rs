//! `stemma serve`: the HTTP server (crates/server) over an index.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use stemma_index::Index;

/// Examples, under `stemma serve --help`.
pub const SERVE_HELP: &str = "\
Examples:
  stemma serve --index news.idx
  curl -s localhost:7878/v1/query -d '{\"id\":\"new\",\"text\":\"…\"}'
  STEMMA_TOKEN=s3cret stemma serve --index news.idx --addr 0.0.0.0:7878

The API is in docs/api.md. The server listens on 127.0.0.1 unless given a
token; with one, every write must send `Authorization: Bearer TOKEN`.
Stop it with Ctrl-C: what was acknowledged is stored.";

/// Arguments of `stemma serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The index directory (created when missing).
    #[arg(long)]
    index: PathBuf,
    /// Address to listen on; anything but the loopback needs --token.
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// Secret every write must carry as `Authorization: Bearer TOKEN`.
    #[arg(long, env = "STEMMA_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Largest request body in MB; a larger one is answered 413.
    #[arg(long, default_value_t = 16, value_name = "MB")]
    max_body_mb: usize,
    /// Longest a request may take, in seconds; then 408.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    request_timeout: u64,
    /// TOML configuration for a new index (see `stemma config`); an
    /// existing index keeps its own.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.max_body_mb >= 1, "--max-body-mb must be at least 1");
    anyhow::ensure!(args.request_timeout >= 1, "--request-timeout must be at least 1");
    let settings = stemma_server::Settings {
        addr: args.addr,
        token: args.token.filter(|t| !t.is_empty()),
        max_body_bytes: args.max_body_mb * 1024 * 1024,
        request_timeout: Duration::from_secs(args.request_timeout),
        ..stemma_server::Settings::default()
    };
    // Refused before the index is opened or created.
    stemma_server::check(&settings)?;
    let config = args.config.as_deref().map(stemma::config::Config::from_toml_file).transpose()?;
    let index = Arc::new(Index::create_or_open(&args.index, config.as_ref())?);
    let documents = index.info()?.documents;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the server")?;
    runtime.block_on(stemma_server::serve(index, settings, shutdown(), |addr| {
        eprintln!(
            "stemma: serving {} ({}) on http://{addr}/",
            args.index.display(),
            stemma::report::count(documents as usize, "article")
        );
    }))?;
    eprintln!("stemma: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
