//! Near-duplicate mode: MinHash-LSH over word shingles and nothing else, the
//! job datasketch, rensa and text-dedup do, for cleaning large corpora fast.
//!
//! Signatures come from the article text as given (words lowercased, no
//! further normalization), with the same [`Sketcher`] as the full analysis;
//! candidates share an LSH band, and a candidate is kept when its estimated
//! Jaccard similarity reaches the threshold. Clusters are the connected
//! components of the kept pairs; each names the document to keep (the first
//! in input order) and the others.

use rayon::prelude::*;
use serde::Serialize;

use crate::config::SketchConfig;
use crate::ingest::Article;
use crate::sketch::{estimated_jaccard, Sketcher};
use crate::Progress;

/// Two documents whose estimated shingle Jaccard similarity reaches the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NearDuplicate {
    /// Index of the first document (input order).
    pub a: usize,
    /// Index of the second document.
    pub b: usize,
    /// Estimated Jaccard similarity of their word shingles.
    pub jaccard: f64,
}

/// A group of near-duplicates: connected components of the pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// The member to keep: the first in input order.
    pub keep: usize,
    /// The other members, in input order.
    pub duplicates: Vec<usize>,
}

/// Finds the near-duplicate pairs among articles and groups them.
pub fn near_duplicates(
    articles: &[Article],
    config: &SketchConfig,
    max_bucket: usize,
    threshold: f64,
    progress: &dyn Progress,
) -> (Vec<NearDuplicate>, Vec<Cluster>) {
    let sketcher = Sketcher::new(config);
    progress.stage("sketch", articles.len() as u64);
    let signatures: Vec<Vec<u32>> = articles
        .par_iter()
        .map(|article| {
            let signature = sketcher.minhash_text(&article.text);
            progress.advance(1);
            signature
        })
        .collect();

    progress.stage("candidates", 1);
    let keyed: Vec<(u64, u32)> = signatures
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, s)| sketcher.band_keys(s).into_iter().map(move |k| (k, i as u32)))
        .collect();
    let mut candidates = crate::candidates::group_pairs(keyed, max_bucket);
    candidates.par_sort_unstable();
    candidates.dedup();
    progress.advance(1);

    progress.stage("verify", candidates.len() as u64);
    let pairs: Vec<NearDuplicate> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            let jaccard = estimated_jaccard(&signatures[a], &signatures[b]);
            progress.advance(1);
            (jaccard >= threshold).then_some(NearDuplicate { a: a.min(b), b: a.max(b), jaccard })
        })
        .collect();
    progress.finish();
    let clusters = clusters(articles.len(), &pairs);
    (pairs, clusters)
}

/// Connected components of the pairs, by union-find.
fn clusters(n: usize, pairs: &[NearDuplicate]) -> Vec<Cluster> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for p in pairs {
        let (ra, rb) = (root(&mut parent, p.a), root(&mut parent, p.b));
        if ra != rb {
            // The smaller index becomes the root, so it is the one kept.
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for p in pairs {
        for x in [p.a, p.b] {
            members.entry(root(&mut parent, x)).or_default().push(x);
        }
    }
    members
        .into_iter()
        .map(|(keep, mut all)| {
            all.sort_unstable();
            all.dedup();
            all.retain(|&x| x != keep);
            Cluster { keep, duplicates: all }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Quiet;

    fn article(id: &str, text: &str) -> Article {
        Article { id: id.into(), title: None, text: text.into(), outlet: None, published: None, url: None, origin: id.into() }
    }

    #[test]
    fn copies_cluster_and_unrelated_texts_do_not() {
        let base = "The harbour council approved a new budget on Monday after a long debate about the three old bridges \
                    that carry most of the traffic into the city centre every morning and evening.";
        let edited = base.replace("Monday", "Tuesday");
        let other = "A pygmy goat named Clover won best in show at the county fair, beating forty rivals from six valleys \
                     in a contest that drew the largest crowd the fairground has seen in a decade.";
        let articles = [article("a", base), article("b", &edited), article("c", other), article("d", base)];
        let (pairs, clusters) = near_duplicates(&articles, &SketchConfig::default(), 50, 0.5, &Quiet);
        assert!(pairs.iter().all(|p| p.jaccard >= 0.5 && p.a < p.b));
        assert_eq!(clusters, vec![Cluster { keep: 0, duplicates: vec![1, 3] }]);
    }
}
