//! Text analysis of one article: normalization, paragraphs, sentences, terms,
//! quotations with speakers, attributions, numbers, dates and titled names.
//!
//! A [`Doc`] is computed from its article alone (no corpus statistics), so it
//! can be stored and reused by an incremental index.

pub mod facts;
pub mod normalize;
pub mod quotes;
pub mod segment;
pub mod tokens;

use serde::{Deserialize, Serialize};

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
    /// Direct quotations in reading order.
    pub quotes: Vec<Quote>,
}

/// One sentence with what the later stages compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// Byte offset of the sentence in [`Doc::text`].
    pub start: usize,
    /// Byte offset just past the sentence.
    pub end: usize,
    /// 0-based paragraph index.
    pub paragraph: usize,
    /// Sorted, distinct content-term hashes of the whole sentence.
    pub terms: Vec<u64>,
    /// For each of `terms`, its roles: [`NARRATION`] when it is said outside
    /// quotation marks (shared quotations are not evidence of copying,
    /// shared narration is), [`WORDING`] when it is narration and neither a
    /// name nor a number. One byte a term rather than two more term lists:
    /// sentences are what a large corpus holds most of.
    pub roles: Vec<u8>,
    /// Who the sentence cites, pronouns resolved to the last named source.
    pub attribution: Option<Box<Attribution>>,
}

pub use tokens::{NARRATION, WORDING};

impl Sentence {
    /// The terms having all the given role bits.
    pub fn terms_with(&self, role: u8) -> impl Iterator<Item = u64> + '_ {
        self.terms.iter().zip(&self.roles).filter(move |(_, r)| **r & role == role).map(|(t, _)| *t)
    }

    /// The narration terms (see [`NARRATION`]).
    pub fn narration(&self) -> impl Iterator<Item = u64> + '_ {
        self.terms_with(NARRATION)
    }

    /// The wording terms (see [`WORDING`]).
    pub fn wording(&self) -> impl Iterator<Item = u64> + '_ {
        self.terms_with(WORDING)
    }
}

impl Doc {
    /// The text of sentence `i`.
    pub fn sentence_text(&self, i: usize) -> &str {
        let s = &self.sentences[i];
        &self.text[s.start..s.end]
    }

    /// Analyses an article.
    pub fn from_article(article: &Article, terms: &Terms) -> Doc {
        let text = normalize::normalize(&article.text);
        let spans = segment::sentences(&text);

        let mut quotes = Vec::new();
        let mut offset = 0;
        for line in text.split('\n') {
            quotes.extend(quotes::quotations(line, offset));
            offset += line.len() + 1;
        }

        let mut sentences = Vec::with_capacity(spans.len());
        let mut last_named: Option<Attribution> = None;
        for span in spans {
            let sentence = &text[span.start..span.end];
            let ranges: Vec<(usize, usize)> = quotes
                .iter()
                .filter(|q| q.start < span.end && q.end > span.start)
                .map(|q| (q.start.saturating_sub(span.start), (q.end - span.start).min(sentence.len())))
                .collect();
            let sentence_terms = terms.of_text(sentence, &ranges);
            let masked = quotes::mask(sentence, &ranges);
            let mut attribution = quotes::attribution(&masked);
            if let Some(a) = &mut attribution {
                if !a.named && quotes::is_pronoun(&a.source) {
                    if let Some(named) = &last_named {
                        *a = named.clone();
                    }
                }
                if a.named {
                    last_named = Some(a.clone());
                }
            }
            sentences.push(Sentence {
                start: span.start,
                end: span.end,
                paragraph: span.paragraph,
                terms: sentence_terms.terms,
                roles: sentence_terms.roles,
                attribution: attribution.map(Box::new),
            });
        }

        let mut previous: Option<(usize, String)> = None;
        for quote in &mut quotes {
            let closing = sentences.iter().find(|s| s.start < quote.end && s.end >= quote.end);
            let opening = sentences.iter().find(|s| s.start <= quote.start && s.end > quote.start);
            let paragraph = opening.map(|s| s.paragraph);
            quote.speaker = closing
                .and_then(|s| s.attribution.as_ref())
                .or_else(|| opening.and_then(|s| s.attribution.as_ref()))
                .map(|a| a.source.clone())
                // A quotation standing alone right after another in the same
                // paragraph continues that speaker's words.
                .or_else(|| previous.as_ref().filter(|(p, _)| Some(*p) == paragraph).map(|(_, s)| s.clone()));
            if let (Some(p), Some(s)) = (paragraph, &quote.speaker) {
                previous = Some((p, s.clone()));
            }
        }

        sentences.shrink_to_fit();
        quotes.shrink_to_fit();
        let mut text = text;
        text.shrink_to_fit();
        Doc {
            id: article.id.clone(),
            title: article.title.clone(),
            outlet: article.outlet.clone(),
            published: article.published.clone(),
            published_at: article.published.as_deref().and_then(parse_published),
            url: article.url.clone(),
            origin: article.origin.clone(),
            text,
            sentences,
            quotes,
        }
    }

    /// Indices of the sentences a quotation overlaps.
    pub fn quote_sentences(&self, quote: &Quote) -> std::ops::Range<usize> {
        let first = self.sentences.iter().position(|s| s.end > quote.start).unwrap_or(self.sentences.len());
        let last = self.sentences.iter().rposition(|s| s.start < quote.end).map_or(first, |i| i + 1);
        first..last.max(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text at all is analysed without panicking, and every offset
        /// points inside the text on character boundaries.
        #[test]
        fn any_text_is_analysed_safely(text in "(\\PC|[\"“”'’.!?…½—\n ]){0,300}") {
            let doc = Doc::from_article(&article(&text), &Terms::default());
            for (i, s) in doc.sentences.iter().enumerate() {
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
    fn quoted_words_are_not_narration() {
        let doc =
            Doc::from_article(&article("\"We remain silent. We will respond,\" Zelensky said."), &Terms::default());
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(doc.quote_sentences(&doc.quotes[0]), 0..2);
        assert_eq!(doc.sentences[0].narration().count(), 0);
        assert!(!doc.sentences[0].terms.is_empty());
        assert_eq!(doc.sentences[1].narration().collect::<Vec<_>>(), vec![tokens::term_hash("zelenski")]);
    }
}
