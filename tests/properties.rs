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
