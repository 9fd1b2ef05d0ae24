//! The two sides of a group of aligned sentences as word sequences, and the
//! hunks where their wording differs.
//!
//! A hunk is a stretch of words of one side replaced by a stretch of the
//! other (either may be empty) between words both share. In a near-verbatim
//! copy the hunks are the edits themselves ("eased" / "lifted"); in a
//! reworded sentence the shared names and content words still anchor them,
//! so a hunk stays the local rewording of one spot.

use std::borrow::Cow;
use std::ops::Range;

use crate::text::tokens::{for_each_word, lowercase};
use crate::text::Doc;

/// A word of one side.
#[derive(Debug)]
pub(super) struct Word<'d> {
    /// Its sentence in the document.
    pub sentence: usize,
    /// Byte offset in the sentence.
    pub start: usize,
    /// Byte offset just past it in the sentence.
    pub end: usize,
    /// As written.
    pub text: &'d str,
    /// Lowercase (borrowed when the word is lowercase already).
    pub lower: Cow<'d, str>,
    /// Inside quotation marks.
    pub quoted: bool,
    /// The first word of its sentence.
    pub first: bool,
}

/// The words of a group's sentences in one document, sentence after sentence.
pub(super) struct Side<'d> {
    /// The document.
    pub doc: &'d Doc,
    /// The words.
    pub words: Vec<Word<'d>>,
}

impl<'d> Side<'d> {
    /// The words of the given sentences of `doc`, in that order.
    pub fn of(doc: &'d Doc, sentences: &[usize]) -> Side<'d> {
        let bytes: usize = sentences.iter().map(|&i| doc.sentence_text(i).len()).sum();
        let mut out = Vec::with_capacity(bytes / 5 + 1);
        for &i in sentences {
            let span = doc.sentences[i].range();
            let text = doc.sentence_text(i);
            let quoted: Vec<(usize, usize)> = doc
                .quotes
                .iter()
                .filter(|q| q.start < span.end && q.end > span.start)
                .map(|q| (q.start.saturating_sub(span.start), (q.end - span.start).min(text.len())))
                .collect();
            let mut k = 0;
            for_each_word(text, |w| {
                out.push(Word {
                    sentence: i,
                    start: w.start,
                    end: w.end(),
                    text: w.text,
                    lower: lowercase(w.text),
                    quoted: quoted.iter().any(|&(s, e)| w.start >= s && w.start < e),
                    first: k == 0,
                });
                k += 1;
            });
        }
        Side { doc, words: out }
    }

    /// Whether any word of this side is `lower` (lowercase, possessive
    /// dropped on this side's words).
    pub fn has_word(&self, lower: &str) -> bool {
        self.words.iter().any(|w| w.lower == lower || w.lower.strip_suffix("'s") == Some(lower))
    }

    /// The words of `range` as written, with up to `before` words before
    /// and `after` words after them, within one sentence: what a reader sees
    /// of a change. An empty range gives the words around the spot. Returns
    /// the text and its sentence.
    pub fn phrase(&self, range: Range<usize>, before: usize, after: usize) -> (String, usize) {
        let n = self.words.len();
        if n == 0 {
            return (String::new(), 0);
        }
        let anchor = if range.start < n { range.start } else { n - 1 };
        let sentence = self.words[anchor].sentence;
        let same = |k: usize| self.words[k].sentence == sentence;
        let mut lo = range.start.min(anchor);
        for _ in 0..before {
            if lo > 0 && same(lo - 1) {
                lo -= 1;
            }
        }
        let mut hi = range.end.max(lo + 1).min(n);
        while hi > lo + 1 && !same(hi - 1) {
            hi -= 1;
        }
        for _ in 0..after {
            if hi < n && same(hi) {
                hi += 1;
            }
        }
        let text = self.doc.sentence_text(sentence);
        (text[self.words[lo].start..self.words[hi - 1].end].to_string(), sentence)
    }

    /// Whether the words of `range` or the words right beside it are quoted.
    pub fn quoted_near(&self, range: &Range<usize>) -> bool {
        let lo = range.start.saturating_sub(1);
        let hi = (range.end + 1).min(self.words.len());
        (lo..hi).any(|k| self.words[k].quoted)
    }
}

/// FNV-1a, for the short words of [`hunks`].
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // Mixed, so that the high bits the table reads depend on every byte.
        let x = (self.0 ^ (self.0 >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Words of `a` replaced by words of `b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hunk {
    /// Word range in `a` (empty: words inserted in `b`).
    pub a: Range<usize>,
    /// Word range in `b` (empty: words deleted from `a`).
    pub b: Range<usize>,
}

/// The hunks of a word diff of two sides (patience diff over lowercase
/// words, so rare shared words anchor it).
pub(super) fn hunks(a: &Side<'_>, b: &Side<'_>) -> Vec<Hunk> {
    // The same words: no hunk.
    if a.words.len() == b.words.len() && a.words.iter().zip(&b.words).all(|(x, y)| x.lower == y.lower) {
        return Vec::new();
    }
    // Words as numbers, equal for equal words, so that the diff compares
    // and hashes numbers rather than strings (the same diff).
    let mut ids: std::collections::HashMap<&str, u32, std::hash::BuildHasherDefault<WordHasher>> =
        std::collections::HashMap::with_capacity_and_hasher(a.words.len() + b.words.len(), Default::default());
    let (mut xa, mut xb) = (Vec::with_capacity(a.words.len()), Vec::with_capacity(b.words.len()));
    for (side, out) in [(a, &mut xa), (b, &mut xb)] {
        for w in &side.words {
            let next = ids.len() as u32;
            out.push(*ids.entry(&*w.lower).or_insert(next));
        }
    }
    let ops = patience_ops(&xa, &xb, ids.len());
    let mut out: Vec<Hunk> = Vec::new();
    let mut open: Option<Hunk> = None;
    for op in ops {
        let (ra, rb) = (op.old_range(), op.new_range());
        if matches!(op, similar::DiffOp::Equal { .. }) {
            out.extend(open.take());
            continue;
        }
        open = Some(match open.take() {
            Some(h) => Hunk { a: h.a.start..ra.end, b: h.b.start..rb.end },
            None => Hunk { a: ra, b: rb },
        });
    }
    out.extend(open);
    out
}

/// The operations of `similar`'s patience diff
/// (`capture_diff_slices(Algorithm::Patience, xa, xb)`, the same ones) of
/// words numbered from 0 to `distinct`: the words found once on a side are
/// found by counting in an array rather than in the hash map `similar`
/// builds for each side of each call, which was a third of the hunks' time.
/// The rest is `similar`'s own: Myers's diff of the words found once,
/// each stretch between two of them matched diffed by Myers again.
fn patience_ops(xa: &[u32], xb: &[u32], distinct: usize) -> Vec<similar::DiffOp> {
    use similar::algorithms::{myers, Capture, Compact, DiffHook, NoFinishHook, Replace};

    /// The words found once in `xs`, and where, in reading order.
    fn once(xs: &[u32], distinct: usize) -> (Vec<u32>, Vec<usize>) {
        let mut count = vec![0u8; distinct];
        for &x in xs {
            count[x as usize] = count[x as usize].saturating_add(1);
        }
        xs.iter().enumerate().filter(|&(_, &x)| count[x as usize] == 1).map(|(i, &x)| (x, i)).unzip()
    }

    /// `similar::algorithms::patience`'s hook: each match of words found
    /// once closes a stretch, diffed word by word.
    struct Patience<'x, D> {
        d: D,
        old: &'x [u32],
        new: &'x [u32],
        old_at: &'x [usize],
        new_at: &'x [usize],
        old_current: usize,
        new_current: usize,
    }

    impl<D: DiffHook> DiffHook for Patience<'_, D> {
        type Error = D::Error;

        fn equal(&mut self, old: usize, new: usize, len: usize) -> Result<(), D::Error> {
            for (old, new) in (old..old + len).zip(new..new + len) {
                let (a0, b0) = (self.old_current, self.new_current);
                while self.old_current < self.old_at[old]
                    && self.new_current < self.new_at[new]
                    && self.new[self.new_current] == self.old[self.old_current]
                {
                    self.old_current += 1;
                    self.new_current += 1;
                }
                if self.old_current > a0 {
                    self.d.equal(a0, b0, self.old_current - a0)?;
                }
                let (old_range, new_range) = (self.old_current..self.old_at[old], self.new_current..self.new_at[new]);
                myers::diff_deadline(
                    &mut NoFinishHook::new(&mut self.d),
                    self.old,
                    old_range,
                    self.new,
                    new_range,
                    None,
                )?;
                self.old_current = self.old_at[old];
                self.new_current = self.new_at[new];
            }
            Ok(())
        }

        fn finish(&mut self) -> Result<(), D::Error> {
            let (old_range, new_range) = (self.old_current..self.old.len(), self.new_current..self.new.len());
            myers::diff_deadline(&mut self.d, self.old, old_range, self.new, new_range, None)
        }
    }

    let ((ua, old_at), (ub, new_at)) = (once(xa, distinct), once(xb, distinct));
    let compact = Compact::new(Replace::new(Capture::new()), xa, xb);
    let patience =
        Patience { d: compact, old: xa, new: xb, old_at: &old_at, new_at: &new_at, old_current: 0, new_current: 0 };
    let mut d = Replace::new(patience);
    // Capturing cannot fail.
    let Ok(()) = myers::diff_deadline(&mut d, &ua[..], 0..ua.len(), &ub[..], 0..ub.len(), None);
    d.into_inner().d.into_inner().into_inner().into_ops()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Article;
    use crate::text::tokens::Terms;

    fn doc(text: &str) -> Doc {
        Doc::from_article(&Article::from_text("t", text), &Terms::default())
    }

    #[test]
    fn hunks_are_the_edits() {
        let a = doc("Western sanctions should be eased and Kyiv must stage an election.");
        let b = doc("Western sanctions should be lifted, and Kyiv must stage an election.");
        let (sa, sb) = (Side::of(&a, &[0]), Side::of(&b, &[0]));
        let h = hunks(&sa, &sb);
        assert_eq!(h.len(), 1);
        assert_eq!(sa.words[h[0].a.start].text, "eased");
        assert_eq!(sb.words[h[0].b.start].text, "lifted");
        assert_eq!(sa.phrase(h[0].a.clone(), 1, 2).0, "be eased and Kyiv");
        assert_eq!(sb.phrase(h[0].b.clone(), 1, 2).0, "be lifted, and Kyiv");
    }

    #[test]
    fn phrase_of_an_insertion_shows_its_spot() {
        let a = doc("He has denied having said that.");
        let b = doc("He has not denied having said that.");
        let (sa, sb) = (Side::of(&a, &[0]), Side::of(&b, &[0]));
        let h = hunks(&sa, &sb);
        assert_eq!(h, vec![Hunk { a: 2..2, b: 2..3 }]);
        assert_eq!(sa.phrase(h[0].a.clone(), 1, 2).0, "has denied having");
        assert_eq!(sb.phrase(h[0].b.clone(), 1, 2).0, "has not denied having");
    }

    proptest::proptest! {
        /// Words drawn from a few, so that some occur once and some often,
        /// on sides of any length, empty ones included.
        #[test]
        fn patience_ops_are_similars(
            a in proptest::collection::vec(0u32..12, 0..80),
            b in proptest::collection::vec(0u32..12, 0..80),
        ) {
            let ours = patience_ops(&a, &b, 12);
            let theirs = similar::capture_diff_slices(similar::Algorithm::Patience, &a, &b);
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
