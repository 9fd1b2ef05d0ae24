//! Unicode normalization: NFKC, one form of quotes and dashes (`''`, `«»`
//! and curly marks become `"`), tidy whitespace.
//!
//! Vulgar fractions (½, ¼, …) are kept as they are: NFKC would turn "2½"
//! into "21⁄2", indistinguishable from a garbled reprint, and a reader must
//! be able to see that difference.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// True for the single-character fractions that number parsing understands.
pub fn is_vulgar_fraction(c: char) -> bool {
    matches!(c, '½' | '⅓' | '⅔' | '¼' | '¾' | '⅕' | '⅖' | '⅗' | '⅘' | '⅙' | '⅚' | '⅛' | '⅜' | '⅝' | '⅞')
}

/// Appends the NFKC form of `run`: the run itself when it is already
/// normalized (ASCII always is), as most text is.
fn push_nfkc(out: &mut String, run: &str) {
    if run.is_ascii() || unicode_normalization::is_nfkc_quick(run.chars()) == unicode_normalization::IsNormalized::Yes {
        out.push_str(run);
    } else {
        out.extend(run.nfkc());
    }
}

/// Normalizes a document: NFKC (fractions excepted), straight quotes, one
/// hyphen and one dash, no zero-width characters, single spaces, lines trimmed
/// and at most one blank line between paragraphs.
pub fn normalize(raw: &str) -> String {
    // NFKC first, fractions excepted, so that the mapping below also sees
    // what NFKC produces (a subscript minus becomes U+2212, say).
    let composed: Cow<str> = if raw.is_ascii() {
        Cow::Borrowed(raw)
    } else {
        let mut composed = String::with_capacity(raw.len());
        let mut start = 0;
        for (i, c) in raw.char_indices().filter(|&(_, c)| is_vulgar_fraction(c)) {
            push_nfkc(&mut composed, &raw[start..i]);
            composed.push(c);
            start = i + c.len_utf8();
        }
        push_nfkc(&mut composed, &raw[start..]);
        Cow::Owned(composed)
    };

    let mut mapped = String::with_capacity(composed.len());
    let mut previous: Option<char> = None;
    let mut rest: &str = &composed;
    while !rest.is_empty() {
        // Runs of ASCII that needs no mapping, which is most text, are
        // copied whole rather than character by character.
        let plain = rest.bytes().position(|b| !b.is_ascii() || matches!(b, b'`' | b'\t' | b'\r')).unwrap_or(rest.len());
        if plain > 0 {
            mapped.push_str(&rest[..plain]);
            previous = rest[..plain].chars().next_back();
            rest = &rest[plain..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        let next = chars.next();
        rest = &rest[c.len_utf8()..];
        let replacement = match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => Some('"'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => Some('\''),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' => Some('-'),
            '\u{2013}' => {
                let digit_before = previous.is_some_and(|p| p.is_ascii_digit());
                let digit_after = next.is_some_and(|n| n.is_ascii_digit());
                Some(if digit_before && digit_after { '-' } else { '—' })
            }
            '\u{2014}' | '\u{2015}' => Some('—'),
            '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\r' => None,
            '\t' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => Some(' '),
            c => Some(c),
        };
        previous = Some(c);
        if let Some(r) = replacement {
            mapped.push(r);
        }
    }

    // Two apostrophes (or backticks) are one double quotation mark, as
    // typewritten and machine-tokenized text write it.
    let mapped = if mapped.contains("''") { mapped.replace("''", "\"") } else { mapped };
    let mut out = String::with_capacity(mapped.len());
    let mut blank_pending = false;
    for line in mapped.split('\n') {
        // Most lines are already tidy: ASCII, single spaces between words,
        // none at either end. Such a line is its own words joined by
        // single spaces, and is copied whole.
        let tidy = is_tidy(line);
        let mut words = line.split_whitespace();
        let Some(first) = (if tidy { Some(line) } else { words.next() }) else {
            blank_pending = !out.is_empty();
            continue;
        };
        if !out.is_empty() {
            out.push('\n');
            if blank_pending {
                out.push('\n');
            }
        }
        blank_pending = false;
        out.push_str(first);
        if tidy {
            continue;
        }
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
}

/// Whether a line is non-empty ASCII with no whitespace but single spaces
/// between other characters: what joining its `split_whitespace` words by
/// single spaces gives back unchanged.
fn is_tidy(line: &str) -> bool {
    let bytes = line.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else { return false };
    if first == b' ' || last == b' ' {
        return false;
    }
    let mut space = false;
    for &b in bytes {
        if !b.is_ascii() || matches!(b, b'\t' | b'\x0B' | b'\x0C' | b'\r') || (space && b == b' ') {
            return false;
        }
        space = b == b' ';
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quotes_dashes_and_fractions() {
        assert_eq!(normalize("\u{201C}Hi,\u{201D} he said \u{2014} it\u{2019}s 2½"), "\"Hi,\" he said — it's 2½");
        assert_eq!(normalize("2014\u{2013}2015 and a \u{2013} b"), "2014-2015 and a — b");
        assert_eq!(normalize("ﬁne\u{00A0}text"), "fine text");
        assert_eq!(normalize("``Hi,'' he said, \u{00AB}non\u{00BB}"), "\"Hi,\" he said, \"non\"");
    }

    #[test]
    fn whitespace_and_paragraphs() {
        assert_eq!(normalize("  a  b \r\n\r\n\r\n\n c\n d  "), "a b\n\nc\nd");
    }

    proptest! {
        /// A tidy line is what splitting it at whitespace and joining the
        /// words by single spaces makes of it.
        #[test]
        fn a_tidy_line_is_its_words_joined(s in "[a-c \t\u{0B}\u{0C}\r\u{3000}\u{85}é]{0,12}") {
            let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(is_tidy(&s), !s.is_empty() && joined == s && s.is_ascii());
        }

        #[test]
        fn normalization_is_idempotent(s in "\\PC{0,200}") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn normalized_text_has_no_curly_quotes_or_tabs(s in "[a-z \u{201C}\u{201D}\u{2018}\u{2019}\t\n\u{00A0}]{0,100}") {
            let n = normalize(&s);
            let forbidden = ['\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}', '\t', '\u{00A0}'];
            prop_assert!(!n.contains(forbidden));
            prop_assert!(!n.contains("  "));
            prop_assert!(!n.contains("\n\n\n"));
        }
    }
}
