//! What a copy changed: altered quotations, changed facts, dropped
//! attributions, and sentences dropped or added.
//!
//! Every finding rests on aligned sentences, so it comes with both wordings
//! and both sentence indices. Omissions alone are not changes: a number or a
//! title present on one side only is left alone; a reader acts on changes,
//! so a missed one costs less than an invented one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::align::Alignment;
use crate::config::RelateConfig;
use crate::text::facts::{self, FactKind, Quantity, TitledName};
use crate::text::tokens::words;
use crate::text::Doc;

/// Everything the copy `b` changed relative to the source `a`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Quotations whose words differ between the two.
    pub altered_quotes: Vec<AlteredQuote>,
    /// Numbers, dates, titles and scope words that differ in aligned sentences.
    pub changed_facts: Vec<ChangedFact>,
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
    /// Number, date, title or scope.
    pub kind: FactKind,
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

/// The numbers, dates and titled names of a document's sentences. They
/// are extracted here, for the documents of a derived pair only, rather than
/// kept for every document: most documents are never part of one.
struct Facts {
    quantities: Vec<Vec<Quantity>>,
    titled_names: Vec<Vec<TitledName>>,
}

impl Facts {
    fn of(doc: &Doc) -> Facts {
        let texts = (0..doc.sentences.len()).map(|i| doc.sentence_text(i));
        Facts {
            quantities: texts.clone().map(facts::quantities).collect(),
            titled_names: texts.map(facts::titled_names).collect(),
        }
    }
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
    let (fa, fb) = (Facts::of(a), Facts::of(b));
    for (&i, js) in &partners {
        changes.changed_facts.extend(changed_quantities(&fa, &fb, i, js));
        changes.changed_facts.extend(changed_titles(&fa, &fb, i, js));
        changes.changed_facts.extend(changed_scope(a, b, i, js));
        changes.dropped_attributions.extend(dropped_attribution(a, b, i, js));
    }
    let unit_level = changed_units(&fa, &fb, &changes.changed_facts);
    changes.changed_facts.extend(unit_level);
    changes
}

fn family(name: &str) -> Option<String> {
    name.split_whitespace().last().map(str::to_lowercase)
}

/// Pairs each quotation of `a` with the quotation of `b` that renders the
/// same statement: in aligned sentences and either worded alike or given by
/// the same speaker, or by the same speaker in a sentence next to an aligned
/// one (a rewrite moves attributions between sentences). Best pairs first,
/// each quotation used once.
fn altered_quotes(
    a: &Doc,
    b: &Doc,
    partners: &BTreeMap<usize, Vec<usize>>,
    config: &RelateConfig,
) -> Vec<AlteredQuote> {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (ka, qa) in a.quotes.iter().enumerate() {
        let linked: Vec<usize> = a.quote_sentences(qa).filter_map(|i| partners.get(&i)).flatten().copied().collect();
        let words_a = wording(&qa.text);
        for (kb, qb) in b.quotes.iter().enumerate() {
            let in_linked = b.quote_sentences(qb).any(|j| linked.contains(&j));
            let next_to_linked = b.quote_sentences(qb).any(|j| linked.iter().any(|&k| k.abs_diff(j) == 1));
            let similarity = word_jaccard(&words_a, &wording(&qb.text));
            let same_speaker = qa.speaker.is_some()
                && qa.speaker.as_deref().and_then(family) == qb.speaker.as_deref().and_then(family);
            let same_statement = if in_linked {
                similarity >= config.quote_match_similarity || same_speaker
            } else {
                next_to_linked && same_speaker && similarity >= config.quote_match_similarity
            };
            if same_statement {
                pairs.push((similarity + if same_speaker { 1.0 } else { 0.0 }, ka, kb));
            }
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let (mut used_a, mut used_b) = (vec![false; a.quotes.len()], vec![false; b.quotes.len()]);
    let mut out = Vec::new();
    for (_, ka, kb) in pairs {
        if used_a[ka] || used_b[kb] {
            continue;
        }
        used_a[ka] = true;
        used_b[kb] = true;
        let (qa, qb) = (&a.quotes[ka], &b.quotes[kb]);
        if wording(&qa.text) != wording(&qb.text) {
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

fn same_value(x: &Quantity, y: &Quantity) -> bool {
    x.kind == y.kind && (x.value - y.value).abs() < 1e-9
}

fn changed_quantities(a: &Facts, b: &Facts, i: usize, js: &[usize]) -> Vec<ChangedFact> {
    let qa: Vec<&Quantity> = a.quantities[i].iter().collect();
    let qb: Vec<(usize, &Quantity)> =
        js.iter().flat_map(|&j| b.quantities[j].iter().map(move |q| (j, q))).collect();
    // Quantities of each side with no equal on the other side.
    let only_a: Vec<&Quantity> = qa.iter().copied().filter(|x| !qb.iter().any(|(_, y)| same_value(x, y))).collect();
    let mut only_b: Vec<(usize, &Quantity)> =
        qb.iter().copied().filter(|(_, q)| !qa.iter().any(|t| same_value(q, t))).collect();
    let mut out = Vec::new();
    for x in only_a {
        // Same kind and unit first; failing that, the only one of its kind.
        let same_unit = only_b.iter().position(|(_, y)| y.kind == x.kind && y.unit == x.unit);
        let sole = || {
            let of_kind: Vec<usize> = (0..only_b.len()).filter(|&k| only_b[k].1.kind == x.kind).collect();
            (of_kind.len() == 1 && x.unit.is_none() == only_b[of_kind[0]].1.unit.is_none()).then(|| of_kind[0])
        };
        if let Some(k) = same_unit.or_else(sole) {
            let (j, y) = only_b.remove(k);
            out.push(ChangedFact {
                a: x.surface.clone(),
                b: y.surface.clone(),
                kind: x.kind,
                a_sentence: i,
                b_sentence: j,
            });
        }
    }
    out
}

/// Numbers with a unit that changed between sentences that did not align
/// with each other: for a unit ("hour", "percent") where each document has
/// exactly one value the other lacks, that value changed.
fn changed_units(a: &Facts, b: &Facts, found: &[ChangedFact]) -> Vec<ChangedFact> {
    fn by_unit(facts: &Facts) -> BTreeMap<String, Vec<(usize, &Quantity)>> {
        let mut map: BTreeMap<String, Vec<(usize, &Quantity)>> = BTreeMap::new();
        for (i, quantities) in facts.quantities.iter().enumerate() {
            for q in quantities.iter().filter(|q| q.kind == FactKind::Number) {
                if let Some(unit) = &q.unit {
                    map.entry(unit.clone()).or_default().push((i, q));
                }
            }
        }
        map
    }
    let (ua, ub) = (by_unit(a), by_unit(b));
    let mut out = Vec::new();
    for (unit, xs) in &ua {
        let Some(ys) = ub.get(unit) else { continue };
        let lone_x: Vec<&(usize, &Quantity)> =
            xs.iter().filter(|(_, x)| !ys.iter().any(|(_, y)| same_value(x, y))).collect();
        let lone_y: Vec<&(usize, &Quantity)> =
            ys.iter().filter(|(_, y)| !xs.iter().any(|(_, x)| same_value(x, y))).collect();
        if let ([(i, x)], [(j, y)]) = (lone_x.as_slice(), lone_y.as_slice()) {
            let already = found.iter().any(|f| f.a_sentence == *i && f.b_sentence == *j && f.a == x.surface);
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

/// A quantifier of one scope in `a` answered by one of another scope in its
/// partner, with neither scope on the other side: "most of four regions" /
/// "parts of four regions". Quotations are left to the altered quotations.
fn changed_scope(a: &Doc, b: &Doc, i: usize, js: &[usize]) -> Option<ChangedFact> {
    let quoted = |doc: &Doc, k: usize| -> Vec<(usize, usize)> {
        let s = &doc.sentences[k];
        doc.quotes
            .iter()
            .filter(|q| q.start < s.end && q.end > s.start)
            .map(|q| (q.start.saturating_sub(s.start), q.end.min(s.end) - s.start))
            .collect()
    };
    let in_a = facts::scopes(a.sentence_text(i), &quoted(a, i));
    let in_b: Vec<(usize, (facts::Scope, usize))> =
        js.iter().flat_map(|&j| facts::scopes(b.sentence_text(j), &quoted(b, j)).into_iter().map(move |s| (j, s))).collect();
    let only_a: Vec<&(facts::Scope, usize)> = in_a.iter().filter(|x| !in_b.iter().any(|(_, y)| y.0 == x.0)).collect();
    let only_b: Vec<&(usize, (facts::Scope, usize))> = in_b.iter().filter(|(_, y)| !in_a.iter().any(|x| x.0 == y.0)).collect();
    let (&&(_, at), &&(j, (_, bt))) = (only_a.first()?, only_b.first()?);
    if only_a.len() != 1 || only_b.len() != 1 {
        return None;
    }
    // The quantifier with the two words after it, as the reader sees it.
    let phrase = |text: &str, at: usize| text[at..].split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    Some(ChangedFact {
        a: phrase(a.sentence_text(i), at),
        b: phrase(b.sentence_text(j), bt),
        kind: FactKind::Scope,
        a_sentence: i,
        b_sentence: j,
    })
}

fn changed_titles(a: &Facts, b: &Facts, i: usize, js: &[usize]) -> Vec<ChangedFact> {
    let mut out = Vec::new();
    for ta in &a.titled_names[i] {
        for &j in js {
            let same_person = b.titled_names[j].iter().find(|tb| tb.person_key() == ta.person_key());
            if let Some(tb) = same_person {
                if tb.role != ta.role {
                    out.push(ChangedFact {
                        a: ta.surface.clone(),
                        b: tb.surface.clone(),
                        kind: FactKind::Title,
                        a_sentence: i,
                        b_sentence: j,
                    });
                }
                break;
            }
        }
    }
    out
}

fn dropped_attribution(a: &Doc, b: &Doc, i: usize, js: &[usize]) -> Option<DroppedAttribution> {
    let source = a.sentences[i].attribution.as_ref().filter(|s| s.named)?;
    let name = family(&source.source)?;
    let names_it = |j: usize| {
        let cited = b.sentences[j].attribution.as_ref().and_then(|s| family(&s.source));
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
        a: source.description.clone(),
        b: b.sentences[j].attribution.as_ref().map(|s| s.source.clone()),
        a_sentence: i,
        b_sentence: j,
    })
}
