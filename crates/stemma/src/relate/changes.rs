//! What a copy changed: altered quotations, changed facts, meaning shifts,
//! dropped attributions, and sentences dropped or added.
//!
//! Every finding rests on aligned sentences, so it comes with both wordings
//! and both sentence indices. Aligned sentences are compared in groups: a
//! sentence with all its partners, so that a sentence split in two or two
//! fused into one are compared whole. Omissions alone are not changes: a
//! number, a name or a title present on one side only is left alone; a
//! reader acts on changes, so a missed one costs less than an invented one.

pub(crate) mod fact;
mod passage;
mod shift;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::align::{Alignment, Link};
use crate::config::RelateConfig;
use crate::text::facts::FactKind;
use crate::text::quotes::Quote;
use crate::text::tokens::words;
use crate::text::Doc;
pub use shift::{scopes, Scope, ShiftKind};

/// Everything the copy `b` changed relative to the source `a`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Quotations whose words differ between the two.
    pub altered_quotes: Vec<AlteredQuote>,
    /// Numbers, dates, titles, places, ordinals and names that differ in
    /// aligned sentences.
    pub changed_facts: Vec<ChangedFact>,
    /// Rewordings outside quotations that shift what aligned sentences
    /// claim: scope, negation, modality, degree, preposition.
    #[serde(default)]
    pub meaning_shifts: Vec<MeaningShift>,
    /// Named sources that the copy dropped or replaced.
    pub dropped_attributions: Vec<DroppedAttribution>,
    /// Sentences of `a` with no partner in `b`.
    pub dropped_sentences: usize,
    /// Sentences of `b` with no partner in `a`.
    pub added_sentences: usize,
}

/// A quotation reworded inside its quotation marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlteredQuote {
    /// The wording in `a`.
    pub a: String,
    /// The wording in `b`.
    pub b: String,
    /// Who is quoted, when either text says.
    pub speaker: Option<String>,
    /// First sentence of the quotation in `a`.
    pub a_sentence: usize,
    /// First sentence of the quotation in `b`.
    pub b_sentence: usize,
}

/// A fact stated differently in aligned sentences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedFact {
    /// The fact as `a` states it.
    pub a: String,
    /// The fact as `b` states it.
    pub b: String,
    /// Number, date, title, place, ordinal or name.
    pub kind: FactKind,
    /// Sentence of `a`.
    pub a_sentence: usize,
    /// Sentence of `b`.
    pub b_sentence: usize,
}

/// A rewording outside quotations that shifts the claim of aligned
/// sentences, with a few words of context on each side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeaningShift {
    /// The words as `a` has them.
    pub a: String,
    /// The words as `b` has them.
    pub b: String,
    /// Scope, negation, modality, degree or preposition.
    pub kind: ShiftKind,
    /// Sentence of `a`.
    pub a_sentence: usize,
    /// Sentence of `b`.
    pub b_sentence: usize,
}

/// A named source in `a` that `b` no longer names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedAttribution {
    /// The source in `a`, with its description.
    pub a: String,
    /// What `b` cites instead ("Experts"), if anything.
    pub b: Option<String>,
    /// Sentence of `a`.
    pub a_sentence: usize,
    /// Sentence of `b`.
    pub b_sentence: usize,
}

/// Lowercase words of a text, for comparing wordings regardless of
/// punctuation and spacing.
fn wording(text: &str) -> Vec<String> {
    words(text).iter().map(|w| w.text.to_lowercase()).collect()
}

fn word_jaccard(x: &[String], y: &[String]) -> f64 {
    let sx: std::collections::HashSet<&String> = x.iter().collect();
    let sy: std::collections::HashSet<&String> = y.iter().collect();
    let union = sx.union(&sy).count();
    if union == 0 {
        0.0
    } else {
        sx.intersection(&sy).count() as f64 / union as f64
    }
}

/// Most sentences on one side of a group: a larger connected part of an
/// alignment (many-to-many links of a loose alignment) is compared link by
/// link instead.
const MAX_GROUP_SENTENCES: usize = 4;

/// Sentences aligned with one another: a connected part of the alignment
/// (one sentence and its partner, a sentence split in two, two fused into
/// one), frame lines left out.
#[derive(Debug, Clone)]
struct Group {
    /// Sentences of `a`, in order.
    a: Vec<usize>,
    /// Sentences of `b`, in order.
    b: Vec<usize>,
    /// Similarity of its best-aligned pair.
    similarity: f64,
}

fn groups(a: &Doc, b: &Doc, links: &[Link]) -> Vec<Group> {
    let links: Vec<_> =
        links.iter().filter(|l| !a.sentences[l.a_sentence].frame && !b.sentences[l.b_sentence].frame).collect();
    // Union-find over sentences: a's as themselves, b's after them.
    let offset = a.sentences.len();
    let mut parent: Vec<usize> = (0..offset + b.sentences.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for l in &links {
        let (x, y) = (root(&mut parent, l.a_sentence), root(&mut parent, offset + l.b_sentence));
        parent[x] = y;
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (k, l) in links.iter().enumerate() {
        by_root.entry(root(&mut parent, l.a_sentence)).or_default().push(k);
    }
    let mut out = Vec::new();
    for members in by_root.values() {
        let mut group = Group { a: Vec::new(), b: Vec::new(), similarity: 0.0 };
        for &k in members {
            group.a.push(links[k].a_sentence);
            group.b.push(links[k].b_sentence);
            group.similarity = group.similarity.max(links[k].similarity);
        }
        group.a.sort_unstable();
        group.a.dedup();
        group.b.sort_unstable();
        group.b.dedup();
        if group.a.len() <= MAX_GROUP_SENTENCES && group.b.len() <= MAX_GROUP_SENTENCES {
            out.push(group);
        } else {
            out.extend(members.iter().map(|&k| Group {
                a: vec![links[k].a_sentence],
                b: vec![links[k].b_sentence],
                similarity: links[k].similarity,
            }));
        }
    }
    out.sort_by_key(|g| (g.a[0], g.b[0]));
    out
}

/// Extracts the changes from `a` (source) to `b` (copy).
pub fn changes(a: &Doc, b: &Doc, alignment: &Alignment, config: &RelateConfig) -> Changes {
    // Each sentence of a with all its partners in b (splits give several).
    let mut partners: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for l in &alignment.links {
        partners.entry(l.a_sentence).or_default().push(l.b_sentence);
    }
    let mut changes = Changes {
        altered_quotes: altered_quotes(a, b, &partners, config),
        dropped_sentences: (0..a.sentences.len()).filter(|&i| !alignment.aligned_a(i)).count(),
        added_sentences: (0..b.sentences.len()).filter(|&j| !alignment.aligned_b(j)).count(),
        ..Changes::default()
    };
    for (&i, js) in &partners {
        changes.dropped_attributions.extend(dropped_attribution(a, b, i, js));
    }
    (changes.changed_facts, changes.meaning_shifts) = compared(a, b, &alignment.links, config);
    changes
}

/// The changed facts and meaning shifts between aligned sentences.
fn compared(a: &Doc, b: &Doc, links: &[Link], config: &RelateConfig) -> (Vec<ChangedFact>, Vec<MeaningShift>) {
    let (mut aligned_a, mut aligned_b) = (vec![false; a.sentences.len()], vec![false; b.sentences.len()]);
    // Groups of one sentence each side, word for word the same, change
    // nothing: most of a duplicate or version. Their facts are not read.
    let groups: Vec<Group> = groups(a, b, links)
        .into_iter()
        .filter(|g| !matches!((&g.a[..], &g.b[..]), ([i], [j]) if a.sentence_text(*i) == b.sentence_text(*j)))
        .collect();
    for g in &groups {
        g.a.iter().for_each(|&i| aligned_a[i] = true);
        g.b.iter().for_each(|&j| aligned_b[j] = true);
    }
    let (fa, fb) = fact::SentenceFacts::of_pair(a, &aligned_a, b, &aligned_b);
    let pair = fact::Pair {
        a,
        b,
        fa: &fa,
        fb: &fb,
        people: std::cell::OnceCell::new(),
        lowercase_words: std::cell::OnceCell::new(),
        reworded_similarity: config.reworded_fact_similarity,
    };
    let (mut facts, mut shifts) = (Vec::new(), Vec::new());
    for group in groups {
        let (sa, sb) = (passage::Side::of(a, &group.a), passage::Side::of(b, &group.b));
        let hunks = passage::hunks(&sa, &sb);
        facts.extend(fact::changed_facts(&pair, &group, &sa, &sb, &hunks));
        shifts.extend(shift::meaning_shifts(&sa, &sb, &hunks, group.similarity >= config.reworded_fact_similarity));
    }
    let unit_level = changed_units(&pair, &facts);
    facts.extend(unit_level);
    dedup(&mut facts, |f| (f.a_sentence, f.b_sentence, f.a.clone(), f.b.clone()));
    dedup(&mut shifts, |f| (f.a_sentence, f.b_sentence, f.a.clone(), f.b.clone()));
    (facts, shifts)
}

/// Sorts findings by sentence and drops repeats.
fn dedup<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    items.sort_by_key(|x| key(x));
    items.dedup_by(|x, y| key(x) == key(y));
}

fn family(name: &str) -> Option<String> {
    name.split_whitespace().last().map(str::to_lowercase)
}

/// Pairs each quotation of `a` with the quotation of `b` that renders the
/// same statement: in aligned sentences and either worded alike or given by
/// the same speaker, or by the same speaker in a sentence next to an aligned
/// one (a rewrite moves attributions between sentences), or worded alike in
/// sentences that sit where the alignment puts them (a sentence of quotation
/// only has no narration to align by). Best pairs first, each quotation
/// used once.
fn altered_quotes(
    a: &Doc,
    b: &Doc,
    partners: &BTreeMap<usize, Vec<usize>>,
    config: &RelateConfig,
) -> Vec<AlteredQuote> {
    let words_a: Vec<Vec<String>> = a.quotes.iter().map(|q| wording(&q.text)).collect();
    let words_b: Vec<Vec<String>> = b.quotes.iter().map(|q| wording(&q.text)).collect();
    let (mut used_a, mut used_b) = (vec![false; a.quotes.len()], vec![false; b.quotes.len()]);
    let threshold = config.quote_match_similarity;
    // One side's rendering of a statement: the text of its quotation
    // pieces, with the first piece's speaker and sentence.
    let render = |doc: &Doc, pieces: std::ops::Range<usize>| {
        let first = &doc.quotes[pieces.start];
        let text = doc.quotes[pieces].iter().map(|q| q.text.as_str()).collect::<Vec<_>>().join(" ");
        (text, first.speaker.clone(), doc.quote_sentences(first).start)
    };
    let altered = |(a, speaker_a, a_sentence): (String, Option<String>, usize),
                   (b, speaker_b, b_sentence): (String, Option<String>, usize)| {
        AlteredQuote { a, b, speaker: speaker_a.or(speaker_b), a_sentence, b_sentence }
    };
    let mut out = Vec::new();
    for (pieces, kb) in rejoined(&words_a, &words_b, &mut used_a, &mut used_b, threshold) {
        out.push(altered(render(a, pieces), render(b, kb..kb + 1)));
    }
    for (pieces, ka) in rejoined(&words_b, &words_a, &mut used_b, &mut used_a, threshold) {
        out.push(altered(render(a, ka..ka + 1), render(b, pieces)));
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (ka, qa) in a.quotes.iter().enumerate() {
        if used_a[ka] {
            continue;
        }
        let linked: Vec<usize> = a.quote_sentences(qa).filter_map(|i| partners.get(&i)).flatten().copied().collect();
        let placed: Vec<usize> = a.quote_sentences(qa).flat_map(|i| placed_in_b(partners, i)).collect();
        for (kb, qb) in b.quotes.iter().enumerate() {
            if used_b[kb] {
                continue;
            }
            let in_linked = b.quote_sentences(qb).any(|j| linked.contains(&j));
            let next_to_linked = b.quote_sentences(qb).any(|j| linked.iter().any(|&k| k.abs_diff(j) == 1));
            let similarity = word_jaccard(&words_a[ka], &words_b[kb]);
            let same_speaker = qa.speaker.is_some()
                && qa.speaker.as_deref().and_then(family) == qb.speaker.as_deref().and_then(family);
            let in_place = b.quote_sentences(qb).any(|j| placed.contains(&j));
            let same_statement = if in_linked {
                similarity >= threshold || same_speaker
            } else {
                (next_to_linked && same_speaker || in_place) && similarity >= threshold
            };
            if same_statement {
                pairs.push((similarity + if same_speaker { 1.0 } else { 0.0 }, ka, kb));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (_, ka, kb) in pairs {
        if used_a[ka] || used_b[kb] {
            continue;
        }
        used_a[ka] = true;
        used_b[kb] = true;
        let (qa, qb) = (&a.quotes[ka], &b.quotes[kb]);
        if words_a[ka] != words_b[kb] && !overrun((a, qa, &words_a[ka]), (b, qb, &words_b[kb])) {
            out.push(AlteredQuote {
                a: qa.text.clone(),
                b: qb.text.clone(),
                speaker: qa.speaker.clone().or_else(|| qb.speaker.clone()),
                a_sentence: a.quote_sentences(qa).start,
                b_sentence: b.quote_sentences(qb).start,
            });
        }
    }
    out.sort_by_key(|q| q.a_sentence);
    out
}

/// Whether two quotations differ only because one text lost a closing
/// mark: the unclosed one runs on past the point where the other closes,
/// through the very words that follow the other's closing mark
/// (`"Klitschko! Klitschko! stirred.` against `"Klitschko, Klitschko"
/// stirred.`).
fn overrun(x: (&Doc, &Quote, &[String]), y: (&Doc, &Quote, &[String])) -> bool {
    let (long, short) = if x.2.len() >= y.2.len() { (x, y) } else { (y, x) };
    let closed = |doc: &Doc, q: &Quote| doc.text[..q.end].ends_with('"');
    if closed(long.0, long.1) || !closed(short.0, short.1) || !long.2.starts_with(short.2) {
        return false;
    }
    let rest = &long.2[short.2.len()..];
    let after = &short.0.text[short.1.end..];
    let after = &after[..after.find('\n').unwrap_or(after.len())];
    wording(after).starts_with(rest)
}

/// Where sentence `i` of `a`, itself unaligned, sits in `b`: as far from
/// the partners of its nearest aligned neighbours (at most
/// `PLACING_REACH` sentences away) as it is from them.
fn placed_in_b(partners: &BTreeMap<usize, Vec<usize>>, i: usize) -> Vec<usize> {
    const PLACING_REACH: usize = 3;
    let mut out = Vec::new();
    if let Some((&p, js)) = partners.range(..i).next_back() {
        if i - p <= PLACING_REACH {
            out.extend(js.iter().max().map(|j| j + (i - p)));
        }
    }
    if let Some((&n, js)) = partners.range(i + 1..).next() {
        if n - i <= PLACING_REACH {
            out.extend(js.iter().min().and_then(|j| j.checked_sub(n - i)));
        }
    }
    out
}

/// Pairs a quotation of `y` with the two or more consecutive quotations of
/// `x` it renders: one statement that one text quotes in a single run and
/// the other closes and reopens at each sentence or paragraph (AP style,
/// or a copy that lost its paragraph breaks). Marks them used. When the
/// words are the same, nothing was altered; when all pieces but the last
/// match word for word and the rest of the run is like the last piece
/// (word similarity `threshold`), the last piece was reworded: those joins
/// are returned, as (pieces of `x`, quotation of `y`).
fn rejoined(
    x: &[Vec<String>],
    y: &[Vec<String>],
    used_x: &mut [bool],
    used_y: &mut [bool],
    threshold: f64,
) -> Vec<(std::ops::Range<usize>, usize)> {
    let mut altered = Vec::new();
    for (ky, wy) in y.iter().enumerate() {
        if used_y[ky] {
            continue;
        }
        for kx in 0..x.len() {
            let (mut at, mut k) = (0, kx);
            while k < x.len() && !used_x[k] && !x[k].is_empty() && wy[at..].starts_with(&x[k]) {
                at += x[k].len();
                k += 1;
                if at == wy.len() {
                    break;
                }
            }
            if at == wy.len() && k - kx >= 2 {
                used_y[ky] = true;
                used_x[kx..k].iter_mut().for_each(|u| *u = true);
                break;
            }
            if k > kx
                && at >= 3
                && at < wy.len()
                && k < x.len()
                && !used_x[k]
                && word_jaccard(&wy[at..], &x[k]) >= threshold
            {
                used_y[ky] = true;
                used_x[kx..=k].iter_mut().for_each(|u| *u = true);
                altered.push((kx..k + 1, ky));
                break;
            }
        }
    }
    altered
}

/// Numbers with a unit of measure, money, percentage or duration that
/// changed between sentences that did not align with each other: for a unit
/// ("hour", "percent") where each document has exactly one value the other
/// lacks, in the same words ("two-and-a-half-hour phone conversation" /
/// "21/2-hour phone call"), that value changed. Frame lines and numbers left
/// aside (clock times, addresses) do not count.
fn changed_units(pair: &fact::Pair<'_>, found: &[ChangedFact]) -> Vec<ChangedFact> {
    let (ua, ub) = (fact::by_unit(pair.a, &pair.fa.quantities), fact::by_unit(pair.b, &pair.fb.quantities));
    let mut out = Vec::new();
    for (unit, xs) in &ua {
        let Some(ys) = ub.get(unit) else { continue };
        let (lone_x, lone_y) = (fact::lone(xs, ys), fact::lone(ys, xs));
        if let ([(i, x)], [(j, y)]) = (lone_x.as_slice(), lone_y.as_slice()) {
            // In the same words, or two numbers of one unit that tell
            // different things ("a 7-yard touchdown pass" / "an 84-yard run").
            if !fact::same_slot(pair, &(*i, *x), &(*j, *y)) {
                continue;
            }
            let already = found
                .iter()
                .any(|f| (f.a_sentence == *i && f.a == x.surface) || (f.b_sentence == *j && f.b == y.surface));
            if !already {
                out.push(ChangedFact {
                    a: x.surface.clone(),
                    b: y.surface.clone(),
                    kind: FactKind::Number,
                    a_sentence: *i,
                    b_sentence: *j,
                });
            }
        }
    }
    out
}

pub(super) fn dropped_attribution(a: &Doc, b: &Doc, i: usize, js: &[usize]) -> Option<DroppedAttribution> {
    let source = a.attribution(i).filter(|s| s.named)?;
    let name = family(source.source())?;
    let names_it = |j: usize| {
        let cited = b.attribution(j).and_then(|s| family(s.source()));
        cited.as_deref() == Some(name.as_str()) || wording(b.sentence_text(j)).contains(&name)
    };
    // A quotation spread over sentences is attributed once, in any of them.
    let quoted_with = |j: usize| {
        b.quotes.iter().map(|q| b.quote_sentences(q)).filter(|r| r.contains(&j)).flatten().collect::<Vec<_>>()
    };
    let still_named = js.iter().any(|&j| names_it(j) || quoted_with(j).into_iter().any(names_it));
    if still_named {
        return None;
    }
    let j = js[0];
    Some(DroppedAttribution {
        a: source.description().to_string(),
        b: b.attribution(j).map(|s| s.source().to_string()),
        a_sentence: i,
        b_sentence: j,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;

    fn doc(id: &str, text: &str) -> Doc {
        Doc::from_article(&Article::from_text(id, text), &Terms::default())
    }

    /// The facts and shifts between two texts whose sentences align one to
    /// one, in order.
    fn compare(a: &str, b: &str) -> (Vec<ChangedFact>, Vec<MeaningShift>) {
        let (a, b) = (doc("a", a), doc("b", b));
        let n = a.sentences.len().min(b.sentences.len());
        let links: Vec<Link> =
            (0..n).map(|i| Link { a_sentence: i, b_sentence: i, similarity: 0.8, wording_similarity: 0.7 }).collect();
        compared(&a, &b, &links, &RelateConfig::default())
    }

    fn facts(a: &str, b: &str) -> Vec<(FactKind, String, String)> {
        compare(a, b).0.into_iter().map(|f| (f.kind, f.a, f.b)).collect()
    }

    fn shifts(a: &str, b: &str) -> Vec<(ShiftKind, String, String)> {
        compare(a, b).1.into_iter().map(|f| (f.kind, f.a, f.b)).collect()
    }

    fn has<K: PartialEq + Copy>(found: &[(K, String, String)], kind: K, a: &str, b: &str) -> bool {
        found.iter().any(|(k, x, y)| *k == kind && x.contains(a) && y.contains(b))
    }

    #[test]
    fn titles_and_roles_of_named_people() {
        let f = facts(
            "The bill was drafted by legislative policy director Ann Lee, the mayor said.",
            "The bill was drafted by general counsel Ann Lee, the mayor said.",
        );
        assert!(has(&f, FactKind::Title, "legislative policy director Ann Lee", "general counsel Ann Lee"), "{f:?}");
        let f = facts(
            "The suspect fled, police chief Tim Fanning said.",
            "The suspect fled, police spokesman Tim Fanning said.",
        );
        assert!(has(&f, FactKind::Title, "police chief Tim Fanning", "police spokesman Tim Fanning"), "{f:?}");
        let f = facts("Constable Tim Fanning said the man fled.", "Sergeant Tim Fanning said the man fled.");
        assert!(has(&f, FactKind::Title, "Constable Tim Fanning", "Sergeant Tim Fanning"), "{f:?}");
        // Abbreviations, and a rank beside a post, are no change.
        assert!(facts("Sgt. Tim Fanning said the man fled.", "Sergeant Tim Fanning said the man fled.").is_empty());
        assert!(facts(
            "Inspector Dave Gaskin said it was a tragedy.",
            "Police spokesman Dave Gaskin said it was a tragedy."
        )
        .is_empty());
    }

    #[test]
    fn places_after_a_preposition() {
        let f = facts("He was arraigned in San Diego on Monday.", "He was arraigned in Los Angeles on Monday.");
        assert!(has(&f, FactKind::Place, "in San Diego", "in Los Angeles"), "{f:?}");
        let f = facts(
            "Peace depended on an end to foreign assistance to Kyiv, the Kremlin said.",
            "Putin insisted that peace depended on an end to foreign assistance to Ukraine, the Kremlin said.",
        );
        assert!(has(&f, FactKind::Place, "to Kyiv", "to Ukraine"), "{f:?}");
        // Spellings of one place, a place and its people, a place named on
        // both sides: no change.
        assert!(facts("The talks were held in Kiev on Monday.", "The talks were held in Kyiv on Monday.").is_empty());
        assert!(facts("Troops are advancing in Ukraine's east.", "Troops are advancing in eastern Ukraine.").is_empty());
        assert!(facts("Aid went to Ukrainian forces last year.", "Aid went to Ukraine's forces last year.").is_empty());
        // Two facts in parallel sentences are not one place changed.
        assert!(facts(
            "Ten houses were damaged in Takengon, the agency said.",
            "Twelve people were killed by landslides in Bener Meriah, the agency said."
        )
        .iter()
        .all(|(k, _, _)| *k != FactKind::Place));
    }

    #[test]
    fn names_replaced_in_unchanged_words() {
        let f = facts(
            "\"We're aware of the issue,\" general manager A.J. Smith said in a statement.",
            "\"We're aware of the issue,\" general manager A.J. Butler said in a statement.",
        );
        assert!(has(&f, FactKind::Name, "Smith", "Butler"), "{f:?}");
        // An acronym, a spelling, an adjective: no change.
        assert!(facts(
            "He was on probation, the CHP said.",
            "He was on probation, the California Highway Patrol said."
        )
        .is_empty());
        assert!(facts("The Naval commandos also boarded the boats.", "The Indian commandos also boarded the boats.")
            .is_empty());
    }

    #[test]
    fn ordinals_and_periods() {
        let f = facts("Protesters marched for a second straight day.", "Protesters marched for a third straight day.");
        assert!(has(&f, FactKind::Ordinal, "second straight", "third straight"), "{f:?}");
        let f = facts("He represented the 27th District of Texas.", "He represented the 17th District of Texas.");
        assert!(has(&f, FactKind::Ordinal, "27th District", "17th District"), "{f:?}");
        let f = facts("Profits fell in the first quarter of 2022.", "Profits fell in the second quarter of 2022.");
        assert!(has(&f, FactKind::Ordinal, "first quarter", "second quarter"), "{f:?}");
        let f = facts("He was charged with first-degree murder.", "He was charged with second-degree murder.");
        assert!(has(&f, FactKind::Ordinal, "first-degree", "second-degree"), "{f:?}");
        assert!(facts("It was his second season in Paris.", "It was his 2nd season in Paris.").is_empty());
    }

    #[test]
    fn dates_in_any_format_and_years_in_rewording() {
        // A month alone, "May" too where a word of time shows it is no verb.
        let f = facts("He will leave after a ceremony in June.", "He will leave after a ceremony in May.");
        assert!(has(&f, FactKind::Date, "June", "May"), "{f:?}");
        assert!(facts("Officials said he may leave in June.", "Officials said he May leave in June.").is_empty());
        assert!(facts("Published: July 29, 2004", "Published: Thursday 29 July 2004").is_empty());
        assert!(
            facts("The vote took place on July 29, 2004.", "The vote took place on Thursday, 29th of July.").is_empty()
        );
        // A weekday and a date may be one day.
        assert!(facts("The vote took place on Tuesday.", "The vote took place on March 11.").is_empty());
        let f = facts(
            "She sued him in 2014, claiming he fired her.",
            "In a lawsuit filed in 2015, she claimed he had fired her.",
        );
        assert!(has(&f, FactKind::Date, "2014", "2015"), "{f:?}");
        let f = facts("He testified last month before the committee.", "He testified last week before the committee.");
        assert!(has(&f, FactKind::Date, "last month", "last week"), "{f:?}");
        let f = facts("The group met in March 2008 in Norwalk.", "The group met in March 2009 in Norwalk.");
        assert!(has(&f, FactKind::Date, "March 2008", "March 2009"), "{f:?}");
    }

    #[test]
    fn numbers_in_other_units_or_words_are_no_change() {
        assert!(facts("The span fell 200 feet into the river.", "The span fell 61 metres into the river.").is_empty());
        let f = facts("The span fell 200 feet into the river.", "The span fell about 150 metres into the river.");
        assert!(has(&f, FactKind::Number, "200", "150"), "{f:?}");
        assert!(facts("It was a 2½-hour call.", "It was a two-and-a-half-hour call.").is_empty());
        assert!(facts("He served 4 1/2 months in prison.", "He served 4-1/2 months in prison.").is_empty());
        assert!(facts("More than 50, 000 people marched.", "More than 50,000 people marched.").is_empty());
        // The conversion in parentheses is no second value.
        assert!(facts("He fell about 600 metres (2,000 feet).", "He fell about 600m while climbing.").is_empty());
        // A count in parentheses is a breakdown, not a conversion.
        let f = facts(
            "Police held 23 pirates (12 Somali and 11 Yemeni).",
            "Police held 23 pirates (14 Somali and 9 Yemeni).",
        );
        assert!(has(&f, FactKind::Number, "12", "14"), "{f:?}");
        // A number present on one side only is an omission.
        assert!(facts("The blast killed 5 people and injured 12.", "The blast killed 5 people.").is_empty());
        let f =
            facts("He obtained at least five military deferments.", "He obtained at least six military deferments.");
        assert!(has(&f, FactKind::Number, "five", "six"), "{f:?}");
    }

    /// A sentence both texts hold word for word is not read for numbers
    /// unless a unit could have changed; then it is, and its number still
    /// matches the same number elsewhere in the other text.
    #[test]
    fn a_number_both_texts_state_elsewhere_did_not_change() {
        let unaligned = |a: &str, b: &str| {
            let (a, b) = (doc("a", a), doc("b", b));
            let found = compared(&a, &b, &[], &RelateConfig::default()).0;
            found.into_iter().map(|f| (f.kind, f.a, f.b)).collect::<Vec<_>>()
        };
        let changed = "Workers spent 5 hours clearing the road, the mayor said.";
        let edited = "Workers spent 6 hours clearing the road, the mayor said.";
        let f = unaligned(changed, edited);
        assert!(has(&f, FactKind::Number, "5", "6"), "{f:?}");
        let shared = "Crews restored power after 5 hours. The storm hit the coast on Monday.";
        let f = unaligned(&format!("{shared} {changed}"), &format!("{shared} {edited}"));
        assert!(f.is_empty(), "{f:?}");
        let shared = "Crews restored power after 4 hours. The storm hit the coast on Monday.";
        let f = unaligned(&format!("{shared} {changed}"), &format!("{shared} {edited}"));
        assert!(has(&f, FactKind::Number, "5", "6"), "{f:?}");
    }

    #[test]
    fn numbers_of_different_things_are_not_paired() {
        assert!(facts(
            "After more than three years of delays, he was sentenced.",
            "He was sentenced on more than 50 charges."
        )
        .is_empty());
        assert!(facts(
            "At least five people were reportedly injured in Takengon.",
            "Twelve people were killed in Bener Meriah."
        )
        .is_empty());
    }

    #[test]
    fn negation() {
        let s = shifts("Strzok has denied having said that.", "Strzok has not denied having said that.");
        assert!(has(&s, ShiftKind::Negation, "has denied", "has not denied"), "{s:?}");
        let s = shifts("He said it wasn't a fair comparison.", "He said it was a fair comparison.");
        assert!(has(&s, ShiftKind::Negation, "wasn't a fair", "was a fair"), "{s:?}");
        // Said differently, not negated.
        assert!(shifts("He did not accept the offer.", "He rejected the offer.").is_empty());
        assert!(shifts("Riva had not yet regained consciousness.", "Riva had yet to regain consciousness.").is_empty());
    }

    #[test]
    fn modality() {
        let s = shifts("The deal could help the company.", "The deal will help the company.");
        assert!(has(&s, ShiftKind::Modality, "could", "will"), "{s:?}");
        let s = shifts("Putin may be playing for time, analysts said.", "Putin appears to be stalling, analysts said.");
        assert!(has(&s, ShiftKind::Modality, "may be", "appears to"), "{s:?}");
        let s = shifts("Rahall says he will likely invoke the act.", "Rahall says he will invoke the act.");
        assert!(has(&s, ShiftKind::Modality, "likely invoke", "will invoke"), "{s:?}");
        let s = shifts("The chief is expected to leave his post.", "The chief will leave his post.");
        assert!(has(&s, ShiftKind::Modality, "expected", "will"), "{s:?}");
        // Same certainty in other words, tense in reported speech, quotations.
        assert!(shifts("He said the rule would take effect in May.", "He said the rule will take effect in May.")
            .is_empty());
        assert!(shifts("A strike is likely, he said.", "A strike is probable, he said.").is_empty());
        assert!(shifts(
            "Police could not say how many shots were fired.",
            "Police couldn't say how many shots were fired."
        )
        .is_empty());
        assert!(shifts("\"It could happen,\" he said.", "\"It will happen,\" he said.").is_empty());
    }

    #[test]
    fn degree() {
        let s =
            shifts("Western sanctions should be eased, Putin said.", "Western sanctions should be lifted, Putin said.");
        assert!(has(&s, ShiftKind::Degree, "eased", "lifted"), "{s:?}");
        let s = shifts(
            "The report also criticized Strzok for his email.",
            "The report also condemned Strzok for his email.",
        );
        assert!(has(&s, ShiftKind::Degree, "criticized", "condemned"), "{s:?}");
        let s = shifts("Prices rose after the storm.", "Prices soared after the storm.");
        assert!(has(&s, ShiftKind::Degree, "rose", "soared"), "{s:?}");
        let s = shifts("A fire has almost totally destroyed the store.", "A fire has completely destroyed the store.");
        assert!(has(&s, ShiftKind::Degree, "almost totally", "completely"), "{s:?}");
        // Synonyms of equal strength.
        assert!(shifts("The report condemned Strzok for his email.", "The report denounced Strzok for his email.")
            .is_empty());
        assert!(shifts("Prices rose after the storm.", "Prices climbed after the storm.").is_empty());
        // A fall that is no quantity's.
        assert!(shifts("The bridge collapsed into the river.", "The bridge fell into the river.").is_empty());
    }

    #[test]
    fn preposition_of_place() {
        let s = shifts(
            "Russian forces are pushing back Ukrainian troops from Russia's Kursk region.",
            "Russian forces are pushing Ukrainian troops back near Russia's Kursk region.",
        );
        assert!(has(&s, ShiftKind::Preposition, "from Russia's Kursk region", "near Russia's Kursk region"), "{s:?}");
        // Same place, said another way; or another place.
        assert!(
            shifts("The delegation arrived in Paris on Monday.", "The delegation came to Paris on Monday.").is_empty()
        );
        assert!(shifts(
            "The epicenter was near the western coast of Sumatra.",
            "The epicenter was on the western tip of Sumatra."
        )
        .is_empty());
        // A time, not a place.
        assert!(shifts(
            "Around the time of the shooting he was in debt.",
            "At the time of the shooting he was in debt."
        )
        .is_empty());
    }

    #[test]
    fn scope() {
        let s = shifts("Russia holds most of four eastern regions.", "Russia holds parts of four eastern regions.");
        assert!(has(&s, ShiftKind::Scope, "most of four", "parts of four"), "{s:?}");
        let s = shifts("The other people at the party escaped.", "Most of the other people at the party escaped.");
        assert!(has(&s, ShiftKind::Scope, "other people", "Most of the other people"), "{s:?}");
        assert!(shifts("Some officials objected.", "Several officials objected.").is_empty());
        assert!(shifts(
            "He would be prosecuted at least in part in Federal District Court.",
            "The case would most likely be prosecuted in Federal District Court."
        )
        .iter()
        .all(|(k, _, _)| *k != ShiftKind::Scope));
        assert!(shifts("All members voted.", "Every member voted.").is_empty());
    }

    proptest::proptest! {
        /// Any two texts, their sentences aligned in order, compare without
        /// panicking, and every finding points at sentences of its side.
        #[test]
        fn any_texts_compare_safely(
            a in "(\\PC|[\"'.,;:!?½$%°()\\-0-9A-Z\n ]){0,200}",
            b in "(\\PC|[\"'.,;:!?½$%°()\\-0-9A-Z\n ]){0,200}",
        ) {
            let (da, db) = (doc("a", &a), doc("b", &b));
            let n = da.sentences.len().min(db.sentences.len());
            let links: Vec<Link> =
                (0..n).map(|i| Link { a_sentence: i, b_sentence: i, similarity: 0.9, wording_similarity: 0.9 }).collect();
            let (facts, shifts) = compared(&da, &db, &links, &RelateConfig::default());
            for f in &facts {
                proptest::prop_assert!(f.a_sentence < da.sentences.len() && f.b_sentence < db.sentences.len());
            }
            for m in &shifts {
                proptest::prop_assert!(m.a_sentence < da.sentences.len() && m.b_sentence < db.sentences.len());
            }
        }

        /// A text of news words and the same text with a few words
        /// replaced compare without panicking.
        #[test]
        fn edited_news_text_compares_safely(
            picks in proptest::collection::vec(0..NEWS_WORDS.len(), 1..60),
            edits in proptest::collection::vec((0..60usize, 0..NEWS_WORDS.len()), 0..6),
        ) {
            let a: Vec<&str> = picks.iter().map(|&k| NEWS_WORDS[k]).collect();
            let mut b = a.clone();
            for (at, k) in edits {
                if at < b.len() {
                    b[at] = NEWS_WORDS[k];
                }
            }
            let (da, db) = (doc("a", &a.join(" ")), doc("b", &b.join(" ")));
            let n = da.sentences.len().min(db.sentences.len());
            let links: Vec<Link> =
                (0..n).map(|i| Link { a_sentence: i, b_sentence: i, similarity: 0.9, wording_similarity: 0.9 }).collect();
            let (facts, shifts) = compared(&da, &db, &links, &RelateConfig::default());
            proptest::prop_assert!(facts.iter().all(|f| f.a_sentence < da.sentences.len() && f.b_sentence < db.sentences.len()));
            proptest::prop_assert!(shifts.iter().all(|m| m.a_sentence < da.sentences.len() && m.b_sentence < db.sentences.len()));
        }
    }

    /// Words that exercise every kind of change.
    #[rustfmt::skip]
    const NEWS_WORDS: &[&str] = &[
        "the", "a", "of", "in", "to", "from", "near", "at", "on", "said", "Putin", "Trump", "Kyiv", "Ukraine", "San",
        "Diego", "President", "former", "police", "chief", "spokesman", "Sgt.", "Constable", "Tim", "Fanning", "5",
        "12", "2½", "21/2", "two-and-a-half-hour", "200", "feet", "metres", "March", "11", "2008", "Tuesday",
        "July", "29,", "last", "week", "second", "third", "27th", "first-degree", "Q2", "may", "will", "could",
        "likely", "allegedly", "not", "wasn't", "never", "eased", "lifted", "rose", "soared", "criticized",
        "condemned", "most", "parts", "some", "all", "half", "in front of", "next to", "\"", "(", ")", ".", ",",
        "50, 000", "4 1 / 2", "$US1", "million", "percent", "%", "°F", "square", "A.J.", "CHP", "U.N.", "\u{FFFD}",
    ];

    #[test]
    fn fused_sentences_are_compared_whole() {
        let a = doc("a", "Putin said sanctions should be eased. He spoke from Moscow.");
        let b = doc("b", "Putin said sanctions should be lifted, speaking from Moscow.");
        let links = [
            Link { a_sentence: 0, b_sentence: 0, similarity: 0.7, wording_similarity: 0.6 },
            Link { a_sentence: 1, b_sentence: 0, similarity: 0.4, wording_similarity: 0.3 },
        ];
        let (facts, shifts) = compared(&a, &b, &links, &RelateConfig::default());
        assert!(facts.is_empty(), "{facts:?}");
        assert!(
            shifts.iter().any(|s| s.kind == ShiftKind::Degree && s.a.contains("eased") && s.b.contains("lifted")),
            "{shifts:?}"
        );
    }

    fn altered(a: &str, b: &str) -> Vec<(String, String)> {
        let (a, b) = (doc("a", a), doc("b", b));
        let n = a.sentences.len().min(b.sentences.len());
        let partners: BTreeMap<usize, Vec<usize>> = (0..n).map(|i| (i, vec![i])).collect();
        altered_quotes(&a, &b, &partners, &RelateConfig::default()).into_iter().map(|q| (q.a, q.b)).collect()
    }

    #[test]
    fn quotations_differing_in_their_words_only_are_altered() {
        let found = altered("\"We are very disappointed,\" she said.", "\"We are disappointed,\" she said.");
        assert_eq!(found, [("We are very disappointed".to_string(), "We are disappointed".to_string())]);
        // One statement quoted in one run and in two pieces.
        let a = "\"He will not be put on IR.\" \"The news is fairly good,\" Payton said.";
        let b = "\"He will not be put on IR. The news is fairly good,\" Payton said.";
        assert!(altered(a, b).is_empty(), "{:?}", altered(a, b));
        assert!(altered(b, a).is_empty());
        // A lost closing mark runs the quotation on through the narration
        // that follows the other's closing mark.
        let a = "Fans joined when the first chants of \"Klitschko, Klitschko\" stirred.";
        let b = "Fans joined when the first chants of \"Klitschko, Klitschko stirred.";
        assert!(altered(a, b).is_empty(), "{:?}", altered(a, b));
        // Words added inside the quotation are an alteration even then.
        let b = "Fans joined when the first chants of \"Klitschko, Klitschko, champion\" stirred.";
        assert_eq!(altered(a, b).len(), 1);
        // A statement quoted in two pieces, the second reworded in the run.
        let a = "\"I'm glad it's over.\" \"I'm glad we got the verdict we got,\" she said.";
        let b = "\"I'm glad it's over. I'm glad we got the verdict we wanted,\" she said.";
        let found = altered(a, b);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.contains("verdict we got") && found[0].1.contains("verdict we wanted"), "{found:?}");
    }
}
