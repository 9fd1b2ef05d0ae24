//! Properties of the whole pipeline on the shipped example corpus.

use std::path::Path;

use proptest::prelude::*;
use stemma::config::Config;
use stemma::ingest::Article;
use stemma::relate::RelationKind;
use stemma::{analyze, Quiet};

fn article(id: &str, text: String) -> Article {
    Article::from_text(id, &text)
}

fn body(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/articles").join(name);
    let text = std::fs::read_to_string(path).unwrap();
    stemma::ingest::split_headline(&text).1.to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A paraphrased rewrite stays a rewrite whatever the order of its paragraphs.
    #[test]
    fn shuffling_paragraphs_keeps_a_rewrite_a_rewrite(seed in any::<u64>()) {
        let source = body("01_wire_original.txt");
        let rewrite = body("03_paraphrased_rewrite.txt");
        let mut paragraphs: Vec<&str> = rewrite.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
        let mut state = seed;
        for i in (1..paragraphs.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            paragraphs.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled = paragraphs.join("\n\n");
        let analysis = analyze(&[article("source", source), article("copy", shuffled)], &Config::default(), &Quiet);
        prop_assert_eq!(analysis.relations.len(), 1);
        prop_assert_eq!(analysis.relations[0].kind, RelationKind::Rewrite);
    }

    /// Input order does not change what is found.
    #[test]
    fn input_order_does_not_matter(seed in any::<u64>()) {
        let names = ["01_wire_original.txt", "02_wire_version.txt", "03_paraphrased_rewrite.txt", "04_independent_report.txt", "05_unrelated.txt"];
        let mut articles: Vec<Article> = names.iter().map(|n| article(n, body(n))).collect();
        let baseline = analyze(&articles, &Config::default(), &Quiet);
        let mut state = seed;
        for i in (1..articles.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            articles.swap(i, (state >> 33) as usize % (i + 1));
        }
        let shuffled = analyze(&articles, &Config::default(), &Quiet);
        let pairs = |a: &stemma::Analysis| {
            let mut v: Vec<_> = a.relations.iter().map(|r| {
                let mut ids = [a.documents[r.a].id.clone(), a.documents[r.b].id.clone()];
                ids.sort();
                (ids, r.kind, r.changes.altered_quotes.len())
            }).collect();
            v.sort();
            v
        };
        prop_assert_eq!(pairs(&baseline), pairs(&shuffled));
    }
}

/// Words of a made-up vocabulary, so that generated articles share words
/// the way real ones do without any real text.
const VOCABULARY: &[&str] = &[
    "council",
    "bridge",
    "river",
    "harbour",
    "mayor",
    "budget",
    "repairs",
    "crews",
    "winter",
    "traffic",
    "inspection",
    "engineers",
    "report",
    "weekend",
    "families",
    "officials",
    "morning",
    "evening",
    "district",
    "railway",
    "station",
    "ferry",
    "storm",
    "flood",
    "warning",
    "residents",
    "schools",
    "closed",
    "opened",
    "million",
    "contract",
    "vote",
];

/// A generated article of `n` sentences from `seed`: sentences of eight to
/// fourteen words, some quoting somebody.
fn generated(seed: u64, n: usize) -> Vec<String> {
    let mut state = seed | 1;
    let mut next = |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    (0..n)
        .map(|_| {
            let len = 8 + next(7);
            let words: Vec<&str> = (0..len).map(|_| VOCABULARY[next(VOCABULARY.len())]).collect();
            if next(4) == 0 {
                format!("Officials {} said \"{}.\"", words[..3].join(" "), words[3..].join(" "))
            } else {
                format!("The {}.", words.join(" "))
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// `analyze` finds everything `dedup` finds: every near-duplicate pair at
    /// the default threshold is a duplicate or a version, also in text
    /// without paragraph breaks and with a stray quotation mark, where the
    /// narration a copy shares can be small.
    #[test]
    fn analyze_finds_every_near_duplicate(seed in any::<u64>(), drop in 0usize..12, stray in 0usize..12, paragraphs in any::<bool>()) {
        let sentences = generated(seed, 12);
        let join = |s: &[String]| if paragraphs { s.join("\n\n") } else { s.join(" ") };
        let mut with_stray = sentences.clone();
        with_stray[stray] = format!("\"{}", with_stray[stray]);
        let mut copy = with_stray.clone();
        copy.remove(drop);
        let other = generated(seed.wrapping_add(1), 12);
        let articles = vec![
            Article::from_text("original", &join(&with_stray)),
            Article::from_text("copy", &join(&copy)),
            Article::from_text("other", &join(&other)),
        ];
        let config = Config::default();
        let (pairs, _) = stemma::neardup::near_duplicates(
            &articles, &config.sketch, config.candidates.max_key_documents, config.relate.near_duplicate_jaccard, &Quiet,
        );
        prop_assert!(pairs.iter().any(|p| (p.a, p.b) == (0, 1)), "dedup must find the copy: {:?}", pairs);
        let analysis = analyze(&articles, &config, &Quiet);
        for p in &pairs {
            let found = analysis.relations.iter().find(|r| (r.a.min(r.b), r.a.max(r.b)) == (p.a.min(p.b), p.a.max(p.b)));
            prop_assert!(
                matches!(found.map(|r| r.kind), Some(RelationKind::Duplicate | RelationKind::Version)),
                "dedup pair {:?} is {:?} in analyze", p, found.map(|r| r.kind)
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A `duplicate` is the same text up to trivial edits: a copy that
    /// changes one number, or moves one paragraph, is a `version`, and the
    /// untouched copy stays a duplicate.
    #[test]
    fn a_changed_fact_or_a_moved_paragraph_makes_a_version(seed in any::<u64>(), at in 0usize..12, number in 2u32..900) {
        let mut sentences = generated(seed, 12);
        sentences[at] = format!("The council counted {number} {}", sentences[at].trim_start_matches("The "));
        let original = sentences.join("\n\n");
        let mut changed = sentences.clone();
        changed[at] = changed[at].replace(&format!("counted {number} "), &format!("counted {} ", number + 7));
        let mut moved = sentences.clone();
        let paragraph = moved.remove(at);
        moved.insert((at + 6) % 12, paragraph);
        let kind = |copy: &[String]| {
            let articles = [Article::from_text("original", &original), Article::from_text("copy", &copy.join("\n\n"))];
            analyze(&articles, &Config::default(), &Quiet).relations.first().map(|r| (r.kind, r.changes.changed_facts.len()))
        };
        prop_assert_eq!(kind(&sentences.iter().map(|s| s.replace("  ", " ")).collect::<Vec<_>>()), Some((RelationKind::Duplicate, 0)));
        prop_assert_eq!(kind(&changed), Some((RelationKind::Version, 1)));
        prop_assert_eq!(kind(&moved).map(|k| k.0), Some(RelationKind::Version));
    }
}
