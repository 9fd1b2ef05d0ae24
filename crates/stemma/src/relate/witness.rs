//! Direction from the independent accounts of a story, as textual critics
//! root a stemma: where two texts disagree, the reading that independent
//! witnesses share is the original's, and the other is the copy's
//! innovation.
//!
//! Two reporters who cover one event independently quote the speaker's
//! words and state the facts (numbers, names, titles, places) as they were;
//! a copy editor who alters a quotation or a fact of the text being copied
//! leaves a reading no one else has. So when a spin reads "Nairobi", "9
//! Yemeni" or "I do n't believe" where its partner reads "Mombasa", "11
//! Yemeni", "I do n't think", and other articles of the story that derive
//! from neither read as the partner does, the partner is the source.
//!
//! Readings are taken only where the pair differs in a reported change:
//! inside an altered quotation (any rewording, since a quotation is the
//! speaker's words), and, in sentences with a changed fact or a meaning
//! shift, wording replaced by other wording (a word dropped from narration
//! leaves a reading too generic to tell: "the merchant" against "the
//! Ethiopian-flagged merchant"). Witnesses are the story's other members
//! that have no derived relation with either text; a document related to
//! one of them would only repeat it.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::{changes, flip, DirectionBasis, Relation};
use crate::config::RelateConfig;
use crate::text::tokens::{for_each_word, is_stopword};
use crate::text::Doc;

/// One place where two texts read differently: the words of each, with a
/// word of shared context on each side, hashed lowercase for search, and as
/// written for the reader.
#[derive(Debug, Clone, PartialEq)]
struct Reading {
    a: Vec<u64>,
    b: Vec<u64>,
    a_words: String,
    b_words: String,
}

/// A word of a text: its lowercase hash and how it is written.
struct Word<'t> {
    hash: u64,
    text: &'t str,
    stop: bool,
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    for_each_word(text, |t| {
        let lower = t.text.to_lowercase();
        out.push(Word { hash: xxh3_64(lower.as_bytes()), text: t.text, stop: is_stopword(&lower) });
    });
    out
}

fn hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_word(text, |t| out.push(xxh3_64(t.text.to_lowercase().as_bytes())));
    out
}

/// The readings of two wordings: each stretch of differing words (at most
/// `max_words` on a side), with a word of context each side. In
/// `narration`, only wording replaced by other wording with a word that is
/// not a stopword; in a quotation, any stretch (the speaker's "very" is a
/// reading too).
fn readings(a: &str, b: &str, narration: bool, max_words: usize) -> Vec<Reading> {
    let (wa, wb) = (words(a), words(b));
    let xa: Vec<u64> = wa.iter().map(|w| w.hash).collect();
    let xb: Vec<u64> = wb.iter().map(|w| w.hash).collect();
    let mut out = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, &xa, &xb) {
        if matches!(op, similar::DiffOp::Equal { .. }) {
            continue;
        }
        let (ra, rb) = (op.old_range(), op.new_range());
        if ra.len() > max_words || rb.len() > max_words {
            continue;
        }
        let (da, db) = (&wa[ra.clone()], &wb[rb.clone()]);
        if narration && (da.is_empty() || db.is_empty() || da.iter().chain(db).all(|w| w.stop)) {
            continue;
        }
        // Not a reading: the same letters spaced or punctuated otherwise
        // ("Police'locked" / "Police locked", "AK-47" / "AK 47"), or digits
        // added to a number ("6 p.m." / "6:00 p.m.").
        let letters = |ws: &[Word<'_>]| {
            ws.iter()
                .flat_map(|w| w.text.chars())
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        if letters(da) == letters(db) {
            continue;
        }
        let added = if da.is_empty() { db } else { da };
        if (da.is_empty() || db.is_empty()) && !added.iter().any(|w| w.text.chars().any(char::is_alphabetic)) {
            continue;
        }
        // A side that only drops words reads as its two neighbours, which
        // must both be there to make the reading specific.
        if (ra.is_empty() || rb.is_empty()) && (ra.start == 0 || ra.end >= wa.len()) {
            continue;
        }
        // The context words are equal on both sides (the diff's neighbours).
        let span = |r: &std::ops::Range<usize>, n: usize| r.start.saturating_sub(1)..(r.end + 1).min(n);
        let (sa, sb) = (span(&ra, wa.len()), span(&rb, wb.len()));
        let said = |ws: &[Word<'_>]| ws.iter().map(|w| w.text).collect::<Vec<_>>().join(" ");
        out.push(Reading {
            a: xa[sa.clone()].to_vec(),
            b: xb[sb.clone()].to_vec(),
            a_words: said(&wa[sa]),
            b_words: said(&wb[sb]),
        });
    }
    out
}

/// The readings of a pair's reported changes (see the module's doc).
fn readings_of(a: &Doc, b: &Doc, changes: &changes::Changes, max_words: usize) -> Vec<Reading> {
    let mut out: Vec<Reading> = Vec::new();
    for q in &changes.altered_quotes {
        out.extend(readings(&q.a, &q.b, false, max_words));
    }
    let sentences: std::collections::BTreeSet<(usize, usize)> = changes
        .changed_facts
        .iter()
        .map(|f| (f.a_sentence, f.b_sentence))
        .chain(changes.meaning_shifts.iter().map(|s| (s.a_sentence, s.b_sentence)))
        .collect();
    for (i, j) in sentences {
        out.extend(readings(a.sentence_text(i), b.sentence_text(j), true, max_words));
    }
    let mut seen = HashSet::new();
    out.retain(|r| seen.insert((r.a.clone(), r.b.clone())));
    out
}

fn contains(text: &[u64], phrase: &[u64]) -> bool {
    !phrase.is_empty() && text.windows(phrase.len()).any(|w| w == phrase)
}

/// The independent accounts of a pair: the other members of the first
/// text's story that have no derived relation with either text (a document
/// related to one of them would only repeat it).
struct Accounts<'r> {
    story: &'r [u32],
    related: HashMap<usize, HashSet<usize>>,
    members: HashMap<u32, Vec<usize>>,
}

impl<'r> Accounts<'r> {
    /// The accounts of `story`'s members, with `pairs` the derived pairs
    /// that rule a member out.
    fn new(pairs: impl Iterator<Item = (usize, usize)>, story: &'r [u32]) -> Self {
        let mut related: HashMap<usize, HashSet<usize>> = HashMap::new();
        for (a, b) in pairs {
            related.entry(a).or_default().insert(b);
            related.entry(b).or_default().insert(a);
        }
        let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
        for (d, &s) in story.iter().enumerate() {
            members.entry(s).or_default().push(d);
        }
        Accounts { story, related, members }
    }

    /// At most `limit` accounts of the pair `a`, `b`, in document order.
    fn of(&self, a: usize, b: usize, limit: usize) -> Vec<usize> {
        let none = HashSet::new();
        let (ra, rb) = (self.related.get(&a).unwrap_or(&none), self.related.get(&b).unwrap_or(&none));
        self.members[&self.story[a]]
            .iter()
            .copied()
            .filter(|&c| c != a && c != b && !ra.contains(&c) && !rb.contains(&c))
            .take(limit)
            .collect()
    }
}

/// What the witnesses say of one pair: `Some((a_is_source, evidence))`.
fn verdict(readings: &[Reading], witnesses: &[&Vec<u64>], config: &RelateConfig) -> Option<(bool, Vec<String>)> {
    let (mut for_a, mut for_b) = (Vec::new(), Vec::new());
    for r in readings {
        let reads = |x: &[u64], y: &[u64]| witnesses.iter().filter(|w| contains(w, x) && !contains(w, y)).count();
        let (na, nb) = (reads(&r.a, &r.b), reads(&r.b, &r.a));
        // A reading both sides find support for tells nothing: accounts
        // that word it either way are not yet a tradition.
        match (na, nb) {
            (1.., 0) => for_a.push((r, na)),
            (0, 1..) => for_b.push((r, nb)),
            _ => {}
        }
    }
    let decided = |won: usize, lost: usize| won > 0 && won as f64 >= config.witness_margin * lost as f64;
    let a_is_source = if decided(for_a.len(), for_b.len()) {
        true
    } else if decided(for_b.len(), for_a.len()) {
        false
    } else {
        return None;
    };
    let (won, lost) = if a_is_source { (&for_a, &for_b) } else { (&for_b, &for_a) };
    let n = witnesses.len();
    let mut evidence: Vec<String> = won
        .iter()
        .map(|(r, yes)| {
            let (source, copy) = if a_is_source { (&r.a_words, &r.b_words) } else { (&r.b_words, &r.a_words) };
            format!("{yes} of {n} independent accounts of the story read \"{source}\" as the source does, none \"{copy}\" as the copy does")
        })
        .collect();
    if !lost.is_empty() {
        evidence.push(format!("{} reading(s) point the other way", lost.len()));
    }
    Some((a_is_source, evidence))
}

/// Whether [`direct_by_witnesses`] asks the story's accounts about a
/// relation: nothing else directed it, and it changed something a reading
/// can tell apart.
pub fn open(r: &Relation) -> bool {
    let c = &r.changes;
    r.direction.is_none() && !(c.altered_quotes.is_empty() && c.changed_facts.is_empty() && c.meaning_shifts.is_empty())
}

/// Directs the relations that nothing else directed by the readings of the
/// story's independent accounts (see the module's doc). `story` labels each
/// document with its story. A relation whose source turns out to be `b` is
/// flipped, and its changes computed again from the source's side.
pub fn direct_by_witnesses(documents: &[Doc], relations: &mut [Relation], story: &[u32], config: &RelateConfig) {
    let open: Vec<usize> = (0..relations.len()).filter(|&k| open(&relations[k])).collect();
    if open.is_empty() {
        return;
    }
    let accounts = Accounts::new(relations.iter().map(|r| (r.a, r.b)), story);
    let chosen: Vec<Vec<usize>> =
        open.iter().map(|&k| accounts.of(relations[k].a, relations[k].b, config.witnesses)).collect();
    // Each witness is read once, however many pairs it judges.
    let needed: Vec<usize> = chosen.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
    let texts: HashMap<usize, Vec<u64>> = needed.par_iter().map(|&d| (d, hashes(&documents[d].text))).collect();
    let verdicts: Vec<Option<(bool, Vec<String>)>> = open
        .par_iter()
        .zip(&chosen)
        .map(|(&k, witnesses)| {
            let r = &relations[k];
            if witnesses.is_empty() {
                return None;
            }
            let readings = readings_of(&documents[r.a], &documents[r.b], &r.changes, config.witness_reading_words);
            let texts: Vec<&Vec<u64>> = witnesses.iter().map(|d| &texts[d]).collect();
            verdict(&readings, &texts, config)
        })
        .collect();
    for (&k, verdict) in open.iter().zip(verdicts) {
        let Some((a_is_source, evidence)) = verdict else { continue };
        let r = &mut relations[k];
        if !a_is_source {
            std::mem::swap(&mut r.a, &mut r.b);
            r.alignment = flip(r.alignment.clone());
            r.changes = changes::changes(&documents[r.a], &documents[r.b], &r.alignment, config);
        }
        r.direction = Some(DirectionBasis::Witnesses);
        r.direction_evidence = evidence;
    }
}

/// Whether the story's accounts confirm a condensed rewrite: its source
/// holds more of its vocabulary than any account (`others`) by `margin`, or
/// by anything at all when the margin is `0.0`. A summary in new words
/// (`margin > 0`) also needs its source and itself in one story and an
/// account to compare; a summary in its source's words stands without
/// accounts.
fn confirmed(held: f64, others: &[f64], together: bool, margin: f64) -> bool {
    let best = others.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if margin > 0.0 {
        together && !others.is_empty() && held - best >= margin
    } else {
        held > best
    }
}

/// Whether a relation is a condensed rewrite written further from its
/// source's words than `condensed_vocabulary`, which the story's accounts
/// must confirm ([`confirm_condensed`]); until then it does not seed the
/// stories.
pub fn tentative(r: &Relation, config: &RelateConfig) -> bool {
    r.kind == super::RelationKind::Condensed
        && r.alignment.vocabulary_a.max(r.alignment.vocabulary_b) < config.condensed_vocabulary
}

/// Whether a relation is a condensed rewrite, which the story's accounts
/// may overturn ([`confirm_condensed`]).
pub fn condensed(r: &Relation) -> bool {
    r.kind == super::RelationKind::Condensed
}

/// Reads each condensed rewrite against the story's independent accounts:
/// an independent short report of an event shares its words with every
/// account of it, a summary with its source.
///
/// A summary written far from its source's words ([`tentative`]: its
/// vocabulary share between `condensed_vocabulary_floor` and
/// `condensed_vocabulary`) stands only when the accounts hold at least
/// `condensed_exclusive_margin` less of its vocabulary than its source
/// does; without accounts it falls. Any other summary falls when an account
/// holds as much of its vocabulary as its source: a press release every
/// outlet quoted is no summary of the one that quoted it at length. A
/// summary that falls is judged as it would have been without being one: a
/// rewrite, say, or nothing.
///
/// `known` holds derived pairs of `documents` judged elsewhere (an index's
/// earlier judgements): like `relations`, they rule a document out as an
/// account of a pair one of them touches.
pub fn confirm_condensed(
    documents: &[Doc],
    relations: &mut Vec<Relation>,
    known: &[(usize, usize)],
    story: &[u32],
    stats: &crate::stats::CorpusStats,
    config: &RelateConfig,
) {
    if !relations.iter().any(condensed) {
        return;
    }
    let pairs = relations.iter().map(|r| (r.a, r.b)).chain(known.iter().copied());
    let accounts = Accounts::new(pairs, story);
    // Floor raised to the bar: a summary in new words is not one; coverage
    // past reach: no summary is.
    let strict = RelateConfig { condensed_vocabulary_floor: config.condensed_vocabulary, ..config.clone() };
    let none = RelateConfig { condensed_coverage: f64::INFINITY, ..config.clone() };
    let judged: Vec<Option<Option<Relation>>> = relations
        .par_iter()
        .map(|r| {
            if !condensed(r) {
                return None;
            }
            // The condensed text is the copy, `b`.
            let (short, long) = (r.b, r.a);
            // The summary's vocabulary once, against its source and each account.
            let vocabulary = |d: usize| crate::align::vocabulary_of(&documents[d], stats);
            let summary = vocabulary(short);
            let held = crate::align::vocabulary_held(&summary, &vocabulary(long));
            let others: Vec<f64> = accounts
                .of(short, long, config.witnesses)
                .into_iter()
                .map(|c| crate::align::vocabulary_held(&summary, &vocabulary(c)))
                .collect();
            let (margin, judge) =
                if tentative(r, config) { (config.condensed_exclusive_margin, &strict) } else { (0.0, &none) };
            if confirmed(held, &others, story[short] == story[long], margin) {
                return None;
            }
            let (a, b) = ((r.a, &documents[r.a]), (r.b, &documents[r.b]));
            Some(super::relate(a, b, r.alignment.clone(), super::Resemblance::default(), None, judge))
        })
        .collect();
    let mut judged = judged.into_iter();
    let old = std::mem::take(relations);
    for r in old {
        match judged.next().flatten() {
            None => relations.push(r),
            Some(replacement) => relations.extend(replacement),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relate::tests::{analysed, STORY};

    #[test]
    fn readings_are_the_differing_words_in_context() {
        let r = readings(
            "Jackson was driving near Interstate 805, Officer Brad Baehr said.",
            "Jackson was driving on Interstate 805, Sgt. Brad Baehr said.",
            true,
            6,
        );
        let said: Vec<(&str, &str)> = r.iter().map(|r| (r.a_words.as_str(), r.b_words.as_str())).collect();
        assert_eq!(
            said,
            vec![("driving near Interstate", "driving on Interstate"), ("805 Officer Brad", "805 Sgt Brad")]
        );
    }

    /// Two reports of the same council vote in their own words, with the
    /// same facts and the same quotation.
    const ACCOUNTS: [&str; 2] = [
        "Harbour councillors voted seven to four late on Monday to repair the three old bridges. \
         Twelve million euros will go to steel cables and concrete. \
         \"We cannot wait another winter,\" said Mayor Ilse Brandt. Work on the northern span starts in spring.",
        "After a debate that ran until midnight, the harbour council backed repairs to three bridges. \
         The bill comes to twelve million euros, officials said. \"We cannot wait another winter,\" Mayor Ilse Brandt told reporters. \
         Extra ferries will cross the harbour during the closures.",
    ];

    #[test]
    fn independent_accounts_side_with_the_source() {
        let mut source = STORY.to_vec();
        source[3] = "\"We cannot wait another winter,\" said Mayor Ilse Brandt after the vote.";
        let source = source.join("\n\n");
        let spin = source.replace("twelve million", "fifteen million").replace("another winter", "another year");
        // The spin has the smaller id, so that only the witnesses can make
        // the other text the source.
        let mut articles = vec![("a-spin", spin.as_str()), ("b-source", source.as_str())];
        let analysis = analysed(&articles);
        assert_eq!(analysis.relations.len(), 1);
        assert_eq!(analysis.relations[0].direction, None, "no accounts, no direction");
        articles.extend([("c-account", ACCOUNTS[0]), ("d-account", ACCOUNTS[1])]);
        let analysis = analysed(&articles);
        assert_eq!(analysis.relations.len(), 1, "the accounts are independent");
        let r = &analysis.relations[0];
        assert_eq!(r.direction, Some(DirectionBasis::Witnesses), "{:?}", r.direction_evidence);
        assert_eq!(analysis.documents[r.a].id, "b-source", "{:?}", r.direction_evidence);
        assert!(r.direction_evidence.iter().any(|e| e.contains("another winter")), "{:?}", r.direction_evidence);
        // The changes read from the source's side.
        assert_eq!(r.changes.altered_quotes[0].b, "We cannot wait another year");
    }

    #[test]
    fn a_summary_is_confirmed_by_accounts_that_hold_less_of_it() {
        // Its source holds 64% of its words, the best account 32%.
        assert!(confirmed(0.64, &[0.32, 0.2], true, 0.2));
        // An independent brief: the accounts hold as much of it.
        assert!(!confirmed(0.61, &[0.58, 0.3], true, 0.2));
        // No account to compare, or source and summary in two stories.
        assert!(!confirmed(0.64, &[], true, 0.2));
        assert!(!confirmed(0.64, &[0.3], false, 0.2));
        // A summary in its source's words (no margin) stands unless an
        // account holds as much of it: a press release every outlet quoted.
        assert!(confirmed(0.79, &[0.57, 0.3], true, 0.0));
        assert!(confirmed(0.79, &[], true, 0.0));
        assert!(!confirmed(0.76, &[1.0, 0.4], true, 0.0));
        assert!(!confirmed(0.8, &[0.8], true, 0.0));
    }

    #[test]
    fn a_document_related_to_either_text_is_no_account_of_their_pair() {
        // One story of five: 0 and 1 the pair, 2 a copy of 1, 3 and 4 apart.
        let story = [7, 7, 7, 7, 7];
        let accounts = Accounts::new([(0, 1), (1, 2)].into_iter(), &story);
        assert_eq!(accounts.of(0, 1, 10), vec![3, 4]);
        assert_eq!(accounts.of(0, 1, 1), vec![3]);
        // Without the pair (1, 2), 2 would read as an independent account.
        assert_eq!(Accounts::new([(0, 1)].into_iter(), &story).of(0, 1, 10), vec![2, 3, 4]);
    }

    #[test]
    fn narration_that_only_drops_words_leaves_no_reading() {
        assert!(readings("the Ethiopian-flagged merchant vessel", "the merchant vessel", true, 6).is_empty());
        // A quotation is the speaker's words: a dropped word is a reading.
        assert_eq!(readings("we're very disappointed", "we're disappointed", false, 6).len(), 1);
    }
}
