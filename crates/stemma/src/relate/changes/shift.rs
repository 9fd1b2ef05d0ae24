//! Meaning shifts: rewordings outside quotations that change what a sentence
//! claims without changing a checkable fact.
//!
//! - **scope**: a quantifier of one scope answered by another ("most of four
//!   regions" / "parts of four regions"), or a partitive added ("the other
//!   people" / "most of the other people");
//! - **negation**: a word negated or no longer negated, the rest of the spot
//!   unchanged ("has denied" / "has not denied");
//! - **modality**: a claim made more or less certain: "may" / "will",
//!   "possible" / "likely", "hoped" / "expected", a hedge dropped or added
//!   ("will likely invoke" / "will invoke", "allegedly");
//! - **degree**: a word of one meaning replaced by a stronger or weaker one
//!   of its family ("eased" / "lifted", "criticized" / "condemned", "rose" /
//!   "soared"); words of equal strength ("condemned" / "denounced") are no
//!   shift;
//! - **preposition**: a place's preposition changed ("from Russia's Kursk
//!   region" / "near Russia's Kursk region").
//!
//! Each rests on a hunk of the word diff of aligned sentences (see
//! [`super::passage`]), so the two wordings stand in the same spot; scope is
//! also compared over the whole group, where a rewording moves it. The
//! lexicons are small and curated: precision first.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use super::passage::{Hunk, Side};
use super::MeaningShift;
use crate::text::tokens::{is_stopword, words};

/// How a rewording shifts the meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftKind {
    /// How much of something: "all", "most", "half", "many", "some".
    Scope,
    /// A word negated or no longer negated.
    Negation,
    /// How certain a claim is: possible, probable, asserted.
    Modality,
    /// How strong a word of one meaning is.
    Degree,
    /// Where, relative to a place.
    Preposition,
}

/// How much of a whole a quantifier claims. Words within one scope are
/// interchangeable in a paraphrase ("some" / "parts of"); a word of another
/// scope changes the claim ("most of four regions" / "parts of four").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// "all", "every", "entire", "whole".
    All,
    /// "most", "majority", "bulk".
    Most,
    /// "half of".
    Half,
    /// "many", "numerous".
    Many,
    /// "some", "parts", "several", "few", "certain".
    Some,
}

/// The scope a quantifier claims, given the word after it ("half" is a
/// scope in "half of" or "half the", not in "half an hour").
fn scope_of(lower: &str, previous: Option<&str>, next: Option<&str>) -> Option<Scope> {
    // "most likely", "most important": a superlative, not a share; "in
    // part": a manner, not a part of a whole.
    let superlative = next.is_some_and(|n| n.ends_with("ly") || SUPERLATIVE_HEADS.contains(&n));
    if (lower == "most" && superlative) || (matches!(lower, "part" | "parts") && previous == Some("in")) {
        return None;
    }
    Some(match lower {
        "all" | "every" | "entire" | "whole" => Scope::All,
        "most" | "majority" | "bulk" => Scope::Most,
        "half" if matches!(next, Some("of" | "the" | "its" | "their" | "his" | "her")) => Scope::Half,
        "many" | "numerous" => Scope::Many,
        "some" | "part" | "parts" | "several" | "few" | "certain" | "portions" => Scope::Some,
        _ => return None,
    })
}

/// Adjectives "most" makes superlative ("the most important"), where it
/// claims no share of a whole.
#[rustfmt::skip]
const SUPERLATIVE_HEADS: &[&str] = &[
    "likely", "important", "recent", "popular", "powerful", "famous", "prominent", "senior", "serious", "common",
    "effective", "significant", "dangerous", "difficult", "successful", "influential", "expensive", "valuable",
    "vulnerable", "severe", "intense", "advanced", "notable", "visible", "controversial", "critical", "basic",
];

/// The scope words of a sentence outside `quoted` byte ranges, with their
/// byte offsets.
pub fn scopes(sentence: &str, quoted: &[(usize, usize)]) -> Vec<(Scope, usize)> {
    let tokens = words(sentence);
    let lower: Vec<String> = tokens.iter().map(|t| t.text.to_lowercase()).collect();
    (0..tokens.len())
        .filter(|&k| !quoted.iter().any(|&(s, e)| tokens[k].start >= s && tokens[k].start < e))
        .filter_map(|k| {
            let previous = k.checked_sub(1).map(|p| lower[p].as_str());
            scope_of(&lower[k], previous, lower.get(k + 1).map(String::as_str)).map(|s| (s, tokens[k].start))
        })
        .collect()
}

/// Degree families: words of one meaning, weakest first; words in one level
/// are of equal strength.
#[rustfmt::skip]
const DEGREE: &[&[&[&str]]] = &[
    // Sanctions and restrictions.
    &[&["ease", "eased", "easing", "loosen", "relax", "soften"], &["lift", "scrap", "remove", "abolish", "repeal", "rescind", "revoke"]],
    // Criticism.
    &[&["question", "fault"], &["criticize", "criticise", "criticized", "criticised", "chide", "rebuke", "reprimand"],
      &["condemn", "denounce", "slam", "blast", "decry", "lambast", "lambaste", "excoriate"]],
    // Approval.
    &[&["welcome"], &["praise", "commend", "applaud", "laud", "hail"]],
    // Rises.
    &[&["rise", "rose", "risen", "increase", "climb", "grow", "grew", "grown", "gain", "edge", "inch", "creep", "tick"],
      &["jump", "surge", "soar", "rocket", "skyrocket", "spike", "leap", "leapt", "balloon"]],
    // Falls (of a quantity: see QUANTITATIVE).
    &[&["fall", "fell", "fallen", "drop", "decline", "dip", "slip", "ease", "eased", "decrease", "slide", "slid", "dwindle"],
      &["plunge", "plummet", "tumble", "crash", "collapse", "slump", "dive", "nosedive", "sink", "sank", "sunk", "crater"]],
    // Damage.
    &[&["damage", "harm"], &["destroy", "devastate", "wreck", "flatten", "raze", "obliterate"]],
    // Harm to people.
    &[&["injure", "injured", "hurt", "wound"], &["kill", "killed"]],
    // Worry.
    &[&["concern", "concerned", "worry", "worried"], &["alarm", "alarmed", "panic"]],
    // Requests.
    &[&["ask", "request", "invite", "encourage"], &["urge", "press"], &["demand", "order", "require"]],
    // How complete.
    &[&["partly", "partially", "somewhat", "fairly", "relatively", "moderately", "reasonably"],
      &["largely", "mostly", "mainly", "almost", "nearly", "virtually", "practically", "predominantly"],
      &["completely", "entirely", "totally", "fully", "wholly", "utterly", "altogether"]],
    // How much.
    &[&["slightly", "marginally", "modestly"], &["sharply", "dramatically", "significantly", "substantially", "steeply", "considerably", "greatly", "hugely"]],
    // Warnings.
    &[&["warn", "caution"], &["threaten"]],
    // Claims.
    &[&["suggest", "hint", "imply"], &["state", "declare", "assert", "insist"]],
    // Severity.
    &[&["minor", "slight", "modest", "mild", "light"], &["serious", "severe", "major", "grave", "heavy"]],
    // Decisions.
    &[&["consider", "propose", "weigh", "debate"], &["approve", "adopt", "enact"]],
    // Frequency.
    &[&["occasionally", "sometimes"], &["often", "frequently", "regularly", "repeatedly"], &["always", "constantly"]],
];

/// Families of [`DEGREE`] that grade a change of a quantity ("shares fell
/// 3%" / "plunged 3%"): they count only with a number close after the
/// word, since "the bridge collapsed" / "fell into the river" tells a
/// fall, not its size.
const QUANTITATIVE: &[usize] = &[4];

/// How many words after a fall its number may stand.
const QUANTITY_REACH: usize = 5;

/// Modality cues and how certain each makes a claim: 0 improbable, 1
/// possible (or wished), 2 probable (or hedged), 3 asserted. A claim without
/// a cue is asserted.
#[rustfmt::skip]
const MODALITY: &[(&str, u8)] = &[
    ("unlikely", 0), ("improbable", 0), ("doubtful", 0),
    ("may", 1), ("might", 1), ("could", 1), ("possibly", 1), ("perhaps", 1), ("maybe", 1), ("possible", 1),
    ("potentially", 1), ("conceivably", 1), ("hope", 1), ("hopes", 1), ("hoped", 1), ("hoping", 1),
    ("likely", 2), ("probably", 2), ("probable", 2), ("expected", 2), ("expects", 2), ("expect", 2), ("expecting", 2),
    ("appears", 2), ("appear", 2), ("appeared", 2), ("apparently", 2), ("seems", 2), ("seem", 2), ("seemed", 2),
    ("seemingly", 2), ("reportedly", 2), ("allegedly", 2), ("alleged", 2), ("purportedly", 2), ("presumably", 2),
    ("suspected", 2), ("believed", 2),
    ("will", 3), ("would", 3), ("certainly", 3), ("definitely", 3), ("surely", 3), ("undoubtedly", 3),
];

/// Cues that hedge a claim as hearsay.
const HEARSAY: &[&str] = &["allegedly", "alleged", "reportedly", "purportedly", "apparently", "suspected"];

/// Auxiliaries and particles a rewording changes freely around a cue.
#[rustfmt::skip]
const AUXILIARIES: &[&str] = &[
    "do", "does", "did", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having", "to",
    "that", "it", "its", "it's", "ca", "wo", "can", "'s",
];

/// Words that negate the words after them ("wasn't" counts as "was" and
/// "not").
const NEGATIONS: &[&str] = &["not", "n't", "never", "no", "cannot", "nobody", "nothing", "none", "neither", "nor"];

/// Prepositions of place by what they say of the place: in it, near it,
/// in front of it, behind it, beside it, leaving it, going to it.
#[rustfmt::skip]
const PREPOSITIONS: &[(&[&str], &str)] = &[
    (&["in"], "in"), (&["at"], "in"), (&["on"], "in"), (&["inside"], "in"), (&["within"], "in"),
    (&["near"], "near"), (&["outside"], "near"), (&["around"], "near"), (&["close", "to"], "near"),
    (&["near", "to"], "near"), (&["outside", "of"], "near"),
    (&["in", "front", "of"], "front"), (&["opposite"], "front"),
    (&["behind"], "behind"),
    (&["next", "to"], "beside"), (&["beside"], "beside"), (&["alongside"], "beside"),
    (&["from"], "from"), (&["out", "of"], "from"), (&["away", "from"], "from"),
    (&["to"], "to"), (&["into"], "to"), (&["toward"], "to"), (&["towards"], "to"), (&["onto"], "to"),
];

/// Pairs of preposition classes a rewording swaps without a change of
/// meaning: "arrived in" / "came to", "spoke from Moscow" / "in Moscow".
const SAME_PLACE: &[(&str, &str)] = &[("in", "to"), ("in", "from")];

/// Words that make a preposition's object a time, not a place ("around the
/// time of", "at the end of").
#[rustfmt::skip]
const TIME_WORDS: &[&str] = &[
    "time", "times", "moment", "period", "day", "days", "week", "weeks", "month", "months", "year", "years", "hour",
    "hours", "minute", "minutes", "night", "morning", "afternoon", "evening", "weekend", "end", "start",
    "beginning", "height", "outset", "wake", "age", "era", "season", "decade", "century", "past", "future",
    "present", "close", "dawn", "dusk", "midst", "middle", "run-up", "aftermath", "onset",
];

/// Words that open a noun phrase without naming anything.
const DETERMINERS: &[&str] = &["the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those"];

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// Degree lexicon by stem: (family, level) of each word.
pub(super) fn degree_of(word: &str) -> &'static [(usize, usize)] {
    static INDEX: OnceLock<HashMap<String, Vec<(usize, usize)>>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut map: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (f, levels) in DEGREE.iter().enumerate() {
            for (l, level) in levels.iter().enumerate() {
                for w in level.iter() {
                    // Adverbs match as written: "partly" is not "parts".
                    let keys = if w.ends_with("ly") { vec![w.to_string()] } else { vec![w.to_string(), stem(w)] };
                    for key in keys {
                        let entry = map.entry(key).or_default();
                        if !entry.contains(&(f, l)) {
                            entry.push((f, l));
                        }
                    }
                }
            }
        }
        map
    });
    if let Some(levels) = index.get(word) {
        return levels;
    }
    if word.ends_with("ly") {
        return &[];
    }
    // Every word of every edit is looked up, and stemming is most of the
    // cost: each thread keeps what the words it stemmed came to, up to a
    // bound (a corpus's edits repeat their words).
    thread_local! {
        static STEMMED: std::cell::RefCell<HashMap<String, &'static [(usize, usize)]>> =
            std::cell::RefCell::new(HashMap::new());
    }
    STEMMED.with_borrow_mut(|stemmed| {
        if let Some(&levels) = stemmed.get(word) {
            return levels;
        }
        let levels = index.get(&stem(word)).map_or(&[][..], Vec::as_slice);
        if stemmed.len() >= STEMMED_WORDS {
            stemmed.clear();
        }
        stemmed.insert(word.to_string(), levels);
        levels
    })
}

/// Words whose degree each thread keeps ([`degree_of`]).
const STEMMED_WORDS: usize = 1 << 16;

fn modality_of(word: &str) -> Option<u8> {
    MODALITY.iter().find(|(w, _)| *w == word).map(|&(_, l)| l)
}

/// A word with its negation split off: "wasn't" is ("was", true).
fn negated(word: &str) -> (&str, bool) {
    if NEGATIONS.contains(&word) {
        return ("", true);
    }
    match word.strip_suffix("n't") {
        Some(base) => (base, true),
        None => (word, false),
    }
}

/// How many words a report shows before a changed spot.
const CONTEXT_BEFORE: usize = 1;

/// How many words a report shows after a changed spot.
const CONTEXT_AFTER: usize = 2;

/// Longest hunk side, in words, read as one rewording of one spot.
const SPOT_WORDS: usize = 8;

fn shift(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk, kind: ShiftKind) -> MeaningShift {
    let (a, a_sentence) = sa.phrase(h.a.clone(), CONTEXT_BEFORE, CONTEXT_AFTER);
    let (b, b_sentence) = sb.phrase(h.b.clone(), CONTEXT_BEFORE, CONTEXT_AFTER);
    MeaningShift { a, b, kind, a_sentence, b_sentence }
}

/// The meaning shifts of one group of aligned sentences.
pub(super) fn meaning_shifts(sa: &Side<'_>, sb: &Side<'_>, hunks: &[Hunk], reworded: bool) -> Vec<MeaningShift> {
    let mut out = Vec::new();
    for h in hunks {
        if h.a.len() > SPOT_WORDS || h.b.len() > SPOT_WORDS || sa.quoted_near(&h.a) || sb.quoted_near(&h.b) {
            continue;
        }
        let kind = if let Some(s) = preposition(sa, sb, h) {
            out.push(s);
            continue;
        } else if negation(sa, sb, h) {
            ShiftKind::Negation
        } else if modality(sa, sb, h) {
            ShiftKind::Modality
        } else if degree(sa, sb, h) {
            ShiftKind::Degree
        } else if let Some(s) = partitive(sa, sb, h) {
            out.push(s);
            continue;
        } else {
            continue;
        };
        out.push(shift(sa, sb, h, kind));
    }
    // Quantifiers compared over the whole group, where a rewording moves
    // them: only in sentences that say the same thing.
    if reworded {
        out.extend(changed_scope(sa, sb, &out));
    }
    out
}

fn lowers<'s>(side: &'s Side<'_>, range: &std::ops::Range<usize>) -> Vec<&'s str> {
    side.words[range.clone()].iter().map(|w| w.lower.as_ref()).collect()
}

/// The content words of a hunk side, stemmed, leaving out negations,
/// auxiliaries and modality cues.
fn remainder(ws: &[&str]) -> Vec<String> {
    ws.iter()
        .map(|w| negated(w).0)
        .filter(|w| !w.is_empty() && !AUXILIARIES.contains(w) && modality_of(w).is_none())
        .map(stem)
        .collect()
}

/// Whether the words right around a hunk are shared: `before` words before
/// it and `after` words after it on both sides, within its sentence (the
/// sentence's edge counts as shared).
fn anchored(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk, before: usize, after: usize) -> bool {
    fn around(
        side: &Side<'_>,
        range: &std::ops::Range<usize>,
        before: usize,
        after: usize,
    ) -> (Vec<String>, Vec<String>) {
        let n = side.words.len();
        let anchor = if range.start < n { range.start } else { n.saturating_sub(1) };
        let sentence = side.words.get(anchor).map_or(0, |w| w.sentence);
        let pick = |k: usize| side.words.get(k).filter(|w| w.sentence == sentence).map(|w| w.lower.to_string());
        let b: Vec<String> = (1..=before).map_while(|d| range.start.checked_sub(d).and_then(pick)).collect();
        let a: Vec<String> = (0..after).map_while(|d| pick(range.end + d)).collect();
        (b, a)
    }
    around(sa, &h.a, before, after) == around(sb, &h.b, before, after)
}

fn negation(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> bool {
    let (xa, xb) = (lowers(sa, &h.a), lowers(sb, &h.b));
    // The negated words themselves are shared: "has [not] denied having",
    // not "had [not] yet regained" / "had yet to regain".
    if !anchored(sa, sb, h, 1, 2) {
        return false;
    }
    let count = |ws: &[&str]| ws.iter().filter(|w| negated(w).1).count();
    let (na, nb) = (count(&xa), count(&xb));
    (na + nb) % 2 == 1 && remainder(&xa) == remainder(&xb)
}

fn modality(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> bool {
    let (xa, xb) = (lowers(sa, &h.a), lowers(sb, &h.b));
    // A capitalized "May" inside a sentence is the month; "couldn't" is
    // "could".
    let cues = |side: &Side<'_>, range: &std::ops::Range<usize>| -> Vec<(String, u8)> {
        side.words[range.clone()]
            .iter()
            .filter(|w| w.first || w.text != "May")
            .filter_map(|w| {
                let base = negated(&w.lower).0;
                modality_of(base).map(|l| (base.to_string(), l))
            })
            .collect()
    };
    let (ca, cb) = (cues(sa, &h.a), cues(sb, &h.b));
    let level = |cs: &[(String, u8)]| cs.iter().map(|c| c.1).min();
    // A hedge of hearsay ("allegedly", "reportedly") dropped from a
    // sentence that still says whose claim it is ("according to police")
    // keeps its distance.
    let attributed = |side: &Side<'_>, range: &std::ops::Range<usize>| {
        let k = range.start.min(side.words.len().saturating_sub(1));
        side.words.get(k).is_some_and(|w| {
            let sentence = w.sentence;
            side.doc.sentences[sentence].cites.is_some()
                || side.words.iter().any(|v| {
                    v.sentence == sentence
                        && !v.quoted
                        && matches!(v.lower.as_ref(), "according" | "said" | "says" | "told")
                })
        })
    };
    // A hedge moved within the sentence is still there: "it could take
    // until December before service was restored" / "service may not be
    // restored till December".
    let hedged_elsewhere = |side: &Side<'_>, range: &std::ops::Range<usize>, level: u8| {
        let k = range.start.min(side.words.len().saturating_sub(1));
        let Some(sentence) = side.words.get(k).map(|w| w.sentence) else { return false };
        side.words
            .iter()
            .filter(|w| w.sentence == sentence && !w.quoted && (w.first || w.text != "May"))
            .any(|w| modality_of(negated(&w.lower).0) == Some(level))
    };
    let hearsay = |cs: &[(String, u8)]| cs.iter().any(|(w, _)| HEARSAY.contains(&w.as_str()));
    match (level(&ca), level(&cb)) {
        (Some(x), Some(y)) => x != y,
        (Some(x), None) => {
            x < 3
                && remainder(&xa) == remainder(&xb)
                && !(hearsay(&ca) && attributed(sb, &h.b))
                && !hedged_elsewhere(sb, &h.b, x)
        }
        (None, Some(y)) => {
            y < 3
                && remainder(&xa) == remainder(&xb)
                && !(hearsay(&cb) && attributed(sa, &h.a))
                && !hedged_elsewhere(sa, &h.a, y)
        }
        (None, None) => false,
    }
}

fn degree(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> bool {
    let (xa, xb) = (lowers(sa, &h.a), lowers(sb, &h.b));
    let levels =
        |ws: &[&str]| -> Vec<(usize, usize)> { ws.iter().flat_map(|w| degree_of(w).iter().copied()).collect() };
    // A fall counts with its number: one within reach after the
    // hunk on either side.
    let counted = |side: &Side<'_>, end: usize| {
        side.words[end..(end + QUANTITY_REACH).min(side.words.len())]
            .iter()
            .any(|w| w.text.starts_with(|c: char| c.is_ascii_digit()) || w.lower == "percent")
    };
    let has_number = counted(sa, h.a.end) || counted(sb, h.b.end);
    let keep = |l: &(usize, usize)| has_number || !QUANTITATIVE.contains(&l.0);
    let (la, lb): (Vec<_>, Vec<_>) =
        (levels(&xa).into_iter().filter(keep).collect(), levels(&xb).into_iter().filter(keep).collect());
    // Per family, the weakest level on each side: "almost totally" is as
    // strong as "almost".
    la.iter().any(|&(f, _)| {
        let weakest = |l: &[(usize, usize)]| l.iter().filter(|x| x.0 == f).map(|x| x.1).min();
        match (weakest(&la), weakest(&lb)) {
            (Some(x), Some(y)) => x != y,
            _ => false,
        }
    })
}

/// The class of a preposition of place ending a hunk side (the longest
/// phrase that does: "in front of", not "of"), with its first word.
fn preposition_at_end(side: &Side<'_>, range: &std::ops::Range<usize>) -> Option<(&'static str, usize)> {
    PREPOSITIONS
        .iter()
        .filter(|(phrase, _)| {
            let n = phrase.len();
            range.len() >= n
                && side.words[range.end - n..range.end].iter().zip(phrase.iter()).all(|(w, p)| w.lower == *p)
        })
        .max_by_key(|(phrase, _)| phrase.len())
        .map(|(phrase, class)| (*class, range.end - phrase.len()))
}

/// The object of a preposition: determiners and content words after it, up
/// to a stopword, a punctuation mark or six words. `None` when it is a
/// number or a date (time, not place).
fn object_end(side: &Side<'_>, from: usize) -> Option<usize> {
    let n = side.words.len();
    let sentence = side.words.get(from)?.sentence;
    let first = side.words[from..].iter().position(|w| !DETERMINERS.contains(&w.lower.as_ref()))? + from;
    let head = &side.words[first];
    if head.sentence != sentence
        || head.text.chars().next().is_some_and(|c| c.is_ascii_digit())
        || is_stopword(&head.lower)
        || TIME_WORDS.contains(&head.lower.as_ref())
        || crate::text::facts::quantities(head.text).iter().any(|q| q.date.is_some())
    {
        return None;
    }
    let text = side.doc.sentence_text(sentence);
    let mut end = first + 1;
    while end < n && end < from + 6 && side.words[end].sentence == sentence {
        let between = &text[side.words[end - 1].end..side.words[end].start];
        if !between.trim().is_empty() || is_stopword(&side.words[end].lower) {
            break;
        }
        end += 1;
    }
    Some(end)
}

fn preposition(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> Option<MeaningShift> {
    let (ca, pa) = preposition_at_end(sa, &h.a)?;
    let (cb, pb) = preposition_at_end(sb, &h.b)?;
    if ca == cb || SAME_PLACE.iter().any(|&(x, y)| (x, y) == (ca, cb) || (y, x) == (ca, cb)) {
        return None;
    }
    // The same place after both: the same words, determiners aside.
    let (ea, eb) = (object_end(sa, h.a.end)?, object_end(sb, h.b.end)?);
    let object = |side: &Side<'_>, from: usize, end: usize| -> Vec<String> {
        side.words[from..end]
            .iter()
            .filter(|w| !DETERMINERS.contains(&w.lower.as_ref()))
            .map(|w| w.lower.to_string())
            .collect()
    };
    if object(sa, h.a.end, ea) != object(sb, h.b.end, eb) {
        return None;
    }
    let (a, a_sentence) = sa.phrase(pa..ea, 0, 0);
    let (b, b_sentence) = sb.phrase(pb..eb, 0, 0);
    Some(MeaningShift { a, b, kind: ShiftKind::Preposition, a_sentence, b_sentence })
}

/// A partitive quantifier added or dropped before a shared noun phrase:
/// "The other people" / "Most of the other people".
fn partitive(sa: &Side<'_>, sb: &Side<'_>, h: &Hunk) -> Option<MeaningShift> {
    let (xa, xb) = (lowers(sa, &h.a), lowers(sb, &h.b));
    let is_partitive = |ws: &[&str]| matches!(ws, [q, "of"] if matches!(*q, "most" | "some" | "many" | "few" | "several" | "half" | "part" | "parts"));
    let (side, at) = if xa.is_empty() && is_partitive(&xb) {
        (sb, h.b.end)
    } else if xb.is_empty() && is_partitive(&xa) {
        (sa, h.a.end)
    } else {
        return None;
    };
    if !side.words.get(at).is_some_and(|w| DETERMINERS.contains(&w.lower.as_ref())) {
        return None;
    }
    let (a, a_sentence) = sa.phrase(h.a.clone(), 0, 3);
    let (b, b_sentence) = sb.phrase(h.b.clone(), 0, 3);
    Some(MeaningShift { a, b, kind: ShiftKind::Scope, a_sentence, b_sentence })
}

/// A quantifier of one scope on one side answered by one of another scope on
/// the other, with neither scope on the other side: "most of four regions" /
/// "parts of four regions". Quotations are left to the altered quotations.
fn changed_scope(sa: &Side<'_>, sb: &Side<'_>, found: &[MeaningShift]) -> Option<MeaningShift> {
    let scopes_of = |side: &Side<'_>| -> Vec<(Scope, usize)> {
        let ws = &side.words;
        (0..ws.len())
            .filter(|&k| !ws[k].quoted)
            .filter_map(|k| {
                let next = ws.get(k + 1).filter(|n| n.sentence == ws[k].sentence).map(|n| n.lower.as_ref());
                let previous =
                    k.checked_sub(1).map(|p| &ws[p]).filter(|p| p.sentence == ws[k].sentence).map(|p| p.lower.as_ref());
                scope_of(&ws[k].lower, previous, next).map(|s| (s, k))
            })
            .collect()
    };
    let (in_a, in_b) = (scopes_of(sa), scopes_of(sb));
    let only_a: Vec<&(Scope, usize)> = in_a.iter().filter(|x| !in_b.iter().any(|y| y.0 == x.0)).collect();
    let only_b: Vec<&(Scope, usize)> = in_b.iter().filter(|y| !in_a.iter().any(|x| x.0 == y.0)).collect();
    let ([&(_, ka)], [&(_, kb)]) = (only_a.as_slice(), only_b.as_slice()) else { return None };
    // The quantifier with the two words after it, as the reader sees it.
    let (a, a_sentence) = sa.phrase(ka..ka + 1, 0, 2);
    let (b, b_sentence) = sb.phrase(kb..kb + 1, 0, 2);
    let shift = MeaningShift { a, b, kind: ShiftKind::Scope, a_sentence, b_sentence };
    (!found.iter().any(|f| f.kind == ShiftKind::Scope && f.a_sentence == a_sentence && f.b_sentence == b_sentence))
        .then_some(shift)
}
