//! Evaluations on public data: how well Stemma's sentence judgment (same
//! content, no changed fact) works as a paraphrase classifier on MRPC.
//!
//! The judgment is a logistic regression over Stemma's own measures of a
//! sentence pair — weighted term similarity, wording similarity, containment,
//! changed and unmatched numbers and dates, changed titles, unmatched names,
//! word-order overlap — fitted on the training file only, with the decision
//! threshold chosen on the training file too; the test file is scored once.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use stemma::align::{Alignment, Link};
use stemma::config::Config;
use stemma::ingest::Article;
use stemma::relate::changes;
use stemma::stats::CorpusStats;
use stemma::text::facts::FactKind;
use stemma::text::tokens::{words, Terms};
use stemma::text::Doc;

/// One labelled sentence pair.
#[derive(Debug, Clone)]
pub struct LabelledPair {
    /// First sentence.
    pub a: String,
    /// Second sentence.
    pub b: String,
    /// Whether the pair is a paraphrase.
    pub paraphrase: bool,
}

/// Reads an MRPC file: a header line, then `Quality`, two ids and two
/// strings separated by tabs.
pub fn read_mrpc(path: &Path) -> anyhow::Result<Vec<LabelledPair>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut pairs = Vec::new();
    for (k, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        anyhow::ensure!(
            cols.len() == 5,
            "{}:{}: expected 5 tab-separated columns, found {}",
            path.display(),
            k + 1,
            cols.len()
        );
        let paraphrase = match cols[0] {
            "1" => true,
            "0" => false,
            other => anyhow::bail!("{}:{}: quality must be 0 or 1, found {other:?}", path.display(), k + 1),
        };
        pairs.push(LabelledPair { a: cols[3].to_string(), b: cols[4].to_string(), paraphrase });
    }
    Ok(pairs)
}

/// Names of the features, in order.
pub const FEATURES: &[&str] = &[
    "similarity",
    "wording_similarity",
    "overlap",
    "length_ratio",
    "changed_numbers",
    "changed_titles",
    "unmatched_numbers",
    "unmatched_names",
    "word_bigram_dice",
    "word_dice",
    "unshared_weight_a",
    "unshared_weight_b",
    "char_trigram_dice",
    "word_trigram_dice",
    "length_difference",
];

fn doc(id: &str, text: &str, terms: &Terms) -> Doc {
    Doc::from_article(&Article::from_text(id, text), terms)
}

fn dice<T: Eq + std::hash::Hash>(x: &HashSet<T>, y: &HashSet<T>) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    2.0 * x.intersection(y).count() as f64 / (x.len() + y.len()) as f64
}

/// Stemma's measures of a sentence pair (see [`FEATURES`]).
pub fn features(a: &Doc, b: &Doc, stats: &CorpusStats, config: &Config) -> Vec<f64> {
    let union = |d: &Doc, role: u8| -> Vec<(u64, f64)> {
        let mut terms: Vec<u64> = (0..d.sentences.len()).flat_map(|i| d.terms_with(i, role)).collect();
        terms.sort_unstable();
        terms.dedup();
        terms.into_iter().map(|t| (t, stats.idf(t))).collect()
    };
    let weighted = |x: &[(u64, f64)], y: &[(u64, f64)]| {
        let ys: HashSet<u64> = y.iter().map(|t| t.0).collect();
        let shared: f64 = x.iter().filter(|t| ys.contains(&t.0)).map(|t| t.1).sum();
        let (tx, ty): (f64, f64) = (x.iter().map(|t| t.1).sum(), y.iter().map(|t| t.1).sum());
        (shared, tx, ty)
    };
    let (shared, ta, tb) = weighted(&union(a, 0), &union(b, 0));
    let similarity = if ta + tb > 0.0 { 2.0 * shared / (ta + tb) } else { 0.0 };
    let overlap = if ta.min(tb) > 0.0 { shared / ta.min(tb) } else { 0.0 };
    let length_ratio = if ta.max(tb) > 0.0 { ta.min(tb) / ta.max(tb) } else { 1.0 };
    let (ws, wa, wb) = weighted(&union(a, stemma::text::WORDING), &union(b, stemma::text::WORDING));
    let wording_similarity = if wa + wb > 0.0 { 2.0 * ws / (wa + wb) } else { 1.0 };

    // Facts: every sentence of one aligned with every sentence of the other.
    let links = (0..a.sentences.len())
        .flat_map(|i| {
            (0..b.sentences.len()).map(move |j| Link { a_sentence: i, b_sentence: j, similarity, wording_similarity })
        })
        .collect();
    let alignment = Alignment {
        links,
        coverage_a: 1.0,
        coverage_b: 1.0,
        verbatim_share: 0.0,
        mean_similarity: similarity,
        evidence: 0,
        passage_links: 0,
        retold_sentences: 0,
        verbatim_links: 0,
        vocabulary_a: 0.0,
        vocabulary_b: 0.0,
    };
    let found = changes::changes(a, b, &alignment, &config.relate);
    let count = |kind: FactKind| found.changed_facts.iter().filter(|f| f.kind == kind).count() as f64;
    let changed_numbers = count(FactKind::Number) + count(FactKind::Date);
    let changed_titles = count(FactKind::Title);

    let values = |d: &Doc| -> Vec<(u64, f64)> {
        (0..d.sentences.len())
            .flat_map(|i| {
                stemma::text::facts::quantities(d.sentence_text(i)).into_iter().map(|q| (q.kind as u64, q.value))
            })
            .collect()
    };
    let (va, vb) = (values(a), values(b));
    let lacks = |x: &[(u64, f64)], y: &[(u64, f64)]| {
        x.iter().filter(|p| !y.iter().any(|q| q.0 == p.0 && (q.1 - p.1).abs() < 1e-9)).count()
    };
    let unmatched_numbers = (lacks(&va, &vb) + lacks(&vb, &va)) as f64;

    let names = |d: &Doc| -> HashSet<String> {
        let mut out = HashSet::new();
        for i in 0..d.sentences.len() {
            for (k, w) in words(d.sentence_text(i)).iter().enumerate() {
                if k > 0 && w.is_capitalized() {
                    out.insert(w.text.to_lowercase());
                }
            }
        }
        out
    };
    let (na, nb) = (names(a), names(b));
    let text_a: String = a.text.to_lowercase();
    let text_b: String = b.text.to_lowercase();
    let unmatched_names = na.iter().filter(|n| !text_b.contains(n.as_str())).count() as f64
        + nb.iter().filter(|n| !text_a.contains(n.as_str())).count() as f64;

    let lower = |t: &str| -> Vec<String> { words(t).iter().map(|w| w.text.to_lowercase()).collect() };
    let (la, lb) = (lower(&a.text), lower(&b.text));
    let bigrams =
        |w: &[String]| -> HashSet<(String, String)> { w.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect() };
    let word_bigram_dice = dice(&bigrams(&la), &bigrams(&lb));
    let word_dice = dice(&la.iter().collect(), &lb.iter().collect());
    let trigrams = |w: &[String]| -> HashSet<Vec<String>> { w.windows(3).map(|p| p.to_vec()).collect() };
    let word_trigram_dice = dice(&trigrams(&la), &trigrams(&lb));
    let chars = |t: &str| -> HashSet<Vec<char>> {
        let c: Vec<char> = t.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
        c.windows(3).map(|w| w.to_vec()).collect()
    };
    let char_trigram_dice = dice(&chars(&text_a), &chars(&text_b));
    let (unshared_a, unshared_b) = (ta - shared, tb - shared);
    let length_difference = (la.len() as f64 - lb.len() as f64).abs();

    vec![
        similarity,
        wording_similarity,
        overlap,
        length_ratio,
        changed_numbers.min(3.0),
        changed_titles.min(2.0),
        unmatched_numbers.min(4.0),
        unmatched_names.min(6.0),
        word_bigram_dice,
        word_dice,
        unshared_a.min(30.0),
        unshared_b.min(30.0),
        char_trigram_dice,
        word_trigram_dice,
        length_difference.min(20.0),
    ]
}

/// A logistic regression over standardized features.
#[derive(Debug, Clone, Serialize)]
pub struct Logistic {
    /// Feature means used for standardizing.
    pub mean: Vec<f64>,
    /// Feature standard deviations used for standardizing.
    pub scale: Vec<f64>,
    /// Weights, one per feature.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
}

impl Logistic {
    /// Fits by full-batch gradient descent with a small L2 penalty.
    pub fn fit(x: &[Vec<f64>], y: &[bool]) -> Logistic {
        let d = x.first().map_or(0, Vec::len);
        let n = x.len().max(1) as f64;
        let mean: Vec<f64> = (0..d).map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n).collect();
        let scale: Vec<f64> =
            (0..d).map(|j| (x.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n).sqrt().max(1e-9)).collect();
        let z: Vec<Vec<f64>> = x.iter().map(|r| (0..d).map(|j| (r[j] - mean[j]) / scale[j]).collect()).collect();
        let (mut w, mut b) = (vec![0.0; d], 0.0);
        for _ in 0..3000 {
            let (mut gw, mut gb) = (vec![0.0; d], 0.0);
            for (row, &label) in z.iter().zip(y) {
                let p = sigmoid(b + row.iter().zip(&w).map(|(a, c)| a * c).sum::<f64>());
                let err = p - if label { 1.0 } else { 0.0 };
                gb += err;
                for j in 0..d {
                    gw[j] += err * row[j];
                }
            }
            for j in 0..d {
                w[j] -= 0.5 * (gw[j] / n + 1e-3 * w[j]);
            }
            b -= 0.5 * gb / n;
        }
        Logistic { mean, scale, weights: w, bias: b }
    }

    /// Probability of a paraphrase.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let s: f64 = row.iter().enumerate().map(|(j, v)| (v - self.mean[j]) / self.scale[j] * self.weights[j]).sum();
        sigmoid(self.bias + s)
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Accuracy and F1 of the positive class.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scores {
    /// Share of pairs judged right.
    pub accuracy: f64,
    /// F1 of the paraphrase class.
    pub f1: f64,
    /// Precision of the paraphrase class.
    pub precision: f64,
    /// Recall of the paraphrase class.
    pub recall: f64,
}

/// Scores predictions against labels.
pub fn scores(predicted: &[bool], gold: &[bool]) -> Scores {
    let tp = predicted.iter().zip(gold).filter(|(p, g)| **p && **g).count() as f64;
    let fp = predicted.iter().zip(gold).filter(|(p, g)| **p && !**g).count() as f64;
    let fneg = predicted.iter().zip(gold).filter(|(p, g)| !**p && **g).count() as f64;
    let correct = predicted.iter().zip(gold).filter(|(p, g)| p == g).count() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fneg > 0.0 { tp / (tp + fneg) } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Scores { accuracy: correct / gold.len().max(1) as f64, f1, precision, recall }
}

/// The result of the MRPC evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct MrpcResult {
    /// Pairs in the training file.
    pub train_pairs: usize,
    /// Pairs in the test file.
    pub test_pairs: usize,
    /// Feature names, in the order of the model's weights.
    pub features: Vec<&'static str>,
    /// The fitted model.
    pub model: Logistic,
    /// Decision threshold chosen on the training file.
    pub threshold: f64,
    /// Scores on the training file (fitted there).
    pub train: Scores,
    /// Scores on the test file (held out).
    pub test: Scores,
    /// The single best feature, `similarity`, with its threshold tuned on
    /// the training file: the plain lexical baseline.
    pub similarity_only_test: Scores,
}

/// Runs the MRPC evaluation: fit on `train`, score on `test`.
pub fn mrpc(train: &Path, test: &Path) -> anyhow::Result<MrpcResult> {
    let (train_pairs, test_pairs) = (read_mrpc(train)?, read_mrpc(test)?);
    let terms = Terms::default();
    let config = Config::default();
    // Term rarity from the training sentences only.
    let mut stats = CorpusStats::default();
    let docs = |pairs: &[LabelledPair]| -> Vec<(Doc, Doc)> {
        pairs.iter().map(|p| (doc("a", &p.a, &terms), doc("b", &p.b, &terms))).collect()
    };
    let train_docs = docs(&train_pairs);
    for (a, b) in &train_docs {
        stats.add(a);
        stats.add(b);
    }
    let test_docs = docs(&test_pairs);
    let featurize =
        |docs: &[(Doc, Doc)]| -> Vec<Vec<f64>> { docs.iter().map(|(a, b)| features(a, b, &stats, &config)).collect() };
    let (x_train, x_test) = (featurize(&train_docs), featurize(&test_docs));
    let y_train: Vec<bool> = train_pairs.iter().map(|p| p.paraphrase).collect();
    let y_test: Vec<bool> = test_pairs.iter().map(|p| p.paraphrase).collect();

    let model = Logistic::fit(&x_train, &y_train);
    let p_train: Vec<f64> = x_train.iter().map(|r| model.predict(r)).collect();
    let threshold = best_threshold(&p_train, &y_train);
    let judge = |p: &[f64], t: f64| -> Vec<bool> { p.iter().map(|&v| v >= t).collect() };
    let p_test: Vec<f64> = x_test.iter().map(|r| model.predict(r)).collect();

    let sim_train: Vec<f64> = x_train.iter().map(|r| r[0]).collect();
    let sim_threshold = best_threshold(&sim_train, &y_train);
    let sim_test: Vec<f64> = x_test.iter().map(|r| r[0]).collect();

    Ok(MrpcResult {
        train_pairs: train_pairs.len(),
        test_pairs: test_pairs.len(),
        features: FEATURES.to_vec(),
        train: scores(&judge(&p_train, threshold), &y_train),
        test: scores(&judge(&p_test, threshold), &y_test),
        similarity_only_test: scores(&judge(&sim_test, sim_threshold), &y_test),
        model,
        threshold,
    })
}

/// The threshold on scores that maximizes accuracy on labelled data.
fn best_threshold(scores_: &[f64], gold: &[bool]) -> f64 {
    let mut candidates: Vec<f64> = scores_.to_vec();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    let mut best = (0.0, 0.5);
    for (k, &t) in candidates.iter().enumerate() {
        if k % 4 != 0 {
            continue;
        }
        let correct = scores_.iter().zip(gold).filter(|(s, g)| (**s >= t) == **g).count() as f64;
        if correct > best.0 {
            best = (correct, t);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_regression_separates_a_simple_rule() {
        let x: Vec<Vec<f64>> = (0..200).map(|i| vec![i as f64 / 200.0, ((i * 7) % 13) as f64]).collect();
        let y: Vec<bool> = (0..200).map(|i| i >= 120).collect();
        let model = Logistic::fit(&x, &y);
        let predicted: Vec<bool> = x.iter().map(|r| model.predict(r) >= 0.5).collect();
        assert!(scores(&predicted, &y).accuracy > 0.95);
        assert!(model.weights[0] > model.weights[1].abs());
    }

    #[test]
    fn a_changed_number_is_a_feature() {
        let terms = Terms::default();
        let config = Config::default();
        let a = doc("a", "Yucaipa sold the chain to Safeway in 1998 for $2.5 billion.", &terms);
        let b = doc("b", "Yucaipa sold the chain to Safeway in 1998 for $1.8 billion.", &terms);
        let mut stats = CorpusStats::default();
        stats.add(&a);
        stats.add(&b);
        let f = features(&a, &b, &stats, &config);
        assert_eq!(f[4], 1.0, "one changed number: {f:?}");
        let same = features(&a, &a, &stats, &config);
        assert_eq!(same[4], 0.0);
        assert!((same[0] - 1.0).abs() < 1e-9);
    }
}
