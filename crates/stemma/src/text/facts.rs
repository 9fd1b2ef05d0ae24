//! Checkable facts in a sentence: numbers (digits, fractions, spelled-out)
//! with their units, dates, ordinals, titled names ("former U.S. President
//! Donald Trump") and names after a preposition of place ("in San Diego").
//!
//! Numbers are normalized to a value so that "2½", "2.5", "2-1/2" and
//! "two-and-a-half" compare equal, while a garbled "21/2" reads as 10.5 and
//! shows up as a change. Units of measure convert ([`in_base_units`]), so
//! "200 feet" and "61 metres" are one length. Dates are kept as their parts
//! ([`DateParts`]), so "July 29, 2004", "Thursday 29 July 2004" and "29th of
//! July" are one day.

use serde::{Deserialize, Serialize};

use super::tokens::{is_stopword, lowercase_words, words, Token, WordSet};

/// What kind of fact a mention states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// A quantity: count, amount, percentage, duration, measure.
    Number,
    /// A weekday, a day, a month, a year, or a relative date ("last week").
    Date,
    /// A person's title or role ("President", "former President", "police
    /// chief").
    Title,
    /// A place named after a preposition of place ("in San Diego", "to Kyiv").
    Place,
    /// A rank or position in a series ("second straight day", "27th
    /// District", "first-degree").
    Ordinal,
    /// Another name: a person, organization or place replaced by another in
    /// otherwise unchanged words.
    Name,
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
    /// A date's parts (dates only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateParts>,
    /// Byte offset of the mention in its sentence.
    #[serde(default)]
    pub start: usize,
    /// Byte offset just past the mention.
    #[serde(default)]
    pub end: usize,
    /// A number a comparison leaves aside: part of a clock time, a web
    /// address, a score or a range ("10-1", "2008-09"), or a conversion in
    /// parentheses after another quantity ("(2,000 feet)").
    #[serde(default)]
    pub aside: bool,
}

/// The parts of a date a mention states; any may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DateParts {
    /// Year.
    pub year: Option<i32>,
    /// Month, 1 to 12.
    pub month: Option<u8>,
    /// Day of the month.
    pub day: Option<u8>,
    /// Weekday, 1 (Monday) to 7.
    pub weekday: Option<u8>,
    /// A date relative to the time of writing: direction (-1 last, 0 this,
    /// 1 next) and an index into the relative units ("week", "month", …).
    pub relative: Option<(i8, u8)>,
}

impl DateParts {
    /// Whether two mentions name the same date as far as both say:
    /// `Some(true)` when every part both give is equal, `Some(false)` when
    /// one differs, `None` when they give no part in common ("Tuesday" and
    /// "March 11" may well be one day).
    pub fn agrees(&self, other: &DateParts) -> Option<bool> {
        fn part<T: PartialEq>(x: Option<T>, y: Option<T>, shared: &mut bool) -> bool {
            match (x, y) {
                (Some(x), Some(y)) => {
                    *shared = true;
                    x == y
                }
                _ => true,
            }
        }
        let mut shared = false;
        let same = part(self.year, other.year, &mut shared)
            & part(self.month, other.month, &mut shared)
            & part(self.day, other.day, &mut shared)
            & part(self.weekday, other.weekday, &mut shared)
            & part(self.relative, other.relative, &mut shared);
        shared.then_some(same)
    }

    fn code(&self) -> f64 {
        if let Some((dir, unit)) = self.relative {
            return -1000.0 - (dir as f64 + 1.0) * 100.0 - unit as f64;
        }
        let ymd = self.year.unwrap_or(0) as f64 * 10_000.0
            + self.month.unwrap_or(0) as f64 * 100.0
            + self.day.unwrap_or(0) as f64;
        if ymd == 0.0 {
            -(self.weekday.unwrap_or(0) as f64)
        } else {
            ymd
        }
    }
}

/// What a unit of measure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// In metres.
    Length,
    /// In kilograms.
    Mass,
    /// In litres.
    Volume,
    /// In square metres.
    Area,
    /// In metres per second.
    Speed,
    /// In degrees Celsius.
    Temperature,
}

/// Units of measure with their size in the base unit of their dimension.
#[rustfmt::skip]
const MEASURES: &[(&str, Dimension, f64)] = &[
    ("mm", Dimension::Length, 0.001), ("millimetre", Dimension::Length, 0.001), ("millimeter", Dimension::Length, 0.001),
    ("cm", Dimension::Length, 0.01), ("centimetre", Dimension::Length, 0.01), ("centimeter", Dimension::Length, 0.01),
    ("m", Dimension::Length, 1.0), ("metre", Dimension::Length, 1.0), ("meter", Dimension::Length, 1.0),
    ("km", Dimension::Length, 1000.0), ("kilometre", Dimension::Length, 1000.0), ("kilometer", Dimension::Length, 1000.0),
    ("inch", Dimension::Length, 0.0254), ("inche", Dimension::Length, 0.0254), ("in", Dimension::Length, 0.0254),
    ("foot", Dimension::Length, 0.3048), ("feet", Dimension::Length, 0.3048), ("ft", Dimension::Length, 0.3048),
    ("yard", Dimension::Length, 0.9144), ("yd", Dimension::Length, 0.9144),
    ("mile", Dimension::Length, 1609.344), ("mi", Dimension::Length, 1609.344),
    ("g", Dimension::Mass, 0.001), ("gram", Dimension::Mass, 0.001), ("gramme", Dimension::Mass, 0.001),
    ("kg", Dimension::Mass, 1.0), ("kilogram", Dimension::Mass, 1.0), ("kilo", Dimension::Mass, 1.0),
    ("tonne", Dimension::Mass, 1000.0), ("ton", Dimension::Mass, 1000.0), ("t", Dimension::Mass, 1000.0),
    ("pound", Dimension::Mass, 0.45359237), ("lb", Dimension::Mass, 0.45359237),
    ("ounce", Dimension::Mass, 0.028349523), ("oz", Dimension::Mass, 0.028349523),
    ("litre", Dimension::Volume, 1.0), ("liter", Dimension::Volume, 1.0), ("l", Dimension::Volume, 1.0),
    ("ml", Dimension::Volume, 0.001), ("millilitre", Dimension::Volume, 0.001), ("milliliter", Dimension::Volume, 0.001),
    ("gallon", Dimension::Volume, 3.785411784), ("barrel", Dimension::Volume, 158.987294928),
    ("hectare", Dimension::Area, 10_000.0), ("ha", Dimension::Area, 10_000.0), ("acre", Dimension::Area, 4046.8564224),
    ("mph", Dimension::Speed, 0.44704), ("kph", Dimension::Speed, 1.0 / 3.6), ("kmh", Dimension::Speed, 1.0 / 3.6),
    ("km/h", Dimension::Speed, 1.0 / 3.6), ("knot", Dimension::Speed, 0.514444),
];

/// A value with a unit of measure in the base unit of its dimension:
/// "200 feet" is (length, 60.96). `None` for counts and currencies.
pub fn in_base_units(value: f64, unit: &str) -> Option<(Dimension, f64)> {
    match unit {
        "degree celsius" => return Some((Dimension::Temperature, value)),
        "degree fahrenheit" => return Some((Dimension::Temperature, (value - 32.0) * 5.0 / 9.0)),
        _ => {}
    }
    if let Some(length) = unit.strip_prefix("square ") {
        let (dimension, side) = in_base_units(1.0, length)?;
        return (dimension == Dimension::Length).then_some((Dimension::Area, value * side * side));
    }
    MEASURES.iter().find(|(name, _, _)| *name == unit).map(|&(_, dimension, size)| (dimension, value * size))
}

/// Two measures in different units, converted, within rounding of each
/// other: "200 feet" and "61 metres", "10 tons" and "9 tonnes", "5 miles"
/// and "8 km". `None` when the units are not two measures of one dimension.
pub fn same_measure(x: f64, x_unit: &str, y: f64, y_unit: &str) -> Option<bool> {
    let (dx, vx) = in_base_units(x, x_unit)?;
    let (dy, vy) = in_base_units(y, y_unit)?;
    if dx != dy {
        return None;
    }
    if dx == Dimension::Temperature {
        return Some((vx - vy).abs() <= 1.0);
    }
    Some((vx - vy).abs() <= CONVERSION_TOLERANCE * vx.abs().max(vy.abs()))
}

/// How far two measures in different units may differ, as a share of the
/// larger, and still be one value rounded ("about 8 km" for "5 miles" is
/// 8.05 km; a "ton" is 0.91 or 1.02 tonnes).
pub const CONVERSION_TOLERANCE: f64 = 0.1;

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

/// Month abbreviations, lowercase, in month order ("sept" is September).
const MONTH_ABBREVIATIONS: &[(&str, u8)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Weekday names, lowercase.
pub const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// What a relative date counts in: "last week", "next month", "this year".
const RELATIVE_UNITS: &[&str] = &["night", "week", "weekend", "month", "year", "decade", "season"];

/// Calls `f` with `word` lowercased, without a copy for short ASCII words.
fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let bytes = word.as_bytes();
    if bytes.len() <= 32 && word.is_ascii() {
        let mut buf = [0u8; 32];
        for (b, c) in buf.iter_mut().zip(bytes) {
            *b = c.to_ascii_lowercase();
        }
        // ASCII lowercased is ASCII, so valid UTF-8.
        if let Ok(lower) = std::str::from_utf8(&buf[..bytes.len()]) {
            return f(lower);
        }
    }
    f(&word.to_lowercase())
}

/// The number names of [`UNITS`]. Asked of nearly every word of the facts'
/// sentences, which are mostly no number: the set rejects them without a
/// scan of the names.
fn number_names() -> &'static WordSet {
    static NAMES: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| WordSet::new(&UNITS.iter().map(|&(name, _)| name).collect::<Vec<_>>()))
}

/// Month names and abbreviations and weekday names, for the same quick
/// refusal of the capitalized words dates are looked for at (most of them
/// names), before any is lowercased.
fn calendar_words() -> &'static WordSet {
    static WORDS: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let abbreviations = MONTH_ABBREVIATIONS.iter().map(|&(a, _)| a);
        WordSet::new(&MONTHS.iter().copied().chain(abbreviations).chain(WEEKDAYS.iter().copied()).collect::<Vec<_>>())
    })
}

fn word_value(w: &str) -> Option<u32> {
    if !number_names().contains(w) {
        return None;
    }
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

/// A proper fraction written with a slash ("1/2", "3/4"), as written after
/// a whole number: "4 1/2", "4-1/2".
fn simple_fraction(s: &str) -> Option<f64> {
    let (num, den) = s.split_once('/')?;
    let (num, den): (u32, u32) = (num.parse().ok()?, den.parse().ok()?);
    (num >= 1 && num < den && den <= 16).then(|| num as f64 / den as f64)
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

/// What a word after a number counts, as a unit: lowercase, singular
/// ("feet" is "foot"), "per cent" is "percent", "dollars" is "$"; `None` for
/// function words, adverbs and words with digits.
pub fn unit_word(w: &str) -> Option<String> {
    let lower = w.to_lowercase();
    if !lower.chars().all(char::is_alphabetic) || is_stopword(&lower) || lower.ends_with("ly") {
        return None;
    }
    let singular = match lower.as_str() {
        "feet" | "ft" => "foot",
        "sq" => "square",
        "lbs" => "lb",
        "inches" => "inch",
        "people" => "person",
        "men" => "man",
        "women" => "woman",
        "children" => "child",
        other => other.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(other),
    };
    Some(match singular {
        "per" | "percentage" | "pct" => "percent".to_string(),
        "dollar" => "$".to_string(),
        "euro" => "€".to_string(),
        "kilometer" => "kilometre".to_string(),
        "meter" => "metre".to_string(),
        other => other.to_string(),
    })
}

/// The text between two tokens, trimmed: "" when only spaces part them.
fn gap<'s>(sentence: &'s str, a: &Token<'_>, b: &Token<'_>) -> &'s str {
    sentence.get(a.end()..b.start).map_or("?", str::trim)
}

/// Whether [`quantities`] could find a number ([`FactKind::Number`]) in the
/// sentence: false only when no word can start one, that is no digit, no
/// `$`, nothing outside ASCII (fractions, foreign number words) and no run
/// of letters that is a number name. A cheap scan that lets a caller wanting
/// numbers only skip most sentences; it may say true where there is none.
pub fn may_hold_number(sentence: &str) -> bool {
    // A spelled number starts with a word whose part before any hyphen is a
    // number name: all letters, so a whole run of letters here.
    let bytes = sentence.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphabetic() {
            run += 1;
            continue;
        }
        if b.is_ascii_digit() || b == b'$' || !b.is_ascii() {
            return true;
        }
        if run > 0 && is_number_name(&sentence[i - run..i]) {
            return true;
        }
        run = 0;
    }
    run > 0 && is_number_name(&sentence[bytes.len() - run..])
}

/// Numbers and dates mentioned in a sentence, in order.
pub fn quantities(sentence: &str) -> Vec<Quantity> {
    let tokens = words(sentence);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((parts, used)) = date_at(sentence, &tokens, i) {
            let span = &tokens[i..i + used];
            out.push(Quantity {
                kind: FactKind::Date,
                surface: sentence[span[0].start..span[used - 1].end()].to_string(),
                value: parts.code(),
                unit: None,
                date: Some(parts),
                start: span[0].start,
                end: span[used - 1].end(),
                aside: false,
            });
            i += used;
            continue;
        }
        match starts_number(sentence, &tokens[i]).then(|| number_at(sentence, &tokens, i)).flatten() {
            Some((quantity, used)) => {
                out.push(quantity);
                i += used;
            }
            None => i += 1,
        }
    }
    mark_asides(sentence, &mut out);
    out
}

fn month_of(token: &Token<'_>) -> Option<(u8, bool)> {
    if !token.is_capitalized() || !calendar_words().contains_lowercased(token.text.trim_end_matches('.')) {
        return None;
    }
    with_lowercase(token.text.trim_end_matches('.'), |lower| {
        if let Some(m) = MONTHS.iter().position(|m| *m == lower) {
            return Some((m as u8 + 1, false));
        }
        MONTH_ABBREVIATIONS.iter().find(|(a, _)| *a == lower).map(|&(_, m)| (m, true))
    })
}

fn weekday_of(token: &Token<'_>) -> Option<u8> {
    if !token.is_capitalized() || !calendar_words().contains_lowercased(token.text) {
        return None;
    }
    with_lowercase(token.text, |lower| WEEKDAYS.iter().position(|d| *d == lower))
        .filter(|_| token.is_capitalized())
        .map(|d| d as u8 + 1)
}

fn day_of(token: &Token<'_>) -> Option<u8> {
    with_lowercase(token.text, |lower| {
        let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| lower.strip_suffix(s)).unwrap_or(lower);
        if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse::<u8>().ok().filter(|d| (1..=31).contains(d))
    })
}

fn year_of(token: &Token<'_>) -> Option<i32> {
    let t = token.text;
    (t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()))
        .then(|| t.parse::<i32>().ok())
        .flatten()
        .filter(|y| (1800..=2100).contains(y))
}

/// A date starting at token `i`, with the tokens it takes: "Thursday, July
/// 29, 2004", "29 July 2004", "the 29th of July", "March 2008", "Tuesday",
/// "last week". Bare years are numbers' business ([`number_at`]).
fn date_at(sentence: &str, tokens: &[Token<'_>], i: usize) -> Option<(DateParts, usize)> {
    // Dates start with a capital (months, weekdays), a digit (days) or a
    // word of relative time.
    let first = tokens[i].text.chars().next()?;
    if !first.is_uppercase() && !first.is_ascii_digit() && !matches!(tokens[i].text, "last" | "past" | "this" | "next")
    {
        return None;
    }
    let mut parts = DateParts::default();
    let next_ok = |k: usize, seps: &[&str]| tokens.get(k + 1).filter(|n| seps.contains(&gap(sentence, &tokens[k], n)));
    let direction = with_lowercase(tokens[i].text, |lower| match lower {
        "last" | "past" => Some(-1),
        "this" => Some(0),
        "next" => Some(1),
        _ => None,
    });
    if let (Some(dir), Some(next)) = (direction, next_ok(i, &[""])) {
        let unit = next.text.to_lowercase();
        let unit = unit.trim_end_matches("'s");
        if let Some(u) = RELATIVE_UNITS.iter().position(|r| *r == unit) {
            parts.relative = Some((dir, u as u8));
            return Some((parts, 2));
        }
    }
    let mut k = i;
    if let Some(w) = weekday_of(&tokens[i]) {
        parts.weekday = Some(w);
        let starts_date = next_ok(i, &["", ","]).is_some_and(|n| {
            month_of(n).is_some() || (day_of(n).is_some() && tokens.get(i + 2).and_then(month_of).is_some())
        });
        if !starts_date {
            return Some((parts, 1));
        }
        k = i + 1;
    }
    let weekday_alone =
        |parts: DateParts| parts.weekday.map(|_| (DateParts { weekday: parts.weekday, ..DateParts::default() }, 1));
    if let Some((month, abbreviated)) = month_of(&tokens[k]) {
        if let Some(day) = next_ok(k, &["", "."]).and_then(day_of) {
            parts.month = Some(month);
            parts.day = Some(day);
            k += 2;
            if let Some(year) = next_ok(k - 1, &["", ","]).and_then(year_of) {
                parts.year = Some(year);
                k += 1;
            }
            return Some((parts, k - i));
        }
        if let Some(year) = next_ok(k, &["", ",", "."]).and_then(year_of) {
            parts.month = Some(month);
            parts.year = Some(year);
            return Some((parts, k + 2 - i));
        }
        // "May" alone is too often the verb, and "Mar" or "Dec" too often
        // something else: a month needs a day or a year beside it, or for
        // "May" a word of time before it ("in May", "since May").
        let timed = k > 0
            && matches!(
                tokens[k - 1].text,
                "in" | "since" | "until" | "by" | "early" | "late" | "mid" | "last" | "next" | "this" | "of"
            );
        if !abbreviated && (tokens[k].text != "May" || timed) {
            parts.month = Some(month);
            return Some((parts, k + 1 - i));
        }
        return weekday_alone(parts);
    }
    if let Some(day) = day_of(&tokens[k]) {
        let mut m = k + 1;
        if tokens.get(m).is_some_and(|t| t.text == "of") && gap(sentence, &tokens[k], &tokens[m]).is_empty() {
            m += 1;
        }
        let month = tokens.get(m).filter(|t| gap(sentence, &tokens[m - 1], t).is_empty()).and_then(month_of);
        if let Some((month, _)) = month {
            parts.day = Some(day);
            parts.month = Some(month);
            k = m + 1;
            if let Some(year) = next_ok(m, &["", ","]).and_then(year_of) {
                parts.year = Some(year);
                k += 1;
            }
            return Some((parts, k - i));
        }
    }
    weekday_alone(parts)
}

/// The part of a word before its first hyphen (all of it without one),
/// found by a byte loop: asked of every word, and words are short.
fn before_hyphen(word: &str) -> &str {
    &word[..word.bytes().position(|b| b == b'-').unwrap_or(word.len())]
}

/// Whether a word (a hyphenated word's first part) is a number name, in
/// any case. Number names are 3 to 9 letters long.
fn is_number_name(head: &str) -> bool {
    (!head.is_ascii() || (3..=9).contains(&head.len())) && number_names().contains_lowercased(head)
}

/// Whether a number may start at the token: a digit, a fraction or a
/// number word starts every number ("$US1 million" aside). Most words are
/// no number, and this refuses them without the work of [`number_at`].
#[inline]
fn starts_number(sentence: &str, token: &Token<'_>) -> bool {
    let Some(first) = token.text.chars().next() else { return false };
    if first.is_ascii_digit() || fraction_value(first).is_some() {
        return true;
    }
    if !first.is_alphabetic() {
        return false;
    }
    let head = before_hyphen(token.text);
    let spelled = is_number_name(head);
    let us_dollars = sentence[..token.start].ends_with('$')
        && head.len() > 2
        && head.get(..2).is_some_and(|h| h.eq_ignore_ascii_case("us"));
    spelled || us_dollars
}

fn number_at(sentence: &str, tokens: &[Token<'_>], i: usize) -> Option<(Quantity, usize)> {
    let token = tokens[i];
    if !starts_number(sentence, &token) {
        return None;
    }
    let mut parts: Vec<String> = token.text.split('-').map(str::to_lowercase).collect();
    // "$US1 million": the currency's country written on the number.
    if sentence[..token.start].ends_with('$') {
        if let Some(rest) = parts[0].strip_prefix("us").filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
            parts[0] = rest.to_string();
        }
    }
    let run = || -> Vec<String> { tokens[i..tokens.len().min(i + 5)].iter().map(|t| t.text.to_lowercase()).collect() };
    let mut attached_unit: Option<String> = None;
    let (mut value, mut used_parts, mut used_tokens) = if let Some(v) = parse_digits(&parts[0]) {
        (v, 1, 1)
    } else if let Some((v, unit)) = digits_with_unit(&parts[0]) {
        // "600m", "5km", "$2bn".
        attached_unit = unit;
        (v, 1, 1)
    } else if let Some((v, n)) = parse_spelled(&run()).filter(|&(_, n)| parts.len() == 1 && n > 1) {
        // A spelled number spread over words: "two and a half hours".
        (v, 0, n)
    } else if let Some((v, n)) = parse_spelled(&parts) {
        (v, n, 1)
    } else {
        return None;
    };
    // A score or a range of two numbers: "10-1", "2008-09".
    let paired = parts.len() >= 2
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && parts[1].chars().all(|c| c.is_ascii_digit())
        && !parts[1].is_empty();
    if paired {
        let second: f64 = parts[1].parse().unwrap_or(0.0);
        let surface = token.text.to_string();
        let quantity = Quantity {
            kind: FactKind::Number,
            surface,
            value: value * 1e6 + second,
            unit: Some("range".into()),
            date: None,
            start: token.start,
            end: token.end(),
            aside: true,
        };
        return Some((quantity, 1));
    }
    // "50, 000": a digit group the spacing of some sources split.
    if used_parts == 1 && parts.len() == 1 && token.text.len() <= 3 && token.text.chars().all(|c| c.is_ascii_digit()) {
        let mut k = i;
        while let Some(next) = tokens.get(k + 1) {
            let digits: String = next.text.chars().take_while(|c| c.is_ascii_digit()).collect();
            let suffix = &next.text[digits.len()..];
            let group = digits.len() == 3 && (suffix.is_empty() || digits_with_unit(next.text).is_some());
            if !group || gap(sentence, &tokens[k], next) != "," || !sentence[tokens[k].end()..next.start].ends_with(' ')
            {
                break;
            }
            value = value * 1000.0 + digits.parse::<f64>().unwrap_or(0.0);
            if !suffix.is_empty() {
                attached_unit = digits_with_unit(next.text).and_then(|(_, u)| u);
            }
            k += 1;
            if !suffix.is_empty() {
                break;
            }
        }
        used_tokens += k - i;
    }
    // "41 / 2", "4 1 / 2": a fraction spaced out by some sources. Read as
    // written: "41 / 2" is 20.5, like "41/2".
    if used_parts == 1 && used_tokens == 1 && parts.len() == 1 && token.text.chars().all(|c| c.is_ascii_digit()) {
        let spaced = |k: usize| -> Option<f64> {
            let (num, den) = (tokens.get(k)?, tokens.get(k + 1)?);
            let between = sentence.get(num.end()..den.start)?.trim();
            let (n, d): (f64, f64) = (num.text.parse().ok()?, den.text.parse().ok()?);
            (between == "/" && den.text.len() <= 2 && (2.0..=16.0).contains(&d)).then_some(n / d)
        };
        if let Some(f) = spaced(i + 1).filter(|f| *f < 1.0 && matches!(gap(sentence, &token, &tokens[i + 1]), "" | "-"))
        {
            value += f;
            used_tokens = 3;
        } else if let Some(v) = spaced(i) {
            value = v;
            used_tokens = 2;
        }
    }
    // "4-1/2", "4 1/2": a whole number and a fraction.
    if used_parts == 1 && used_tokens == 1 && value.fract() == 0.0 {
        if let Some(f) = parts.get(1).and_then(|p| simple_fraction(p)) {
            value += f;
            used_parts = 2;
        } else if parts.len() == 1 {
            let next = tokens.get(i + 1).filter(|n| gap(sentence, &token, n).is_empty());
            if let Some(f) = next.and_then(|n| simple_fraction(n.text)) {
                value += f;
                used_tokens = 2;
            }
        }
    }
    let mut end_token = i + used_tokens - 1;
    let mut unit = attached_unit;
    // The rest of a hyphenated word names the unit: "2½-hour", "30-day".
    if used_parts > 0 && used_parts < parts.len() {
        unit = match parts[used_parts].as_str() {
            "square" | "sq" => parts.get(used_parts + 1).and_then(|p| unit_word(p)).map(|u| format!("square {u}")),
            _ => unit_word(&parts[used_parts..].concat()),
        };
    }
    let after = &sentence[tokens[end_token].end()..];
    if after.starts_with('%') {
        unit = Some("percent".into());
    } else if let Some(rest) = after.strip_prefix('°') {
        unit = Some(match rest.chars().next() {
            Some('F') => "degree fahrenheit".into(),
            Some('C') => "degree celsius".into(),
            _ => "degree".into(),
        });
    }
    if unit.is_none() {
        // Spaces or a hyphen part a number from its scale and unit ("two -
        // million - euro" in some sources' spacing).
        let joined = |k: usize| tokens.get(k).filter(|n| matches!(gap(sentence, &tokens[k - 1], n), "" | "-"));
        if let Some(next) = joined(end_token + 1) {
            let lower = next.text.to_lowercase();
            if let Some(&(_, scale)) = SCALES.iter().find(|(s, _)| *s == lower) {
                value *= scale;
                end_token += 1;
                used_tokens += 1;
            }
        }
        if let Some(next) = joined(end_token + 1) {
            unit = unit_word(next.text);
            if matches!(unit.as_deref(), Some("square" | "sq")) {
                let area = joined(end_token + 2).and_then(|t| unit_word(t.text));
                unit = area
                    .filter(|a| in_base_units(1.0, a).is_some_and(|(d, _)| d == Dimension::Length))
                    .map(|a| format!("square {a}"));
            }
            if unit.as_deref() == Some("degree") {
                let scale = joined(end_token + 2).map(|t| t.text.to_lowercase());
                match scale.as_deref() {
                    Some("fahrenheit" | "f") => unit = Some("degree fahrenheit".into()),
                    Some("celsius" | "centigrade" | "c") => unit = Some("degree celsius".into()),
                    _ => {}
                }
            }
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
    let date = is_year.then(|| DateParts { year: Some(value as i32), ..DateParts::default() });
    let (start, end) = (token.start, tokens[end_token].end());
    let surface = sentence[start..end].to_string();
    let value = date.map_or(value, |d| d.code());
    Some((Quantity { kind, surface, value, unit, date, start, end, aside: false }, used_tokens))
}

/// A number with a unit written on: "600m", "5km", "2bn". The unit is a
/// measure, or "bn" / "m" read as scales.
fn digits_with_unit(word: &str) -> Option<(f64, Option<String>)> {
    let at = word.find(|c: char| c.is_ascii_alphabetic())?;
    let (digits, suffix) = word.split_at(at);
    let value = parse_digits(digits)?;
    match suffix {
        "bn" => Some((value * 1e9, None)),
        "k" => Some((value * 1e3, None)),
        "mph" | "kph" | "kmh" | "km" | "m" | "mm" | "cm" | "kg" | "g" | "ft" | "lb" | "lbs" | "mi" | "ml" => {
            Some((value, unit_word(suffix)))
        }
        _ => None,
    }
}

/// Marks the numbers a comparison leaves aside (see [`Quantity::aside`]).
fn mark_asides(sentence: &str, quantities: &mut [Quantity]) {
    if quantities.is_empty() {
        return;
    }
    let lower = sentence.to_lowercase();
    let address =
        lower.contains("http") || lower.contains("www.") || lower.contains(". com") || lower.contains(".com/");
    let mut previous_end: Option<usize> = None;
    for q in quantities.iter_mut() {
        let before = sentence[..q.start].trim_end();
        let after = sentence[q.end..].trim_start();
        // "4\u{FFFD} months": a character lost in encoding; the value is unknown.
        let lost = sentence[q.end..].starts_with('\u{FFFD}');
        let clock = before.ends_with(':')
            || (after.starts_with(':') && after[1..].trim_start().starts_with(|c: char| c.is_ascii_digit()))
            || {
                let next =
                    after.split_whitespace().next().unwrap_or("").trim_end_matches(|c: char| !c.is_alphanumeric());
                matches!(next.to_lowercase().as_str(), "a.m" | "p.m" | "am" | "pm") && q.kind == FactKind::Number
            };
        // "(2,000 feet)" right after "600 metres": a conversion. A count in
        // parentheses ("23 pirates (12 Somali and 11 Yemeni)") is a
        // breakdown, stated for itself.
        let converted =
            q.unit.as_deref().is_some_and(|u| in_base_units(1.0, u).is_some() || u.contains(['$', '£', '€', '¥']));
        let gloss = converted
            && previous_end.is_some_and(|end| {
                let between = &sentence[end.min(q.start)..q.start];
                between.len() < 40 && between.contains('(') && !between.contains(')') && words(between).len() <= 3
            });
        if address || clock || gloss || lost {
            q.aside = true;
        }
        previous_end = Some(q.end);
    }
}

/// A rank or position in a series, with the words it qualifies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ordinal {
    /// As written, with the word it qualifies when that word is part of it
    /// ("third-largest", "27th District", "second straight").
    pub surface: String,
    /// The rank: 3 for "third", "3rd" and "Q3".
    pub value: u32,
    /// The content words it qualifies, lowercase: the rest of a hyphenated
    /// word ("largest" in "third-largest") and up to two words after it.
    pub head: Vec<String>,
    /// Byte offset in the sentence.
    pub start: usize,
    /// Byte offset just past the surface.
    pub end: usize,
}

#[rustfmt::skip]
const ORDINAL_WORDS: &[(&str, u32)] = &[
    ("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("fifth", 5), ("sixth", 6), ("seventh", 7),
    ("eighth", 8), ("ninth", 9), ("tenth", 10), ("eleventh", 11), ("twelfth", 12), ("thirteenth", 13),
    ("fourteenth", 14), ("fifteenth", 15), ("sixteenth", 16), ("seventeenth", 17), ("eighteenth", 18),
    ("nineteenth", 19), ("twentieth", 20), ("thirtieth", 30), ("fortieth", 40), ("fiftieth", 50),
    ("sixtieth", 60), ("seventieth", 70), ("eightieth", 80), ("ninetieth", 90), ("hundredth", 100),
];

fn ordinal_word(w: &str) -> Option<u32> {
    if let Some(&(_, v)) = ORDINAL_WORDS.iter().find(|(name, _)| *name == w) {
        return Some(v);
    }
    let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| w.strip_suffix(s))?;
    (!digits.is_empty() && digits.len() <= 4 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The ordinals of a sentence: "first", "27th", "twenty-first",
/// "third-largest", "Q2" (a quarter).
pub fn ordinals(sentence: &str) -> Vec<Ordinal> {
    let tokens = words(sentence);
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let head = before_hyphen(token.text);
        let maybe = head.len() >= 2
            && (["th", "st", "nd", "rd", "TH", "ST", "ND", "RD"].iter().any(|s| head.ends_with(s))
                || head.starts_with('Q')
                || head.len() < token.text.len());
        if !maybe {
            continue;
        }
        let lower = token.text.to_lowercase();
        let parts: Vec<&str> = lower.split('-').collect();
        let (value, rest) = if let (Some(tens), Some(unit)) =
            (parts.first().and_then(|p| word_value(p)), parts.get(1).and_then(|p| ordinal_word(p)))
        {
            if tens < 20 || tens % 10 != 0 || unit >= 10 {
                continue;
            }
            (tens + unit, &parts[2..])
        } else if let Some(v) = ordinal_word(parts[0]) {
            (v, &parts[1..])
        } else if parts.len() == 1 && token.text.len() == 2 && token.text.starts_with('Q') {
            match token.text[1..].parse::<u32>() {
                Ok(q @ 1..=4) => (q, &["quarter"][..]),
                _ => continue,
            }
        } else {
            continue;
        };
        // "one second", "30 seconds": time, not rank.
        let previous_number =
            i > 0 && (number_at(sentence, &tokens, i - 1).is_some() || tokens[i - 1].text.eq_ignore_ascii_case("one"));
        if previous_number && value == 2 {
            continue;
        }
        let mut head: Vec<String> = rest.iter().filter(|w| !w.is_empty()).map(|w| w.to_string()).collect();
        let mut end = token.end();
        let mut k = i;
        while k + 1 < tokens.len() && k < i + 2 && gap(sentence, &tokens[k], &tokens[k + 1]).is_empty() {
            let next = tokens[k + 1].text.to_lowercase();
            let next = next.trim_end_matches("'s");
            if is_stopword(next) || next.chars().any(|c| c.is_ascii_digit()) {
                break;
            }
            if rest.is_empty() && k == i {
                end = tokens[k + 1].end();
            }
            head.push(next.to_string());
            k += 1;
        }
        out.push(Ordinal { surface: sentence[token.start..end].to_string(), value, head, start: token.start, end });
    }
    out
}

/// A name preceded by a title or role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TitledName {
    /// The whole phrase as written ("former U.S. President Donald Trump",
    /// "police chief Tim Fanning").
    pub surface: String,
    /// The name part ("Donald Trump").
    pub name: String,
    /// Role words, lowercase, in order, abbreviations written out ("former
    /// president", "spokesman sergeant"); nationality, place and
    /// organization words are not part of it.
    pub role: String,
}

impl TitledName {
    /// The family name, lowercased: how mentions of one person are matched.
    pub fn person_key(&self) -> String {
        self.name.split_whitespace().last().unwrap_or("").to_lowercase()
    }

    /// Whether a role says something the other contradicts, given the
    /// words each side's text holds (`a_words`, `b_words`: lowercase,
    /// abbreviations written out, see [`title_form`]): a modifier ("former",
    /// "acting") or a rank changer ("deputy", "vice") on one side only, or a
    /// title word of `self` absent from the other text while the other's role
    /// has a word of the same class (rank or post) absent from this text.
    /// "Constable" / "Sergeant" and "police chief" / "police spokesman"
    /// conflict; "Sgt. X, a sheriff's deputy" / "Deputy X" and "Inspector X"
    /// / "police spokesman X" do not.
    pub fn role_conflicts(
        &self,
        other: &TitledName,
        a_words: &dyn Fn(&str) -> bool,
        b_words: &dyn Fn(&str) -> bool,
    ) -> bool {
        if !self.role_differs(other) {
            return false;
        }
        // Title words written out, "CEO" as "chief executive".
        let split = |role: &str| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for w in role.split_whitespace().map(title_form) {
                match w {
                    "ceo" => out.extend(["chief".to_string(), "executive".to_string()]),
                    "officer" if out.last().is_some_and(|p| p == "executive") => {}
                    other => out.push(other.to_string()),
                }
            }
            out
        };
        let (ra, rb) = (split(&self.role), split(&other.role));
        let marked = |w: &str| MODIFIERS.contains(&w) || RANK_CHANGERS.contains(&w);
        let lost: Vec<&String> = ra.iter().filter(|w| !rb.contains(w) && !b_words(w)).collect();
        let gained: Vec<&String> = rb.iter().filter(|w| !ra.contains(w) && !a_words(w)).collect();
        if lost.iter().chain(gained.iter()).any(|w| marked(w)) {
            return true;
        }
        let rank = |w: &str| RANKS.contains(&w);
        lost.iter().any(|x| gained.iter().any(|y| rank(x) == rank(y) && !synonyms(x, y)))
    }

    /// Whether two roles are different titles: a title word or a modifier
    /// ("former", "acting") of one is not in the other, once abbreviations
    /// are written out ("Sgt." = "Sergeant", "CEO" = "chief executive").
    pub fn role_differs(&self, other: &TitledName) -> bool {
        let set = |role: &str| {
            let mut words: Vec<String> = role.split_whitespace().map(str::to_string).collect();
            words.sort();
            words.dedup();
            words
        };
        set(&normal_role(&self.role)) != set(&normal_role(&other.role))
    }
}

#[rustfmt::skip]
const TITLES: &[&str] = &[
    "president", "vice", "prime", "minister", "chancellor", "secretary", "senator", "sen", "representative",
    "rep", "congressman", "congresswoman", "governor", "gov", "mayor", "king", "queen", "prince", "princess",
    "pope", "general", "gen", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt", "captain", "capt",
    "major", "maj", "judge", "justice", "ambassador", "director", "chairman", "chairwoman", "chair", "ceo", "chief",
    "spokesman", "spokeswoman", "spokesperson", "commissioner", "leader", "deputy", "pastor", "bishop",
    "archbishop", "cardinal", "rabbi", "imam", "dr", "professor", "prof", "coach", "sheriff", "undersheriff",
    "officer", "detective", "det", "inspector", "insp", "attorney", "speaker", "premier", "emir", "sheikh",
    "sultan", "commander", "cmdr", "admiral", "adm", "marshal", "treasurer", "councillor", "councilman",
    "councilwoman", "councilor", "superintendent", "supt", "president-elect", "chancellor-elect", "actor",
    "actress", "singer", "star", "rapper", "constable", "const", "corporal", "cpl", "trooper", "agent",
    "counsel", "lawyer", "prosecutor", "solicitor", "analyst", "economist", "engineer", "salesman",
    "saleswoman", "manager", "executive", "founder", "co-founder", "cofounder", "owner", "editor", "reporter",
    "correspondent", "producer", "publisher", "associate", "assistant", "senior", "envoy", "consul",
    "delegate", "assemblyman", "assemblywoman", "alderman", "dean", "provost", "principal", "chaplain",
    "physician", "surgeon", "nurse", "scientist", "researcher", "striker", "midfielder", "defender",
    "goalkeeper", "quarterback", "pitcher", "cfo", "coo", "cto", "chairperson", "head", "patrolman",
    "lawmaker", "legislator", "commentator", "columnist", "historian", "author", "novelist", "teacher",
];

/// Title words that begin a title and never end one ("senior", "vice").
const TITLE_PREFIXES: &[&str] = &["senior", "associate", "assistant", "vice", "prime"];

const MODIFIERS: &[&str] = &[
    "former", "late", "acting", "ex", "then", "outgoing", "incoming", "interim", "deposed", "retired", "elect",
    "ousted", "current", "future",
];

/// Abbreviations and variants of one title, written out.
#[rustfmt::skip]
const TITLE_FORMS: &[(&str, &str)] = &[
    ("sen", "senator"), ("rep", "representative"), ("congressman", "representative"),
    ("congresswoman", "representative"), ("gov", "governor"), ("gen", "general"), ("col", "colonel"),
    ("lt", "lieutenant"), ("sgt", "sergeant"), ("capt", "captain"), ("maj", "major"), ("chairwoman", "chairman"),
    ("chair", "chairman"), ("chairperson", "chairman"), ("spokeswoman", "spokesman"), ("spokesperson", "spokesman"),
    ("dr", "doctor"), ("prof", "professor"), ("det", "detective"), ("insp", "inspector"), ("cmdr", "commander"),
    ("adm", "admiral"), ("councilman", "councillor"), ("councilwoman", "councillor"), ("councilor", "councillor"),
    ("supt", "superintendent"), ("const", "constable"), ("cpl", "corporal"), ("saleswoman", "salesman"),
    ("assemblywoman", "assemblyman"), ("cofounder", "co-founder"), ("ex", "former"), ("lawmaker", "legislator"),
    ("head", "chief"), ("patrolman", "officer"),
];

/// Ranks of police and armed forces: a rank and a post ("Inspector" and
/// "police spokesman") can both be true of one person, two ranks cannot.
#[rustfmt::skip]
const RANKS: &[&str] = &[
    "officer", "constable", "sergeant", "corporal", "lieutenant", "captain", "major", "colonel", "general",
    "inspector", "detective", "superintendent", "commander", "admiral", "marshal", "trooper", "private",
];

/// Titles a paraphrase uses for one another: a spokesman represents, a
/// chief heads and leads, a coach manages a team.
const TITLE_SYNONYMS: &[&[&str]] = &[
    &["spokesman", "representative"],
    &["chief", "leader", "director"],
    &["coach", "manager"],
    &["lawyer", "attorney", "counsel", "solicitor"],
    &["doctor", "physician"],
    &["professor", "researcher", "scientist"],
    &["legislator", "representative"],
    &["legislator", "senator"],
    &["legislator", "assemblyman"],
];

fn synonyms(x: &str, y: &str) -> bool {
    TITLE_SYNONYMS.iter().any(|set| set.contains(&x) && set.contains(&y))
}

/// Words that change a title's rank wherever they stand: "Deputy Director"
/// is not "Director".
const RANK_CHANGERS: &[&str] =
    &["deputy", "vice", "assistant", "associate", "senior", "co-founder", "acting", "interim"];

/// A role with abbreviations written out and "chief executive (officer)"
/// read as "ceo".
fn normal_role(role: &str) -> String {
    let words: Vec<&str> = role
        .split_whitespace()
        .map(|w| TITLE_FORMS.iter().find(|(f, _)| *f == w).map_or(w, |&(_, full)| full))
        .collect();
    let joined = format!(" {} ", words.join(" "));
    joined
        .replace(" chief executive officer ", " ceo ")
        .replace(" chief executive ", " ceo ")
        .replace(" chief financial officer ", " cfo ")
        .replace(" chief operating officer ", " coo ")
        .trim()
        .to_string()
}

/// Whether a lowercase word (periods dropped) is a title, a part of one or
/// a modifier of one ("sgt", "senior", "former").
pub fn is_role_word(lower: &str) -> bool {
    is_title(lower) || TITLE_PREFIXES.contains(&lower) || is_modifier(lower)
}

/// A title word written out: "sgt" is "sergeant", "spokeswoman" is
/// "spokesman"; other words as they are.
pub fn title_form(lower: &str) -> &str {
    TITLE_FORMS.iter().find(|(f, _)| *f == lower).map_or(lower, |&(_, full)| full)
}

fn is_title(lower: &str) -> bool {
    titles().contains(lower)
}

fn titles() -> &'static WordSet {
    static SET: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| WordSet::new(TITLES))
}

fn is_modifier(lower: &str) -> bool {
    MODIFIERS.contains(&lower) || lower.starts_with("ex-") || lower.starts_with("then-")
}

/// Words that end a run of lowercase role qualifiers looking back from a
/// title ("said police chief X": "said" is not part of the role).
fn is_verbish(lower: &str) -> bool {
    lower.ends_with("ed") || lower.ends_with("ing") || matches!(lower, "says" | "tells" | "told" | "adds" | "added")
}

fn is_calendar_word(lower: &str) -> bool {
    MONTHS.contains(&lower) || WEEKDAYS.contains(&lower)
}

/// Names preceded by a title, with the role words separated from nationality
/// and place words, so "Ukraine President X" and "Ukrainian President X" have
/// the same role while "former President X" does not. Lowercase roles count
/// right before a name ("police chief Tim Fanning", "general counsel Ann
/// Lee"), with the lowercase words that qualify them in the surface.
pub fn titled_names(sentence: &str) -> Vec<TitledName> {
    let tokens = words(sentence);
    // Every titled name has its title, and most sentences hold none: the
    // words are lowercased only for a sentence that does.
    let title = |t: &Token<'_>| {
        if t.text.contains('.') {
            is_title(&t.text.to_lowercase().replace('.', ""))
        } else {
            titles().contains_lowercased(t.text)
        }
    };
    if !tokens.iter().any(title) {
        return Vec::new();
    }
    let mut buffer = String::with_capacity(sentence.len());
    let lower = lowercase_words(&tokens, true, &mut buffer);
    let joined = |k: usize| k > 0 && matches!(gap(sentence, &tokens[k - 1], &tokens[k]), "" | ".");
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        let mut roles: Vec<String> = Vec::new();
        let mut last_was_title = false;
        let mut has_title = false;
        while j < tokens.len() && (j == i || joined(j)) {
            let w = lower[j];
            if is_modifier(w) {
                roles.push(w.split('-').next().unwrap_or(w).to_string());
                last_was_title = false;
            } else if TITLE_PREFIXES.contains(&w) {
                // "senior", "vice": part of a title, never its end.
                roles.push(w.to_string());
                last_was_title = false;
            } else if is_title(w) {
                roles.push(w.to_string());
                has_title = true;
                last_was_title = true;
            } else if tokens[j].is_capitalized() && !has_title && !is_calendar_word(w) && (w == "us" || !is_stopword(w))
            {
                last_was_title = false; // nationality, place or organization qualifier
            } else {
                break;
            }
            j += 1;
        }
        if has_title && last_was_title && j < tokens.len() && joined(j) {
            let name_end = (j..tokens.len().min(j + 3))
                .take_while(|&k| {
                    (k == j || joined(k))
                        && tokens[k].is_capitalized()
                        && !is_title(lower[k])
                        && !is_modifier(lower[k])
                        && !is_calendar_word(lower[k])
                        && !is_stopword(lower[k])
                        && !tokens[k].text.chars().any(|c| c.is_ascii_digit())
                })
                .last();
            if let Some(k) = name_end {
                // Lowercase words qualifying a lowercase role: "legislative
                // policy director", "police chief".
                let mut first = i;
                if !tokens[i].is_capitalized() {
                    while first > 0
                        && first + 2 > i
                        && joined(first)
                        && !tokens[first - 1].is_capitalized()
                        && !is_stopword(lower[first - 1])
                        && !is_verbish(lower[first - 1])
                        && lower[first - 1].chars().all(char::is_alphabetic)
                    {
                        first -= 1;
                    }
                }
                let name = sentence[tokens[j].start..tokens[k].end()].trim_end_matches("'s").to_string();
                let surface = sentence[tokens[first].start..tokens[k].end()].trim_end_matches("'s").to_string();
                let role = roles.iter().map(|r| normal_role(r)).collect::<Vec<_>>().join(" ");
                out.push(TitledName { surface, name, role });
                i = k + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A name after a preposition of place: "in San Diego", "to Kyiv", "near
/// Russia's Kursk region" (the name is "Russia's Kursk").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// The preposition, lowercase.
    pub preposition: String,
    /// The name as written.
    pub name: String,
    /// Byte offset of the preposition in the sentence.
    pub start: usize,
    /// Byte offset of the name.
    pub name_start: usize,
    /// Byte offset just past the name.
    pub end: usize,
}

impl PlaceMention {
    /// The words of the name, lowercase, possessives dropped.
    pub fn name_words(&self) -> Vec<String> {
        words(&self.name)
            .iter()
            .map(|w| w.text.trim_end_matches("'s").to_lowercase())
            .filter(|w| !is_stopword(w))
            .collect()
    }
}

/// Prepositions that put a place after them.
const PLACE_PREPOSITIONS: &[&str] = &[
    "in",
    "at",
    "from",
    "near",
    "outside",
    "to",
    "into",
    "inside",
    "toward",
    "towards",
    "throughout",
    "around",
    "across",
    "within",
    "off",
    "via",
    "through",
];

/// Words after a name that make it a place: "the Kyiv region".
#[rustfmt::skip]
const PLACE_WORDS: &[&str] = &[
    "region", "province", "city", "state", "county", "area", "district", "border", "river", "valley", "coast",
    "oblast", "capital", "countryside", "suburb", "neighborhood", "neighbourhood", "town", "village", "island",
    "peninsula", "territory", "airport", "port", "harbor", "harbour", "street", "avenue", "road", "square",
];

/// Lowercase words a place name may hold inside: "Gulf of Aden", "Rio de
/// Janeiro".
const NAME_JOINERS: &[&str] = &["of", "de", "del", "da", "la", "le", "upon", "al", "el"];

/// The names after prepositions of place in a sentence. Names that start
/// with a title ("to President Trump"), months, weekdays and numbers are
/// not places.
pub fn places(sentence: &str) -> Vec<PlaceMention> {
    let tokens = words(sentence);
    let mut out = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        // A preposition followed by a capital.
        let capital_next = tokens.get(k + 1).is_some_and(|t| t.is_capitalized() || t.text == "the");
        if !capital_next || !PLACE_PREPOSITIONS.contains(&token.text) {
            continue;
        }
        let mut m = k + 1;
        if tokens.get(m).is_some_and(|t| t.text == "the") {
            m += 1;
        }
        let mut end = None;
        let mut n = m;
        while n < tokens.len() && n < m + 5 && gap(sentence, &tokens[n - 1], &tokens[n]).is_empty() {
            let t = &tokens[n];
            let lower = t.text.to_lowercase();
            if t.is_capitalized() && !t.text.chars().any(|c| c.is_ascii_digit()) {
                if is_calendar_word(&lower)
                    || (n == m && (is_title(&lower.replace('.', "")) || is_modifier(&lower) || is_stopword(&lower)))
                {
                    break;
                }
                end = Some(n);
            } else if !(n > m && NAME_JOINERS.contains(&t.text)) {
                break;
            }
            n += 1;
        }
        // A name used as an adjective ("to Ukrainian forces") names no
        // place, unless a place word follows it ("the Kyiv region").
        let adjective =
            end.and_then(|e| tokens.get(e + 1).filter(|t| gap(sentence, &tokens[e], t).is_empty())).is_some_and(|t| {
                let w = t.text.to_lowercase();
                !t.is_capitalized() && !is_stopword(&w) && !PLACE_WORDS.contains(&w.trim_end_matches('s'))
            });
        let possessive = end.is_some_and(|e| tokens[e].text.ends_with("'s"));
        if adjective && !possessive {
            continue;
        }
        if let Some(e) = end {
            let name = sentence[tokens[m].start..tokens[e].end()].to_string();
            out.push(PlaceMention {
                preposition: token.text.to_string(),
                name,
                start: token.start,
                name_start: tokens[m].start,
                end: tokens[e].end(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Vec<(f64, Option<String>)> {
        quantities(s).into_iter().filter(|q| q.kind == FactKind::Number).map(|q| (q.value, q.unit)).collect()
    }

    /// `may_hold_number` may only err towards true: every sentence with a
    /// number says so, whatever words and number names it is made of.
    #[test]
    fn a_sentence_with_a_number_may_hold_one() {
        let sentences = [
            "Twenty-five tanks crossed the border.",
            "He spoke for two and a half hours.",
            "It cost $US1 million.",
            "About 2½ hours later the ONE-day strike began.",
            "They met dozens of officials.",
            "Nothing here counts.",
        ];
        let mut words: Vec<&str> = UNITS.iter().map(|&(name, _)| name).collect();
        words.extend(["the", "one's", "x-ray", "Mr.", "U.S", "hour", "miles", "-", ",", "'", "$", "½", "7"]);
        let mut generated: Vec<String> = sentences.iter().map(|s| s.to_string()).collect();
        let mut state = 7u64;
        for _ in 0..5000 {
            let mut sentence = String::new();
            for _ in 0..6 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let word = words[(state >> 33) as usize % words.len()];
                let joiner = [" ", "-", "", " "][(state >> 20) as usize % 4];
                let word = if state >> 40 & 1 == 1 { word.to_uppercase() } else { word.to_string() };
                sentence.push_str(&word);
                sentence.push_str(joiner);
            }
            generated.push(sentence);
        }
        let mut numbered = 0;
        for s in &generated {
            if quantities(s).iter().any(|q| q.kind == FactKind::Number) {
                numbered += 1;
                assert!(may_hold_number(s), "{s:?} holds a number");
            }
        }
        assert!(numbered > 1000, "the sentences hold numbers: {numbered}");
        assert!(!may_hold_number("Nothing here counts, said the officials."));
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

    fn dates(s: &str) -> Vec<(String, DateParts)> {
        quantities(s).into_iter().filter_map(|q| q.date.map(|d| (q.surface, d))).collect()
    }

    #[test]
    fn one_day_in_any_format() {
        let a = dates("Published: July 29, 2004");
        let b = dates("Thursday 29 July 2004");
        let c = dates("on Thursday, the 29th of July");
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].0, "Thursday 29 July 2004");
        assert_eq!(a[0].1.agrees(&b[0].1), Some(true));
        assert_eq!(b[0].1.agrees(&c[0].1), Some(true));
        assert_eq!(dates("in March 2008")[0].0, "March 2008");
        assert_eq!(dates("in March 2008")[0].1.agrees(&dates("in March 2009")[0].1), Some(false));
        // A weekday and a date share no part: they may be one day.
        assert_eq!(dates("on Tuesday")[0].1.agrees(&dates("on March 11")[0].1), None);
        let (last_week, last_month) = (dates("testified last week"), dates("testified last month"));
        assert_eq!(last_week[0].1.agrees(&last_month[0].1), Some(false));
        // "May" alone is the verb.
        assert!(dates("It May rain").is_empty());
    }

    #[test]
    fn measures_convert() {
        assert_eq!(same_measure(200.0, "foot", 61.0, "metre"), Some(true));
        assert_eq!(same_measure(200.0, "foot", 150.0, "metre"), Some(false));
        assert_eq!(same_measure(5.0, "mile", 8.0, "km"), Some(true));
        assert_eq!(same_measure(86.0, "degree fahrenheit", 30.0, "degree celsius"), Some(true));
        assert_eq!(same_measure(15_800.0, "square metre", 170_000.0, "square foot"), Some(true));
        assert_eq!(same_measure(5.0, "mile", 5.0, "kg"), None);
        assert_eq!(values("fell 200 feet"), [(200.0, Some("foot".into()))]);
        assert_eq!(values("a 15,800-square-metre building"), [(15_800.0, Some("square metre".into()))]);
        assert_eq!(values("fell about 600m"), [(600.0, Some("m".into()))]);
    }

    #[test]
    fn fractions_and_digit_groups() {
        let month = Some("month".to_string());
        assert_eq!(values("served 4 1/2 months"), [(4.5, month.clone())]);
        assert_eq!(values("served 4-1/2 months"), [(4.5, month.clone())]);
        // As written: a lost "½" leaves 41/2, a change a reader should see.
        assert_eq!(values("served 41 / 2 months"), [(20.5, month)]);
        assert_eq!(values("more than 50, 000 people"), [(50_000.0, Some("person".into()))]);
        assert_eq!(values("fell about 2, 000ft"), [(2000.0, Some("foot".into()))]);
        assert_eq!(values("a two - million - euro haul")[0].0, 2e6);
    }

    #[test]
    fn numbers_left_aside() {
        let q = quantities("Updated 10:04 PM, the 600 metres (2,000 feet) drop and a 10-1 win");
        let aside: Vec<&str> = q.iter().filter(|q| q.aside).map(|q| q.surface.as_str()).collect();
        assert_eq!(aside, ["10", "04", "2,000", "10-1"]);
        assert!(quantities("see www.example.com/2013/08/02").iter().all(|q| q.aside));
    }

    #[test]
    fn ordinals_with_what_they_rank() {
        let o = ordinals(
            "for a second straight day, the 27th District, the state's third-largest daily, Q2 and twenty-first",
        );
        let found: Vec<(&str, u32)> = o.iter().map(|o| (o.surface.as_str(), o.value)).collect();
        assert_eq!(
            found,
            [("second straight", 2), ("27th District", 27), ("third-largest", 3), ("Q2", 2), ("twenty-first", 21)]
        );
        assert_eq!(o[0].head, ["straight", "day"]);
        assert_eq!(o[2].head, ["largest", "daily"]);
        assert!(ordinals("it took 30 seconds and one second more").is_empty());
    }

    #[test]
    fn lowercase_roles_and_their_conflicts() {
        let t = titled_names("drafted by legislative policy director Ann Lee and police chief Tim Fanning");
        assert_eq!(t[0].surface, "legislative policy director Ann Lee");
        assert_eq!(t[0].role, "director");
        assert_eq!(t[1].surface, "police chief Tim Fanning");
        let one = |s: &str| titled_names(s).remove(0);
        let none = |_: &str| false;
        assert!(one("Constable Tim Fanning").role_conflicts(&one("Sergeant Tim Fanning"), &none, &none));
        assert!(one("police chief Tim Fanning").role_conflicts(&one("police spokesman Tim Fanning"), &none, &none));
        assert!(one("Deputy Director David Bowdich").role_conflicts(
            &one("Associate Director David Bowdich"),
            &none,
            &none
        ));
        assert!(one("President Donald Trump").role_conflicts(&one("former President Donald Trump"), &none, &none));
        assert!(!one("Sgt. Tim Fanning").role_conflicts(&one("Sergeant Tim Fanning"), &none, &none));
        assert!(!one("IMF chief Dominique Strauss").role_conflicts(&one("IMF head Dominique Strauss"), &none, &none));
        // A rank and a post can both be true.
        assert!(!one("Inspector Dave Gaskin").role_conflicts(&one("police spokesman Dave Gaskin"), &none, &none));
        assert!(titled_names("the president Monday said").is_empty());
    }

    #[test]
    fn places_after_prepositions() {
        let p = places("He flew from Russia's Kursk region to the United States via Gulf of Aden ports, in May.");
        let names: Vec<(&str, &str)> = p.iter().map(|p| (p.preposition.as_str(), p.name.as_str())).collect();
        assert_eq!(names, [("from", "Russia's Kursk"), ("to", "United States"), ("via", "Gulf of Aden")]);
        assert_eq!(p[0].name_words(), ["russia", "kursk"]);
        // Titles, adjectives and dates are no places.
        assert!(places("He spoke to President Trump about aid to Ukrainian forces on Monday.").is_empty());
    }
}
