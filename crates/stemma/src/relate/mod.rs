//! Relations between two aligned documents: `duplicate`, `version`,
//! `rewrite` or none, the direction of copying, and what the copy changed.
//!
//! Coverage is measured on narration (words outside quotation marks): two
//! independent reports quote the same people, but only a copy shares the
//! reporter's own sentences.

pub mod changes;
pub mod witness;

use serde::{Deserialize, Serialize};

use crate::align::{Alignment, Link};
use crate::config::RelateConfig;
use crate::text::{quotes, Doc};
pub use changes::Changes;

/// How one document derives from another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// The same text up to trivial edits.
    Duplicate,
    /// One text is mostly contained in the other, largely verbatim.
    Version,
    /// Derived with rewording: most sentences align at paraphrase level.
    Rewrite,
    /// A short text whose narration is mostly contained, reworded and often
    /// fused, in a much longer one: an aggregator's or content farm's
    /// summary. The short text is the copy.
    Condensed,
}

impl RelationKind {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Duplicate => "duplicate",
            RelationKind::Version => "version",
            RelationKind::Rewrite => "rewrite",
            RelationKind::Condensed => "condensed",
        }
    }
}

/// What the direction of copying rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionBasis {
    /// The source was published earlier.
    Published,
    /// The copy is contained in the source (an excerpt, trim or summary);
    /// with no dates this is an inference, and said to be one.
    Containment,
    /// What a copy editor reads as a copy's marks: the copy cites "experts"
    /// or nobody where the source names its sources. An inference too.
    Attribution,
    /// Where the two differ, the story's independent accounts read as the
    /// source does: the copy's altered quotations and facts are its own
    /// (see [`witness`]). An inference too.
    Witnesses,
}

/// A derived pair. When a direction is known, `a` is the source and `b` the copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// Index of the first document (the source when `direction` is known).
    pub a: usize,
    /// Index of the second document (the copy when `direction` is known).
    pub b: usize,
    /// Kind of derivation.
    pub kind: RelationKind,
    /// Why `a` is known to be the source; `None`: direction unknown.
    pub direction: Option<DirectionBasis>,
    /// The evidence that decided the direction, in words; empty when it is
    /// unknown.
    pub direction_evidence: Vec<String>,
    /// Strength of the evidence, 0..=1: mean aligned similarity times the
    /// larger coverage.
    pub score: f64,
    /// The sentence alignment.
    pub alignment: Alignment,
    /// What `b` changed relative to `a`.
    pub changes: Changes,
}

/// How alike two whole texts are, from their sketches: the near-duplicate
/// evidence that needs no alignment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Resemblance {
    /// The same words in the same order (equal exact hashes).
    pub exact: bool,
    /// Estimated Jaccard similarity of their word shingles, when they share
    /// an LSH band (what `stemma dedup` measures).
    pub jaccard: Option<f64>,
}

/// Classifies an aligned pair of documents with `sentences` sentences
/// each (frame lines not counted), `narrating` of them with words of the
/// reporter's own (not only quotation, names and numbers); `None` when it
/// is not derived.
///
/// A pair whose shingles resemble each other as much as `stemma dedup`
/// requires (`near_duplicate_jaccard`) is a copy whatever its alignment
/// says: at least a version. Otherwise the evidence is narration:
/// documents too short to hold a passage (no more sentences than
/// `min_passage_links`) can only be duplicates or versions, and only when
/// every one of their sentences is aligned: one shared sentence is all two
/// independent one-line reports need to look alike.
pub fn classify(
    alignment: &Alignment,
    resemblance: Resemblance,
    sentences: (usize, usize),
    narrating: (usize, usize),
    config: &RelateConfig,
) -> Option<RelationKind> {
    if resemblance.exact {
        return Some(RelationKind::Duplicate);
    }
    let high = alignment.coverage_a.max(alignment.coverage_b);
    let low = alignment.coverage_a.min(alignment.coverage_b);
    if resemblance.jaccard.is_some_and(|j| j >= config.near_duplicate_jaccard) {
        let duplicate = low >= config.duplicate_coverage && alignment.verbatim_share >= config.version_verbatim_share;
        return Some(if duplicate { RelationKind::Duplicate } else { RelationKind::Version });
    }
    let shorter = sentences.0.min(sentences.1);
    let short = shorter <= config.min_passage_links;
    // Most of one article's narration retold by the other, sentence by
    // sentence, even in new words and another order: a paraphrase.
    let retold = alignment.retold_sentences >= config.min_retold_links
        && alignment.retold_sentences as f64 >= config.min_retold_share * narrating.0.min(narrating.1) as f64;
    let verbatim = alignment.verbatim_share >= config.version_verbatim_share;
    if !verbatim && condensed(alignment, sentences, config) {
        return Some(RelationKind::Condensed);
    }
    if short {
        if alignment.evidence < shorter.max(1) || high < config.duplicate_coverage {
            return None;
        }
    } else if alignment.passage_links < config.min_passage_links
        && alignment.verbatim_links < config.min_passage_links
        && !retold
    {
        return None;
    }
    if verbatim {
        if low >= config.duplicate_coverage {
            return Some(RelationKind::Duplicate);
        }
        if high >= config.version_coverage {
            return Some(RelationKind::Version);
        }
    }
    (!short && high >= config.rewrite_coverage).then_some(RelationKind::Rewrite)
}

/// Whether the shorter document is a condensed rewrite of the longer: at
/// most `condensed_length_ratio` of its length, its narration mostly
/// covered (`condensed_coverage`), its vocabulary mostly the longer one's
/// (`condensed_vocabulary`), and its sentences following the longer
/// one's in order with specific wording, each taking a sentence or two
/// from anywhere further on (a summary skips, and fuses what it keeps, so
/// its passages are not consecutive in the source).
fn condensed(alignment: &Alignment, sentences: (usize, usize), config: &RelateConfig) -> bool {
    let (short, long, coverage, vocabulary) = if sentences.0 <= sentences.1 {
        (sentences.0, sentences.1, alignment.coverage_a, alignment.vocabulary_a)
    } else {
        (sentences.1, sentences.0, alignment.coverage_b, alignment.vocabulary_b)
    };
    if short <= config.min_passage_links || short as f64 > config.condensed_length_ratio * long as f64 {
        return false;
    }
    if coverage < config.condensed_coverage
        || vocabulary < config.condensed_vocabulary.min(config.condensed_vocabulary_floor)
    {
        return false;
    }
    let specific: Vec<Link> = alignment
        .links
        .iter()
        .filter(|l| l.wording_similarity >= config.condensed_wording_similarity)
        .copied()
        .collect();
    let chain = crate::align::longest_ordered_chain(&specific);
    chain >= config.min_passage_links && chain as f64 >= config.condensed_chain_share * short as f64
}

/// Decides which document is the source: `Some((true, basis, evidence))`
/// when `a` is, `Some((false, …))` when `b` is, `None` when nothing shows
/// it. In order: publication times; a condensed rewrite is the copy of the
/// longer text; clear containment (`direction_margin`); a trim (one side
/// leaves out sentences, the other adds next to none: `trim_sentences`,
/// `trim_ratio`); then the attributions the copy no longer names. Never the
/// longer text by default.
pub fn direction(
    a: &Doc,
    b: &Doc,
    kind: RelationKind,
    alignment: &Alignment,
    config: &RelateConfig,
) -> Option<(bool, DirectionBasis, Vec<String>)> {
    if let (Some(ta), Some(tb), Some(pa), Some(pb)) = (a.published_at, b.published_at, &a.published, &b.published) {
        if ta != tb {
            let (first, then) = if ta < tb { (pa, pb) } else { (pb, pa) };
            return Some((ta < tb, DirectionBasis::Published, vec![format!("published {first}, the other {then}")]));
        }
    }
    if let (Some((da, wa)), Some((db, wb))) = (day(a), day(b)) {
        if da != db {
            let (first, then) = if da < db { (wa, wb) } else { (wb, wa) };
            return Some((da < db, DirectionBasis::Published, vec![format!("{first}, the other {then}")]));
        }
    }
    let margin = alignment.coverage_b - alignment.coverage_a;
    let contained = |b_is_copy: bool| {
        let (copy, source) = if b_is_copy {
            (alignment.coverage_b, alignment.coverage_a)
        } else {
            (alignment.coverage_a, alignment.coverage_b)
        };
        vec![format!(
            "the copy's narration is {:.0}% aligned with the source, the source's {:.0}% with the copy",
            copy * 100.0,
            source * 100.0
        )]
    };
    if kind == RelationKind::Condensed {
        let b_shorter = b.sentences.len() <= a.sentences.len();
        return Some((b_shorter, DirectionBasis::Containment, contained(b_shorter)));
    }
    if margin.abs() >= config.direction_margin {
        // The document mostly covered by the other is the excerpt: the copy.
        return Some((margin > 0.0, DirectionBasis::Containment, contained(margin > 0.0)));
    }
    // A trim: one side leaves many of its sentences out, the other adds
    // next to none.
    let (left_a, left_b) = left_out(a, b, alignment);
    for (b_is_copy, left, added) in [(true, left_a, left_b), (false, left_b, left_a)] {
        if left >= config.trim_sentences && left as f64 >= config.trim_ratio * added as f64 {
            let note = format!("the copy leaves out {left} of the source's sentences and adds {added}");
            return Some((b_is_copy, DirectionBasis::Containment, vec![note]));
        }
    }
    let from_a = unnamed_sources(a, b, alignment.links.iter().map(|l| (l.a_sentence, l.b_sentence)));
    let from_b = unnamed_sources(b, a, alignment.links.iter().map(|l| (l.b_sentence, l.a_sentence)));
    match (from_a.is_empty(), from_b.is_empty()) {
        (false, true) => Some((true, DirectionBasis::Attribution, from_a)),
        (true, false) => Some((false, DirectionBasis::Attribution, from_b)),
        _ => None,
    }
}

/// Sentences of `a` and of `b` that the alignment leaves out, frame lines
/// not counted.
fn left_out(a: &Doc, b: &Doc, alignment: &Alignment) -> (usize, usize) {
    let unaligned = |doc: &Doc, aligned: &dyn Fn(usize) -> bool| {
        (0..doc.sentences.len()).filter(|&i| !doc.sentences[i].frame && !aligned(i)).count()
    };
    (unaligned(a, &|i| alignment.aligned_a(i)), unaligned(b, &|j| alignment.aligned_b(j)))
}

/// Sentences of a document that tell its story: all but frame lines.
fn told(doc: &Doc) -> usize {
    doc.sentences.iter().filter(|s| !s.frame).count()
}

/// The calendar day a document was published, as days since the Unix
/// epoch, with the date in words: the date part of its publication time as
/// given (the publisher's own calendar day, whatever the time zone), or the
/// date its text carries on a time stamp line when it has no publication
/// time. Days, not times, because a stamp in the text has no time zone.
fn day(doc: &Doc) -> Option<(i64, String)> {
    if let (Some(_), Some(published)) = (doc.published_at, &doc.published) {
        let date = published.get(..10)?;
        let days = crate::ingest::parse_published(date)?.div_euclid(86_400);
        return Some((days, format!("published {date}")));
    }
    doc.dateline.as_ref().map(|(days, words)| (*days, format!("dated {words} in its text")))
}

/// Named sources of `x` that the aligned sentences of `y` replace by a
/// generic one ("Experts say" for "said Maria Snegovaya"), each said in
/// words: the dropped attributions of [`changes`] whose replacement is
/// generic. A copy generalises its source's attributions; an original names
/// them.
fn unnamed_sources(x: &Doc, y: &Doc, links: impl Iterator<Item = (usize, usize)>) -> Vec<String> {
    let mut partners: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, j) in links {
        partners.entry(i).or_default().push(j);
    }
    let mut out = Vec::new();
    for (i, js) in &partners {
        let Some(dropped) = changes::dropped_attribution(x, y, *i, js) else { continue };
        let generic = y.attribution(dropped.b_sentence).filter(|g| !g.named && !quotes::is_pronoun(g.source()));
        let (Some(generic), Some(named)) = (generic, x.attribution(*i)) else { continue };
        let note = format!("the copy cites \"{}\" where the source names {}", generic.source(), named.source());
        if !out.contains(&note) {
            out.push(note);
        }
    }
    out
}

/// Builds the relation of two documents from their alignment and
/// resemblance, or `None`. `ia`, `ib` are the documents' indices in the
/// corpus. `jaccard` estimates the shingle resemblance when it is not in
/// `resemblance` yet; it is called only when the alignment alone does not
/// already make the pair a duplicate or version, since it costs two
/// signatures.
pub fn relate(
    (ia, a): (usize, &Doc),
    (ib, b): (usize, &Doc),
    alignment: Alignment,
    mut resemblance: Resemblance,
    jaccard: Option<&dyn Fn() -> f64>,
    config: &RelateConfig,
) -> Option<Relation> {
    let narrating = |d: &Doc| (0..d.sentences.len()).filter(|&i| d.wording(i).next().is_some()).count();
    let lengths = ((told(a), told(b)), (narrating(a), narrating(b)));
    let mut kind = classify(&alignment, resemblance, lengths.0, lengths.1, config);
    if let (Some(jaccard), None | Some(RelationKind::Rewrite | RelationKind::Condensed)) = (jaccard, kind) {
        resemblance.jaccard = Some(jaccard());
        kind = classify(&alignment, resemblance, lengths.0, lengths.1, config);
    }
    let kind = kind?;
    let (a_is_source, basis, direction_evidence) = match direction(a, b, kind, &alignment, config) {
        Some((a_first, basis, evidence)) => (a_first, Some(basis), evidence),
        None => (true, None, Vec::new()),
    };
    let (ia, a, ib, b, alignment) =
        if a_is_source { (ia, a, ib, b, alignment) } else { (ib, b, ia, a, flip(alignment)) };
    let changes = changes::changes(a, b, &alignment, config);
    let kind = if kind == RelationKind::Duplicate && !resemblance.exact && !trivial(&alignment, &changes, config) {
        RelationKind::Version
    } else {
        kind
    };
    let score = alignment.mean_similarity * alignment.coverage_a.max(alignment.coverage_b);
    Some(Relation { a: ia, b: ib, kind, direction: basis, direction_evidence, score, alignment, changes })
}

/// Directs the relations that nothing else directed, by reading each
/// document with all its partners at once: a document that its partners
/// cover together by at least `direction_margin` more of its sentences than
/// this partner alone does (counting partners that share at most
/// `merge_overlap` of what this one covers), while this partner keeps
/// sentences of its own that the document left out, is assembled from
/// several sources, and is the copy of each. (Two excerpts of one article
/// would each be contained in it, which containment already decides.)
/// The changes are computed again, from the source's side.
pub fn direct_merges(documents: &[Doc], relations: &mut [Relation], config: &RelateConfig) {
    use std::collections::{BTreeSet, HashMap, HashSet};
    // Only documents in an undirected relation are read; with publication
    // times (a large dated corpus) there are none, and nothing is held.
    let undirected: HashSet<usize> =
        relations.iter().filter(|r| r.direction.is_none()).flat_map(|r| [r.a, r.b]).collect();
    if undirected.is_empty() {
        return;
    }
    // Sentences of each such document aligned with each partner.
    let mut aligned: HashMap<usize, Vec<(usize, BTreeSet<usize>)>> = HashMap::new();
    for r in relations.iter() {
        if undirected.contains(&r.a) {
            aligned.entry(r.a).or_default().push((r.b, r.alignment.links.iter().map(|l| l.a_sentence).collect()));
        }
        if undirected.contains(&r.b) {
            aligned.entry(r.b).or_default().push((r.a, r.alignment.links.iter().map(|l| l.b_sentence).collect()));
        }
    }
    let length = |d: usize| told(&documents[d]).max(1) as f64;
    let assembled = |copy: usize, source: usize| -> Option<String> {
        let partners = aligned.get(&copy)?;
        if partners.len() < 2 {
            return None;
        }
        let own = &partners.iter().find(|p| p.0 == source)?.1;
        // Other sources count when they complement this one: a duplicate
        // of the document, or an earlier version of it, covers what this
        // source covers too.
        let others: Vec<&BTreeSet<usize>> = partners
            .iter()
            .filter(|p| p.0 != source)
            .map(|p| &p.1)
            .filter(|s| s.intersection(own).count() as f64 <= config.merge_overlap * own.len() as f64)
            .collect();
        let together: BTreeSet<usize> = own.iter().chain(others.iter().flat_map(|s| s.iter())).copied().collect();
        let gain = (together.len() - own.len()) as f64 / length(copy);
        (gain >= config.direction_margin).then(|| {
            format!(
                "the copy takes {:.0}% of its sentences from this source and {:.0}% from it and {} other source(s) together",
                own.len() as f64 / length(copy) * 100.0,
                together.len() as f64 / length(copy) * 100.0,
                others.len()
            )
        })
    };
    for r in relations.iter_mut().filter(|r| r.direction.is_none()) {
        let (left_a, left_b) = left_out(&documents[r.a], &documents[r.b], &r.alignment);
        let (a_keeps, b_keeps) = (left_a >= config.trim_sentences, left_b >= config.trim_sentences);
        let (b_merged, a_merged) = (assembled(r.b, r.a).filter(|_| a_keeps), assembled(r.a, r.b).filter(|_| b_keeps));
        let (copy_is_b, note) = match (b_merged, a_merged) {
            (Some(note), None) => (true, note),
            (None, Some(note)) => (false, note),
            _ => continue,
        };
        if !copy_is_b {
            std::mem::swap(&mut r.a, &mut r.b);
            r.alignment = flip(r.alignment.clone());
        }
        r.direction = Some(DirectionBasis::Containment);
        r.direction_evidence = vec![note];
        r.changes = changes::changes(&documents[r.a], &documents[r.b], &r.alignment, config);
    }
}

/// Whether what separates two near-identical texts is trivial, as a
/// `duplicate` requires: no altered quotation, changed fact, meaning shift
/// or dropped attribution, and the sentences in one order. A spin that
/// changes one number is a `version`, however few words it touches: a
/// reader deduplicating a corpus must not throw away the text that says
/// something else.
fn trivial(alignment: &Alignment, changes: &changes::Changes, config: &RelateConfig) -> bool {
    let ordered = crate::align::links_in_order(&alignment.links);
    changes.altered_quotes.is_empty()
        && changes.changed_facts.is_empty()
        && changes.meaning_shifts.is_empty()
        && changes.dropped_attributions.is_empty()
        && ordered as f64 >= config.duplicate_ordered_share * alignment.links.len() as f64
}

/// The same alignment seen from the other document.
pub fn flip(alignment: Alignment) -> Alignment {
    let mut links: Vec<Link> =
        alignment.links.iter().map(|l| Link { a_sentence: l.b_sentence, b_sentence: l.a_sentence, ..*l }).collect();
    links.sort_by_key(|l| (l.a_sentence, l.b_sentence));
    Alignment {
        links,
        coverage_a: alignment.coverage_b,
        coverage_b: alignment.coverage_a,
        vocabulary_a: alignment.vocabulary_b,
        vocabulary_b: alignment.vocabulary_a,
        ..alignment
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn alignment(links: usize, coverage_a: f64, coverage_b: f64, verbatim_share: f64) -> Alignment {
        Alignment {
            links: (0..links)
                .map(|i| Link { a_sentence: i, b_sentence: i, similarity: 0.9, wording_similarity: 0.9 })
                .collect(),
            coverage_a,
            coverage_b,
            verbatim_share,
            mean_similarity: 0.9,
            evidence: links,
            passage_links: links,
            retold_sentences: links,
            verbatim_links: links,
            vocabulary_a: 0.9,
            vocabulary_b: 0.9,
        }
    }

    #[test]
    fn a_short_text_following_a_long_one_in_its_words_is_condensed() {
        let config = RelateConfig::default();
        // Eight sentences, each taking one of forty, in order, far apart.
        let mut summary = alignment(0, 0.2, 0.8, 0.1);
        summary.links = (0..8)
            .map(|j| Link { a_sentence: 5 * j, b_sentence: j, similarity: 0.5, wording_similarity: 0.45 })
            .collect();
        let lengths = (40, 8);
        assert_eq!(
            classify(&summary, Resemblance::default(), lengths, lengths, &config),
            Some(RelationKind::Condensed)
        );
        // The same alignment in a vocabulary of its own: an independent brief.
        let mut brief = summary.clone();
        brief.vocabulary_b = 0.4;
        brief.passage_links = 0;
        brief.verbatim_links = 0;
        brief.retold_sentences = 8;
        assert_eq!(classify(&brief, Resemblance::default(), lengths, lengths, &config), None);
        // Half its source's words: condensed only until the story's accounts
        // are read (`witness::confirm_condensed`); without that, nothing.
        brief.vocabulary_b = 0.5;
        assert_eq!(classify(&brief, Resemblance::default(), lengths, lengths, &config), Some(RelationKind::Condensed));
        let strict = RelateConfig { condensed_vocabulary_floor: config.condensed_vocabulary, ..config.clone() };
        assert_eq!(classify(&brief, Resemblance::default(), lengths, lengths, &strict), None);
        // Largely verbatim, it is an excerpt: a version.
        let mut excerpt = summary.clone();
        excerpt.verbatim_share = 0.9;
        excerpt.passage_links = 8;
        assert_eq!(classify(&excerpt, Resemblance::default(), lengths, lengths, &config), Some(RelationKind::Version));
    }

    /// The default analysis of articles given as `(id, text)`.
    pub(crate) fn analysed(pairs: &[(&str, &str)]) -> crate::Analysis {
        let articles: Vec<crate::ingest::Article> =
            pairs.iter().map(|(id, text)| crate::ingest::Article::from_text(id, text)).collect();
        crate::analyze(&articles, &crate::config::Config::default(), &crate::Quiet)
    }

    /// One council vote, sentence by sentence.
    pub(crate) const STORY: [&str; 7] = [
        "The harbour council approved a new budget for the three old bridges on Monday evening.",
        "Construction crews are expected to begin repairs on the northern span in early spring.",
        "The plan sets aside twelve million for steel cables and fresh concrete across the district.",
        "Opposition members called the spending reckless and demanded an independent audit at once.",
        "A long debate ended when the vote passed by seven votes to four shortly before midnight.",
        "Ferry services across the harbour will run extra crossings while the bridges are closed.",
        "Residents of the riverside district said the repairs were long overdue after years of delays.",
    ];

    const OTHER: [&str; 7] = [
        "Fire broke out in the east wing of the city museum late on Saturday night.",
        "Firefighters needed four hours to bring the blaze under control, the brigade said.",
        "Several paintings from the medieval collection were carried out by volunteers in the smoke.",
        "The cause of the fire remains unknown and investigators will examine the wiring next week.",
        "Visitors booked for the spring exhibition will be offered tickets for another date.",
        "The museum director thanked neighbours who brought blankets and coffee to the crews.",
        "Insurers are expected to assess the damage to the roof and the archive on Tuesday.",
    ];

    #[test]
    fn an_article_assembled_from_two_sources_is_the_copy_of_each() {
        let merged = [&STORY[..4], &OTHER[..4]].concat().join("\n\n");
        let analysis =
            analysed(&[("a-merged", &merged), ("b-council", &STORY.join("\n\n")), ("c-museum", &OTHER.join("\n\n"))]);
        assert_eq!(analysis.relations.len(), 2);
        for r in &analysis.relations {
            assert_eq!(r.direction, Some(DirectionBasis::Containment), "{:?}", r.direction_evidence);
            assert_eq!(analysis.documents[r.b].id, "a-merged", "{:?}", r.direction_evidence);
        }
        // Without the second source nothing tells which of the two came first.
        let analysis = analysed(&[("a-merged", &merged), ("b-council", &STORY.join("\n\n"))]);
        assert_eq!(analysis.relations[0].direction, None);
    }

    #[test]
    fn a_merge_is_directed_alike_with_its_texts_spilled() {
        use crate::text::{spill::Spiller, tokens::Terms, Doc};
        let merged = [&STORY[..4], &OTHER[..4]].concat().join("\n\n");
        let pairs =
            [("a-merged", merged.as_str()), ("b-council", &STORY.join("\n\n")), ("c-museum", &OTHER.join("\n\n"))];
        let held = analysed(&pairs);
        let terms = Terms::default();
        let spiller = Spiller::new(0);
        let mut documents: Vec<Doc> = pairs
            .iter()
            .map(|(id, text)| Doc::from_article(&crate::ingest::Article::from_text(id, text), &terms))
            .collect();
        let spans = documents.iter_mut().map(|d| spiller.keep(d)).collect();
        let spilled =
            crate::run_pipeline(documents, spiller.finish(spans), &crate::config::Config::default(), &crate::Quiet);
        assert!(spilled.texts.any_spilled());
        assert!(held.relations.iter().all(|r| r.direction == Some(DirectionBasis::Containment)));
        assert_eq!(spilled.relations, held.relations);
    }

    #[test]
    fn a_date_in_the_text_orders_articles_without_metadata() {
        let story = STORY.join("\n\n");
        let later = format!("Published: July 30, 2004\n\n{}", story.replace("Monday", "Tuesday"));
        let earlier = format!("Published: Thursday 29 July 2004\n\n{story}");
        let analysis = analysed(&[("a-later", &later), ("b-earlier", &earlier)]);
        let r = &analysis.relations[0];
        assert_eq!(r.direction, Some(DirectionBasis::Published), "{:?}", r.direction_evidence);
        assert_eq!(analysis.documents[r.a].id, "b-earlier");
        assert!(r.direction_evidence[0].contains("29 July 2004"), "{:?}", r.direction_evidence);
        // The same day tells nothing.
        let same = format!("Published: July 29, 2004\n\n{}", story.replace("Monday", "Tuesday"));
        let analysis = analysed(&[("a", &same), ("b", &earlier)]);
        assert_eq!(analysis.relations[0].direction, None);
    }

    #[test]
    fn a_trim_is_the_copy_without_dates() {
        let source = STORY.join("\n\n");
        let trim = STORY[..5].join("\n\n");
        let analysis = analysed(&[("a-trim", &trim), ("b-source", &source)]);
        let r = &analysis.relations[0];
        assert_eq!(r.direction, Some(DirectionBasis::Containment), "{:?}", r.direction_evidence);
        assert_eq!(analysis.documents[r.a].id, "b-source");
        assert!(!r.direction_evidence.is_empty());
    }

    #[test]
    fn a_copy_that_generalises_an_attribution_is_the_copy() {
        let mut source: Vec<String> = STORY.iter().map(|s| s.to_string()).collect();
        source[3] = "The spending was reckless, said Tomas Reyne, a structural engineer at the university.".into();
        let mut copy = source.clone();
        copy[3] = "The spending was reckless, experts said.".into();
        let analysis = analysed(&[("a-copy", &copy.join("\n\n")), ("b-source", &source.join("\n\n"))]);
        let r = &analysis.relations[0];
        assert_eq!(r.direction, Some(DirectionBasis::Attribution), "{:?}", r.direction_evidence);
        assert_eq!(analysis.documents[r.a].id, "b-source");
        // Without the generalisation nothing tells: direction unknown.
        let same = source.join("\n\n");
        let analysis = analysed(&[("a", &same.replace("Monday", "Tuesday")), ("b", &same)]);
        assert_eq!(analysis.relations[0].direction, None);
    }

    #[test]
    fn kinds_follow_coverage_and_verbatim_share() {
        let config = RelateConfig::default();
        let long = (20, 20);
        assert_eq!(
            classify(&alignment(10, 0.95, 0.97, 0.95), Resemblance::default(), long, long, &config),
            Some(RelationKind::Duplicate)
        );
        assert_eq!(
            classify(&alignment(7, 0.3, 0.8, 0.9), Resemblance::default(), long, long, &config),
            Some(RelationKind::Version)
        );
        assert_eq!(
            classify(&alignment(12, 0.6, 0.65, 0.1), Resemblance::default(), long, long, &config),
            Some(RelationKind::Rewrite)
        );
        assert_eq!(classify(&alignment(2, 0.9, 0.9, 0.1), Resemblance::default(), long, long, &config), None);
        assert_eq!(classify(&alignment(4, 0.1, 0.05, 0.9), Resemblance::default(), long, long, &config), None);
        assert_eq!(
            classify(&alignment(0, 0.0, 0.0, 0.0), Resemblance { exact: true, jaccard: None }, long, long, &config),
            Some(RelationKind::Duplicate)
        );
    }

    #[test]
    fn near_duplicates_are_copies_whatever_their_alignment() {
        let config = RelateConfig::default();
        let near = Resemblance { exact: false, jaccard: Some(config.near_duplicate_jaccard) };
        // Nothing aligned as narration (a quotation swallowed it, say): still a version.
        assert_eq!(
            classify(&alignment(0, 0.0, 0.0, 0.0), near, (20, 20), (20, 20), &config),
            Some(RelationKind::Version)
        );
        assert_eq!(
            classify(&alignment(20, 0.95, 0.95, 0.95), near, (20, 20), (20, 20), &config),
            Some(RelationKind::Duplicate)
        );
        let below = Resemblance { exact: false, jaccard: Some(config.near_duplicate_jaccard - 0.01) };
        assert_eq!(classify(&alignment(0, 0.0, 0.0, 0.0), below, (20, 20), (20, 20), &config), None);
    }

    #[test]
    fn short_documents_are_copies_only_when_fully_aligned_and_verbatim() {
        let config = RelateConfig::default();
        assert_eq!(
            classify(&alignment(1, 1.0, 1.0, 1.0), Resemblance::default(), (1, 1), (1, 1), &config),
            Some(RelationKind::Duplicate)
        );
        assert_eq!(
            classify(&alignment(1, 1.0, 0.2, 1.0), Resemblance::default(), (1, 8), (1, 8), &config),
            Some(RelationKind::Version)
        );
        assert_eq!(classify(&alignment(1, 1.0, 1.0, 0.0), Resemblance::default(), (1, 1), (1, 1), &config), None);
        assert_eq!(classify(&alignment(1, 0.5, 0.5, 1.0), Resemblance::default(), (2, 2), (2, 2), &config), None);
    }

    #[test]
    fn flipping_twice_is_identity() {
        let mut al = alignment(3, 0.2, 0.7, 0.5);
        al.links[1].b_sentence = 2;
        al.links[2].b_sentence = 1;
        assert_eq!(flip(flip(al.clone())), al);
    }
}
