//! The example corpus that ships in `examples/` (answer key in
//! examples/README.md), read both as text files and as JSONL.

mod common;

use std::path::PathBuf;

use common::{contains, involves, relation, run};
use stemma::relate::{DirectionBasis, RelationKind};
use stemma::text::facts::FactKind;

fn examples(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples").join(rel)
}

#[test]
fn example_corpus_relations_and_planted_changes() {
    let analysis = run(&[examples("corpus.jsonl")]);
    let version = relation(&analysis, "01_", "02_").expect("02 is a version of 01");
    assert_eq!(version.kind, RelationKind::Version);
    assert_eq!(version.direction, Some(DirectionBasis::Published));
    assert_eq!(analysis.documents[version.a].id, "01_wire_original", "the earlier article is the source");
    assert!(version.changes.changed_facts.iter().any(|f| f.a.contains("2½") && f.b.contains("21/2")));

    let rewrite = relation(&analysis, "01_", "03_").expect("03 is a rewrite of 01");
    assert_eq!(rewrite.kind, RelationKind::Rewrite);
    assert_eq!(analysis.documents[rewrite.a].id, "01_wire_original");
    let c = &rewrite.changes;
    for (before, after) in [
        ("darkest morning", "blackest day"),
        ("like a gunshot", "like a rifle shot"),
        ("in accordance with all national standards", "Every inspection of the bridge"),
        ("left unexamined", "go unchecked"),
        ("emergency inspections", "urgent inspections"),
        ("Our second duty", "Our second is"),
    ] {
        assert!(
            c.altered_quotes.iter().any(|q| contains(&q.a, before) && contains(&q.b, after)),
            "altered quotation {before:?} -> {after:?} not reported: {:#?}",
            c.altered_quotes
        );
    }
    assert!(!c.altered_quotes.iter().any(|q| contains(&q.a, "close to freezing")), "Holt's quotation is unchanged");
    assert!(c.changed_facts.iter().any(|f| f.kind == FactKind::Number && f.a == "37" && f.b == "73"));
    assert!(c.changed_facts.iter().any(|f| f.kind == FactKind::Title && f.b.starts_with("former Mayor")));
    assert!(c.dropped_attributions.iter().any(|d| contains(&d.a, "Tomas Reyne") && d.b.as_deref() == Some("Experts")));

    assert!(involves(&analysis, "04_").is_empty(), "independent coverage is not a copy");
    assert!(involves(&analysis, "05_").is_empty(), "the unrelated article is left alone");
}

#[test]
fn text_files_and_jsonl_agree_on_relations() {
    let from_text = run(&[examples("articles")]);
    let from_jsonl = run(&[examples("corpus.jsonl")]);
    let kinds = |a: &stemma::Analysis| {
        let mut v: Vec<_> = a
            .relations
            .iter()
            .map(|r| {
                let mut ids = [a.documents[r.a].id.clone(), a.documents[r.b].id.clone()];
                ids.sort();
                (ids, r.kind)
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(kinds(&from_text), kinds(&from_jsonl));
}

#[test]
fn example_story_holds_the_bridge_reports_and_leaves_the_fair_alone() {
    for input in ["articles", "corpus.jsonl"] {
        let analysis = run(&[examples(input)]);
        let id = |d: usize| analysis.documents[d].id.clone();
        assert_eq!(analysis.stories.len(), 1, "{input}: one story");
        let story = &analysis.stories[0];
        let ids: Vec<String> = story.documents.iter().map(|&d| id(d)).collect();
        for prefix in ["01", "02", "03", "04"] {
            assert!(
                ids.iter().any(|i| i.starts_with(prefix)),
                "{input}: {prefix} belongs to the bridge story: {ids:?}"
            );
        }
        assert!(!ids.iter().any(|i| i.starts_with("05")), "{input}: the county fair is another event: {ids:?}");
        // The wire family and the independent report are the two witnesses.
        assert_eq!(story.families.len(), 2, "{input}");
        let wire = story.families.iter().find(|f| f.members.len() == 3).expect("the wire family");
        // With publication times the root is the earliest; without them, the
        // evidence a copy editor reads: 02 trims 01, 03 generalises 01's
        // named expert to "Experts". Either way the original, never the
        // longest text by default.
        let root = wire.root.unwrap_or_else(|| panic!("{input}: the wire family has a root"));
        assert!(id(root).starts_with("01"), "{input}: root {}", id(root));
    }
}
