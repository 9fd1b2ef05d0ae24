//! Checkable facts in a sentence: numbers (digits, fractions, spelled-out),
//! dates, and titled names ("former U.S. President Donald Trump").
//!
//! Numbers are normalized to a value so that "2½", "2.5" and
//! "two-and-a-half" compare equal, while a garbled "21/2" reads as 10.5 and
//! shows up as a change.

use serde::{Deserialize, Serialize};

use super::tokens::{is_stopword, words, Token};

/// What kind of fact a mention states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A quantity: count, amount, percentage, duration.
    Number,
    /// A weekday, a month with or without a day, or a year.
    Date,
    /// A person's title or role ("President", "former President").
    Title,
    /// How much of something: "all", "most", "parts of".
    Scope,
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
    /// "some", "parts", "several", "few", "many", "certain".
    Part,
}

/// The scope words of a sentence outside `quoted` byte ranges, with their
/// byte offsets.
pub fn scopes(sentence: &str, quoted: &[(usize, usize)]) -> Vec<(Scope, usize)> {
    words(sentence)
        .iter()
        .filter(|w| !quoted.iter().any(|&(s, e)| w.start >= s && w.start < e))
        .filter_map(|w| {
            let scope = match w.text.to_lowercase().as_str() {
                "all" | "every" | "entire" | "whole" => Scope::All,
                "most" | "majority" | "bulk" => Scope::Most,
                "some" | "part" | "parts" | "several" | "few" | "many" | "certain" | "portions" => Scope::Part,
                _ => return None,
            };
            Some((scope, w.start))
        })
        .collect()
}

/// A number or date as written, with its normalized value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// Number or date.
    pub kind: FactKind,
    /// The words as written ("2½-hour", "March 11", "20%").
    pub surface: String,
    /// Normalized value (dates: a code comparable between mentions).
    pub value: f64,
    /// What is counted, when the text says: "hour", "percent", "$", "drone".
    pub unit: Option<String>,
}

/// A name preceded by a title or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitledName {
    /// The whole phrase as written ("former U.S. President Donald Trump").
    pub surface: String,
    /// The name part ("Donald Trump").
    pub name: String,
    /// Role words, lowercase, in order ("former president"); nationality and
    /// place words are not part of it.
    pub role: String,
}

impl TitledName {
    /// The family name, lowercased: how mentions of one person are matched.
    pub fn person_key(&self) -> String {
        self.name.split_whitespace().last().unwrap_or("").to_lowercase()
    }
}

const UNITS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

const SCALES: &[(&str, f64)] =
    &[("hundred", 1e2), ("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("trillion", 1e12)];

#[rustfmt::skip]
/// Month names, lowercase.
pub const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
];

/// Weekday names, lowercase.
pub const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

fn word_value(w: &str) -> Option<u32> {
    UNITS.iter().find(|(name, _)| *name == w).map(|&(_, v)| v)
}

fn fraction_value(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅕' => 0.2,
        '⅖' => 0.4,
        '⅗' => 0.6,
        '⅘' => 0.8,
        '⅙' => 1.0 / 6.0,
        '⅚' => 5.0 / 6.0,
        '⅛' => 0.125,
        '⅜' => 0.375,
        '⅝' => 0.625,
        '⅞' => 0.875,
        _ => return None,
    })
}

/// Parses a written number: "1,000", "2.5", "2½", "21/2", "½".
fn parse_digits(s: &str) -> Option<f64> {
    let (body, frac) = match s.chars().last().and_then(fraction_value) {
        Some(f) => (&s[..s.len() - s.chars().last().map_or(0, char::len_utf8)], f),
        None => (s, 0.0),
    };
    if body.is_empty() {
        return (frac > 0.0).then_some(frac);
    }
    if let Some((num, den)) = body.split_once('/') {
        let num: f64 = num.parse().ok()?;
        let den: f64 = den.parse().ok()?;
        return (den != 0.0).then(|| num / den + frac);
    }
    let plain: String = body.chars().filter(|&c| c != ',').collect();
    if !plain.chars().all(|c| c.is_ascii_digit() || c == '.') || plain.starts_with('.') {
        return None;
    }
    plain.trim_end_matches('.').parse::<f64>().ok().map(|v| v + frac)
}

/// Parses spelled-out numbers inside one hyphenated word or run of words:
/// "two-and-a-half", "twenty-five", "three". Returns value and words used.
fn parse_spelled(parts: &[String]) -> Option<(f64, usize)> {
    let first = word_value(parts.first()?)?;
    let mut value = first as f64;
    let mut used = 1;
    if first >= 20 && first % 10 == 0 {
        if let Some(unit) = parts.get(1).and_then(|p| word_value(p)).filter(|&u| (1..10).contains(&u)) {
            value += unit as f64;
            used = 2;
        }
    }
    if parts.get(used).map(String::as_str) == Some("and")
        && parts.get(used + 1).map(String::as_str) == Some("a")
        && parts.get(used + 2).map(String::as_str) == Some("half")
    {
        value += 0.5;
        used += 3;
    }
    // A bare "one" is far more often a pronoun than a count.
    if value == 1.0 && used == 1 {
        return None;
    }
    Some((value, used))
}

fn unit_word(w: &str) -> Option<String> {
    let lower = w.to_lowercase();
    if !lower.chars().all(char::is_alphabetic) || is_stopword(&lower) || lower.ends_with("ly") {
        return None;
    }
    let singular = lower.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(&lower);
    Some(match singular {
        "per" | "percentage" => "percent".to_string(),
        other => other.to_string(),
    })
}

/// Numbers and dates mentioned in a sentence, in order.
pub fn quantities(sentence: &str) -> Vec<Quantity> {
    let tokens = words(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let lower = token.text.to_lowercase();
        if let Some(month) = MONTHS.iter().position(|m| *m == lower).filter(|_| token.is_capitalized()) {
            // "May" alone is too often the verb; a month needs a day or year beside it.
            let day = tokens.get(i + 1).and_then(|t| t.text.parse::<u32>().ok()).filter(|d| (1..=31).contains(d));
            let year = tokens.get(i + 1).and_then(|t| t.text.parse::<u32>().ok()).filter(|y| (1800..=2100).contains(y));
            if let Some(day) = day {
                out.push(date(sentence, &tokens[i..=i + 1], (month as f64 + 1.0) * 100.0 + day as f64));
                i += 2;
                continue;
            }
            if year.is_some() || lower != "may" {
                out.push(date(sentence, &tokens[i..=i], (month as f64 + 1.0) * 100.0));
                i += 1;
                continue;
            }
        }
        if let Some(day) = WEEKDAYS.iter().position(|d| *d == lower).filter(|_| token.is_capitalized()) {
            out.push(date(sentence, &tokens[i..=i], -(day as f64 + 1.0)));
            i += 1;
            continue;
        }
        match number_at(sentence, &tokens, i) {
            Some((quantity, used)) => {
                out.push(quantity);
                i += used;
            }
            None => i += 1,
        }
    }
    out
}

fn date(sentence: &str, tokens: &[Token<'_>], value: f64) -> Quantity {
    let surface = sentence[tokens[0].start..tokens[tokens.len() - 1].end()].to_string();
    Quantity { kind: FactKind::Date, surface, value, unit: None }
}

fn number_at(sentence: &str, tokens: &[Token<'_>], i: usize) -> Option<(Quantity, usize)> {
    let token = tokens[i];
    let parts: Vec<String> = token.text.split('-').map(str::to_lowercase).collect();
    let run: Vec<String> = tokens[i..tokens.len().min(i + 5)].iter().map(|t| t.text.to_lowercase()).collect();
    let (mut value, used_parts, mut used_tokens) = if let Some(v) = parse_digits(&parts[0]) {
        (v, 1, 1)
    } else if let Some((v, n)) = parse_spelled(&run).filter(|&(_, n)| parts.len() == 1 && n > 1) {
        // A spelled number spread over words: "two and a half hours".
        (v, 0, n)
    } else if let Some((v, n)) = parse_spelled(&parts) {
        (v, n, 1)
    } else {
        return None;
    };
    let mut end_token = i + used_tokens - 1;
    let mut unit = None;
    // The rest of a hyphenated word names the unit: "2½-hour", "30-day".
    if used_parts > 0 && used_parts < parts.len() {
        unit = unit_word(&parts[used_parts..].concat());
    }
    let after = &sentence[tokens[end_token].end()..];
    if after.starts_with('%') {
        unit = Some("percent".into());
    }
    if unit.is_none() {
        if let Some(next) = tokens.get(end_token + 1) {
            let lower = next.text.to_lowercase();
            if let Some(&(_, scale)) = SCALES.iter().find(|(s, _)| *s == lower) {
                value *= scale;
                end_token += 1;
                used_tokens += 1;
            }
        }
        if let Some(next) = tokens.get(end_token + 1) {
            unit = unit_word(next.text);
        }
    }
    let before = sentence[..token.start].trim_end();
    if let Some(symbol) = before.chars().last().filter(|c| matches!(c, '$' | '£' | '€' | '¥')) {
        unit = Some(symbol.to_string());
    }
    let is_year = unit.is_none()
        && value.fract() == 0.0
        && (1800.0..=2100.0).contains(&value)
        && token.text.chars().all(|c| c.is_ascii_digit());
    let kind = if is_year { FactKind::Date } else { FactKind::Number };
    let surface = sentence[token.start..tokens[end_token].end()].to_string();
    Some((Quantity { kind, surface, value, unit }, used_tokens))
}

#[rustfmt::skip]
const TITLES: &[&str] = &[
    "president", "vice", "prime", "minister", "chancellor", "secretary", "senator", "sen", "representative",
    "rep", "congressman", "congresswoman", "governor", "gov", "mayor", "king", "queen", "prince", "princess",
    "pope", "general", "gen", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt", "captain", "capt",
    "major", "judge", "justice", "ambassador", "director", "chairman", "chairwoman", "chair", "ceo", "chief",
    "spokesman", "spokeswoman", "spokesperson", "commissioner", "leader", "deputy", "pastor", "bishop",
    "archbishop", "cardinal", "rabbi", "imam", "dr", "professor", "prof", "coach", "sheriff", "officer",
    "detective", "inspector", "attorney", "speaker", "premier", "emir", "sheikh", "sultan", "commander",
    "admiral", "adm", "marshal", "treasurer", "councillor", "councilman", "councilwoman", "superintendent",
    "president-elect", "chancellor-elect", "actor", "actress", "singer", "star", "rapper",
];

const MODIFIERS: &[&str] = &[
    "former", "late", "acting", "ex", "then", "outgoing", "incoming", "interim", "deposed", "retired", "elect",
    "ousted", "current", "future",
];

fn is_title(lower: &str) -> bool {
    TITLES.contains(&lower)
}

fn is_modifier(lower: &str) -> bool {
    MODIFIERS.contains(&lower) || lower.starts_with("ex-") || lower.starts_with("then-")
}

/// Names preceded by a title, with the role words separated from nationality
/// and place words, so "Ukraine President X" and "Ukrainian President X" have
/// the same role while "former President X" does not.
pub fn titled_names(sentence: &str) -> Vec<TitledName> {
    let tokens = words(sentence);
    let lower: Vec<String> = tokens.iter().map(|t| t.text.to_lowercase().replace('.', "")).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        let mut roles: Vec<String> = Vec::new();
        let mut last_was_title = false;
        let mut has_title = false;
        while j < tokens.len() {
            let w = lower[j].as_str();
            if is_modifier(w) {
                roles.push(w.split('-').next().unwrap_or(w).to_string());
                last_was_title = false;
            } else if is_title(w) && (tokens[j].is_capitalized() || !roles.is_empty()) {
                roles.push(w.to_string());
                has_title = true;
                last_was_title = true;
            } else if tokens[j].is_capitalized() && !has_title {
                last_was_title = false; // nationality or place qualifier
            } else {
                break;
            }
            j += 1;
        }
        if has_title && last_was_title {
            let name_end = (j..tokens.len().min(j + 3))
                .take_while(|&k| tokens[k].is_capitalized() && !is_title(&lower[k]) && !is_modifier(&lower[k]))
                .last();
            if let Some(k) = name_end {
                let name = sentence[tokens[j].start..tokens[k].end()].trim_end_matches("'s").to_string();
                let surface = sentence[tokens[i].start..tokens[k].end()].trim_end_matches("'s").to_string();
                out.push(TitledName { surface, name, role: roles.join(" ") });
                i = k + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Vec<(f64, Option<String>)> {
        quantities(s).into_iter().filter(|q| q.kind == FactKind::Number).map(|q| (q.value, q.unit)).collect()
    }

    #[test]
    fn written_forms_of_one_number_agree() {
        let half = Some("hour".to_string());
        assert_eq!(values("a 2½-hour call"), [(2.5, half.clone())]);
        assert_eq!(values("a two-and-a-half-hour phone conversation"), [(2.5, half.clone())]);
        assert_eq!(values("it lasted two and a half hours"), [(2.5, half.clone())]);
        // The garbled reprint is a different number, and that is the point.
        assert_eq!(values("in a 21/2-hour phone call"), [(10.5, half)]);
    }

    #[test]
    fn units_percent_scale_and_currency() {
        assert_eq!(values("about 20% of land"), [(20.0, Some("percent".into()))]);
        assert_eq!(values("about 20 percent of land"), [(20.0, Some("percent".into()))]);
        assert_eq!(values("$2.5 billion"), [(2.5e9, Some("$".into()))]);
        assert_eq!(values("more than 40 drones"), [(40.0, Some("drone".into()))]);
        assert_eq!(
            values("1,000 troops and twenty-five tanks"),
            [(1000.0, Some("troop".into())), (25.0, Some("tank".into()))]
        );
        assert!(values("a very good and productive one").is_empty());
    }

    #[test]
    fn dates_are_recognized() {
        let q = quantities("On March 11, Ukraine said on Tuesday that since 2014 it may act.");
        let dates: Vec<_> = q.iter().filter(|q| q.kind == FactKind::Date).map(|q| q.surface.as_str()).collect();
        assert_eq!(dates, ["March 11", "Tuesday", "2014"]);
    }

    #[test]
    fn scope_words_outside_quotes() {
        let found = scopes("Russia seized most of four regions and \"all the rest\"", &[(39, 53)]);
        assert_eq!(found, vec![(Scope::Most, 14)]);
        assert_eq!(scopes("parts of four regions", &[])[0].0, Scope::Part);
    }

    #[test]
    fn titles_separate_role_from_nationality() {
        let a = titled_names("a ceasefire that President Donald Trump hoped for");
        let b = titled_names("a ceasefire that former U.S. President Donald Trump had hoped for");
        assert_eq!(a[0].role, "president");
        assert_eq!(b[0].role, "former president");
        assert_eq!(b[0].surface, "former U.S. President Donald Trump");
        assert_eq!(a[0].person_key(), b[0].person_key());
        let c = titled_names("Ukraine President Volodymyr Zelensky said");
        let d = titled_names("Ukrainian President Volodymyr Zelensky said");
        assert_eq!(c[0].role, d[0].role);
        assert_eq!(d[0].name, "Volodymyr Zelensky");
        assert!(titled_names("the U.S. president did not get what he wanted").is_empty());
    }
}
