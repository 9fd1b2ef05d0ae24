//! `stemma index …` and `stemma serve`: the command line over a persistent
//! index (crates/index) and its HTTP server (crates/server).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use stemma_index::{Index, Outcome, Status};

use crate::{check_inputs, load_config, InputArgs, Sink};

/// Examples, under `stemma index --help`.
pub const INDEX_HELP: &str = "\
Examples:
  stemma index add --index news.idx corpus.jsonl     store articles; print what each copies
  stemma index query --index news.idx new.jsonl      the same, storing nothing
  stemma index add --index news.idx --format json today.jsonl > found.jsonl
  stemma index info --index news.idx

An index is a directory holding one transactional database (redb): an
article whose line was printed is stored, whatever happens next. --format
json writes one JSON object per article (JSON Lines), each with its relations
as docs/schema.md describes them. The index keeps the configuration it was
created with; see docs/api.md for how its answers differ from a batch.

Exit status: 0 done; 1 nothing could be read; 2 usage error, an index that
cannot be opened or written, or an input path that does not exist.";

/// What `stemma index` does.
#[derive(Subcommand)]
pub enum IndexCommand {
    /// Store articles in the index (created when missing) and print what
    /// each is a copy of, with its changes and story.
    Add(IndexArgs),
    /// Print what each article is a copy of in the index, storing nothing.
    Query(IndexArgs),
    /// Print what the index holds.
    Info {
        /// The index directory.
        #[arg(long)]
        index: PathBuf,
    },
    /// Judge every held pair again with the corpus statistics as they
    /// stand now (an index grown one article at a time judged its first
    /// pairs with the statistics of a few articles).
    Refresh {
        /// The index directory.
        #[arg(long)]
        index: PathBuf,
    },
    /// Rewrite the index file without its free pages (the server must not
    /// be running on it).
    Compact {
        /// The index directory.
        #[arg(long)]
        index: PathBuf,
    },
    /// Print one stored article with its relations and story, as JSON.
    Get {
        /// The index directory.
        #[arg(long)]
        index: PathBuf,
        /// The article's id.
        id: String,
    },
}

/// Arguments of `index add` and `index query`.
#[derive(clap::Args)]
pub struct IndexArgs {
    /// The index directory.
    #[arg(long)]
    index: PathBuf,
    /// Articles stored per transaction: larger is faster, and an
    /// interrupted run loses at most the batch not yet printed.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    batch: usize,
    #[command(flatten)]
    input: InputArgs,
}

/// Runs `stemma index …`.
pub fn run(command: IndexCommand) -> anyhow::Result<ExitCode> {
    match command {
        IndexCommand::Add(args) => add_or_query(args, true),
        IndexCommand::Query(args) => add_or_query(args, false),
        IndexCommand::Info { index } => {
            let info = Index::open(&index, None)?.info()?;
            crate::emit(|out| {
                writeln!(out, "index      {}", info.path.display())?;
                writeln!(out, "articles   {}", info.documents)?;
                writeln!(out, "relations  {}", info.relations)?;
                writeln!(out, "stories    {}", info.stories)?;
                let per = info.bytes.checked_div(info.documents).unwrap_or(0);
                writeln!(out, "size       {} ({per} bytes per article)", crate::human_size(info.bytes))?;
                writeln!(out, "format     {}", info.format)
            })
        }
        IndexCommand::Refresh { index } => {
            let started = Instant::now();
            let (before, after) = Index::open(&index, None)?.refresh()?;
            eprintln!(
                "stemma: {} refreshed in {:.1}s: {} before, {} now",
                index.display(),
                started.elapsed().as_secs_f64(),
                stemma::report::count(before as usize, "relation"),
                after
            );
            Ok(ExitCode::SUCCESS)
        }
        IndexCommand::Compact { index } => {
            let mut opened = Index::open(&index, None)?;
            let before = opened.info()?.bytes;
            let after = opened.compact()?;
            eprintln!(
                "stemma: {} compacted from {} to {}",
                index.display(),
                crate::human_size(before),
                crate::human_size(after)
            );
            Ok(ExitCode::SUCCESS)
        }
        IndexCommand::Get { index, id } => {
            let index = Index::open(&index, None)?;
            match index.get(&id)? {
                Some(held) => crate::emit(|out| {
                    serde_json::to_writer_pretty(&mut *out, &held)?;
                    writeln!(out)
                }),
                None => {
                    eprintln!("stemma: no article {id:?} in the index");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

fn add_or_query(args: IndexArgs, store: bool) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.batch >= 1, "--batch must be at least 1");
    let input = &args.input;
    let config = input.config.as_ref().map(|_| load_config(input)).transpose()?;
    check_inputs(&input.paths)?;
    let index = if store {
        Index::create_or_open(&args.index, config.as_ref())?
    } else {
        Index::open(&args.index, config.as_ref())?
    };
    let reading = input.reading().with_config(&index.config().ingest);
    // Each batch's lines are written and flushed once it is committed:
    // a printed line is a stored article.
    let sink = Sink::open(input.output.as_ref())?;
    let mut out: Box<dyn Write> = match &sink.file {
        Some((_, file, _)) => {
            file.set_len(0).ok();
            Box::new(std::io::BufWriter::new(file.try_clone().context("opening the output")?))
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let json = matches!(input.format(crate::Format::Text)?, crate::Format::Json);
    let started = Instant::now();
    let mut counts = Counts::default();
    let mut failure: Option<anyhow::Error> = None;
    let errors = stemma::ingest::for_each_chunk(&input.paths, &reading, &mut |chunk| {
        for batch in chunk.chunks(args.batch) {
            if failure.is_some() {
                counts.skipped += batch.len();
                continue;
            }
            let began = Instant::now();
            let result = if store { index.add(batch.to_vec()) } else { index.query(batch.to_vec()) };
            match result {
                Ok(outcomes) => {
                    if input.timings {
                        eprintln!(
                            "stemma: {} in {:.3}s",
                            stemma::report::count(outcomes.len(), "article"),
                            began.elapsed().as_secs_f64()
                        );
                    }
                    let written = outcomes.iter().try_for_each(|o| {
                        counts.note(o);
                        write_outcome(&mut out, o, json)
                    });
                    if let Err(err) = written.and_then(|_| out.flush()) {
                        if err.kind() != std::io::ErrorKind::BrokenPipe {
                            failure = Some(anyhow::Error::from(err).context("writing the answers"));
                        }
                    }
                }
                Err(err) => {
                    counts.skipped += batch.len();
                    failure = Some(anyhow::Error::from(err).context(format!(
                        "{} in {}",
                        if store { "adding" } else { "querying" },
                        args.index.display()
                    )));
                }
            }
        }
    });
    for error in &errors {
        eprintln!("stemma: {error}");
    }
    let seconds = started.elapsed().as_secs_f64();
    if !input.quiet {
        let verb = if store { "added" } else { "queried" };
        let done = if store { counts.added } else { counts.queried };
        eprintln!(
            "stemma: {} {verb} in {seconds:.1}s ({:.0}/s); {} already held, {} rejected, {} with relations",
            stemma::report::count(done, "article"),
            done as f64 / seconds.max(1e-9),
            counts.held,
            counts.rejected,
            counts.related
        );
    }
    if let Some(err) = failure {
        if counts.skipped > 0 {
            eprintln!(
                "stemma: {} not {}",
                stemma::report::count(counts.skipped, "article"),
                if store { "stored" } else { "queried" }
            );
        }
        return Err(err);
    }
    if counts.total() == 0 {
        eprintln!("stemma: no article could be read");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Default)]
struct Counts {
    added: usize,
    queried: usize,
    held: usize,
    rejected: usize,
    related: usize,
    skipped: usize,
}

impl Counts {
    fn note(&mut self, o: &Outcome) {
        match o.status {
            Status::Added => self.added += 1,
            Status::Queried => self.queried += 1,
            Status::Held => self.held += 1,
            Status::Rejected => self.rejected += 1,
        }
        self.related += usize::from(!o.relations.is_empty());
    }

    fn total(&self) -> usize {
        self.added + self.queried + self.held + self.rejected
    }
}

/// One article's answer: a JSON line, or for a person a line per relation
/// (articles with none are counted at the end, not listed).
fn write_outcome(out: &mut dyn Write, o: &Outcome, json: bool) -> std::io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, o)?;
        return writeln!(out);
    }
    match o.status {
        Status::Rejected => writeln!(out, "{}: rejected: {}", o.id, o.message.as_deref().unwrap_or_default()),
        Status::Held => Ok(()),
        Status::Added | Status::Queried => {
            for r in &o.relations {
                writeln!(out, "{}", describe(&o.id, r))?;
            }
            Ok(())
        }
    }
}

/// `new: version of old (a->b, published): 2 changed facts, 1 altered quotation`.
fn describe(id: &str, r: &serde_json::Value) -> String {
    let text = |k: &str| r[k].as_str().unwrap_or_default().to_string();
    let (a, b, kind) = (text("a"), text("b"), text("kind"));
    let other = if a == id { &b } else { &a };
    let role = match (r["direction"].as_str(), a == id) {
        (Some(_), false) => format!("{kind} of {other}"),
        (Some(_), true) => format!("source of {other} ({kind})"),
        (None, _) => format!("{kind} with {other} (direction unknown)"),
    };
    let changes = &r["changes"];
    let mut said = Vec::new();
    for (field, noun) in [
        ("altered_quotes", "altered quotation"),
        ("changed_facts", "changed fact"),
        ("meaning_shifts", "meaning shift"),
        ("dropped_attributions", "dropped attribution"),
    ] {
        let n = changes[field].as_array().map_or(0, Vec::len);
        if n > 0 {
            said.push(stemma::report::count(n, noun));
        }
    }
    if said.is_empty() {
        format!("{id}: {role}")
    } else {
        format!("{id}: {role}: {}", said.join(", "))
    }
}
