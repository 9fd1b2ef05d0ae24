//! `stemma extract`: the articles Stemma reads from its inputs, written
//! out as JSONL (or as text to read), so that what was taken from web
//! pages and archives can be seen, measured and fed back to `analyze`.

use std::io::Write;
use std::process::ExitCode;

use stemma::ingest::{Article, JsonFields};

use crate::{check_inputs, load_config, Format, InputArgs, Sink};

/// Examples and notes, under `stemma extract --help`.
pub const EXTRACT_HELP: &str = "\
Examples:
  stemma extract page.html                            one page's article and metadata as JSON
  stemma extract CC-NEWS-20240101.warc.gz -o news.jsonl
  stemma extract pages/ --format text | less          read what was extracted
  stemma extract site.warc.gz --text-field body       name the output fields as your data does

Each line is one article: id, url, title, published, outlet, language,
author, text (paragraphs separated by a blank line) and origin (the file,
file:line, or file@offset of a WARC record). Field names follow the
--*-field flags, so the output reads back with the same flags:
`stemma analyze news.jsonl` gives what `stemma analyze` on the archive gives.

From a WARC, only `response` records of HTML pages with status 200 are read;
the records skipped are counted on standard error, a damaged record is named
with its byte offset and reading goes on, and a URL captured twice is read
once (the first capture; the notice names both).

Exit status: 0 done; 1 nothing could be read; 2 usage error, an input path
that does not exist, or an output that could not be written.";

/// Runs `stemma extract`.
pub fn run(args: InputArgs) -> anyhow::Result<ExitCode> {
    let format = args.format(Format::Jsonl)?;
    anyhow::ensure!(!matches!(format, Format::Json), "--format json is not for extract: use jsonl (or text)");
    let config = load_config(&args)?;
    check_inputs(&args.paths)?;
    let sink = Sink::open(args.output.as_ref())?;
    let reading = args.reading().with_config(&config.ingest);
    let fields = args.fields();
    let mut written = 0usize;
    let mut errors = Vec::new();
    sink.write(|out| {
        let mut failed = None;
        errors = stemma::ingest::for_each_chunk(&args.paths, &reading, &mut |chunk| {
            for article in &chunk {
                if failed.is_some() {
                    return;
                }
                let result = match format {
                    Format::Text => write_text(out, article),
                    _ => write_jsonl(out, article, &fields),
                };
                match result {
                    Ok(()) => written += 1,
                    Err(err) => failed = Some(err),
                }
            }
        });
        failed.map_or(Ok(()), Err)
    })?;
    for error in &errors {
        eprintln!("stemma: {error}");
    }
    if !args.quiet {
        eprintln!("stemma: {} extracted", stemma::report::count(written, "article"));
    }
    Ok(if written == 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One article as one JSON line, its fields named as `fields` says; an
/// absent value is `null`, so every line has the same fields.
fn write_jsonl(out: &mut dyn Write, article: &Article, fields: &JsonFields) -> std::io::Result<()> {
    let values: [(&str, Option<&str>); 9] = [
        (&fields.id, Some(&article.id)),
        (&fields.url, article.url.as_deref()),
        (&fields.title, article.title.as_deref()),
        (&fields.published, article.published.as_deref()),
        (&fields.outlet, article.outlet.as_deref()),
        (&fields.language, article.language.as_deref()),
        (&fields.author, article.author.as_deref()),
        (&fields.text, Some(&article.text)),
        ("origin", Some(&article.origin)),
    ];
    out.write_all(b"{")?;
    for (k, (name, value)) in values.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"}\n")
}

/// One article for reading: its metadata, then its text.
fn write_text(out: &mut dyn Write, article: &Article) -> std::io::Result<()> {
    writeln!(out, "=== {} ({})", article.id, article.origin)?;
    let metadata = [
        ("title", &article.title),
        ("url", &article.url),
        ("published", &article.published),
        ("outlet", &article.outlet),
        ("language", &article.language),
        ("author", &article.author),
    ];
    for (name, value) in metadata {
        if let Some(value) = value {
            writeln!(out, "{name:<10} {value}")?;
        }
    }
    writeln!(out, "\n{}\n", article.text)
}
