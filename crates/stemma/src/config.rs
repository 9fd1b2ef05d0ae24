//! Every threshold and weight Stemma uses, in one typed configuration.
//!
//! Defaults are documented field by field; `stemma analyze --config FILE`
//! overrides any subset of them from TOML, and the effective configuration is
//! written into the JSON output so that a result can be reproduced.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Why a configuration could not be read or used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read. (The cause is the error's `source`, so
    /// that a chain of causes prints it once.)
    #[error("reading config file {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or names a setting that does not exist.
    #[error("parsing config file {}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why, as TOML says it.
        source: Box<toml::de::Error>,
    },
    /// A setting holds a value that cannot work.
    #[error("{}{message}", path.as_ref().map(|p| format!("checking config file {}: ", p.display())).unwrap_or_default())]
    Invalid {
        /// The file, when the configuration came from one.
        path: Option<PathBuf>,
        /// Which setting, and what it must be.
        message: String,
    },
    /// The configuration could not be written as TOML.
    #[error("serializing the configuration")]
    Serialize(#[from] toml::ser::Error),
}

/// Fails validation with a message naming the setting.
macro_rules! check {
    ($cond:expr, $($message:tt)+) => {
        // NaN fails the check: `ok` is false for it.
        let ok: bool = $cond;
        if !ok {
            return Err(ConfigError::Invalid { path: None, message: format!($($message)+) });
        }
    };
}

/// The complete, effective configuration of an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Reading the inputs.
    pub ingest: IngestConfig,
    /// Document and sentence sketches (MinHash, sentence keys).
    pub sketch: SketchConfig,
    /// Candidate generation from sketches.
    pub candidates: CandidateConfig,
    /// Sentence similarity and alignment.
    pub align: AlignConfig,
    /// Classification of an aligned pair into a relation.
    pub relate: RelateConfig,
    /// Stories (clustering by event) and collation of their witnesses.
    pub stories: StoryConfig,
}

impl Config {
    /// Reads a TOML file whose tables override the defaults; unknown keys are
    /// an error so that a misspelt threshold is never silently ignored.
    pub fn from_toml_file(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        let config: Config = toml::from_str(&text)
            .map_err(|source| ConfigError::Parse { path: path.to_path_buf(), source: Box::new(source) })?;
        config.validate().map_err(|err| match err {
            ConfigError::Invalid { message, .. } => ConfigError::Invalid { path: Some(path.to_path_buf()), message },
            other => other,
        })?;
        Ok(config)
    }

    /// The configuration as TOML with every setting's documentation above it
    /// (`stemma config`): a file to copy and edit. The comments are the
    /// doc comments of this module's fields, read from its source at build
    /// time, so that they cannot drift from the code.
    pub fn to_commented_toml(&self) -> Result<String, ConfigError> {
        let docs = field_docs(include_str!("config.rs"));
        let value = toml::Value::try_from(self)?;
        let toml::Value::Table(sections) = value else {
            return Err(ConfigError::Invalid { path: None, message: "the configuration is not a table".into() });
        };
        let mut out = String::from(
            "# Stemma configuration: every setting with its default value.\n\
             # Keep the lines you change and pass the file with `--config FILE`;\n\
             # unknown keys are an error. The effective values are written into\n\
             # each JSON report (`config`).\n",
        );
        // In the order of the source: the pipeline's, not the alphabet's.
        let position = |ty: &str, key: &str| docs.get(&(ty.to_string(), key.to_string())).map_or(usize::MAX, |d| d.2);
        let mut sections: Vec<(&String, &toml::Value)> = sections.iter().collect();
        sections.sort_by_key(|(section, _)| position("Config", section));
        for (section, table) in sections {
            let toml::Value::Table(table) = table else { continue };
            let (ty, doc, _) = docs.get(&("Config".to_string(), section.clone())).cloned().unwrap_or_default();
            out.push('\n');
            push_comment(&mut out, &doc);
            out.push_str(&format!("[{section}]\n"));
            let mut keys: Vec<(&String, &toml::Value)> = table.iter().collect();
            keys.sort_by_key(|(key, _)| position(&ty, key));
            for (key, value) in keys {
                let (_, doc, _) = docs.get(&(ty.clone(), key.clone())).cloned().unwrap_or_default();
                push_comment(&mut out, &doc);
                out.push_str(&format!("{key} = {value}\n"));
            }
        }
        Ok(out)
    }

    /// Rejects settings that cannot work (zero bands, thresholds outside 0..=1).
    pub fn validate(&self) -> Result<(), ConfigError> {
        check!(self.ingest.max_document_bytes >= 1, "ingest.max_document_bytes must be at least 1");
        check!(self.ingest.max_html_nesting >= 1, "ingest.max_html_nesting must be at least 1");
        let s = &self.sketch;
        check!(s.shingle_size >= 1, "sketch.shingle_size must be at least 1");
        check!(
            s.num_perm >= 1 && s.bands >= 1 && s.num_perm.is_multiple_of(s.bands),
            "sketch.num_perm ({}) must be a positive multiple of sketch.bands ({})",
            s.num_perm,
            s.bands
        );
        check!(s.sentence_bands >= 1, "sketch.sentence_bands must be at least 1");
        check!(
            s.dedup_bins >= s.num_perm,
            "sketch.dedup_bins ({}) must be at least sketch.num_perm ({}): the bands take the first num_perm",
            s.dedup_bins,
            s.num_perm
        );
        check!(
            s.dedup_band_recall > 0.0 && s.dedup_band_recall < 1.0,
            "sketch.dedup_band_recall must lie strictly between 0 and 1, got {}",
            s.dedup_band_recall
        );
        let unit = [
            ("align.anchor_similarity", self.align.anchor_similarity),
            ("align.gap_overlap", self.align.gap_overlap),
            ("align.split_containment", self.align.split_containment),
            ("align.verbatim_similarity", self.align.verbatim_similarity),
            ("align.min_wording_similarity", self.align.min_wording_similarity),
            ("align.passage_wording_similarity", self.align.passage_wording_similarity),
            ("relate.duplicate_coverage", self.relate.duplicate_coverage),
            ("relate.duplicate_ordered_share", self.relate.duplicate_ordered_share),
            ("relate.version_coverage", self.relate.version_coverage),
            ("relate.version_verbatim_share", self.relate.version_verbatim_share),
            ("relate.rewrite_coverage", self.relate.rewrite_coverage),
            ("relate.direction_margin", self.relate.direction_margin),
            ("relate.merge_overlap", self.relate.merge_overlap),
            ("relate.near_duplicate_jaccard", self.relate.near_duplicate_jaccard),
            ("relate.min_retold_share", self.relate.min_retold_share),
            ("relate.condensed_length_ratio", self.relate.condensed_length_ratio),
            ("relate.condensed_coverage", self.relate.condensed_coverage),
            ("relate.condensed_vocabulary", self.relate.condensed_vocabulary),
            ("relate.condensed_vocabulary_floor", self.relate.condensed_vocabulary_floor),
            ("relate.condensed_exclusive_margin", self.relate.condensed_exclusive_margin),
            ("relate.condensed_wording_similarity", self.relate.condensed_wording_similarity),
            ("relate.condensed_chain_share", self.relate.condensed_chain_share),
            ("relate.quote_match_similarity", self.relate.quote_match_similarity),
            ("relate.reworded_fact_similarity", self.relate.reworded_fact_similarity),
            ("stories.min_neighbor_similarity", self.stories.min_neighbor_similarity),
            ("stories.link_threshold", self.stories.link_threshold),
            ("stories.agreement_similarity", self.stories.agreement_similarity),
            ("stories.quote_conflict_overlap", self.stories.quote_conflict_overlap),
            ("stories.quantity_sentence_overlap", self.stories.quantity_sentence_overlap),
        ];
        for (name, value) in unit {
            check!((0.0..=1.0).contains(&value), "{name} must lie in 0..=1, got {value}");
        }
        check!(self.relate.trim_ratio >= 1.0, "relate.trim_ratio must be at least 1");
        check!(self.relate.witness_margin >= 1.0, "relate.witness_margin must be at least 1");
        check!(self.relate.witness_reading_words >= 1, "relate.witness_reading_words must be at least 1");
        check!(self.stories.neighbors >= 1, "stories.neighbors must be at least 1");
        check!(self.stories.max_reverse_neighbors >= 2, "stories.max_reverse_neighbors must be at least 2");
        check!(self.stories.vector_terms >= 1, "stories.vector_terms must be at least 1");
        check!(self.stories.max_days_apart >= 0.0, "stories.max_days_apart must not be negative");
        check!(self.stories.time_scale_days >= 0.0, "stories.time_scale_days must not be negative");
        Ok(())
    }
}

/// Settings of reading the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Largest body text `analyze` reads, in bytes; a longer one is skipped
    /// with an error naming it. The longest articles of ECB+ and BASIL are
    /// 16 KB; a 20 MB "article" (a scraped archive page, a dump on one
    /// line) would contain whole stories and become every article's
    /// "source", and aligning it costs minutes (default 1,000,000).
    pub max_document_bytes: usize,
    /// A web page is an article only when its longest paragraph has at
    /// least this many words (in scripts written without spaces, one per
    /// two letters): what is left of a page without an article is link
    /// text ("Home", "Sign in"), never a sentence (default 8).
    pub min_paragraph_words: usize,
    /// A web page whose elements nest deeper than this is not read:
    /// extraction time grows with the square of the depth (9 s at 5,000),
    /// and no article page comes near it (default 1,000).
    pub max_html_nesting: usize,
    /// Bytes of article text `stemma analyze` holds in memory; the texts of
    /// later articles, with their terms, go to an unnamed scratch file in
    /// the temporary directory (`TMPDIR`) and are read back by the stages
    /// that compare or write them, the terms also by the stages over the
    /// whole corpus (see [`crate::text::spill`]). Results do not depend on
    /// it; memory and time do. A news article's text and terms are about
    /// two thirds of what its analysis holds, so at a million articles this
    /// keeps about 3.5 GB out of memory (default 268,435,456: 256 MiB,
    /// about 110,000 articles; 0 spills every text, `18446744073709551615`
    /// none).
    pub max_held_text_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            max_document_bytes: 1_000_000,
            min_paragraph_words: 8,
            max_html_nesting: 1000,
            max_held_text_bytes: 256 << 20,
        }
    }
}

/// Settings of the sketch stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SketchConfig {
    /// Words per shingle for the document MinHash (default 5, as in the peers).
    pub shingle_size: usize,
    /// MinHash permutations per document (default 128).
    pub num_perm: usize,
    /// LSH bands; `num_perm / bands` rows each. 32 bands of 4 rows catch
    /// pairs from a 5-gram Jaccard of about 0.4 upward (default 32).
    pub bands: usize,
    /// Sentence keys per sentence: each is the pair of smallest term hashes
    /// under one permutation, so a paraphrase that keeps a fraction J of the
    /// content terms shares a key with probability about J² per band (default 6).
    pub sentence_bands: usize,
    /// A sentence gets keys only when it has at least this many distinct
    /// content terms; datelines and headings have fewer (default 4).
    pub min_key_terms: usize,
    /// `stemma dedup` cuts signatures into bands from its `--threshold`: the
    /// longest bands that still make a pair at the threshold a candidate with
    /// at least this probability (default 0.85; at threshold 0.5 that is 32
    /// bands of 4 rows). `bands` above is for the full analysis.
    pub dedup_band_recall: f64,
    /// Bins of `stemma dedup`'s one-permutation signature (default 256):
    /// its first `num_perm` are cut into LSH bands as the permutations are,
    /// and all of them estimate the Jaccard similarity of a candidate pair.
    /// More bins cost memory, not hashing, and estimate more closely (on the
    /// 10k generated corpus, recall of near-duplicates 0.978 at 128 bins,
    /// 0.980 at 256); at least `num_perm`.
    pub dedup_bins: usize,
}

impl Default for SketchConfig {
    fn default() -> Self {
        SketchConfig {
            shingle_size: 5,
            num_perm: 128,
            bands: 32,
            sentence_bands: 6,
            min_key_terms: 4,
            dedup_band_recall: 0.85,
            dedup_bins: 256,
        }
    }
}

/// Settings of candidate generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CandidateConfig {
    /// A key (LSH bucket or sentence key) held by more documents than this is
    /// boilerplate or a topic-wide commonplace: a sentence key that common
    /// creates no candidates; an LSH bucket or exact hash that common pairs
    /// each member with its first document only. The sentence keys of real
    /// copies are shared by a family of a few documents (default 20).
    pub max_key_documents: usize,
    /// A pair becomes a candidate from sentence keys only when keys match in at
    /// least this many distinct sentences of each document, so one shared
    /// sign-off line or dateline is never enough (default 2).
    pub min_shared_sentences: usize,
    /// Sentence-key postings are grouped in passes of at most about this
    /// many, each pass taking one slice of the key space, so that a large
    /// corpus never holds all of its postings at once (16 bytes each; at a
    /// million documents there are over a hundred million). Above twice
    /// this many keys, document pairs are also taken in partitions, so that
    /// the keys two documents share are never all held at once either: each
    /// pass's findings wait in an unnamed scratch file, by partition, until
    /// the partition is counted (and a band's keys, by slice, when a band
    /// takes more than one pass). Results do not depend on it; memory and
    /// time do (default 32,000,000, about 512 MB).
    pub postings_per_pass: usize,
}

impl Default for CandidateConfig {
    fn default() -> Self {
        CandidateConfig { max_key_documents: 20, min_shared_sentences: 2, postings_per_pass: 32_000_000 }
    }
}

/// Settings of sentence alignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlignConfig {
    /// Similarity at which two sentences align anywhere in the documents,
    /// whatever their position (default 0.4).
    pub anchor_similarity: f64,
    /// For a sentence pair that sits between two anchors in both documents,
    /// where position corroborates it, the share of the shorter sentence's
    /// term weight found in the longer one that suffices (default 0.25).
    pub gap_overlap: f64,
    /// Largest gap (in sentences, each side) that gap filling looks into
    /// (default 3).
    pub max_gap: usize,
    /// A sentence left over after one-to-one alignment joins an aligned
    /// neighbour's partner when this share of its weight is contained in it:
    /// a split or merged sentence (default 0.6).
    pub split_containment: f64,
    /// Similarity from which an aligned pair counts as verbatim (default 0.8).
    pub verbatim_similarity: f64,
    /// Wording similarity (narration less names and numbers) from which an
    /// aligned pair counts towards coverage: pairs below it state the same
    /// fact in other words, as independent reports do (default 0.15).
    pub min_wording_similarity: f64,
    /// Wording similarity from which an aligned pair can continue a passage
    /// (see `relate.min_passage_links`): the specific evidence of copying.
    /// Independent reports of one event state the same facts in sentences
    /// that share some wording; only a copy, even a paraphrase, keeps
    /// several consecutive sentences this close (default 0.4).
    pub passage_wording_similarity: f64,
    /// Fewest distinct wording terms (narration less names and numbers) a
    /// sentence needs on both sides for a verbatim pair to count as evidence
    /// on its own, without neighbours: "He was 75." proves nothing (default 6).
    pub min_verbatim_wording_terms: usize,
}

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            anchor_similarity: 0.4,
            gap_overlap: 0.25,
            max_gap: 3,
            split_containment: 0.6,
            verbatim_similarity: 0.8,
            min_wording_similarity: 0.15,
            passage_wording_similarity: 0.4,
            min_verbatim_wording_terms: 6,
        }
    }
}

/// Settings of relation classification and change extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelateConfig {
    /// Narration coverage both ways from which a verbatim pair is a
    /// `duplicate` (default 0.9).
    pub duplicate_coverage: f64,
    /// Share of a duplicate's aligned sentences that must follow one order
    /// in both texts: "the same text up to trivial edits" keeps its order,
    /// and a text with its paragraphs moved is a `version` (default 0.95).
    pub duplicate_ordered_share: f64,
    /// Narration coverage of the contained document from which a largely
    /// verbatim pair is a `version`. Low, because the specific evidence
    /// (passages, long verbatim sentences) already rules out independent
    /// coverage, and an article assembled from two sources takes only part
    /// of each: it is related to both, each with its partial coverage
    /// (default 0.3).
    pub version_coverage: f64,
    /// Share of aligned narration that must be verbatim for `version` or
    /// `duplicate` rather than `rewrite` (default 0.6).
    pub version_verbatim_share: f64,
    /// Narration coverage of at least one document from which a pair is a
    /// `rewrite`; low for the same reasons (default 0.3).
    pub rewrite_coverage: f64,
    /// Fewest aligned sentence pairs that continue a passage (their
    /// neighbours align too) for any derived relation but an exact
    /// duplicate. On ECB+ this separates copies from independent reports of
    /// one event, which share isolated facts (default 3).
    pub min_passage_links: usize,
    /// Estimated Jaccard similarity of word 5-gram shingles from which two
    /// documents are near-copies: at least a `version`, whatever their
    /// narration alignment shows. `stemma dedup` reports pairs from the same
    /// value by default, so that `analyze` finds every pair `dedup` finds
    /// (default 0.5).
    pub near_duplicate_jaccard: f64,
    /// A pair without enough passage links is still derived when at least
    /// this many sentences of the shorter document are aligned by evidence
    /// pairs (shared wording, not only shared quotations)… (default 12)
    pub min_retold_links: usize,
    /// …and they are at least this share of its sentences that have words
    /// of the reporter's own: most of the article's narration retold
    /// sentence by sentence, as a paraphrase does, in any
    /// order. Independent reports of one event align a few sentences, not
    /// most of them (default 0.6).
    pub min_retold_share: f64,
    /// A document at most this share of the other's length (in sentences)
    /// can be a condensed rewrite of it (default 0.5).
    pub condensed_length_ratio: f64,
    /// Narration coverage of the shorter document from which it can be a
    /// condensed rewrite (default 0.5).
    pub condensed_coverage: f64,
    /// Share of the shorter document's wording vocabulary (weighted by
    /// rarity) that the longer must hold for a condensed rewrite. A summary
    /// written from its source keeps its words; a short independent report
    /// of the same event has its own (default 0.75).
    pub condensed_vocabulary: f64,
    /// A summary written further from its source's words, down to this
    /// share, is still condensed when the story's independent accounts hold
    /// at least `condensed_exclusive_margin` less of its vocabulary than
    /// its source does (default 0.45).
    pub condensed_vocabulary_floor: f64,
    /// See `condensed_vocabulary_floor` (default 0.2).
    pub condensed_exclusive_margin: f64,
    /// Wording similarity from which an aligned pair counts in the ordered
    /// chain a condensed rewrite needs (default 0.3).
    pub condensed_wording_similarity: f64,
    /// Share of the shorter document's sentences that such a chain must
    /// hold, in the same order in both (default 0.4).
    pub condensed_chain_share: f64,
    /// Without publication times, a direction is inferred from containment
    /// only when one side's coverage exceeds the other's by this much
    /// (default 0.3).
    pub direction_margin: f64,
    /// A document assembled from several sources is the copy of each (when
    /// dates and containment do not decide): a second source counts toward
    /// the assembly when it shares at most this share of the sentences the
    /// first one covers, so that a duplicate or an earlier version of the
    /// document proves nothing (default 0.25).
    pub merge_overlap: f64,
    /// Without dates or clear containment, the document that leaves out at
    /// least this many of the other's sentences… (default 2)
    pub trim_sentences: usize,
    /// …while the other leaves out no more than a this-many-times smaller
    /// number of its own is the trimmed copy (default 3.0).
    pub trim_ratio: f64,
    /// When nothing else decides, the story's independent accounts (members
    /// related to neither text) judge where the two differ: the side whose
    /// readings they share in at least this many times as many places as
    /// the other's is the source (default 2.0; see `relate::witness`).
    pub witness_margin: f64,
    /// Most independent accounts read per pair, so that a story of
    /// thousands costs no more than one of dozens (default 32).
    pub witnesses: usize,
    /// Longest stretch of differing words, on either side, that counts as
    /// one reading; longer ones are rewritten passages, not readings
    /// (default 6).
    pub witness_reading_words: usize,
    /// Least similarity of aligned sentences (the best pair of a sentence
    /// and its partners) from which their reworded facts and quantifiers are
    /// compared; edits inside otherwise unchanged words are compared at any
    /// similarity. Below it, aligned sentences too often state different
    /// facts of one event: on ECB+, "12 people were injured" / "Three people
    /// died" (default 0.5).
    pub reworded_fact_similarity: f64,
    /// Two quotations in aligned sentences are the same statement when their
    /// word similarity reaches this (default 0.3).
    pub quote_match_similarity: f64,
}

impl Default for RelateConfig {
    fn default() -> Self {
        RelateConfig {
            duplicate_coverage: 0.9,
            duplicate_ordered_share: 0.95,
            version_coverage: 0.3,
            version_verbatim_share: 0.6,
            rewrite_coverage: 0.3,
            min_passage_links: 3,
            near_duplicate_jaccard: 0.5,
            min_retold_links: 12,
            min_retold_share: 0.6,
            condensed_length_ratio: 0.5,
            condensed_coverage: 0.5,
            condensed_vocabulary: 0.75,
            condensed_vocabulary_floor: 0.45,
            condensed_exclusive_margin: 0.2,
            condensed_wording_similarity: 0.3,
            condensed_chain_share: 0.4,
            direction_margin: 0.3,
            merge_overlap: 0.25,
            trim_sentences: 2,
            trim_ratio: 3.0,
            witness_margin: 2.0,
            witnesses: 32,
            witness_reading_words: 4,
            reworded_fact_similarity: 0.5,
            quote_match_similarity: 0.3,
        }
    }
}

/// Settings of story clustering and collation.
///
/// Stories are found by average-linkage clustering over shared-nearest-
/// neighbour similarity: two articles belong together when their nearest
/// neighbours (by TF-IDF cosine, names and numbers weighted up) are largely
/// the same articles. Two events of one kind (two earthquakes) share their
/// kind's vocabulary, so their raw cosine is high, but each event's articles
/// are each other's nearest neighbours. The defaults were chosen on ECB+
/// topics 1–22 and are reported on topics 23–45 (`eval/stories.py`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoryConfig {
    /// Whether to find stories at all; `stemma analyze --no-stories` turns
    /// them off (default true).
    pub enabled: bool,
    /// Nearest neighbours per article (default 5).
    pub neighbors: usize,
    /// Cosine below which an article is no neighbour at all, so that an
    /// article about nothing else in the corpus stays alone (default 0.1).
    pub min_neighbor_similarity: f64,
    /// Terms kept per article vector, the highest-weighted; bounds memory on
    /// large corpora (default 80).
    pub vector_terms: usize,
    /// Terms held by more articles than this are not used to find
    /// neighbours: too common to tell events apart, and too costly to
    /// follow. Each article's cost is bounded by `vector_terms` times this
    /// (default 200; on ECB+ 200 and 400 give the same stories).
    pub max_term_documents: usize,
    /// An article among the neighbours of more articles than this counts as
    /// a shared neighbour for its closest ones only: a hub near everything
    /// says little about any two of them (default 64).
    pub max_reverse_neighbors: usize,
    /// Weight of names and numbers relative to other words (default 2.0).
    pub name_weight: f64,
    /// Articles published further apart than this many days are never
    /// neighbours, when both dates are known (default 30).
    pub max_days_apart: f64,
    /// Time as evidence: the similarity of two articles with publication
    /// times is scaled by a Gaussian kernel of this width in days on the
    /// time between them (a day apart keeps 95%, three days 61%, a week
    /// 7%), so that two events of one cast a week or three apart stay two
    /// stories; undated articles are compared on their text alone. 0 turns
    /// the decay off. Chosen on BASIL 2010-2014: 3 and 4 days tie there,
    /// 2 and 7 days do worse (default 3).
    pub time_scale_days: f64,
    /// Average shared-neighbour similarity (shared neighbours / (neighbors +
    /// 1)) from which two clusters merge (default 0.15).
    pub link_threshold: f64,
    /// Witnesses compared per story, the largest families first; collation
    /// is quadratic in them (default 12).
    pub max_collated_witnesses: usize,
    /// Sentence similarity (IDF-weighted Dice) from which sentences of two
    /// witnesses report the same claim (default 0.5).
    pub agreement_similarity: f64,
    /// Fewest content terms a sentence needs to count as a claim in
    /// agreements: a subhead or a two-word line matches too easily
    /// (default 4).
    pub min_claim_terms: usize,
    /// Share of content words two differently worded quotations must have in
    /// common (of the longer one's) to be reported as one statement quoted
    /// two ways (default 0.8).
    pub quote_conflict_overlap: f64,
    /// Words added or dropped inside one account's rendering of a quotation
    /// from which they are an elision of a passage, not a rewording, and no
    /// conflict (default 3).
    pub quote_elision_words: usize,
    /// Share of their content words (of all either has) two agreeing
    /// sentences must share for a number one replaces to conflict with the
    /// other's: one sentence told twice. Sentences that agree only on a
    /// claim gave numbers of different scopes on ECB+ (default 0.6).
    pub quantity_sentence_overlap: f64,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            enabled: true,
            neighbors: 5,
            min_neighbor_similarity: 0.1,
            vector_terms: 80,
            max_term_documents: 200,
            max_reverse_neighbors: 64,
            name_weight: 2.0,
            max_days_apart: 30.0,
            time_scale_days: 3.0,
            link_threshold: 0.15,
            max_collated_witnesses: 12,
            agreement_similarity: 0.5,
            min_claim_terms: 4,
            quote_conflict_overlap: 0.8,
            quote_elision_words: 3,
            quantity_sentence_overlap: 0.6,
        }
    }
}

/// `(struct, field)` → `(field type, doc comment, line)` of the `pub`
/// fields of the structs in `source`.
fn field_docs(source: &str) -> std::collections::HashMap<(String, String), (String, String, usize)> {
    let mut docs = std::collections::HashMap::new();
    let mut current = String::new();
    let mut doc: Vec<&str> = Vec::new();
    for (number, line) in source.lines().map(str::trim).enumerate() {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            current = rest.split([' ', '{', '<']).next().unwrap_or_default().to_string();
            doc.clear();
        } else if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim());
        } else if line.starts_with("#[") {
            // Attributes sit between a doc comment and its item.
        } else if let Some((name, ty)) = line.strip_prefix("pub ").and_then(|l| l.split_once(':')) {
            if !current.is_empty() && !name.contains([' ', '(']) {
                let ty = ty.trim().trim_end_matches(',').to_string();
                docs.insert((current.clone(), name.to_string()), (ty, doc.join(" "), number));
            }
            doc.clear();
        } else {
            if line == "}" {
                current.clear();
            }
            doc.clear();
        }
    }
    docs
}

/// Appends `text` as `#` comment lines of at most 78 characters.
fn push_comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 78 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    if line.len() > 1 {
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_toml_documents_every_setting_and_reads_back() {
        let text = Config::default().to_commented_toml().unwrap();
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, Config::default());
        let mut previous = "";
        let mut settings = 0;
        for line in text.lines() {
            if !line.starts_with('#') && !line.is_empty() {
                assert!(previous.starts_with("# "), "no comment above `{line}`");
                settings += 1;
            }
            previous = line;
        }
        let plain = toml::to_string(&Config::default()).unwrap();
        let expected = plain.lines().filter(|l| !l.is_empty()).count();
        assert_eq!(settings, expected);
    }

    #[test]
    fn partial_toml_overrides_only_named_fields() {
        let config: Config = toml::from_str("[relate]\nrewrite_coverage = 0.7\n").unwrap();
        assert_eq!(config.relate.rewrite_coverage, 0.7);
        assert_eq!(config.relate.version_coverage, RelateConfig::default().version_coverage);
        assert_eq!(config.sketch, SketchConfig::default());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_rejected() {
        assert!(toml::from_str::<Config>("[relate]\nrewrite_coverag = 0.7\n").is_err());
        let mut config = Config::default();
        config.sketch.bands = 7;
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.align.anchor_similarity = 1.5;
        assert!(config.validate().is_err());
        // The near-duplicate bands take the signature's first `num_perm` bins.
        let mut config = Config::default();
        config.sketch.dedup_bins = config.sketch.num_perm - 1;
        assert!(config.validate().is_err_and(|e| e.to_string().contains("sketch.dedup_bins")));
        config.sketch.dedup_bins = config.sketch.num_perm;
        assert!(config.validate().is_ok());
        assert!(Config::default().validate().is_ok());
    }
}
