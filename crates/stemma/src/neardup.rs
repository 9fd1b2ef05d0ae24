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
use crate::sketch::{estimated_jaccard, Banding, Sketcher};
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

/// Collects signatures chunk by chunk (keeping nothing of the texts), then
/// finds the pairs: memory is one signature per document.
pub struct Finder {
    sketcher: Sketcher,
    /// Values per signature (`sketch.dedup_bins`).
    bins: usize,
    /// Signatures, `bins` values per document, in input order.
    signatures: Vec<u32>,
}

impl Finder {
    /// A finder with the given sketch settings.
    pub fn new(config: &SketchConfig) -> Finder {
        Finder { sketcher: Sketcher::new(config), bins: config.dedup_bins, signatures: Vec::new() }
    }

    /// Sketches more documents, in parallel; they follow those added before.
    pub fn add<T: AsRef<str> + Sync>(&mut self, texts: &[T], progress: &dyn Progress) {
        let sketches: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|text| {
                let signature = self.sketcher.dedup_signature(text.as_ref());
                progress.advance(1);
                signature
            })
            .collect();
        self.signatures.reserve(sketches.len() * self.bins);
        for signature in sketches {
            self.signatures.extend_from_slice(&signature);
        }
    }

    /// Number of documents added.
    pub fn len(&self) -> usize {
        self.signatures.len() / self.bins.max(1)
    }

    /// Whether no document was added.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// The pairs at or above `threshold` and their clusters: candidates share
    /// a band of `banding`. Buckets holding more than `max_bucket` documents
    /// pair each member with the first only.
    pub fn finish(
        &self,
        banding: Banding,
        max_bucket: usize,
        threshold: f64,
        progress: &dyn Progress,
    ) -> (Vec<NearDuplicate>, Vec<Cluster>) {
        let signature = |i: usize| &self.signatures[i * self.bins..(i + 1) * self.bins];
        progress.stage("candidates", 1);
        let keyed: Vec<(u64, u32)> = (0..self.len())
            .into_par_iter()
            .flat_map_iter(|i| {
                self.sketcher.band_keys_with(signature(i), banding).into_iter().map(move |k| (k, i as u32))
            })
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
                let jaccard = estimated_jaccard(signature(a), signature(b));
                progress.advance(1);
                (jaccard >= threshold).then_some(NearDuplicate { a: a.min(b), b: a.max(b), jaccard })
            })
            .collect();
        progress.finish();
        let clusters = clusters(self.len(), &pairs);
        (pairs, clusters)
    }
}

/// What near-duplicate mode found in a set of inputs.
#[derive(Debug)]
pub struct Dedup {
    /// Ids of the documents read, in input order; pairs and clusters index
    /// into them.
    pub ids: Vec<String>,
    /// Pairs at or above the threshold.
    pub pairs: Vec<NearDuplicate>,
    /// Their connected components.
    pub clusters: Vec<Cluster>,
    /// The banding used, chosen from the threshold.
    pub banding: Banding,
    /// Problems met reading the inputs.
    pub errors: Vec<crate::ingest::InputError>,
}

/// Near-duplicate mode over files and directories, streamed: texts are
/// read and sketched a chunk at a time and dropped, so memory is one
/// signature per document. The banding follows `threshold`
/// ([`Banding::for_dedup`]).
pub fn dedup_inputs(
    paths: &[std::path::PathBuf],
    reading: &crate::ingest::Reading,
    config: &crate::config::Config,
    threshold: f64,
    progress: &dyn Progress,
) -> Dedup {
    let banding = Banding::for_dedup(&config.sketch, threshold);
    let mut finder = Finder::new(&config.sketch);
    let mut ids: Vec<String> = Vec::new();
    progress.stage("sketch", 0);
    let errors = crate::ingest::for_each_chunk(paths, reading, &mut |chunk| {
        let texts: Vec<&str> = chunk.iter().map(|a| a.text.as_str()).collect();
        finder.add(&texts, progress);
        // The articles are dropped in parallel too, rather than freed one by
        // one on the reading thread.
        ids.par_extend(chunk.into_par_iter().map(|a| a.id));
    });
    let (pairs, clusters) = if ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        finder.finish(banding, config.candidates.max_key_documents, threshold, progress)
    };
    Dedup { ids, pairs, clusters, banding, errors }
}

/// Finds the near-duplicate pairs among articles held in memory and groups them.
pub fn near_duplicates(
    articles: &[Article],
    config: &SketchConfig,
    max_bucket: usize,
    threshold: f64,
    progress: &dyn Progress,
) -> (Vec<NearDuplicate>, Vec<Cluster>) {
    let mut finder = Finder::new(config);
    progress.stage("sketch", articles.len() as u64);
    let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
    finder.add(&texts, progress);
    finder.finish(Banding::for_dedup(config, threshold), max_bucket, threshold, progress)
}

/// Connected components of the pairs; the smallest index of each is kept.
fn clusters(n: usize, pairs: &[NearDuplicate]) -> Vec<Cluster> {
    let label = crate::components::components(n, pairs.iter().map(|p| (p.a, p.b)));
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for p in pairs {
        for x in [p.a, p.b] {
            members.entry(label[x]).or_default().push(x);
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

    #[test]
    fn copies_cluster_and_unrelated_texts_do_not() {
        let base =
            "The harbour council approved a new budget on Monday after a long debate about the three old bridges \
                    that carry most of the traffic into the city centre every morning and evening.";
        let edited = base.replace("Monday", "Tuesday");
        let other =
            "A pygmy goat named Clover won best in show at the county fair, beating forty rivals from six valleys \
                     in a contest that drew the largest crowd the fairground has seen in a decade.";
        let articles =
            [("a", base), ("b", &edited), ("c", other), ("d", base)].map(|(id, text)| Article::from_text(id, text));
        let (pairs, clusters) = near_duplicates(&articles, &SketchConfig::default(), 50, 0.5, &Quiet);
        assert!(pairs.iter().all(|p| p.jaccard >= 0.5 && p.a < p.b));
        assert_eq!(clusters, vec![Cluster { keep: 0, duplicates: vec![1, 3] }]);
    }
}
