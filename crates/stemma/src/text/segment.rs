//! Paragraphs and sentences.
//!
//! A paragraph is a line of normalized text (news bodies put one paragraph on
//! a line; blank lines are tolerated). Sentences end at `.`, `!` or `?`
//! (with any closing quotes) followed by a space and a capital, digit or
//! opening quote, except after abbreviations: honorifics ("Mr.", "Gov.")
//! never end a sentence, while "U.S.", "a.m." and the like end one only when
//! the next word is a usual sentence opener ("The", "He", …).

/// A sentence's place in the normalized text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// 0-based paragraph index.
    pub paragraph: usize,
}

/// Abbreviations that are followed by a name or number, never by a new sentence.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gov", "sen", "rep", "gen", "lt", "col", "sgt", "capt", "maj", "cmdr", "adm",
    "rev", "hon", "st", "ft", "mt", "no", "nos", "vol", "pp", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "vs", "v", "approx", "dept", "supt", "insp", "det", "pres", "messrs", "mme",
    "mlle",
];

/// Abbreviations that may end a sentence.
const AMBIGUOUS: &[&str] = &[
    "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "inc", "corp", "co", "ltd", "llc", "jr", "sr", "etc", "bros",
    "plc", "ave", "blvd", "rd",
];

/// Words that usually open a sentence; after an ambiguous abbreviation they
/// signal a boundary.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "but", "and", "in", "on", "this", "that",
    "these", "those", "there", "his", "her", "their", "its", "our", "however", "meanwhile", "after", "as",
    "at", "for", "if", "when", "while", "some", "many", "most", "no", "not", "so", "still", "yet", "also",
    "officials", "police", "one", "two", "both", "neither", "nor", "earlier", "later", "last", "since", "what",
    "who", "why", "how", "according", "asked", "during",
];

/// Splits normalized text into sentence spans, paragraph by paragraph.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut offset = 0;
    let mut paragraph = 0;
    for line in text.split('\n') {
        let line_start = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        for (s, e) in split_line(line) {
            spans.push(Span { start: line_start + s, end: line_start + e, paragraph });
        }
        paragraph += 1;
    }
    spans
}

fn split_line(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let ellipsis = "…".as_bytes();
    // Where the next ellipsis starts, looked for again once passed.
    let ellipsis_from = |i: usize| memchr::memmem::find(&bytes[i..], ellipsis).map_or(bytes.len(), |k| i + k);
    let mut next_ellipsis = ellipsis_from(0);
    while i < bytes.len() {
        // Straight to the next mark that may end a sentence.
        if next_ellipsis < i {
            next_ellipsis = ellipsis_from(i);
        }
        let terminal = memchr::memchr3(b'.', b'!', b'?', &bytes[i..]).map_or(bytes.len(), |k| i + k);
        i = terminal.min(next_ellipsis);
        if i >= bytes.len() {
            break;
        }
        let b = bytes[i];
        let mut end = i + if b.is_ascii() { 1 } else { '…'.len_utf8() };
        while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']') {
            end += 1;
        }
        if end >= bytes.len() || bytes[end] != b' ' {
            i = end;
            continue;
        }
        let next_start = end + 1;
        if !line[next_start..].chars().any(char::is_alphanumeric) {
            // Only marks follow (`… encouraging. "` in detokenized text):
            // they end this sentence rather than make one of their own.
            break;
        }
        let next_word = word_at(line, next_start);
        if boundary(line, start, i, b, next_word) {
            out.push((start, end));
            start = next_start;
        }
        i = next_start;
    }
    if start < line.len() {
        let tail = line[start..].trim_end();
        if !tail.is_empty() {
            out.push((start, start + tail.len()));
        }
    }
    out
}

fn word_at(line: &str, pos: usize) -> &str {
    let rest = &line[pos.min(line.len())..];
    let rest = rest.trim_start_matches(['"', '\'', '(', '[']);
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\'')).unwrap_or(rest.len());
    &rest[..end]
}

fn boundary(line: &str, sentence_start: usize, terminal: usize, terminal_byte: u8, next_word: &str) -> bool {
    let next_first = line[terminal..].split_once(' ').and_then(|(_, rest)| rest.chars().next());
    let next_ok = match next_first {
        Some(c) => c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '(' | '[' | '—'),
        None => false,
    };
    if !next_ok {
        return false;
    }
    if terminal_byte != b'.' {
        return true;
    }
    // The word that the period ends, with inner periods ("U.S").
    let before = &line[sentence_start..terminal];
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|p| p + before[p..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let word = before[word_start..].trim_start_matches('.').to_lowercase();
    if word.is_empty() {
        return true;
    }
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return false; // an initial: "Vladimir V. Putin"
    }
    if HONORIFICS.contains(&word.as_str()) {
        return false;
    }
    let opener = OPENERS.contains(&next_word.to_lowercase().as_str());
    if AMBIGUOUS.contains(&word.as_str()) || (word.contains('.') && word.len() <= 5) {
        return opener;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            split("Mr. Putin met U.S. officials at 10 a.m. Tuesday. They talked."),
            ["Mr. Putin met U.S. officials at 10 a.m. Tuesday.", "They talked."]
        );
        assert_eq!(
            split("President Vladimir V. Putin agreed. Then he left."),
            ["President Vladimir V. Putin agreed.", "Then he left."]
        );
        assert_eq!(
            split("It sided with the U.S. The vote was close."),
            ["It sided with the U.S.", "The vote was close."]
        );
    }

    #[test]
    fn quotations_close_sentences() {
        assert_eq!(
            split("She called it \"a small step.\" He agreed."),
            ["She called it \"a small step.\"", "He agreed."]
        );
        assert_eq!(
            split("\"We had a great call. It lasted two hours,\" Trump said."),
            ["\"We had a great call.", "It lasted two hours,\" Trump said."]
        );
        assert_eq!(split("Prices rose 2.5 percent. Markets fell."), ["Prices rose 2.5 percent.", "Markets fell."]);
        // Detokenized text spaces a closing mark off its sentence.
        assert_eq!(split("The news is good. It is encouraging. \""), ["The news is good.", "It is encouraging. \""]);
    }

    #[test]
    fn an_ellipsis_ends_a_sentence_and_a_dash_does_not() {
        assert_eq!(split("He paused… Then he spoke."), ["He paused…", "Then he spoke."]);
        assert_eq!(
            split("It rose — sharply — and fell. Then “it” stopped… for now."),
            ["It rose — sharply — and fell.", "Then “it” stopped… for now."]
        );
    }

    #[test]
    fn paragraphs_are_lines() {
        let spans = sentences("First one. Second.\n\nThird here.");
        assert_eq!(spans.iter().map(|s| s.paragraph).collect::<Vec<_>>(), [0, 0, 1]);
    }

    proptest! {
        #[test]
        fn spans_are_ordered_disjoint_and_cover_all_words(text in "([A-Z][a-z]{0,6}[ .,!?…—]{1,2}){0,30}") {
            let spans = sentences(&text);
            let mut last_end = 0;
            for s in &spans {
                prop_assert!(s.start >= last_end && s.start < s.end && s.end <= text.len());
                last_end = s.end;
            }
            let words: usize = text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            let covered: usize = spans.iter().map(|s| text[s.start..s.end].split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()).sum();
            prop_assert_eq!(words, covered);
        }
    }
}
