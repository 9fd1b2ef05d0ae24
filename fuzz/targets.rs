//! The bodies of the fuzz targets, shared by the targets in
//! `fuzz_targets/` (libFuzzer, nightly) and by `tests/fuzz_regressions.rs`
//! (stable `cargo test`), which replays the kept corpus and reproducers
//! through exactly this code. Each function must never panic, hang or
//! grow memory without bound, whatever the bytes.

#![allow(dead_code)]

use stemma::ingest::{self, Reading};

/// The reading options an input is read with: the first byte's parity
/// chooses whether invalid UTF-8 is replaced (`--lossy-utf8`) or refused.
fn reading(data: &[u8]) -> Reading {
    Reading { lossy_utf8: data.first().is_some_and(|b| b & 1 == 1), ..Reading::default() }
}

/// JSON lines, as a `.jsonl` file.
pub fn jsonl(data: &[u8]) {
    let _ = ingest::read_bytes("fuzz.jsonl", data, &reading(data));
}

/// A plain-text article, as a `.txt` file.
pub fn text(data: &[u8]) {
    let _ = ingest::read_bytes("fuzz.txt", data, &reading(data));
}

/// A web page. Even first byte: as an `.html` file (charset detection,
/// then extraction). Odd: the bytes as text (lossy) straight to the
/// extractor, with a page URL (canonical links resolved, outlet from host).
pub fn html(data: &[u8]) {
    if data.first().is_some_and(|b| b & 1 == 1) {
        let text = String::from_utf8_lossy(&data[1..]);
        let _ = ingest::html::extract(&text, Some("https://www.example.com/news/2024/story?x=1"));
    } else {
        let _ = ingest::read_bytes("fuzz.html", data, &Reading::default());
    }
}

/// A web archive, as a `.warc` file (plain or gzip: records, HTTP
/// responses, bodies, charsets, extraction); the same bytes also as one
/// HTTP response, and the records read directly with the WARC reader.
pub fn warc(data: &[u8]) {
    let _ = ingest::read_bytes("fuzz.warc", data, &Reading::default());
    let _ = ingest::http::parse(data);
    if let Ok(reader) = ingest::warc::Reader::new(Box::new(std::io::Cursor::new(data.to_vec()))) {
        for record in reader.flatten() {
            let _ = (record.kind(), record.target_uri());
        }
    }
}
