//! The `stemma` command line: a thin layer over the library.
//!
//! Exit status: 0 when the analysis ran (inputs that could not be read are
//! reported on standard error and skipped), 1 when no input could be read at
//! all, 2 for a usage or configuration error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use stemma::config::Config;
use stemma::ingest::{read_inputs, JsonFields};
use stemma::report::{write_json, write_terminal, Report};
use stemma::Progress;

/// Traces news copy: finds duplicates, versions and paraphrased rewrites
/// among articles, and says what each copy changed.
#[derive(Parser)]
#[command(name = "stemma", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find the copies among articles and report what each copy changed.
    Analyze(Box<AnalyzeArgs>),
    /// Print the default configuration as TOML (a starting point for --config).
    Config,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Files and directories to read: directories of .txt files, .jsonl
    /// files, text files; `-` reads JSONL from standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// TOML file overriding configuration defaults (see `stemma config`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    id_field: String,
    /// JSONL field holding the headline.
    #[arg(long, default_value = "title")]
    title_field: String,
    /// JSONL field holding the body text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding the outlet.
    #[arg(long, default_value = "outlet")]
    outlet_field: String,
    /// JSONL field holding the publication time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, default_value = "published")]
    published_field: String,
    /// JSONL field holding the URL.
    #[arg(long, default_value = "url")]
    url_field: String,
    /// Never show progress, even on a terminal.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A readable summary: one line per relation, then its changes.
    Text,
    /// The JSON contract (schema_version 1), documented in docs/schema.md.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze(*args),
        Command::Config => print_config(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stemma: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn print_config() -> anyhow::Result<ExitCode> {
    let text = toml::to_string_pretty(&Config::default()).context("serializing the default configuration")?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn analyze(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::from_toml_file(path)?,
        None => Config::default(),
    };
    let fields = JsonFields {
        id: args.id_field,
        title: args.title_field,
        text: args.text_field,
        outlet: args.outlet_field,
        published: args.published_field,
        url: args.url_field,
    };
    let started = Instant::now();
    let batch = read_inputs(&args.paths, &fields);
    for error in &batch.errors {
        eprintln!("stemma: {error}");
    }
    if batch.articles.is_empty() {
        eprintln!("stemma: no article could be read; nothing to analyse");
        return Ok(ExitCode::from(1));
    }

    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let progress: Box<dyn Progress> = if show_progress { Box::new(Bar::default()) } else { Box::new(stemma::Quiet) };
    let analysis = stemma::analyze(&batch.articles, &config, progress.as_ref());
    if show_progress {
        eprintln!(
            "stemma: {} documents in {:.1}s ({:.0} documents/s)",
            analysis.documents.len(),
            started.elapsed().as_secs_f64(),
            analysis.documents.len() as f64 / started.elapsed().as_secs_f64().max(1e-9)
        );
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let written = match args.format {
        Format::Text => write_terminal(&mut out, &analysis),
        Format::Json => write_json(&mut out, &Report::new(&analysis, &batch.errors)),
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`stemma analyze … | head`) is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(err).context("writing the report"),
    }
}

/// Progress on standard error: one bar per stage, with a rate.
#[derive(Default)]
struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        let mut slot = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = slot.take() {
            old.finish_and_clear();
        }
        let bar = ProgressBar::new(total);
        let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(name);
        *slot = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
