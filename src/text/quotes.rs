//! Direct quotations with their speakers, and the attribution of a sentence.
//!
//! A quotation is text between double quotes within one paragraph (an
//! unclosed quote runs to the paragraph's end, as news style does for quotes
//! continued in the next paragraph). Speakers are found next to a reporting
//! verb outside the quotation: `"…," Zelensky said`, `said Kristine Berzina`,
//! `X told Fox News`, `according to X`; a pronoun ("he wrote") resolves to
//! the last named source before it.

use serde::{Deserialize, Serialize};

use super::tokens::{words, Token};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The source as named ("Maria Snegovaya", "Experts", "the Kremlin").
    pub source: String,
    /// The source with its description when one follows ("Maria Snegovaya,
    /// senior fellow at …").
    pub description: String,
    /// True for a named person or body; false for "experts", "analysts",
    /// "officials" and the like.
    pub named: bool,
}

#[rustfmt::skip]
const REPORTING_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "tell", "wrote", "writes", "stated", "states", "added", "adds",
    "noted", "notes", "observed", "observes", "posted", "tweeted", "asked", "asks", "explained", "argued",
    "argues", "warned", "warns", "declared", "announced", "insisted", "cautioned", "called", "calls",
    "suggested", "suggest", "suggests", "acknowledged", "replied", "recalled", "conceded", "contended",
    "emphasized", "stressed", "remarked", "commented", "claimed", "claims", "believe", "believes", "according",
    "reported", "confirmed", "admitted",
];

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

/// Finds the quotations in a paragraph of the document (`offset` is the
/// paragraph's byte offset in the document).
pub fn quotations(paragraph: &str, offset: usize) -> Vec<Quote> {
    let marks: Vec<usize> = paragraph.match_indices('"').map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for pair in marks.chunks(2) {
        let open = pair[0];
        let close = pair.get(1).copied().unwrap_or(paragraph.len());
        let inner = paragraph[open + 1..close].trim().trim_end_matches([',', ' ', '.', ';', ':']);
        if inner.split_whitespace().count() < 2 {
            continue;
        }
        let end = (close + 1).min(paragraph.len());
        out.push(Quote { text: inner.to_string(), start: offset + open, end: offset + end, speaker: None });
    }
    out
}

/// The attribution of a sentence: the source next to its reporting verb,
/// looked for outside quotations (`masked` blanks them out).
pub fn attribution(masked: &str) -> Option<Attribution> {
    let tokens = words(masked);
    let lower: Vec<String> = tokens.iter().map(|t| t.text.to_lowercase()).collect();
    for (v, verb) in lower.iter().enumerate() {
        if !REPORTING_VERBS.contains(&verb.as_str()) {
            continue;
        }
        if verb == "according" {
            if lower.get(v + 1).map(String::as_str) == Some("to") {
                if let Some(found) = source_after(masked, &tokens, v + 2) {
                    return Some(found);
                }
            }
            continue;
        }
        if let Some(found) = source_before(masked, &tokens, &lower, v) {
            return Some(found);
        }
        if let Some(found) = source_after(masked, &tokens, v + 1) {
            return Some(found);
        }
    }
    None
}

fn source_before(text: &str, tokens: &[Token<'_>], lower: &[String], verb: usize) -> Option<Attribution> {
    let prev = verb.checked_sub(1)?;
    if PRONOUNS.contains(&lower[prev].as_str()) {
        let source = tokens[prev].text.to_string();
        return Some(Attribution { description: source.clone(), source, named: false });
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
        let word = lower[last].as_str();
        if !GENERIC_SOURCES.contains(&word) {
            return None;
        }
        let source = tokens[last].text.to_string();
        return Some(Attribution { description: source.clone(), source, named: false });
    }
    while first > 0 && last - first < 4 {
        let cand = first - 1;
        let joined = text[tokens[cand].end()..tokens[cand + 1].start].trim().is_empty();
        if joined
            && (tokens[cand].is_capitalized() || matches!(lower[cand].as_str(), "of" | "de" | "von" | "der" | "van"))
        {
            first = cand;
        } else {
            break;
        }
    }
    while first < last && !tokens[first].is_capitalized() {
        first += 1;
    }
    // "All told", "This means": a capitalized function word is no source.
    if super::tokens::is_stopword(&lower[first]) && first == last {
        return None;
    }
    let source = text[tokens[first].start..tokens[last].end()].trim_end_matches("'s").to_string();
    let named = !GENERIC_SOURCES.contains(&lower[first].as_str());
    Some(Attribution { description: source.clone(), source, named })
}

fn source_after(text: &str, tokens: &[Token<'_>], from: usize) -> Option<Attribution> {
    let first = *tokens.get(from)?;
    if !first.is_capitalized() {
        return None;
    }
    let mut last = from;
    while last + 1 < tokens.len() && last - from < 4 {
        let next = tokens[last + 1];
        let joined = text[tokens[last].end()..next.start].trim().is_empty();
        if joined && next.is_capitalized() {
            last += 1;
        } else {
            break;
        }
    }
    let source = text[first.start..tokens[last].end()].to_string();
    let rest = &text[tokens[last].end()..];
    let description = match rest.strip_prefix(',') {
        Some(appositive) => {
            let appositive = appositive.split(['.', ';', '"']).next().unwrap_or("").trim();
            if appositive.is_empty() {
                source.clone()
            } else {
                format!("{source}, {appositive}")
            }
        }
        None => source.clone(),
    };
    let named = !GENERIC_SOURCES.contains(&source.to_lowercase().as_str());
    Some(Attribution { source, description, named })
}

/// Replaces the bytes of the given ranges with spaces, keeping offsets.
pub fn mask(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut bytes: Vec<u8> = text.as_bytes().to_vec();
    for &(s, e) in ranges {
        for b in &mut bytes[s.min(text.len())..e.min(text.len())] {
            *b = b' ';
        }
    }
    // Ranges come from quotation marks, which are ASCII, and only whole
    // characters between them are blanked; fall back to lossy otherwise.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_in_a_paragraph() {
        let p = "\"We had a great call. It lasted almost two hours,\" Trump said on \"The Ingraham Angle\" show.";
        let q = quotations(p, 100);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].text, "We had a great call. It lasted almost two hours");
        assert_eq!(q[0].start, 100);
        assert_eq!(q[1].text, "The Ingraham Angle");
        let open = quotations("\"This goes on to the end of the paragraph", 0);
        assert_eq!(open[0].text, "This goes on to the end of the paragraph");
    }

    fn source_of(sentence: &str) -> Option<(String, bool)> {
        let ranges: Vec<(usize, usize)> = quotations(sentence, 0).iter().map(|q| (q.start, q.end)).collect();
        attribution(&mask(sentence, &ranges)).map(|a| (a.source, a.named))
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
    fn description_keeps_the_appositive() {
        let a =
            attribution("That could benefit Russia, said Maria Snegovaya, senior fellow at the Center for Studies.")
                .unwrap();
        assert_eq!(a.source, "Maria Snegovaya");
        assert_eq!(a.description, "Maria Snegovaya, senior fellow at the Center for Studies");
    }
}
