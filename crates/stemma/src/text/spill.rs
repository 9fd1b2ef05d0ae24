//! Texts and terms kept out of memory while a large batch is analysed.
//!
//! An analysed news article's text and terms are most of what its [`Doc`]
//! holds (on the generated corpus 2.2 KB of text and 1.8 KB of terms with
//! their roles, beside 1.3 KB of sentences, quotations, sources and
//! metadata). Only the stages that compare two documents, or write them
//! out, read the text; the stages over the whole corpus (sentence keys,
//! term statistics, story vectors) read the terms once or a few times
//! each, in document order. So past [`IngestConfig::max_held_text_bytes`]
//! of text, [`Spiller`] writes each new document's text, terms and roles
//! to an unnamed scratch file as the document is analysed, and leaves
//! them empty in it; a stage that compares documents brings back the ones
//! it needs, a batch at a time ([`Texts::with_held`]), or works on copies
//! that hold theirs ([`Texts::view`]); a stage over the whole corpus reads
//! each document's terms as it comes to it ([`Texts::with_terms`]).
//! Results do not depend on which documents were spilled, only memory and
//! time do.
//!
//! The scratch file is read back with positioned reads, so the texts live
//! in the operating system's page cache rather than the process's memory,
//! and go to disk when memory is short.
//!
//! [`IngestConfig::max_held_text_bytes`]: crate::config::IngestConfig::max_held_text_bytes

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Index;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::Doc;
use crate::scratch::read_exact_at;

/// Where a spilled document lies in the scratch file: its text, then its
/// terms (8 bytes each, little-endian), then their roles (a byte each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    offset: u64,
    text: u32,
    terms: u32,
}

impl Span {
    /// Where the terms and their roles start in the scratch file.
    fn terms_offset(&self) -> u64 {
        self.offset + u64::from(self.text)
    }

    /// The bytes of the terms and their roles.
    fn terms_bytes(&self) -> usize {
        self.terms as usize * 9
    }
}

/// Decides, document by document as the text stage makes them, which texts
/// stay in memory and which go to the scratch file. Shared by the text
/// stage's threads.
#[derive(Debug)]
pub struct Spiller {
    budget: u64,
    held: AtomicU64,
    scratch: Mutex<Scratch>,
}

/// The scratch file being written: `None` until the first text is spilled,
/// and after a failure (the texts are then held).
#[derive(Debug, Default)]
struct Scratch {
    writer: Option<BufWriter<File>>,
    written: u64,
    problem: Option<String>,
}

impl Spiller {
    /// A spiller that holds up to `budget` bytes of text in memory.
    pub fn new(budget: u64) -> Spiller {
        Spiller { budget, held: AtomicU64::new(0), scratch: Mutex::new(Scratch::default()) }
    }

    /// Keeps `doc`'s text, terms and roles in memory while the budget (of
    /// text bytes) lasts; past it, writes them to the scratch file, empties
    /// them in `doc` and says where they went. A document that cannot be
    /// written stays whole in memory: nothing is lost, and
    /// [`Texts::problem`] says why memory grew.
    pub fn keep(&self, doc: &mut Doc) -> Option<Span> {
        let len = doc.text.len() as u64;
        if doc.text.is_empty() || self.held.fetch_add(len, Ordering::Relaxed) + len <= self.budget {
            return None;
        }
        // Within u32: texts are cut to 4 GiB (see `Doc::from_article`), and
        // a text has fewer terms than bytes.
        let (text, terms) = (len as u32, doc.terms.len() as u32);
        let mut record = Vec::with_capacity(doc.text.len() + doc.terms.len() * 9);
        record.extend_from_slice(doc.text.as_bytes());
        record.extend(doc.terms.iter().flat_map(|t| t.to_le_bytes()));
        record.extend_from_slice(&doc.roles);
        // A poisoned lock means a writer panicked; its bytes are not trusted.
        let mut scratch = self.scratch.lock().ok()?;
        if scratch.problem.is_some() {
            return None;
        }
        if scratch.writer.is_none() {
            match tempfile::tempfile() {
                Ok(file) => scratch.writer = Some(BufWriter::with_capacity(1 << 20, file)),
                Err(err) => {
                    scratch.problem = Some(format!("cannot create a scratch file for texts: {err}"));
                    return None;
                }
            }
        }
        let Scratch { writer: Some(writer), written, problem } = &mut *scratch else { return None };
        match writer.write_all(&record) {
            Ok(()) => {
                let offset = *written;
                *written += record.len() as u64;
                doc.text = String::new();
                doc.terms = Vec::new();
                doc.roles = Vec::new();
                Some(Span { offset, text, terms })
            }
            Err(err) => {
                *problem = Some(format!("cannot write texts to the scratch file: {err}"));
                None
            }
        }
    }

    /// The texts of documents analysed with this spiller, `spans[d]` saying
    /// where document `d`'s went.
    pub fn finish(self, spans: Vec<Option<Span>>) -> Texts {
        let scratch = self.scratch.into_inner().unwrap_or_default();
        let Scratch { writer, problem, .. } = scratch;
        let file = match writer.map(BufWriter::into_inner) {
            Some(Ok(file)) => Some(file),
            Some(Err(err)) => {
                // The texts written are not all there: a failure to flush
                // would lose them, which a user must hear about.
                panic!("cannot write texts to the scratch file: {}", err.error())
            }
            None => None,
        };
        let spans = if file.is_some() { spans } else { Vec::new() };
        Texts { spans, file, problem }
    }
}

/// The documents' texts, with their terms and roles, that are not in the
/// documents: see the module's doc. Empty when every document holds its
/// own.
#[derive(Debug, Default)]
pub struct Texts {
    /// Where each document's text and terms went, `None` when the document holds them;
    /// empty when none went anywhere.
    spans: Vec<Option<Span>>,
    file: Option<File>,
    problem: Option<String>,
}

impl Texts {
    /// Texts all held by their documents.
    pub const fn held() -> Texts {
        Texts { spans: Vec::new(), file: None, problem: None }
    }

    /// Whether some document's text is in the scratch file.
    pub fn any_spilled(&self) -> bool {
        self.file.is_some()
    }

    /// Whether document `d`'s text is in the scratch file.
    pub fn is_spilled(&self, d: usize) -> bool {
        self.spans.get(d).is_some_and(Option::is_some)
    }

    /// Why texts were held that the budget would have spilled, if they were.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Reads `bytes.len()` bytes at `offset` of the scratch file.
    ///
    /// # Panics
    ///
    /// When the scratch file cannot be read: the process's own file
    /// failing under it is no input error to skip, and going on would
    /// compare empty texts.
    fn read_at(file: &File, bytes: &mut [u8], offset: u64) {
        read_exact_at(file, bytes, offset)
            .unwrap_or_else(|err| panic!("cannot read a document back from the scratch file: {err}"));
    }

    /// Document `d`'s text, terms and roles read back from the scratch file.
    fn read(&self, d: usize) -> Option<Spilled> {
        let (span, file) = (self.spans.get(d).copied().flatten()?, self.file.as_ref()?);
        let mut bytes = vec![0; span.text as usize + span.terms_bytes()];
        Texts::read_at(file, &mut bytes, span.offset);
        let (terms, roles) = split_terms(&bytes[span.text as usize..], span.terms as usize);
        bytes.truncate(span.text as usize);
        let text =
            String::from_utf8(bytes).unwrap_or_else(|err| panic!("a text read back from the scratch file: {err}"));
        Some(Spilled { text, terms, roles })
    }

    /// Document `d`'s terms and roles read back from the scratch file.
    fn read_terms(&self, d: usize) -> Option<(Vec<u64>, Vec<u8>)> {
        let (span, file) = (self.spans.get(d).copied().flatten()?, self.file.as_ref()?);
        let mut bytes = vec![0; span.terms_bytes()];
        Texts::read_at(file, &mut bytes, span.terms_offset());
        Some(split_terms(&bytes, span.terms as usize))
    }

    /// Runs `f` on document `d` with its terms and roles: on the document
    /// itself when it holds them, else on a copy holding its sentences,
    /// terms and roles and nothing else (what the stages over the whole
    /// corpus read).
    pub fn with_terms<R>(&self, documents: &[Doc], d: usize, f: impl FnOnce(&Doc) -> R) -> R {
        let doc = &documents[d];
        // A document brought back by `hold` holds its terms already.
        match doc.terms.is_empty().then(|| self.read_terms(d)).flatten() {
            Some((terms, roles)) => f(&Doc {
                id: String::new(),
                title: None,
                outlet: None,
                published: None,
                published_at: None,
                url: None,
                origin: String::new(),
                text: String::new(),
                sentences: doc.sentences.clone(),
                terms,
                roles,
                quotes: Vec::new(),
                attributions: Vec::new(),
                dateline: None,
            }),
            _ => f(doc),
        }
    }

    /// The spilled documents among `needed`, each once: a document in many
    /// of a batch's pairs is read once.
    fn spilled_among(&self, needed: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut wanted: Vec<usize> = needed.into_iter().filter(|&d| self.is_spilled(d)).collect();
        wanted.par_sort_unstable();
        wanted.dedup();
        wanted
    }

    /// Brings the texts, terms and roles of the `needed` documents back
    /// into them.
    pub fn hold(&self, documents: &mut [Doc], needed: &[usize]) {
        if !self.any_spilled() {
            return;
        }
        let read: Vec<(usize, Spilled)> = self
            .spilled_among(needed.iter().copied())
            .into_par_iter()
            .filter(|&d| documents[d].text.is_empty())
            .filter_map(|d| Some((d, self.read(d)?)))
            .collect();
        for (d, Spilled { text, terms, roles }) in read {
            let doc = &mut documents[d];
            (doc.text, doc.terms, doc.roles) = (text, terms, roles);
        }
    }

    /// Takes the texts, terms and roles of the `needed` documents out of
    /// them again.
    pub fn release(&self, documents: &mut [Doc], needed: &[usize]) {
        for &d in needed {
            if self.is_spilled(d) {
                let doc = &mut documents[d];
                (doc.text, doc.terms, doc.roles) = (String::new(), Vec::new(), Vec::new());
            }
        }
    }

    /// Runs `f` with the texts of the `needed` documents in them.
    pub fn with_held<R>(&self, documents: &mut [Doc], needed: &[usize], f: impl FnOnce(&[Doc]) -> R) -> R {
        self.hold(documents, needed);
        let result = f(documents);
        self.release(documents, needed);
        result
    }

    /// Brings every text back and forgets the scratch file: for a caller
    /// that reads any document's text at any time.
    pub fn hold_all(&mut self, documents: &mut [Doc]) {
        if self.any_spilled() {
            let all: Vec<usize> = (0..documents.len()).collect();
            self.hold(documents, &all);
            *self = Texts { problem: self.problem.take(), ..Texts::default() };
        }
    }

    /// `documents` seen with the texts of the `needed` documents, as copies
    /// that hold them: for a stage that only borrows the documents.
    pub fn view<'a>(&self, documents: &'a [Doc], needed: impl IntoIterator<Item = usize>) -> View<'a> {
        let copies = if self.any_spilled() {
            self.spilled_among(needed)
                .into_par_iter()
                .filter_map(|d| {
                    let Spilled { text, terms, roles } = self.read(d)?;
                    Some((d, Doc { text, terms, roles, ..documents[d].clone() }))
                })
                .collect()
        } else {
            HashMap::new()
        };
        View { documents, copies }
    }
}

/// What a document leaves in the scratch file, read back.
struct Spilled {
    text: String,
    terms: Vec<u64>,
    roles: Vec<u8>,
}

/// Terms and their roles from their bytes in the scratch file.
fn split_terms(bytes: &[u8], terms: usize) -> (Vec<u64>, Vec<u8>) {
    let (terms, roles) = bytes.split_at(terms * 8);
    let terms = terms.chunks_exact(8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default())).collect();
    (terms, roles.to_vec())
}

/// Documents indexed as a slice is, some of them copies holding their
/// texts: see [`Texts::view`].
pub struct View<'a> {
    documents: &'a [Doc],
    copies: HashMap<usize, Doc>,
}

impl Index<usize> for View<'_> {
    type Output = Doc;

    fn index(&self, d: usize) -> &Doc {
        self.copies.get(&d).unwrap_or(&self.documents[d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;

    fn docs(n: usize) -> Vec<Doc> {
        let terms = Terms::default();
        (0..n)
            .map(|i| {
                let text = format!("Article {i} says the council met on Monday.\n\nIt voted {i} to {}.", i + 1);
                Doc::from_article(&Article::from_text(&format!("d{i}"), &text), &terms)
            })
            .collect()
    }

    #[test]
    fn texts_past_the_budget_go_out_and_come_back_whole() {
        let original = docs(6);
        let budget = original[0].text.len() as u64 * 2;
        let spiller = Spiller::new(budget);
        let mut documents = original.clone();
        let spans: Vec<Option<Span>> = documents.iter_mut().map(|d| spiller.keep(d)).collect();
        let texts = spiller.finish(spans);
        assert!(texts.any_spilled());
        assert!(texts.problem().is_none());
        assert!(!texts.is_spilled(0) && !texts.is_spilled(1), "the first two fit the budget");
        assert!((2..6).all(|d| texts.is_spilled(d) && documents[d].text.is_empty()));
        assert!((2..6).all(|d| documents[d].terms.is_empty() && documents[d].roles.is_empty()), "terms go too");
        assert!(!documents[1].terms.is_empty());
        for d in [1, 4] {
            let (terms, roles) = texts.with_terms(&documents, d, |doc| (doc.terms.clone(), doc.roles.clone()));
            assert_eq!((terms, roles), (original[d].terms.clone(), original[d].roles.clone()));
            let narration = texts.with_terms(&documents, d, |doc| doc.narration(0).collect::<Vec<_>>());
            assert_eq!(narration, original[d].narration(0).collect::<Vec<_>>());
        }

        let view = texts.view(&documents, [1, 3]);
        assert_eq!(view[3].text, original[3].text);
        assert_eq!(view[1].text, original[1].text);
        assert!(view[4].text.is_empty(), "not asked for");

        assert_eq!(view[3], original[3]);
        let seen = texts.with_held(&mut documents, &[2, 5], |held| [held[2].clone(), held[5].clone()]);
        assert_eq!(seen, [original[2].clone(), original[5].clone()]);
        assert!(documents[2].text.is_empty() && documents[5].terms.is_empty(), "released again");

        let mut texts = texts;
        texts.hold_all(&mut documents);
        assert!(!texts.any_spilled());
        assert_eq!(documents, original);
    }

    #[test]
    fn nothing_is_spilled_within_the_budget() {
        let spiller = Spiller::new(u64::MAX);
        let mut documents = docs(3);
        let spans: Vec<Option<Span>> = documents.iter_mut().map(|d| spiller.keep(d)).collect();
        assert!(spans.iter().all(Option::is_none));
        assert!(!spiller.finish(spans).any_spilled());
        assert!(documents.iter().all(|d| !d.text.is_empty()));
    }
}
