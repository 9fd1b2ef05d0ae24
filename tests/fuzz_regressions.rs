//! Replays the fuzzers' kept corpus (`fuzz/corpus/<target>/`) and crash
//! reproducers (`fuzz/regressions/<target>/`) through exactly the code of
//! the fuzz targets (`fuzz/targets.rs`), on stable Rust: every input must
//! be read without a panic. Fails naming each input that panics.
//!
//! The fuzzers themselves run on nightly: see `fuzz/README.md`.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A fuzz target's body.
type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 4] =
    [("jsonl", targets::jsonl), ("text", targets::text), ("html", targets::html), ("warc", targets::warc)];

/// Files under `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// Runs every input of `fuzz/<folder>/<target>/` through its target: how
/// many were run, and a line for each that panicked or took over `limit`.
fn replay(folders: &[&str], limit: Duration) -> (usize, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut problems = Vec::new();
    let mut count = 0;
    for (target, run) in TARGETS {
        for folder in folders {
            for path in inputs(&root.join(folder).join(target)) {
                let bytes = std::fs::read(&path).unwrap();
                let started = Instant::now();
                let result = std::panic::catch_unwind(|| run(&bytes));
                let took = started.elapsed();
                count += 1;
                if let Err(panic) = result {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    problems.push(format!("{target}: {}: panicked: {message}", path.display()));
                } else if took > limit {
                    problems.push(format!("{target}: {}: took {:.1} s", path.display(), took.as_secs_f64()));
                }
            }
        }
    }
    (count, problems)
}

#[test]
fn fuzz_corpus_and_reproducers_read_without_panics() {
    // The fuzzers stop at 10 s an input; generous for debug builds.
    let (count, problems) = replay(&["corpus", "regressions"], Duration::from_secs(10));
    assert!(count > 0, "no inputs found under fuzz/corpus or fuzz/regressions");
    assert!(problems.is_empty(), "{} of {count} inputs failed:\n{}", problems.len(), problems.join("\n"));
}

/// The inputs found slow (seconds for a few kilobytes, `fuzz/slow/`), each
/// to be read within 2 s once fixed; then move them to `fuzz/regressions/`.
/// Run with `cargo test --release --test fuzz_regressions -- --ignored`.
#[test]
#[ignore = "known slow inputs, see fuzz/README.md"]
fn slow_inputs_are_read_quickly() {
    let (_, problems) = replay(&["slow"], Duration::from_secs(2));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
