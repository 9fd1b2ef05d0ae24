//! Acceptance on the five seed articles (../shared/seeds, described in its
//! EXPECTED.md). The expectations below are what a careful reader finds;
//! nothing in the library knows about these files.

mod common;

use common::{contains, involves, relation, run, shared};
use stemma::relate::RelationKind;
use stemma::text::facts::FactKind;

#[test]
fn seeds_relations_and_changes() {
    let Some(seeds) = shared("seeds") else { return };
    let analysis = run(&[seeds]);
    assert_eq!(analysis.documents.len(), 5);

    // 001 ~ 000: a version, 001 contained in 000.
    let version = relation(&analysis, "001", "000").expect("001 ~ 000 must be related");
    assert_eq!(version.kind, RelationKind::Version);
    let id_a = &analysis.documents[version.a].id;
    let coverage_001 =
        if id_a.starts_with("001") { version.alignment.coverage_a } else { version.alignment.coverage_b };
    let coverage_000 =
        if id_a.starts_with("000") { version.alignment.coverage_a } else { version.alignment.coverage_b };
    assert!(coverage_001 > 0.6 && coverage_001 > coverage_000 + 0.3, "001 {coverage_001} vs 000 {coverage_000}");

    // 002 ~ 004: a rewrite.
    let rewrite = relation(&analysis, "002", "004").expect("002 ~ 004 must be related");
    assert_eq!(rewrite.kind, RelationKind::Rewrite);

    // 003 is independent reporting: no derived relation at all.
    assert!(involves(&analysis, "003").is_empty(), "003 must not be derived: {:?}", involves(&analysis, "003"));
    assert_eq!(analysis.relations.len(), 2, "exactly two derived pairs");

    // Orient the rewrite's changes as 002 -> 004.
    let from_002 = analysis.documents[rewrite.a].id.starts_with("002");
    let quotes: Vec<(String, String)> = rewrite
        .changes
        .altered_quotes
        .iter()
        .map(|q| if from_002 { (q.a.clone(), q.b.clone()) } else { (q.b.clone(), q.a.clone()) })
        .collect();
    let expected = [
        ("de facto rejected", "effectively rejected"),
        ("brought to light how difficult", "underscored Russia's reluctance"),
        ("a very small step forward", "a very minor step forward"),
        ("Contract for Peace", "peace agreement were discussed"),
        ("how little concession", "how few concessions"),
    ];
    let found = expected
        .iter()
        .filter(|(before, after)| quotes.iter().any(|(a, b)| contains(a, before) && contains(b, after)))
        .count();
    assert!(found >= 4, "found {found} of 5 altered quotations: {quotes:#?}");
    assert!(
        !quotes.iter().any(|(a, b)| contains(a, "We had a great call") || contains(b, "We had a great call")),
        "the unchanged quotation must not be reported"
    );

    let facts = &rewrite.changes.changed_facts;
    assert!(
        facts.iter().any(|f| f.kind == FactKind::Title
            && (contains(&f.a, "former U.S. President") || contains(&f.b, "former U.S. President"))),
        "the 'former' title change must be reported: {facts:#?}"
    );
    assert!(
        facts.iter().any(|f| f.kind == FactKind::Scope && (contains(&f.a, "most of") || contains(&f.b, "most of"))),
        "'most of four regions' -> 'parts of' must be reported: {facts:#?}"
    );
    let dropped = &rewrite.changes.dropped_attributions;
    assert!(
        dropped.iter().any(|d| contains(&d.a, "Snegovaya") && d.b.as_deref().is_some_and(|b| contains(b, "Experts"))),
        "the Snegovaya attribution must be reported as dropped: {dropped:#?}"
    );
}
