//! The reads the per-article step makes, the same in a read transaction (a
//! query) and in a write transaction (an addition, which also sees the
//! postings of the articles before it in the same transaction, not yet
//! written).

use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use stemma::ingest::Article;
use stemma::text::tokens::Terms;
use stemma::text::Doc;

use crate::store::{self, Pending, Tag};
use crate::{IndexError, Memory};

/// The tables the per-article step reads, the counts held in memory, and
/// what the transaction has not yet written.
pub(crate) struct View<'m, A, I, D, P, M, R> {
    pub articles: A,
    pub ids: I,
    pub docs: D,
    pub postings: P,
    pub members: M,
    pub partners: R,
    pub memory: &'m Memory,
    /// Articles held when the transaction began.
    pub held: u64,
    pub pending: Pending,
}

/// A view in a read transaction.
pub(crate) type ReadView<'m> = View<
    'm,
    redb::ReadOnlyTable<u32, &'static [u8]>,
    redb::ReadOnlyTable<&'static str, u32>,
    redb::ReadOnlyTable<u32, (u32, f64, u64)>,
    redb::ReadOnlyTable<u128, ()>,
    redb::ReadOnlyTable<(u32, u32), ()>,
    redb::ReadOnlyTable<(u32, u32), ()>,
>;

/// A view in a write transaction.
pub(crate) type WriteView<'t, 'm> = View<
    'm,
    redb::Table<'t, u32, &'static [u8]>,
    redb::Table<'t, &'static str, u32>,
    redb::Table<'t, u32, (u32, f64, u64)>,
    redb::Table<'t, u128, ()>,
    redb::Table<'t, (u32, u32), ()>,
    redb::Table<'t, (u32, u32), ()>,
>;

/// Opens a view's tables in a transaction: the same calls for a read and a
/// write transaction, whose table types differ.
macro_rules! open_view {
    ($txn:expr, $memory:expr) => {{
        let meta = $txn.open_table(store::META)?;
        Ok(View {
            articles: $txn.open_table(store::ARTICLES)?,
            ids: $txn.open_table(store::IDS)?,
            docs: $txn.open_table(store::DOCS)?,
            postings: $txn.open_table(store::POSTINGS)?,
            members: $txn.open_table(store::MEMBERS)?,
            partners: $txn.open_table(store::PARTNERS)?,
            memory: $memory,
            held: store::counter(&meta, "documents")?,
            pending: Pending::default(),
        })
    }};
}

impl<'m> ReadView<'m> {
    pub(crate) fn open(txn: &ReadTransaction, memory: &'m Memory) -> Result<ReadView<'m>, IndexError> {
        open_view!(txn, memory)
    }
}

impl<'t, 'm> WriteView<'t, 'm> {
    pub(crate) fn open(txn: &'t WriteTransaction, memory: &'m Memory) -> Result<WriteView<'t, 'm>, IndexError> {
        open_view!(txn, memory)
    }
}

/// The reads of the per-article step.
pub(crate) trait Lookup {
    /// Articles held, counting those added earlier in this transaction.
    fn documents(&self) -> u64;
    /// The document numbered for `id`.
    fn docno(&self, id: &str) -> Result<Option<u32>, IndexError>;
    /// A document's article as given.
    fn article(&self, doc: u32) -> Result<Article, IndexError>;
    /// A document analysed.
    fn doc(&self, doc: u32, terms: &Terms) -> Result<Doc, IndexError>;
    /// A document's story and day.
    fn placed(&self, doc: u32) -> Result<(u32, Option<f64>), IndexError>;
    /// Up to `cap + 1` posting values of a key: enough to tell a list
    /// longer than `cap`, and its first entry. (Postings pending in a
    /// write transaction are not seen: an addition finds the candidates
    /// among its own articles with the batch's candidate step.)
    fn postings(&self, tag: Tag, key: u64, cap: usize) -> Result<Vec<u64>, IndexError>;
    /// Documents holding a term.
    fn df(&self, term: u64) -> u32;
    /// Story-vector postings of a term.
    fn story_df(&self, term: u64) -> u32;
    /// Up to `limit` members of a story, the earliest first.
    fn members(&self, story: u32, limit: usize) -> Result<Vec<u32>, IndexError>;
    /// Whether two documents have a derived relation.
    fn related(&self, a: u32, b: u32) -> Result<bool, IndexError>;
}

impl<A, I, D, P, M, R> Lookup for View<'_, A, I, D, P, M, R>
where
    A: ReadableTable<u32, &'static [u8]>,
    I: ReadableTable<&'static str, u32>,
    D: ReadableTable<u32, (u32, f64, u64)>,
    P: ReadableTable<u128, ()>,
    M: ReadableTable<(u32, u32), ()>,
    R: ReadableTable<(u32, u32), ()>,
{
    fn documents(&self) -> u64 {
        self.held + self.pending.docs.len() as u64
    }

    fn docno(&self, id: &str) -> Result<Option<u32>, IndexError> {
        Ok(self.ids.get(id)?.map(|v| v.value()))
    }

    fn article(&self, doc: u32) -> Result<Article, IndexError> {
        if let Some((article, _)) = self.pending.docs.get(&doc) {
            return Ok(article.clone());
        }
        let bytes = self
            .articles
            .get(doc)?
            .ok_or_else(|| IndexError::Damaged { what: format!("article {doc}"), message: "missing".into() })?;
        store::decode_article(doc, bytes.value())
    }

    fn doc(&self, doc: u32, terms: &Terms) -> Result<Doc, IndexError> {
        if let Some((_, analysed)) = self.pending.docs.get(&doc) {
            return Ok(analysed.clone());
        }
        let cache = || self.memory.analysed.lock().unwrap_or_else(|e| e.into_inner());
        let hit = cache().get(&doc).cloned();
        if let Some(hit) = hit {
            return Ok((*hit).clone());
        }
        let analysed = Doc::from_article(&self.article(doc)?, terms);
        cache().put(doc, std::sync::Arc::new(analysed.clone()));
        Ok(analysed)
    }

    fn placed(&self, doc: u32) -> Result<(u32, Option<f64>), IndexError> {
        let (story, day, _) = self
            .docs
            .get(doc)?
            .ok_or_else(|| IndexError::Damaged { what: format!("document {doc}"), message: "no story".into() })?
            .value();
        Ok((story, (!day.is_nan()).then_some(day)))
    }

    fn postings(&self, tag: Tag, key: u64, cap: usize) -> Result<Vec<u64>, IndexError> {
        store::read_postings(&self.postings, tag, key, cap)
    }

    fn df(&self, term: u64) -> u32 {
        self.memory.df.get(&term).copied().unwrap_or(0) + self.pending.df.get(&term).copied().unwrap_or(0)
    }

    fn story_df(&self, term: u64) -> u32 {
        self.memory.story_df.get(&term).copied().unwrap_or(0) + self.pending.story_df.get(&term).copied().unwrap_or(0)
    }

    fn members(&self, story: u32, limit: usize) -> Result<Vec<u32>, IndexError> {
        let mut out = Vec::new();
        for row in self.members.range((story, 0)..=(story, u32::MAX))?.take(limit) {
            out.push(row?.0.value().1);
        }
        Ok(out)
    }

    fn related(&self, a: u32, b: u32) -> Result<bool, IndexError> {
        Ok(self.partners.get((a, b))?.is_some())
    }
}
