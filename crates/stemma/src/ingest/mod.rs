//! Reading articles: `.txt` files, JSONL, web pages (`.html`) and web
//! archives (`.warc`, `.warc.gz`), single or in directories.
//!
//! A bad file or record never stops the batch: it becomes an [`InputError`]
//! naming the file and line (or a WARC record's byte offset), and every
//! other article is still read. A new input format is a further reader
//! here yielding [`Article`]s: see [`html`] (page to article), [`charset`]
//! (bytes to text), [`http`] (archived responses) and [`warc`] (archives).

pub mod charset;
pub mod html;
pub mod http;
pub mod warc;

use std::fmt;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One article as the user gave it, before any text analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The JSONL `id`, or the file stem for text files.
    pub id: String,
    /// Headline, when the input has one.
    pub title: Option<String>,
    /// Body text.
    pub text: String,
    /// Publishing outlet, when known.
    pub outlet: Option<String>,
    /// Publication time as given (RFC 3339 or `YYYY-MM-DD`).
    pub published: Option<String>,
    /// Source URL, when known.
    pub url: Option<String>,
    /// Language, as the source declares it (e.g. `en`, `fr-CA`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Author, when the source states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where the article was read from: `path`, `path:line` (JSONL), or
    /// `path@offset` (the byte offset of a WARC record).
    pub origin: String,
}

impl Article {
    /// An article with only an id and a body: no headline, outlet, time or
    /// URL. Its origin is its id.
    pub fn from_text(id: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            title: None,
            text: text.into(),
            outlet: None,
            published: None,
            url: None,
            language: None,
            author: None,
            origin: id.into(),
        }
    }
}

/// A file or record that could not be read, with where it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputError {
    /// The file (or `-` for standard input).
    pub path: String,
    /// 1-based line of a JSONL record, when the problem is in one record.
    pub line: Option<usize>,
    /// Byte offset of a WARC record, when the problem is in one record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.offset) {
            (Some(line), _) => write!(f, "{}:{}: {}", self.path, line, self.message),
            (None, Some(offset)) => write!(f, "{}@{}: {}", self.path, offset, self.message),
            (None, None) => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Which JSONL fields hold which article attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonFields {
    /// Field holding the document id (default `id`).
    pub id: String,
    /// Field holding the headline (default `title`).
    pub title: String,
    /// Field holding the body text (default `text`).
    pub text: String,
    /// Field holding the outlet (default `outlet`).
    pub outlet: String,
    /// Field holding the publication time (default `published`).
    pub published: String,
    /// Field holding the URL (default `url`).
    pub url: String,
    /// Field holding the language (default `language`).
    pub language: String,
    /// Field holding the author (default `author`).
    pub author: String,
}

impl Default for JsonFields {
    fn default() -> Self {
        JsonFields {
            id: "id".into(),
            title: "title".into(),
            text: "text".into(),
            outlet: "outlet".into(),
            published: "published".into(),
            url: "url".into(),
            language: "language".into(),
            author: "author".into(),
        }
    }
}

/// How inputs are read: which JSONL fields hold what, and what to do with
/// bytes that are not UTF-8.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Which JSONL fields hold which article attribute.
    pub fields: JsonFields,
    /// Read text with invalid UTF-8 anyway, each bad byte replaced by U+FFFD
    /// (with a notice naming where), instead of skipping the article.
    pub lossy_utf8: bool,
    /// Longest body text read, in bytes; a longer one is skipped with an
    /// error (`ingest.max_document_bytes`; no limit by default here).
    pub max_document_bytes: usize,
    /// What makes a web page an article (`ingest.min_paragraph_words`,
    /// `ingest.max_html_nesting`).
    pub page: html::Limits,
}

impl Default for Reading {
    fn default() -> Self {
        Reading {
            fields: JsonFields::default(),
            lossy_utf8: false,
            max_document_bytes: usize::MAX,
            page: html::Limits::default(),
        }
    }
}

impl Reading {
    /// This reading with the limits the configuration sets.
    pub fn with_config(self, config: &crate::config::IngestConfig) -> Reading {
        Reading {
            max_document_bytes: config.max_document_bytes,
            page: html::Limits {
                min_paragraph_words: config.min_paragraph_words,
                max_nesting: config.max_html_nesting,
            },
            ..self
        }
    }

    /// The error for a body text over the limit, if it is.
    fn too_long(&self, bytes: usize) -> Option<String> {
        (bytes > self.max_document_bytes).then(|| {
            format!(
                "document of {} is longer than ingest.max_document_bytes ({}); not analysed. \
                 No news article is this long: a page dump or archive? Raise the limit with --config if it is real",
                megabytes(bytes),
                megabytes(self.max_document_bytes)
            )
        })
    }
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// Everything read from the inputs: the articles and the problems met.
#[derive(Debug, Default)]
pub struct Batch {
    /// Articles in input order (directories sorted by file name).
    pub articles: Vec<Article>,
    /// Files and records that could not be read, or were read with a caveat.
    pub errors: Vec<InputError>,
}

/// Reads every input path into memory: see [`for_each_chunk`].
pub fn read_inputs(paths: &[PathBuf], reading: &Reading) -> Batch {
    let mut articles = Vec::new();
    let errors = for_each_chunk(paths, reading, &mut |chunk| articles.extend(chunk));
    Batch { articles, errors }
}

/// Articles handed to the sink at a time.
const CHUNK_ARTICLES: usize = 32768;

/// Streams every input path to `sink`, a chunk of articles at a time, in
/// input order, and returns the problems met: `-` is JSONL on standard
/// input, a directory is walked for `.txt`, `.jsonl` and `.ndjson` files,
/// any other file is read as JSONL when its extension says so and as text
/// otherwise. Memory held here is bounded by the chunk size.
///
/// What is given twice is read once: a file named twice (or reached again
/// through a directory), and an article whose id and text repeat one read
/// before (the `.txt` files and the `.jsonl` of one corpus side by side).
/// Each is said in a notice.
pub fn for_each_chunk(paths: &[PathBuf], reading: &Reading, sink: &mut dyn FnMut(Vec<Article>)) -> Vec<InputError> {
    let mut stream = Stream::new(reading, sink);
    for path in paths {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            read_jsonl(stdin.lock(), "-", &mut stream);
        } else if path.is_dir() {
            read_dir(path, &mut stream);
        } else {
            read_file(path, &mut stream);
        }
        stream.summarise_repeats();
    }
    stream.flush();
    stream.errors
}

/// Reads one input held in memory, as [`read_inputs`] reads a file of
/// that name: `name`'s extension, else its first bytes, say whether it is
/// JSONL, a web page, a WARC or text. For callers whose input does not
/// come from files (a request body, a Python string, a fuzzer).
pub fn read_bytes(name: &str, bytes: &[u8], reading: &Reading) -> Batch {
    read_memory(name, bytes, reading, None)
}

/// Reads JSON lines held in memory, whatever `name` says: records a caller
/// encoded itself (the Python package's dicts, the Spark job's rows), whose
/// problems are reported as `name:LINE: …`.
pub fn read_records(name: &str, bytes: &[u8], reading: &Reading) -> Batch {
    read_memory(name, bytes, reading, Some(Kind::Jsonl))
}

/// [`read_bytes`], of the given kind when `kind` is set.
fn read_memory(name: &str, bytes: &[u8], reading: &Reading, kind: Option<Kind>) -> Batch {
    let mut articles = Vec::new();
    let mut sink = |chunk: Vec<Article>| articles.extend(chunk);
    let mut stream = Stream::new(reading, &mut sink);
    let path = Path::new(name);
    match kind.or_else(|| Kind::of_name(path)).unwrap_or_else(|| Kind::of_head(bytes)) {
        Kind::Jsonl => read_jsonl(bytes, name, &mut stream),
        Kind::Html => {
            let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            stream.take(located(path, page_article(bytes, None, None, id, name.to_string(), None, reading)));
        }
        Kind::Warc => match warc::Reader::new(Box::new(std::io::Cursor::new(bytes.to_vec()))) {
            Ok(reader) => read_warc_records(reader, name, &mut stream),
            Err(message) => stream.note(file_error(path, message)),
        },
        Kind::Arc => stream.note(file_error(path, ARC_REFUSED.into())),
        Kind::Text => match reading.too_long(bytes.len()) {
            Some(message) => stream.note(file_error(path, message)),
            None => stream.take(text_article(path, bytes, reading.lossy_utf8)),
        },
    }
    stream.summarise_repeats();
    stream.flush();
    let errors = stream.errors;
    Batch { articles, errors }
}

/// The hash an article's text is known by when its id repeats. Trimmed: a
/// .txt body keeps the blank line under its headline and a final newline
/// that its JSONL record does not.
fn text_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.trim().as_bytes())
}

/// Where readers put what they read.
struct Stream<'a> {
    reading: &'a Reading,
    sink: &'a mut dyn FnMut(Vec<Article>),
    pending: Vec<Article>,
    errors: Vec<InputError>,
    /// Per id: how many times it was met, the hash of the first one's text,
    /// and where that one was read (an index into `origins`, and a line).
    seen: std::collections::HashMap<String, (u32, u64, u32, u32)>,
    /// Files already read, by canonical path.
    files: std::collections::HashSet<PathBuf>,
    /// Web archive captures read, by URL: where the one kept was read.
    captures: std::collections::HashMap<String, String>,
    /// The files articles were read from, for the notices about repeats.
    origins: Vec<String>,
    /// Problems of the current input by file and message: how many times
    /// met, and the first and last line of those not listed in full.
    repeated: std::collections::BTreeMap<(String, String), (usize, usize, usize)>,
}

/// How many times one problem is listed in full per file; the rest are
/// counted in one line, so that a wrong `--text-field` on a million
/// records says so once, not a million times.
const SHOWN_REPEATS: usize = 3;

impl<'a> Stream<'a> {
    fn new(reading: &'a Reading, sink: &'a mut dyn FnMut(Vec<Article>)) -> Stream<'a> {
        Stream {
            reading,
            sink,
            pending: Vec::new(),
            errors: Vec::new(),
            seen: Default::default(),
            files: Default::default(),
            captures: Default::default(),
            origins: Vec::new(),
            repeated: Default::default(),
        }
    }

    /// Takes an article; ids must be unique for relations to mean anything,
    /// so a repeated id gets a `#2`, `#3`… suffix and a notice, never a
    /// silent merge. The same id with the same text is the same article
    /// given twice, and is read once.
    fn push(&mut self, article: Article) {
        let hash = text_hash(&article.text);
        self.push_hashed(article, hash);
    }

    /// [`Stream::push`] of an article whose [`text_hash`] is known.
    fn push_hashed(&mut self, mut article: Article, hash: u64) {
        let (path, line) = split_origin(&article.origin);
        // Origins are kept as (file, line) numbers: a string per article
        // would cost some 100 MB at a million.
        if self.origins.last().map(String::as_str) != Some(path) {
            self.origins.push(path.to_string());
        }
        let file = self.origins.len() as u32 - 1;
        let entry = self.seen.entry(article.id.clone()).or_insert((0, hash, file, line.unwrap_or(0) as u32));
        entry.0 += 1;
        let (count, first_hash, first_file, first_line) = *entry;
        if count > 1 && first_hash == hash {
            entry.0 -= 1;
            let first = match first_line {
                0 => self.origins[first_file as usize].clone(),
                n => format!("{}:{n}", self.origins[first_file as usize]),
            };
            self.note(InputError {
                offset: None,
                path: path.into(),
                line,
                message: format!("the same article (id `{}`, same text) was read from {first}; read once", article.id),
            });
            return;
        } else if count > 1 {
            let renamed = format!("{}#{}", article.id, count);
            self.note(InputError {
                offset: None,
                path: path.into(),
                line,
                message: format!("duplicate id `{}` with another text; this one is read as `{renamed}`", article.id),
            });
            article.id = renamed;
        }
        self.pending.push(article);
        if self.pending.len() >= CHUNK_ARTICLES {
            self.flush();
        }
    }

    /// Takes what one reader gave for one file: the article and the notice
    /// about how it was read, or why it could not be.
    fn take(&mut self, read: ReadFile) {
        match read {
            Ok((article, notice)) => {
                if let Some(notice) = notice {
                    self.note(notice);
                }
                self.push(article);
            }
            Err(error) => self.note(error),
        }
    }

    /// Records a problem; past [`SHOWN_REPEATS`] of one message in a file,
    /// it is only counted.
    fn note(&mut self, error: InputError) {
        let line = error.line.unwrap_or(0);
        let entry = self.repeated.entry((error.path.clone(), error.message.clone())).or_insert((0, 0, 0));
        entry.0 += 1;
        if entry.0 <= SHOWN_REPEATS {
            self.errors.push(error);
            return;
        }
        if entry.0 == SHOWN_REPEATS + 1 {
            entry.1 = line;
        }
        entry.2 = line;
    }

    /// After each named input: one line per problem that was only counted.
    fn summarise_repeats(&mut self) {
        for ((path, message), (count, first, last)) in std::mem::take(&mut self.repeated) {
            let Some(more) = count.checked_sub(SHOWN_REPEATS).filter(|&n| n > 0) else { continue };
            let lines = match (first, last) {
                // Records without lines (pages, WARC records): no range to give.
                (0, _) => String::new(),
                (first, last) if first == last => format!(" (line {first})"),
                (first, last) => format!(" (lines {first}-{last})"),
            };
            self.errors.push(InputError {
                offset: None,
                path,
                line: None,
                message: format!(
                    "{} with the same problem{lines}: {message}",
                    crate::report::count(more, "more record")
                ),
            });
        }
    }

    /// Whether `path` was read already; notes it when so.
    fn read_before(&mut self, path: &Path) -> bool {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.files.insert(canonical) {
            return false;
        }
        self.note(file_error(path, "named more than once; read once".into()));
        true
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            (self.sink)(std::mem::take(&mut self.pending));
        }
    }
}

fn read_dir(dir: &Path, batch: &mut Stream<'_>) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(err) => {
                batch.note(file_error(&current, format!("cannot list directory: {err}")));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    // Pages are extracted in parallel, a group of consecutive ones at a time.
    let mut pages = Vec::new();
    for path in files {
        let kind = Kind::of_name(&path);
        if kind == Some(Kind::Html) {
            if batch.read_before(&path) {
                continue;
            }
            // In a directory a page is named by its path under it: pages
            // are often all `index.html` or `source.html`.
            let relative = path.strip_prefix(dir).unwrap_or(&path).with_extension("");
            pages.push((path, relative.to_string_lossy().into_owned()));
            if pages.len() >= PAGES_AT_ONCE {
                read_pages(std::mem::take(&mut pages), batch);
            }
            continue;
        }
        read_pages(std::mem::take(&mut pages), batch);
        match kind {
            Some(Kind::Arc) => batch.note(file_error(&path, ARC_REFUSED.into())),
            Some(_) => read_file(&path, batch),
            // Documentation beside a corpus is expected; anything else is
            // named so that nothing the user gave is skipped silently.
            None if extension(&path) == "md" => {}
            None => batch.note(file_error(
                &path,
                "skipped: not a .txt, .jsonl, .ndjson, .html, .htm, .warc or .warc.gz file \
                 (name it on the command line to read it as text)"
                    .into(),
            )),
        }
    }
    read_pages(pages, batch);
}

/// Web pages read and extracted at a time, in parallel.
const PAGES_AT_ONCE: usize = 256;

/// Why an ARC file is not read.
const ARC_REFUSED: &str =
    "an ARC file (the format before WARC): not read; convert it to WARC (e.g. `warcio recompress`)";

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Jsonl,
    Html,
    Warc,
    Arc,
}

impl Kind {
    /// The kind a file's name says, `None` for one Stemma does not read.
    fn of_name(path: &Path) -> Option<Kind> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        Some(match name.rsplit_once('.').map_or("", |(_, ext)| ext) {
            "txt" => Kind::Text,
            "jsonl" | "ndjson" => Kind::Jsonl,
            "html" | "htm" | "xhtml" => Kind::Html,
            "warc" => Kind::Warc,
            "arc" => Kind::Arc,
            _ => return None,
        })
    }

    /// The kind of a file named on the command line: by its name when it
    /// says, else by its first bytes (WARC, HTML), else text.
    fn of_file(path: &Path) -> Kind {
        if let Some(kind) = Kind::of_name(path) {
            return kind;
        }
        let mut head = vec![0u8; 1024];
        let got = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
        head.truncate(got);
        Kind::of_head(&head)
    }

    /// The kind a file's first bytes say: WARC, HTML, else text.
    fn of_head(head: &[u8]) -> Kind {
        let head = &head[..head.len().min(1024)];
        if warc::sniff(head) {
            Kind::Warc
        } else if looks_like_html(head) {
            Kind::Html
        } else {
            Kind::Text
        }
    }
}

/// Whether bytes open like an HTML document.
fn looks_like_html(head: &[u8]) -> bool {
    if !http::looks_like_markup(head) {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    lower.windows(5).any(|w| w == b"<html") || lower.windows(9).any(|w| w == b"<!doctype")
}

fn extension(path: &Path) -> String {
    path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default()
}

fn read_file(path: &Path, batch: &mut Stream<'_>) {
    if batch.read_before(path) {
        return;
    }
    match Kind::of_file(path) {
        Kind::Jsonl => match std::fs::File::open(path) {
            Ok(file) => {
                let origin = path.display().to_string();
                // What cannot be mapped (a pipe, some file systems) is read.
                if read_jsonl_mapped(&file, &origin, batch).is_err() {
                    read_jsonl(BufReader::new(file), &origin, batch);
                }
                return;
            }
            Err(err) => return batch.note(file_error(path, format!("cannot open: {err}"))),
        },
        Kind::Html => {
            let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            return read_pages(vec![(path.to_path_buf(), id)], batch);
        }
        Kind::Warc => return read_warc(path, batch),
        Kind::Arc => return batch.note(file_error(path, ARC_REFUSED.into())),
        Kind::Text => {}
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
    if let Err(err) = read {
        batch.note(file_error(path, format!("cannot read: {err}")));
        return;
    }
    if let Some(message) = batch.reading.too_long(bytes.len()) {
        batch.note(file_error(path, message));
        return;
    }
    let lossy = batch.reading.lossy_utf8;
    batch.take(text_article(path, &bytes, lossy));
}

/// Reads web pages `(path, id)` in parallel and hands them on in order.
fn read_pages(pages: Vec<(PathBuf, String)>, batch: &mut Stream<'_>) {
    let reading = batch.reading;
    let read: Vec<_> = pages
        .par_iter()
        .map(|(path, id)| {
            let bytes = std::fs::read(path).map_err(|err| format!("cannot read: {err}"))?;
            let origin = path.display().to_string();
            page_article(&bytes, None, None, id.clone(), origin, None, reading)
        })
        .collect();
    for ((path, _), result) in pages.iter().zip(read) {
        batch.take(located(path, result));
    }
}

/// How much longer than `ingest.max_document_bytes` a page may be: news
/// pages run to 20 times their article text in markup and scripts.
const PAGE_BYTES_PER_TEXT_BYTE: usize = 16;

/// One web page as an article: decoded (`header_charset` from its HTTP
/// headers, if any), its article extracted, with a notice when bytes had
/// to be replaced. `url` is where it was fetched from; `fetched` the time,
/// used when the page states no publication time.
pub fn page_article(
    bytes: &[u8],
    header_charset: Option<&str>,
    url: Option<&str>,
    id: String,
    origin: String,
    fetched: Option<&str>,
    reading: &Reading,
) -> Result<(Article, Option<String>), String> {
    // A page many times longer than the longest article read is not an
    // article page, and parsing it would take seconds and the memory of
    // several copies (a compressed body may inflate to this from a few KB).
    let max_page = reading.max_document_bytes.saturating_mul(PAGE_BYTES_PER_TEXT_BYTE);
    if bytes.len() > max_page {
        return Err(format!(
            "page of {} is over {} times ingest.max_document_bytes; not read",
            megabytes(bytes.len()),
            PAGE_BYTES_PER_TEXT_BYTE
        ));
    }
    let tld = url.and_then(html::host).and_then(|h| h.rsplit('.').next());
    let decoded = charset::decode(bytes, header_charset, tld);
    let notice = (decoded.replaced > 0).then(|| {
        format!(
            "{} byte sequence{} not valid {} ({}) replaced by U+FFFD",
            decoded.replaced,
            if decoded.replaced == 1 { "" } else { "s" },
            decoded.encoding,
            decoded.source.describe()
        )
    });
    let page = html::extract_with(&decoded.text, url, &reading.page)?;
    if let Some(message) = reading.too_long(page.text.len()) {
        return Err(message);
    }
    let article = Article {
        id,
        title: page.title,
        text: page.text,
        outlet: page.outlet,
        published: page.published.or_else(|| fetched.and_then(html::normalize_time)),
        url: page.url,
        language: page.language,
        author: page.author,
        origin,
    };
    Ok((article, notice))
}

/// Reads a WARC file: its HTML responses with status 200 become articles,
/// extracted in parallel a group at a time; other records are counted in
/// one notice; a damaged record is an error with its offset, and reading
/// goes on after it.
fn read_warc(path: &Path, batch: &mut Stream<'_>) {
    match warc::Reader::open(path) {
        Ok(reader) => read_warc_records(reader, &path.display().to_string(), batch),
        Err(message) => batch.note(file_error(path, message)),
    }
}

/// Reads the records of an opened WARC named `origin`: see [`read_warc`].
fn read_warc_records(reader: warc::Reader, origin: &str, batch: &mut Stream<'_>) {
    let origin = origin.to_string();
    let mut skipped = std::collections::BTreeMap::new();
    let mut responses = Vec::new();
    for record in reader {
        match record {
            Err(error) => batch.note(record_error(&origin, error.offset, error.message)),
            Ok(record) if record.kind() == "response" => {
                responses.push(record);
                if responses.len() >= PAGES_AT_ONCE {
                    read_responses(std::mem::take(&mut responses), &origin, &mut skipped, batch);
                }
            }
            Ok(record) => {
                let kind = record.kind();
                *skipped.entry(if kind.is_empty() { "untyped".to_string() } else { kind }).or_insert(0) += 1;
            }
        }
    }
    read_responses(responses, &origin, &mut skipped, batch);
    let total: usize = skipped.values().sum();
    if total > 0 {
        let kinds: Vec<String> = skipped.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        batch.note(file_error(
            Path::new(&origin),
            format!(
                "skipped {} ({}): only `response` records of HTML pages with status 200 are read",
                crate::report::count(total, "record"),
                kinds.join(", ")
            ),
        ));
    }
}

/// What became of one WARC response record.
enum Response {
    Page(Box<Article>, Option<String>),
    Skipped(&'static str),
    Failed(String),
}

/// Turns a group of response records into articles, in parallel, and
/// hands them on in file order; a URL captured before is read once.
fn read_responses(
    records: Vec<warc::Record>,
    origin: &str,
    skipped: &mut std::collections::BTreeMap<String, usize>,
    batch: &mut Stream<'_>,
) {
    let reading = batch.reading;
    let stem = Path::new(origin).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let read: Vec<Response> = records
        .par_iter()
        .map(|record| {
            let response = match http::parse(&record.block) {
                Ok(response) => response,
                Err(message) => return Response::Failed(message),
            };
            if response.status != 200 {
                return Response::Skipped("non-200 response");
            }
            let html = http::is_html(response.content_type.as_deref())
                || (response.content_type.is_none() && looks_like_html(&response.body));
            if !html {
                return Response::Skipped("non-HTML response");
            }
            let url = record.target_uri();
            let id = url.map_or_else(|| format!("{stem}@{}", record.offset), str::to_string);
            let charset = response.content_type.as_deref().and_then(charset::content_type_charset);
            let at = format!("{origin}@{}", record.offset);
            match page_article(&response.body, charset, url, id, at, record.header("WARC-Date"), reading) {
                Ok((article, notice)) => Response::Page(Box::new(article), notice),
                Err(message) => Response::Failed(message),
            }
        })
        .collect();
    for (record, response) in records.iter().zip(read) {
        match response {
            Response::Page(article, notice) => {
                if let Some(notice) = notice {
                    batch.note(record_error(origin, record.offset, notice));
                }
                let date = record.header("WARC-Date").unwrap_or("no WARC-Date");
                let here = format!("byte {} ({date})", record.offset);
                match record.target_uri().map(|url| (url, batch.captures.get(url))) {
                    Some((url, Some(first))) => {
                        let message =
                            format!("{url} was captured again here ({date}); the capture at {first} was kept");
                        batch.note(record_error(origin, record.offset, message));
                    }
                    Some((url, None)) => {
                        batch.captures.insert(url.to_string(), format!("{origin} {here}"));
                        batch.push(*article);
                    }
                    None => batch.push(*article),
                }
            }
            Response::Skipped(kind) => *skipped.entry(kind.to_string()).or_insert(0) += 1,
            Response::Failed(message) => batch.note(record_error(origin, record.offset, message)),
        }
    }
}

fn record_error(path: &str, offset: u64, message: String) -> InputError {
    InputError { path: path.into(), line: None, offset: Some(offset), message }
}

/// One file read: its article and a notice, or why not.
type ReadFile = Result<(Article, Option<InputError>), InputError>;

/// A page's result with its messages placed at the file they are about.
fn located(path: &Path, page: Result<(Article, Option<String>), String>) -> ReadFile {
    page.map(|(article, notice)| (article, notice.map(|n| file_error(path, n)))).map_err(|m| file_error(path, m))
}

fn file_error(path: &Path, message: String) -> InputError {
    InputError { path: path.display().to_string(), line: None, offset: None, message }
}

/// Builds an article from a text file: the first line is the headline when
/// it looks like one (short, not a full sentence, followed by a blank line).
/// With `lossy`, invalid UTF-8 is replaced and comes back as a notice.
fn text_article(path: &Path, bytes: &[u8], lossy: bool) -> Result<(Article, Option<InputError>), InputError> {
    let origin = path.display().to_string();
    let located =
        |(line, message): (usize, String)| InputError { path: origin.clone(), line: Some(line), offset: None, message };
    let (text, notice) = decode(bytes, lossy).map_err(located)?;
    let notice = notice.map(located);
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(file_error(path, "empty document".into()));
    }
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| origin.clone());
    let (title, body) = split_headline(text);
    if body.trim().is_empty() {
        return Err(file_error(path, "document has a headline but no body".into()));
    }
    Ok((
        Article {
            id,
            title,
            text: body.to_string(),
            outlet: None,
            published: None,
            url: None,
            language: None,
            author: None,
            origin,
        },
        notice,
    ))
}

/// Decodes UTF-8, or says at which line and column and why it is not text.
/// With `lossy`, invalid bytes become U+FFFD and the first of them is
/// returned as a notice `(line, message)` instead of an error.
fn decode(bytes: &[u8], lossy: bool) -> Result<(std::borrow::Cow<'_, str>, Option<Located>), Located> {
    if let Some(pos) = memchr::memchr(0, bytes) {
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..pos]).count();
        return Err((line, "binary file (NUL byte); not read".into()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.into(), None)),
        Err(err) => {
            let (line, column) = line_and_column(bytes, err.valid_up_to());
            if lossy {
                let message = format!("column {column}: invalid UTF-8 replaced by U+FFFD (--lossy-utf8)");
                Ok((String::from_utf8_lossy(bytes), Some((line, message))))
            } else {
                let message = format!(
                    "column {column}: invalid UTF-8 (byte 0x{:02x}); not read. Convert the file to UTF-8, \
                     or pass --lossy-utf8 to read it with bad bytes replaced",
                    bytes[err.valid_up_to()]
                );
                Err((line, message))
            }
        }
    }
}

/// A message and the 1-based line it is about.
type Located = (usize, String);

/// 1-based line and column (in characters) of byte `pos`.
fn line_and_column(bytes: &[u8], pos: usize) -> (usize, usize) {
    let before = &bytes[..pos];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // The bytes before `pos` are valid UTF-8: count characters.
    let column = 1 + std::str::from_utf8(&before[line_start..]).map_or(pos - line_start, |s| s.chars().count());
    (line, column)
}

/// Splits off a headline: the first non-empty line when it is followed by a
/// blank line, is at most 25 words, and does not end like a sentence.
pub fn split_headline(text: &str) -> (Option<String>, &str) {
    let trimmed = text.trim_start_matches(['\n', '\r', ' ', '\t']);
    let Some(end) = trimmed.find('\n') else { return (None, trimmed) };
    let first = trimmed[..end].trim();
    let rest = &trimmed[end + 1..];
    let followed_by_blank = rest.lines().next().map(|l| l.trim().is_empty()).unwrap_or(false);
    let words = first.split_whitespace().count();
    let ends_like_sentence = first.ends_with('.') && !first.ends_with("..");
    if followed_by_blank && (1..=25).contains(&words) && !ends_like_sentence {
        (Some(first.to_string()), rest)
    } else {
        (None, trimmed)
    }
}

/// Bytes of JSONL read before they are parsed, in parallel, as one block;
/// bounds the memory held by raw input.
const CHUNK_BYTES: usize = 32 << 20;

/// Reads JSON lines; a malformed line or a record without text is an error
/// naming the line, and reading goes on with the next line. Lines are parsed
/// in parallel, a chunk at a time; articles keep their input order.
fn read_jsonl<R: Read>(mut reader: R, origin: &str, batch: &mut Stream<'_>) {
    let mut lines = JsonlLines::new(origin);
    // Blocks of whole lines: read in bulk, split without copying, parsed in parallel.
    let mut block: Vec<u8> = Vec::new();
    let mut carry: Vec<u8> = Vec::new();
    loop {
        block.clear();
        block.append(&mut carry);
        // Room for the whole block up front: grown by doubling, the buffer
        // would be copied over and over as it fills.
        block.reserve(CHUNK_BYTES);
        let eof = match (&mut reader).take(CHUNK_BYTES as u64).read_to_end(&mut block) {
            Ok(n) => n == 0,
            Err(err) => {
                batch.note(lines.read_error(&err));
                true
            }
        };
        if !eof {
            // Keep the unfinished last line for the next block.
            match memchr::memrchr(b'\n', &block) {
                Some(last) => carry.extend_from_slice(&block[last + 1..]),
                None => {
                    carry = std::mem::take(&mut block);
                    continue;
                }
            }
            let keep = block.len() - carry.len();
            block.truncate(keep);
        }
        if !lines.block(&block, batch) || eof {
            break;
        }
    }
}

/// [`read_jsonl`] of a file mapped into memory a block at a time: the
/// same blocks of whole lines, parsed where the page cache holds them
/// rather than copied into a buffer first (a tenth of near-duplicate mode's
/// time on a small corpus). One block is mapped at a time, so that a large
/// file does not count in full against the process's memory. `Err` when
/// the file cannot be mapped at all, before anything is read.
fn read_jsonl_mapped(file: &std::fs::File, origin: &str, batch: &mut Stream<'_>) -> std::io::Result<()> {
    read_jsonl_mapped_in(file, origin, batch, CHUNK_BYTES)
}

/// [`read_jsonl_mapped`] in blocks of about `block_bytes`.
fn read_jsonl_mapped_in(
    file: &std::fs::File,
    origin: &str,
    batch: &mut Stream<'_>,
    block_bytes: usize,
) -> std::io::Result<()> {
    let meta = file.metadata()?;
    // A pipe or device says nothing of its length: it is read instead.
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let len = meta.len();
    let mut lines = JsonlLines::new(origin);
    let mut pos = 0u64;
    while pos < len {
        let mut window = (len - pos).min(block_bytes.max(1) as u64);
        loop {
            // SAFETY: the map is only read, and only while this call runs.
            // A file rewritten under it by another process could change
            // what is read, as it could for a buffered read; one truncated
            // under it would end the process (SIGBUS), the risk every
            // memory-mapped reader takes (the guide says not to rewrite a
            // file while it is read).
            let map = unsafe { memmap2::MmapOptions::new().offset(pos).len(window as usize).map(file) };
            let map = match map {
                Ok(map) => map,
                Err(err) if pos == 0 => return Err(err),
                Err(err) => {
                    batch.note(lines.read_error(&err));
                    return Ok(());
                }
            };
            // After the last newline of the block; a line longer than the
            // block takes a larger one.
            let cut = if pos + window == len { Some(map.len()) } else { memchr::memrchr(b'\n', &map).map(|i| i + 1) };
            match cut {
                Some(cut) => {
                    if !lines.block(&map[..cut], batch) {
                        return Ok(());
                    }
                    pos += cut as u64;
                    break;
                }
                None => window = (window * 2).min(len - pos),
            }
        }
    }
    Ok(())
}

/// The state of reading one JSONL input block by block.
struct JsonlLines<'o> {
    origin: &'o str,
    /// The file name without extension: ids of records without one.
    stem: String,
    /// The number of the next block's first line.
    first_line: usize,
}

impl<'o> JsonlLines<'o> {
    fn new(origin: &'o str) -> JsonlLines<'o> {
        let stem = Path::new(origin).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        JsonlLines { origin, stem, first_line: 1 }
    }

    /// A failure to read on, at the next block's first line.
    fn read_error(&self, err: &std::io::Error) -> InputError {
        InputError {
            offset: None,
            path: self.origin.into(),
            line: Some(self.first_line),
            message: format!("read error: {err}"),
        }
    }

    /// Parses a block of whole lines in parallel and hands its articles to
    /// `batch` in order. False when the input turned out not to be JSONL
    /// at all (standard input given a plain text), which ends its reading.
    fn block(&mut self, block: &[u8], batch: &mut Stream<'_>) -> bool {
        let (origin, first_line) = (self.origin, self.first_line);
        // A byte-order mark opens some files written on Windows.
        let start = if first_line == 1 && block.starts_with(BOM) { BOM.len() } else { 0 };
        if first_line == 1 && origin == "-" && !looks_like_jsonl(&block[start..]) {
            batch.note(InputError {
                offset: None,
                path: origin.into(),
                line: Some(1),
                message: "standard input is not JSONL (its first line is not a JSON object); `-` reads one JSON \
                          object per line. To analyse a plain-text article, save it as a .txt file and name the file"
                    .into(),
            });
            return false;
        }
        let body = &block[start..];
        let mut lines: Vec<(usize, &[u8])> = Vec::new();
        let mut line_start = 0;
        for (k, end) in memchr::memchr_iter(b'\n', body).chain(std::iter::once(body.len())).enumerate() {
            if end > line_start {
                lines.push((first_line + k, &body[line_start..end]));
            }
            line_start = end + 1;
        }
        self.first_line += memchr::memchr_iter(b'\n', block).count();
        let (reading, stem) = (batch.reading, self.stem.as_str());
        let parsed: Vec<Option<Parsed>> =
            lines.par_iter().map(|&(line_no, bytes)| parse_line(bytes, reading, stem, origin, line_no)).collect();
        for parsed in parsed.into_iter().flatten() {
            if let Some(notice) = parsed.notice {
                batch.note(notice);
            }
            match parsed.article {
                Ok((article, hash)) => batch.push_hashed(article, hash),
                Err(error) => batch.note(error),
            }
        }
        true
    }
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Whether the first non-blank line of `block` opens a JSON object.
fn looks_like_jsonl(block: &[u8]) -> bool {
    match block.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(&b) => b == b'{',
        None => true,
    }
}

/// What one JSONL line gave: an article or why not, and a notice about how
/// it was read (bad bytes replaced).
struct Parsed {
    /// The article with [`text_hash`] of its text, computed here in
    /// parallel rather than on the reading thread.
    article: Result<(Article, u64), InputError>,
    notice: Option<InputError>,
}

/// One JSONL line: `None` for a blank line.
fn parse_line(bytes: &[u8], reading: &Reading, stem: &str, origin: &str, line_no: usize) -> Option<Parsed> {
    let error = |message: String| InputError { path: origin.into(), line: Some(line_no), offset: None, message };
    let (line, notice) = match decode(bytes, reading.lossy_utf8) {
        Ok((line, notice)) => (line, notice.map(|(_, message)| error(message))),
        Err((_, message)) => return Some(Parsed { article: Err(error(message)), notice: None }),
    };
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let article = parse_record(line, &reading.fields, stem, origin, line_no)
        .and_then(|a| match reading.too_long(a.text.len()) {
            Some(message) => Err(message),
            None => Ok(a),
        })
        .map(|a| {
            let hash = text_hash(&a.text);
            (a, hash)
        })
        .map_err(error);
    Some(Parsed { article, notice })
}

/// One JSON record (`line`, the `line_no`th of `origin`) as an article, with
/// the message a user reads when it is not one. A record without an id is
/// named `stem:line_no`. Readers of other JSON carriers (an HTTP request's
/// body) use it so that a record means the same everywhere.
pub fn parse_record(
    line: &str,
    fields: &JsonFields,
    stem: &str,
    origin: &str,
    line_no: usize,
) -> Result<Article, String> {
    // One pass over the record, decoding the named fields only. A record
    // that does not make an article that way is read again below, which
    // says exactly what is wrong with it.
    let names = fields.names();
    let mut json = serde_json::Deserializer::from_str(line);
    let named = serde::de::DeserializeSeed::deserialize(NamedFields(names), &mut json);
    if let Ok(mut values) = named.and_then(|values| json.end().map(|()| values)) {
        if let Ok(article) = article_of(names, |k| Ok(values[k].take()), String::new, stem, origin, line_no) {
            return Ok(article);
        }
    }
    record_read_slowly(line, fields, stem, origin, line_no)
}

/// [`parse_record`] in two passes, the record's fields found first and the
/// named ones decoded after: slower, but it can say what is wrong.
fn record_read_slowly(
    line: &str,
    fields: &JsonFields,
    stem: &str,
    origin: &str,
    line_no: usize,
) -> Result<Article, String> {
    // Only the named fields are decoded; the rest of the record is skipped
    // unparsed, which keeps wide records cheap.
    let object: std::collections::HashMap<std::borrow::Cow<'_, str>, &serde_json::value::RawValue> =
        serde_json::from_str(line).map_err(|err| match serde_json::from_str::<serde_json::Value>(line) {
            Ok(_) => "a record must be a JSON object".to_string(),
            Err(_) => {
                // serde_json says "at line 1 column N"; a record is one line.
                let text = err.to_string();
                let what = text.rsplit_once(" at line ").map_or(text.as_str(), |(what, _)| what);
                format!("column {}: malformed JSON: {what}", err.column())
            }
        })?;
    let names = fields.names();
    let value = |k: usize| match object.get(names[k]) {
        None => Ok(None),
        Some(raw) => serde_json::from_str(raw.get()).map(Some).map_err(|err| format!("field `{}`: {err}", names[k])),
    };
    let missing_text = || {
        let mut found: Vec<&str> = object.keys().map(|k| k.as_ref()).collect();
        found.sort_unstable();
        format!(
            "record has no `{}` field (its fields: {}); name the field holding the body with --text-field",
            names[TEXT],
            found.join(", ")
        )
    };
    article_of(names, value, missing_text, stem, origin, line_no)
}

/// Positions in [`JsonFields::names`].
const ID: usize = 0;
const TITLE: usize = 1;
const TEXT: usize = 2;
const OUTLET: usize = 3;
const PUBLISHED: usize = 4;
const URL: usize = 5;
const LANGUAGE: usize = 6;
const AUTHOR: usize = 7;

impl JsonFields {
    /// The eight field names, in the order [`article_of`] reads them.
    fn names(&self) -> [&str; 8] {
        [&self.id, &self.title, &self.text, &self.outlet, &self.published, &self.url, &self.language, &self.author]
    }
}

/// The article a record's named fields make: `value(k)` is the value of
/// the `k`th of `names` (none when the record lacks it), `missing_text` the
/// message for a record without a text. Both readers of a record share it,
/// so that a record means the same either way.
fn article_of(
    names: [&str; 8],
    mut value: impl FnMut(usize) -> Result<Option<serde_json::Value>, String>,
    missing_text: impl FnOnce() -> String,
    stem: &str,
    origin: &str,
    line_no: usize,
) -> Result<Article, String> {
    // `strict`: the value must be a string; an id may also be a number.
    let mut field = |k: usize, strict: bool| -> Result<Option<String>, String> {
        match value(k)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(serde_json::Value::Number(n)) if !strict => Ok(Some(n.to_string())),
            Some(other) => Err(format!("field `{}` must be a string, found {other}", names[k])),
        }
    };
    let text = field(TEXT, true)?.ok_or_else(missing_text)?;
    if text.trim().is_empty() {
        return Err(format!("empty document (`{}` is blank)", names[TEXT]));
    }
    let id = field(ID, false)?.unwrap_or_else(|| format!("{stem}:{line_no}"));
    Ok(Article {
        id,
        title: field(TITLE, true)?.filter(|t| !t.trim().is_empty()),
        text,
        outlet: field(OUTLET, true)?,
        published: field(PUBLISHED, true)?,
        url: field(URL, true)?,
        language: field(LANGUAGE, true)?,
        author: field(AUTHOR, true)?,
        origin: format!("{origin}:{line_no}"),
    })
}

/// Reads a JSON object's values of the eight fields of
/// [`JsonFields::names`], skipping the others; a repeated key keeps its
/// last value.
struct NamedFields<'f>([&'f str; 8]);

impl<'de> serde::de::DeserializeSeed<'de> for NamedFields<'_> {
    type Value = [Option<serde_json::Value>; 8];

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NamedFields<'_> {
    type Value = [Option<serde_json::Value>; 8];

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values: [Option<serde_json::Value>; 8] = Default::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            // Two settings may name one field (`--title-field text`).
            let mut named = (0..8).filter(|&i| self.0[i] == key);
            match named.next() {
                None => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Some(first) => {
                    let value: serde_json::Value = map.next_value()?;
                    for i in named {
                        values[i] = Some(value.clone());
                    }
                    values[first] = Some(value);
                }
            }
        }
        Ok(values)
    }
}

fn split_origin(origin: &str) -> (&str, Option<usize>) {
    match origin.rsplit_once(':') {
        Some((path, line)) if line.parse::<usize>().is_ok() => (path, line.parse().ok()),
        _ => (origin, None),
    }
}

/// Parses `YYYY-MM-DD` or RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)`) into
/// seconds since the Unix epoch, for ordering copies in time.
pub fn parse_published(value: &str) -> Option<i64> {
    let v = value.trim();
    let date = v.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let rest = &v[10..];
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let hms = rest.get(..8)?;
    let mut t = hms.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let m: i64 = t.next()?.parse().ok()?;
    let s: i64 = t.next()?.parse().ok()?;
    let mut tail = &rest[8..];
    if let Some(frac) = tail.strip_prefix('.') {
        let digits = frac.chars().take_while(|c| c.is_ascii_digit()).count();
        tail = &frac[digits..];
    }
    let offset = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = tail.get(1..3)?.parse().ok()?;
            let om: i64 = tail.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + m * 60 + s - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The `YYYY-MM-DD` date of a day counted from 1970-01-01 (the inverse of
/// `days_from_civil`).
pub(crate) fn date_of_days(days: i64) -> String {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_convert_both_ways() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2019, 12, 31), (1969, 7, 20), (2024, 3, 1)] {
            assert_eq!(date_of_days(days_from_civil(y, m, d)), format!("{y:04}-{m:02}-{d:02}"));
        }
    }

    #[test]
    fn headline_is_split_only_when_it_looks_like_one() {
        let (title, body) = split_headline("Putin Agrees to Limited Cease-Fire\n\nPresident Putin agreed.");
        assert_eq!(title.as_deref(), Some("Putin Agrees to Limited Cease-Fire"));
        assert_eq!(body.trim(), "President Putin agreed.");
        let (title, _) = split_headline("WASHINGTON >> President Putin agreed on Tuesday.\n\nMore text.");
        assert_eq!(title, None);
        let (title, _) = split_headline("Short first line\nsecond line follows directly.");
        assert_eq!(title, None);
    }

    /// Reads JSONL from a string, as from a file named `origin`.
    fn read_jsonl_with(input: &[u8], origin: &str, reading: &Reading) -> Batch {
        let mut articles = Vec::new();
        let mut sink = |chunk: Vec<Article>| articles.extend(chunk);
        let mut stream = Stream::new(reading, &mut sink);
        read_jsonl(input, origin, &mut stream);
        stream.summarise_repeats();
        stream.flush();
        let errors = stream.errors;
        Batch { articles, errors }
    }

    fn read_jsonl_str(input: &str, origin: &str, fields: &JsonFields) -> Batch {
        read_jsonl_with(input.as_bytes(), origin, &Reading { fields: fields.clone(), ..Reading::default() })
    }

    #[test]
    fn a_document_over_the_limit_is_named_and_skipped() {
        let long = "word ".repeat(400);
        let input = format!("{{\"id\":\"big\",\"text\":\"{long}\"}}\n{{\"id\":\"ok\",\"text\":\"Short.\"}}\n");
        let reading = Reading { max_document_bytes: 1000, ..Reading::default() };
        let batch = read_jsonl_with(input.as_bytes(), "big.jsonl", &reading);
        assert_eq!(batch.articles.len(), 1);
        assert_eq!(batch.articles[0].id, "ok");
        assert!(
            batch.errors[0].to_string().starts_with("big.jsonl:1: document of 0.0 MB is longer"),
            "{:?}",
            batch.errors
        );
    }

    #[test]
    fn bad_jsonl_lines_are_reported_and_the_rest_is_read() {
        let input = "{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n{\"id\":\"b\"}\n\n{\"id\":\"c\",\"text\":\"Three.\",\"published\":\"2025-03-18\"}\n";
        let batch = read_jsonl_str(input, "in.jsonl", &JsonFields::default());
        let ids: Vec<_> = batch.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(batch.errors.len(), 2);
        assert_eq!(batch.errors[0].line, Some(2));
        assert!(batch.errors[0].to_string().starts_with("in.jsonl:2: column 2: malformed JSON"), "{}", batch.errors[0]);
        assert_eq!(batch.errors[1].line, Some(3));
        assert!(batch.errors[1].message.contains("no `text` field (its fields: id)"));
        assert!(batch.errors[1].message.contains("--text-field"));
    }

    #[test]
    fn a_mapped_file_reads_as_a_buffered_one_whatever_the_block_size() {
        let mut input = b"\xef\xbb\xbf".to_vec();
        for i in 0..40 {
            let line = match i % 7 {
                3 => "not json".to_string(),
                5 => String::new(),
                // Lines longer than the smallest blocks.
                _ => format!("{{\"id\":\"d{i}\",\"text\":\"Text number {i}. {}\"}}", "word ".repeat(i)),
            };
            input.extend_from_slice(line.as_bytes());
            input.push(b'\n');
        }
        input.extend_from_slice(b"{\"id\":\"last\",\"text\":\"No final newline.\"}");
        let dir = std::env::temp_dir().join(format!("stemma-mapped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("in.jsonl");
        std::fs::write(&path, &input).expect("temp file");
        let buffered = read_jsonl_with(&input, "in.jsonl", &Reading::default());
        assert_eq!(buffered.articles.len(), 30);
        for block in [1, 7, 64, 300, 1 << 20] {
            let reading = Reading::default();
            let mut articles = Vec::new();
            let mut sink = |chunk: Vec<Article>| articles.extend(chunk);
            let mut stream = Stream::new(&reading, &mut sink);
            let file = std::fs::File::open(&path).expect("open");
            read_jsonl_mapped_in(&file, "in.jsonl", &mut stream, block).expect("mapped");
            stream.summarise_repeats();
            stream.flush();
            let errors = std::mem::take(&mut stream.errors);
            drop(stream);
            assert_eq!(articles, buffered.articles, "block of {block} bytes");
            assert_eq!(errors, buffered.errors, "block of {block} bytes");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_record_reads_the_same_in_one_pass_as_in_two() {
        let records = [
            r#"{"id":"a","text":"One.","title":"T","outlet":"O","published":"2025-03-18","url":"u","language":"en","author":"A"}"#,
            r#"{"id":7,"text":"Numbered id.","extra":{"deep":[1,2,{"x":null}]},"n":1e300}"#,
            r#"{"id":"a","text":"First.","text":"Last wins."}"#,
            r#"{"text":"No id.","title":"   "}"#,
            r#"{"id":"a","text":"Escaped \"quote\" and \u00e9.","outlet":null}"#,
            r#"{"id":"a","text":"Two texts.","text":7}"#,
            r#"{"id":"a","text":"A number out of range.","url":1e400}"#,
            r#"{"id":"a","text":"x"} trailing"#,
            r#"{"id":"a","text":"   "}"#,
            r#"{"id":"a","text":3}"#,
            r#"{"id":true,"text":"Bool id."}"#,
            r#"{"id":"a","body":"Wrong field."}"#,
            r#"["not", "an", "object"]"#,
            r#"{"id":"a","text":"Unclosed"#,
        ];
        let escaped = parse_record(records[4], &JsonFields::default(), "stem", "in.jsonl", 3).expect("a record");
        assert_eq!(escaped.text, "Escaped \"quote\" and \u{e9}.");
        let renamed = JsonFields { title: "text".into(), ..JsonFields::default() };
        for fields in [JsonFields::default(), renamed] {
            for record in records {
                assert_eq!(
                    parse_record(record, &fields, "stem", "in.jsonl", 3),
                    record_read_slowly(record, &fields, "stem", "in.jsonl", 3),
                    "{record}"
                );
            }
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_cost_the_first_record() {
        let batch = read_jsonl_with(
            b"\xef\xbb\xbf{\"id\":\"a\",\"text\":\"One.\"}\n{\"id\":\"b\",\"text\":\"Two.\"}\n",
            "bom.jsonl",
            &Reading::default(),
        );
        assert_eq!(batch.articles.len(), 2, "{:?}", batch.errors);
        assert!(batch.errors.is_empty());
    }

    #[test]
    fn one_problem_repeated_is_listed_a_few_times_then_counted() {
        let input: String = (0..50).map(|i| format!("{{\"id\":\"{i}\",\"body\":\"Text {i}.\"}}\n")).collect();
        let batch = read_jsonl_str(&input, "wide.jsonl", &JsonFields::default());
        assert!(batch.articles.is_empty());
        assert_eq!(batch.errors.len(), SHOWN_REPEATS + 1, "{:?}", batch.errors);
        let last = batch.errors.last().unwrap().to_string();
        assert!(last.contains("47 more records with the same problem (lines 4-50)"), "{last}");
        assert!(last.contains("its fields: body, id"), "{last}");
    }

    #[test]
    fn text_must_be_a_string_though_an_id_may_be_a_number() {
        let batch = read_jsonl_str(
            "{\"id\":7,\"text\":\"Seven.\"}\n{\"id\":\"n\",\"text\":12345}\n",
            "n.jsonl",
            &JsonFields::default(),
        );
        assert_eq!(batch.articles.len(), 1);
        assert_eq!(batch.articles[0].id, "7");
        assert!(batch.errors[0].message.contains("`text` must be a string"), "{:?}", batch.errors);
    }

    #[test]
    fn invalid_utf8_names_line_and_column_and_can_be_read_lossily() {
        let input = b"{\"id\":\"a\",\"text\":\"Caf\xe9 au lait.\"}\n";
        let strict = read_jsonl_with(input, "l.jsonl", &Reading::default());
        assert!(strict.articles.is_empty());
        let message = strict.errors[0].to_string();
        assert!(message.starts_with("l.jsonl:1: column 22: invalid UTF-8"), "{message}");
        assert!(message.contains("--lossy-utf8"), "{message}");
        let lossy = read_jsonl_with(input, "l.jsonl", &Reading { lossy_utf8: true, ..Reading::default() });
        assert_eq!(lossy.articles[0].text, "Caf\u{fffd} au lait.");
        assert!(lossy.errors[0].message.contains("replaced by U+FFFD"), "{:?}", lossy.errors);
    }

    #[test]
    fn the_same_article_given_twice_is_read_once() {
        let input = "{\"id\":\"a\",\"text\":\"Same.\"}\n{\"id\":\"a\",\"text\":\"Same.\"}\n";
        let batch = read_jsonl_str(input, "twice.jsonl", &JsonFields::default());
        assert_eq!(batch.articles.len(), 1);
        assert!(batch.errors[0].message.contains("read from twice.jsonl:1; read once"), "{:?}", batch.errors);
    }

    #[test]
    fn field_names_are_configurable() {
        let fields = JsonFields { text: "body".into(), id: "doc".into(), ..JsonFields::default() };
        let batch = read_jsonl_str("{\"doc\":\"x\",\"body\":\"Hello there.\"}\n", "f.jsonl", &fields);
        assert_eq!(batch.articles[0].id, "x");
        assert_eq!(batch.articles[0].text, "Hello there.");
    }

    #[test]
    fn binary_and_invalid_utf8_name_the_line() {
        let err = text_article(Path::new("x.txt"), b"ok\nline two \xff\xfe", false).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.starts_with("column 10: invalid UTF-8"), "{}", err.message);
        let (article, notice) = text_article(Path::new("x.txt"), b"ok\nline two \xff\xfe", true).unwrap();
        assert!(article.text.contains('\u{fffd}'));
        assert_eq!(notice.and_then(|n| n.line), Some(2));
        let err = text_article(Path::new("x.bin"), b"a\0b", false).unwrap_err();
        assert!(err.message.contains("binary"));
        let err = text_article(Path::new("e.txt"), b"  \n\n", false).unwrap_err();
        assert!(err.message.contains("empty"));
    }

    #[test]
    fn duplicate_ids_are_renamed_with_a_notice() {
        let batch = read_jsonl_str(
            "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a\",\"text\":\"y\"}\n",
            "d.jsonl",
            &JsonFields::default(),
        );
        assert_eq!(batch.articles[1].id, "a#2");
        assert_eq!(batch.errors[0].line, Some(2));
    }

    #[test]
    fn publication_times_parse_and_order() {
        let day = parse_published("2025-03-18").unwrap();
        let noon = parse_published("2025-03-18T12:00:00Z").unwrap();
        let offset = parse_published("2025-03-18T14:00:00+02:00").unwrap();
        assert_eq!(noon - day, 12 * 3600);
        assert_eq!(noon, offset);
        assert_eq!(parse_published("1970-01-01T00:00:00.5Z"), Some(0));
        assert_eq!(parse_published("March 18"), None);
        assert_eq!(parse_published("2025-13-01"), None);
    }
}
