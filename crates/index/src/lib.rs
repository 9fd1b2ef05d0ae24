//! A persistent Stemma index: articles arrive one at a time, and each is
//! told at once what it is a copy of, what it changed and which story it
//! joins, against everything held.
//!
//! The index is one redb database (`DIR/index.redb`): transactional, so an
//! addition is all there or not at all, and readers (queries) run while an
//! addition is written. It holds each article as given and the postings
//! the batch's candidate step groups by (exact hashes, LSH bands, sentence
//! keys), the corpus statistics, the relations found and the stories. A new
//! article is analysed, its candidates looked up in the postings, and each
//! candidate pair aligned and judged by the same core step as a batch
//! ([`stemma::relate_pair`]); see `docs/api.md` for how the answers differ
//! from a batch over the same articles.
//!
//! ```
//! use stemma::ingest::Article;
//! use stemma_index::{Index, Status};
//!
//! let dir = std::env::temp_dir().join(format!("stemma-index-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let index = Index::create_or_open(&dir, None).unwrap();
//! let story = "The council approved a new budget for the harbour district on Monday.\n\
//!     Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
//!     Opposition members called the spending reckless and demanded an audit.\n\
//!     The vote passed by seven votes to four after a long debate.";
//! let trimmed = story.lines().take(3).collect::<Vec<_>>().join("\n");
//! index.add(vec![Article::from_text("wire", story)]).unwrap();
//! let found = index.query(vec![Article::from_text("reprint", &trimmed)]).unwrap();
//! assert_eq!(found[0].status, Status::Queried);
//! assert_eq!(found[0].relations[0]["kind"], "version");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod error;
mod store;
mod view;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata};
use serde::Serialize;
use stemma::candidates::Candidate;
use stemma::config::Config;
use stemma::ingest::Article;
use stemma::relate::{witness, Relation};
use stemma::sketch::Sketcher;
use stemma::stats::{CorpusStats, TermMap};
use stemma::stories::cluster::{day, kernel, vector, Vector};
use stemma::text::tokens::Terms;
use stemma::text::Doc;

pub use error::IndexError;
use store::Tag;
use view::{Lookup, ReadView, WriteView};

/// The storage format this build reads and writes.
pub const FORMAT: u32 = 1;

/// Members of a story read in search of independent accounts to confirm a
/// condensed rewrite: bounds the cost in a story of thousands.
const MAX_ACCOUNTS_READ: usize = 1000;

/// A relation as stored: `(source, copy)` and its JSON.
type StoredRelation = ((u32, u32), Vec<u8>);

/// The database file inside an index directory.
const FILE: &str = "index.redb";

/// A document's stable identity in an index: its number in the order the
/// index received it. The user's own id maps to it one to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

/// A persistent index. Cheap to share between threads: queries run in
/// parallel with one another and with an addition; additions take turns.
pub struct Index {
    db: Database,
    path: PathBuf,
    config: Config,
    sketcher: Sketcher,
    /// Term counts, read on every comparison: held in memory, loaded when
    /// the index opens and updated when an addition commits.
    memory: RwLock<Memory>,
    /// Held by an addition from its first read to its last update of
    /// `memory`, so that the next one starts from its counts.
    writer: Mutex<()>,
}

/// The term counts an index keeps in memory.
pub(crate) struct Memory {
    /// Documents holding each content term: the corpus statistics.
    pub df: TermMap<u32>,
    /// Story-vector postings of each term.
    pub story_df: TermMap<u32>,
    /// Held documents analysed lately: a source is compared with each of
    /// its copies as they arrive, and analysing it again each time would
    /// cost more than the comparison. Only committed documents enter it.
    pub analysed: Mutex<lru::LruCache<u32, std::sync::Arc<Doc>>>,
}

/// Held documents kept analysed in memory (about 10 KB each).
const ANALYSED_CACHE: usize = 10_000;

impl Memory {
    fn new(df: TermMap<u32>, story_df: TermMap<u32>) -> Memory {
        let capacity = std::num::NonZeroUsize::new(ANALYSED_CACHE).unwrap_or(std::num::NonZeroUsize::MIN);
        Memory { df, story_df, analysed: Mutex::new(lru::LruCache::new(capacity)) }
    }
}

/// What became of one article given to [`Index::add`] or [`Index::query`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stored now.
    Added,
    /// Already held under this id with the same text; nothing stored.
    Held,
    /// Compared without storing.
    Queried,
    /// Not stored: another article is held under this id (see `message`).
    Rejected,
}

/// The answer for one article: its relations to what the index holds and
/// its story.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The article's id.
    pub id: String,
    /// What was done with it.
    pub status: Status,
    /// Why it was rejected, or what to know about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Its number in the index, once stored (or where it is held).
    pub doc: Option<DocId>,
    /// The story it joined or started (for a query: would join; `None`
    /// when it would start one).
    pub story: Option<u32>,
    /// Its derived relations with held articles, each as `docs/schema.md`
    /// writes a relation (`a` the source when `direction` is set).
    pub relations: Vec<serde_json::Value>,
}

/// One stored article with what the index knows of it.
#[derive(Debug, Clone, Serialize)]
pub struct Held {
    /// Its number in the index.
    pub doc: DocId,
    /// Its story.
    pub story: u32,
    /// When it was added, Unix seconds.
    pub added: u64,
    /// The article as given.
    pub article: Article,
    /// Its relations, as in [`Outcome::relations`].
    pub relations: Vec<serde_json::Value>,
}

/// A story in the index.
#[derive(Debug, Clone, Serialize)]
pub struct StorySummary {
    /// The story's number.
    pub id: u32,
    /// Its articles.
    pub size: u32,
    /// When its first article was added, Unix seconds.
    pub first_added: u64,
    /// When its latest article was added, Unix seconds.
    pub last_added: u64,
}

/// Counts of what an index holds.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    /// The index directory.
    pub path: PathBuf,
    /// Storage format.
    pub format: u32,
    /// Articles held.
    pub documents: u64,
    /// Derived pairs held.
    pub relations: u64,
    /// Stories (including those of one article).
    pub stories: u64,
    /// Size of the database file in bytes.
    pub bytes: u64,
}

/// An article analysed and sketched, ready for the postings.
struct Prepared {
    article: Article,
    doc: Doc,
    exact: u64,
    bands: Vec<u64>,
    sentence_keys: Vec<(u64, u32)>,
    /// Distinct content terms, sorted.
    terms: Vec<u64>,
}

/// The per-article step's finding, before anything is stored.
struct Found {
    /// The newcomer first, then its candidate partners.
    local: Vec<Doc>,
    /// The index number of each of `local[1..]`.
    partners: Vec<u32>,
    /// Derived pairs, indices into `local`.
    relations: Vec<Relation>,
    /// The newcomer's story vector.
    vector: Vector,
    /// Its nearest neighbours, with their stories where known.
    near: Vec<(u32, f32, Option<u32>)>,
    /// The corpus statistics it was judged with, for the terms of `local`.
    stats: CorpusStats,
}

/// What the corpus statistics count beyond the held articles: the articles
/// being added (or the one queried), as a batch counts every article it
/// compares.
struct Counting<'a> {
    /// Documents holding each term, beyond the held ones.
    extra: &'a TermMap<u32>,
    /// Documents in all.
    documents: u64,
}

/// The answer for an article whose id is held (or given earlier in the
/// same addition) as document `doc` with `held_text`.
fn already(id: &str, doc: u32, held_text: &str, text: &str, story: Option<u32>) -> Outcome {
    let same = held_text.trim() == text.trim();
    Outcome {
        id: id.to_string(),
        status: if same { Status::Held } else { Status::Rejected },
        message: (!same)
            .then(|| format!("another article is held under this id (document {doc}); give this one its own id")),
        doc: Some(DocId(doc)),
        story,
        relations: Vec::new(),
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn damaged(what: impl Into<String>, message: impl ToString) -> IndexError {
    IndexError::Damaged { what: what.into(), message: message.to_string() }
}

impl Index {
    /// Opens the index in `dir`, creating it (and the directory) when there
    /// is none. A new index keeps `config` (the default when `None`); an
    /// existing one keeps its own, and refuses a different `config`.
    pub fn create_or_open(dir: &Path, config: Option<&Config>) -> Result<Index, IndexError> {
        let file = dir.join(FILE);
        if !file.exists() {
            if dir.is_dir() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false) {
                return Err(IndexError::NotAnIndex(dir.to_path_buf()));
            }
            std::fs::create_dir_all(dir).map_err(|e| IndexError::Open { path: dir.to_path_buf(), source: e.into() })?;
        }
        Index::open_file(dir, config, true)
    }

    /// Opens the existing index in `dir`; see [`Index::create_or_open`]
    /// for `config`.
    pub fn open(dir: &Path, config: Option<&Config>) -> Result<Index, IndexError> {
        if !dir.join(FILE).exists() {
            return Err(if dir.exists() {
                IndexError::NotAnIndex(dir.to_path_buf())
            } else {
                IndexError::Missing(dir.to_path_buf())
            });
        }
        Index::open_file(dir, config, false)
    }

    fn open_file(dir: &Path, config: Option<&Config>, create: bool) -> Result<Index, IndexError> {
        let open_error = |e: redb::Error| IndexError::Open { path: dir.to_path_buf(), source: e };
        let file = dir.join(FILE);
        let db =
            if create { Database::create(&file) } else { Database::open(&file) }.map_err(|e| open_error(e.into()))?;
        let txn = db.begin_write()?;
        let stored = {
            let mut meta = txn.open_table(store::META)?;
            let format = store::counter(&meta, "format")? as u32;
            let stored: Option<Config> = match meta.get("config")? {
                Some(bytes) => Some(serde_json::from_slice(bytes.value()).map_err(|e| damaged("configuration", e))?),
                None => None,
            };
            match stored {
                Some(stored) => {
                    if format != FORMAT {
                        return Err(IndexError::Format { path: dir.to_path_buf(), found: format, expected: FORMAT });
                    }
                    stored
                }
                None => {
                    let config = config.cloned().unwrap_or_default();
                    let json = serde_json::to_vec(&config).map_err(|e| damaged("configuration", e))?;
                    meta.insert("config", json.as_slice())?;
                    meta.insert("format", (FORMAT as u64).to_le_bytes().as_slice())?;
                    config
                }
            }
        };
        // Every table exists from here on, so that readers can open them.
        {
            txn.open_table(store::ARTICLES)?;
            txn.open_table(store::IDS)?;
            txn.open_table(store::DOCS)?;
            txn.open_table(store::POSTINGS)?;
            txn.open_table(store::DF)?;
            txn.open_table(store::STORY_DF)?;
            txn.open_table(store::RELATIONS)?;
            txn.open_table(store::PARTNERS)?;
            txn.open_table(store::MEMBERS)?;
            txn.open_table(store::STORIES)?;
        }
        txn.commit()?;
        if config.is_some_and(|c| *c != stored) {
            return Err(IndexError::ConfigMismatch(dir.to_path_buf()));
        }
        let read = db.begin_read()?;
        let memory = Memory::new(
            store::load_counts(&read.open_table(store::DF)?)?,
            store::load_counts(&read.open_table(store::STORY_DF)?)?,
        );
        drop(read);
        Ok(Index {
            db,
            path: dir.to_path_buf(),
            sketcher: Sketcher::new(&stored.sketch),
            config: stored,
            memory: RwLock::new(memory),
            writer: Mutex::new(()),
        })
    }

    /// The configuration the index was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Analyses and sketches articles, in parallel.
    fn prepare(&self, articles: Vec<Article>) -> Vec<Prepared> {
        articles
            .into_par_iter()
            .map_init(Terms::default, |terms, article| {
                let doc = Doc::from_article(&article, terms);
                let (exact, bands) = self.sketcher.exact_and_bands(&doc);
                let sentence_keys = self.sketcher.sentence_keys(&doc);
                let mut distinct = doc.terms.clone();
                distinct.sort_unstable();
                distinct.dedup();
                Prepared { article, doc, exact, bands, sentence_keys, terms: distinct }
            })
            .collect()
    }

    /// Adds articles in one transaction and says what each is a copy of.
    /// Each is compared with everything held and with those before it in
    /// `articles`, with the corpus statistics of both; when this returns,
    /// all are stored durably, and if it fails, none is.
    pub fn add(&self, articles: Vec<Article>) -> Result<Vec<Outcome>, IndexError> {
        let prepared = self.prepare(articles);
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let memory = self.memory.read().unwrap_or_else(|e| e.into_inner());
        let read = self.db.begin_read()?;
        let snapshot = ReadView::open(&read, &memory)?;
        let held = snapshot.held;

        // Ids held already, or given twice, are answered without analysis.
        let mut answered: Vec<Option<Outcome>> = Vec::with_capacity(prepared.len());
        let mut fresh: Vec<usize> = Vec::new();
        // Each fresh id's article, and its place among the fresh ones.
        let mut first: HashMap<&str, (usize, usize)> = HashMap::new();
        for (k, p) in prepared.iter().enumerate() {
            let id = p.article.id.as_str();
            let earlier = match snapshot.docno(id)? {
                Some(doc) => Some((doc, snapshot.article(doc)?.text, Some(snapshot.placed(doc)?.0))),
                None => {
                    first.get(id).map(|&(f, at)| ((held + at as u64) as u32, prepared[f].article.text.clone(), None))
                }
            };
            answered.push(earlier.map(|(doc, text, story)| already(id, doc, &text, &p.article.text, story)));
            if answered[k].is_none() {
                first.insert(id, (k, fresh.len()));
                fresh.push(k);
            }
        }
        let mut chunk_df: TermMap<u32> = TermMap::default();
        for &k in &fresh {
            for &term in &prepared[k].terms {
                *chunk_df.entry(term).or_insert(0) += 1;
            }
        }
        let counting = Counting { extra: &chunk_df, documents: held + fresh.len() as u64 };
        let mates = self.mates(&prepared, &fresh);
        let mut found: Vec<Found> = fresh
            .par_iter()
            .zip(mates)
            .map_init(Terms::default, |terms, (&k, mates)| {
                let mates = mates
                    .into_iter()
                    .map(|(i, c)| ((held + i as u64) as u32, prepared[fresh[i]].doc.clone(), c))
                    .collect();
                self.find(&snapshot, &prepared[k], None, mates, &counting, terms)
            })
            .collect::<Result<_, _>>()?;
        let days: Vec<Option<f64>> = fresh.iter().map(|&k| day(&prepared[k].doc)).collect();
        let similar = self.similar_mates(&found, &days);
        found.par_iter_mut().zip(similar).enumerate().try_for_each(|(i, (f, mates))| {
            let mates = mates.into_iter().map(|(m, s)| ((held + m as u64) as u32, s)).collect();
            f.near = self.neighbours(&snapshot, &f.vector, days[i], mates)?;
            Ok::<(), IndexError>(())
        })?;
        drop(snapshot);
        drop(read);

        let txn = self.db.begin_write()?;
        let mut outcomes = Vec::with_capacity(prepared.len());
        let (df, story_df) = {
            let mut view = WriteView::open(&txn, &memory)?;
            let mut written = Written {
                meta: txn.open_table(store::META)?,
                stories: txn.open_table(store::STORIES)?,
                relations: txn.open_table(store::RELATIONS)?,
            };
            let terms = Terms::default();
            let added = now();
            let mut found = found.into_iter();
            for (p, answer) in prepared.into_iter().zip(answered) {
                let outcome = match answer {
                    Some(answer) => answer,
                    None => {
                        let f = found.next().ok_or_else(|| damaged("addition", "an article was not compared"))?;
                        self.add_one(&mut view, &mut written, p, f, &terms, added)?
                    }
                };
                outcomes.push(outcome);
            }
            written.finish(&mut view, &txn)?
        };
        drop(memory);
        txn.commit()?;
        // Only what is committed is counted.
        let mut memory = self.memory.write().unwrap_or_else(|e| e.into_inner());
        memory.df.extend(df);
        memory.story_df.extend(story_df);
        Ok(outcomes)
    }

    /// The candidate partners of each fresh article among the fresh
    /// articles before it in the same addition (`(position in fresh,
    /// candidate)`), from the batch's candidate step over them.
    fn mates(&self, prepared: &[Prepared], fresh: &[usize]) -> Vec<Vec<(usize, Candidate)>> {
        let mut mates = vec![Vec::new(); fresh.len()];
        if fresh.len() < 2 {
            return mates;
        }
        let docs: Vec<Doc> = fresh.iter().map(|&k| prepared[k].doc.clone()).collect();
        let keys = stemma::candidates::Keys::of_documents(&docs, &self.sketcher);
        for c in stemma::candidates::candidates(keys, &self.config.candidates) {
            mates[c.b as usize].push((c.a as usize, c));
        }
        mates
    }

    /// For each fresh article, the fresh articles before it whose story
    /// vectors are similar enough to be neighbours (`(position, similarity)`,
    /// with the time kernel), from an inverted index over the addition.
    fn similar_mates(&self, found: &[Found], days: &[Option<f64>]) -> Vec<Vec<(usize, f32)>> {
        let config = &self.config.stories;
        let mut postings: HashMap<u64, Vec<(usize, f32)>> = HashMap::new();
        let mut out = Vec::with_capacity(found.len());
        for (j, f) in found.iter().enumerate() {
            let mut acc: HashMap<usize, f32> = HashMap::new();
            for &(term, w) in &f.vector {
                let list = postings.entry(term).or_default();
                if list.len() <= config.max_term_documents {
                    for &(i, wi) in list.iter() {
                        *acc.entry(i).or_insert(0.0) += w * wi;
                    }
                    list.push((j, w));
                }
            }
            out.push(
                acc.into_iter()
                    .map(|(i, s)| (i, s * kernel(days[j], days[i], config)))
                    .filter(|&(_, s)| s as f64 >= config.min_neighbor_similarity)
                    .collect(),
            );
        }
        out
    }

    /// Says what each article is a copy of, without storing any; each is
    /// compared with what the index holds only, in parallel.
    pub fn query(&self, articles: Vec<Article>) -> Result<Vec<Outcome>, IndexError> {
        let prepared = self.prepare(articles);
        let memory = self.memory.read().unwrap_or_else(|e| e.into_inner());
        let txn = self.db.begin_read()?;
        let view = ReadView::open(&txn, &memory)?;
        prepared
            .par_iter()
            .map_init(Terms::default, |terms, p| {
                let doc = view.docno(&p.article.id)?;
                // The query counts as one more document, as if held.
                let own: TermMap<u32> = p.terms.iter().map(|&t| (t, 1)).collect();
                let counting = Counting { extra: &own, documents: view.held + 1 };
                let mut found = self.find(&view, p, doc, Vec::new(), &counting, terms)?;
                found.near = self
                    .neighbours(&view, &found.vector, day(&p.doc), Vec::new())?
                    .into_iter()
                    .filter(|&(d, _, _)| Some(d) != doc)
                    .collect();
                let story = self.place(&view, &mut found, terms)?;
                Ok(Outcome {
                    id: p.article.id.clone(),
                    status: Status::Queried,
                    message: doc
                        .map(|d| format!("an article is held under this id (document {d}); compared with the others")),
                    doc: None,
                    story,
                    relations: relations_json(&found.local, &found.relations),
                })
            })
            .collect()
    }

    fn add_one(
        &self,
        v: &mut WriteView<'_, '_>,
        w: &mut Written<'_>,
        p: Prepared,
        mut found: Found,
        terms: &Terms,
        added: u64,
    ) -> Result<Outcome, IndexError> {
        let id = p.article.id.clone();
        let held = v.documents();
        let docno = u32::try_from(held)
            .map_err(|_| damaged("document count", "an index holds at most 4,294,967,295 articles"))?;
        let story = match self.place(v, &mut found, terms)? {
            Some(story) => story,
            None => {
                let next = store::counter(&w.meta, "next_story")?;
                w.meta.insert("next_story", (next + 1).to_le_bytes().as_slice())?;
                next as u32
            }
        };
        let json = serde_json::to_vec(&p.article).map_err(|e| damaged(format!("article {id}"), e))?;
        v.articles.insert(docno, json.as_slice())?;
        v.ids.insert(id.as_str(), docno)?;
        v.docs.insert(docno, (story, day(&p.doc).unwrap_or(f64::NAN), added))?;
        v.members.insert((story, docno), ())?;
        let pending = &mut v.pending;
        pending.keys.push(store::posting(Tag::Exact, p.exact, store::value(docno, 0)));
        for &band in &p.bands {
            pending.keys.push(store::posting(Tag::Band, band, store::value(docno, 0)));
        }
        for &(key, sentence) in &p.sentence_keys {
            pending.keys.push(store::posting(Tag::Sentence, key, store::value(docno, sentence as u64)));
        }
        for &term in &p.terms {
            *pending.df.entry(term).or_insert(0) += 1;
        }
        // A list longer than the cap is never read: it is not written either.
        let story_cap = self.config.stories.max_term_documents as u32;
        for &(term, weight) in &found.vector {
            if v.story_df(term) <= story_cap {
                v.pending.keys.push(store::posting(Tag::StoryTerm, term, store::value(docno, store::quantise(weight))));
                *v.pending.story_df.entry(term).or_insert(0) += 1;
            }
        }
        let (first, _, size) = w.stories.get(story)?.map_or((added, added, 0), |s| s.value());
        w.stories.insert(story, (first, added, size + 1))?;
        let number = |i: usize| if i == 0 { docno } else { found.partners[i - 1] };
        let relations = relations_json(&found.local, &found.relations);
        for (r, json) in found.relations.iter().zip(&relations) {
            let (a, b) = (number(r.a), number(r.b));
            let bytes = serde_json::to_vec(json).map_err(|e| damaged(format!("relation of {id}"), e))?;
            w.relations.insert((a, b), bytes.as_slice())?;
            v.partners.insert((a, b), ())?;
            v.partners.insert((b, a), ())?;
        }
        let mut local = found.local;
        v.pending.docs.insert(docno, (p.article, local.swap_remove(0)));
        Ok(Outcome { id, status: Status::Added, message: None, doc: Some(DocId(docno)), story: Some(story), relations })
    }

    /// The per-article step: candidates from the postings (and `mates`,
    /// candidates added in the same transaction), each aligned and judged
    /// with the corpus statistics as they stand. `itself`, when the
    /// article is held already, is left out of its own candidates.
    fn find(
        &self,
        view: &impl Lookup,
        p: &Prepared,
        itself: Option<u32>,
        mates: Vec<(u32, Doc, Candidate)>,
        counting: &Counting<'_>,
        terms: &Terms,
    ) -> Result<Found, IndexError> {
        let config = &self.config;
        let mut found = self.candidates(view, p)?;
        if let Some(me) = itself {
            found.remove(&me);
        }
        let mut local = Vec::with_capacity(found.len() + mates.len() + 1);
        local.push(p.doc.clone());
        let mut partners = Vec::with_capacity(found.len() + mates.len());
        let mut pairs = Vec::with_capacity(found.len() + mates.len());
        for (&docno, c) in &found {
            local.push(view.doc(docno, terms)?);
            partners.push(docno);
            pairs.push(Candidate { a: 0, b: partners.len() as u32, ..*c });
        }
        for (docno, doc, c) in mates {
            local.push(doc);
            partners.push(docno);
            pairs.push(Candidate { a: 0, b: partners.len() as u32, ..c });
        }
        let mut stats = CorpusStats::new(counting.documents, Default::default());
        for doc in &local {
            for &term in &doc.terms {
                stats.df.entry(term).or_insert_with(|| view.df(term) + counting.extra.get(&term).copied().unwrap_or(0));
            }
        }
        let mut relations: Vec<Relation> =
            pairs.iter().filter_map(|c| stemma::relate_pair(&local, c, &stats, &self.sketcher, config)).collect();
        stemma::relate::direct_merges(&local, &mut relations, &config.relate);
        let vector = vector(&local[0], &stats, &config.stories);
        Ok(Found { local, partners, relations, vector, near: Vec::new(), stats })
    }

    /// The story a compared article joins (`None`: it starts one), once the
    /// articles before it are placed; a condensed rewrite is confirmed or
    /// judged again against the story's accounts here.
    fn place(&self, view: &impl Lookup, found: &mut Found, terms: &Terms) -> Result<Option<u32>, IndexError> {
        let config = &self.config;
        let firm = found.relations.iter().filter(|r| !witness::tentative(r, &config.relate));
        // A copy belongs to its source's story (a family never spans two).
        let story = match firm.max_by(|x, y| x.score.total_cmp(&y.score)) {
            Some(r) => Some(view.placed(found.partners[r.a.max(r.b) - 1])?.0),
            None => self.vote(view, &found.near)?,
        };
        if found.relations.iter().any(witness::condensed) {
            let n = found.partners.len() + 1;
            self.confirm(view, found, story, terms)?;
            found.local.truncate(n);
        }
        Ok(story)
    }

    /// Candidate partners of an article and why, by index number: the
    /// batch's three sources of candidates, looked up in the postings. As
    /// in the batch, a key held by more than `max_key_documents` documents
    /// pairs with its first only (hashes, bands) or not at all (sentences).
    fn candidates(&self, view: &impl Lookup, p: &Prepared) -> Result<BTreeMap<u32, Candidate>, IndexError> {
        let config = &self.config.candidates;
        let cap = config.max_key_documents;
        let mut found: BTreeMap<u32, Candidate> = BTreeMap::new();
        let blank = Candidate { a: 0, b: 0, exact: false, lsh: false, shared_sentences: 0 };
        let group = |values: Vec<u64>| -> Vec<u32> {
            let take = if values.len() + 1 > cap { 1 } else { values.len() };
            values.into_iter().take(take).map(|v| store::split(v).0).collect()
        };
        for d in group(view.postings(Tag::Exact, p.exact, cap)?) {
            let c = found.entry(d).or_insert(blank);
            c.exact = true;
            c.lsh = true;
        }
        for &band in &p.bands {
            for d in group(view.postings(Tag::Band, band, cap)?) {
                found.entry(d).or_insert(blank).lsh = true;
            }
        }
        // Distinct sentences on both sides, per document.
        let mut shared: HashMap<u32, (Vec<u32>, Vec<u32>)> = HashMap::new();
        for &(key, mine) in &p.sentence_keys {
            let values = view.postings(Tag::Sentence, key, cap)?;
            // Postings, not documents: a document repeating a sentence
            // counts twice, which only makes the cut a little earlier.
            if values.len() + 1 > cap {
                continue;
            }
            for v in values {
                let (d, theirs) = store::split(v);
                let entry = shared.entry(d).or_default();
                entry.0.push(mine);
                entry.1.push(theirs as u32);
            }
        }
        for (d, (mut mine, mut theirs)) in shared {
            mine.sort_unstable();
            mine.dedup();
            theirs.sort_unstable();
            theirs.dedup();
            let n = mine.len().min(theirs.len());
            if n >= config.min_shared_sentences || found.contains_key(&d) {
                found.entry(d).or_insert(blank).shared_sentences = n as u32;
            }
        }
        Ok(found)
    }

    /// The article's nearest neighbours by story vector (with the batch's
    /// time kernel), best first: held articles from the postings, with
    /// their stories, and `mates` (articles of the same addition, already
    /// weighed, stories not yet known).
    fn neighbours(
        &self,
        view: &impl Lookup,
        v: &Vector,
        when: Option<f64>,
        mates: Vec<(u32, f32)>,
    ) -> Result<Vec<(u32, f32, Option<u32>)>, IndexError> {
        let config = &self.config.stories;
        if !config.enabled {
            return Ok(Vec::new());
        }
        let cap = config.max_term_documents;
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for &(term, w) in v {
            // As in the batch, a term held by very many articles tells no
            // event apart and would cost too much to follow.
            if view.story_df(term) as usize > cap {
                continue;
            }
            for value in view.postings(Tag::StoryTerm, term, cap)? {
                let (d, q) = store::split(value);
                *acc.entry(d).or_insert(0.0) += w * store::dequantise(q);
            }
        }
        let best_first =
            |x: &(u32, f32, Option<u32>), y: &(u32, f32, Option<u32>)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
        let mut near: Vec<(u32, f32, Option<u32>)> = mates.into_iter().map(|(d, s)| (d, s, None)).collect();
        let mut held: Vec<(u32, f32)> =
            acc.into_iter().filter(|&(_, s)| s as f64 >= config.min_neighbor_similarity).collect();
        held.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        for (d, s) in held {
            // The time kernel only lowers a similarity: once the untimed one
            // is below the k-th best timed, no later article can enter.
            near.sort_unstable_by(best_first);
            if config.neighbors > 0 && near.len() >= config.neighbors && near[config.neighbors - 1].1 >= s {
                break;
            }
            let (story, their_day) = view.placed(d)?;
            let s = s * kernel(when, their_day, config);
            if s as f64 >= config.min_neighbor_similarity {
                near.push((d, s, Some(story)));
            }
        }
        near.sort_unstable_by(best_first);
        near.truncate(config.neighbors);
        Ok(near)
    }

    /// The story most of the nearest neighbours belong to, when they are
    /// enough of them to link the article (`stories.link_threshold` of
    /// `stories.neighbors + 1`, as the batch's shared-neighbour
    /// similarity); `None` when it starts a story.
    fn vote(&self, view: &impl Lookup, near: &[(u32, f32, Option<u32>)]) -> Result<Option<u32>, IndexError> {
        let config = &self.config.stories;
        let mut votes: BTreeMap<u32, (usize, f32)> = BTreeMap::new();
        for &(d, s, story) in near {
            let story = match story {
                Some(story) => story,
                None => view.placed(d)?.0,
            };
            let v = votes.entry(story).or_insert((0, 0.0));
            v.0 += 1;
            v.1 += s;
        }
        let best =
            votes.into_iter().max_by(|x, y| x.1 .0.cmp(&y.1 .0).then(x.1 .1.total_cmp(&y.1 .1)).then(y.0.cmp(&x.0)));
        Ok(best
            .filter(|(_, (n, _))| *n as f64 / (config.neighbors as f64 + 1.0) >= config.link_threshold)
            .map(|(story, _)| story))
    }

    /// Confirms or re-judges the newcomer's condensed rewrites as the batch
    /// does, with the independent accounts of the stories
    /// involved: up to `relate.witnesses` held members of each that have
    /// no relation with the newcomer's partners (a copy of the source
    /// would only repeat it).
    fn confirm(
        &self,
        view: &impl Lookup,
        found: &mut Found,
        story: Option<u32>,
        terms: &Terms,
    ) -> Result<(), IndexError> {
        let config = &self.config.relate;
        // A story that does not exist yet gets a label no held story has.
        let mut labels: Vec<u32> = vec![story.unwrap_or(u32::MAX)];
        let mut seen: Vec<u32> = found.partners.clone();
        for &d in &found.partners {
            labels.push(view.placed(d)?.0);
        }
        let mut stories: Vec<u32> = labels.clone();
        stories.sort_unstable();
        stories.dedup();
        for s in stories.into_iter().filter(|&s| s != u32::MAX) {
            let mut accounts = 0;
            for d in view.members(s, MAX_ACCOUNTS_READ)? {
                if accounts >= config.witnesses + found.partners.len() {
                    break;
                }
                if !seen.contains(&d)
                    && !found
                        .partners
                        .iter()
                        .try_fold(false, |any, &p| Ok::<_, IndexError>(any || view.related(d, p)?))?
                {
                    accounts += 1;
                    seen.push(d);
                    let doc = view.doc(d, terms)?;
                    for &term in &doc.terms {
                        found.stats.df.entry(term).or_insert_with(|| view.df(term));
                    }
                    found.local.push(doc);
                    labels.push(s);
                }
            }
        }
        // A partner related to another (the short text's source, say) is no
        // account of their pair, as in the batch, which sees every relation.
        let n = found.partners.len();
        let mut known = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                if view.related(found.partners[i], found.partners[j])? {
                    known.push((i + 1, j + 1));
                }
            }
        }
        witness::confirm_condensed(&found.local, &mut found.relations, &known, &labels, &found.stats, config);
        Ok(())
    }

    /// The article held under `id`, with its story and relations.
    pub fn get(&self, id: &str) -> Result<Option<Held>, IndexError> {
        let txn = self.db.begin_read()?;
        let Some(doc) = txn.open_table(store::IDS)?.get(id)?.map(|v| v.value()) else { return Ok(None) };
        let articles = txn.open_table(store::ARTICLES)?;
        let bytes = articles.get(doc)?.ok_or_else(|| damaged(format!("article {doc}"), "missing"))?;
        let article = store::decode_article(doc, bytes.value())?;
        let (story, _, added) = txn
            .open_table(store::DOCS)?
            .get(doc)?
            .map(|v| v.value())
            .ok_or_else(|| damaged(format!("document {doc}"), "no story"))?;
        let partners = txn.open_table(store::PARTNERS)?;
        let stored = txn.open_table(store::RELATIONS)?;
        let mut relations = Vec::new();
        for row in partners.range((doc, 0)..=(doc, u32::MAX))? {
            let other = row?.0.value().1;
            for key in [(doc, other), (other, doc)] {
                if let Some(bytes) = stored.get(key)? {
                    let json =
                        serde_json::from_slice(bytes.value()).map_err(|e| damaged(format!("relation {key:?}"), e))?;
                    relations.push(json);
                }
            }
        }
        Ok(Some(Held { doc: DocId(doc), story, added, article, relations }))
    }

    /// A story's summary and up to `limit` of its articles, the earliest
    /// added first; `None` when there is no such story.
    pub fn story(&self, story: u32, limit: usize) -> Result<Option<(StorySummary, Vec<Article>)>, IndexError> {
        let txn = self.db.begin_read()?;
        let Some((first, last, size)) = txn.open_table(store::STORIES)?.get(story)?.map(|v| v.value()) else {
            return Ok(None);
        };
        let memory = self.memory.read().unwrap_or_else(|e| e.into_inner());
        let view = ReadView::open(&txn, &memory)?;
        let articles = view.members(story, limit)?.into_iter().map(|d| view.article(d)).collect::<Result<_, _>>()?;
        Ok(Some((StorySummary { id: story, size, first_added: first, last_added: last }, articles)))
    }

    /// Stories with an article added at or after `since` (Unix seconds),
    /// the most recently grown first, at most `limit`, of at least
    /// `min_size` articles.
    pub fn stories_since(&self, since: u64, min_size: u32, limit: usize) -> Result<Vec<StorySummary>, IndexError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(store::STORIES)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (id, v) = row?;
            let (first, last, size) = v.value();
            if last >= since && size >= min_size {
                out.push(StorySummary { id: id.value(), size, first_added: first, last_added: last });
            }
        }
        out.sort_by_key(|s| (std::cmp::Reverse(s.last_added), std::cmp::Reverse(s.size), s.id));
        out.truncate(limit);
        Ok(out)
    }

    /// Every derived pair held: `(a id, b id, kind)`, `a` the source when
    /// the direction is known.
    pub fn pairs(&self) -> Result<Vec<(String, String, String)>, IndexError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(store::RELATIONS)?;
        let mut out = Vec::new();
        for row in table.iter()? {
            let (key, v) = row?;
            let json: serde_json::Value =
                serde_json::from_slice(v.value()).map_err(|e| damaged(format!("relation {:?}", key.value()), e))?;
            let field = |name: &str| json[name].as_str().unwrap_or_default().to_string();
            out.push((field("a"), field("b"), field("kind")));
        }
        Ok(out)
    }

    /// Checks that every held article is whole: its id, its story and its
    /// exact-hash posting agree with the counters. Returns the number of
    /// articles checked.
    pub fn check(&self) -> Result<u64, IndexError> {
        let txn = self.db.begin_read()?;
        let memory = self.memory.read().unwrap_or_else(|e| e.into_inner());
        let view = ReadView::open(&txn, &memory)?;
        let held = view.held;
        let wrong = |message: String| damaged("index", message);
        let (articles, ids, docs) = (view.articles.len()?, view.ids.len()?, view.docs.len()?);
        if articles != held || ids != held || docs != held {
            return Err(wrong(format!("{held} documents counted, {articles} articles, {ids} ids, {docs} placed")));
        }
        let terms = Terms::default();
        for row in view.ids.iter()? {
            let (id, doc) = row?;
            let doc = doc.value();
            let article = view.article(doc)?;
            if article.id != id.value() {
                return Err(wrong(format!("id {} points at article {}", id.value(), article.id)));
            }
            let (story, _) = view.placed(doc)?;
            if view.members.get((story, doc))?.is_none() {
                return Err(wrong(format!("article {} is missing from its story {story}", article.id)));
            }
            let exact = self.sketcher.exact_and_bands(&Doc::from_article(&article, &terms)).0;
            let postings = store::read_postings(&view.postings, Tag::Exact, exact, usize::MAX - 1)?;
            if !postings.iter().any(|&v| store::split(v).0 == doc) {
                return Err(wrong(format!("article {} has no postings", article.id)));
            }
        }
        Ok(held)
    }

    /// Judges every held pair again with the corpus statistics as they
    /// stand now, and replaces the relations held: an index grown one
    /// article at a time judged its early pairs with the statistics of a
    /// few articles. Stories are left as they are. Costs about what adding
    /// every article again costs, without the writing; additions wait.
    /// Returns the number of relations before and after.
    pub fn refresh(&self) -> Result<(u64, u64), IndexError> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let memory = self.memory.read().unwrap_or_else(|e| e.into_inner());
        let read = self.db.begin_read()?;
        let view = ReadView::open(&read, &memory)?;
        let held = view.held;
        let before = read.open_table(store::RELATIONS)?.len()?;
        let none = TermMap::default();
        let counting = Counting { extra: &none, documents: held };
        let mut judged: Vec<StoredRelation> = Vec::new();
        const CHUNK: u64 = 1000;
        for start in (0..held).step_by(CHUNK as usize) {
            let docnos: Vec<u32> = (start..(start + CHUNK).min(held)).map(|d| d as u32).collect();
            let articles = docnos.iter().map(|&d| view.article(d)).collect::<Result<Vec<_>, _>>()?;
            let prepared = self.prepare(articles);
            let found: Vec<Vec<StoredRelation>> = prepared
                .par_iter()
                .zip(&docnos)
                .map_init(Terms::default, |terms, (p, &d)| {
                    let mut found = self.find(&view, p, Some(d), Vec::new(), &counting, terms)?;
                    if found.relations.iter().any(witness::condensed) {
                        let n = found.partners.len() + 1;
                        let story = view.placed(d)?.0;
                        self.confirm(&view, &mut found, Some(story), terms)?;
                        found.local.truncate(n);
                    }
                    let number = |i: usize| if i == 0 { d } else { found.partners[i - 1] };
                    // Each pair once: when its later article is judged.
                    let mut out = Vec::new();
                    for r in &found.relations {
                        let (a, b) = (number(r.a), number(r.b));
                        if a.max(b) != d {
                            continue;
                        }
                        let json = serde_json::to_vec(&stemma::report::relation(r, &found.local))
                            .map_err(|e| damaged(format!("relation of {}", p.article.id), e))?;
                        out.push(((a, b), json));
                    }
                    Ok(out)
                })
                .collect::<Result<_, IndexError>>()?;
            judged.extend(found.into_iter().flatten());
        }
        drop(view);
        drop(read);
        drop(memory);
        let txn = self.db.begin_write()?;
        {
            txn.delete_table(store::RELATIONS)?;
            txn.delete_table(store::PARTNERS)?;
            let mut relations = txn.open_table(store::RELATIONS)?;
            let mut partners = txn.open_table(store::PARTNERS)?;
            for ((a, b), json) in &judged {
                relations.insert((*a, *b), json.as_slice())?;
                partners.insert((*a, *b), ())?;
                partners.insert((*b, *a), ())?;
            }
        }
        txn.commit()?;
        Ok((before, judged.len() as u64))
    }

    /// Rewrites the database file without its free pages, and returns its
    /// size in bytes afterwards. Takes the writer's turn; queries wait.
    pub fn compact(&mut self) -> Result<u64, IndexError> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        self.db.compact().map_err(|e| IndexError::Storage(e.into()))?;
        Ok(std::fs::metadata(self.path.join(FILE)).map_or(0, |m| m.len()))
    }

    /// Counts of what the index holds.
    pub fn info(&self) -> Result<Info, IndexError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(store::META)?;
        Ok(Info {
            path: self.path.clone(),
            format: FORMAT,
            documents: store::counter(&meta, "documents")?,
            relations: txn.open_table(store::RELATIONS)?.len()?,
            stories: txn.open_table(store::STORIES)?.len()?,
            bytes: std::fs::metadata(self.path.join(FILE)).map_or(0, |m| m.len()),
        })
    }
}

/// The relations as the report writes them.
fn relations_json(local: &[Doc], relations: &[Relation]) -> Vec<serde_json::Value> {
    relations
        .iter()
        .map(|r| serde_json::to_value(stemma::report::relation(r, local)).unwrap_or(serde_json::Value::Null))
        .collect()
}

/// The tables an addition writes but the per-article step never reads.
struct Written<'t> {
    meta: redb::Table<'t, &'static str, &'static [u8]>,
    stories: redb::Table<'t, u32, (u64, u64, u32)>,
    relations: redb::Table<'t, (u32, u32), &'static [u8]>,
}

impl Written<'_> {
    /// Writes what the transaction's additions left pending (postings
    /// sorted, term counts as totals) and the document count; returns the
    /// new totals of the term counts, for memory once committed.
    fn finish(
        &mut self,
        view: &mut WriteView<'_, '_>,
        txn: &redb::WriteTransaction,
    ) -> Result<(TermMap<u32>, TermMap<u32>), IndexError> {
        let mut pending = std::mem::take(&mut view.pending);
        pending.keys.par_sort_unstable();
        for &key in &pending.keys {
            view.postings.insert(key, ())?;
        }
        let totals =
            |table: store::Counts, added: TermMap<u32>, held: &TermMap<u32>| -> Result<TermMap<u32>, IndexError> {
                let mut table = txn.open_table(table)?;
                let mut sorted: Vec<(u64, u32)> =
                    added.into_iter().map(|(t, n)| (t, held.get(&t).copied().unwrap_or(0) + n)).collect();
                sorted.sort_unstable();
                for &(t, n) in &sorted {
                    table.insert(t, n)?;
                }
                Ok(sorted.into_iter().collect())
            };
        let df = totals(store::DF, pending.df, &view.memory.df)?;
        let story_df = totals(store::STORY_DF, pending.story_df, &view.memory.story_df)?;
        let documents = view.held + pending.docs.len() as u64;
        self.meta.insert("documents", documents.to_le_bytes().as_slice())?;
        Ok((df, story_df))
    }
}
