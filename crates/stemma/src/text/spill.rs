//! Texts kept out of memory while a large batch is analysed.
//!
//! An analysed news article's text is a third of what its [`Doc`] holds
//! (2.2 KB of 6.6 KB on the generated corpus), and only the stages that
//! compare two documents, or write them out, read it; the stages over the
//! whole corpus read terms. So past [`IngestConfig::max_held_text_bytes`]
//! of text, [`Spiller`] writes each new text to an unnamed scratch file as
//! its document is analysed, and leaves the document's `text` empty; a
//! stage that reads text brings back the ones it needs, a batch at a time
//! ([`Texts::with_held`]), or works on copies that hold theirs
//! ([`Texts::view`]). Results do not depend on which texts were spilled,
//! only memory and time do.
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

/// Where a spilled text lies in the scratch file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    offset: u64,
    len: u32,
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

    /// Keeps `doc`'s text in memory while the budget lasts; past it, writes
    /// the text to the scratch file, empties `doc.text` and says where the
    /// text went. A text that cannot be written stays in memory: nothing is
    /// lost, and [`Texts::problem`] says why memory grew.
    pub fn keep(&self, doc: &mut Doc) -> Option<Span> {
        let len = doc.text.len() as u64;
        if doc.text.is_empty() || self.held.fetch_add(len, Ordering::Relaxed) + len <= self.budget {
            return None;
        }
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
        match writer.write_all(doc.text.as_bytes()) {
            Ok(()) => {
                let offset = *written;
                *written += len;
                doc.text = String::new();
                // Within u32: texts are cut to 4 GiB (see `Doc::from_article`).
                Some(Span { offset, len: len as u32 })
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

/// The documents' texts that are not in the documents: see the module's
/// doc. Empty when every document holds its own.
#[derive(Debug, Default)]
pub struct Texts {
    /// Where each document's text went, `None` when the document holds it;
    /// empty when none went anywhere.
    spans: Vec<Option<Span>>,
    file: Option<File>,
    problem: Option<String>,
}

impl Texts {
    /// Texts all held by their documents.
    pub fn held() -> Texts {
        Texts::default()
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

    /// Document `d`'s text read back from the scratch file.
    ///
    /// # Panics
    ///
    /// When the scratch file cannot be read: the process's own file
    /// failing under it is no input error to skip, and going on would
    /// compare empty texts.
    fn read(&self, d: usize) -> Option<String> {
        let (span, file) = (self.spans.get(d).copied().flatten()?, self.file.as_ref()?);
        let mut bytes = vec![0; span.len as usize];
        read_exact_at(file, &mut bytes, span.offset)
            .unwrap_or_else(|err| panic!("cannot read a text back from the scratch file: {err}"));
        Some(String::from_utf8(bytes).unwrap_or_else(|err| panic!("a text read back from the scratch file: {err}")))
    }

    /// The spilled documents among `needed`, each once: a document in many
    /// of a batch's pairs is read once.
    fn spilled_among(&self, needed: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut wanted: Vec<usize> = needed.into_iter().filter(|&d| self.is_spilled(d)).collect();
        wanted.par_sort_unstable();
        wanted.dedup();
        wanted
    }

    /// Brings the texts of the `needed` documents back into them.
    pub fn hold(&self, documents: &mut [Doc], needed: &[usize]) {
        if !self.any_spilled() {
            return;
        }
        let read: Vec<(usize, String)> = self
            .spilled_among(needed.iter().copied())
            .into_par_iter()
            .filter(|&d| documents[d].text.is_empty())
            .filter_map(|d| Some((d, self.read(d)?)))
            .collect();
        for (d, text) in read {
            documents[d].text = text;
        }
    }

    /// Takes the texts of the `needed` documents out of them again.
    pub fn release(&self, documents: &mut [Doc], needed: &[usize]) {
        for &d in needed {
            if self.is_spilled(d) {
                documents[d].text = String::new();
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
                .filter_map(|d| Some((d, Doc { text: self.read(d)?, ..documents[d].clone() })))
                .collect()
        } else {
            HashMap::new()
        };
        View { documents, copies }
    }
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

        let view = texts.view(&documents, [1, 3]);
        assert_eq!(view[3].text, original[3].text);
        assert_eq!(view[1].text, original[1].text);
        assert!(view[4].text.is_empty(), "not asked for");

        let seen = texts.with_held(&mut documents, &[2, 5], |held| [held[2].text.clone(), held[5].text.clone()]);
        assert_eq!(seen, [original[2].text.clone(), original[5].text.clone()]);
        assert!(documents[2].text.is_empty() && documents[5].text.is_empty(), "released again");

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
