//! Shared helpers for the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stemma::config::Config;
use stemma::ingest::{read_inputs, Reading};
use stemma::relate::{Relation, RelationKind};
use stemma::{analyze, Analysis, Quiet};

/// `../shared/<rel>` beside the repository, or `None` with a loud notice.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("\n!!! SKIPPED: {} is absent; this test needs ../shared beside the repository !!!\n", path.display());
        None
    }
}

/// Analyses the given inputs with the default configuration.
pub fn run(paths: &[PathBuf]) -> Analysis {
    let batch = read_inputs(paths, &Reading::default());
    assert!(batch.errors.is_empty(), "unexpected input errors: {:?}", batch.errors);
    analyze(&batch.articles, &Config::default(), &Quiet)
}

/// The relation between two documents whose ids start with the prefixes.
pub fn relation<'a>(analysis: &'a Analysis, x: &str, y: &str) -> Option<&'a Relation> {
    analysis.relations.iter().find(|r| {
        let (a, b) = (&analysis.documents[r.a].id, &analysis.documents[r.b].id);
        (a.starts_with(x) && b.starts_with(y)) || (a.starts_with(y) && b.starts_with(x))
    })
}

/// Ids (as given) of both sides of every relation.
pub fn involves(analysis: &Analysis, prefix: &str) -> Vec<(String, String, RelationKind)> {
    analysis
        .relations
        .iter()
        .map(|r| (analysis.documents[r.a].id.clone(), analysis.documents[r.b].id.clone(), r.kind))
        .filter(|(a, b, _)| a.starts_with(prefix) || b.starts_with(prefix))
        .collect()
}

/// Is `needle` in `haystack`, ignoring case?
pub fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// A fresh path under the system's temporary directory (not created),
/// removed when dropped, unless the test is failing: then it is kept, and
/// named, for inspection.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `stemma-test-<name>-<pid>`, emptied of an earlier run's leftovers.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("stemma-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} for inspection", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
