//! Acceptance on the five seed articles (../shared/seeds, described in its
//! EXPECTED.md). The expectations below are what a careful reader finds;
//! nothing in the library knows about these files.

mod common;

use common::{contains, involves, relation, run, shared};
use stemma::relate::changes::ShiftKind;
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
    // "assistance to Kyiv" (001) became "assistance to Ukraine" (000).
    let from_001 = analysis.documents[version.a].id.starts_with("001");
    let places: Vec<(String, String)> = version
        .changes
        .changed_facts
        .iter()
        .filter(|f| f.kind == FactKind::Place)
        .map(|f| if from_001 { (f.a.clone(), f.b.clone()) } else { (f.b.clone(), f.a.clone()) })
        .collect();
    assert!(
        places.iter().any(|(a, b)| contains(a, "to Kyiv") && contains(b, "to Ukraine")),
        "'assistance to Kyiv' -> 'to Ukraine' must be reported as a changed place: {:#?}",
        version.changes.changed_facts
    );
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
    // Rewordings outside quotations that shift the claim, oriented 002 -> 004.
    let shifts: Vec<(ShiftKind, String, String)> = rewrite
        .changes
        .meaning_shifts
        .iter()
        .map(|m| if from_002 { (m.kind, m.a.clone(), m.b.clone()) } else { (m.kind, m.b.clone(), m.a.clone()) })
        .collect();
    let shifted = |kind: ShiftKind, before: &str, after: &[&str]| {
        shifts.iter().any(|(k, a, b)| *k == kind && contains(a, before) && after.iter().all(|w| contains(b, w)))
    };
    assert!(
        shifted(ShiftKind::Scope, "most of", &["parts of"]),
        "'most of four regions' -> 'parts of' must be reported: {shifts:#?}"
    );
    assert!(
        shifted(ShiftKind::Preposition, "from", &["near", "Kursk"]),
        "'pushing back ... from Russia's Kursk region' -> 'near' must be reported: {shifts:#?}"
    );
    assert!(
        shifted(ShiftKind::Degree, "eased", &["lifted"]),
        "'sanctions should be eased' -> 'lifted' must be reported: {shifts:#?}"
    );
    assert!(
        !facts.iter().any(|f| f.kind == FactKind::Name || f.kind == FactKind::Place),
        "no name or place changed: {facts:#?}"
    );
    let dropped = &rewrite.changes.dropped_attributions;
    assert!(
        dropped.iter().any(|d| contains(&d.a, "Snegovaya") && d.b.as_deref().is_some_and(|b| contains(b, "Experts"))),
        "the Snegovaya attribution must be reported as dropped: {dropped:#?}"
    );
}

#[test]
fn seeds_form_one_story_of_three_witnesses() {
    let Some(seeds) = shared("seeds") else { return };
    let analysis = run(&[seeds]);
    assert_eq!(analysis.stories.len(), 1, "all five seeds report one event");
    let story = &analysis.stories[0];
    assert_eq!(story.documents.len(), 5);
    let id = |d: usize| analysis.documents[d].id[..3].to_string();
    let mut families: Vec<Vec<String>> =
        story.families.iter().map(|f| f.members.iter().map(|&d| id(d)).collect()).collect();
    families.sort();
    assert_eq!(families, vec![vec!["000", "001"], vec!["002", "004"], vec!["003"]]);

    let c = &story.collation;
    assert_eq!(c.witnesses.len(), 3);
    // The ceasefire's scope, quoted two ways.
    let scope = c.conflicts.iter().find(|x| {
        let texts: Vec<String> = x.statements.iter().map(|s| s.text.to_lowercase()).collect();
        texts.contains(&"energy and infrastructure".to_string()) && texts.contains(&"energy infrastructure".to_string())
    });
    let scope = scope.expect("the energy / energy-and-infrastructure conflict");
    let cited: std::collections::HashSet<String> = scope.statements.iter().map(|s| id(s.citation.document)).collect();
    assert!(cited.contains("000") && cited.contains("003"), "cited by {cited:?}");
    // The call's length: "almost two hours" (Trump, in 002) against the
    // Kremlin's 2½ hours (003), matched by what is measured, not by wording.
    let length = c
        .conflicts
        .iter()
        .find(|x| {
            x.kind == stemma::stories::collate::ConflictKind::Measure
                && x.about.as_deref().is_some_and(|a| a.starts_with("call"))
        })
        .expect("the call-length conflict");
    let said: Vec<(String, String)> =
        length.statements.iter().map(|s| (id(s.citation.document), s.text.clone())).collect();
    assert!(said.contains(&("002".to_string(), "almost two hours".to_string())), "{said:?}");
    assert!(said.contains(&("003".to_string(), "2½-hour".to_string())), "{said:?}");

    // Facts only one witness reports, by the names they carry.
    let only = |prefix: &str| -> Vec<String> {
        c.unique
            .iter()
            .filter(|u| {
                id(story.families[u.witness].witness()) == prefix
                    || story.families[u.witness].members.iter().any(|&d| id(d) == prefix)
            })
            .flat_map(|u| u.names.clone())
            .collect()
    };
    let reuters = only("002").join(" ");
    let post = only("003").join(" ");
    for name in ["Scholz", "Leyen"] {
        assert!(reuters.contains(name), "Reuters-only names miss {name}: {reuters}");
    }
    for name in ["Dmitriev", "Markov", "Grushko"] {
        assert!(post.contains(name), "Washington Post-only names miss {name}: {post}");
    }
    assert!(!reuters.contains("Putin") && !post.contains("Putin"), "Putin is in every account");
    // Agreements cite sentences of at least two witnesses each.
    assert!(!c.agreements.is_empty());
    assert!(c.agreements.iter().all(|a| a.witnesses.len() >= 2 && a.citations.len() == a.witnesses.len()));
}
