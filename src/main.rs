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
use stemma::ingest::JsonFields;
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
    /// Near-duplicate mode: MinHash-LSH over word shingles only, for
    /// de-duplicating large corpora fast (no alignment, no changes).
    Dedup(Box<DedupArgs>),
    /// Print the default configuration as TOML (a starting point for --config).
    Config,
    /// Evaluate on public data in ../shared/data and write a result file.
    Eval(EvalArgs),
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Also write a self-contained HTML report (stories, side-by-side pairs,
    /// collation) to this file; open it in any browser, no server needed.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Largest size of the HTML report in MB: sentence texts beyond it are
    /// left out, largest stories kept, and the page says how many.
    #[arg(long, value_name = "MB", default_value_t = stemma::report::html::DEFAULT_MAX_MB)]
    html_max_mb: usize,
    /// Skip stories and collation (the same as `stories.enabled = false`).
    #[arg(long)]
    no_stories: bool,
}

#[derive(clap::Args)]
struct EvalArgs {
    #[command(subcommand)]
    which: EvalCommand,
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Sentence judgment as a paraphrase classifier on MRPC: fit on the
    /// train file, report accuracy and F1 on the test file.
    Mrpc {
        /// Folder holding msr_paraphrase_train.txt and msr_paraphrase_test.txt.
        #[arg(long, default_value = "../shared/data/mrpc")]
        data: PathBuf,
        /// Where to write the JSON result.
        #[arg(long, default_value = "eval/results/mrpc.json")]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct DedupArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Estimated Jaccard similarity of word shingles from which two articles
    /// are near-duplicates [default: relate.near_duplicate_jaccard, 0.5].
    #[arg(long)]
    threshold: Option<f64>,
}

/// What every command that reads articles accepts.
#[derive(clap::Args)]
struct InputArgs {
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
    /// Print the time each pipeline stage took to standard error, one line
    /// per stage (instead of progress bars): where a large run spends its time.
    #[arg(long)]
    timings: bool,
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
        Command::Dedup(args) => dedup(*args),
        Command::Config => print_config(),
        Command::Eval(args) => eval(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("stemma: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    match args.which {
        EvalCommand::Mrpc { data, out } => {
            let result = stemma::eval::mrpc(&data.join("msr_paraphrase_train.txt"), &data.join("msr_paraphrase_test.txt"))?;
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            let json = serde_json::to_string_pretty(&result).context("serializing the result")?;
            std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
            emit(&None, |w| {
                writeln!(w, "MRPC paraphrase judgment ({} train pairs, {} test pairs)", result.train_pairs, result.test_pairs)?;
                writeln!(w, "{:<34} {:>9} {:>7} {:>10} {:>7}", "", "accuracy", "F1", "precision", "recall")?;
                for (name, s) in [
                    ("train (fitted there)", result.train),
                    ("test: Stemma judgment", result.test),
                    ("test: similarity alone", result.similarity_only_test),
                ] {
                    writeln!(w, "{name:<34} {:>9.3} {:>7.3} {:>10.3} {:>7.3}", s.accuracy, s.f1, s.precision, s.recall)?;
                }
                writeln!(w, "written to {}", out.display())
            })
        }
    }
}

fn print_config() -> anyhow::Result<ExitCode> {
    let text = toml::to_string_pretty(&Config::default()).context("serializing the default configuration")?;
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

impl InputArgs {
    /// The JSONL field names the flags set.
    fn fields(&self) -> JsonFields {
        JsonFields {
            id: self.id_field.clone(),
            title: self.title_field.clone(),
            text: self.text_field.clone(),
            outlet: self.outlet_field.clone(),
            published: self.published_field.clone(),
            url: self.url_field.clone(),
        }
    }
}

/// Progress bars when standard error is a terminal and not `--quiet`;
/// nothing otherwise. Says which it chose.
fn progress(args: &InputArgs) -> (bool, Box<dyn Progress>) {
    if args.timings {
        (true, Box::new(Timings::default()))
    } else if !args.quiet && std::io::stderr().is_terminal() {
        (true, Box::new(Bar::default()))
    } else {
        (false, Box::new(stemma::Quiet))
    }
}

/// On a terminal, the closing line: documents, time and rate.
fn report_rate(show: bool, started: Instant, documents: usize) {
    if show {
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("stemma: {documents} documents in {seconds:.1}s ({:.0} documents/s)", documents as f64 / seconds.max(1e-9));
    }
}

/// Writes through `write` to the output file or standard output.
fn emit(output: &Option<PathBuf>, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<ExitCode> {
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`stemma analyze … | head`) is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(err).context("writing the report"),
    }
}

fn analyze(analyze_args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(analyze_args.html_max_mb >= 1, "--html-max-mb must be at least 1");
    let args = analyze_args.input;
    let mut config = load_config(&args)?;
    if analyze_args.no_stories {
        config.stories.enabled = false;
    }
    let started = Instant::now();
    let (show_progress, progress) = progress(&args);
    let (analysis, errors) = stemma::analyze_inputs(&args.paths, &args.fields(), &config, progress.as_ref());
    for error in &errors {
        eprintln!("stemma: {error}");
    }
    if analysis.documents.is_empty() {
        eprintln!("stemma: no article could be read; nothing to analyse");
        return Ok(ExitCode::from(1));
    }
    report_rate(show_progress, started, analysis.documents.len());
    if let Some(path) = &analyze_args.html {
        emit(&Some(path.clone()), |out| {
            stemma::report::html::write_html(out, &analysis, analyze_args.html_max_mb * 1024 * 1024)
        })
        .with_context(|| format!("writing the HTML report {}", path.display()))?;
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("stemma: HTML report written to {} ({:.1} MB)", path.display(), size as f64 / 1048576.0);
    }
    emit(&args.output, |out| match args.format {
        Format::Text => write_terminal(out, &analysis),
        Format::Json => write_json(out, &Report::new(&analysis, &errors)),
    })
}

fn load_config(args: &InputArgs) -> anyhow::Result<Config> {
    match &args.config {
        Some(path) => Config::from_toml_file(path),
        None => Ok(Config::default()),
    }
}

fn dedup(args: DedupArgs) -> anyhow::Result<ExitCode> {
    let input = &args.input;
    let config = load_config(input)?;
    let threshold = args.threshold.unwrap_or(config.relate.near_duplicate_jaccard);
    anyhow::ensure!((0.0..=1.0).contains(&threshold), "--threshold must lie in 0..=1, got {threshold}");
    let started = Instant::now();
    let (show_progress, progress) = progress(input);

    // Streamed: texts are sketched a chunk at a time and dropped.
    let mut finder = stemma::neardup::Finder::new(&config.sketch);
    let mut ids: Vec<String> = Vec::new();
    progress.stage("sketch", 0);
    let errors = stemma::ingest::for_each_chunk(&input.paths, &input.fields(), &mut |chunk| {
        let texts: Vec<&str> = chunk.iter().map(|a| a.text.as_str()).collect();
        finder.add(&texts, progress.as_ref());
        ids.extend(chunk.into_iter().map(|a| a.id));
    });
    for error in &errors {
        eprintln!("stemma: {error}");
    }
    if ids.is_empty() {
        eprintln!("stemma: no article could be read; nothing to analyse");
        return Ok(ExitCode::from(1));
    }
    let (pairs, clusters) =
        finder.finish(config.candidates.max_key_documents, threshold, progress.as_ref());
    report_rate(show_progress, started, ids.len());
    let result = stemma::report::NearDuplicateReport::new(&ids, &config.sketch, threshold, &pairs, &clusters, &errors);
    emit(&input.output, |out| match input.format {
        Format::Text => stemma::report::write_near_duplicates(out, &result),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &result)?;
            writeln!(out)
        }
    })
}

/// `--timings`: one line per finished stage on standard error, with its
/// wall time, so that a slow run shows which stage to look at.
#[derive(Default)]
struct Timings {
    current: Mutex<Option<(&'static str, Instant)>>,
}

impl Timings {
    fn close(slot: &mut Option<(&'static str, Instant)>) {
        if let Some((name, started)) = slot.take() {
            eprintln!("stemma: {name:<12} {:>9.2}s", started.elapsed().as_secs_f64());
        }
    }
}

impl Progress for Timings {
    fn stage(&self, name: &'static str, _: u64) {
        let mut slot = self.current.lock().unwrap_or_else(|e| e.into_inner());
        Self::close(&mut slot);
        *slot = Some((name, Instant::now()));
    }

    fn advance(&self, _: u64) {}

    fn finish(&self) {
        Self::close(&mut self.current.lock().unwrap_or_else(|e| e.into_inner()));
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
        // An unknown total (streamed input) shows a count and a rate only.
        let (bar, template) = if total == 0 {
            (ProgressBar::new_spinner(), "{prefix:>10} {spinner} {human_pos} documents ({per_sec})")
        } else {
            (ProgressBar::new(total), "{prefix:>10} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta})")
        };
        let style = ProgressStyle::with_template(template)
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
