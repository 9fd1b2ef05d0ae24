//! Lines that frame an article rather than tell it: URLs, time stamps and
//! datelines standing alone, bylines, photo credits, sign-offs and sharing
//! prompts. Two independent reports of one event share them (the same date,
//! the same agency credit, a URL naming the event) without copying each
//! other, so they are never narration and never evidence of copying.

use super::facts::{MONTHS, WEEKDAYS};
use super::tokens::words;

/// Longer lines are never stamps, bylines or credits.
const MAX_FRAME_BYTES: usize = 160;
/// Nor are lines of more words than this.
const MAX_FRAME_WORDS: usize = 14;

/// Openings of credit, byline and sign-off lines, lowercase.
#[rustfmt::skip]
const FRAME_OPENINGS: &[&str] = &[
    "by ", "posted by", "written by", "reporting by", "editing by", "additional reporting", "compiled by",
    "photo:", "photo by", "photos:", "photograph:", "photograph by", "image:", "picture:", "credit:", "(ap photo",
    "ap photo", "(reuters", "copyright", "©", "all rights reserved", "follow us", "follow him", "follow her",
    "click here", "read more", "related:", "related stories", "share this", "email this", "sign up", "subscribe",
    "published:", "updated:", "posted:", "last updated", "first published", "this article", "contact ",
];

/// Words a time stamp is made of, besides months, weekdays and numbers.
#[rustfmt::skip]
const STAMP_WORDS: &[&str] = &[
    "published", "updated", "posted", "last", "modified", "on", "at", "am", "pm", "a.m", "p.m", "edt", "est", "gmt",
    "bst", "utc", "ist", "pst", "pdt", "cst", "cdt", "mst", "mdt", "cet", "cest", "et", "pt", "hrs", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed",
    "thu", "thur", "thurs", "fri", "sat", "sun", "p", "a", "updated:", "date", "time",
];

/// Whether a sentence frames the article (see the module documentation).
pub fn is_frame(sentence: &str) -> bool {
    // Every sentence passes here: the cheap tests first, and a line longer
    // than any stamp, byline or credit is narration unless it is an address.
    if sentence.len() > MAX_FRAME_BYTES || words_over(sentence, MAX_FRAME_WORDS) {
        return has_address(sentence);
    }
    // Short lines are common too: without a digit, a stamp is impossible,
    // and only a frame opening can make the line a frame.
    if !sentence.bytes().any(|b| b.is_ascii_digit()) && !opens_frame(sentence) {
        return has_address(sentence);
    }
    let lower = sentence.trim().to_lowercase();
    if lower.contains("http:") || lower.contains("https:") || lower.contains("www.") || looks_like_address(&lower) {
        return true;
    }
    let tokens = words(&lower);
    if FRAME_OPENINGS.iter().any(|o| lower.starts_with(o)) && tokens.len() <= 12 {
        return true;
    }
    // A time stamp or date alone ("Published: August 2, 2013", "Jul. 7 5:59
    // PM EDT"), with at most one other word (an agency's code).
    let other = tokens
        .iter()
        .filter(|t| {
            let w = t.text.trim_end_matches('.');
            !(w.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | ',' | '.' | '/'))
                || MONTHS.contains(&w)
                || WEEKDAYS.contains(&w)
                || STAMP_WORDS.contains(&w)
                || (w.len() > 2 && w.ends_with(['a', 'p']) && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())))
        })
        .count();
    !tokens.is_empty() && other <= 1 && tokens.len() > other
}

/// Whether `line` has more than `limit` words between ASCII whitespace
/// (`split_ascii_whitespace().nth(limit).is_some()`, a byte at a time).
fn words_over(line: &str, limit: usize) -> bool {
    let mut words = 0;
    let mut in_word = false;
    for &b in line.as_bytes() {
        let space = b.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
            if words > limit {
                return true;
            }
        }
        in_word = !space;
    }
    false
}

/// Whether the line opens with one of [`FRAME_OPENINGS`], in any case.
fn opens_frame(sentence: &str) -> bool {
    let trimmed = sentence.trim_start();
    let bytes = trimmed.as_bytes();
    let n = bytes.len().min(24);
    // Most lines open in ASCII: lowercased on the stack.
    if bytes[..n].is_ascii() {
        let mut head = [0u8; 24];
        head[..n].copy_from_slice(&bytes[..n]);
        head[..n].make_ascii_lowercase();
        return FRAME_OPENINGS.iter().any(|o| head[..n].starts_with(o.as_bytes()));
    }
    let head: String = trimmed.chars().take(24).flat_map(char::to_lowercase).collect();
    FRAME_OPENINGS.iter().any(|o| head.starts_with(o))
}

/// Whether the line holds a web address: "http", "www." or a domain
/// ending ([`looks_like_address`]), as written. Every line of narration is
/// asked, so rather than a substring search for each pattern, the line's
/// few periods are found and each looked at (every pattern but "http" has
/// one).
fn has_address(sentence: &str) -> bool {
    let bytes = sentence.as_bytes();
    memchr::memmem::find(bytes, b"http").is_some()
        || memchr::memchr_iter(b'.', bytes).any(|p| {
            bytes[..p].ends_with(b"www") || DOMAIN_ENDINGS.iter().any(|e| bytes[p..].starts_with(e.as_bytes()))
        })
}

/// A web address without its scheme: "nypost. com / 2013 / …".
fn looks_like_address(lower: &str) -> bool {
    DOMAIN_ENDINGS.iter().any(|d| lower.contains(d))
}

/// Domain endings as written and as tokenized text spaces them; each
/// starts with its period ([`has_address`] relies on it).
const DOMAIN_ENDINGS: [&str; 8] = [". com /", ".com/", ". co. uk", ".co.uk/", ". org /", ".org/", ". net /", ".net/"];

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn words_over_counts_as_split_ascii_whitespace(line in "[a-z \t\n\r\u{c}\u{a0}é]{0,40}", limit in 0usize..12) {
            proptest::prop_assert_eq!(words_over(&line, limit), line.split_ascii_whitespace().nth(limit).is_some());
        }
    }

    /// The quick address and opening tests say what the plain ones say.
    #[test]
    fn quick_tests_agree_with_plain_ones() {
        let pieces = [
            "http",
            "www",
            ".",
            ". com /",
            ".com/",
            ". co. uk",
            ".co.uk/",
            ".org/",
            ". net /",
            "By ",
            "PHOTO:",
            "©",
            " ",
            "Ünïcode",
            "x",
            "ww",
            "w.",
            "com",
            "/",
        ];
        let mut state = 11u64;
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..1 + state % 7 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                line.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let plain = line.contains("http") || line.contains("www.") || looks_like_address(&line);
            assert_eq!(has_address(&line), plain, "{line:?}");
            let head: String = line.trim_start().chars().take(24).flat_map(char::to_lowercase).collect();
            assert_eq!(opens_frame(&line), FRAME_OPENINGS.iter().any(|o| head.starts_with(o)), "{line:?}");
        }
    }

    #[test]
    fn frames_are_recognized() {
        for line in [
            "http: / / www. foxnews. com / entertainment / 2013 / 08 / 02 / ellen - degeneres - to - host - oscars /",
            "Published August 02, 2013",
            "Published: August 2, 2013",
            "June 06, 2013",
            "JUNE 6, 2013 11: 34PM",
            "Jul. 7 5: 59 PM EDT",
            "on Jul 7 2012, 5: 55p",
            "TNN Nov 12, 2011, 05.",
            "Thursday 29 July 2004",
            "By Jane Smith, Associated Press",
            "(AP Photo/Matt Dunham)",
            "Reporting by Tom Balmforth; Editing by Mark Heinrich",
        ] {
            assert!(is_frame(line), "{line}");
        }
        for line in [
            "He was 75.",
            "The council approved the budget on Monday, June 6.",
            "By the end of the day, three bridges had been closed and traffic was diverted through the old town.",
            "Ellen DeGeneres will host the Oscars for a second time next year.",
        ] {
            assert!(!is_frame(line), "{line}");
        }
    }
}
