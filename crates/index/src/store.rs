//! The index's tables in the embedded database (redb), and the lookups the
//! per-article step makes in them.
//!
//! Documents are numbered in the order they were added (`DocId`). The
//! postings the candidate step groups by (exact hashes, LSH bands, sentence
//! keys) and the story vectors' terms are one table of 128-bit keys, `tag |
//! key | value`, read by range: a posting is 16 bytes and a lookup one
//! range scan. An addition writes its postings at the end of its
//! transaction, sorted, and the articles before it in the same transaction
//! are seen through [`Pending`].

use std::collections::HashMap;

use redb::{ReadableTable, TableDefinition};
use stemma::ingest::Article;
use stemma::stats::TermMap;

use crate::IndexError;

/// Counters and settings: `format`, `config` (JSON), `documents`,
/// `next_story`.
pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Each document's article as given, JSON.
pub(crate) const ARTICLES: TableDefinition<u32, &[u8]> = TableDefinition::new("articles");
/// The user's id of each document.
pub(crate) const IDS: TableDefinition<&str, u32> = TableDefinition::new("ids");
/// Each document's story, day of publication (NaN when unknown) and time
/// of addition (Unix seconds).
pub(crate) const DOCS: TableDefinition<u32, (u32, f64, u64)> = TableDefinition::new("docs");
/// Every posting: `tag << 120 | key << 56 | value` (see [`Tag`]).
pub(crate) const POSTINGS: TableDefinition<u128, ()> = TableDefinition::new("postings");
/// A table of counts per term.
pub(crate) type Counts = TableDefinition<'static, u64, u32>;

/// Content term → documents holding it (the corpus statistics).
pub(crate) const DF: Counts = TableDefinition::new("df");
/// Story-vector term → postings it has (kept in memory, so that a list
/// too long to be read is not written either).
pub(crate) const STORY_DF: Counts = TableDefinition::new("story_df");
/// `(source, copy)` → the relation as `docs/schema.md` writes it, JSON.
pub(crate) const RELATIONS: TableDefinition<(u32, u32), &[u8]> = TableDefinition::new("relations");
/// `(document, partner)`: the documents each has a relation with.
pub(crate) const PARTNERS: TableDefinition<(u32, u32), ()> = TableDefinition::new("partners");
/// `(story, document)`: each story's documents.
pub(crate) const MEMBERS: TableDefinition<(u32, u32), ()> = TableDefinition::new("members");
/// Story → (first addition, last addition, size).
pub(crate) const STORIES: TableDefinition<u32, (u64, u64, u32)> = TableDefinition::new("stories");

/// What a posting is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Tag {
    /// Exact text hash; value: document.
    Exact = 1,
    /// MinHash LSH band key; value: document.
    Band = 2,
    /// Sentence key; value: document and sentence.
    Sentence = 3,
    /// Story-vector term; value: document and quantised weight.
    StoryTerm = 4,
}

/// Bits of a posting's value below the document number.
const LOW_BITS: u32 = 24;
const LOW_MASK: u64 = (1 << LOW_BITS) - 1;

/// A posting's value: a document and 24 bits (a sentence index, saturated,
/// or a weight in 0..=1).
pub(crate) fn value(doc: u32, low: u64) -> u64 {
    (doc as u64) << LOW_BITS | low.min(LOW_MASK)
}

/// The document and low bits of a posting's value.
pub(crate) fn split(value: u64) -> (u32, u64) {
    ((value >> LOW_BITS) as u32, value & LOW_MASK)
}

/// A weight in 0..=1 as 24 bits, and back.
pub(crate) fn quantise(w: f32) -> u64 {
    (w.clamp(0.0, 1.0) as f64 * LOW_MASK as f64).round() as u64
}

pub(crate) fn dequantise(q: u64) -> f32 {
    (q as f64 / LOW_MASK as f64) as f32
}

/// The table key of a posting.
pub(crate) fn posting(tag: Tag, key: u64, value: u64) -> u128 {
    (tag as u128) << 120 | (key as u128) << 56 | value as u128
}

/// Up to `cap + 1` postings of a key (enough to tell a list over the cap),
/// and whether there were more.
pub(crate) fn read_postings(
    table: &impl ReadableTable<u128, ()>,
    tag: Tag,
    key: u64,
    cap: usize,
) -> Result<Vec<u64>, IndexError> {
    let lo = posting(tag, key, 0);
    let hi = posting(tag, key, (1 << 56) - 1);
    let mut out = Vec::new();
    for row in table.range(lo..=hi)?.take(cap + 1) {
        out.push((row?.0.value() & ((1 << 56) - 1)) as u64);
    }
    Ok(out)
}

/// Reads a counter of the meta table (0 when unset).
pub(crate) fn counter(meta: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<u64, IndexError> {
    Ok(meta.get(key)?.map_or(0, |v| {
        let bytes = v.value();
        let mut buf = [0u8; 8];
        let n = bytes.len().min(8);
        buf[..n].copy_from_slice(&bytes[..n]);
        u64::from_le_bytes(buf)
    }))
}

/// Decodes a stored article.
pub(crate) fn decode_article(doc: u32, bytes: &[u8]) -> Result<Article, IndexError> {
    serde_json::from_slice(bytes)
        .map_err(|e| IndexError::Damaged { what: format!("article {doc}"), message: e.to_string() })
}

/// Reads a whole term-count table into memory.
pub(crate) fn load_counts(table: &impl ReadableTable<u64, u32>) -> Result<TermMap<u32>, IndexError> {
    let mut map = TermMap::default();
    for row in table.iter()? {
        let (k, v) = row?;
        map.insert(k.value(), v.value());
    }
    Ok(map)
}

/// What an addition has not yet written: the postings and term counts of
/// the articles before the current one in the same transaction (written at
/// its end, postings sorted), and those articles analysed.
#[derive(Default)]
pub(crate) struct Pending {
    /// Articles by document number, with their analysis.
    pub docs: HashMap<u32, (Article, stemma::text::Doc)>,
    /// Postings, as table keys.
    pub keys: Vec<u128>,
    /// Added document frequencies.
    pub df: TermMap<u32>,
    /// Added story-vector postings per term.
    pub story_df: TermMap<u32>,
}
