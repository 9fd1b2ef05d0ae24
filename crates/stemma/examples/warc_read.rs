//! WARC reading speed without article extraction: every record read
//! (gzip members inflated, damaged ones skipped), every response's HTTP
//! message parsed and its body decoded (chunks, content encodings), and
//! every HTML body turned into text by its charset. What `stemma extract`
//! does before it extracts the article; `bench/README.md` gives the run.
//!
//!     cargo run --release -p stemma --example warc_read -- FILE.warc.gz...

use std::path::Path;
use std::time::Instant;

use stemma::ingest::{charset, http, warc};

/// Parses and decodes a group of response records in parallel: HTML
/// pages, errors, and bytes of text.
fn decode(group: Vec<warc::Record>) -> (u64, u64, u64) {
    use rayon::prelude::*;
    group
        .par_iter()
        .map(|record| match http::parse(&record.block) {
            Err(_) => (0, 1, 0),
            Ok(response) if response.status == 200 && http::is_html(response.content_type.as_deref()) => {
                let declared = response.content_type.as_deref().and_then(charset::content_type_charset);
                (1, 0, charset::decode(&response.body, declared, None).text.len() as u64)
            }
            Ok(_) => (0, 0, 0),
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: warc_read FILE.warc[.gz]...");
        std::process::exit(2);
    }
    let started = Instant::now();
    let (mut bytes, mut records, mut pages, mut errors, mut text) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for path in &paths {
        bytes += std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let reader = match warc::Reader::open(Path::new(path)) {
            Ok(reader) => reader,
            Err(message) => {
                eprintln!("{path}: {message}");
                errors += 1;
                continue;
            }
        };
        // As `stemma extract` does: records read in order, their HTTP and
        // charset decoding done in parallel a group at a time.
        let mut group = Vec::new();
        for record in reader {
            records += 1;
            match record {
                Ok(record) if record.kind() == "response" => group.push(record),
                Ok(_) => {}
                Err(_) => errors += 1,
            }
            if group.len() == 256 {
                let (p, e, t) = decode(std::mem::take(&mut group));
                (pages, errors, text) = (pages + p, errors + e, text + t);
            }
        }
        let (p, e, t) = decode(group);
        (pages, errors, text) = (pages + p, errors + e, text + t);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{{\"files\":{},\"compressed_mb\":{:.1},\"records\":{records},\"html_pages\":{pages},\"errors\":{errors},\"text_mb\":{:.1},\"seconds\":{seconds:.3},\"mb_per_s\":{:.1}}}",
        paths.len(),
        bytes as f64 / 1e6,
        text as f64 / 1e6,
        bytes as f64 / 1e6 / seconds
    );
}
