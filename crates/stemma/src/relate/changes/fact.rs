//! Changed facts between the aligned sentences of a group: numbers, dates,
//! ordinals, titles, places and names.
//!
//! Two passes. First the edits themselves: a hunk of the word diff that
//! replaces one fact by another of its kind, the words around unchanged
//! ("five military deferments" / "six military deferments"). Then the
//! reworded sentences, where a fact is paired with another only when its
//! slot says they are one fact: the same unit ("100 mph" / "120 mph"), the
//! same word beside it, the same person (titles), the same preposition
//! (places), the same words after an ordinal. A value present on one side
//! only is an omission, never a change.

use std::collections::HashSet;
use std::ops::ControlFlow;

use super::passage::{Hunk, Side};
use super::{ChangedFact, Group};
use crate::text::facts::{self, FactKind, Ordinal, PlaceMention, Quantity, TitledName};
use crate::text::tokens::{for_each_word, is_stopword, is_stopword_lowercased, try_for_each_word, words};
use crate::text::Doc;

/// Longest hunk side, in words, read as an edit of one fact.
const EDIT_WORDS: usize = 4;

/// The facts of a document's sentences, extracted once per pair: numbers
/// and dates of the aligned sentences, and of every other sentence a number
/// may start in (unaligned sentences are compared by unit); titles,
/// ordinals and places of the aligned ones only.
pub(super) struct SentenceFacts {
    pub quantities: Vec<Vec<Quantity>>,
    pub titled_names: Vec<Vec<TitledName>>,
    pub ordinals: Vec<Vec<Ordinal>>,
    pub places: Vec<Vec<PlaceMention>>,
}

impl SentenceFacts {
    /// The facts of `a` and of `b`; `aligned_a[i]` (`aligned_b[j]`) says
    /// whether sentence `i` of `a` (`j` of `b`) has a partner. A sentence of
    /// `b` written as one of `a` (most of a duplicate or version) has its
    /// facts copied, not extracted again: every extractor reads the
    /// sentence alone.
    pub fn of_pair(a: &Doc, aligned_a: &[bool], b: &Doc, aligned_b: &[bool]) -> (SentenceFacts, SentenceFacts) {
        let (known_a, known_b) = (by_text(a), by_text(b));
        let in_a = |j: usize| known_a.get(b.sentence_text(j)).copied();
        let (only_a, only_b) = (|i: usize| aligned_a.get(i) == Some(&true), |j: usize| aligned_b.get(j) == Some(&true));
        // Every sentence's numbers are compared by unit across the pair
        // (`changed_units`), but only an aligned sentence has its other
        // quantities read: elsewhere a sentence no number can start in is
        // not read at all, and at first neither is one the other document
        // mirrors.
        let numbers = |doc: &Doc, aligned: &dyn Fn(usize) -> bool, mirrored: &[bool]| -> Vec<bool> {
            (0..doc.sentences.len())
                .map(|i| aligned(i) || (!mirrored[i] && facts::may_hold_number(doc.sentence_text(i))))
                .collect()
        };
        let (mirrored_a, mirrored_b) = (mirrored(a, &only_a, b, &known_b), mirrored(b, &only_b, a, &known_a));
        let quantities = |mirrored_a: &[bool], mirrored_b: &[bool]| {
            let (numbers_a, numbers_b) = (numbers(a, &only_a, mirrored_a), numbers(b, &only_b, mirrored_b));
            let (qa, qb) = extracted(a, b, (&|i| numbers_a[i], &|j| numbers_b[j]), &in_a, facts::quantities);
            (cut_decimals(a, qa), cut_decimals(b, qb))
        };
        let (mut qa, mut qb) = quantities(&mirrored_a, &mirrored_b);
        // A mirrored sentence's numbers stand in both documents, so none of
        // them changed; but one may match a number of the other document's
        // in its unit, which then did not change either. Only a unit where
        // each document has a number the other lacks outside mirrored
        // sentences can hold a change: then every sentence is read.
        if may_change_unit(a, &qa, b, &qb) {
            let none = (vec![false; a.sentences.len()], vec![false; b.sentences.len()]);
            (qa, qb) = quantities(&none.0, &none.1);
        }
        let only: (&dyn Fn(usize) -> bool, &dyn Fn(usize) -> bool) = (&only_a, &only_b);
        let (ta, tb) = extracted(a, b, only, &in_a, facts::titled_names);
        let (oa, ob) = extracted(a, b, only, &in_a, facts::ordinals);
        let (pa, pb) = extracted(a, b, only, &in_a, facts::places);
        (
            SentenceFacts { quantities: qa, titled_names: ta, ordinals: oa, places: pa },
            SentenceFacts { quantities: qb, titled_names: tb, ordinals: ob, places: pb },
        )
    }
}

/// The facts `extract` finds in the sentences of `a` and `b` that `wanted`
/// picks (none for the others); a sentence of `b` written as one of `a`
/// (most of a duplicate or version) has its facts copied, not extracted
/// again: every extractor reads the sentence alone.
fn extracted<T: Clone>(
    a: &Doc,
    b: &Doc,
    wanted: (&dyn Fn(usize) -> bool, &dyn Fn(usize) -> bool),
    in_a: &dyn Fn(usize) -> Option<usize>,
    extract: fn(&str) -> Vec<T>,
) -> (Vec<Vec<T>>, Vec<Vec<T>>) {
    let xa: Vec<Vec<T>> =
        (0..a.sentences.len()).map(|i| if wanted.0(i) { extract(a.sentence_text(i)) } else { Vec::new() }).collect();
    let xb: Vec<Vec<T>> = (0..b.sentences.len())
        .map(|j| match wanted.1(j).then(|| in_a(j)).flatten().filter(|&i| wanted.0(i)) {
            Some(i) => xa[i].clone(),
            None if wanted.1(j) => extract(b.sentence_text(j)),
            None => Vec::new(),
        })
        .collect();
    (xa, xb)
}

/// A document's sentences by their text. Sentences are long keys: xxh3
/// reads them eight bytes at a time.
type ByText<'d> = std::collections::HashMap<&'d str, usize, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

fn by_text(doc: &Doc) -> ByText<'_> {
    (0..doc.sentences.len()).map(|i| (doc.sentence_text(i), i)).collect()
}

/// For each sentence of `doc`, whether `other` mirrors it: it is not
/// aligned, not a frame line, written the same way as a sentence of `other`
/// that is not one either, and the splitter cut no decimal at either end of
/// it ([`cut_decimals`]). Its numbers are then the same numbers in both
/// documents, left aside in neither.
fn mirrored(doc: &Doc, aligned: &dyn Fn(usize) -> bool, other: &Doc, known: &ByText<'_>) -> Vec<bool> {
    (0..doc.sentences.len())
        .map(|i| {
            let text = doc.sentence_text(i);
            !aligned(i)
                && !doc.sentences[i].frame
                && !starts_cut(text)
                && !ends_cut(text)
                && known.get(text).is_some_and(|&j| !other.sentences[j].frame)
        })
        .collect()
}

/// Whether some unit has a number in `qa` (of `a`) that `qb` (of `b`) lacks
/// and one in `qb` that `qa` lacks ([`by_unit`], [`lone`]).
fn may_change_unit(a: &Doc, qa: &[Vec<Quantity>], b: &Doc, qb: &[Vec<Quantity>]) -> bool {
    let (ua, ub) = (by_unit(a, qa), by_unit(b, qb));
    ua.iter().any(|(unit, xs)| ub.get(unit).is_some_and(|ys| !lone(xs, ys).is_empty() && !lone(ys, xs).is_empty()))
}

/// A document's numbers by unit, each with its sentence.
pub(super) type ByUnit<'q> = std::collections::BTreeMap<&'q str, Vec<Mention<'q>>>;

/// The numbers of a document's sentences that `changed_units` compares by
/// unit: in a unit of measure, money, percentage or duration, outside frame
/// lines, not left aside.
pub(super) fn by_unit<'q>(doc: &Doc, quantities: &'q [Vec<Quantity>]) -> ByUnit<'q> {
    let mut map = ByUnit::new();
    for (i, found) in quantities.iter().enumerate().filter(|(i, _)| !doc.sentences[*i].frame) {
        for q in found.iter().filter(|q| q.kind == FactKind::Number && !q.aside) {
            if let Some(unit) = q.unit.as_deref().filter(|u| is_measure_unit(u)) {
                map.entry(unit).or_default().push((i, q));
            }
        }
    }
    map
}

/// The numbers of `xs` whose value none of `ys` has (numbers of one unit).
pub(super) fn lone<'m, 'q>(xs: &'m [Mention<'q>], ys: &[Mention<'q>]) -> Vec<&'m Mention<'q>> {
    xs.iter().filter(|(_, x)| !ys.iter().any(|(_, y)| (x.value - y.value).abs() < 1e-9)).collect()
}

/// Whether the splitter may have cut a decimal after this sentence: it ends
/// in a digit and a period ("magnitude 6.").
fn ends_cut(sentence: &str) -> bool {
    sentence.trim_end().strip_suffix('.').is_some_and(|p| p.ends_with(|c: char| c.is_ascii_digit()))
}

/// Whether the splitter may have cut a decimal before this sentence: it
/// starts with a digit ("1 quake struck").
fn starts_cut(sentence: &str) -> bool {
    sentence.trim_start().starts_with(|c: char| c.is_ascii_digit())
}

/// A decimal the sentence splitter cut ("magnitude 6." / "1 quake
/// struck"): neither half is a number of the text.
fn cut_decimals(doc: &Doc, mut quantities: Vec<Vec<Quantity>>) -> Vec<Vec<Quantity>> {
    for i in 1..quantities.len() {
        if ends_cut(doc.sentence_text(i - 1)) && starts_cut(doc.sentence_text(i)) {
            if let Some(q) = quantities[i - 1].last_mut() {
                q.aside = true;
            }
            if let Some(q) = quantities[i].first_mut() {
                q.aside = true;
            }
        }
    }
    quantities
}

/// The family names of the people a document names: titled names, and
/// named sources and quoted speakers of two capitalized words or more (one
/// word is as often "Ukraine" or "the Kremlin"). A name after "to" or
/// "from" that is one of them is a person, not a place.
fn people(doc: &Doc) -> HashSet<String> {
    let mut out: HashSet<String> = (0..doc.sentences.len())
        .flat_map(|i| facts::titled_names(doc.sentence_text(i)))
        .map(|t| t.person_key())
        .collect();
    let last = |s: &str| {
        let ws = words(s);
        let full_name = ws.len() >= 2 && ws.iter().all(|w| w.is_capitalized());
        ws.last().filter(|_| full_name).map(|w| w.text.trim_end_matches("'s").to_lowercase())
    };
    // Every attribution of a document is cited by one of its sentences.
    out.extend(doc.attributions.iter().filter(|a| a.named).filter_map(|a| last(a.source())));
    out.extend(doc.quotes.iter().filter_map(|q| q.speaker.as_deref().and_then(last)));
    out
}

/// The two documents of a pair with their facts.
pub(super) struct Pair<'d> {
    pub a: &'d Doc,
    pub b: &'d Doc,
    pub fa: &'d SentenceFacts,
    pub fb: &'d SentenceFacts,
    /// The people both documents name, found when first needed.
    pub people: std::cell::OnceCell<HashSet<String>>,
    /// The words either document writes in lowercase, found when first needed.
    pub lowercase_words: std::cell::OnceCell<HashSet<String>>,
    /// `relate.reworded_fact_similarity`.
    pub reworded_similarity: f64,
}

impl Pair<'_> {
    fn people(&self) -> &HashSet<String> {
        self.people.get_or_init(|| {
            let mut out = people(self.a);
            out.extend(people(self.b));
            out
        })
    }

    /// Whether either document writes `lower` in lowercase somewhere.
    fn writes_lowercase(&self, lower: &str) -> bool {
        self.lowercase_words
            .get_or_init(|| {
                let mut out = HashSet::new();
                for doc in [self.a, self.b] {
                    for_each_word(&doc.text, |t| {
                        if !t.text.chars().any(char::is_uppercase) {
                            out.insert(t.text.to_string());
                        }
                    });
                }
                out
            })
            .contains(lower)
    }
}

/// The changed facts of one group.
pub(super) fn changed_facts(
    pair: &Pair<'_>,
    group: &Group,
    sa: &Side<'_>,
    sb: &Side<'_>,
    hunks: &[Hunk],
) -> Vec<ChangedFact> {
    let mut out = Vec::new();
    let reworded = group.similarity >= pair.reworded_similarity;
    out.extend(changed_quantities(pair, group, sa, sb, hunks, reworded));
    out.extend(edited_ordinals(pair, sa, sb, hunks));
    if reworded {
        out.extend(changed_ordinals(pair, group).into_iter().filter(|f| !out.contains(f)).collect::<Vec<_>>());
        out.extend(changed_places(pair, group, sa, sb));
    }
    out.extend(changed_titles(pair, group, sa, sb));
    out.extend(changed_names(pair, sa, sb, hunks, &out));
    out
}

/// A number or date with its sentence.
pub(super) type Mention<'q> = (usize, &'q Quantity);

fn mentions<'q>(facts: &'q SentenceFacts, sentences: &[usize]) -> Vec<Mention<'q>> {
    sentences.iter().flat_map(|&i| facts.quantities[i].iter().filter(|q| !q.aside).map(move |q| (i, q))).collect()
}

/// Whether two mentions state one value: equal numbers in one unit (or none),
/// equal measures in two units, dates that agree.
fn same_value(x: &Quantity, y: &Quantity) -> bool {
    if x.kind != y.kind {
        return false;
    }
    if let (Some(dx), Some(dy)) = (&x.date, &y.date) {
        return dx.agrees(dy) == Some(true);
    }
    if let (Some(ux), Some(uy)) = (&x.unit, &y.unit) {
        if ux != uy {
            if let Some(same) = facts::same_measure(x.value, ux, y.value, uy) {
                return same;
            }
        }
    }
    (x.value - y.value).abs() < 1e-9
}

/// Whether two mentions of one kind state different values of one thing, as
/// far as their kind and unit say: dates that disagree on a part both give,
/// numbers in one unit or one dimension of measure, or numbers of which at
/// most one names a unit.
fn comparable(x: &Quantity, y: &Quantity) -> bool {
    if x.kind != y.kind || same_value(x, y) {
        return false;
    }
    if let (Some(dx), Some(dy)) = (&x.date, &y.date) {
        return dx.agrees(dy) == Some(false);
    }
    match (&x.unit, &y.unit) {
        (Some(ux), Some(uy)) if ux != uy => {
            // Two measures of one dimension; or two words after a count
            // ("Sixty local residents" / "Seventy people"), left to the slot
            // to decide. Never a measure against something else.
            facts::same_measure(x.value, ux, y.value, uy).is_some() || (!is_measure_unit(ux) && !is_measure_unit(uy))
        }
        _ => true,
    }
}

fn fact(pair_a: (usize, String), pair_b: (usize, String), kind: FactKind) -> ChangedFact {
    ChangedFact { a: pair_a.1, b: pair_b.1, kind, a_sentence: pair_a.0, b_sentence: pair_b.0 }
}

/// How many words a mention's slot looks past, on each side, for a content
/// word.
const SLOT_REACH: usize = 3;

/// The content words next to a mention: the nearest before it (`"^"` at
/// the sentence's start) and the nearest after it and its unit, lowercase,
/// within [`SLOT_REACH`] words; `None` when only function words are there.
fn neighbours(doc: &Doc, sentence: usize, q: &Quantity) -> (Option<String>, Option<String>) {
    let text = doc.sentence_text(sentence);
    let before_words = words(&text[..q.start]);
    let content = |w: &crate::text::tokens::Token<'_>| {
        let lower = w.text.to_lowercase();
        (!is_stopword(&lower)).then_some(lower)
    };
    let before = if before_words.is_empty() {
        Some("^".to_string())
    } else {
        before_words.iter().rev().take(SLOT_REACH).find_map(content)
    };
    let after_words = words(&text[q.end..]);
    // The unit word itself says nothing of the slot.
    let skip = usize::from(after_words.first().is_some_and(|w| q.unit.is_some() && facts::unit_word(w.text) == q.unit));
    let after = after_words.iter().skip(skip).take(SLOT_REACH).find_map(content);
    (before, after)
}

/// Whether the words around two numbers say they count different things:
/// words of one family of different strength ("five people were injured" /
/// "twelve people were killed").
fn told_apart(pair: &Pair<'_>, x: &Mention<'_>, y: &Mention<'_>) -> bool {
    let around = |doc: &Doc, (i, q): &Mention<'_>| -> Vec<(usize, usize)> {
        let text = doc.sentence_text(*i);
        let before = words(&text[..q.start]);
        let after = words(&text[q.end..]);
        before
            .iter()
            .rev()
            .take(SLOT_REACH)
            .chain(after.iter().take(SLOT_REACH + 1))
            .flat_map(|w| super::shift::degree_of(&w.text.to_lowercase()).iter().copied())
            .collect()
    };
    let (ax, ay) = (around(pair.a, x), around(pair.b, y));
    ax.iter().any(|&(f, l)| ay.iter().any(|&(g, m)| f == g && l != m)) && !ax.iter().any(|p| ay.contains(p))
}

/// Whether two mentions follow the same word, whatever it is: for dates,
/// whose preposition tells their role ("since 2003" / "since 2007").
fn same_preposition(pair: &Pair<'_>, x: &Mention<'_>, y: &Mention<'_>) -> bool {
    let before = |doc: &Doc, (i, q): &Mention<'_>| {
        words(&doc.sentence_text(*i)[..q.start]).last().map(|w| w.text.to_lowercase())
    };
    let (bx, by) = (before(pair.a, x), before(pair.b, y));
    bx.is_some() && bx == by
}

/// Whether two mentions stand in the same words: the nearest content word
/// before them (or the sentence's start), or after them and their unit, is
/// the same.
pub(super) fn same_slot(pair: &Pair<'_>, x: &Mention<'_>, y: &Mention<'_>) -> bool {
    let (bx, ax) = neighbours(pair.a, x.0, x.1);
    let (by, ay) = neighbours(pair.b, y.0, y.1);
    (bx.is_some() && bx == by) || (ax.is_some() && ax == ay)
}

fn changed_quantities(
    pair: &Pair<'_>,
    group: &Group,
    sa: &Side<'_>,
    sb: &Side<'_>,
    hunks: &[Hunk],
    reworded: bool,
) -> Vec<ChangedFact> {
    let qa = mentions(pair.fa, &group.a);
    let qb = mentions(pair.fb, &group.b);
    let (mut used_a, mut used_b) = (vec![false; qa.len()], vec![false; qb.len()]);
    let mut out = Vec::new();
    // Edits: a hunk whose sides are one mention each (hedges aside).
    for h in hunks {
        if !is_edit(sa, sb, h) {
            continue;
        }
        let inside = |side: &Side<'_>, range: &std::ops::Range<usize>, ms: &[Mention<'_>]| -> Option<usize> {
            let first = &side.words[range.start];
            let k =
                ms.iter().position(|(s, q)| *s == first.sentence && q.start <= first.start && first.start < q.end)?;
            let (s, q) = ms[k];
            let all = side.words[range.clone()].iter().all(|w| {
                (w.sentence == s && w.start >= q.start && w.end <= q.end) || HEDGES.contains(&w.lower.as_ref())
            });
            all.then_some(k)
        };
        let (Some(x), Some(y)) = (inside(sa, &h.a, &qa), inside(sb, &h.b, &qb)) else { continue };
        if used_a[x] || used_b[y] || !comparable(qa[x].1, qb[y].1) {
            continue;
        }
        // The edited value must not stand elsewhere on the other side (a
        // reordered list, not a change).
        if qb.iter().any(|(_, q)| same_value(qa[x].1, q)) || qa.iter().any(|(_, q)| same_value(qb[y].1, q)) {
            continue;
        }
        used_a[x] = true;
        used_b[y] = true;
        out.push(fact((qa[x].0, qa[x].1.surface.clone()), (qb[y].0, qb[y].1.surface.clone()), qa[x].1.kind));
    }
    if !reworded {
        return out;
    }
    // Reworded sentences: each side's values the other lacks.
    let only_a: Vec<usize> =
        (0..qa.len()).filter(|&k| !used_a[k] && !qb.iter().any(|(_, y)| same_value(qa[k].1, y))).collect();
    let mut only_b: Vec<usize> =
        (0..qb.len()).filter(|&k| !used_b[k] && !qa.iter().any(|(_, x)| same_value(qb[k].1, x))).collect();
    for &x in &only_a {
        let (xm, xq) = (qa[x], qa[x].1);
        if sentence_in_capitals(pair.a.sentence_text(xm.0)) {
            continue;
        }
        let candidates: Vec<usize> = only_b
            .iter()
            .copied()
            .filter(|&y| comparable(xq, qb[y].1) && !sentence_in_capitals(pair.b.sentence_text(qb[y].0)))
            .filter(|&y| !told_apart(pair, &xm, &qb[y]))
            .collect();
        let same_unit = |y: usize| {
            let (ux, uy) = (xq.unit.as_deref(), qb[y].1.unit.as_deref());
            ux.is_some()
                && uy.is_some()
                && (ux == uy
                    || facts::same_measure(xq.value, ux.unwrap_or(""), qb[y].1.value, uy.unwrap_or("")).is_some())
        };
        let chosen = if xq.kind == FactKind::Date {
            // Dates that disagree on a part both give, in the same words
            // ("in February" / "in March").
            candidates.iter().copied().find(|&y| same_slot(pair, &xm, &qb[y]) || same_preposition(pair, &xm, &qb[y]))
        } else {
            // The same unit or dimension of measure: in the same words, or
            // the only ones of that unit on both sides ("injuring 37
            // others" / "73 others hurt").
            let with_unit: Vec<usize> = candidates.iter().copied().filter(|&y| same_unit(y)).collect();
            let lone_x = only_a.iter().filter(|&&k| qa[k].1.unit == xq.unit).count() == 1;
            match with_unit.as_slice() {
                [y] if lone_x && only_b.iter().filter(|&&k| qb[k].1.unit == qb[*y].1.unit).count() == 1 => Some(*y),
                _ => with_unit.iter().copied().find(|&y| same_slot(pair, &xm, &qb[y])),
            }
        };
        // Unit-less numbers: the only ones of their kind, in the same words.
        let chosen = chosen.or_else(|| {
            let lone_x = only_a.iter().filter(|&&k| qa[k].1.kind == xq.kind).count() == 1;
            let of_kind: Vec<usize> = only_b.iter().copied().filter(|&k| qb[k].1.kind == xq.kind).collect();
            match of_kind.as_slice() {
                [y] if lone_x && candidates.contains(y) && same_slot(pair, &xm, &qb[*y]) => Some(*y),
                _ => None,
            }
        });
        if let Some(y) = chosen {
            only_b.retain(|&k| k != y);
            out.push(fact((xm.0, xq.surface.clone()), (qb[y].0, qb[y].1.surface.clone()), xq.kind));
        }
    }
    out
}

/// Whether a hunk is an edit in unchanged words: on both sides the two
/// words before it (or the sentence's start) and the word after it (or the
/// sentence's end) are shared. Reworded sentences also have small hunks,
/// between shared function words ("heart of Aceh" / "southeast of
/// Reuleuet"); those are not edits.
pub(super) fn is_edit(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> bool {
    if h.a.is_empty() || h.b.is_empty() || h.a.len() > EDIT_WORDS || h.b.len() > EDIT_WORDS {
        return false;
    }
    fn before(side: &Side<'_>, start: usize) -> Vec<Option<String>> {
        let sentence = side.words[start].sentence;
        (1..=2)
            .map(|d| {
                start
                    .checked_sub(d)
                    .map(|k| &side.words[k])
                    .filter(|w| w.sentence == sentence)
                    .map(|w| w.lower.to_string())
            })
            .collect()
    }
    fn after(side: &Side<'_>, end: usize) -> Option<String> {
        let sentence = side.words[end - 1].sentence;
        side.words.get(end).filter(|w| w.sentence == sentence).map(|w| w.lower.to_string())
    }
    let (ba, bb) = (before(sa, h.a.start), before(sb, h.b.start));
    // Shared up to the sentence's start: fewer than two words before is fine.
    let before_ok = ba == bb && (ba[0].is_none() || ba[1].is_none() || ba[1] == bb[1]);
    before_ok && after(sa, h.a.end) == after(sb, h.b.end)
}

/// Words that may stand beside a number in an edit without changing what it
/// counts ("at least five" / "six").
const HEDGES: &[&str] = &[
    "at",
    "least",
    "about",
    "almost",
    "nearly",
    "more",
    "than",
    "some",
    "around",
    "over",
    "up",
    "to",
    "roughly",
    "approximately",
];

/// Units that say what a number measures well enough to pair two numbers
/// across sentences that did not align: measures, money, percentages and
/// durations.
pub(super) fn is_measure_unit(unit: &str) -> bool {
    facts::in_base_units(1.0, unit).is_some()
        || matches!(
            unit,
            "percent"
                | "$"
                | "£"
                | "€"
                | "¥"
                | "hour"
                | "minute"
                | "second"
                | "day"
                | "week"
                | "month"
                | "hour-long"
                | "mph"
        )
}

/// Ordinals replaced in otherwise unchanged words: "second on the team" /
/// "third on the team".
fn edited_ordinals(pair: &Pair<'_>, sa: &Side<'_>, sb: &Side<'_>, hunks: &[Hunk]) -> Vec<ChangedFact> {
    let mut out = Vec::new();
    for h in hunks {
        if h.a.len() != 1 || h.b.len() != 1 || !is_edit(sa, sb, h) {
            continue;
        }
        let (wa, wb) = (&sa.words[h.a.start], &sb.words[h.b.start]);
        let at = |ords: &[Ordinal], start: usize| ords.iter().find(|o| o.start == start).cloned();
        let (Some(x), Some(y)) =
            (at(&pair.fa.ordinals[wa.sentence], wa.start), at(&pair.fb.ordinals[wb.sentence], wb.start))
        else {
            continue;
        };
        if x.value != y.value {
            out.push(fact((wa.sentence, x.surface), (wb.sentence, y.surface), FactKind::Ordinal));
        }
    }
    out
}

fn changed_ordinals(pair: &Pair<'_>, group: &Group) -> Vec<ChangedFact> {
    let oa: Vec<(usize, &Ordinal)> =
        group.a.iter().flat_map(|&i| pair.fa.ordinals[i].iter().map(move |o| (i, o))).collect();
    let ob: Vec<(usize, &Ordinal)> =
        group.b.iter().flat_map(|&j| pair.fb.ordinals[j].iter().map(move |o| (j, o))).collect();
    let only_a: Vec<&(usize, &Ordinal)> =
        oa.iter().filter(|(_, x)| !ob.iter().any(|(_, y)| y.value == x.value)).collect();
    let mut only_b: Vec<&(usize, &Ordinal)> =
        ob.iter().filter(|(_, y)| !oa.iter().any(|(_, x)| x.value == y.value)).collect();
    let mut out = Vec::new();
    for (i, x) in only_a {
        // Ranks of one thing: they share a word they qualify.
        let Some(k) = only_b.iter().position(|(_, y)| y.head.iter().any(|h| x.head.contains(h))) else { continue };
        let (j, y) = only_b.remove(k);
        out.push(fact((*i, x.surface.clone()), (*j, y.surface.clone()), FactKind::Ordinal));
    }
    out
}

/// Role words, abbreviations written out, for finding a role word on the
/// other side ("Sgt." there counts as "sergeant").
fn role_words(side: &Side<'_>) -> HashSet<String> {
    side.words.iter().map(|w| facts::title_form(&w.lower.replace('.', "")).to_string()).collect()
}

fn changed_titles(pair: &Pair<'_>, group: &Group, sa: &Side<'_>, sb: &Side<'_>) -> Vec<ChangedFact> {
    let mut out = Vec::new();
    let (words_a, words_b) = (std::cell::OnceCell::new(), std::cell::OnceCell::new());
    for &i in &group.a {
        for ta in &pair.fa.titled_names[i] {
            let same_person = group.b.iter().find_map(|&j| {
                pair.fb.titled_names[j].iter().find(|tb| tb.person_key() == ta.person_key()).map(|tb| (j, tb))
            });
            let Some((j, tb)) = same_person else { continue };
            // A title dropped from the name but still given nearby ("Sgt.
            // Hoyt Teasley, a sheriff's deputy") is no change.
            if !ta.role_differs(tb) {
                continue;
            }
            let (wa, wb) = (words_a.get_or_init(|| role_words(sa)), words_b.get_or_init(|| role_words(sb)));
            if ta.role_conflicts(tb, &|w| wa.contains(w), &|w| wb.contains(w)) {
                out.push(fact((i, ta.surface.clone()), (j, tb.surface.clone()), FactKind::Title));
            }
        }
    }
    out
}

/// Prepositions of place that say the same of a place: "in", "at",
/// "inside", "within".
fn place_class(preposition: &str) -> &str {
    match preposition {
        "in" | "at" | "inside" | "within" => "in",
        "toward" | "towards" => "toward",
        other => other,
    }
}

/// Whether two names are spellings of one name ("Zelenskyy" / "Zelensky",
/// "Kiev" / "Kyiv", "Gaddafi" / "Qaddafi"), or one is part of the other
/// ("Kursk" / "Russia's Kursk").
pub(super) fn one_name(x: &str, y: &str) -> bool {
    let name_words = |s: &str| -> Vec<String> {
        words(s)
            .iter()
            .map(|w| {
                let lower = w.text.trim_end_matches("'s").to_lowercase().replace('.', "");
                match lower.as_str() {
                    "mt" => "mount".to_string(),
                    "st" => "saint".to_string(),
                    "ft" => "fort".to_string(),
                    _ => lower,
                }
            })
            .filter(|w| !w.is_empty() && !is_stopword(w))
            .collect()
    };
    let (wx, wy) = (name_words(x), name_words(y));
    let letters = |ws: &[String]| -> String { ws.concat().chars().filter(|c| c.is_alphabetic()).collect() };
    let (lx, ly) = (letters(&wx), letters(&wy));
    if lx == ly || wx.iter().all(|w| wy.contains(w)) || wy.iter().all(|w| wx.contains(w)) {
        return true;
    }
    // An acronym of the other: "CHP" / "California Highway Patrol", "U.N." /
    // "United Nations".
    let initials = |ws: &[String]| -> String { ws.iter().filter_map(|w| w.chars().next()).collect() };
    if (wx.len() == 1 && lx == initials(&wy)) || (wy.len() == 1 && ly == initials(&wx)) {
        return true;
    }
    // A place and its people: "Ukraine" / "Ukrainian", "China" / "Chinese".
    let prefix = lx.chars().zip(ly.chars()).take_while(|(p, q)| p == q).count();
    let shorter = lx.chars().count().min(ly.chars().count());
    if prefix >= 4 && prefix + 1 >= shorter {
        return true;
    }
    let skeleton = |s: &str| -> String {
        let mut out = String::new();
        for c in s.chars() {
            let c = match c {
                'c' | 'q' => 'k',
                'z' => 's',
                'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'h' => continue,
                other => other,
            };
            if !out.ends_with(c) {
                out.push(c);
            }
        }
        out
    };
    let distance = levenshtein(&lx, &ly);
    let longest = lx.chars().count().max(ly.chars().count());
    (distance <= 2 && longest >= 4 && skeleton(&lx) == skeleton(&ly)) || (distance == 1 && longest >= 6)
}

/// Edit distance of two strings, in characters.
pub(crate) fn levenshtein(x: &str, y: &str) -> usize {
    let y: Vec<char> = y.chars().collect();
    let mut row: Vec<usize> = (0..=y.len()).collect();
    for (i, cx) in x.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cy) in y.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diagonal + usize::from(cx != cy));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[y.len()]
}

/// Organization words: a name holding one is an organization, not a place.
#[rustfmt::skip]
const ORGANIZATION_WORDS: &[&str] = &[
    "inc", "corp", "co", "ltd", "llc", "plc", "company", "corporation", "party", "bank", "group", "association",
    "agency", "ministry", "department", "committee", "council", "union", "institute", "foundation", "news",
    "times", "post", "press", "reuters", "network", "university", "club", "team", "fund", "board",
];

fn name_kind(name: &str, people: &HashSet<String>) -> FactKind {
    let ws: Vec<String> =
        words(name).iter().map(|w| w.text.trim_end_matches("'s").to_lowercase().replace('.', "")).collect();
    let person = ws.last().is_some_and(|w| people.contains(w));
    let organization = ws.iter().any(|w| ORGANIZATION_WORDS.contains(&w.as_str()));
    if person || organization {
        FactKind::Name
    } else {
        FactKind::Place
    }
}

fn changed_places(pair: &Pair<'_>, group: &Group, sa: &Side<'_>, sb: &Side<'_>) -> Vec<ChangedFact> {
    let pa: Vec<(usize, &PlaceMention)> =
        group.a.iter().flat_map(|&i| pair.fa.places[i].iter().map(move |p| (i, p))).collect();
    let pb: Vec<(usize, &PlaceMention)> =
        group.b.iter().flat_map(|&j| pair.fb.places[j].iter().map(move |p| (j, p))).collect();
    // A name the other side still mentions, anywhere, is not replaced.
    let unmatched = |ps: &[(usize, &PlaceMention)], other: &Side<'_>| -> Vec<(usize, PlaceMention)> {
        ps.iter()
            .filter(|(_, p)| !p.name_words().iter().all(|w| other.has_word(w)))
            .map(|(i, p)| (*i, (*p).clone()))
            .collect()
    };
    let (ua, ub) = (unmatched(&pa, sb), unmatched(&pb, sa));
    // The content word before the preposition: "assistance to Kyiv" /
    // "assistance to Ukraine" are one slot, "damaged in Takengon" /
    // "buildings in Bener Meriah" are two facts.
    let before = |doc: &Doc, i: usize, p: &PlaceMention| -> Option<String> {
        let text = doc.sentence_text(i);
        words(&text[..p.start]).iter().rev().take(2).map(|w| w.text.to_lowercase()).find(|w| !is_stopword(w))
    };
    let mut out = Vec::new();
    for (i, x) in &ua {
        let class = place_class(&x.preposition);
        let same: Vec<&(usize, PlaceMention)> =
            ub.iter().filter(|(_, y)| place_class(&y.preposition) == class).collect();
        let alike_a = ua.iter().filter(|(_, z)| place_class(&z.preposition) == class).count();
        let [(j, y)] = same.as_slice() else { continue };
        if alike_a != 1 || one_name(&x.name, &y.name) {
            continue;
        }
        let slot = before(pair.a, *i, x);
        if slot.is_none() || slot != before(pair.b, *j, y) {
            continue;
        }
        let short = |n: &str| n.chars().filter(|c| c.is_alphabetic()).count() < 2;
        if short(&x.name) || short(&y.name) {
            continue;
        }
        if sentence_in_capitals(pair.a.sentence_text(*i)) || sentence_in_capitals(pair.b.sentence_text(*j)) {
            continue;
        }
        let text_a = &pair.a.sentence_text(*i)[x.start..x.end];
        let text_b = &pair.b.sentence_text(*j)[y.start..y.end];
        let kind = match (name_kind(&x.name, pair.people()), name_kind(&y.name, pair.people())) {
            (FactKind::Place, FactKind::Place) => FactKind::Place,
            _ => FactKind::Name,
        };
        out.push(fact((*i, text_a.to_string()), (*j, text_b.to_string()), kind));
    }
    out
}

/// Names replaced in otherwise unchanged words: a hunk whose sides are each
/// a run of capitalized words, neither at a sentence's start, neither named
/// anywhere on the other side.
fn changed_names(
    pair: &Pair<'_>,
    sa: &Side<'_>,
    sb: &Side<'_>,
    hunks: &[Hunk],
    found: &[ChangedFact],
) -> Vec<ChangedFact> {
    let mut out = Vec::new();
    for h in hunks {
        if !is_edit(sa, sb, h) {
            continue;
        }
        // Bounded by shared words on both sides.
        if h.a.start == 0 || h.a.end >= sa.words.len() || h.b.start == 0 || h.b.end >= sb.words.len() {
            continue;
        }
        if headline_case(sa, &h.a) || headline_case(sb, &h.b) {
            continue;
        }
        let is_name = |side: &Side<'_>, range: &std::ops::Range<usize>| {
            let ws = &side.words[range.clone()];
            let sentence = ws[0].sentence;
            let text = side.doc.sentence_text(sentence);
            // After a full stop the sentence splitter missed, a capital
            // starts a sentence, not a name.
            let opens = |w: &super::passage::Word<'_>| {
                let before = text[..w.start].trim_end();
                // "A.J. Smith", "Mr. Smith": a period after initials or a
                // short abbreviation ends no sentence.
                let previous = words(before).last().map_or("", |t| t.text);
                let digits = previous.chars().any(|c| c.is_ascii_digit());
                let abbreviation =
                    !digits && (previous.chars().filter(|c| c.is_alphabetic()).count() <= 2 || previous.contains('.'));
                w.first || before.ends_with(['!', '?', ':', '"', '\'']) || (before.ends_with('.') && !abbreviation)
            };
            ws.iter().all(|w| {
                let lower = w.lower.replace('.', "");
                w.sentence == sentence
                    && !opens(w)
                    && w.text.chars().next().is_some_and(char::is_uppercase)
                    && !w.text.chars().any(|c| c.is_ascii_digit())
                    && !is_stopword(&lower)
                    && !facts::is_role_word(&lower)
                    && facts::quantities(w.text).is_empty()
                    && !matches!(lower.as_str(), "mr" | "mrs" | "ms" | "dr")
            }) && side.words[range.end].sentence == sentence
                && side.words[range.start - 1].sentence == sentence
        };
        if !is_name(sa, &h.a) || !is_name(sb, &h.b) {
            continue;
        }
        let text = |side: &Side<'_>, range: &std::ops::Range<usize>| {
            let ws = &side.words[range.clone()];
            side.doc.sentence_text(ws[0].sentence)[ws[0].start..ws[ws.len() - 1].end].to_string()
        };
        let (x, y) = (text(sa, &h.a), text(sb, &h.b));
        // A word either text also writes in lowercase is a word, not a name
        // ("The Naval commandos" / "The Indian commandos").
        let common = |name: &str| words(name).iter().any(|w| pair.writes_lowercase(&w.text.to_lowercase()));
        if common(&x) || common(&y) {
            continue;
        }
        // One capitalized word before a lowercase one is used as an
        // adjective ("Naval commandos", "Indian commandos"): not a name.
        let adjective = |side: &Side<'_>, range: &std::ops::Range<usize>| {
            let next = &side.words[range.end];
            range.len() == 1
                && !next.text.starts_with(char::is_uppercase)
                && !is_stopword(&next.lower)
                && !side.words[range.start].text.ends_with("'s")
        };
        if adjective(sa, &h.a) || adjective(sb, &h.b) {
            continue;
        }
        let elsewhere = |name: &str, other: &Side<'_>| {
            words(name).iter().any(|w| other.has_word(&w.text.trim_end_matches("'s").to_lowercase()))
        };
        if one_name(&x, &y) || elsewhere(&x, sb) || elsewhere(&y, sa) {
            continue;
        }
        let (i, j) = (sa.words[h.a.start].sentence, sb.words[h.b.start].sentence);
        if found.iter().any(|f| f.a_sentence == i && f.b_sentence == j && (f.a.contains(&x) || f.b.contains(&y))) {
            continue;
        }
        // After a preposition of place, a place unless it names a person.
        let preposition = &sa.words[h.a.start - 1].lower;
        let kind = match name_kind(&x, pair.people()) {
            FactKind::Place if is_place_preposition(preposition) => FactKind::Place,
            _ => FactKind::Name,
        };
        out.push(fact((i, x), (j, y), kind));
    }
    out
}

/// Whether the sentence of a hunk is written in capitals or title case (a
/// headline: "HP to Expand Data Center Services"), where capitals tell no
/// name.
fn headline_case(side: &Side<'_>, range: &std::ops::Range<usize>) -> bool {
    let sentence = side.words[range.start].sentence;
    sentence_in_capitals(side.doc.sentence_text(sentence))
}

/// Whether all words of a sentence, function words aside, are capitalized
/// (three words or more).
pub(super) fn sentence_in_capitals(text: &str) -> bool {
    // Called for every edit of every pair: the first lowercase content
    // word settles it, read no further, and words are not lowercased to
    // be looked up.
    let (mut capitalized, mut first) = (0, true);
    let lowercase_met = try_for_each_word(text, |w| {
        if std::mem::take(&mut first) || !w.text.chars().next().is_some_and(char::is_alphabetic) {
            return ControlFlow::Continue(());
        }
        if w.is_capitalized() {
            capitalized += usize::from(!is_stopword_lowercased(w.text));
        } else if !is_stopword_lowercased(w.text) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    lowercase_met.is_continue() && capitalized >= 3
}

fn is_place_preposition(word: &str) -> bool {
    matches!(
        word,
        "in" | "at"
            | "from"
            | "near"
            | "outside"
            | "to"
            | "into"
            | "inside"
            | "toward"
            | "towards"
            | "across"
            | "within"
            | "off"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name() {
        assert!(one_name("Zelenskyy", "Zelensky"));
        assert!(one_name("Kiev", "Kyiv"));
        assert!(one_name("Gaddafi", "Qaddafi"));
        assert!(one_name("Kursk", "Russia's Kursk"));
        assert!(!one_name("Iran", "Iraq"));
        assert!(!one_name("Kyiv", "Ukraine"));
        assert!(!one_name("San Diego", "Los Angeles"));
        assert!(!one_name("Mali", "Malawi"));
        assert!(!one_name("Austria", "Australia"));
        assert!(one_name("CHP", "California Highway Patrol"));
        assert!(one_name("U.N.", "United Nations"));
        assert!(one_name("A.J. Smith", "AJ Smith"));
        assert!(one_name("Mt Cook", "Aoraki Mount Cook"));
        assert!(one_name("Ukraine", "Ukrainian"));
        assert!(!one_name("Smith", "Butler"));
    }

    #[test]
    fn a_sentence_in_capitals_is_a_headline_set_in_the_text() {
        assert!(sentence_in_capitals("Search For Missing Hiker Ends In The Alps"));
        // The first word and function words do not count either way.
        assert!(sentence_in_capitals("the Storm Hits Coastal Towns of the North"));
        assert!(!sentence_in_capitals("Search For Missing Hiker ends In The Alps"));
        assert!(!sentence_in_capitals("The search for the hiker ended on Tuesday"));
        // Three capitalized content words at the least; numbers are skipped.
        assert!(!sentence_in_capitals("Rescue Teams 12 of the"));
        assert!(sentence_in_capitals("Rescue Teams Return 12 Hikers"));
    }
}
