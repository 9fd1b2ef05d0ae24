//! Text analysis of one article: normalization, paragraphs, sentences, terms,
//! quotations with speakers, attributions, numbers, dates and titled names.
//!
//! A [`Doc`] is computed from its article alone (no corpus statistics), so it
//! can be stored and reused by an incremental index.

pub mod boilerplate;
pub mod facts;
pub mod normalize;
pub mod quotes;
pub mod segment;
pub mod spill;
pub mod tokens;

use serde::{Deserialize, Serialize};
use std::num::NonZeroU16;

use crate::ingest::{parse_published, Article};
use quotes::{Attribution, Quote};
use tokens::Terms;

/// An analysed article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Doc {
    /// Document id (JSONL `id` or file stem).
    pub id: String,
    /// Headline, when known (not part of the sentences).
    pub title: Option<String>,
    /// Publishing outlet, when known.
    pub outlet: Option<String>,
    /// Publication time as given.
    pub published: Option<String>,
    /// Publication time in seconds since the Unix epoch, when it parses.
    pub published_at: Option<i64>,
    /// Source URL, when known.
    pub url: Option<String>,
    /// Where the article was read from.
    pub origin: String,
    /// The normalized body text; sentence and quotation offsets point into it.
    pub text: String,
    /// Sentences in reading order.
    pub sentences: Vec<Sentence>,
    /// The content-term hashes of all sentences, sentence after sentence;
    /// [`Sentence::terms`] says which belong to which. One vector per
    /// document rather than one per sentence: sentences are what a large
    /// corpus holds most of, and two allocations each cost more than their
    /// terms.
    pub terms: Vec<u64>,
    /// For each of `terms`, its roles: [`NARRATION`] when it is said outside
    /// quotation marks (shared quotations are not evidence of copying,
    /// shared narration is), [`WORDING`] when it is narration and neither a
    /// name nor a number.
    pub roles: Vec<u8>,
    /// Direct quotations in reading order.
    pub quotes: Vec<Quote>,
    /// The sources the sentences cite, each once: the sentences citing one
    /// source point to one attribution ([`Sentence::cites`]). A document
    /// cites at most 65,535 sources; a sentence citing yet another cites
    /// none.
    pub attributions: Vec<Attribution>,
    /// For an article without a publication time, the day its own text
    /// dates it: a time stamp line near the top ("Published: July 29,
    /// 2004"), as days since the Unix epoch, with the date as written.
    #[serde(default)]
    pub dateline: Option<(i64, String)>,
}

/// The attribution a sentence's [`Sentence::cites`] names among a
/// document's attributions.
fn cited_as(attributions: &[Attribution], cites: NonZeroU16) -> &Attribution {
    &attributions[usize::from(cites.get()) - 1]
}

/// Sentences from the top of an article searched for a time stamp line.
const DATELINE_SENTENCES: usize = 6;

/// The first full date (year, month and day, the month in words: `11/04/05`
/// is read differently on each side of the Atlantic) on a frame line among
/// the first [`DATELINE_SENTENCES`] sentences.
fn dateline(text: &str, sentences: &[Sentence]) -> Option<(i64, String)> {
    sentences.iter().take(DATELINE_SENTENCES).filter(|s| s.frame).find_map(|s| {
        facts::quantities(&text[s.range()]).into_iter().find_map(|q| {
            let d = q.date?;
            let month_in_words = q.surface.chars().any(char::is_alphabetic);
            let (year, month, day) = (d.year?, d.month?, d.day?);
            month_in_words.then(|| (crate::ingest::days_from_civil(year.into(), month.into(), day.into()), q.surface))
        })
    })
}

/// One sentence with what the later stages compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Byte offset of the sentence in [`Doc::text`]. Offsets and the
    /// paragraph are 32-bit (sentences are most of what a large corpus
    /// holds); [`Doc::from_article`] reads at most 4 GiB of a text.
    pub start: u32,
    /// Byte offset just past the sentence.
    pub end: u32,
    /// 0-based paragraph index.
    pub paragraph: u32,
    /// Where the sentence's sorted, distinct content terms lie in
    /// [`Doc::terms`] (and their roles in [`Doc::roles`]).
    pub terms: std::ops::Range<u32>,
    /// Who the sentence cites, pronouns resolved to the last named source:
    /// one more than its index in [`Doc::attributions`] (read it with
    /// [`Doc::attribution`]). An index rather than a shared pointer: 2
    /// bytes rather than 8, and sentences are most of a large corpus.
    pub cites: Option<NonZeroU16>,
    /// A line that frames the article rather than tells it (URL, time
    /// stamp, byline, credit; see [`boilerplate`]): never narration, never
    /// aligned, never the site of a change.
    #[serde(default)]
    pub frame: bool,
}

pub use tokens::{NARRATION, WORDING};

impl Sentence {
    /// Where the sentence lies in [`Doc::text`], in bytes.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl Doc {
    /// The sorted, distinct content terms of sentence `i`.
    pub fn terms(&self, i: usize) -> &[u64] {
        let r = &self.sentences[i].terms;
        &self.terms[r.start as usize..r.end as usize]
    }

    /// The roles of the terms of sentence `i`, one per term of [`Doc::terms`].
    pub fn roles(&self, i: usize) -> &[u8] {
        let r = &self.sentences[i].terms;
        &self.roles[r.start as usize..r.end as usize]
    }

    /// The terms of sentence `i` having all the given role bits.
    pub fn terms_with(&self, i: usize, role: u8) -> impl Iterator<Item = u64> + '_ {
        self.terms(i).iter().zip(self.roles(i)).filter(move |(_, r)| **r & role == role).map(|(t, _)| *t)
    }

    /// The narration terms of sentence `i` (see [`NARRATION`]).
    pub fn narration(&self, i: usize) -> impl Iterator<Item = u64> + '_ {
        self.terms_with(i, NARRATION)
    }

    /// The wording terms of sentence `i` (see [`WORDING`]).
    pub fn wording(&self, i: usize) -> impl Iterator<Item = u64> + '_ {
        self.terms_with(i, WORDING)
    }

    /// Who sentence `i` cites (see [`Sentence::cites`]).
    pub fn attribution(&self, i: usize) -> Option<&Attribution> {
        self.sentences[i].cites.map(|c| cited_as(&self.attributions, c))
    }

    /// The text of sentence `i`.
    pub fn sentence_text(&self, i: usize) -> &str {
        &self.text[self.sentences[i].range()]
    }

    /// Analyses an article.
    ///
    /// Text past 4 GiB is not read (sentence offsets are 32-bit); the
    /// readers refuse far shorter documents (`max_document_bytes`).
    pub fn from_article(article: &Article, terms: &Terms) -> Doc {
        let mut text = normalize::normalize(&article.text);
        if text.len() > u32::MAX as usize {
            let mut cut = u32::MAX as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        let spans = segment::sentences(&text);

        let mut quotes = quotations(&text, &spans);

        let mut sentences = Vec::with_capacity(spans.len());
        // Sentences' terms one after another, sized for a typical sentence's
        // share of the text so that they seldom grow.
        let mut all = tokens::SentenceTerms {
            terms: Vec::with_capacity(text.len() / 10),
            roles: Vec::with_capacity(text.len() / 10),
        };
        let mut last_named: Option<NonZeroU16> = None;
        // Each source cited once a document: the sentences citing it hold
        // one attribution between them ("she said", "she added").
        let mut cited: Vec<Attribution> = Vec::new();
        for span in spans {
            let sentence = &text[span.start..span.end];
            let ranges: Vec<(usize, usize)> = quotes
                .iter()
                .filter(|q| q.start < span.end && q.end > span.start)
                .map(|q| (q.start.saturating_sub(span.start), (q.end - span.start).min(sentence.len())))
                .collect();
            // A frame line (URL, time stamp, byline) is no narration at all.
            let frame = boilerplate::is_frame(sentence);
            let whole = [(0, sentence.len())];
            let first = all.terms.len() as u32;
            let reports = terms.append_text(sentence, if frame { &whole } else { &ranges }, &mut all);
            // A frame line cites no one: "First Posted: 08/04/11" names no
            // source; nor does a sentence outside quotation marks with no
            // reporting verb (what `attribution` would look for first, in
            // the same words).
            let found = if frame || (ranges.is_empty() && !reports) {
                None
            } else {
                quotes::attribution(&quotes::mask(sentence, &ranges))
            };
            let cites = found.and_then(|a| match last_named {
                Some(named) if !a.named && quotes::is_pronoun(a.source()) => Some(named),
                _ => match cited.iter().position(|c| *c == a) {
                    Some(before) => NonZeroU16::new(before as u16 + 1),
                    None => {
                        let number = u16::try_from(cited.len() + 1).ok().and_then(NonZeroU16::new)?;
                        cited.push(a);
                        Some(number)
                    }
                },
            });
            if let Some(c) = cites.filter(|&c| cited_as(&cited, c).named) {
                last_named = Some(c);
            }
            sentences.push(Sentence {
                // Within u32: the text was cut to 4 GiB above.
                start: span.start as u32,
                end: span.end as u32,
                paragraph: span.paragraph as u32,
                terms: first..all.terms.len() as u32,
                cites,
                frame,
            });
        }

        let mut previous: Option<(u32, String)> = None;
        let mut previous_end: Option<usize> = None;
        for quote in &mut quotes {
            let closing =
                sentences.iter().map(|s| (s, s.range())).find(|(_, r)| r.start < quote.end && r.end >= quote.end);
            let opening =
                sentences.iter().map(|s| (s, s.range())).find(|(_, r)| r.start <= quote.start && r.end > quote.start);
            let (closing, opening) = (closing.map(|c| c.0), opening.map(|o| o.0));
            let paragraph = opening.map(|s| s.paragraph);
            // A second quotation in one sentence has its own speaker between
            // the two: 'the White House said "X," while the Kremlin said "Y"'.
            let between = previous_end
                .filter(|&end| opening.is_some_and(|s| s.range().start <= end) && end <= quote.start)
                .and_then(|end| quotes::attribution(&text[end..quote.start]))
                .filter(|a| a.named);
            previous_end = Some(quote.end);
            let of = |s: &Sentence| s.cites.map(|c| cited_as(&cited, c));
            quote.speaker = between
                .as_ref()
                .or_else(|| closing.and_then(of))
                .or_else(|| opening.and_then(of))
                .map(|a| a.source().to_string())
                // A quotation standing alone right after another in the same
                // paragraph continues that speaker's words.
                .or_else(|| previous.as_ref().filter(|(p, _)| Some(*p) == paragraph).map(|(_, s)| s.clone()));
            if let (Some(p), Some(s)) = (paragraph, &quote.speaker) {
                previous = Some((p, s.clone()));
            }
        }

        sentences.shrink_to_fit();
        quotes.shrink_to_fit();
        cited.shrink_to_fit();
        let tokens::SentenceTerms { terms: mut all_terms, roles: mut all_roles } = all;
        all_terms.shrink_to_fit();
        all_roles.shrink_to_fit();
        text.shrink_to_fit();
        let published_at = article.published.as_deref().and_then(parse_published);
        let dateline = if published_at.is_none() { dateline(&text, &sentences) } else { None };
        Doc {
            id: article.id.clone(),
            title: article.title.clone(),
            outlet: article.outlet.clone(),
            published: article.published.clone(),
            published_at,
            dateline,
            url: article.url.clone(),
            origin: article.origin.clone(),
            text,
            sentences,
            terms: all_terms,
            roles: all_roles,
            quotes,
            attributions: cited,
        }
    }

    /// Indices of the sentences a quotation overlaps.
    pub fn quote_sentences(&self, quote: &Quote) -> std::ops::Range<usize> {
        let first = self.sentences.iter().position(|s| s.range().end > quote.start).unwrap_or(self.sentences.len());
        let last = self.sentences.iter().rposition(|s| s.range().start < quote.end).map_or(first, |i| i + 1);
        first..last.max(first)
    }
}

/// Paragraphs without quotation marks that a quotation left open may run
/// on through before the paragraph that closes it. Text set one sentence
/// per line opens a quotation on one line and closes it a few lines on;
/// further than this, an unclosed quotation ends at its own paragraph.
const MAX_RUN_ON_PARAGRAPHS: usize = 3;

/// The quotations of a normalized text, paragraph by paragraph, with the
/// sentence spans bounding those left open (see [`quotes::quotations`]).
/// A quotation left open at a paragraph's end runs on into the next
/// paragraphs only when they hold no marks and the one after them starts
/// with a closing mark; AP style instead reopens the quotation on each
/// paragraph, and there it ends at the paragraph.
/// A byte range `(start, end)`.
type Range = (usize, usize);

fn quotations(text: &str, spans: &[segment::Span]) -> Vec<Quote> {
    let several = spans.last().is_some_and(|s| s.paragraph > 0);
    // Each line: its offset, its text, and the quotation spans found in it.
    let mut lines: Vec<(usize, &str, Vec<Range>)> = Vec::new();
    let (mut offset, mut next) = (0, 0);
    for line in text.split('\n') {
        let end = offset + line.len();
        let first = next;
        while next < spans.len() && spans[next].start < end {
            next += 1;
        }
        lines.push((offset, line, spans[first..next].iter().map(|s| (s.start - offset, s.end - offset)).collect()));
        offset = end + 1;
    }
    let mut quotes = Vec::new();
    let mut continued = false;
    let mut i = 0;
    while i < lines.len() {
        let (offset, line, sentences) = &lines[i];
        let (found, open_at_end) = quotes::scan(line, *offset, sentences, several, continued);
        quotes.extend(found);
        i += 1;
        continued = false;
        if open_at_end && several {
            let unmarked = lines[i..].iter().take_while(|l| quotes::first_mark_closes(l.1).is_none()).count();
            let closes = lines.get(i + unmarked).is_some_and(|l| quotes::first_mark_closes(l.1) == Some(true));
            let paragraphs = lines[i..i + unmarked].iter().filter(|l| !l.1.trim().is_empty()).count();
            if closes && paragraphs <= MAX_RUN_ON_PARAGRAPHS {
                for (offset, line, sentences) in &lines[i..i + unmarked] {
                    quotes.extend(quotes::scan(line, *offset, sentences, true, true).0);
                }
                i += unmarked;
                continued = true;
            }
        }
    }
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_quotation_set_one_sentence_per_line_runs_to_its_closing_mark() {
        for text in [
            "Payton added, \"He will not be put on IR.\nThe news is fairly good.\nIt is encouraging. \"\nBush was unavailable for comment.",
            "Payton added, \"He will not be put on IR.\n\nThe news is fairly good.\n\nIt is encouraging. \"\n\nBush was unavailable for comment.",
        ] {
            let doc = Doc::from_article(&Article::from_text("d", text), &Terms::default());
            let quoted: Vec<&str> = doc.quotes.iter().map(|q| q.text.as_str()).collect();
            assert_eq!(quoted, ["He will not be put on IR", "The news is fairly good", "It is encouraging"]);
        }
        // AP style reopens the quotation on each paragraph: it ends at each.
        let text =
            "Payton added, \"He will not be put on IR.\n\"The news is fairly good,\" he said.\nBush was unavailable.";
        let doc = Doc::from_article(&Article::from_text("d", text), &Terms::default());
        let quoted: Vec<&str> = doc.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(quoted, ["He will not be put on IR", "The news is fairly good"]);
        // With no closing mark to come, an open quotation ends at its paragraph.
        let text = "Payton added, \"He will not be put on IR.\nThe news is fairly good.\nBush was unavailable.";
        let doc = Doc::from_article(&Article::from_text("d", text), &Terms::default());
        assert_eq!(doc.quotes.len(), 1);
    }

    proptest! {
        /// Any text at all is analysed without panicking, and every offset
        /// points inside the text on character boundaries.
        #[test]
        fn any_text_is_analysed_safely(text in "(\\PC|[\"“”'’.!?…½—\n ]){0,300}") {
            let doc = Doc::from_article(&article(&text), &Terms::default());
            for (i, s) in doc.sentences.iter().enumerate() {
                let s = s.range();
                prop_assert!(s.start < s.end && s.end <= doc.text.len());
                prop_assert!(doc.text.is_char_boundary(s.start) && doc.text.is_char_boundary(s.end));
                prop_assert!(!doc.sentence_text(i).is_empty());
            }
            for q in &doc.quotes {
                prop_assert!(q.start < q.end && q.end <= doc.text.len());
                let range = doc.quote_sentences(q);
                prop_assert!(range.end <= doc.sentences.len());
            }
        }
    }

    /// A clean document: sentences of lowercase words, some with a quotation
    /// (one sentence or two long), in paragraphs of one to three sentences or
    /// with no paragraph breaks at all.
    fn clean_document() -> impl Strategy<Value = (Vec<String>, bool)> {
        let word = "[a-z]{3,8}";
        let plain = proptest::collection::vec(word, 3..8).prop_map(|w| format!("Alpha {}.", w.join(" ")));
        let quoted = (proptest::collection::vec(word, 2..5), proptest::collection::vec(word, 2..5))
            .prop_map(|(n, q)| format!("Beta {} said \"{}.\"", n.join(" "), q.join(" ")));
        let two = (proptest::collection::vec(word, 2..5), proptest::collection::vec(word, 2..5))
            .prop_map(|(q, r)| format!("\"Gamma {}. Delta {},\" he said.", q.join(" "), r.join(" ")));
        (proptest::collection::vec(prop_oneof![3 => plain, 1 => quoted, 1 => two], 2..12), any::<bool>())
    }

    fn joined(sentences: &[String], paragraphs: bool) -> String {
        if paragraphs {
            sentences.chunks(2).map(|c| c.join(" ")).collect::<Vec<_>>().join("\n\n")
        } else {
            sentences.join(" ")
        }
    }

    proptest! {
        /// One unpaired quotation mark, put anywhere between words (opening a
        /// word, closing one, or standing alone), changes the narration of
        /// no sentence outside the sentence it lands in, or its paragraph
        /// when the text has paragraph breaks.
        #[test]
        fn a_stray_mark_changes_narration_only_where_it_lands(
            (sentences, paragraphs) in clean_document(),
            at in any::<proptest::sample::Index>(),
            style in 0..3usize,
        ) {
            let text = joined(&sentences, paragraphs);
            let spaces: Vec<usize> = text.match_indices(' ').map(|(i, _)| i).collect();
            let space = spaces[at.index(spaces.len())];
            let mark = ["\"", "\" ", " \""][style];
            let (at_byte, stray) = match style {
                0 => (space + 1, format!("{}\"{}", &text[..space + 1], &text[space + 1..])),
                1 => (space, format!("{}{}{}", &text[..space], mark, &text[space + 1..])),
                _ => (space + 1, format!("{}{} {}", &text[..space], mark, &text[space + 1..])),
            };
            let terms = Terms::default();
            let clean = Doc::from_article(&Article::from_text("c", &text), &terms);
            let dirty = Doc::from_article(&Article::from_text("d", &stray), &terms);
            prop_assert_eq!(clean.sentences.len(), dirty.sentences.len());
            let landed = dirty.sentences.iter().position(|s| s.range().end > at_byte).unwrap_or(0);
            for i in 0..clean.sentences.len() {
                let local = if paragraphs {
                    clean.sentences[i].paragraph == clean.sentences[landed].paragraph
                } else {
                    i == landed
                };
                if !local {
                    let (a, b): (Vec<u64>, Vec<u64>) = (clean.narration(i).collect(), dirty.narration(i).collect());
                    prop_assert_eq!(a, b, "sentence {} changed; mark at {} in {:?}", i, at_byte, stray);
                }
            }
        }
    }

    fn article(text: &str) -> Article {
        Article { published: Some("2025-03-18".into()), ..Article::from_text("t", text) }
    }

    #[test]
    fn pronoun_speakers_resolve_to_the_last_named_source() {
        let doc = Doc::from_article(
            &article(
                "In a post, Trump said he and Putin agreed.\n\n\u{201C}Many elements were discussed, including peace,\u{201D} he wrote.",
            ),
            &Terms::default(),
        );
        assert_eq!(doc.quotes.len(), 1);
        assert_eq!(doc.quotes[0].speaker.as_deref(), Some("Trump"));
        assert_eq!(doc.quote_sentences(&doc.quotes[0]), 1..2);
        assert!(doc.published_at.is_some());
    }

    #[test]
    fn sentences_citing_one_source_share_its_attribution() {
        let doc = Doc::from_article(
            &article(
                "Senator Ruiz said the bill would pass. She said the vote was set. \
                 Officials said talks went on. Officials said talks went on late. \
                 Senator Ruiz said she was hopeful.",
            ),
            &Terms::default(),
        );
        let cites: Vec<NonZeroU16> = doc.sentences.iter().filter_map(|s| s.cites).collect();
        assert_eq!(cites.len(), 5, "{:?}", doc.sentences);
        assert_eq!(doc.attributions.len(), 2);
        // The pronoun is the senator, held once; the repeated unnamed source
        // too; and the senator cited again after another source.
        assert!(cites[0] == cites[1] && doc.attribution(1).unwrap().source() == "Senator Ruiz");
        assert!(cites[2] == cites[3] && !doc.attribution(2).unwrap().named);
        assert_ne!(cites[1], cites[2]);
        assert_eq!(cites[0], cites[4]);
    }

    #[test]
    fn quoted_words_are_not_narration() {
        let doc =
            Doc::from_article(&article("\"We remain silent. We will respond,\" Zelensky said."), &Terms::default());
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(doc.quote_sentences(&doc.quotes[0]), 0..2);
        assert_eq!(doc.narration(0).count(), 0);
        assert!(!doc.terms(0).is_empty());
        assert_eq!(doc.narration(1).collect::<Vec<_>>(), vec![tokens::term_hash("zelenski")]);
    }
}
