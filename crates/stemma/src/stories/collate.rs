//! Collation of a story's independent witnesses (its copy families).
//!
//! - **Agreements**: sentences of two or more witnesses that report the same
//!   claim (IDF-weighted term similarity at least `agreement_similarity`).
//! - **Unique claims**: sentences naming people, places or bodies that no
//!   other witness mentions.
//! - **Conflicts**, precision first, since a reader acts on them:
//!   - one statement quoted in two wordings: two quotations sharing nearly
//!     all their content words (`quote_conflict_overlap`), neither a part of
//!     the other ("energy and infrastructure" / "energy infrastructure");
//!   - one quantity reported differently: agreeing sentences replace a
//!     number within an otherwise shared phrase ("three undersea cables" /
//!     "two undersea cables"; values normalized, so "2½" = "2.5" agree);
//!   - one measured thing given different values in differently worded
//!     sentences: matched by what is measured (a unit of time or length,
//!     and the thing it measures: "a 2½-hour call" / "We
//!     had a great call. It lasted almost two hours"), hedges read as
//!     bounds ("almost two" is under two, "more than 2½" over it), and only
//!     when no member of one witness's family gives a value the other's
//!     could share;
//!
//! Every item cites its sentences as `(document, sentence)`.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{wording, Family};
use crate::align::{similarity, weigh, DiffTag, Weighted};
use crate::config::StoryConfig;
use crate::stats::CorpusStats;
use crate::text::facts::{self, FactKind};
use crate::text::tokens::{is_stopword, words};
use crate::text::{Doc, NARRATION, WORDING};

/// A sentence an item rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Citation {
    /// Document index.
    pub document: usize,
    /// Sentence index in that document.
    pub sentence: usize,
}

/// A claim reported by several witnesses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// The witnesses (indices into the story's families) reporting it.
    pub witnesses: Vec<usize>,
    /// One sentence per witness.
    pub citations: Vec<Citation>,
}

/// A sentence naming what no other witness mentions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniqueClaim {
    /// The witness (index into the story's families).
    pub witness: usize,
    /// The names only this witness mentions, as written.
    pub names: Vec<String>,
    /// The sentence.
    pub citation: Citation,
}

/// What a conflict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// One quantity, different values.
    Quantity,
    /// One statement, quoted in different words.
    Quotation,
    /// One measured thing (a call's length, a chase's distance) given
    /// different values in differently worded sentences.
    Measure,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// The witness (index into the story's families).
    pub witness: usize,
    /// The words as written: the number (with its hedge), or the quotation.
    pub text: String,
    /// Who is quoted, for quotations, when the text says.
    pub speaker: Option<String>,
    /// The sentence.
    pub citation: Citation,
}

/// Accounts that disagree: two or more statements of one thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// What kind of thing.
    pub kind: ConflictKind,
    /// For quantities, the shared word right after the number ("undersea"
    /// in "three undersea cables"); none for quotations.
    pub about: Option<String>,
    /// The differing statements, grouped by wording.
    pub statements: Vec<Statement>,
}

/// The collation of one story.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Collation {
    /// The witnesses compared (indices into the story's families): the
    /// largest `max_collated_witnesses`.
    pub witnesses: Vec<usize>,
    /// Claims several witnesses report.
    pub agreements: Vec<Agreement>,
    /// Claims only one witness reports.
    pub unique: Vec<UniqueClaim>,
    /// Where witnesses disagree.
    pub conflicts: Vec<Conflict>,
}

/// A witness's documents, its representative (the longest) first.
struct Witness<'a> {
    index: usize,
    docs: Vec<(usize, &'a Doc)>,
}

/// Compares the witnesses of a story.
pub fn collate(documents: &[Doc], families: &[Family], stats: &CorpusStats, config: &StoryConfig) -> Collation {
    let mut order: Vec<usize> = (0..families.len()).collect();
    order.sort_by_key(|&f| (std::cmp::Reverse(families[f].members.len()), families[f].members[0]));
    order.truncate(config.max_collated_witnesses);
    order.sort_unstable();
    if order.len() < 2 {
        return Collation { witnesses: order, ..Collation::default() };
    }
    let witnesses: Vec<Witness<'_>> = order
        .iter()
        .map(|&f| {
            let mut docs: Vec<(usize, &Doc)> = families[f].members.iter().map(|&d| (d, &documents[d])).collect();
            docs.sort_by_key(|(d, doc)| (std::cmp::Reverse(doc.sentences.len()), *d));
            Witness { index: f, docs }
        })
        .collect();

    let agreements = agreements(&witnesses, stats, config);
    let unique = unique_claims(&witnesses);
    let mut conflicts = quotation_conflicts(&witnesses, config);
    conflicts.extend(quantity_conflicts(&agreements, documents, config));
    conflicts.extend(measure_conflicts(&witnesses));
    Collation { witnesses: order, agreements, unique, conflicts }
}

/// Claims reported by several witnesses: their representatives' sentences
/// matched pairwise, then joined transitively.
fn agreements(witnesses: &[Witness<'_>], stats: &CorpusStats, config: &StoryConfig) -> Vec<Agreement> {
    let mut nodes: Vec<(usize, Citation)> = Vec::new();
    let mut first: Vec<usize> = Vec::new();
    for (w, witness) in witnesses.iter().enumerate() {
        first.push(nodes.len());
        let (d, doc) = witness.docs[0];
        nodes.extend((0..doc.sentences.len()).map(|s| (w, Citation { document: d, sentence: s })));
    }
    // Each representative's sentences weighed once, then compared with the
    // alignment's own measure.
    let weights: Vec<Vec<Option<Weighted>>> = witnesses
        .iter()
        .map(|w| {
            let doc = w.docs[0].1;
            (0..doc.sentences.len())
                .map(|i| (doc.terms(i).len() >= config.min_claim_terms).then(|| weigh(doc, i, stats)))
                .collect()
        })
        .collect();
    let mut links = Vec::new();
    for x in 0..witnesses.len() {
        for y in x + 1..witnesses.len() {
            for (i, wi) in weights[x].iter().enumerate() {
                for (j, wj) in weights[y].iter().enumerate() {
                    if let (Some(wi), Some(wj)) = (wi, wj) {
                        if similarity(wi, wj) >= config.agreement_similarity {
                            links.push((first[x] + i, first[y] + j));
                        }
                    }
                }
            }
        }
    }
    let label = crate::components::components(nodes.len(), links.iter().copied());
    let linked: HashSet<usize> = links.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &n in &linked {
        groups.entry(label[n]).or_default().push(n);
    }
    let mut out: Vec<Agreement> = groups
        .into_values()
        .map(|mut members| {
            members.sort_unstable();
            // One citation per witness: its first sentence in the group.
            let mut seen = HashSet::new();
            members.retain(|&n| seen.insert(nodes[n].0));
            Agreement {
                witnesses: members.iter().map(|&n| witnesses[nodes[n].0].index).collect(),
                citations: members.iter().map(|&n| nodes[n].1).collect(),
            }
        })
        .filter(|a| a.witnesses.len() >= 2)
        .collect();
    out.sort_by_key(|a| (std::cmp::Reverse(a.witnesses.len()), a.citations[0]));
    out
}

/// Lowercase words inside names.
const CONNECTORS: &[&str] = &["of", "for", "de", "von", "der", "van", "da", "del", "al", "bin"];

/// Last words of organisations' names, which may hold an "and": "Center
/// for Strategic and International Studies", "Fire and Rescue Service".
#[rustfmt::skip]
const ORGANISATION_HEADS: &[&str] = &[
    "administration", "affairs", "agency", "association", "authority", "board", "bureau", "center", "centre",
    "college", "commission", "committee", "company", "corporation", "council", "court", "department",
    "foundation", "fund", "group", "industries", "industry", "institute", "institution", "league", "ministry",
    "office", "organisation", "organization", "party", "school", "service", "services", "society", "studies",
    "trust", "union", "university",
];

/// Names in a sentence: runs of capitalized words (not the sentence's
/// first word unless it is a title before a name, not months or weekdays),
/// each with the term of its last word, which carries the name ("Olaf
/// Scholz": "scholz"). Only runs whose last word is a name term of the
/// sentence (narration, never plain wording). An "and" joins two runs only
/// inside an organisation's name, so "Trump and Putin" stay two names; a
/// leading "Washington-based" is description, not name.
fn names(doc: &Doc, s: usize, terms: &crate::text::tokens::Terms) -> Vec<(u64, String)> {
    let text = doc.sentence_text(s);
    let tokens = words(text);
    let capitalized_name_word = |k: usize| {
        let t = &tokens[k];
        let lower = t.text.to_lowercase();
        t.is_capitalized()
            && !t.text.chars().any(|c| c.is_ascii_digit())
            && !facts::MONTHS.contains(&lower.as_str())
            && !facts::WEEKDAYS.contains(&lower.as_str())
    };
    let is_name = |k: usize| {
        // A capital opens every sentence; there it takes a title before a
        // name ("Chief Fire Officer Brenna Holt said").
        let opening_title = || {
            facts::is_role_word(&tokens[0].text.to_lowercase().replace('.', ""))
                && tokens.len() > 1
                && capitalized_name_word(1)
        };
        capitalized_name_word(k) && (k > 0 || opening_title())
    };
    let spaced = |x: usize, y: usize| text[tokens[x].end()..tokens[y].start].trim().is_empty();
    let organisation_head = |k: usize| ORGANISATION_HEADS.contains(&tokens[k].text.to_lowercase().as_str());
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if !is_name(k) {
            k += 1;
            continue;
        }
        let mut start = k;
        let mut connected = false;
        loop {
            if k + 1 < tokens.len() && is_name(k + 1) && spaced(k, k + 1) {
                k += 1;
                continue;
            }
            // "Secretary of State Marco Rubio", "Ursula von der Leyen".
            let mut j = k + 1;
            while j < tokens.len() && CONNECTORS.contains(&tokens[j].text) && spaced(j - 1, j) {
                j += 1;
            }
            if j > k + 1 && j < tokens.len() && is_name(j) && spaced(j - 1, j) {
                k = j;
                connected = true;
                continue;
            }
            // "and" inside an organisation's name: the run after it ends on
            // an organisation word ("Fire and Rescue Service"), or the word
            // before it follows a connector ("Ministry of Trade and Industry"),
            // unlike "Secretary of State Marco Rubio and Adviser Mike Waltz".
            let and = k + 1 < tokens.len() && matches!(tokens[k + 1].text, "and" | "&") && spaced(k, k + 1);
            if and && k + 2 < tokens.len() && is_name(k + 2) && spaced(k + 1, k + 2) {
                let mut end = k + 2;
                while end + 1 < tokens.len() && is_name(end + 1) && spaced(end, end + 1) {
                    end += 1;
                }
                let after_connector = k > 0 && CONNECTORS.contains(&tokens[k - 1].text);
                if organisation_head(end) || (connected && after_connector) {
                    k = end;
                    continue;
                }
            }
            break;
        }
        if tokens[start].text.ends_with("-based") && start < k {
            start += 1;
        }
        buf.clear();
        terms.of_word(tokens[k].text, &mut buf);
        let head = buf.iter().copied().find(|t| {
            doc.terms(s)
                .binary_search(t)
                .is_ok_and(|p| doc.roles(s)[p] & NARRATION != 0 && doc.roles(s)[p] & WORDING == 0)
        });
        if let Some(head) = head {
            out.push((head, text[tokens[start].start..tokens[k].end()].to_string()));
        }
        k += 1;
    }
    out
}

/// Sentences of each witness's representative naming what no other
/// witness's documents mention at all.
fn unique_claims(witnesses: &[Witness<'_>]) -> Vec<UniqueClaim> {
    let vocabulary: Vec<HashSet<u64>> =
        witnesses.iter().map(|w| w.docs.iter().flat_map(|(_, d)| d.terms.iter().copied()).collect()).collect();
    let terms = crate::text::tokens::Terms::default();
    let mut out = Vec::new();
    for (w, witness) in witnesses.iter().enumerate() {
        let (d, doc) = witness.docs[0];
        let mut reported: HashSet<u64> = HashSet::new();
        for s in 0..doc.sentences.len() {
            let mut found: Vec<String> = Vec::new();
            for (t, surface) in names(doc, s, &terms) {
                let elsewhere = vocabulary.iter().enumerate().any(|(v, vocab)| v != w && vocab.contains(&t));
                if !elsewhere && reported.insert(t) {
                    found.push(surface);
                }
            }
            if !found.is_empty() {
                out.push(UniqueClaim {
                    witness: witness.index,
                    names: found,
                    citation: Citation { document: d, sentence: s },
                });
            }
        }
    }
    out
}

/// Lowercase words of a quotation.
fn quote_words(text: &str) -> Vec<String> {
    words(text).iter().map(|w| w.text.to_lowercase()).collect()
}

/// Whether `part` occurs as a contiguous run of words in `whole`.
fn contains_run(whole: &[String], part: &[String]) -> bool {
    part.is_empty() || whole.windows(part.len()).any(|w| w == part)
}

/// One statement quoted in two wordings, by any documents of the story; a
/// witness that reports both wordings itself is cited for both.
fn quotation_conflicts(witnesses: &[Witness<'_>], config: &StoryConfig) -> Vec<Conflict> {
    struct Quoted<'a> {
        witness: usize,
        family: usize,
        citation: Citation,
        doc: &'a Doc,
        quote: usize,
        words: Vec<String>,
        content: HashSet<String>,
        /// Letters and digits only: "e-mail" / "email", "HP ' s" / "HP's"
        /// and "data centers" / "datacenters" are one wording.
        spelling: String,
    }
    let mut quoted: Vec<Quoted<'_>> = Vec::new();
    for (w, witness) in witnesses.iter().enumerate() {
        for &(d, doc) in &witness.docs {
            for (q, quote) in doc.quotes.iter().enumerate() {
                let words = quote_words(&quote.text);
                let content: HashSet<String> = words.iter().filter(|w| !is_stopword(w)).cloned().collect();
                let spelling: String =
                    quote.text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
                if content.len() < 2 {
                    continue;
                }
                let sentence = doc.quote_sentences(quote).start.min(doc.sentences.len().saturating_sub(1));
                quoted.push(Quoted {
                    witness: w,
                    family: witness.index,
                    citation: Citation { document: d, sentence },
                    doc,
                    quote: q,
                    words,
                    content,
                    spelling,
                });
            }
        }
    }
    // Conflicting wordings, keyed by the pair of wordings.
    let mut found: BTreeMap<(Vec<String>, Vec<String>), Vec<usize>> = BTreeMap::new();
    for x in 0..quoted.len() {
        for y in x + 1..quoted.len() {
            let (a, b) = (&quoted[x], &quoted[y]);
            // Within one family, a different wording is a copy's change, reported with its relation.
            if a.witness == b.witness && a.citation.document != b.citation.document {
                continue;
            }
            if a.spelling == b.spelling || contains_run(&a.words, &b.words) || contains_run(&b.words, &a.words) {
                continue;
            }
            let shared = a.content.intersection(&b.content).count() as f64;
            if shared / (a.content.len().max(b.content.len()) as f64) < config.quote_conflict_overlap {
                continue;
            }
            // Two accounts' renderings must differ in wording, not in how
            // it was written down; one article giving both wordings (the
            // White House's and the Kremlin's) reports the disagreement itself.
            let (ta, tb) = (&a.doc.quotes[a.quote].text, &b.doc.quotes[b.quote].text);
            if !wording::one_statement(ta, tb)
                || (a.citation.document != b.citation.document
                    && !wording::reworded(ta, tb, config.quote_elision_words))
            {
                continue;
            }
            let key = if a.words <= b.words {
                (a.words.clone(), b.words.clone())
            } else {
                (b.words.clone(), a.words.clone())
            };
            let entry = found.entry(key).or_default();
            entry.extend([x, y]);
        }
    }
    found
        .into_values()
        .map(|mut members| {
            members.sort_unstable();
            members.dedup();
            let mut seen = HashSet::new();
            // One statement per wording and witness.
            members.retain(|&m| seen.insert((quoted[m].words.clone(), quoted[m].witness)));
            Conflict {
                kind: ConflictKind::Quotation,
                about: None,
                statements: members
                    .iter()
                    .map(|&m| {
                        let q = &quoted[m];
                        let quote = &q.doc.quotes[q.quote];
                        Statement {
                            witness: q.family,
                            text: quote.text.clone(),
                            speaker: quote.speaker.clone(),
                            citation: q.citation,
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Whether two values differ by more than rounding.
fn differ(a: f64, b: f64) -> bool {
    (a - b).abs() > 0.01 * a.abs().max(b.abs()).max(1e-9)
}

/// Words that may stand beside a number without changing what it counts.
const HEDGES: &[&str] = &[
    "at", "least", "about", "almost", "nearly", "more", "than", "some", "around", "over", "under", "just", "roughly",
    "up", "to",
];

/// The number a diff step consists of, hedges aside ("at least four"), as
/// written and as a value.
fn lone_number(text: &str) -> Option<(String, f64)> {
    let tokens = words(text);
    let numbers: Vec<_> = tokens.iter().filter(|t| !HEDGES.contains(&t.text.to_lowercase().as_str())).collect();
    let [number] = numbers.as_slice() else { return None };
    let quantity = facts::quantities(number.text).into_iter().next().filter(|q| q.kind == FactKind::Number)?;
    Some((text.trim().to_string(), quantity.value))
}

/// Numbers one agreeing sentence replaces with another, the rest of the
/// phrase unchanged: `(a's words, b's words, the shared word after them)`.
/// Precision first: the word after the number must be a shared content word
/// and the word before it shared too (or the number opens the sentence), as
/// in "after three undersea cables" / "after two undersea cables"; neither
/// value may occur in the other sentence (the diff paired two numbers of a
/// list); and a number beside `:`, `,`, `.` or `/` is part of a clock time, a
/// digit group or an address, not a count.
fn replaced_numbers(a: &str, b: &str) -> Vec<(String, String, String)> {
    let ops = crate::align::word_diff(a, b);
    let glued = |text: &str, start: usize, end: usize| {
        // Offsets come from the diff's pieces of the same text; `get` keeps
        // a surprise in its splitting from ever panicking.
        let before = text.get(..start).and_then(|t| t.trim_end().chars().last());
        let after = text.get(end..).and_then(|t| t.trim_start().chars().next());
        matches!(before, Some(':' | ',' | '.' | '/')) || matches!(after, Some(':' | '/'))
    };
    let word_before =
        |text: &str, start: usize| text.get(..start).and_then(|t| words(t).last().map(|w| w.text.to_lowercase()));
    let values = |text: &str| -> Vec<f64> { facts::quantities(text).iter().map(|q| q.value).collect() };
    let (values_a, values_b) = (values(a), values(b));
    let (mut pos_a, mut pos_b) = (0, 0);
    let mut out = Vec::new();
    for k in 0..ops.len() {
        let op = &ops[k];
        let (start_a, start_b) = (pos_a, pos_b);
        match op.op {
            DiffTag::Equal => {
                pos_a += op.text.len();
                pos_b += op.text.len();
            }
            DiffTag::Delete => pos_a += op.text.len(),
            DiffTag::Insert => pos_b += op.text.len(),
        }
        let (Some(ins), Some(after)) = (ops.get(k + 1), ops.get(k + 2)) else { continue };
        if (op.op, ins.op, after.op) != (DiffTag::Delete, DiffTag::Insert, DiffTag::Equal) {
            continue;
        }
        let (end_a, end_b) = (start_a + op.text.len(), start_b + ins.text.len());
        if glued(a, start_a, end_a) || glued(b, start_b, end_b) {
            continue;
        }
        let (Some((x, vx)), Some((y, vy))) = (lone_number(&op.text), lone_number(&ins.text)) else { continue };
        let Some(next) = words(&after.text).first().map(|w| w.text.to_lowercase()) else { continue };
        if facts::MONTHS.contains(&next.as_str()) {
            continue;
        }
        let shared_before = word_before(a, start_a) == word_before(b, start_b);
        let elsewhere = values_b.iter().any(|&v| !differ(v, vx)) || values_a.iter().any(|&v| !differ(v, vy));
        if is_stopword(&next)
            || next.chars().any(|c| c.is_ascii_digit())
            || !differ(vx, vy)
            || !shared_before
            || elsewhere
        {
            continue;
        }
        out.push((x, y, next));
    }
    out
}

/// Whether two sentences are one sentence told twice, with a number
/// changed: most of their content words shared. Sentences that only agree
/// on a claim, in their own words, give numbers of different scopes ("four
/// times" in all / "three times since October") or of different events.
fn one_sentence(a: &str, b: &str, overlap: f64) -> bool {
    let content = |t: &str| -> HashSet<String> {
        words(t)
            .iter()
            .map(|w| w.text.to_lowercase())
            .filter(|w| !is_stopword(w) && !w.chars().any(|c| c.is_ascii_digit()))
            .collect()
    };
    let (x, y) = (content(a), content(b));
    let union = x.union(&y).count();
    union > 0 && x.intersection(&y).count() as f64 >= overlap * union as f64
}

/// Agreeing sentences that give one thing different numbers. Only agreeing
/// sentences, and only a number replaced within an otherwise shared phrase:
/// on ECB+, pairing numbers by their unit alone paired the points of two
/// players and the offers of two teams.
fn quantity_conflicts(agreements: &[Agreement], documents: &[Doc], config: &StoryConfig) -> Vec<Conflict> {
    let mut out = Vec::new();
    for a in agreements {
        // Statements per counted word, one per witness.
        let mut found: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
        for x in 0..a.citations.len() {
            for y in x + 1..a.citations.len() {
                let (cx, cy) = (a.citations[x], a.citations[y]);
                let (tx, ty) = (
                    documents[cx.document].sentence_text(cx.sentence),
                    documents[cy.document].sentence_text(cy.sentence),
                );
                if !one_sentence(tx, ty, config.quantity_sentence_overlap) {
                    continue;
                }
                for (nx, ny, about) in replaced_numbers(tx, ty) {
                    let statements = found.entry(about).or_default();
                    for (w, text, citation) in [(a.witnesses[x], nx, cx), (a.witnesses[y], ny, cy)] {
                        if !statements.iter().any(|s| s.witness == w) {
                            statements.push(Statement { witness: w, text, speaker: None, citation });
                        }
                    }
                }
            }
        }
        for (about, statements) in found {
            out.push(Conflict { kind: ConflictKind::Quantity, about: Some(about), statements });
        }
    }
    out
}

/// Units of a measure, whose values two accounts of one event should share;
/// counts ("three cables") are left to [`quantity_conflicts`], which needs a
/// shared phrase.
/// Sums of money and shares are left out too: a story holds many (two
/// teams' offers, a price and a fine), and on ECB+ they paired different
/// things.
const MEASURES: &[&str] = &[
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "mile",
    "kilometer",
    "kilometre",
    "km",
    "meter",
    "metre",
    "foot",
    "feet",
];

/// Verbs that give the measure of the thing they follow.
const MEASURING: &[&str] = &[
    "lasted",
    "lasting",
    "lasts",
    "took",
    "takes",
    "cost",
    "costs",
    "costing",
    "ran",
    "spanned",
    "measured",
    "measuring",
    "weighed",
    "weighing",
    "totaled",
    "totalled",
    "totaling",
    "totalling",
    "amounted",
];

/// A measure one sentence states: its unit, the range of values its
/// hedged number allows, and what it measures.
struct Measured {
    witness: usize,
    unit: String,
    low: f64,
    high: f64,
    /// The content word right after "2½-hour" in "a 2½-hour call".
    noun: Option<String>,
    /// Content words of its sentence and the one before, lowercase: the
    /// measured thing of "It lasted almost two hours" is named before.
    context: HashSet<String>,
    text: String,
    citation: Citation,
}

/// The values a hedged number allows: "almost two" is under two, "more than
/// 2½" over it, "about 40" within 15% of it.
fn bounds(hedge: &[String], value: f64) -> (f64, f64) {
    let has = |w: &str| hedge.iter().any(|h| h == w);
    if has("almost") || has("nearly") || has("under") || (has("less") && has("than")) || (has("up") && has("to")) {
        (value * 0.75, value)
    } else if (has("more") && has("than")) || has("over") || (has("at") && has("least")) {
        (value, f64::INFINITY)
    } else if has("about") || has("around") || has("roughly") || has("some") || has("approximately") {
        (value * 0.85, value * 1.15)
    } else {
        (value * 0.99, value * 1.01)
    }
}

fn measured(witness: usize, d: usize, doc: &Doc) -> Vec<Measured> {
    let lower_content = |text: &str| -> Vec<String> {
        words(text)
            .iter()
            .map(|w| w.text.to_lowercase())
            .filter(|w| !is_stopword(w) && w.chars().all(char::is_alphabetic))
            .collect()
    };
    let mut out = Vec::new();
    for s in 0..doc.sentences.len() {
        if doc.sentences[s].frame {
            continue;
        }
        let text = doc.sentence_text(s);
        for q in facts::quantities(text) {
            let Some(unit) = q.unit.as_deref().filter(|u| MEASURES.contains(u)) else { continue };
            if q.kind != FactKind::Number || q.aside {
                continue;
            }
            let before: Vec<String> = text
                .get(..q.start)
                .map(|t| words(t).iter().rev().take(3).map(|w| w.text.to_lowercase()).collect())
                .unwrap_or_default();
            let (low, high) = bounds(&before, q.value);
            // A noun of its own only in the compound form, "a 2½-hour call",
            // "a 30-mile chase": "12 weeks ago", "15 miles north" measure a
            // time or place, not a thing.
            let compound = q.surface.contains('-') && q.surface.chars().last().is_some_and(char::is_alphabetic);
            let noun = if compound { text.get(q.end..).and_then(|rest| head_noun(rest, unit)) } else { None };
            // Without a noun of its own, only a verb of measuring says the
            // number is the measure of something named nearby ("It lasted
            // almost two hours"), not a span of time ("in 24 hours").
            if noun.is_none() && !before.iter().any(|w| MEASURING.contains(&w.as_str())) {
                continue;
            }
            let mut context: HashSet<String> = lower_content(text).into_iter().collect();
            if s > 0 {
                context.extend(lower_content(doc.sentence_text(s - 1)));
            }
            let hedge: Vec<&str> = before.iter().rev().map(String::as_str).filter(|w| HEDGES.contains(w)).collect();
            let mut said =
                if hedge.is_empty() { q.surface.clone() } else { format!("{} {}", hedge.join(" "), q.surface) };
            // "two" read with its unit from the next word: "two hours".
            if !q.surface.to_lowercase().contains(unit) {
                if let Some(next) = text.get(q.end..).and_then(|rest| words(rest).into_iter().next()) {
                    if next.text.to_lowercase().starts_with(unit) {
                        said = format!("{said} {}", next.text);
                    }
                }
            }
            out.push(Measured {
                witness,
                unit: unit.to_string(),
                low,
                high,
                noun,
                context,
                text: said,
                citation: Citation { document: d, sentence: s },
            });
        }
    }
    out
}

/// The noun a measure modifies, from the text right after its number: the
/// last of up to two content words that follow it with nothing but spaces
/// or hyphens between ("-hour phone call" → "call"), the unit itself
/// skipped ("24 hours"); `None` when none follows directly ("lasted almost
/// two hours,").
fn head_noun(rest: &str, unit: &str) -> Option<String> {
    let tokens = words(rest);
    let mut head = None;
    let mut end = 0;
    let mut taken = 0;
    for t in &tokens {
        let gap = rest.get(end..t.start).unwrap_or(",");
        if !gap.chars().all(|c| c.is_whitespace() || c == '-') {
            break;
        }
        end = t.end();
        let w = t.text.to_lowercase();
        let is_unit = w == unit || w.strip_suffix('s') == Some(unit) || MEASURES.contains(&w.as_str());
        if is_unit && taken == 0 && head.is_none() {
            continue;
        }
        if w.len() < 3
            || !w.chars().all(char::is_alphabetic)
            || is_stopword(&w)
            || w == "old"
            || facts::MONTHS.contains(&w.as_str())
        {
            break;
        }
        head = Some(w);
        taken += 1;
        if taken == 2 {
            break;
        }
    }
    head
}

/// One measured thing given values by two witnesses that no member of
/// either family could share (see the module's doc).
fn measure_conflicts(witnesses: &[Witness<'_>]) -> Vec<Conflict> {
    let mentions: Vec<Measured> = witnesses
        .iter()
        .enumerate()
        .flat_map(|(w, wit)| wit.docs.iter().flat_map(move |&(d, doc)| measured(w, d, doc)))
        .collect();
    // What is measured: a unit and the noun it modifies somewhere; a
    // mention without a noun of its own joins when its context names it.
    let mut things: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for m in &mentions {
        if let Some(noun) = &m.noun {
            things.entry((m.unit.clone(), noun.clone())).or_default();
        }
    }
    for (k, m) in mentions.iter().enumerate() {
        for ((unit, noun), members) in things.iter_mut() {
            let names = m.noun.as_deref() == Some(noun.as_str())
                || (m.noun.is_none() && (m.context.contains(noun) || m.context.contains(&format!("{noun}s"))));
            if &m.unit == unit && names {
                members.push(k);
            }
        }
    }
    let overlap = |x: &Measured, y: &Measured| x.low <= y.high && y.low <= x.high;
    let mut out = Vec::new();
    for ((unit, noun), members) in things {
        let by_witness: BTreeMap<usize, Vec<usize>> = members.iter().fold(BTreeMap::new(), |mut acc, &k| {
            acc.entry(mentions[k].witness).or_insert_with(Vec::new).push(k);
            acc
        });
        let mut statements: Vec<Statement> = Vec::new();
        let ws: Vec<(&usize, &Vec<usize>)> = by_witness.iter().collect();
        for (i, (_, xs)) in ws.iter().enumerate() {
            for (_, ys) in &ws[i + 1..] {
                if xs.iter().any(|&x| ys.iter().any(|&y| overlap(&mentions[x], &mentions[y]))) {
                    continue;
                }
                for &k in [xs[0], ys[0]].iter() {
                    let m = &mentions[k];
                    let family = witnesses[m.witness].index;
                    if !statements.iter().any(|s| s.witness == family) {
                        statements.push(Statement {
                            witness: family,
                            text: m.text.clone(),
                            speaker: None,
                            citation: m.citation,
                        });
                    }
                }
            }
        }
        if statements.len() >= 2 {
            out.push(Conflict { kind: ConflictKind::Measure, about: Some(format!("{noun} ({unit})")), statements });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;

    fn doc(id: &str, text: &str) -> Doc {
        Doc::from_article(&Article::from_text(id, text), &Terms::default())
    }

    fn stats(docs: &[&Doc]) -> CorpusStats {
        let mut stats = CorpusStats::default();
        for d in docs {
            stats.add(d);
        }
        stats
    }

    proptest::proptest! {
        /// Any two texts can be compared for replaced numbers and collated
        /// without panicking.
        #[test]
        fn any_texts_collate_safely(a in "(\\PC|[0-9½:,./ \n\"])*", b in "(\\PC|[0-9½:,./ \n\"])*") {
            let _ = replaced_numbers(&a, &b);
            // The same text with its numbers changed exercises the replacement path.
            let changed: String = a.chars().map(|c| if c.is_ascii_digit() { '7' } else { c }).collect();
            let _ = replaced_numbers(&a, &changed);
            let docs = vec![doc("a", &a), doc("b", &b), doc("c", &changed)];
            let _ = collate(&docs, &families(3), &stats(&[&docs[0], &docs[1], &docs[2]]), &StoryConfig::default());
        }
    }

    fn families(n: usize) -> Vec<Family> {
        (0..n).map(|d| Family { root: Some(d), members: vec![d] }).collect()
    }

    #[test]
    fn one_statement_quoted_two_ways_is_a_conflict_and_a_partial_quote_is_not() {
        let a = doc("a", "The White House said the halt covers \"energy and infrastructure\" for now.\nOfficials said the talks were \"complete cessation of aid\" in tone.");
        let b = doc("b", "The Kremlin said the halt covers \"energy infrastructure\" only, officials confirmed.\nThe talks were about \"complete cessation\" of aid.");
        let docs = vec![a, b];
        let c = collate(&docs, &families(2), &stats(&[&docs[0], &docs[1]]), &StoryConfig::default());
        let quotations: Vec<Vec<String>> = c
            .conflicts
            .iter()
            .filter(|x| x.kind == ConflictKind::Quotation)
            .map(|x| x.statements.iter().map(|s| s.text.clone()).collect())
            .collect();
        assert_eq!(
            quotations,
            vec![vec!["energy and infrastructure".to_string(), "energy infrastructure".to_string()]]
        );
    }

    #[test]
    fn one_measured_thing_given_two_values_is_a_conflict_however_worded() {
        let a = doc("a", "Putin and Trump spoke in a 2½-hour call on Tuesday. The Kremlin said the talks were useful.");
        let b = doc("b", "\"We had a great call. It lasted almost two hours,\" Trump said afterwards.");
        let c = doc(
            "c",
            "More than 2½ hours later, the White House said the call was over. He had promised peace in 24 hours.",
        );
        let docs = vec![a, b, c];
        let collation = collate(&docs, &families(3), &stats(&[&docs[0], &docs[1], &docs[2]]), &StoryConfig::default());
        let measures: Vec<&Conflict> = collation.conflicts.iter().filter(|x| x.kind == ConflictKind::Measure).collect();
        assert_eq!(measures.len(), 1, "{measures:?}");
        assert_eq!(measures[0].about.as_deref(), Some("call (hour)"));
        let said: Vec<&str> = measures[0].statements.iter().map(|s| s.text.as_str()).collect();
        // "More than 2½ hours" agrees with 2½; "in 24 hours" measures no call.
        assert_eq!(said, vec!["2½-hour", "almost two hours"]);
        assert_eq!(bounds(&["almost".into()], 2.0), (1.5, 2.0));
        assert_eq!(bounds(&["than".into(), "more".into()], 2.5).0, 2.5);
    }

    #[test]
    fn agreeing_sentences_with_different_numbers_conflict() {
        let a = doc(
            "a",
            "Three undersea cables in the Mediterranean were cut on Friday, disrupting internet access across Asia.",
        );
        let b = doc(
            "b",
            "Two undersea cables in the Mediterranean were cut on Friday, disrupting internet access across Asia.",
        );
        let c = doc(
            "c",
            "Two undersea cables in the Mediterranean were cut on Friday, disrupting internet access across Asia.",
        );
        let docs = vec![a, b, c];
        let collation = collate(&docs, &families(3), &stats(&[&docs[0], &docs[1], &docs[2]]), &StoryConfig::default());
        assert_eq!(collation.agreements.len(), 1);
        assert_eq!(collation.agreements[0].witnesses, vec![0, 1, 2]);
        let conflict =
            collation.conflicts.iter().find(|x| x.kind == ConflictKind::Quantity).expect("a quantity conflict");
        assert_eq!(conflict.about.as_deref(), Some("undersea"));
        let values: Vec<&str> = conflict.statements.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(values, vec!["Three", "Two", "Two"]);
        // Clock times and digit groups are not quantities that conflict.
        assert!(replaced_numbers("Posted at 3: 24 PM on Friday", "Posted at 3: 27 PM on Friday").is_empty());
        assert!(replaced_numbers("He threw for 4, 051 yards", "He threw for 4, 183 yards").is_empty());
        // A hedge goes with its number.
        assert_eq!(
            replaced_numbers("At least four bombs were dropped", "Five bombs were dropped"),
            vec![("At least four".to_string(), "Five".to_string(), "bombs".to_string())]
        );
        // Any text at all is safe.
        assert!(replaced_numbers("½ 2½ — “3” café 4", "½ 5½ — “6” café 4").len() <= 2);
        // Different numbers of different things are no conflict.
        assert!(replaced_numbers("McDermott scored 23 points", "McDermott had five rebounds").is_empty());
        assert!(replaced_numbers("He needed nine points to pass Ford", "He posted 20 points to pass Ford").is_empty());
        assert!(replaced_numbers(
            "ran for 404 yards and caught passes for 440 yards",
            "ran for 440 yards and caught passes for 404 yards"
        )
        .is_empty());
    }

    #[test]
    fn names_only_one_witness_mentions_are_unique_claims() {
        let a = doc("a", "The minister met Chancellor Olaf Scholz in Berlin on Tuesday to discuss the truce.");
        let b = doc("b", "The minister travelled to Berlin on Tuesday to discuss the truce with partners.");
        let docs = vec![a, b];
        let c = collate(&docs, &families(2), &stats(&[&docs[0], &docs[1]]), &StoryConfig::default());
        let names: Vec<String> = c.unique.iter().flat_map(|u| u.names.clone()).collect();
        assert_eq!(names, vec!["Chancellor Olaf Scholz".to_string()]);
        let d = doc("c", "The talks included Commission President Ursula von der Leyen and the Secretary of State.");
        let found: Vec<String> = super::names(&d, 0, &Terms::default()).into_iter().map(|n| n.1).collect();
        assert_eq!(found, vec!["Commission President Ursula von der Leyen", "Secretary of State"]);
        assert_eq!(c.unique[0].witness, 0);
    }

    #[test]
    fn names_keep_their_titles_and_their_ands() {
        let found = |text: &str| -> Vec<String> {
            super::names(&doc("n", text), 0, &Terms::default()).into_iter().map(|n| n.1).collect()
        };
        assert_eq!(
            found("\"The water was close to freezing,\" said Chief Fire Officer Brenna Holt of the Marrowby Fire and Rescue Service."),
            vec!["Chief Fire Officer Brenna Holt", "Marrowby Fire and Rescue Service"]
        );
        assert_eq!(
            found("The report was written by Maria Snegovaya of the Washington-based Center for Strategic and International Studies."),
            vec!["Maria Snegovaya", "Center for Strategic and International Studies"]
        );
        // Two people are two names.
        assert_eq!(
            found("The call between Donald Trump and Vladimir Putin lasted two hours."),
            vec!["Donald Trump", "Vladimir Putin"]
        );
        assert_eq!(
            found("The talks were led by Secretary of State Marco Rubio and National Security Adviser Mike Waltz."),
            vec!["Secretary of State Marco Rubio", "National Security Adviser Mike Waltz"]
        );
        assert_eq!(
            found("He spoke at the Ministry of Trade and Industry on Monday."),
            vec!["Ministry of Trade and Industry"]
        );
    }
}
