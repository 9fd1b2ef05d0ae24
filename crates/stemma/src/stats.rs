//! Corpus statistics: how many documents hold each term, which weights
//! terms by rarity everywhere (alignment, stories, collation).
//!
//! An explicit value rather than a by-product of one batch: it is built one
//! document at a time ([`CorpusStats::add`]), merged from parts
//! ([`CorpusStats::merge`]) and serialized, so that a persistent index can
//! keep it up to date as articles arrive.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::text::{spill::Texts, Doc};

/// Document frequencies of content terms: the corpus statistics that weight
/// terms by rarity. Built by [`CorpusStats::add`] per document; two halves of
/// a corpus [`CorpusStats::merge`] into the whole.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Number of documents counted.
    pub documents: u64,
    /// Documents containing each term.
    pub df: TermMap<u32>,
    /// [`CorpusStats::idf`] of the commoner document frequencies, made on
    /// first use for the number of documents it was made at: the logarithm
    /// is most of an IDF's cost, asked for every term of every aligned
    /// sentence and story vector.
    #[serde(skip)]
    idf_by_df: std::sync::OnceLock<(u64, Vec<f64>)>,
}

/// Document frequencies below this have their IDF in a table.
const TABLED_DF: usize = 4096;

/// A hash map keyed by term hashes ([`crate::text::tokens::term_hash`]):
/// the keys are hashes already, so they are only mixed, not hashed again
/// with SipHash. The term statistics are looked up for every term of every
/// aligned sentence and story vector.
pub type TermMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<TermHasher>>;

/// The hasher of [`TermMap`]: one multiplication of the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct TermHasher(u64);

impl std::hash::Hasher for TermHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write_u64(&mut self, key: u64) {
        // Fibonacci hashing, folded so that the high bits (the table's
        // control bytes) and the low bits (its bucket) both depend on all
        // of the key.
        let x = (self.0 ^ key).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 32);
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
}

impl CorpusStats {
    /// Statistics of `documents` documents with the given frequencies.
    pub fn new(documents: u64, df: TermMap<u32>) -> CorpusStats {
        CorpusStats { documents, df, idf_by_df: std::sync::OnceLock::new() }
    }

    /// Counts one document's distinct terms.
    pub fn add(&mut self, doc: &Doc) {
        self.documents += 1;
        self.idf_by_df = std::sync::OnceLock::new();
        let mut terms = doc.terms.clone();
        terms.sort_unstable();
        terms.dedup();
        for term in terms {
            *self.df.entry(term).or_insert(0) += 1;
        }
    }

    /// The statistics of a set of documents, counted in parallel.
    pub fn of_documents(documents: &[Doc]) -> CorpusStats {
        CorpusStats::of_documents_in(documents, &Texts::held())
    }

    /// [`CorpusStats::of_documents`], the terms of documents that spilled
    /// them read back from `texts` one document at a time.
    pub fn of_documents_in(documents: &[Doc], texts: &Texts) -> CorpusStats {
        use rayon::prelude::*;
        (0..documents.len())
            .into_par_iter()
            .fold(CorpusStats::default, |mut stats, d| {
                texts.with_terms(documents, d, |doc| stats.add(doc));
                stats
            })
            .reduce(CorpusStats::default, CorpusStats::merge)
    }

    /// Adds another part of the corpus.
    pub fn merge(mut self, other: CorpusStats) -> CorpusStats {
        self.documents += other.documents;
        self.idf_by_df = std::sync::OnceLock::new();
        for (term, n) in other.df {
            *self.df.entry(term).or_insert(0) += n;
        }
        self
    }

    /// Smoothed inverse document frequency, at least 1: `ln((N+1)/(df+1)) + 1`.
    pub fn idf(&self, term: u64) -> f64 {
        let df = self.df.get(&term).copied().unwrap_or(0);
        // No document frequency exceeds the documents: a comparison of two
        // articles makes a table of three.
        let tabled = (TABLED_DF as u64).min(self.documents + 1) as u32;
        let (documents, table) =
            self.idf_by_df.get_or_init(|| (self.documents, (0..tabled).map(|df| idf_of(self.documents, df)).collect()));
        // The counts are public: a table made before they changed is not used.
        match table.get(df as usize) {
            Some(&idf) if *documents == self.documents => idf,
            _ => idf_of(self.documents, df),
        }
    }
}

/// `ln((N+1)/(df+1)) + 1`, for `documents` N.
fn idf_of(documents: u64, df: u32) -> f64 {
    ((documents as f64 + 1.0) / (df as f64 + 1.0)).ln() + 1.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;

    fn doc(text: &str) -> Doc {
        Doc::from_article(&Article::from_text("d", text), &Terms::default())
    }

    #[test]
    fn stats_merge_equals_stats_of_the_whole() {
        let docs = [doc("Alpha beta gamma."), doc("Beta delta."), doc("Gamma gamma epsilon.")];
        let mut whole = CorpusStats::default();
        docs.iter().for_each(|d| whole.add(d));
        let mut left = CorpusStats::default();
        left.add(&docs[0]);
        let mut right = CorpusStats::default();
        docs[1..].iter().for_each(|d| right.add(d));
        let merged = left.merge(right);
        assert_eq!(merged.documents, whole.documents);
        assert_eq!(merged.df, whole.df);
        let beta = crate::text::tokens::term_hash("beta");
        assert!(whole.idf(beta) < whole.idf(crate::text::tokens::term_hash("delta")));
    }

    #[test]
    fn idf_is_the_formula_before_and_after_the_counts_change() {
        let formula = |stats: &CorpusStats, df: u32| ((stats.documents as f64 + 1.0) / (df as f64 + 1.0)).ln() + 1.0;
        let (common, rare, unseen) = (1u64, 2u64, 3u64);
        let mut df = TermMap::default();
        df.insert(common, 7_000);
        df.insert(rare, 2);
        let mut stats = CorpusStats::new(9_000, df);
        for _ in 0..2 {
            assert_eq!(stats.idf(common), formula(&stats, 7_000));
            assert_eq!(stats.idf(rare), formula(&stats, 2));
            assert_eq!(stats.idf(unseen), formula(&stats, 0));
            // Counts changed in place, and by adding a document.
            stats.documents += 1_000;
        }
        stats.add(&doc("Alpha beta."));
        assert_eq!(stats.idf(rare), formula(&stats, 2));
    }
}
