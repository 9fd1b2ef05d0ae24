//! Stemma traces news copy: which articles are copies of which (duplicates,
//! versions, paraphrased rewrites) and what each copy changed.
//!
//! The pipeline reads left to right, one module per stage:
//!
//! ```text
//! ingest → text → sketch → candidates → align → relate → stories → report
//! Article  Doc    Sketch   Candidate    Alignment Relation  Story     JSON / terminal
//! ```
//!
//! [`analyze`] runs it all; every stage is public for callers that need one.
//! All thresholds live in [`config::Config`].
//!
//! ```
//! use stemma::{analyze, config::Config, ingest::Article, relate::RelationKind, Quiet};
//!
//! let article = Article::from_text;
//! let story = "The council approved a new budget for the harbour district on Monday.\n\
//!     Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
//!     Opposition members called the spending reckless and demanded an audit.\n\
//!     The vote passed by seven votes to four after a long debate.";
//! let trimmed = story.lines().take(3).collect::<Vec<_>>().join("\n");
//! let analysis = analyze(&[article("wire", story), article("reprint", &trimmed)], &Config::default(), &Quiet);
//! assert_eq!(analysis.relations.len(), 1);
//! assert_eq!(analysis.relations[0].kind, RelationKind::Version);
//! ```

pub mod align;
pub mod candidates;
pub mod components;
pub mod config;
pub mod ingest;
pub mod neardup;
pub mod relate;
pub mod report;
mod scratch;
pub mod sketch;
pub mod stats;
pub mod stories;
pub mod text;

use rayon::prelude::*;

use config::Config;
use ingest::Article;
use relate::Relation;
use sketch::Sketcher;
use stats::CorpusStats;
use text::spill::{Span, Spiller, Texts};
use text::tokens::Terms;
use text::Doc;

/// Receives progress from a long analysis; the command line shows it on a
/// terminal. Called from several threads.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work.
    fn stage(&self, name: &'static str, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The whole analysis is done.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// The result of an analysis.
#[derive(Debug)]
pub struct Analysis {
    /// Analysed documents, in input order. Past the memory budget of a
    /// large batch some hold no text and no terms: see `texts`.
    pub documents: Vec<Doc>,
    /// The texts and terms `documents` do not hold ([`text::spill`]): none unless
    /// [`analyze_inputs`] read more than
    /// [`config::IngestConfig::max_held_text_bytes`] of text.
    pub texts: Texts,
    /// Derived pairs, ordered by source then copy index.
    pub relations: Vec<Relation>,
    /// Stories of two or more documents, largest first.
    pub stories: Vec<stories::Story>,
    /// Candidate pairs that were aligned.
    pub candidates: usize,
    /// The configuration that produced this result.
    pub config: Config,
}

impl Analysis {
    /// Brings every text (with its terms) back into its document, for a
    /// caller that reads texts at will (the terminal and HTML reports); the
    /// JSON report reads them back a chunk at a time instead.
    pub fn hold_texts(&mut self) {
        self.texts.hold_all(&mut self.documents);
    }
}

/// Runs the whole pipeline on a batch of articles.
pub fn analyze(articles: &[Article], config: &Config, progress: &dyn Progress) -> Analysis {
    analyze_owned(articles.to_vec(), config, progress)
}

/// Runs the whole pipeline, consuming the articles: each is dropped as soon
/// as it is analysed, which keeps peak memory down on large inputs.
pub fn analyze_owned(articles: Vec<Article>, config: &Config, progress: &dyn Progress) -> Analysis {
    progress.stage("text", articles.len() as u64);
    analyze_documents(analyse_text(articles, progress).collect(), config, progress)
}

/// Reads the inputs a chunk at a time and analyses each chunk's articles
/// as it comes, so that the raw articles are never all in memory; then runs
/// the rest of the pipeline. Returns the problems met reading the inputs
/// too; an analysis of no documents when nothing could be read.
pub fn analyze_inputs(
    paths: &[std::path::PathBuf],
    reading: &ingest::Reading,
    config: &Config,
    progress: &dyn Progress,
) -> (Analysis, Vec<ingest::InputError>) {
    // Documents, and where the texts of those past the budget went.
    let mut analysed: (Vec<Doc>, Vec<Option<Span>>) = (Vec::new(), Vec::new());
    let spiller = Spiller::new(config.ingest.max_held_text_bytes);
    progress.stage("read+text", 0);
    let errors = ingest::for_each_chunk(paths, reading, &mut |chunk| {
        analysed.par_extend(analyse_text(chunk, progress).map(|mut doc| {
            let span = spiller.keep(&mut doc);
            (doc, span)
        }));
    });
    let (documents, spans) = analysed;
    (run_pipeline(documents, spiller.finish(spans), config, progress), errors)
}

/// The text stage, in parallel: each article becomes a [`Doc`] and is dropped.
fn analyse_text(articles: Vec<Article>, progress: &dyn Progress) -> impl IndexedParallelIterator<Item = Doc> + '_ {
    articles.into_par_iter().map_init(Terms::default, move |terms, article| {
        let doc = Doc::from_article(&article, terms);
        progress.advance(1);
        doc
    })
}

/// The per-pair step: aligns a candidate pair of `documents` and judges
/// it, with the corpus statistics `stats`. `None` when the two are not
/// derived one from the other. The pair is aligned in id order, so that the
/// result does not depend on input order. A persistent index calls this for
/// each candidate of a new article.
///
/// ```
/// use stemma::candidates::{candidates, Keys};
/// use stemma::{config::Config, ingest::Article, sketch::Sketcher, stats::CorpusStats, text::{tokens::Terms, Doc}};
///
/// let story = "The council approved a new budget for the harbour district on Monday.\n\
///     Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
///     Opposition members called the spending reckless and demanded an audit.\n\
///     The vote passed by seven votes to four after a long debate.";
/// let trimmed = story.lines().take(3).collect::<Vec<_>>().join("\n");
/// let terms = Terms::default();
/// let docs: Vec<Doc> = [("wire", story), ("reprint", trimmed.as_str())]
///     .iter()
///     .map(|(id, text)| Doc::from_article(&Article::from_text(id, text), &terms))
///     .collect();
/// let config = Config::default();
/// let sketcher = Sketcher::new(&config.sketch);
/// let stats = CorpusStats::of_documents(&docs);
/// let found = candidates(Keys::of_documents(&docs, &sketcher), &config.candidates);
/// let relation = stemma::relate_pair(&docs, &found[0], &stats, &sketcher, &config).expect("a reprint");
/// assert_eq!(relation.kind, stemma::relate::RelationKind::Version);
/// ```
pub fn relate_pair(
    documents: &[Doc],
    candidate: &candidates::Candidate,
    stats: &CorpusStats,
    sketcher: &Sketcher,
    config: &Config,
) -> Option<Relation> {
    let (mut ia, mut ib) = (candidate.a as usize, candidate.b as usize);
    if documents[ia].id > documents[ib].id {
        std::mem::swap(&mut ia, &mut ib);
    }
    let (a, b) = (&documents[ia], &documents[ib]);
    let alignment = align::align(a, b, stats, &config.align);
    // Signatures are computed again, for the pairs that share an LSH band,
    // rather than held for every document.
    let jaccard = || sketch::estimated_jaccard(&sketcher.minhash_text(&a.text), &sketcher.minhash_text(&b.text));
    let resemblance = relate::Resemblance { exact: candidate.exact, jaccard: None };
    relate::relate((ia, a), (ib, b), alignment, resemblance, candidate.lsh.then_some(&jaccard), &config.relate)
}

/// Each of `n` documents in a story of its own: the story labels of an
/// analysis without stories.
fn each_alone(n: usize) -> Vec<u32> {
    (0..n as u32).collect()
}

/// The steps that follow pair verification in an analysis without stories
/// (`stories.enabled = false`): relations directed by reading each document
/// with all its partners ([`relate::direct_merges`]), then each condensed
/// rewrite in new words judged without accounts to confirm it
/// ([`relate::witness::confirm_condensed`]). `documents` must hold every
/// partner of every document in `relations`: a connected component of them
/// is enough, which is how the Spark job runs it.
pub fn settle_without_stories(documents: &[Doc], relations: &mut Vec<Relation>, stats: &CorpusStats, config: &Config) {
    relate::direct_merges(documents, relations, &config.relate);
    relate::witness::confirm_condensed(documents, relations, &[], &each_alone(documents.len()), stats, &config.relate);
    relations.sort_by_key(|r| (r.a, r.b));
}

/// Two articles compared directly: see [`compare`].
#[derive(Debug)]
pub struct Comparison {
    /// The two documents, in the order given.
    pub documents: Vec<Doc>,
    /// Why the candidate stage would have compared them (all false when it
    /// would not have: they are compared anyway).
    pub candidate: candidates::Candidate,
    /// The relation when one derives from the other.
    pub relation: Option<Relation>,
}

/// Aligns and judges two articles whatever the candidate stage says, with
/// the corpus statistics of the two alone (a term both hold weighs little):
/// the question "is this a copy of that, and what did it change?" for one
/// pair. Without other accounts a condensed rewrite in new words is judged
/// as an analysis without stories judges it.
///
/// ```
/// use stemma::{compare, config::Config, ingest::Article, relate::RelationKind};
///
/// let story = "The council approved a new budget for the harbour district on Monday.\n\
///     Mayor Ilse Varga said the plan would repair three bridges before winter.\n\
///     Opposition members called the spending reckless and demanded an audit.\n\
///     The vote passed by seven votes to four after a long debate.";
/// let trimmed = story.lines().take(3).collect::<Vec<_>>().join("\n");
/// let config = Config::default();
/// let found = compare(&Article::from_text("wire", story), &Article::from_text("reprint", &trimmed), &config);
/// assert_eq!(found.relation.expect("a reprint").kind, RelationKind::Version);
/// let note = Article::from_text("note", "Light rain is expected in the hills on Thursday, forecasters said.");
/// assert!(compare(&Article::from_text("wire", story), &note, &config).relation.is_none());
/// ```
pub fn compare(a: &Article, b: &Article, config: &Config) -> Comparison {
    let terms = Terms::default();
    let documents = vec![Doc::from_article(a, &terms), Doc::from_article(b, &terms)];
    let sketcher = Sketcher::new(&config.sketch);
    let stats = CorpusStats::of_documents(&documents);
    let found = candidates::candidates(candidates::Keys::of_documents(&documents, &sketcher), &config.candidates);
    let candidate = found.first().copied().unwrap_or(candidates::Candidate {
        a: 0,
        b: 1,
        exact: false,
        lsh: false,
        shared_sentences: 0,
    });
    let mut relations: Vec<Relation> =
        relate_pair(&documents, &candidate, &stats, &sketcher, config).into_iter().collect();
    settle_without_stories(&documents, &mut relations, &stats, config);
    let relation = relations.pop();
    Comparison { documents, candidate, relation }
}

/// Runs the pipeline from analysed documents on: sketches, candidates,
/// alignment and relations.
pub fn analyze_documents(documents: Vec<Doc>, config: &Config, progress: &dyn Progress) -> Analysis {
    run_pipeline(documents, Texts::held(), config, progress)
}

/// Documents whose texts a stage brings back at once when they were
/// spilled (about 150 MB of news text).
const HELD_AT_ONCE: usize = 65_536;

/// The pipeline from analysed documents on, with the texts they do not
/// hold in `texts`: each stage that reads text brings back what it needs,
/// [`HELD_AT_ONCE`] documents at a time.
fn run_pipeline(mut documents: Vec<Doc>, texts: Texts, config: &Config, progress: &dyn Progress) -> Analysis {
    progress.stage("sketch", 1);
    let sketcher = Sketcher::new(&config.sketch);
    let mut hashed = Vec::with_capacity(documents.len());
    for start in (0..documents.len()).step_by(HELD_AT_ONCE) {
        let batch: Vec<usize> = (start..(start + HELD_AT_ONCE).min(documents.len())).collect();
        hashed.par_extend(texts.with_held(&mut documents, &batch, |held| {
            batch.par_iter().map(|&d| sketcher.exact_and_bands(&held[d])).collect::<Vec<_>>()
        }));
    }
    let keys = candidates::Keys::of_hashed(&documents, &texts, hashed, &sketcher);
    progress.advance(1);
    let stats = CorpusStats::of_documents_in(&documents, &texts);

    progress.stage("candidates", 1);
    let candidates = candidates::candidates(keys, &config.candidates);
    progress.advance(1);

    progress.stage("align", candidates.len() as u64);
    let mut relations: Vec<Relation> = Vec::new();
    for batch in candidates.chunks(HELD_AT_ONCE / 2) {
        let needed: Vec<usize> = batch.iter().flat_map(|c| [c.a as usize, c.b as usize]).collect();
        relations.par_extend(texts.with_held(&mut documents, &needed, |held| {
            batch
                .par_iter()
                .filter_map(|c| {
                    let relation = relate_pair(held, c, &stats, &sketcher, config);
                    progress.advance(1);
                    relation
                })
                .collect::<Vec<_>>()
        }));
    }
    if !config.stories.enabled {
        progress.stage("confirm", 1);
        let needed: Vec<usize> = relations.iter().flat_map(|r| [r.a, r.b]).collect();
        texts.with_held(&mut documents, &needed, |held| settle_without_stories(held, &mut relations, &stats, config));
        progress.finish();
        let candidates = candidates.len();
        return Analysis { documents, texts, relations, stories: Vec::new(), candidates, config: config.clone() };
    }
    let undirected: Vec<usize> = relations.iter().filter(|r| r.direction.is_none()).flat_map(|r| [r.a, r.b]).collect();
    texts.with_held(&mut documents, &undirected, |held| relate::direct_merges(held, &mut relations, &config.relate));

    progress.stage("stories", 1);
    // Stories before the last direction evidence: the story's independent
    // accounts are witnesses to which of two texts changed the other. A
    // summary in new words waits for the accounts' confirmation before it
    // may pull two articles into one story.
    let firm = relations.iter().filter(|r| !relate::witness::tentative(r, &config.relate));
    let labels = stories::labels_of(&documents, &texts, firm, &stats, &config.stories);
    progress.stage("confirm", 1);
    let needed = story_accounts(&relations, &labels.label, relate::witness::condensed);
    texts.with_held(&mut documents, &needed, |held| {
        relate::witness::confirm_condensed(held, &mut relations, &[], &labels.label, &stats, &config.relate)
    });
    progress.stage("witnesses", 1);
    let needed = story_accounts(&relations, &labels.label, relate::witness::open);
    texts.with_held(&mut documents, &needed, |held| {
        relate::witness::direct_by_witnesses(held, &mut relations, &labels.label, &config.relate)
    });
    relations.sort_by_key(|r| (r.a, r.b));
    progress.stage("collate", 1);
    let plan = stories::Plan::new(documents.len(), &relations, &labels);
    let mut stories = Vec::with_capacity(plan.groups.len());
    let mut groups = plan.groups.iter().peekable();
    while groups.peek().is_some() {
        let mut batch = Vec::new();
        let mut needed = Vec::new();
        while let Some(group) = groups.next_if(|g| needed.is_empty() || needed.len() + g.len() <= HELD_AT_ONCE) {
            needed.extend_from_slice(group);
            batch.push(group);
        }
        stories.par_extend(texts.with_held(&mut documents, &needed, |held| {
            batch.par_iter().map(|group| plan.story(held, group, &stats, &config.stories)).collect::<Vec<_>>()
        }));
    }
    let stories = stories::largest_first(stories);
    progress.advance(1);
    progress.finish();

    Analysis { documents, texts, relations, stories, candidates: candidates.len(), config: config.clone() }
}

/// The documents of the relations `open` picks, and every document of
/// their stories: what the witness stages read of them.
fn story_accounts(relations: &[Relation], label: &[u32], open: impl Fn(&Relation) -> bool) -> Vec<usize> {
    let told: std::collections::HashSet<u32> = relations.iter().filter(|r| open(r)).map(|r| label[r.a]).collect();
    if told.is_empty() {
        return Vec::new();
    }
    let pairs = relations.iter().filter(|r| open(r)).flat_map(|r| [r.a, r.b]);
    pairs.chain((0..label.len()).filter(|&d| told.contains(&label[d]))).collect()
}
