//! Texts and terms spilled to the scratch file (`text::spill`) change
//! memory, never results: the same inputs analysed with every document
//! spilled and with none give the same report, byte for byte, through both
//! of the JSON report's writers; and the terminal report, which brings
//! every text back, too.

mod common;

use std::path::PathBuf;

use common::shared;
use stemma::config::Config;
use stemma::ingest::Reading;
use stemma::report::{write_json, write_terminal, Report};
use stemma::{analyze_inputs, Analysis, Quiet};

fn analysed(paths: &[PathBuf], held_bytes: u64) -> Analysis {
    let mut config = Config::default();
    config.ingest.max_held_text_bytes = held_bytes;
    let reading = Reading::default().with_config(&config.ingest);
    let (analysis, errors) = analyze_inputs(paths, &reading, &config, &Quiet);
    assert!(errors.is_empty(), "{errors:?}");
    analysis
}

fn json(analysis: &Analysis) -> (Vec<u8>, Vec<u8>) {
    let report = Report::new(analysis, &[]);
    let mut written = Vec::new();
    write_json(&mut written, &report).expect("written");
    (written, serde_json::to_vec_pretty(&report).expect("serialized"))
}

fn same_with_texts_spilled(paths: &[PathBuf]) {
    let held = analysed(paths, u64::MAX);
    let mut spilled = analysed(paths, 0);
    assert!(!held.texts.any_spilled());
    assert!(spilled.texts.any_spilled(), "a budget of 0 spills every text");
    assert!(spilled.documents.iter().all(|d| d.text.is_empty()), "no text is held after the pipeline");
    assert!(spilled.documents.iter().all(|d| d.terms.is_empty() && d.roles.is_empty()), "nor any term");
    // The budget itself is part of the reported configuration.
    spilled.config = held.config.clone();

    let (expected, expected_serde) = json(&held);
    let (written, serialized) = json(&spilled);
    assert!(held.relations.len() + held.stories.len() > 0, "inputs with something to find: {paths:?}");
    assert!(written == expected, "write_json differs with texts spilled: {paths:?}");
    assert!(serialized == expected_serde, "the serialized report differs with texts spilled: {paths:?}");

    spilled.hold_texts();
    assert!(!spilled.texts.any_spilled());
    assert_eq!(spilled.documents, held.documents);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    write_terminal(&mut a, &held).expect("written");
    write_terminal(&mut b, &spilled).expect("written");
    assert!(a == b, "the terminal report differs after the texts came back: {paths:?}");
}

#[test]
fn examples_are_analysed_alike_with_texts_spilled() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    same_with_texts_spilled(&[root.join("articles")]);
    same_with_texts_spilled(&[root.join("corpus.jsonl")]);
}

#[test]
fn seeds_ecbplus_and_basil_are_analysed_alike_with_texts_spilled() {
    for rel in ["seeds", "data/ecbplus/docs.jsonl", "data/basil/docs.jsonl"] {
        let Some(path) = shared(rel) else { return };
        same_with_texts_spilled(&[path]);
    }
}
