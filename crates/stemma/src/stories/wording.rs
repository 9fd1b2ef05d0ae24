//! Whether two accounts' renderings of one quotation differ in wording, as
//! a reader comparing them would say, rather than in how the words were
//! written down.
//!
//! Read on ECB+, BASIL and the seeds (eval/labels/conflicts.json), most
//! differences between independent accounts' renderings of one quotation
//! are not disagreements: an excerpt of a longer quotation, an elision, an
//! editor's bracketed gloss ("[The police] have"), a contraction, "gonna",
//! "12th" / "Twelfth", "e-mail" / "email", "offense" / "offence", "F.B.I." /
//! "FBI", "Sen." / "Senator", "VP" / "vice president", a censored word, a
//! typo, a time written another way, or a function word ("that", "the",
//! "had" / "have"). What is left is a different wording: "a sad time" / "a
//! sad day", "a nuclear bomb" / "nuclear arms".

use crate::relate::changes::fact::levenshtein;
use crate::text::tokens::is_stopword;

/// Ordinals written out, as digits.
const ORDINALS: &[(&str, &str)] = &[
    ("first", "1st"),
    ("second", "2nd"),
    ("third", "3rd"),
    ("fourth", "4th"),
    ("fifth", "5th"),
    ("sixth", "6th"),
    ("seventh", "7th"),
    ("eighth", "8th"),
    ("ninth", "9th"),
    ("tenth", "10th"),
    ("eleventh", "11th"),
    ("twelfth", "12th"),
];

/// One spelling of words spelt several ways in speech transcripts.
const SPELLINGS: &[(&str, &str)] =
    &[("okay", "ok"), ("mama", "momma"), ("gonna", "going to"), ("wanna", "want to"), ("gotta", "got to")];

/// Function words that change what a sentence claims: "energy and
/// infrastructure" is two things, "energy infrastructure" one.
const CLAIMING: &[&str] = &["and", "or", "nor", "not", "no", "never", "without"];

/// The words of a rendering as a reader compares them: lowercase, glosses
/// in brackets and ellipses out, contractions and common variants
/// written one way, hyphens and inner periods gone.
fn compared(text: &str) -> Vec<String> {
    let mut t = text.to_lowercase().replace(['’', '‘'], "'");
    // Bracketed glosses: an editor's words, not the speaker's.
    for (open, close) in [('[', ']'), ('(', ')')] {
        while let (Some(a), Some(b)) = (t.find(open), t.find(close)) {
            if b < a {
                break;
            }
            t.replace_range(a..=b, " ");
        }
    }
    let t = t
        .replace('…', " ")
        .replace("...", " ")
        .replace("can't", "can not")
        .replace("won't", "will not")
        .replace(" n't", " not")
        .replace("n't", " not")
        .replace("'re", " are")
        .replace("'m", " am")
        .replace("'ll", " will")
        .replace("'ve", " have")
        .replace('&', " and ")
        .replace('-', " ")
        .replace(".com", "");
    let mut out = Vec::new();
    // Commas stay, as words of their own: a list comma against "and" is
    // the same list, "and" where there was none is another claim.
    let t = t.replace(',', " , ");
    for raw in t.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '*' || c == '.' || c == ',')) {
        if raw == "," {
            out.push(raw.to_string());
            continue;
        }
        let word: String = raw.trim_matches(|c| c == '.' || c == '\'').chars().filter(|&c| c != '.').collect();
        if word.is_empty() {
            continue;
        }
        let word = ORDINALS.iter().find(|(w, _)| *w == word).map_or(word.clone(), |(_, d)| d.to_string());
        match SPELLINGS.iter().find(|(w, _)| *w == word) {
            Some((_, one)) => out.extend(one.split(' ').map(str::to_string)),
            None => out.push(word),
        }
    }
    out
}

/// One word written two ways: a censored word and its letters, an
/// abbreviation and the word ("sen" / "senator"), a typo or a spelling
/// variant ("offense" / "offence", "damaged" / "damages").
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.contains('*') || b.contains('*') {
        return a.chars().next() == b.chars().next();
    }
    let shortest = a.chars().count().min(b.chars().count());
    if a.starts_with(b) || b.starts_with(a) {
        return shortest >= 3;
    }
    let allowed = match shortest {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    levenshtein(a, b) <= allowed
}

/// Whether words of one rendering replaced by words of the other change
/// nothing a reader would call wording.
fn trivial(a: &[String], b: &[String]) -> bool {
    // A list comma written as "and".
    let is_comma = |ws: &[String]| ws.iter().all(|w| w == ",");
    let comma_for_and = |x: &[String], y: &[String]| !x.is_empty() && is_comma(x) && y == ["and"];
    if (is_comma(a) && is_comma(b)) || comma_for_and(a, b) || comma_for_and(b, a) {
        return true;
    }
    let a: Vec<String> = a.iter().filter(|w| *w != ",").cloned().collect();
    let b: Vec<String> = b.iter().filter(|w| *w != ",").cloned().collect();
    let (a, b) = (a.as_slice(), b.as_slice());
    let content = |ws: &[String]| -> Vec<String> { ws.iter().filter(|w| !is_stopword(w)).cloned().collect() };
    let (ca, cb) = (content(a), content(b));
    // Function words only: "that", "the" / "this", "had" / "have"; but not
    // the words that change what is claimed.
    if ca.is_empty() && cb.is_empty() && !a.iter().chain(b).any(|w| CLAIMING.contains(&w.as_str())) {
        return true;
    }
    // Spacing: "data centers" / "datacenters".
    if a.concat() == b.concat() {
        return true;
    }
    // Times and numbers written another way: "6:41pm PST" / "18:41".
    let time_word = |w: &String| {
        w.chars().any(|c| c.is_ascii_digit()) || ["am", "pm", "gmt", "pst", "est", "bst", "et"].contains(&w.as_str())
    };
    if a.iter().chain(b).all(time_word) {
        return true;
    }
    // The same words otherwise spelt: "f***" / "fucker", "look" / "looks".
    if !ca.is_empty() && ca.len() == cb.len() && ca.iter().zip(&cb).all(|(x, y)| same_word(x, y)) {
        return true;
    }
    // Initials: "VP" / "vice president".
    for (short, long) in [(a, b), (b, a)] {
        if let [one] = short {
            if long.len() >= 2 && *one == long.iter().filter_map(|w| w.chars().next()).collect::<String>() {
                return true;
            }
        }
    }
    false
}

/// Whether two renderings of one quotation differ in wording (see the
/// module's doc). Words one adds or drops at either end are an excerpt,
/// and `elision` words or more added or dropped inside are an elision.
pub(crate) fn reworded(a: &str, b: &str, elision: usize) -> bool {
    // Read with and without commas: a diff can pair a comma with a word
    // ("Oh, God" / "I said, Oh my god"), and without them a list comma
    // written as "and" looks like an added "and".
    let (x, y) = (compared(a), compared(b));
    let bare = |v: &[String]| -> Vec<String> { v.iter().filter(|w| *w != ",").cloned().collect() };
    differs(&x, &y, elision) && differs(&bare(&x), &bare(&y), elision)
}

fn differs(x: &[String], y: &[String], elision: usize) -> bool {
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, x, y);
    let changed: Vec<&similar::DiffOp> = ops.iter().filter(|op| !matches!(op, similar::DiffOp::Equal { .. })).collect();
    let last = changed.len().saturating_sub(1);
    changed.iter().enumerate().any(|(k, op)| {
        let (ra, rb) = (op.old_range(), op.new_range());
        let one_sided = ra.is_empty() || rb.is_empty();
        let at_an_end =
            (k == 0 && ra.start == 0 && rb.start == 0) || (k == last && ra.end == x.len() && rb.end == y.len());
        if one_sided && (at_an_end || ra.len().max(rb.len()) >= elision) {
            return false;
        }
        !trivial(&x[ra], &y[rb])
    })
}

/// Whether two renderings share enough to be one statement: a run of three
/// words, or, for a quotation of three words or fewer, all its words in
/// order ("energy infrastructure" in "energy and infrastructure"). "In God
/// We Trust" and "I trust in God" share their words but are two statements.
pub(crate) fn one_statement(a: &str, b: &str) -> bool {
    let words = |t: &str| -> Vec<String> { compared(t).into_iter().filter(|w| w != ",").collect() };
    let (x, y) = (words(a), words(b));
    let (short, long) = if x.len() <= y.len() { (&x, &y) } else { (&y, &x) };
    if short.len() <= 3 {
        let mut rest = long.iter();
        return short.iter().all(|w| rest.any(|v| v == w));
    }
    short.windows(3).any(|run| long.windows(3).any(|other| other == run))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_a_rewording_and_not_a_way_of_writing() {
        // Different words.
        assert!(reworded(
            "This is a sad time for the Kraft Foods family",
            "This is a sad day for the Kraft Foods family",
            3
        ));
        assert!(reworded(
            "Iran gets closer and closer to a nuclear bomb",
            "Iran gets closer and closer to nuclear arms",
            3
        ));
        assert!(reworded("the halt covers energy and infrastructure", "the halt covers energy infrastructure", 3));
        assert!(reworded("I didn't feel we were executing", "I feel we weren't executing", 3));
        // Ways of writing the same words.
        for (a, b) in [
            (
                "Torches and pitchforks aren't going to be necessary",
                "torches and pitchforks are not going to be necessary",
            ),
            (
                "We will look at the final language when it is published",
                "We will look at the final (rule) language when it is published",
            ),
            (
                "By rolling back this 11th hour regulation, we act",
                "By rolling back this eleventh-hour regulation, we act",
            ),
            (
                "I've always taken the position that's a valid offense in law",
                "I've always taken the position that's a valid offence in law",
            ),
            ("I'm not ashamed to admit I'm a Christian", "I'm not ashamed to admit that I'm a Christian"),
            (
                "Senator Reid respects that but thinks the mosque should be built elsewhere",
                "Sen. Reid respects that but thinks the mosque should be built elsewhere",
            ),
            (
                "Tom Brady, George Clooney, James Bond, the president have nothing on him",
                "Tom Brady, George Clooney, James Bond and the president have nothing on him",
            ),
            ("John McCain, senior VP and general manager", "John McCain, senior vice president and general manager"),
        ] {
            assert!(!reworded(a, b, 3), "{a} / {b}");
        }
        // An excerpt and an elision.
        assert!(!reworded("I will always speak truth to power", "will always speak truth to power", 3));
        assert!(!reworded(
            "We would be remiss ... if we did not act",
            "We would be remiss in our duty to you and our students if we did not act",
            3
        ));
    }

    #[test]
    fn one_statement_shares_a_run_of_its_words() {
        assert!(one_statement("energy and infrastructure", "energy infrastructure"));
        assert!(!one_statement("In God We Trust", "I trust in God"));
        assert!(one_statement("This is a sad time for the family", "This is a sad day for the family"));
    }
}
