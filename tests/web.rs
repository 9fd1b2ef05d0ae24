//! HTML pages and WARC files through the real binary (`stemma extract`,
//! `stemma analyze`): a CC-NEWS-like WARC built by tests/web/make_warc.py from
//! the Readability test pages (../shared/data/html), checked against the
//! manifest the script writes; and the seeds and examples rendered as HTML
//! pages, alone and wrapped in a WARC, which must relate as their text files do.
//!
//! make_warc.py needs Python with `warcio`: `STEMMA_TEST_PYTHON`, else
//! target/test-venv/bin/python (which .ci/run creates). Without one these
//! tests fail, loudly: CI must not skip them.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{shared, TempDir};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stemma<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stemma")).args(args).output().expect("run stemma")
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\n--- stderr ---\n{}\n--- stdout (start) ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout).chars().take(2000).collect::<String>()
    )
}

/// The Python that has `warcio`, or a loud failure.
fn python() -> PathBuf {
    let has_warcio =
        |py: &Path| Command::new(py).args(["-c", "import warcio"]).output().is_ok_and(|o| o.status.success());
    if let Some(py) = std::env::var_os("STEMMA_TEST_PYTHON") {
        let py = PathBuf::from(py);
        assert!(
            has_warcio(&py),
            "\n!!! STEMMA_TEST_PYTHON={} cannot import warcio. Run .ci/run once (it creates target/test-venv \
             with warcio), or `pip install warcio==1.8.1` into that Python !!!\n",
            py.display()
        );
        return py;
    }
    let venv = repo().join("target/test-venv/bin/python");
    assert!(
        has_warcio(&venv),
        "\n!!! tests/web.rs needs Python with the warcio package to build its WARC files, and found none: \
         STEMMA_TEST_PYTHON is unset and {} {}. Run .ci/run once (it creates that venv), or: \
         python3 -m venv target/test-venv && target/test-venv/bin/pip install warcio==1.8.1 !!!\n",
        venv.display(),
        if venv.exists() { "cannot import warcio" } else { "does not exist" }
    );
    venv
}

/// Runs make_warc.py (OUT, then `extra`) and returns its manifest.
fn make_warc(out: &Path, extra: &[&OsStr]) -> Value {
    let manifest = out.with_extension("manifest.json");
    let script = repo().join("tests/web/make_warc.py");
    let run = Command::new(python())
        .arg(script)
        .arg(out)
        .args(extra)
        .arg("--manifest")
        .arg(&manifest)
        .output()
        .expect("run make_warc.py");
    assert!(run.status.success(), "make_warc.py failed:\n{}", show(&run));
    serde_json::from_slice(&std::fs::read(manifest).unwrap()).expect("manifest is JSON")
}

/// `stemma extract PATHS -o FILE --format jsonl`: the articles, standard error, and the run.
fn extract(dir: &Path, name: &str, paths: &[PathBuf]) -> (Vec<Value>, String, Output) {
    let out_file = dir.join(format!("{name}.jsonl"));
    let mut args: Vec<&OsStr> = vec![OsStr::new("extract")];
    args.extend(paths.iter().map(|p| p.as_os_str()));
    args.extend([OsStr::new("-o"), out_file.as_os_str(), OsStr::new("--format"), OsStr::new("jsonl")]);
    let out = stemma(&args);
    assert!(out.status.success(), "stemma extract must exit 0 when anything was read:\n{}", show(&out));
    let text = std::fs::read_to_string(&out_file).unwrap_or_else(|e| panic!("no output {}: {e}", out_file.display()));
    let articles: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("extract wrote a bad JSON line ({e}): {l}")))
        .collect();
    for a in &articles {
        for key in ["id", "url", "title", "published", "outlet", "language", "author", "text", "origin"] {
            assert!(a.get(key).is_some(), "an extracted article lacks {key:?}: {}", brief(a));
        }
    }
    (articles, String::from_utf8_lossy(&out.stderr).into_owned(), out)
}

fn brief(a: &Value) -> String {
    let mut a = a.clone();
    if let Some(t) = a.get_mut("text") {
        *t = Value::String(t.as_str().unwrap_or("").chars().take(200).collect());
    }
    a.to_string()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// Whitespace runs as one space.
fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where two texts part, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let shorter = a.len().min(b.len());
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(shorter);
    let around = |t: &[char]| t[at.saturating_sub(60)..(at + 60).min(t.len())].iter().collect::<String>();
    format!("at char {at} of {}/{}:\n    warc:   {:?}\n    source: {:?}", a.len(), b.len(), around(&a), around(&b))
}

/// Counts in the notice lines about `file` that mention "skipped": the
/// number before each word, summed by the word.
fn skip_counts(stderr: &str, file: &str) -> Vec<(u64, String)> {
    let mut counts = Vec::new();
    for line in stderr.lines().filter(|l| l.contains(file) && l.to_lowercase().contains("skipped")) {
        let words: Vec<String> = line
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_lowercase())
            .collect();
        for pair in words.windows(2) {
            if let Ok(n) = pair[0].trim_matches(':').parse::<u64>() {
                counts.push((n, pair[1].clone()));
            }
        }
    }
    counts
}

/// Checks one extracted WARC against its manifest; returns the text of each good page by URL.
fn check_warc(dir: &Path, warc: &Path, manifest: &Value, name: &str) -> BTreeMap<String, String> {
    let (articles, stderr, _) = extract(dir, name, &[warc.to_path_buf()]);
    let file = warc.file_name().unwrap().to_string_lossy().into_owned();
    let pages = manifest["pages"].as_array().unwrap();
    let mut problems = Vec::new();

    // Every good page once, by URL; nothing else.
    let mut by_id: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for a in &articles {
        by_id.entry(s(a, "id")).or_default().push(a);
    }
    let good: BTreeMap<&str, &Value> = pages.iter().map(|p| (s(p, "url"), p)).collect();
    let bad_records = manifest["bad_records"].as_array().unwrap();
    // A record that starts right where a damaged one ends.
    let after_damage = |offset: &Value| {
        bad_records
            .iter()
            .find(|b| b["next_offset"] == *offset)
            .map(|b| {
                format!("; it starts right after the damaged record at {} (lost in resynchronising?)", b["offset"])
            })
            .unwrap_or_default()
    };
    for (url, page) in &good {
        match by_id.get(url).map(Vec::len) {
            Some(1) => {}
            None => problems.push(format!(
                "not read: {url} (encoding {}, declared {}, transfer {}, content {}){}",
                page["encoding"],
                page["declared"],
                page["transfer_encoding"],
                page["content_encoding"],
                after_damage(&page["offset"])
            )),
            Some(n) => problems.push(format!("read {n} times: {url}")),
        }
    }
    for id in by_id.keys().filter(|id| !good.contains_key(*id)) {
        problems.push(format!("an article that is no good page of the WARC (non-HTML, non-200, broken?): {id}"));
    }

    let mut texts = BTreeMap::new();
    for (url, page) in &good {
        let Some(a) = by_id.get(url).and_then(|v| v.first()) else { continue };
        // origin is FILE@OFFSET of the response record.
        let origin = s(a, "origin");
        let offsets: Vec<u64> = if manifest["duplicate"]["url"].as_str() == Some(*url) {
            manifest["duplicate"]["offsets"].as_array().unwrap().iter().map(|o| o.as_u64().unwrap()).collect()
        } else {
            vec![page["offset"].as_u64().unwrap()]
        };
        if !offsets.iter().any(|o| origin.ends_with(&format!("{file}@{o}"))) {
            problems.push(format!("origin of {url} is {origin:?}, not {file}@{offsets:?}"));
        }
        let text = s(a, "text");
        let chars = text.chars().count() as u64;
        let expected = page["expected_chars"].as_u64().unwrap_or(0);
        if chars < 150.max(expected / 4) {
            problems.push(format!(
                "text of {url} is {chars} chars, Readability's {expected} ({}, declared {}): {:?}",
                page["encoding"],
                page["declared"],
                text.chars().take(150).collect::<String>()
            ));
        }
        texts.insert(url.to_string(), text.to_string());
    }

    // Every bad record named with its offset.
    for bad in bad_records {
        let at = format!("{file}@{}:", bad["offset"]);
        if !stderr.lines().any(|l| l.contains(&at)) {
            problems.push(format!("no notice `{at} ...` for the {} record {}", bad["kind"], bad["url"]));
        }
    }

    // The skip counts appear.
    let counts = skip_counts(&stderr, &file);
    let sum = |f: &dyn Fn(&str) -> bool| counts.iter().filter(|(_, w)| f(w)).map(|(n, _)| n).sum::<u64>();
    let skipped = &manifest["skipped"];
    let resource = sum(&|w| w.starts_with("resource"));
    let non_html =
        skipped["non_html"].as_u64().unwrap() + if resource == 0 { skipped["resource"].as_u64().unwrap() } else { 0 };
    let checks: [(&str, u64, u64); 5] = [
        ("request", skipped["request"].as_u64().unwrap(), sum(&|w| w.starts_with("request"))),
        ("metadata", skipped["metadata"].as_u64().unwrap(), sum(&|w| w.starts_with("metadata"))),
        ("revisit", skipped["revisit"].as_u64().unwrap(), sum(&|w| w.starts_with("revisit"))),
        ("non-HTML (and the resource, unless counted apart)", non_html, sum(&|w| w.contains("html"))),
        ("non-200", skipped["non_200"].as_u64().unwrap(), sum(&|w| w.contains("200") || w.contains("status"))),
    ];
    for (kind, want, got) in checks {
        if want != got {
            let next: Vec<String> =
                bad_records.iter().map(|b| format!("a {} at {}", b["next_type"], b["next_offset"])).collect();
            problems.push(format!(
                "skipped {kind} records: the notice says {got}, the file has {want} (counts read: {counts:?}; \
                 right after the damaged records come {})",
                next.join(" and ")
            ));
        }
    }

    // The URL captured twice: read once (above), named in a notice.
    let dup = s(&manifest["duplicate"], "url");
    if !stderr.lines().any(|l| l.contains(dup)) {
        problems.push(format!("no notice names the URL captured twice, {dup}"));
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) reading {} ({} good pages, {} articles):\n  {}\n--- stderr ---\n{stderr}",
        problems.len(),
        warc.display(),
        good.len(),
        articles.len(),
        problems.join("\n  ")
    );
    texts
}

#[test]
fn a_cc_news_like_warc_is_read_page_by_page_and_decoded_as_the_pages_themselves() {
    if shared("data/html/readability").is_none() {
        return;
    }
    let dir = TempDir::new("web-warc");
    std::fs::create_dir_all(&dir.0).unwrap();
    let warc = dir.0.join("pages.warc.gz");
    let manifest = make_warc(&warc, &[]);
    let texts = check_warc(&dir.0, &warc, &manifest, "warc");

    // Decoding: each page's text from the WARC (re-encoded, compressed,
    // chunked) equals the text of its source.html read as a file.
    let pages = manifest["pages"].as_array().unwrap();
    let sources: Vec<PathBuf> = pages
        .iter()
        .filter(|p| p["compare_source"] == true)
        .map(|p| PathBuf::from(s(p, "source")))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (from_files, stderr, _) = extract(&dir.0, "sources", &sources);
    let by_folder: BTreeMap<String, &Value> = from_files
        .iter()
        .map(|a| {
            let folder = Path::new(s(a, "origin")).parent().and_then(|p| p.file_name()).unwrap();
            (folder.to_string_lossy().into_owned(), a)
        })
        .collect();
    let mut problems = Vec::new();
    let mut recoded = 0;
    for page in pages {
        let (url, folder) = (s(page, "url"), s(page, "folder"));
        let Some(text) = texts.get(url) else { continue };
        if page["compare_source"] != true {
            // qq: the file's meta lies (gb2312 over UTF-8 bytes); the WARC's header is right.
            let cjk = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
            if cjk < 100 || text.contains('\u{FFFD}') {
                problems.push(format!(
                    "{folder}: {cjk} CJK characters in {:?}",
                    text.chars().take(100).collect::<String>()
                ));
            }
            continue;
        }
        let Some(file) = by_folder.get(folder) else {
            problems.push(format!("{folder}/source.html gave no article as a file"));
            continue;
        };
        if page["encoding"] != "utf-8" || page["bom"] == true {
            recoded += 1;
        }
        let (warc_text, file_text) = (norm(text), norm(s(file, "text")));
        if warc_text != file_text {
            problems.push(format!(
                "{folder} ({} labelled {}, declared {}, {} char refs, transfer {}, content {}): the WARC's text differs \
                 from the file's {}",
                page["encoding"],
                page["label"],
                page["declared"],
                page["charrefs"],
                page["transfer_encoding"],
                page["content_encoding"],
                first_difference(&warc_text, &file_text)
            ));
        }
    }
    assert!(
        recoded >= 10,
        "only {recoded} re-encoded pages compared; make_warc.py's charset rules found too few pages"
    );
    assert!(
        problems.is_empty(),
        "{} page(s) read differently from the WARC and from their file:\n  {}\n--- stderr of the file run ---\n{stderr}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn an_uncompressed_warc_reads_as_the_compressed_one() {
    if shared("data/html/readability").is_none() {
        return;
    }
    let dir = TempDir::new("web-warc-plain");
    std::fs::create_dir_all(&dir.0).unwrap();
    let gz = dir.0.join("pages.warc.gz");
    let plain = dir.0.join("pages.warc");
    let gz_manifest = make_warc(&gz, &[]);
    let plain_manifest = make_warc(&plain, &[OsStr::new("--uncompressed")]);
    let from_gz = check_warc(&dir.0, &gz, &gz_manifest, "gz");
    let from_plain = check_warc(&dir.0, &plain, &plain_manifest, "plain");
    assert_eq!(from_gz.keys().collect::<Vec<_>>(), from_plain.keys().collect::<Vec<_>>());
    for (url, text) in &from_gz {
        assert_eq!(norm(text), norm(&from_plain[url]), "{url} reads differently from the plain WARC");
    }
}

// --- The seeds and the examples as web pages -------------------------------

const NAV: &[&str] = &["Home", "World", "Politics", "Business", "Technology", "Sport", "Opinion", "Subscribe"];
const MOST_READ: &[&str] = &[
    "Ten gadgets that will change how you cook this winter",
    "Local council approves new cycle lanes after heated debate",
    "Our critics pick the best albums of the year so far",
];
const FOOTER: &str = "© 2025 Stemma Test Media Group. All rights reserved. Privacy policy · Terms of use · \
                      Cookie settings · Contact us · Advertise with us";
const COOKIES: &str = "We use cookies to improve your experience on our site and to show you personalised \
                       advertising. Accept all cookies";
/// Phrases of the page furniture that no article text may hold.
const BOILERPLATE: &[&str] =
    &["All rights reserved", "We use cookies", "Most read", "Ten gadgets that will change", "Advertise with us"];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line to show as a subheading: short, and not a sentence.
fn subhead(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=8).contains(&words) && !line.ends_with(['.', '?', '!', ':', '"', '”', '*'])
}

/// The article of a text file (headline on line 1 when there is one, a
/// paragraph a line) as a news page with navigation, a sidebar and a footer.
fn page(text: &str, outlet: &str) -> String {
    let (title, body) = stemma::ingest::split_headline(text);
    let mut blocks = String::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let tag = if subhead(line) { "h2" } else { "p" };
        blocks.push_str(&format!("      <{tag}>{}</{tag}>\n", escape(line)));
    }
    let nav: String = NAV.iter().map(|n| format!("<li><a href=\"/{}\">{n}</a></li>", n.to_lowercase())).collect();
    let most: String =
        MOST_READ.iter().enumerate().map(|(i, t)| format!("<li><a href=\"/story/{i}\">{t}</a></li>")).collect();
    let (title_tag, h1) = match &title {
        Some(t) => (format!("<title>{} | {}</title>", escape(t), escape(outlet)), format!("<h1>{}</h1>", escape(t))),
        None => (String::new(), String::new()),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{title_tag}\n\
         <meta property=\"og:site_name\" content=\"{outlet}\">\n<meta property=\"og:type\" content=\"article\">\n\
         <link rel=\"stylesheet\" href=\"/static/site.css\">\n\
         <script>window.dataLayer = window.dataLayer || []; function track(e) {{ dataLayer.push(e); }}</script>\n\
         </head>\n<body>\n<div class=\"cookie-banner\">{COOKIES}</div>\n\
         <header><a class=\"logo\" href=\"/\">{outlet}</a><nav><ul>{nav}</ul></nav></header>\n\
         <main>\n  <article>\n    {h1}\n    <div class=\"story-body\">\n{blocks}    </div>\n  </article>\n\
         <aside><h3>Most read</h3><ol>{most}</ol></aside>\n</main>\n\
         <footer><p>{FOOTER}</p><nav><a href=\"/about\">About us</a> <a href=\"/jobs\">Jobs</a></nav></footer>\n\
         </body>\n</html>\n",
        outlet = escape(outlet)
    )
}

/// The relations of `stemma analyze --format json ARGS` as (source, copy, kind),
/// each id mapped to its stem by `stem` (a pair without direction in name order).
fn relations<S: AsRef<OsStr>>(args: &[S], what: &str) -> BTreeSet<(String, String, String)> {
    let mut all: Vec<&OsStr> = vec![OsStr::new("analyze"), OsStr::new("--format"), OsStr::new("json")];
    all.extend(args.iter().map(|a| a.as_ref()));
    let out = stemma(&all);
    assert!(out.status.success(), "stemma analyze on {what} failed (does analyze read it?):\n{}", show(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
    report["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (a, b) = (stem(s(r, "a")), stem(s(r, "b")));
            let (a, b) = if r["direction"].is_null() && b < a { (b, a) } else { (a, b) };
            (a, b, s(r, "kind").to_string())
        })
        .collect()
}

/// The file stem of an id: a file stem already, or a URL's last path segment less `.html`.
fn stem(id: &str) -> String {
    let last = id.trim_end_matches('/').rsplit('/').next().unwrap_or(id);
    last.strip_suffix(".html").unwrap_or(last).to_string()
}

fn relate_as_text_files(name: &str, folder: &Path) {
    let mut txt: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    txt.sort();
    let dir = TempDir::new(&format!("web-{name}"));
    let html_dir = dir.0.join("html");
    std::fs::create_dir_all(&html_dir).unwrap();
    for (i, path) in txt.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy();
        std::fs::write(html_dir.join(format!("{stem}.html")), page(&text, &format!("Stemma Test Outlet {}", i + 1)))
            .unwrap();
    }
    let warc = dir.0.join(format!("{name}.warc.gz"));
    let manifest = make_warc(&warc, &[OsStr::new("--from-dir"), html_dir.as_os_str()]);
    assert_eq!(manifest["pages"].as_array().unwrap().len(), txt.len());

    let expected = relations(&txt[..], &format!("the {name} text files"));
    assert!(!expected.is_empty(), "the {name} text files relate: nothing to compare");

    // The pages' text: no furniture, the first and last paragraphs there.
    let (articles, stderr, _) = extract(&dir.0, "pages", std::slice::from_ref(&html_dir));
    assert_eq!(articles.len(), txt.len(), "one article a page:\n{stderr}");
    for a in &articles {
        let text = s(a, "text");
        for phrase in BOILERPLATE {
            assert!(!text.contains(phrase), "{}: page furniture {phrase:?} in the text:\n{text}", s(a, "id"));
        }
        let source = txt.iter().find(|p| p.file_stem().unwrap().to_string_lossy() == stem(s(a, "id"))).unwrap();
        let original = std::fs::read_to_string(source).unwrap();
        let (_, body) = stemma::ingest::split_headline(&original);
        let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty() && !subhead(l)).collect();
        for line in [lines[0], lines[lines.len() - 1]] {
            assert!(norm(text).contains(&norm(line)), "{}: the text lacks {line:?}:\n{text}", s(a, "id"));
        }
    }

    let extracted = dir.0.join("warc-extracted.jsonl");
    let ran = stemma(&[OsStr::new("extract"), warc.as_os_str(), OsStr::new("-o"), extracted.as_os_str()]);
    assert!(ran.status.success(), "{}", show(&ran));
    for (what, found) in [
        ("the HTML pages", relations(&[&html_dir], &format!("the {name} HTML pages"))),
        ("the WARC", relations(&[&warc], &format!("the {name} WARC"))),
        ("the WARC's extract output", relations(&[&extracted], &format!("stemma extract's output of the {name} WARC"))),
    ] {
        assert_eq!(found, expected, "{name}: {what} relate otherwise than the text files (source, copy, kind)");
    }
}

#[test]
fn the_examples_as_web_pages_relate_as_their_text_files() {
    relate_as_text_files("examples", &repo().join("examples/articles"));
}

#[test]
fn the_seeds_as_web_pages_relate_as_their_text_files() {
    let Some(seeds) = shared("seeds") else { return };
    relate_as_text_files("seeds", &seeds);
}
