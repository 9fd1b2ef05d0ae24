//! Sentence similarity and sentence alignment between two documents.
//!
//! Similarity is lexical: the IDF-weighted Dice coefficient of two sentences'
//! content terms. Alignment tolerates reordering: first every pair above
//! `anchor_similarity` is matched one-to-one, best first, wherever it sits;
//! then the gaps between anchors that follow each other in both documents
//! are filled when the shorter sentence is partly contained in the longer
//! (`gap_overlap`), since position corroborates them; runs of aligned
//! pairs are extended along their diagonal under the same rule; last, a sentence left over beside an aligned one joins that one's
//! partner when it is mostly contained in it (a sentence split in two, or
//! two merged into one).

use serde::{Deserialize, Serialize};

use crate::config::AlignConfig;
use crate::stats::CorpusStats;
use crate::text::{Doc, NARRATION, WORDING};

/// One aligned sentence pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Sentence index in the first document.
    pub a_sentence: usize,
    /// Sentence index in the second document.
    pub b_sentence: usize,
    /// Weighted Dice similarity of the two sentences' terms, 0..=1.
    pub similarity: f64,
    /// The same over their wording only (narration less names and
    /// numbers). Only links with enough shared wording count as evidence of
    /// copying; the others show where two reports state the same fact.
    pub wording_similarity: f64,
}

/// The sentence alignment of two documents, with coverage both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// Aligned pairs, ordered by the first document's sentences.
    pub links: Vec<Link>,
    /// Share of the first document's narration weight in sentences aligned
    /// with enough shared wording (`min_wording_similarity`).
    pub coverage_a: f64,
    /// The same for the second document.
    pub coverage_b: f64,
    /// Share of the aligned narration weight in verbatim pairs
    /// (similarity at least `verbatim_similarity`).
    pub verbatim_share: f64,
    /// Narration-weighted mean similarity of the aligned pairs.
    pub mean_similarity: f64,
    /// Aligned pairs that share enough wording to count as evidence.
    pub evidence: usize,
    /// Evidence pairs of specific wording (`passage_wording_similarity`)
    /// that continue a passage: the previous or next sentences on both sides
    /// are such a pair too. A copy reproduces passages; independent reports
    /// share isolated facts.
    pub passage_links: usize,
    /// Sentences aligned by evidence pairs, on the side with fewer of them:
    /// how many of its sentences one document retells of the other in its
    /// own narration, in any order (shared quotations do not count).
    #[serde(default)]
    pub retold_sentences: usize,
    /// Evidence pairs that repeat a long sentence of the reporter's own
    /// words nearly word for word (wording similarity at least
    /// `verbatim_similarity`, each side with `min_verbatim_wording_terms`
    /// wording terms), wherever they sit: two reporters do not write the
    /// same long sentence, so such pairs need no neighbours.
    #[serde(default)]
    pub verbatim_links: usize,
    /// Share of the first document's wording vocabulary (narration less
    /// names and numbers, weighted by rarity) found anywhere in the second,
    /// whether aligned or not. A copy, however reworded or condensed, keeps
    /// much of its source's vocabulary; an independent report of the same
    /// event brings its own.
    #[serde(default)]
    pub vocabulary_a: f64,
    /// The same for the second document's vocabulary, found in the first.
    #[serde(default)]
    pub vocabulary_b: f64,
}

impl Alignment {
    /// Whether sentence `i` of the first document is aligned.
    pub fn aligned_a(&self, i: usize) -> bool {
        self.links.iter().any(|l| l.a_sentence == i)
    }

    /// Whether sentence `j` of the second document is aligned.
    pub fn aligned_b(&self, j: usize) -> bool {
        self.links.iter().any(|l| l.b_sentence == j)
    }
}

/// A sentence's terms with their IDF weights, computed once per sentence
/// and compared with many.
pub(crate) struct Weighted {
    terms: Vec<(u64, f64)>,
    total: f64,
    narration: f64,
    wording: Vec<(u64, f64)>,
    wording_total: f64,
}

/// The weights of sentence `i` of `doc`.
pub(crate) fn weigh(doc: &Doc, i: usize, stats: &CorpusStats) -> Weighted {
    // Each term's IDF looked up once: the wording and narration terms are
    // among the sentence's terms, in the same order.
    let terms: Vec<(u64, f64)> = doc.terms(i).iter().map(|&t| (t, stats.idf(t))).collect();
    let roles = doc.roles(i);
    let with = |role: u8| terms.iter().zip(roles).filter(move |(_, r)| **r & role == role).map(|(t, _)| *t);
    let wording: Vec<(u64, f64)> = with(WORDING).collect();
    Weighted {
        total: terms.iter().map(|t| t.1).sum(),
        narration: with(NARRATION).map(|t| t.1).sum(),
        wording_total: wording.iter().map(|t| t.1).sum(),
        terms,
        wording,
    }
}

/// Weight of the terms two sorted weighted sets share.
fn shared_weight(x: &[(u64, f64)], y: &[(u64, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += x[i].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn shared(x: &Weighted, y: &Weighted) -> f64 {
    shared_weight(&x.terms, &y.terms)
}

fn wording_similarity(x: &Weighted, y: &Weighted) -> f64 {
    let total = x.wording_total + y.wording_total;
    if total == 0.0 {
        0.0
    } else {
        2.0 * shared_weight(&x.wording, &y.wording) / total
    }
}

/// IDF-weighted Dice similarity of two sentences (the alignment's measure).
pub(crate) fn similarity(x: &Weighted, y: &Weighted) -> f64 {
    dice(x, y, shared(x, y))
}

fn dice(x: &Weighted, y: &Weighted, shared: f64) -> f64 {
    if x.total + y.total == 0.0 {
        0.0
    } else {
        2.0 * shared / (x.total + y.total)
    }
}

/// Aligns the sentences of two documents.
pub fn align(a: &Doc, b: &Doc, stats: &CorpusStats, config: &AlignConfig) -> Alignment {
    let wa: Vec<Weighted> = (0..a.sentences.len()).map(|i| weigh(a, i, stats)).collect();
    let wb: Vec<Weighted> = (0..b.sentences.len()).map(|i| weigh(b, i, stats)).collect();
    let (n, m) = (wa.len(), wb.len());

    // Sparse similarity matrix: only pairs sharing some weight. The
    // second document's terms are looked up by term, so that a sentence
    // meets only the sentences sharing a term with it, not every sentence.
    // Each pair's weights are added in the order of the first sentence's
    // terms, as a merge of the two term lists would add them.
    let mut in_b: Vec<(u64, u32)> = Vec::new();
    for (j, y) in wb.iter().enumerate() {
        if !b.sentences[j].frame {
            in_b.extend(y.terms.iter().map(|&(t, _)| (t, j as u32)));
        }
    }
    in_b.sort_unstable();
    let mut sims: Vec<(f64, usize, usize)> = Vec::new();
    let mut shared_w = vec![0.0; n * m];
    for (i, x) in wa.iter().enumerate() {
        if a.sentences[i].frame {
            continue;
        }
        let row = &mut shared_w[i * m..(i + 1) * m];
        for &(term, weight) in &x.terms {
            let from = in_b.partition_point(|&(t, _)| t < term);
            for &(_, j) in in_b[from..].iter().take_while(|&&(t, _)| t == term) {
                row[j as usize] += weight;
            }
        }
        for (j, &s) in row.iter().enumerate() {
            if s > 0.0 {
                sims.push((dice(x, &wb[j], s), i, j));
            }
        }
    }
    let sim = |i: usize, j: usize| dice(&wa[i], &wb[j], shared_w[i * m + j]);
    // Share of the shorter sentence's weight found in the other.
    let overlap = |i: usize, j: usize| {
        let smaller = wa[i].total.min(wb[j].total);
        if smaller > 0.0 {
            shared_w[i * m + j] / smaller
        } else {
            0.0
        }
    };

    let mut partner_a: Vec<Option<usize>> = vec![None; n];
    let mut partner_b: Vec<Option<usize>> = vec![None; m];
    let mut links: Vec<Link> = Vec::new();
    let mut link = |i: usize, j: usize, s: f64, pa: &mut Vec<Option<usize>>, pb: &mut Vec<Option<usize>>| {
        pa[i].get_or_insert(j);
        pb[j].get_or_insert(i);
        links.push(Link {
            a_sentence: i,
            b_sentence: j,
            similarity: s,
            wording_similarity: wording_similarity(&wa[i], &wb[j]),
        });
    };

    // 1. Anchors, best first, one-to-one.
    sims.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for &(s, i, j) in &sims {
        if s < config.anchor_similarity {
            break;
        }
        if partner_a[i].is_none() && partner_b[j].is_none() {
            link(i, j, s, &mut partner_a, &mut partner_b);
        }
    }

    // 2. Gaps between anchors that are neighbours in both documents,
    // including the stretches before the first and after the last.
    let mut anchors: Vec<(usize, usize)> =
        partner_a.iter().enumerate().filter_map(|(i, p)| p.map(|j| (i, j))).collect();
    anchors.sort_unstable();
    let mut b_order: Vec<usize> = anchors.iter().map(|&(_, j)| j).collect();
    b_order.sort_unstable();
    let mut bounds: Vec<(isize, isize)> = vec![(-1, -1)];
    bounds.extend(anchors.iter().map(|&(i, j)| (i as isize, j as isize)));
    bounds.push((n as isize, m as isize));
    for w in bounds.windows(2) {
        let ((i1, j1), (i2, j2)) = (w[0], w[1]);
        if j2 <= j1 {
            continue;
        }
        // Neighbours in b's order too: no anchor lies strictly between j1 and j2.
        let between = b_order.iter().any(|&j| (j as isize) > j1 && (j as isize) < j2);
        let (ga, gb) = ((i2 - i1 - 1) as usize, (j2 - j1 - 1) as usize);
        if between || ga == 0 || gb == 0 || ga > config.max_gap || gb > config.max_gap {
            continue;
        }
        // Position corroborates these pairs, so the shorter sentence being
        // partly contained in the longer one is enough: a rewrite often pads
        // or trims a sentence (an attribution clause dropped, say).
        let mut gap: Vec<(f64, usize, usize)> = Vec::new();
        for i in (i1 + 1) as usize..i2 as usize {
            for j in (j1 + 1) as usize..j2 as usize {
                gap.push((overlap(i, j), i, j));
            }
        }
        gap.sort_by(|x, y| y.0.total_cmp(&x.0));
        for (overlap, i, j) in gap {
            if overlap >= config.gap_overlap && partner_a[i].is_none() && partner_b[j].is_none() {
                link(i, j, sim(i, j), &mut partner_a, &mut partner_b);
            }
        }
    }

    // 3. Runs: a rewrite keeps the order of most passages, so the pairs
    // next to an aligned pair, on the same diagonal, are corroborated too.
    let mut grown = true;
    while grown {
        grown = false;
        let current: Vec<(usize, usize)> =
            partner_a.iter().enumerate().filter_map(|(i, p)| p.map(|j| (i, j))).collect();
        for (i, j) in current {
            let next = (i + 1 < n && j + 1 < m).then(|| (i + 1, j + 1));
            let prev = (i > 0 && j > 0).then(|| (i - 1, j - 1));
            for (x, y) in [next, prev].into_iter().flatten() {
                if partner_a[x].is_none() && partner_b[y].is_none() && overlap(x, y) >= config.gap_overlap {
                    link(x, y, sim(x, y), &mut partner_a, &mut partner_b);
                    grown = true;
                }
            }
        }
    }

    // 4. Splits and merges: a leftover sentence beside an aligned one joins
    // that one's partner when mostly contained in it. Leftovers of b first,
    // then of a; `(i, j)` is always (sentence of a, sentence of b).
    let totals_b: Vec<f64> = wb.iter().map(|w| w.total).collect();
    let totals_a: Vec<f64> = wa.iter().map(|w| w.total).collect();
    let shared_at = |i: usize, j: usize| shared_w[i * m + j];
    for (j, i) in leftover_joins(&partner_b, &totals_b, |j, i| shared_at(i, j), config.split_containment) {
        link(i, j, sim(i, j), &mut partner_a, &mut partner_b);
    }
    for (i, j) in leftover_joins(&partner_a, &totals_a, shared_at, config.split_containment) {
        link(i, j, sim(i, j), &mut partner_a, &mut partner_b);
    }

    links.sort_by_key(|l| (l.a_sentence, l.b_sentence));
    summarize(links, &wa, &wb, config)
}

/// A document's distinct wording terms with their weights, sorted.
fn vocabulary(weights: &[Weighted]) -> Vec<(u64, f64)> {
    let mut all: Vec<(u64, f64)> = weights.iter().flat_map(|w| w.wording.iter().copied()).collect();
    all.sort_unstable_by_key(|t| t.0);
    all.dedup_by_key(|t| t.0);
    all
}

/// Share of `x`'s wording vocabulary (weighted by rarity) that `y` holds,
/// as [`Alignment::vocabulary_a`] measures it for an aligned pair.
pub(crate) fn vocabulary_held(x: &[(u64, f64)], y: &[(u64, f64)]) -> f64 {
    contained(x, y)
}

/// A document's wording vocabulary, weighted by rarity, for
/// [`vocabulary_held`].
pub(crate) fn vocabulary_of(doc: &Doc, stats: &CorpusStats) -> Vec<(u64, f64)> {
    vocabulary(&(0..doc.sentences.len()).map(|i| weigh(doc, i, stats)).collect::<Vec<_>>())
}

/// Share of `x`'s weight found in `y`.
fn contained(x: &[(u64, f64)], y: &[(u64, f64)]) -> f64 {
    let total: f64 = x.iter().map(|t| t.1).sum();
    if total == 0.0 {
        0.0
    } else {
        shared_weight(x, y) / total
    }
}

/// For each unaligned sentence of one side (`partners` lists that side's
/// partner on the other side), the partner of an aligned neighbour in which
/// it is contained at least `threshold`: `(own index, other index)` pairs.
fn leftover_joins(
    partners: &[Option<usize>],
    totals: &[f64],
    shared: impl Fn(usize, usize) -> f64,
    threshold: f64,
) -> Vec<(usize, usize)> {
    let mut joins = Vec::new();
    for (own, partner) in partners.iter().enumerate() {
        if partner.is_some() || totals[own] == 0.0 {
            continue;
        }
        let best = [own.checked_sub(1), Some(own + 1)]
            .into_iter()
            .flatten()
            .filter_map(|k| partners.get(k).copied().flatten())
            .map(|other| (shared(own, other) / totals[own], other))
            .max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((_, other)) = best.filter(|b| b.0 >= threshold) {
            joins.push((own, other));
        }
    }
    joins
}

fn summarize(links: Vec<Link>, wa: &[Weighted], wb: &[Weighted], config: &AlignConfig) -> Alignment {
    let evidence: Vec<&Link> = links.iter().filter(|l| l.wording_similarity >= config.min_wording_similarity).collect();
    let coverage = |weights: &[Weighted], aligned: &dyn Fn(usize) -> bool| {
        let total: f64 = weights.iter().map(|w| w.narration).sum();
        if total == 0.0 {
            return 0.0;
        }
        weights.iter().enumerate().filter(|(i, _)| aligned(*i)).map(|(_, w)| w.narration).sum::<f64>() / total
    };
    let coverage_a = coverage(wa, &|i| evidence.iter().any(|l| l.a_sentence == i));
    let coverage_b = coverage(wb, &|j| evidence.iter().any(|l| l.b_sentence == j));
    let (mut weight, mut verbatim, mut weighted_sim) = (0.0, 0.0, 0.0);
    for l in &evidence {
        let w = (wa[l.a_sentence].narration + wb[l.b_sentence].narration) / 2.0;
        weight += w;
        weighted_sim += w * l.similarity;
        if l.similarity >= config.verbatim_similarity {
            verbatim += w;
        }
    }
    let (verbatim_share, mean_similarity) =
        if weight > 0.0 { (verbatim / weight, weighted_sim / weight) } else { (0.0, 0.0) };
    let continues = |l: &Link, m: &Link| {
        (m.a_sentence + 1 == l.a_sentence && m.b_sentence + 1 == l.b_sentence)
            || (l.a_sentence + 1 == m.a_sentence && l.b_sentence + 1 == m.b_sentence)
    };
    let specific: Vec<&&Link> =
        evidence.iter().filter(|l| l.wording_similarity >= config.passage_wording_similarity).collect();
    let passage_links = specific.iter().filter(|l| specific.iter().any(|m| continues(l, m))).count();
    let long = |w: &Weighted| w.wording.len() >= config.min_verbatim_wording_terms;
    let verbatim_links = evidence
        .iter()
        .filter(|l| {
            l.wording_similarity >= config.verbatim_similarity && long(&wa[l.a_sentence]) && long(&wb[l.b_sentence])
        })
        .count();
    let distinct = |side: fn(&&Link) -> usize| {
        let mut v: Vec<usize> = evidence.iter().map(side).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let retold_sentences = distinct(|l| l.a_sentence).min(distinct(|l| l.b_sentence));
    let (va, vb) = (vocabulary(wa), vocabulary(wb));
    let evidence = evidence.len();
    Alignment {
        links,
        coverage_a,
        coverage_b,
        verbatim_share,
        mean_similarity,
        evidence,
        passage_links,
        retold_sentences,
        verbatim_links,
        vocabulary_a: contained(&va, &vb),
        vocabulary_b: contained(&vb, &va),
    }
}

/// The length of the longest chain of links increasing in both documents
/// (links are ordered by the first document's sentences): patience sorting
/// of the second document's indices.
pub(crate) fn longest_ordered_chain(links: &[Link]) -> usize {
    chain(links, false)
}

/// The most links that keep both documents' order, where a sentence split
/// in two or two fused into one (links sharing a sentence) keep it too:
/// how much of an alignment reads in one order.
pub(crate) fn links_in_order(links: &[Link]) -> usize {
    chain(links, true)
}

fn chain(links: &[Link], shared_sentences: bool) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for l in links {
        let at = tails.partition_point(|&t| t < l.b_sentence || (shared_sentences && t == l.b_sentence));
        if at == tails.len() {
            tails.push(l.b_sentence);
        } else {
            tails[at] = l.b_sentence;
        }
    }
    tails.len()
}

/// One step of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffOp {
    /// `equal`, `delete` (only in the first text) or `insert` (only in the second).
    pub op: DiffTag,
    /// The words, with the spacing between them.
    pub text: String,
}

/// Kind of a diff step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffTag {
    /// In both texts.
    Equal,
    /// Only in the first text.
    Delete,
    /// Only in the second text.
    Insert,
}

/// Word-level diff of two sentences, consecutive steps of one kind merged.
///
/// The diff of `similar::TextDiff::from_words` (words and the spaces
/// between them as tokens, Myers' algorithm), read from its operations:
/// a step's tokens lie next to each other in their text, so its text is
/// one slice of it rather than a string grown token by token.
pub fn word_diff(a: &str, b: &str) -> Vec<DiffOp> {
    let (ta, tb) = (word_tokens(a), word_tokens(b));
    // The byte span of tokens `range` of `tokens`, a tokenization of `text`.
    let span = |text: &str, tokens: &[&str], range: std::ops::Range<usize>| -> std::ops::Range<usize> {
        let start = |i: usize| tokens.get(i).map_or(text.len(), |t| t.as_ptr() as usize - text.as_ptr() as usize);
        start(range.start)..start(range.end)
    };
    let mut out: Vec<DiffOp> = Vec::new();
    let mut push = |op: DiffTag, text: &str| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => out.push(DiffOp { op, text: text.to_string() }),
        }
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &ta, &tb) {
        let (old, new) = (op.old_range(), op.new_range());
        match op {
            similar::DiffOp::Equal { .. } => push(DiffTag::Equal, &a[span(a, &ta, old)]),
            _ => {
                push(DiffTag::Delete, &a[span(a, &ta, old)]);
                push(DiffTag::Insert, &b[span(b, &tb, new)]);
            }
        }
    }
    out
}

/// The tokens of `similar`'s `tokenize_words`: runs of whitespace and runs
/// of anything else, each one token. Read a byte at a time where the text
/// is ASCII, which `similar` decodes a character at a time; the tokens of
/// a report's every changed sentence are made here.
fn word_tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 + 1);
    let (mut start, mut i) = (0, 0);
    let mut in_space: Option<bool> = None;
    while i < bytes.len() {
        let (space, len) = match bytes[i] {
            byte if byte.is_ascii() => (matches!(byte, b' ' | b'\t'..=b'\r'), 1),
            _ => text[i..].chars().next().map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
        };
        if in_space != Some(space) {
            if in_space.is_some() {
                out.push(&text[start..i]);
                start = i;
            }
            in_space = Some(space);
        }
        i += len;
    }
    if start < bytes.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;
    use proptest::prelude::*;

    pub(crate) fn doc(id: &str, text: &str) -> Doc {
        Doc::from_article(&Article::from_text(id, text), &Terms::default())
    }

    fn stats(docs: &[&Doc]) -> CorpusStats {
        let mut stats = CorpusStats::default();
        docs.iter().for_each(|d| stats.add(d));
        stats
    }

    const STORY: &str = "The council approved a new budget for the harbour district on Monday.\n\
        Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
        Opposition members called the spending reckless and demanded an audit.\n\
        The vote passed by seven votes to four after a long debate.\n\
        Construction crews are expected to begin work in the spring.";

    #[test]
    fn identical_documents_align_fully() {
        let a = doc("a", STORY);
        let b = doc("b", STORY);
        let al = align(&a, &b, &stats(&[&a, &b]), &AlignConfig::default());
        assert_eq!(al.links.len(), 5);
        assert!((al.coverage_a - 1.0).abs() < 1e-9 && (al.coverage_b - 1.0).abs() < 1e-9);
        assert!((al.verbatim_share - 1.0).abs() < 1e-9);
    }

    #[test]
    fn unrelated_documents_do_not_align() {
        let a = doc("a", STORY);
        let b = doc("b", "Heavy snow closed mountain roads across the province overnight.\nSki resorts welcomed the early start to the season.");
        let al = align(&a, &b, &stats(&[&a, &b]), &AlignConfig::default());
        assert!(al.links.is_empty());
        assert_eq!(al.coverage_a, 0.0);
    }

    #[test]
    fn word_diff_marks_replaced_words() {
        let ops = word_diff("a very small step forward", "a very minor step forward");
        let changed: Vec<_> = ops.iter().filter(|o| o.op != DiffTag::Equal).map(|o| (o.op, o.text.trim())).collect();
        assert_eq!(changed, [(DiffTag::Delete, "small"), (DiffTag::Insert, "minor")]);
        let rebuilt: String = ops.iter().filter(|o| o.op != DiffTag::Insert).map(|o| o.text.as_str()).collect();
        assert_eq!(rebuilt, "a very small step forward");
    }

    /// The diff as `similar`'s text diff gives it, change by change.
    fn text_diff(a: &str, b: &str) -> Vec<DiffOp> {
        let mut out: Vec<DiffOp> = Vec::new();
        for change in similar::TextDiff::from_words(a, b).iter_all_changes() {
            let op = match change.tag() {
                similar::ChangeTag::Equal => DiffTag::Equal,
                similar::ChangeTag::Delete => DiffTag::Delete,
                similar::ChangeTag::Insert => DiffTag::Insert,
            };
            match out.last_mut() {
                Some(last) if last.op == op => last.text.push_str(change.value()),
                _ => out.push(DiffOp { op, text: change.value().to_string() }),
            }
        }
        out
    }

    proptest! {
        /// The diff read from slices is `similar`'s text diff, short
        /// sentences and long (over 100 tokens `similar` diffs by ids), odd
        /// spaces and empty sides included.
        #[test]
        fn word_tokens_are_similars(text in "(\\PC|[ \t\n\r\u{b}\u{c}\u{a0}\u{2003}\u{85}]){0,60}") {
            use similar::DiffableStr;
            prop_assert_eq!(word_tokens(&text), text.tokenize_words());
        }

        #[test]
        fn word_diff_is_the_text_diff(
            a in proptest::collection::vec("(the|a|vote|Varga|said|½|7|\\.|,)", 0..70),
            b in proptest::collection::vec("(the|a|vote|Varga|said|½|7|\\.|,)", 0..70),
            spaces in proptest::collection::vec("( |  |\n| \u{a0})", 70),
        ) {
            let join = |words: &[String]| words.iter().zip(&spaces).map(|(w, s)| format!("{w}{s}")).collect::<String>();
            let (a, b) = (join(&a), join(&b));
            prop_assert_eq!(word_diff(&a, &b), text_diff(&a, &b));
        }

        #[test]
        fn a_document_aligned_with_itself_covers_everything(sentences in proptest::collection::vec("[A-Z][a-z]{2,8}( [a-z]{3,9}){3,10}\\.", 1..12)) {
            let text = sentences.join("\n");
            let a = doc("a", &text);
            let al = align(&a, &a, &stats(&[&a]), &AlignConfig::default());
            let has_narration = (0..a.sentences.len()).any(|i| a.narration(i).next().is_some());
            if has_narration {
                prop_assert!((al.coverage_a - 1.0).abs() < 1e-9, "coverage {}", al.coverage_a);
                prop_assert!((al.coverage_b - 1.0).abs() < 1e-9);
            }
            for l in &al.links {
                prop_assert!(l.similarity >= 0.0 && l.similarity <= 1.0 + 1e-9);
            }
        }

        #[test]
        fn shuffling_paragraphs_keeps_coverage(seed in 0u64..1000) {
            let a = doc("a", STORY);
            let mut paragraphs: Vec<&str> = STORY.lines().collect();
            // Deterministic shuffle from the seed.
            let mut state = seed;
            for i in (1..paragraphs.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                paragraphs.swap(i, (state >> 33) as usize % (i + 1));
            }
            let b = doc("b", &paragraphs.join("\n"));
            let al = align(&a, &b, &stats(&[&a, &b]), &AlignConfig::default());
            prop_assert!((al.coverage_a - 1.0).abs() < 1e-9);
            prop_assert!((al.coverage_b - 1.0).abs() < 1e-9);
        }
    }
}
