//! The `stemma` command line: a thin layer over the library.
//!
//! Exit status: 0 when the analysis ran (records that could not be read are
//! reported on standard error and skipped), 1 when no input could be read at
//! all, 2 for a usage or configuration error, an input path that does not
//! exist, or an output that could not be written (`MAIN_HELP`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use stemma::config::Config;
use stemma::ingest::{JsonFields, Reading};
use stemma::report::{write_json, write_terminal, Report};
use stemma::Progress;

mod extract;
mod index;
mod serve;

/// mimalloc rather than the system's allocator: an analysis makes and
/// frees millions of small strings and vectors, and with glibc's malloc
/// the allocator's own work was a tenth of the run. Built without
/// transparent huge pages (`no_thp`): on a host whose memory is fragmented
/// the kernel compacts memory to find them at fault time, which tripled a
/// 100k analysis's system time and made a 10k dedup 0.1-0.2 s slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Traces news copy: finds duplicates, versions and paraphrased rewrites
/// among articles, and says what each copy changed.
#[derive(Parser)]
#[command(name = "stemma", version, about, after_help = MAIN_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Examples and exit status, under `stemma --help`.
const MAIN_HELP: &str = "\
Examples:
  stemma analyze examples/corpus.jsonl               copies, changes and stories, for reading
  stemma analyze corpus.jsonl --format json -o r.json --html r.html
  stemma dedup corpus.jsonl --threshold 0.8          near-duplicate clusters, fast
  stemma config > stemma.toml                        every setting, documented
  stemma index add --index news.idx corpus.jsonl     a persistent index, one article at a time
  stemma extract CC-NEWS-*.warc.gz -o articles.jsonl the articles in web pages and archives
  stemma serve --index news.idx                      the index over HTTP on 127.0.0.1:7878

Exit status: 0 analysed (unreadable records are named on standard error and
skipped); 1 nothing could be read; 2 usage or configuration error, an input
path that does not exist, or an output that could not be written.
The user guide is GUIDE.md.";

/// Examples and exit status, under `stemma analyze --help`.
const ANALYZE_HELP: &str = "\
Examples:
  stemma analyze examples/corpus.jsonl
  stemma analyze articles/ --html report.html        also a page to read in a browser
  stemma analyze big.jsonl --format json -o report.json --timings
  cat corpus.jsonl | stemma analyze - --text-field body

Inputs: .jsonl/.ndjson files (one JSON object per line), .txt files (one
article each; a short first line followed by a blank line is the headline),
web pages (.html/.htm: the article's main text and metadata are extracted),
web archives (.warc/.warc.gz: their HTML responses), directories of them,
and `-` for JSONL on standard input. `stemma extract` shows what is read.

Exit status: 0 analysed (unreadable records are named on standard error and
skipped); 1 nothing could be read; 2 usage or configuration error, an input
path that does not exist, or an output that could not be written (the other
outputs are still written).";

/// Examples and exit status, under `stemma dedup --help`.
const DEDUP_HELP: &str = "\
Examples:
  stemma dedup corpus.jsonl                          pairs from Jaccard 0.5
  stemma dedup corpus.jsonl --threshold 0.3 --format json -o pairs.json

The LSH banding follows --threshold: the longest bands that still find a pair
at the threshold with probability sketch.dedup_band_recall (0.85), e.g. 32
bands of 4 rows at 0.5, 64 of 2 at 0.3. The report names the banding used.

Exit status: 0 done; 1 nothing could be read; 2 usage or configuration error,
an input path that does not exist, or an output that could not be written.";

#[derive(Subcommand)]
enum Command {
    /// Find the copies among articles and report what each copy changed.
    #[command(after_help = ANALYZE_HELP)]
    Analyze(Box<AnalyzeArgs>),
    /// Near-duplicate mode: MinHash-LSH over word shingles only, for
    /// de-duplicating large corpora fast (no alignment, no changes).
    #[command(after_help = DEDUP_HELP)]
    Dedup(Box<DedupArgs>),
    /// Print the default configuration as TOML, every setting documented (a
    /// starting point for --config).
    Config,
    /// Print a shell completion script: `stemma completions bash >
    /// ~/.local/share/bash-completion/completions/stemma`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// A persistent index: add articles as they arrive and learn at once
    /// what each is a copy of.
    #[command(subcommand, after_help = index::INDEX_HELP)]
    Index(index::IndexCommand),
    /// Serve an index over HTTP (see docs/api.md).
    #[command(after_help = serve::SERVE_HELP)]
    Serve(serve::ServeArgs),
    /// Evaluate on public data in ../shared/data and write a result file.
    Eval(EvalArgs),
    /// Write the articles Stemma reads from the inputs (web pages and
    /// archives included) as JSONL: what was extracted, to see and reuse.
    #[command(after_help = extract::EXTRACT_HELP)]
    Extract(InputArgs),
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
    /// Output format [default: text; for extract: jsonl].
    #[arg(long, value_enum)]
    format: Option<Format>,
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
    /// JSONL field holding the language.
    #[arg(long, default_value = "language")]
    language_field: String,
    /// JSONL field holding the author.
    #[arg(long, default_value = "author")]
    author_field: String,
    /// Read text that is not valid UTF-8 anyway, each bad byte replaced by
    /// U+FFFD, with a notice naming the line and column (by default such
    /// an article is skipped with an error).
    #[arg(long)]
    lossy_utf8: bool,
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
    /// A readable summary for a person (analyze: stories, then each
    /// relation with its changes; dedup: one line per cluster).
    Text,
    /// The JSON contract (schema_version 1), documented in docs/schema.md.
    Json,
    /// One JSON object per article, as analyze reads them (extract only).
    Jsonl,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => analyze(*args),
        Command::Dedup(args) => dedup(*args),
        Command::Config => print_config(),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            emit(|out| {
                clap_complete::generate(shell, &mut command, "stemma", out);
                Ok(())
            })
        }
        Command::Index(command) => index::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Eval(args) => eval(args),
        Command::Extract(args) => extract::run(args),
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
            let result =
                stemma_eval::mrpc(&data.join("msr_paraphrase_train.txt"), &data.join("msr_paraphrase_test.txt"))?;
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            let json = serde_json::to_string_pretty(&result).context("serializing the result")?;
            std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
            emit(|w| {
                writeln!(
                    w,
                    "MRPC paraphrase judgment ({} train pairs, {} test pairs)",
                    result.train_pairs, result.test_pairs
                )?;
                writeln!(w, "{:<34} {:>9} {:>7} {:>10} {:>7}", "", "accuracy", "F1", "precision", "recall")?;
                for (name, s) in [
                    ("train (fitted there)", result.train),
                    ("test: Stemma judgment", result.test),
                    ("test: similarity alone", result.similarity_only_test),
                ] {
                    writeln!(
                        w,
                        "{name:<34} {:>9.3} {:>7.3} {:>10.3} {:>7.3}",
                        s.accuracy, s.f1, s.precision, s.recall
                    )?;
                }
                writeln!(w, "written to {}", out.display())
            })
        }
    }
}

fn print_config() -> anyhow::Result<ExitCode> {
    let text = Config::default().to_commented_toml()?;
    emit(|out| out.write_all(text.as_bytes()))
}

impl InputArgs {
    /// How the flags say inputs are read.
    fn reading(&self) -> Reading {
        Reading { fields: self.fields(), lossy_utf8: self.lossy_utf8, ..Reading::default() }
    }

    /// The JSONL field names the flags set.
    fn fields(&self) -> JsonFields {
        JsonFields {
            id: self.id_field.clone(),
            title: self.title_field.clone(),
            text: self.text_field.clone(),
            outlet: self.outlet_field.clone(),
            published: self.published_field.clone(),
            url: self.url_field.clone(),
            language: self.language_field.clone(),
            author: self.author_field.clone(),
        }
    }

    /// The output format asked for, `default` when none was; `Jsonl` is
    /// extract's alone.
    fn format(&self, default: Format) -> anyhow::Result<Format> {
        match (self.format, default) {
            (Some(Format::Jsonl), Format::Jsonl) | (None, _) => Ok(self.format.unwrap_or(default)),
            (Some(Format::Jsonl), _) => anyhow::bail!("--format jsonl is for `stemma extract`; use --format json"),
            (Some(format), _) => Ok(format),
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
        eprintln!(
            "stemma: {documents} documents in {seconds:.1}s ({:.0} documents/s)",
            documents as f64 / seconds.max(1e-9)
        );
    }
}

/// Bytes of a report gathered before each write to its file or standard
/// output: a report runs to many megabytes (63 MB at 10,000 documents),
/// which the default 8 KiB wrote in 8,418 system calls (61 at 1 MiB).
const OUTPUT_BUFFER: usize = 1 << 20;

/// Where a report goes: a file opened before any input is read, so that a
/// bad output path fails at once rather than after a long run, or standard
/// output. An existing file is left as it was until the report is written.
struct Sink {
    /// `None` for standard output; the path, the file, and whether this run
    /// created it.
    file: Option<(PathBuf, std::fs::File, bool)>,
}

impl Sink {
    /// Standard output, or `path` opened for writing now (created when
    /// missing, not yet truncated).
    fn open(path: Option<&PathBuf>) -> anyhow::Result<Sink> {
        let file = match path {
            Some(path) => {
                let existed = path.exists();
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(path)
                    .with_context(|| format!("cannot write the output file {}", path.display()))?;
                Some((path.clone(), file, !existed))
            }
            None => None,
        };
        Ok(Sink { file })
    }

    /// Writes through `write`; a closed pipe (`stemma analyze … | head`)
    /// is not an error.
    fn write(self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
        let (result, name) = match self.file {
            Some((path, file, _)) => {
                // Only a regular file is emptied first: /dev/null, a pipe
                // or a terminal cannot be, and need not be.
                let emptied = match file.metadata() {
                    Ok(meta) if meta.is_file() => file.set_len(0),
                    Ok(_) => Ok(()),
                    Err(err) => Err(err),
                };
                let result = emptied.and_then(|_| {
                    let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file);
                    write(&mut out).and_then(|_| out.flush())
                });
                (result, path.display().to_string())
            }
            None => {
                let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
                (write(&mut out).and_then(|_| out.flush()), "standard output".to_string())
            }
        };
        match result {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(err) => Err(err).with_context(|| format!("writing the report to {name}")),
        }
    }

    /// Gives up a report that will not be written: a file this run created
    /// is removed, one that was there is left as it was.
    fn discard(self) {
        if let Some((path, file, created)) = self.file {
            drop(file);
            if created {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Writes through `write` to standard output.
fn emit(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<ExitCode> {
    Sink { file: None }.write(write).map(|_| ExitCode::SUCCESS)
}

/// A size for people: bytes, KB or MB.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.0} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

fn analyze(analyze_args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(analyze_args.html_max_mb >= 1, "--html-max-mb must be at least 1");
    let args = analyze_args.input;
    let format = args.format(Format::Text)?;
    let mut config = load_config(&args)?;
    if analyze_args.no_stories {
        config.stories.enabled = false;
    }
    check_inputs(&args.paths)?;
    if let (Some(html), Some(output)) = (&analyze_args.html, &args.output) {
        // Two reports in one file would garble both; a device takes both.
        let device = std::fs::metadata(html).is_ok_and(|m| !m.is_file());
        anyhow::ensure!(
            device || !same_file(html, output),
            "--html and --output name the same file {}",
            html.display()
        );
    }
    // Outputs are opened before any input is read: a path that cannot be
    // written fails now, not after the whole analysis.
    let html_sink = analyze_args.html.as_ref().map(|p| Sink::open(Some(p))).transpose()?;
    let report_sink = Sink::open(args.output.as_ref())?;
    let started = Instant::now();
    let (show_progress, progress) = progress(&args);
    let reading = args.reading().with_config(&config.ingest);
    let (mut analysis, errors) = stemma::analyze_inputs(&args.paths, &reading, &config, progress.as_ref());
    for error in &errors {
        eprintln!("stemma: {error}");
    }
    if let Some(problem) = analysis.texts.problem() {
        eprintln!("stemma: warning: texts held in memory past `max_held_text_bytes`: {problem}");
    }
    if analysis.documents.is_empty() {
        eprintln!("stemma: no article could be read; nothing to analyse");
        if let Some(sink) = html_sink {
            sink.discard();
        }
        report_sink.discard();
        return Ok(ExitCode::from(1));
    }
    report_rate(show_progress, started, analysis.documents.len());
    // The reports are written after the analysis: at a million documents
    // they are gigabytes, a stage of their own.
    if args.timings {
        progress.stage("report", 0);
    }
    // The terminal and HTML reports read texts at will; the JSON report
    // brings back spilled ones a chunk at a time.
    if analyze_args.html.is_some() || !matches!(format, Format::Json) {
        analysis.hold_texts();
    }
    // One output failing late does not cost the other.
    let mut failed = false;
    if let (Some(sink), Some(path)) = (html_sink, &analyze_args.html) {
        let max_bytes = analyze_args.html_max_mb * 1024 * 1024;
        match sink.write(|out| stemma::report::html::write_html(out, &analysis, &errors, max_bytes)) {
            Ok(()) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                eprintln!("stemma: HTML report written to {} ({})", path.display(), human_size(size));
            }
            Err(err) => {
                eprintln!("stemma: error: {err:#}");
                failed = true;
            }
        }
    }
    let written = report_sink.write(|out| match format {
        Format::Text | Format::Jsonl => write_terminal(out, &analysis),
        Format::Json => write_json(out, &Report::new(&analysis, &errors)),
    });
    if let Err(err) = written {
        eprintln!("stemma: error: {err:#}");
        failed = true;
    }
    progress.finish();
    // The process ends here: the analysis is left to the operating system
    // rather than freed allocation by allocation (a second or more at a
    // million documents).
    std::mem::forget(analysis);
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Fails before any work when a named input does not exist: a mistyped
/// path is a usage error, not a bad record to skip.
fn check_inputs(paths: &[PathBuf]) -> anyhow::Result<()> {
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-" && std::fs::metadata(p).is_err())
        .map(|p| p.display().to_string())
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => anyhow::bail!("input not found: {}", missing[0]),
        _ => anyhow::bail!("inputs not found: {}", missing.join(", ")),
    }
}

/// Whether two paths name one file (compared by their canonical parents).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let canonical = |p: &std::path::Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        parent.canonicalize().ok().map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    a == b || matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
}

fn load_config(args: &InputArgs) -> anyhow::Result<Config> {
    match &args.config {
        Some(path) => Ok(Config::from_toml_file(path)?),
        None => Ok(Config::default()),
    }
}

fn dedup(args: DedupArgs) -> anyhow::Result<ExitCode> {
    let input = &args.input;
    let config = load_config(input)?;
    let format = input.format(Format::Text)?;
    let threshold = args.threshold.unwrap_or(config.relate.near_duplicate_jaccard);
    anyhow::ensure!((0.0..=1.0).contains(&threshold), "--threshold must lie in 0..=1, got {threshold}");
    check_inputs(&input.paths)?;
    let sink = Sink::open(input.output.as_ref())?;
    let started = Instant::now();
    let (show_progress, progress) = progress(input);
    let reading = input.reading().with_config(&config.ingest);
    let found = stemma::neardup::dedup_inputs(&input.paths, &reading, &config, threshold, progress.as_ref());
    for error in &found.errors {
        eprintln!("stemma: {error}");
    }
    if found.ids.is_empty() {
        eprintln!("stemma: no article could be read; nothing to analyse");
        sink.discard();
        return Ok(ExitCode::from(1));
    }
    report_rate(show_progress, started, found.ids.len());
    let result = stemma::report::NearDuplicateReport::new(
        &found.ids,
        &config.sketch,
        found.banding,
        threshold,
        &found.pairs,
        &found.clusters,
        &found.errors,
    );
    sink.write(|out| match format {
        Format::Text | Format::Jsonl => stemma::report::write_near_duplicates(out, &result),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &result)?;
            writeln!(out)
        }
    })?;
    Ok(ExitCode::SUCCESS)
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
            let seconds = started.elapsed().as_secs_f64();
            match resident_memory() {
                Some((now, peak)) => eprintln!(
                    "stemma: {name:<12} {seconds:>9.2}s  memory {:>6.2} GiB, peak {:>6.2} GiB",
                    gib(now),
                    gib(peak)
                ),
                None => eprintln!("stemma: {name:<12} {seconds:>9.2}s"),
            }
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

/// The process's resident memory now and its peak so far, in bytes, where
/// the system says (Linux's `/proc/self/status`): with the stage times, it
/// tells which stage a large run needs its memory for.
fn resident_memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Bytes in GiB, for the timing lines.
fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
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
            (ProgressBar::new_spinner(), "{prefix:>10} {spinner} {human_pos} documents ({rate})")
        } else {
            (ProgressBar::new(total), "{prefix:>10} [{bar:30}] {human_pos}/{human_len} ({rate}, {eta})")
        };
        // indicatif's own rate prints "2,441.0798/s"; whole units read better.
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec().round() as u64));
            })
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
