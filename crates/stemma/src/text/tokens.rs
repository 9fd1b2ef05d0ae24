//! Words, content terms and stems.
//!
//! A term is the Porter2 stem of a content word (stopwords dropped), hashed to
//! a `u64` with xxh3 so that sets of terms are cheap to store, intersect and
//! persist. Hyphenated words made only of letters are joined ("cease-fire" =
//! "ceasefire"); others are split ("30-day" = "30", "day"). "%" reads as
//! "percent", and "U.S."/"US" as one term.

use std::borrow::Cow;
use std::ops::ControlFlow;

use rust_stemmers::{Algorithm, Stemmer};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

/// A word of the text with its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The word as written (punctuation at its ends removed).
    pub text: &'a str,
    /// Byte offset of the word in the string it was taken from.
    pub start: usize,
}

impl Token<'_> {
    /// Byte offset just past the word.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// Starts with an uppercase letter.
    pub fn is_capitalized(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// English function words and the reporting verbs of news prose, which carry
/// no content of their own and are changed freely by paraphrase.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "either", "even", "ever", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
    "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might",
    "more", "most", "much", "must", "my", "myself", "neither", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "per", "quite",
    "rather", "said", "same", "say", "says", "shall", "she", "should", "since", "so", "some", "still", "such",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "though", "through", "thus", "to", "too", "told", "under", "until", "up", "upon", "us", "very",
    "via", "was", "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
    "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "mr", "mrs", "ms",
    "according", "also", "amid", "among", "across", "around", "s",
];

/// Is this lowercase word a stopword?
#[inline]
pub fn is_stopword(lower: &str) -> bool {
    stopwords().contains(lower)
}

/// Whether `word`, lowercased, is a stopword: `is_stopword(&word.to_lowercase())`
/// without a copy for ASCII words.
#[inline]
pub fn is_stopword_lowercased(word: &str) -> bool {
    stopwords().contains_lowercased(word)
}

fn stopwords() -> &'static WordSet {
    static STOPWORD_SET: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    STOPWORD_SET.get_or_init(|| WordSet::new(STOPWORDS))
}

/// A set of lowercase words, for the word lists consulted for nearly every
/// word of every stage: a binary search over the words packed into
/// integers rather than a string comparison with each of them. The rare
/// word longer than 15 bytes ("chancellor-elect") is compared as a string.
#[derive(Debug, Clone)]
pub struct WordSet {
    keys: Vec<u128>,
    /// One bit per (length, first byte, last byte) class of the words:
    /// most words asked about are in no list, and one load rejects them.
    classes: [u64; 16],
    /// The words too long to pack.
    long: Vec<String>,
}

impl WordSet {
    /// The set of `words`.
    pub fn new(words: &[&str]) -> WordSet {
        let mut keys: Vec<u128> = words.iter().filter_map(|w| packed_word(w)).collect();
        keys.sort_unstable();
        keys.dedup();
        let long = words.iter().filter(|w| w.len() > 15).map(|w| w.to_string()).collect();
        let mut classes = [0u64; 16];
        for word in words.iter().filter(|w| !w.is_empty() && w.len() <= 15) {
            let bytes = word.as_bytes();
            let bit = class(bytes.len(), bytes[0], bytes[bytes.len() - 1]);
            classes[bit / 64] |= 1 << (bit % 64);
        }
        WordSet { keys, classes, long }
    }

    /// Whether a word of this length, first and last (lowercase) byte may
    /// be in the set.
    #[inline]
    fn may_hold(&self, len: usize, first: u8, last: u8) -> bool {
        let bit = class(len, first, last);
        self.classes[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Whether the lowercase word `lower` is in the set.
    #[inline]
    pub fn contains(&self, lower: &str) -> bool {
        let bytes = lower.as_bytes();
        if bytes.len() > 15 {
            return self.long.iter().any(|w| w == lower);
        }
        if bytes.is_empty() || !self.may_hold(bytes.len(), bytes[0], bytes[bytes.len() - 1]) {
            return false;
        }
        packed_word(lower).is_some_and(|key| self.keys.binary_search(&key).is_ok())
    }

    /// `self.contains(&word.to_lowercase())`, without a copy for ASCII words.
    #[inline]
    pub fn contains_lowercased(&self, word: &str) -> bool {
        if !word.is_ascii() {
            return self.contains(&word.to_lowercase());
        }
        let bytes = word.as_bytes();
        if bytes.len() > 15 {
            return self.long.iter().any(|w| w.eq_ignore_ascii_case(word));
        }
        if bytes.is_empty() {
            return false;
        }
        let (first, last) = (bytes[0].to_ascii_lowercase(), bytes[bytes.len() - 1].to_ascii_lowercase());
        if !self.may_hold(bytes.len(), first, last) {
            return false;
        }
        let mut buf = [0u8; 15];
        for (b, c) in buf.iter_mut().zip(bytes) {
            *b = c.to_ascii_lowercase();
        }
        // ASCII lowercased is ASCII, so valid UTF-8.
        std::str::from_utf8(&buf[..bytes.len()]).is_ok_and(|lower| self.contains(lower))
    }
}

/// The bit of a word's class in [`WordSet`].
#[inline]
fn class(len: usize, first: u8, last: u8) -> usize {
    let key = (len as u32) << 16 | (first as u32) << 8 | last as u32;
    (key.wrapping_mul(0x9E37_79B1) >> 22) as usize
}

/// The words lowercased, as `str::to_lowercase` does, with the periods
/// dropped when `drop_periods`: all written into `buffer` (cleared first)
/// rather than one string each.
pub fn lowercase_words<'b>(tokens: &[Token<'_>], drop_periods: bool, buffer: &'b mut String) -> Vec<&'b str> {
    buffer.clear();
    let mut ends = Vec::with_capacity(tokens.len());
    for t in tokens {
        if t.text.is_ascii() {
            let kept = t.text.bytes().filter(|&b| !(drop_periods && b == b'.'));
            buffer.extend(kept.map(|b| b.to_ascii_lowercase() as char));
        } else if drop_periods {
            buffer.push_str(&t.text.to_lowercase().replace('.', ""));
        } else {
            buffer.push_str(&t.text.to_lowercase());
        }
        ends.push(buffer.len());
    }
    let buffer: &'b String = buffer;
    let mut start = 0;
    ends.into_iter()
        .map(|end| {
            let word = &buffer[start..end];
            start = end;
            word
        })
        .collect()
}

/// A word of at most 15 bytes as one integer (its bytes and its length);
/// `None` for longer words, which are no stopwords.
#[inline]
fn packed_word(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..bytes.len()].copy_from_slice(bytes);
    buf[15] = bytes.len() as u8;
    Some(u128::from_le_bytes(buf))
}

/// Splits text into words: runs of letters and digits, keeping inner
/// apostrophes, hyphens, periods and digit separators ("don't", "30-day",
/// "U.S", "1,000", "2.5", "2½").
pub fn words(text: &str) -> Vec<Token<'_>> {
    // Room for words of four letters on average, so that a sentence of
    // short words is not copied as it grows.
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    for_each_word(text, |token| out.push(token));
    out
}

/// Calls `visit` with each word of the text, as [`words`] finds them, without
/// collecting them.
#[inline]
pub fn for_each_word<'t>(text: &'t str, mut visit: impl FnMut(Token<'t>)) {
    let _ = try_for_each_word(text, |token| -> ControlFlow<()> {
        visit(token);
        ControlFlow::Continue(())
    });
}

/// [`for_each_word`] until `visit` breaks, for a reader that can stop at the
/// first word that settles its question.
#[inline]
pub fn try_for_each_word<'t, B>(text: &'t str, mut visit: impl FnMut(Token<'t>) -> ControlFlow<B>) -> ControlFlow<B> {
    // Every stage that reads text splits it into words, so the splitter
    // works on 64 bytes at a time: a bit per byte for each class, a word's
    // bytes as one mask of them, and its ends found by counting zeros,
    // rather than a branch per byte that mispredicts at every word's end.
    // A byte belongs to a word when it is a letter or digit, or inner
    // punctuation with one on each side (a digit on each side for "," and
    // "/"); a word is a maximal run of such bytes.
    let n = text.len();
    let mut base = 0;
    let (mut block, mut spill) = Block::at(text, 0, 0);
    // The last byte of the block before: a letter or digit, a digit, in a word.
    let (mut alnum_before, mut digit_before, mut word_before) = (0u64, 0u64, 0u64);
    let mut start = 0;
    while base < n {
        let (next, next_spill) = if base + 64 < n { Block::at(text, base + 64, spill) } else { (Block::default(), 0) };
        let alnum_left = block.alnum << 1 | alnum_before;
        let alnum_right = block.alnum >> 1 | next.alnum << 63;
        let digit_left = block.digit << 1 | digit_before;
        let digit_right = block.digit >> 1 | next.digit << 63;
        let word = block.alnum | block.joiner & alnum_left & alnum_right | block.separator & digit_left & digit_right;
        let mut edges = word ^ (word << 1 | word_before);
        while edges != 0 {
            let bit = edges.trailing_zeros();
            if word >> bit & 1 == 1 {
                start = base + bit as usize;
            } else {
                let end = base + bit as usize;
                visit(Token { text: &text[start..end], start })?;
            }
            edges &= edges - 1;
        }
        alnum_before = block.alnum >> 63;
        digit_before = block.digit >> 63;
        word_before = word >> 63;
        (block, spill) = (next, next_spill);
        base += 64;
    }
    // Bytes past the end belong to no word, so only a word running to the
    // end of a text of whole blocks is still open.
    if word_before == 1 {
        visit(Token { text: &text[start..], start })?;
    }
    ControlFlow::Continue(())
}

/// The classes of the bytes of 64 bytes of a text, bit `i` for byte
/// `base + i`; bytes past the end of the text are in no class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Block {
    /// Letters and digits: ASCII ones, and every byte of a non-ASCII
    /// character that is alphanumeric ("é", "½").
    alnum: u64,
    /// ASCII digits.
    digit: u64,
    /// Apostrophes, hyphens and periods, inner punctuation between two
    /// letters or digits ("don't", "30-day", "U.S").
    joiner: u64,
    /// Commas and slashes, inner punctuation between two digits ("1,000",
    /// "21/2").
    separator: u64,
}

impl Block {
    /// The block of `text` at `base`, and the bits of the next block taken
    /// by an alphanumeric character that starts in this one; `spill` is that
    /// of the block before.
    #[inline]
    fn at(text: &str, base: usize, spill: u64) -> (Block, u64) {
        let bytes = &text.as_bytes()[base..];
        let mut padded = [0u8; 64];
        let chunk: &[u8; 64] = match bytes.first_chunk::<64>() {
            Some(chunk) => chunk,
            None => {
                padded[..bytes.len()].copy_from_slice(bytes);
                &padded
            }
        };
        let (mut block, mut non_ascii) = classes(chunk);
        block.alnum |= spill;
        let mut spill = 0;
        while non_ascii != 0 {
            let bit = non_ascii.trailing_zeros();
            non_ascii &= non_ascii - 1;
            // Continuation bytes take the class of the character they end.
            if chunk[bit as usize] < 0xC0 {
                continue;
            }
            let c = text[base + bit as usize..].chars().next();
            if let Some(c) = c.filter(|c| c.is_alphanumeric()) {
                let bits = ((1u128 << c.len_utf8()) - 1) << bit;
                block.alnum |= bits as u64;
                spill = (bits >> 64) as u64;
            }
        }
        (block, spill)
    }
}

/// The ASCII classes of 64 bytes, and which bytes are not ASCII.
#[cfg(target_arch = "x86_64")]
#[inline]
fn classes(chunk: &[u8; 64]) -> (Block, u64) {
    use std::arch::x86_64::*;
    let mut block = Block::default();
    let mut non_ascii = 0;
    for (i, sixteen) in chunk.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of every x86_64 processor, and the load reads
        // the 16 bytes of `sixteen`.
        unsafe {
            let v = _mm_loadu_si128(sixteen.as_ptr().cast());
            let byte = |b: u8| _mm_set1_epi8(b as i8);
            // Signed comparisons: a non-ASCII byte is negative, so in no range.
            let within =
                |v, lo: u8, hi: u8| _mm_and_si128(_mm_cmpgt_epi8(v, byte(lo - 1)), _mm_cmplt_epi8(v, byte(hi + 1)));
            let digit = within(v, b'0', b'9');
            let letter = within(_mm_or_si128(v, byte(0x20)), b'a', b'z');
            let is = |b: u8| _mm_cmpeq_epi8(v, byte(b));
            let joiner = _mm_or_si128(_mm_or_si128(is(b'\''), is(b'-')), is(b'.'));
            let separator = _mm_or_si128(is(b','), is(b'/'));
            let bits = |m| u64::from(_mm_movemask_epi8(m) as u16) << (16 * i);
            block.alnum |= bits(_mm_or_si128(digit, letter));
            block.digit |= bits(digit);
            block.joiner |= bits(joiner);
            block.separator |= bits(separator);
            non_ascii |= bits(v);
        }
    }
    (block, non_ascii)
}

/// The ASCII classes of 64 bytes, and which bytes are not ASCII.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn classes(chunk: &[u8; 64]) -> (Block, u64) {
    scalar_classes(chunk)
}

/// [`classes`] a byte at a time: the definition the vector version must
/// agree with, and the version where there is none.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn scalar_classes(chunk: &[u8; 64]) -> (Block, u64) {
    let mut block = Block::default();
    let mut non_ascii = 0;
    for (i, &b) in chunk.iter().enumerate() {
        let bit = 1u64 << i;
        if b.is_ascii_alphanumeric() {
            block.alnum |= bit;
        }
        if b.is_ascii_digit() {
            block.digit |= bit;
        }
        if matches!(b, b'\'' | b'-' | b'.') {
            block.joiner |= bit;
        }
        if matches!(b, b',' | b'/') {
            block.separator |= bit;
        }
        if !b.is_ascii() {
            non_ascii |= bit;
        }
    }
    (block, non_ascii)
}

/// `word.to_lowercase()`, without a copy when it changes nothing.
pub fn lowercase(word: &str) -> Cow<'_, str> {
    if word.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// Turns words into content terms: stemmed, stopwords removed, hashed.
pub struct Terms {
    stemmer: Stemmer,
}

impl Default for Terms {
    fn default() -> Self {
        Terms { stemmer: Stemmer::create(Algorithm::English) }
    }
}

impl Terms {
    /// The content terms of one word (none for a stopword; several for a
    /// hyphenated word mixing digits and letters).
    pub fn of_word(&self, word: &str, out: &mut Vec<u64>) {
        // Most words are lowercase ASCII already: no copy for them.
        let lower = lowercase(word);
        let lower = lower.strip_suffix("'s").unwrap_or(&lower);
        if lower.contains('-') {
            let parts: Vec<&str> = lower.split('-').filter(|p| !p.is_empty()).collect();
            if parts.iter().all(|p| p.chars().all(char::is_alphabetic)) {
                self.push(&parts.concat(), word, out);
            } else {
                for part in parts {
                    self.push(part, part, out);
                }
            }
            return;
        }
        self.push(lower, word, out);
    }

    fn push(&self, lower: &str, original: &str, out: &mut Vec<u64>) {
        let cleaned: Cow<'_, str> = if lower.contains(['.', '\'', ',']) {
            Cow::Owned(lower.chars().filter(|&c| c != '.' && c != '\'' && c != ',').collect())
        } else {
            Cow::Borrowed(lower)
        };
        // "U.S." and "US" name a country; lowercase "us" is a pronoun.
        let cleaned = if cleaned == "us" && original != "us" { Cow::Borrowed("u.s") } else { cleaned };
        if cleaned.is_empty() || is_stopword(&cleaned) {
            return;
        }
        if cleaned.bytes().any(|b| b.is_ascii_digit()) {
            out.push(term_hash(&cleaned));
        } else {
            out.push(self.stem_hash(&cleaned));
        }
    }

    /// The term hash of the stem of `word` (lowercase, not empty). Stemming
    /// is most of the text stage's cost and news repeats its words, so each
    /// thread keeps the stems of the words it met last in a direct-mapped
    /// cache: a slot per word hash, holding one word and its term.
    fn stem_hash(&self, word: &str) -> u64 {
        const SLOTS: usize = 1 << 14;
        const LONGEST: usize = 32;
        thread_local! {
            static STEMS: std::cell::RefCell<Vec<(String, u64)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        if word.is_empty() || word.len() > LONGEST {
            return term_hash(&self.stemmer.stem(word));
        }
        let slot = xxh3_64(word.as_bytes()) as usize & (SLOTS - 1);
        STEMS.with(|stems| {
            let mut stems = stems.borrow_mut();
            if stems.is_empty() {
                stems.resize_with(SLOTS, || (String::with_capacity(LONGEST), 0));
            }
            let (cached, term) = &mut stems[slot];
            // An empty slot holds "", which no word looked up here is.
            if cached != word {
                *term = term_hash(&self.stemmer.stem(word));
                cached.clear();
                cached.push_str(word);
            }
            *term
        })
    }

    /// What [`Terms::of_word`] makes of `word`, with the word's own flags,
    /// through this thread's cache of the words it met. News repeats its
    /// words: most words of a corpus have been met before, and then the
    /// lowercasing, cleaning, stopword test, stemming and hashing are one
    /// look at a slot. The cache is direct-mapped, [`CACHED_WORDS`] slots
    /// of 24 bytes chosen by the word's 128-bit hash, whose other half is
    /// kept to recognize the word (a collision among a corpus's words is
    /// as likely as none at all): small enough to stay in the processor's
    /// caches, where a hash map of every word met had a memory access per
    /// word on a large corpus.
    fn cached(&self, word: &str) -> Word {
        thread_local! {
            static WORDS: std::cell::RefCell<Vec<Slot>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let hash = xxh3_128(word.as_bytes());
        let (index, check) = (hash as usize & (CACHED_WORDS - 1), (hash >> 64) as u64);
        WORDS.with(|words| {
            let mut words = words.borrow_mut();
            if words.is_empty() {
                words.resize(CACHED_WORDS, Slot::default());
            }
            let slot = words[index];
            if slot.flags & Slot::FILLED != 0 && slot.check == check {
                return slot.word();
            }
            let made = self.word(word);
            if let Some(slot) = Slot::of(check, &made) {
                words[index] = slot;
            }
            made
        })
    }

    /// [`Terms::of_word`] of `word`, with its flags.
    fn word(&self, word: &str) -> Word {
        let mut terms = Vec::new();
        self.of_word(word, &mut terms);
        let terms = if terms.len() <= FEW {
            let mut few = [0; FEW];
            few[..terms.len()].copy_from_slice(&terms);
            WordTerms::Few(terms.len() as u8, few)
        } else {
            WordTerms::Many(terms)
        };
        Word {
            terms,
            capitalized: word.chars().next().is_some_and(char::is_uppercase),
            number: word.bytes().any(|b| b.is_ascii_digit()),
            reports: super::quotes::reporting_verbs().contains_lowercased(word),
        }
    }

    /// The content terms of a sentence; `quoted` are the byte ranges of
    /// its quotations.
    pub fn of_text(&self, text: &str, quoted: &[(usize, usize)]) -> SentenceTerms {
        let mut terms = SentenceTerms::default();
        self.append_text(text, quoted, &mut terms);
        terms
    }

    /// Appends [`Terms::of_text`] of a sentence to `out`: a document's
    /// sentences go one after another into one pair of vectors, without a
    /// pair of their own on the way. Returns whether any of its words is a
    /// reporting verb, without which [`crate::text::quotes::attribution`]
    /// finds no source: the words are in hand here, and most sentences cite
    /// no one.
    pub fn append_text(&self, text: &str, quoted: &[(usize, usize)], out: &mut SentenceTerms) -> bool {
        thread_local! {
            static FOUND: std::cell::RefCell<Vec<(u64, u8)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        FOUND.with_borrow_mut(|found| {
            found.clear();
            let mut k = 0;
            let mut reports = false;
            for_each_word(text, |token| {
                let word = self.cached(token.text);
                reports |= word.reports;
                let mut role = 0;
                if !quoted.iter().any(|&(s, e)| token.start >= s && token.start < e) {
                    role |= NARRATION;
                    let name = k > 0 && word.capitalized;
                    if !name && !word.number {
                        role |= WORDING;
                    }
                }
                k += 1;
                match &word.terms {
                    WordTerms::Few(n, terms) => found.extend(terms[..*n as usize].iter().map(|&t| (t, role))),
                    WordTerms::Many(terms) => found.extend(terms.iter().map(|&t| (t, role))),
                }
            });
            if text.contains('%') {
                found.push((term_hash("percent"), 0));
            }
            // One entry per term, with the roles of all its occurrences.
            found.sort_unstable();
            let first = out.terms.len();
            for &(term, role) in found.iter() {
                if out.terms.len() > first && out.terms.last() == Some(&term) {
                    if let Some(last) = out.roles.last_mut() {
                        *last |= role;
                    }
                } else {
                    out.terms.push(term);
                    out.roles.push(role);
                }
            }
            reports
        })
    }
}

/// Slots of a thread's cache of [`Terms::cached`]: 1.5 MB.
const CACHED_WORDS: usize = 1 << 16;

/// Terms of one word held inline: nearly every word makes none or one.
const FEW: usize = 2;

/// A word as [`Terms::of_text`] needs it.
struct Word {
    terms: WordTerms,
    /// Starts with an uppercase letter ([`Token::is_capitalized`]).
    capitalized: bool,
    /// Holds a digit.
    number: bool,
    /// Is a reporting verb ("said", "told"): a sentence with none cites no
    /// one ([`crate::text::quotes::attribution`]).
    reports: bool,
}

/// The content terms of one word.
enum WordTerms {
    Few(u8, [u64; FEW]),
    Many(Vec<u64>),
}

/// A slot of the word cache: a word of no term or one.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The half of the word's hash that did not choose the slot.
    check: u64,
    term: u64,
    flags: u8,
}

impl Slot {
    const FILLED: u8 = 1;
    const TERM: u8 = 2;
    const CAPITALIZED: u8 = 4;
    const NUMBER: u8 = 8;
    const REPORTS: u8 = 16;

    /// The slot holding `word`, when it has at most one term.
    fn of(check: u64, word: &Word) -> Option<Slot> {
        let (term, has) = match word.terms {
            WordTerms::Few(0, _) => (0, 0),
            WordTerms::Few(1, [term, _]) => (term, Slot::TERM),
            _ => return None,
        };
        let flags = Slot::FILLED
            | has
            | if word.capitalized { Slot::CAPITALIZED } else { 0 }
            | if word.number { Slot::NUMBER } else { 0 }
            | if word.reports { Slot::REPORTS } else { 0 };
        Some(Slot { check, term, flags })
    }

    fn word(self) -> Word {
        let n = u8::from(self.flags & Slot::TERM != 0);
        Word {
            terms: WordTerms::Few(n, [self.term, 0]),
            capitalized: self.flags & Slot::CAPITALIZED != 0,
            number: self.flags & Slot::NUMBER != 0,
            reports: self.flags & Slot::REPORTS != 0,
        }
    }
}

/// Role bit of a term said outside quotation marks.
pub const NARRATION: u8 = 1;
/// Role bit of a narration term that is neither a name nor a number.
pub const WORDING: u8 = 2;

/// A sentence's content terms, sorted and distinct, each with its roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentenceTerms {
    /// Every content term.
    pub terms: Vec<u64>,
    /// For each term, [`NARRATION`] when it occurs outside quotation marks
    /// (the reporter's narration) and [`WORDING`] when it is narration and
    /// neither a name (capitalized inside the sentence) nor a number.
    /// Independent reports share names and numbers because they report the
    /// same facts; a copy shares wording.
    pub roles: Vec<u8>,
}

impl SentenceTerms {
    /// Whether `term` is present with all the given role bits.
    pub fn has(&self, term: u64, role: u8) -> bool {
        self.terms.binary_search(&term).is_ok_and(|i| self.roles[i] & role == role)
    }
}

/// The hash of a term; stable across runs and platforms, so sketches and
/// postings can be stored and compared later.
pub fn term_hash(stem: &str) -> u64 {
    xxh3_64(stem.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        words(s).iter().map(|t| t.text).collect()
    }

    #[test]
    fn word_sets_hold_exactly_their_words() {
        let set = WordSet::new(&["said", "told", "according", "acknowledged"]);
        for word in ["said", "told", "according", "acknowledged"] {
            assert!(set.contains(word), "{word}");
            assert!(set.contains_lowercased(&word.to_uppercase()), "{word}");
        }
        for word in ["", "sai", "saids", "dias", "tol", "acknowledges", "s", "Said", "an-extremely-long-word-indeed"] {
            assert!(!set.contains(word), "{word}");
        }
        // Lowercasing a non-ASCII word can make an ASCII one: the Kelvin sign.
        assert!(WordSet::new(&["kg"]).contains_lowercased("\u{212A}g"));
        assert!(!set.contains_lowercased("Säid"));
        // Words too long to pack are held all the same.
        let long = WordSet::new(&["mayor", "chancellor-elect"]);
        assert!(long.contains("chancellor-elect") && long.contains_lowercased("Chancellor-Elect"));
        assert!(!long.contains("chancellor-elects") && !long.contains_lowercased("chancellor-electX"));
        for stop in STOPWORDS {
            assert!(is_stopword(stop) && is_stopword_lowercased(&stop.to_uppercase()), "{stop}");
        }
    }

    /// `append_text` says a sentence has a reporting verb exactly when one
    /// of its words is one, in any case, whether the word comes from the
    /// cache or not.
    #[test]
    fn a_sentence_reports_when_a_word_is_a_reporting_verb() {
        let terms = Terms::default();
        let verbs = super::super::quotes::reporting_verbs();
        let pool =
            ["said", "SAID", "Said,", "told", "saying", "says-", "the", "Mayor", "vote", "according", "3", "it's"];
        let mut state = 5u64;
        let (mut reporting, mut silent) = (0, 0);
        for _ in 0..3000 {
            let mut sentence = String::new();
            for _ in 0..1 + state % 6 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                sentence.push_str(pool[(state >> 33) as usize % pool.len()]);
                sentence.push(' ');
            }
            let expected = words(&sentence).iter().any(|t| verbs.contains_lowercased(t.text));
            let said = terms.append_text(&sentence, &[], &mut SentenceTerms::default());
            assert_eq!(said, expected, "{sentence:?}");
            if expected {
                reporting += 1;
            } else {
                silent += 1;
            }
        }
        assert!(reporting > 100 && silent > 100, "{reporting} reporting, {silent} not");
    }

    #[test]
    fn cached_terms_are_the_terms_of_each_word() {
        let terms = Terms::default();
        let sentence =
            "Us and US: the U.S. cease-fire of 30-day talks, us too, said Mr. O'Neill's aides on 3-4-5-6 grounds";
        let by_word = |text: &str| {
            let mut all = Vec::new();
            for token in words(text) {
                terms.of_word(token.text, &mut all);
            }
            all.sort_unstable();
            all.dedup();
            all
        };
        // Twice: the second time every word comes from the cache.
        for _ in 0..2 {
            assert_eq!(terms.of_text(sentence, &[]).terms, by_word(sentence));
        }
        let once = terms.of_text("US troops", &[]).terms;
        assert_eq!(once, terms.of_text("US troops", &[]).terms);
        assert_ne!(once, terms.of_text("us troops", &[]).terms, "\"us\" is a pronoun, \"US\" a country");
    }

    /// The splitter as it was written before it worked on blocks, a byte
    /// at a time: the definition of a word the block splitter must keep.
    fn words_a_byte_at_a_time(text: &str) -> Vec<Token<'_>> {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let alnum_at = |i: usize| -> (bool, usize) {
            if bytes[i].is_ascii() {
                (bytes[i].is_ascii_alphanumeric(), 1)
            } else {
                text[i..].chars().next().map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
            }
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let (alnum, len) = alnum_at(i);
            if !alnum {
                i += len;
                continue;
            }
            let start = i;
            let mut end = i + len;
            while end < n {
                let (alnum, len) = alnum_at(end);
                if alnum {
                    end += len;
                    continue;
                }
                let b = bytes[end];
                let joins = end + 1 < n
                    && match b {
                        b',' | b'/' => bytes[end - 1].is_ascii_digit() && bytes[end + 1].is_ascii_digit(),
                        b'\'' | b'-' | b'.' => alnum_at(end + 1).0,
                        _ => false,
                    };
                if !joins {
                    break;
                }
                end += 1;
            }
            out.push(Token { text: &text[start..end], start });
            i = end;
        }
        out
    }

    #[test]
    fn words_across_block_edges_are_whole() {
        // Words, inner punctuation and multi-byte letters on each side of a
        // 64-byte edge, and words that run to the end of a text of whole
        // blocks.
        for pad in 55..70 {
            for tail in ["Zelenskyy-Trump", "1,000", "U.S.", "ééé", "½é", "a’b", "x y", "2/3", "’", "e-", "9,"]
            {
                let text = format!("{}{tail} end", "a".repeat(pad));
                assert_eq!(words(&text), words_a_byte_at_a_time(&text), "{text:?}");
                let text = format!("{}{tail}", "a ".repeat(pad));
                assert_eq!(words(&text), words_a_byte_at_a_time(&text), "{text:?}");
                let text = format!("{} {tail}", "b".repeat(pad));
                assert_eq!(words(&text), words_a_byte_at_a_time(&text), "{text:?}");
            }
        }
        let whole = "word ".repeat(25) + "last";
        assert_eq!(whole.len(), 129);
        assert_eq!(words(&whole[..128]).last().map(|t| t.text), Some("las"));
        assert_eq!(words(&"x".repeat(128)).len(), 1);
        assert!(words("").is_empty() && words("— … “”").is_empty());
    }

    #[test]
    fn the_vector_classes_are_the_bytewise_ones() {
        for first in 0..4u8 {
            let chunk: [u8; 64] = std::array::from_fn(|i| first.wrapping_mul(64).wrapping_add(i as u8));
            assert_eq!(classes(&chunk), scalar_classes(&chunk), "bytes from {}", first * 64);
        }
    }

    proptest::proptest! {
        #[test]
        fn words_are_the_bytewise_words(text in "([a-zA-Z0-9éÉ½’“—…'.,/ -]{0,12}\\PC?){0,40}") {
            proptest::prop_assert_eq!(words(&text), words_a_byte_at_a_time(&text));
        }
    }

    #[test]
    fn words_handle_non_ascii_letters_and_marks() {
        assert_eq!(
            texts("Zelenskyy’s café — naïve “quotes” 2½-hour"),
            ["Zelenskyy", "s", "café", "naïve", "quotes", "2½-hour"]
        );
        assert_eq!(texts("end. -x a-"), ["end", "x", "a"]);
    }

    #[test]
    fn words_lowercased_in_one_buffer() {
        let text = "U.S. Sgt. ÉMILE said, ΟΔΟΣ 2½";
        let tokens = words(text);
        let mut buffer = String::new();
        let lower = lowercase_words(&tokens, false, &mut buffer);
        assert_eq!(lower, tokens.iter().map(|t| t.text.to_lowercase()).collect::<Vec<_>>());
        let lower = lowercase_words(&tokens, true, &mut buffer);
        assert_eq!(lower, tokens.iter().map(|t| t.text.to_lowercase().replace('.', "")).collect::<Vec<_>>());
    }

    #[test]
    fn stopwords_are_exactly_the_list() {
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
        for w in ["The", "THEMSELVES", "According", "Straße", "K", "café", "Whereabouts", "ab"] {
            assert_eq!(is_stopword_lowercased(w), is_stopword(&w.to_lowercase()), "{w}");
        }
        for w in ["", "The", "thee", "th", "a\0", "themselvess", "according2", "ab", "café", "whereabouts"] {
            assert!(!is_stopword(w), "{w}");
        }
    }

    #[test]
    fn words_keep_inner_punctuation() {
        assert_eq!(
            texts("U.S. aid, 1,000 troops (2.5%) didn't stop 30-day cease-fire."),
            ["U.S", "aid", "1,000", "troops", "2.5", "didn't", "stop", "30-day", "cease-fire"]
        );
        assert_eq!(texts("a 21/2-hour call, 2½ hours"), ["a", "21/2-hour", "call", "2½", "hours"]);
    }

    #[test]
    fn terms_unify_spelling_variants() {
        let terms = Terms::default();
        let a = terms.of_text("The cease-fire covered 20% of U.S. attacks", &[]).terms;
        let b = terms.of_text("the ceasefire covers 20 percent of US attacking", &[]).terms;
        assert_eq!(a, b);
        let c = terms.of_text("let us go", &[]).terms;
        assert!(!c.contains(&term_hash("u.s")));
    }

    #[test]
    fn narration_excludes_quoted_words() {
        let terms = Terms::default();
        let text = "\"Peace is near,\" Trump wrote";
        let t = terms.of_text(text, &[(0, 16)]);
        assert!(t.has(term_hash("peac"), 0));
        assert!(!t.has(term_hash("peac"), NARRATION));
        assert!(t.has(term_hash("trump"), NARRATION));
        assert!(!t.has(term_hash("trump"), WORDING));
        assert!(t.has(term_hash("wrote"), WORDING));
    }
}
