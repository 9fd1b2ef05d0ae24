//! Direct quotations with their speakers, and the attribution of a sentence.
//!
//! A quotation is text between double quotes within one paragraph; an
//! unclosed quote runs to the paragraph's end, as news style does for quotes
//! continued in the next paragraph, or to its sentence's end in text without
//! paragraph breaks (see [`quotations`]). Speakers are found next to a reporting
//! verb outside the quotation: `"…," Zelensky said`, `said Kristine Berzina`,
//! `X told Fox News`, `according to X`; a pronoun ("he wrote") resolves to
//! the last named source before it.

use serde::{Deserialize, Serialize};

use super::tokens::{lowercase, words, Token, WordSet};

/// A direct quotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words, without the quotation marks and trailing commas.
    pub text: String,
    /// Byte offset of the opening quotation mark in the document text.
    pub start: usize,
    /// Byte offset just past the closing mark (or the paragraph end).
    pub end: usize,
    /// Who is quoted, when the text says.
    pub speaker: Option<String>,
}

/// Who a sentence says its information comes from.
///
/// The source is a part of its description ("Dana Stiffler" of "AMR
/// Research analyst Dana Stiffler"), so both are one string: a large corpus
/// holds several attributions a document, and with two strings each they
/// were a seventh of what its documents held without their texts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "Cited", into = "Cited")]
pub struct Attribution {
    /// The source with its description when one follows.
    description: Box<str>,
    /// Where the source lies in `description`, in bytes.
    source: (u32, u32),
    /// True for a named person or body; false for "experts", "analysts",
    /// "officials" and the like.
    pub named: bool,
}

impl Attribution {
    /// A source cited without a description.
    pub fn new(source: String, named: bool) -> Attribution {
        let len = source.len();
        Attribution::within(source, 0, len, named)
    }

    /// A source described: its words are the `len` bytes of `description`
    /// from byte `at`.
    fn within(description: String, at: usize, len: usize, named: bool) -> Attribution {
        let end = (at + len).min(description.len());
        Attribution { description: description.into(), source: (at.min(end) as u32, end as u32), named }
    }

    /// The source as named ("Maria Snegovaya", "Experts", "the Kremlin").
    pub fn source(&self) -> &str {
        &self.description[self.source.0 as usize..self.source.1 as usize]
    }

    /// The source with its description when one follows ("Maria Snegovaya,
    /// senior fellow at …").
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl PartialEq for Attribution {
    fn eq(&self, other: &Attribution) -> bool {
        self.named == other.named && self.description == other.description && self.source() == other.source()
    }
}

/// An [`Attribution`] as it is written out: its source, description and
/// whether it names someone.
#[derive(Serialize, Deserialize)]
struct Cited {
    source: String,
    description: String,
    named: bool,
}

impl From<Cited> for Attribution {
    fn from(c: Cited) -> Attribution {
        match c.description.find(&c.source) {
            Some(at) => Attribution::within(c.description, at, c.source.len(), c.named),
            // Written by hand: a source that is not in its description
            // becomes its description's end.
            None => {
                let at = c.description.len() + 2;
                Attribution::within(format!("{}, {}", c.description, c.source), at, c.source.len(), c.named)
            }
        }
    }
}

impl From<Attribution> for Cited {
    fn from(a: Attribution) -> Cited {
        Cited { source: a.source().to_string(), description: a.description().to_string(), named: a.named }
    }
}

#[rustfmt::skip]
const REPORTING_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "tell", "wrote", "writes", "stated", "states", "added", "adds",
    "noted", "notes", "observed", "observes", "posted", "tweeted", "asked", "asks", "explained", "argued",
    "argues", "warned", "warns", "declared", "announced", "insisted", "cautioned", "called", "calls",
    "suggested", "suggest", "suggests", "acknowledged", "replied", "recalled", "conceded", "contended",
    "emphasized", "stressed", "remarked", "commented", "claimed", "claims", "believe", "believes", "according",
    "reported", "confirmed", "admitted",
    // Base forms after a plural subject ("analysts warn"), where the word
    // is no common noun.
    "warn", "argue", "insist", "caution", "explain", "contend", "concede", "acknowledge",
];

pub(crate) fn reporting_verbs() -> &'static WordSet {
    static VERBS: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    VERBS.get_or_init(|| WordSet::new(REPORTING_VERBS))
}

const PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i"];

/// Sources that name nobody in particular.
#[rustfmt::skip]
const GENERIC_SOURCES: &[&str] = &[
    "experts", "expert", "analysts", "analyst", "officials", "sources", "source", "critics", "observers",
    "some", "many", "others", "people", "residents", "reports", "diplomats", "lawmakers", "authorities",
    "witnesses", "economists", "scientists", "researchers", "insiders", "commentators", "aides", "advisers",
    "someone", "one", "studies", "specialists", "a", "an", "the",
];

/// Is this word a personal pronoun that can stand for a source ("he", "She")?
pub fn is_pronoun(word: &str) -> bool {
    PRONOUNS.contains(&word.to_lowercase().as_str())
}

/// How a quotation mark sits between its neighbours: an opening mark has
/// a space (or the paragraph start) before it and a word after it; a
/// closing mark the reverse. Straight marks carry no direction of their own,
/// and normalization makes every mark straight, so context is all there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Opening,
    Closing,
    /// Spaces on both sides, or on neither: either role.
    Either,
}

fn mark_at(paragraph: &str, at: usize) -> Mark {
    let before = paragraph[..at].chars().next_back();
    let after = paragraph[at + 1..].chars().next();
    let opens = before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '{' | '—' | '-' | '/' | ':'))
        && after.is_some_and(|c| !c.is_whitespace() && !matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']'));
    // A mark ending its paragraph can only close, however it is spaced
    // (detokenized text writes `… encouraging. "`).
    let closes = (before.is_some() && after.is_none())
        || before.is_some_and(|c| !c.is_whitespace())
            && after.is_none_or(|c| {
                c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '—' | '-')
            });
    match (opens, closes) {
        (true, false) => Mark::Opening,
        (false, true) => Mark::Closing,
        _ => Mark::Either,
    }
}

/// Whether the mark at `at` follows a clause-ending comma (or stop) and a
/// space, and precedes a lowercase word.
fn closes_after_comma(paragraph: &str, at: usize) -> bool {
    let before = paragraph[..at].trim_end();
    let after = paragraph[at + 1..].chars().next();
    before.ends_with([',', '.', '?', '!']) && after.is_some_and(char::is_lowercase)
}

/// Finds the quotations in a paragraph of the document. `offset` is the
/// paragraph's byte offset in the document; `sentences` are the paragraph's
/// sentences as byte ranges within it, in order.
///
/// A quotation's scope is bounded so that one stray or lost mark cannot turn
/// the rest of a document into quotation: marks pair by their position (an
/// opening mark met while a quotation is open means the first was never
/// closed); a quotation left open runs to the paragraph's end when
/// `open_to_paragraph_end` (news style continues a quotation into the next
/// paragraph and closes it only there) and otherwise, in text without
/// paragraph breaks, to the end of its sentence; a closing mark with no
/// opening one closes a quotation that began at its sentence's start (the
/// opening mark was lost, or sits in the sentence before).
pub fn quotations(
    paragraph: &str,
    offset: usize,
    sentences: &[(usize, usize)],
    open_to_paragraph_end: bool,
) -> Vec<Quote> {
    scan(paragraph, offset, sentences, open_to_paragraph_end, false).0
}

/// Whether the first quotation mark of a paragraph closes a quotation;
/// `None` when it has no mark.
pub(crate) fn first_mark_closes(paragraph: &str) -> Option<bool> {
    paragraph.find('"').map(|at| mark_at(paragraph, at) == Mark::Closing)
}

/// [`quotations`] of a paragraph that starts inside a quotation when
/// `continued` (one opened in an earlier paragraph and closed in this one),
/// and whether a quotation is still open at its end.
pub(crate) fn scan(
    paragraph: &str,
    offset: usize,
    sentences: &[(usize, usize)],
    open_to_paragraph_end: bool,
    continued: bool,
) -> (Vec<Quote>, bool) {
    let sentence_of =
        |at: usize| sentences.iter().find(|s| s.0 <= at && at < s.1).copied().unwrap_or((0, paragraph.len()));
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = continued.then_some(0);
    for (at, _) in paragraph.match_indices('"') {
        let mark = mark_at(paragraph, at);
        match (open, mark) {
            (None, Mark::Closing) => {
                let previous_end = spans.last().map_or(0, |s| s.1);
                spans.push((sentence_of(at).0.max(previous_end), at + 1));
            }
            (None, _) => open = Some(at),
            // A mark spaced like an opening one but set after a clause's
            // comma and before a lowercase word closes the open quotation
            // ("… the charm, "she added"), as detokenized and hand-typed
            // text write it.
            (Some(o), Mark::Opening) if closes_after_comma(paragraph, at) => {
                spans.push((o, at + 1));
                open = None;
            }
            (Some(o), Mark::Opening) => {
                spans.push((o, sentence_of(o).1.min(at)));
                open = Some(at);
            }
            (Some(o), _) => {
                spans.push((o, at + 1));
                open = None;
            }
        }
    }
    let open_at_end = open.is_some();
    if let Some(o) = open {
        spans.push((o, if open_to_paragraph_end { paragraph.len() } else { sentence_of(o).1 }));
    }
    let quotes = spans
        .into_iter()
        .filter_map(|(start, end)| {
            let inner = paragraph[start..end].trim_matches(|c: char| c == '"' || c.is_whitespace());
            let inner = inner.trim_end_matches([',', ' ', '.', ';', ':']);
            (inner.split_whitespace().count() >= 2).then(|| Quote {
                text: inner.to_string(),
                start: offset + start,
                end: offset + end,
                speaker: None,
            })
        })
        .collect();
    (quotes, open_at_end)
}

/// The attribution of a sentence: the source next to its reporting verb,
/// looked for outside quotations (`masked` blanks them out).
pub fn attribution(masked: &str) -> Option<Attribution> {
    let tokens = words(masked);
    let verbs = reporting_verbs();
    // Most sentences cite no one, and a source is a few words from its
    // verb: words are lowercased one at a time, where they are read.
    for (v, token) in tokens.iter().enumerate() {
        if !verbs.contains_lowercased(token.text) {
            continue;
        }
        if lowercase(token.text) == "according" {
            if tokens.get(v + 1).is_some_and(|t| lowercase(t.text) == "to") {
                if let Some(found) = source_after(masked, &tokens, v + 2) {
                    return Some(found);
                }
            }
            continue;
        }
        if let Some(found) = source_before(masked, &tokens, v) {
            return Some(found);
        }
        if let Some(found) = source_after(masked, &tokens, v + 1) {
            return Some(found);
        }
    }
    None
}

fn source_before(text: &str, tokens: &[Token<'_>], verb: usize) -> Option<Attribution> {
    let lower = |i: usize| lowercase(tokens[i].text);
    let prev = verb.checked_sub(1)?;
    if PRONOUNS.contains(&&*lower(prev)) {
        return Some(Attribution::new(tokens[prev].text.to_string(), false));
    }
    // "X, a managing director at Y, said": skip back over the appositive.
    let gap = &text[tokens[prev].end()..tokens[verb].start];
    let mut last = prev;
    if gap.contains(',') {
        let before_comma = text[..tokens[prev].end()].rfind(',')?;
        last = tokens.iter().rposition(|t| t.end() <= before_comma)?;
    }
    let mut first = last;
    if !tokens[last].is_capitalized() {
        if !GENERIC_SOURCES.contains(&&*lower(last)) {
            return None;
        }
        return Some(Attribution::new(tokens[last].text.to_string(), false));
    }
    while first > 0 && last - first < 4 {
        let cand = first - 1;
        let joined = text[tokens[cand].end()..tokens[cand + 1].start].trim().is_empty();
        if joined && (tokens[cand].is_capitalized() || matches!(&*lower(cand), "of" | "de" | "von" | "der" | "van")) {
            first = cand;
        } else {
            break;
        }
    }
    while first < last && !tokens[first].is_capitalized() {
        first += 1;
    }
    // "All told", "This means": a capitalized function word is no source.
    if super::tokens::is_stopword(&lower(first)) && first == last {
        return None;
    }
    let source = text[tokens[first].start..tokens[last].end()].trim_end_matches("'s").to_string();
    let named = !GENERIC_SOURCES.contains(&&*lower(first));
    Some(Attribution::new(source, named))
}

fn source_after(text: &str, tokens: &[Token<'_>], from: usize) -> Option<Attribution> {
    // The last token of the run of capitalized words from `start`.
    let run = |start: usize| -> Option<usize> {
        if !tokens.get(start)?.is_capitalized() {
            return None;
        }
        let mut last = start;
        while last + 1 < tokens.len() && last - start < 4 {
            let next = tokens[last + 1];
            let joined = text[tokens[last].end()..next.start].trim().is_empty();
            if joined && next.is_capitalized() {
                last += 1;
            } else {
                break;
            }
        }
        Some(last)
    };
    // Lowercase words from `start` that end in a role ("analyst",
    // "defense lawyer", "legislative policy director"): how many.
    let roles = |start: usize| {
        let lowercase = tokens[start.min(tokens.len())..]
            .iter()
            .take(3)
            .take_while(|t| t.text.chars().all(char::is_lowercase))
            .count();
        (1..=lowercase)
            .rev()
            .find(|&n| crate::text::facts::is_role_word(&tokens[start + n - 1].text.to_lowercase()))
            .unwrap_or(0)
    };
    // The person after a role: "said analyst Dana Stiffler", "said AMR
    // Research analyst Dana Stiffler" name Dana Stiffler, described whole.
    let person_after = |start: usize| {
        let r = roles(start);
        (r > 0).then(|| run(start + r).map(|last| (start + r, last))).flatten()
    };
    let (first, last) = match run(from) {
        Some(last) => person_after(last + 1).unwrap_or((from, last)),
        None => person_after(from)?,
    };
    let source = &text[tokens[first].start..tokens[last].end()];
    // The source is the end of the words from `from` (`first` is `from` or
    // after it).
    let named_whole = text[tokens[from].start..tokens[last].end()].to_string();
    let rest = &text[tokens[last].end()..];
    let description = match rest.strip_prefix(',') {
        Some(appositive) => {
            let appositive = appositive.split(['.', ';', '"']).next().unwrap_or("").trim();
            if appositive.is_empty() {
                named_whole
            } else {
                format!("{named_whole}, {appositive}")
            }
        }
        None => named_whole,
    };
    let named = !GENERIC_SOURCES.contains(&source.to_lowercase().as_str());
    Some(Attribution::within(description, tokens[first].start - tokens[from].start, source.len(), named))
}

/// Replaces the bytes of the given ranges with spaces, keeping offsets; a
/// text without ranges (most sentences quote no one) is not copied.
pub fn mask<'t>(text: &'t str, ranges: &[(usize, usize)]) -> std::borrow::Cow<'t, str> {
    if ranges.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes: Vec<u8> = text.as_bytes().to_vec();
    for &(s, e) in ranges {
        for b in &mut bytes[s.min(text.len())..e.min(text.len())] {
            *b = b' ';
        }
    }
    // Ranges come from quotation marks, which are ASCII, and only whole
    // characters between them are blanked; fall back to lossy otherwise.
    std::borrow::Cow::Owned(
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_in_a_paragraph() {
        let p = "\"We had a great call. It lasted almost two hours,\" Trump said on \"The Ingraham Angle\" show.";
        let q = quotations(p, 100, &[(0, p.len())], true);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].text, "We had a great call. It lasted almost two hours");
        assert_eq!(q[0].start, 100);
        assert_eq!(q[1].text, "The Ingraham Angle");
        let text = "\"This goes on. To the end of the paragraph";
        let open = quotations(text, 0, &[(0, 14), (15, text.len())], true);
        assert_eq!(open[0].text, "This goes on. To the end of the paragraph");
        // Without paragraph breaks, only to the end of its sentence.
        let open = quotations(text, 0, &[(0, 14), (15, text.len())], false);
        assert_eq!(open[0].text, "This goes on");
    }

    fn texts(paragraph: &str, sentences: &[(usize, usize)], to_end: bool) -> Vec<String> {
        quotations(paragraph, 0, sentences, to_end).into_iter().map(|q| q.text).collect()
    }

    #[test]
    fn stray_and_lost_marks_stay_local() {
        // A stray opening mark before a sentence: the next opening mark shows
        // it was never closed, and the real quotation still pairs.
        let p = "\"The council met. Mayor Varga said \"we will rebuild it\" on Monday. Crews arrived.";
        assert_eq!(texts(p, &[(0, 17), (18, 65), (66, p.len())], false), ["The council met", "we will rebuild it"]);
        // A closing mark whose opening mark was lost quotes from its sentence's start.
        let p = "Officials met. It lasted two hours,\" Trump said. Markets fell.";
        assert_eq!(texts(p, &[(0, 14), (15, 48), (49, p.len())], false), ["It lasted two hours"]);
        // A quotation spanning sentences, closed, is one quotation.
        let p = "\"We had a great call. It lasted two hours,\" Trump said.";
        assert_eq!(texts(p, &[(0, 21), (22, p.len())], false), ["We had a great call. It lasted two hours"]);
        // Detokenized text spaces a closing mark like an opening one.
        let p = "\"We are thrilled to have her, \"producers said in a statement.";
        assert_eq!(texts(p, &[(0, p.len())], true), ["We are thrilled to have her"]);
        // Spaced marks of detokenized text toggle.
        let p = "he was \" ensconced in the bosom \" of a clinic";
        assert_eq!(texts(p, &[(0, p.len())], true), ["ensconced in the bosom"]);
    }

    #[test]
    fn a_mark_ending_a_paragraph_closes() {
        let p = "The news is fairly good, which is encouraging. \"";
        assert_eq!(texts(p, &[(0, p.len())], true), ["The news is fairly good, which is encouraging"]);
        assert_eq!(first_mark_closes(p), Some(true));
        assert_eq!(first_mark_closes("\"We will rebuild,\" she said."), Some(false));
        assert_eq!(first_mark_closes("No marks here."), None);
    }

    fn source_of(sentence: &str) -> Option<(String, bool)> {
        let ranges: Vec<(usize, usize)> =
            quotations(sentence, 0, &[(0, sentence.len())], true).iter().map(|q| (q.start, q.end)).collect();
        attribution(&mask(sentence, &ranges)).map(|a| (a.source().to_string(), a.named))
    }

    #[test]
    fn speakers_in_the_usual_forms() {
        assert_eq!(source_of("\"It was striking,\" Colbourn said."), Some(("Colbourn".into(), true)));
        assert_eq!(
            source_of("\"This call brought to light much,\" said Kristine Berzina, a managing director."),
            Some(("Kristine Berzina".into(), true))
        );
        assert_eq!(source_of("Trump told Fox News aid did not come up."), Some(("Trump".into(), true)));
        assert_eq!(source_of("Experts say a halt could benefit Russia."), Some(("Experts".into(), false)));
        assert_eq!(source_of("\"Many elements were discussed,\" he wrote."), Some(("he".into(), false)));
        assert_eq!(
            source_of("Alexander Grushko, a senior diplomat, said Moscow had demands."),
            Some(("Alexander Grushko".into(), true))
        );
        assert_eq!(source_of("The weather was fine."), None);
    }

    #[test]
    fn a_role_before_a_name_describes_the_person() {
        let a = attribution("Clashes could ruin the union, said AMR Research analyst Dana Stiffler.").unwrap();
        assert_eq!((a.source(), a.description()), ("Dana Stiffler", "AMR Research analyst Dana Stiffler"));
        let a = attribution("The case is weak, said defense lawyer Theodore Boutrous.").unwrap();
        assert_eq!((a.source(), a.description()), ("Theodore Boutrous", "defense lawyer Theodore Boutrous"));
        assert!(a.named);
        let a = attribution("The talks failed, said White House officials.").unwrap();
        assert_eq!(a.source(), "White House");
    }

    #[test]
    fn description_keeps_the_appositive() {
        let a =
            attribution("That could benefit Russia, said Maria Snegovaya, senior fellow at the Center for Studies.")
                .unwrap();
        assert_eq!(a.source(), "Maria Snegovaya");
        assert_eq!(a.description(), "Maria Snegovaya, senior fellow at the Center for Studies");
    }

    #[test]
    fn an_attribution_is_written_as_its_source_and_description() {
        let a = attribution("The case is weak, said defense lawyer Theodore Boutrous.").unwrap();
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"source": "Theodore Boutrous", "description": "defense lawyer Theodore Boutrous", "named": true})
        );
        assert_eq!(serde_json::from_value::<Attribution>(json).unwrap(), a);
        // A source its description does not hold, as a person might write it.
        let odd: Attribution =
            serde_json::from_value(serde_json::json!({"source": "Reuters", "description": "a wire", "named": true}))
                .unwrap();
        assert_eq!((odd.source(), odd.named), ("Reuters", true));
    }
}
