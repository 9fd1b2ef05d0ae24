//! Records waiting in an unnamed scratch file, by part, between the pass
//! that finds them and the pass that reads one part: written once and read
//! once, where holding them all would outgrow memory and finding each
//! part's again would cost a pass over every document per part (quadratic
//! in the corpus: 17.5 times the candidate stage's time for 3 times the
//! documents). Read back from the operating system's page cache, usually.
//!
//! A part of which a block could not be written or read back is lost, and
//! the caller finds it again the slow way: results never depend on the
//! scratch file.

use std::fs::File;

/// A record of fixed size, written little-endian.
pub(crate) trait Record: Sized {
    /// Bytes a record takes.
    const BYTES: usize;
    /// Appends the record's bytes to `out`.
    fn put(&self, out: &mut Vec<u8>);
    /// The record in `bytes` (`BYTES` long).
    fn get(bytes: &[u8]) -> Self;
}

/// `(a, b, sentence of a, sentence of b)`: see `candidates::Hit`.
impl Record for (u32, u32, u16, u16) {
    const BYTES: usize = 12;

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
        out.extend_from_slice(&self.1.to_le_bytes());
        out.extend_from_slice(&self.2.to_le_bytes());
        out.extend_from_slice(&self.3.to_le_bytes());
    }

    fn get(b: &[u8]) -> Self {
        (word(b, 0), word(b, 4), u16::from_le_bytes([b[8], b[9]]), u16::from_le_bytes([b[10], b[11]]))
    }
}

/// `(key, document, sentence)`: a sentence-key posting.
impl Record for (u64, u32, u32) {
    const BYTES: usize = 16;

    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
        out.extend_from_slice(&self.1.to_le_bytes());
        out.extend_from_slice(&self.2.to_le_bytes());
    }

    fn get(b: &[u8]) -> Self {
        (word(b, 0) as u64 | (word(b, 4) as u64) << 32, word(b, 8), word(b, 12))
    }
}

/// The little-endian `u32` at `at`.
fn word(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Records by part in a scratch file: see the module's doc.
pub(crate) struct Spill<R> {
    file: Option<File>,
    end: u64,
    /// Each part's blocks in the file: `(offset, records)`.
    blocks: Vec<Vec<(u64, usize)>>,
    /// Parts of which a block could not be written.
    lost: Vec<bool>,
    _records: std::marker::PhantomData<R>,
}

/// Records written or read at a time (768 KiB of hits).
const BLOCK: usize = 65_536;

impl<R: Record> Spill<R> {
    /// A spill of `parts` parts into `file`; without one (it could not be
    /// made), every part is lost.
    pub(crate) fn new(parts: usize, file: Option<File>) -> Spill<R> {
        let lost = vec![file.is_none(); parts];
        Spill { file, end: 0, blocks: vec![Vec::new(); parts], lost, _records: std::marker::PhantomData }
    }

    /// Whether every part is lost already: nothing is worth writing.
    pub(crate) fn all_lost(&self) -> bool {
        self.lost.iter().all(|&l| l)
    }

    /// Adds records to part `part`.
    pub(crate) fn append(&mut self, part: usize, records: &[R]) {
        let Some(file) = self.file.as_ref() else { return };
        let mut bytes = Vec::with_capacity(BLOCK.min(records.len()) * R::BYTES);
        for block in records.chunks(BLOCK) {
            if self.lost[part] {
                return;
            }
            bytes.clear();
            block.iter().for_each(|r| r.put(&mut bytes));
            match crate::scratch::write_all_at(file, &bytes, self.end) {
                Ok(()) => {
                    self.blocks[part].push((self.end, block.len()));
                    self.end += bytes.len() as u64;
                }
                Err(_) => self.lost[part] = true,
            }
        }
    }

    /// Part `part`'s records, or `None` when some could not be written or
    /// read back.
    pub(crate) fn take(&mut self, part: usize) -> Option<Vec<R>> {
        let file = self.file.as_ref().filter(|_| !self.lost[part])?;
        let blocks = std::mem::take(&mut self.blocks[part]);
        let mut records = Vec::with_capacity(blocks.iter().map(|b| b.1).sum());
        let mut bytes = vec![0u8; BLOCK * R::BYTES];
        for (offset, n) in blocks {
            let bytes = &mut bytes[..n * R::BYTES];
            crate::scratch::read_exact_at(file, bytes, offset).ok()?;
            records.extend(bytes.chunks_exact(R::BYTES).map(R::get));
        }
        Some(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_by_part_as_written() {
        let mut spill: Spill<(u64, u32, u32)> = Spill::new(3, tempfile::tempfile().ok());
        let a: Vec<(u64, u32, u32)> = (0..200_000u32).map(|i| (u64::MAX - i as u64 * 7_919, i, i / 3)).collect();
        spill.append(2, &a[..150_000]);
        spill.append(0, &[(1, 2, 3)]);
        spill.append(2, &a[150_000..]);
        assert_eq!(spill.take(2), Some(a));
        assert_eq!(spill.take(0), Some(vec![(1, 2, 3)]));
        assert_eq!(spill.take(1), Some(vec![]));
        let mut hits: Spill<(u32, u32, u16, u16)> = Spill::new(1, tempfile::tempfile().ok());
        hits.append(0, &[(u32::MAX, 5, u16::MAX, 0)]);
        assert_eq!(hits.take(0), Some(vec![(u32::MAX, 5, u16::MAX, 0)]));
    }

    #[test]
    fn a_part_that_could_not_be_written_is_lost() {
        let named = tempfile::NamedTempFile::new().expect("a scratch file");
        let mut spill: Spill<(u64, u32, u32)> = Spill::new(2, std::fs::File::open(named.path()).ok());
        spill.append(1, &[(1, 2, 3)]);
        assert_eq!(spill.take(1), None);
        assert_eq!(spill.take(0), Some(vec![]));
        assert!(Spill::<(u64, u32, u32)>::new(2, None).all_lost());
    }
}
