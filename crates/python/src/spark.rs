//! The per-batch steps of the Spark job (`stemma/spark.py`), each the core's
//! own code on one Arrow batch or one group of rows: reading and sketching
//! documents, verifying candidate pairs, settling a connected component of
//! relations, and near-duplicate signatures. The job does the joins,
//! groupings and connected components as DataFrame operations; everything
//! that judges text is here, so that the job and the command line cannot
//! disagree on it.
//!
//! Signed 64-bit integers carry the core's unsigned hashes (the same bits),
//! since Spark has no unsigned type. Each function runs one batch on the
//! calling thread: Spark runs one task per executor core.

use std::collections::HashMap;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use stemma::candidates::Candidate;
use stemma::config::Config;
use stemma::ingest::{self, Article, Reading};
use stemma::relate::Relation;
use stemma::sketch::{Banding, Sketcher};
use stemma::stats::CorpusStats;
use stemma::text::{tokens::Terms, Doc};

use crate::{config, error, reading};

/// Registers this module's functions and classes.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Stats>()?;
    m.add_class::<Settings>()?;
    m.add_function(wrap_pyfunction!(spark_read, m)?)?;
    m.add_function(wrap_pyfunction!(spark_verify, m)?)?;
    m.add_function(wrap_pyfunction!(spark_settle, m)?)?;
    m.add_function(wrap_pyfunction!(spark_minhash, m)?)?;
    m.add_function(wrap_pyfunction!(spark_jaccard, m)?)?;
    Ok(())
}

/// The job's settings, parsed once per worker: the configuration, how
/// records are read, and the sketcher they imply.
#[pyclass(frozen, module = "stemma._native")]
pub struct Settings {
    config: Config,
    reading: Reading,
    sketcher: Sketcher,
}

#[pymethods]
impl Settings {
    /// Settings from the configuration (JSON object or TOML file) and the
    /// JSON field names.
    #[new]
    #[pyo3(signature = (config_json=None, config_path=None, fields_json=None))]
    fn new(config_json: Option<&str>, config_path: Option<&str>, fields_json: Option<&str>) -> PyResult<Settings> {
        let config = config(config_json, config_path)?;
        let reading = reading(fields_json, false, &config)?;
        let sketcher = Sketcher::new(&config.sketch);
        Ok(Settings { config, reading, sketcher })
    }

    /// The effective configuration, as JSON.
    fn config_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.config).map_err(error)
    }

    /// `candidates.max_key_documents`: keys held by more documents pair
    /// each with the first only (bands) or make no pairs (sentences).
    #[getter]
    fn max_key_documents(&self) -> usize {
        self.config.candidates.max_key_documents
    }

    /// `candidates.min_shared_sentences`.
    #[getter]
    fn min_shared_sentences(&self) -> usize {
        self.config.candidates.min_shared_sentences
    }

    /// `relate.near_duplicate_jaccard`: near-duplicate mode's default threshold.
    #[getter]
    fn near_duplicate_jaccard(&self) -> f64 {
        self.config.relate.near_duplicate_jaccard
    }
}

/// The corpus statistics, built once on the driver from the summed term
/// counts and broadcast.
#[pyclass(frozen, module = "stemma._native")]
pub struct Stats(Arc<CorpusStats>);

#[pymethods]
impl Stats {
    /// Statistics of `documents` documents from parallel arrays of terms
    /// and document counts (little-endian 64-bit integers).
    #[new]
    fn new(documents: u64, terms: &[u8], counts: &[u8]) -> PyResult<Stats> {
        if terms.len() != counts.len() || !terms.len().is_multiple_of(8) {
            return Err(error("statistics: terms and counts must be arrays of 64-bit integers of one length"));
        }
        let words = |bytes: &[u8]| -> Vec<u64> {
            bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())).collect()
        };
        let df = words(terms).into_iter().zip(words(counts)).map(|(t, n)| (t, n.min(u32::MAX as u64) as u32)).collect();
        Ok(Stats(Arc::new(CorpusStats::new(documents, df))))
    }

    /// Documents counted.
    #[getter]
    fn documents(&self) -> u64 {
        self.0.documents
    }
}

/// One record read alone, as the command line reads its line `line` of
/// `path`: the article, or the problem (with the notice that came with a
/// read article).
pub(crate) fn read_line(record: &str, path: &str, line: i64, reading: &Reading) -> (Option<Article>, Option<String>) {
    let mut batch = ingest::read_records(path, record.as_bytes(), reading);
    for problem in &mut batch.errors {
        problem.line = Some(line.max(1) as usize);
    }
    let message = (!batch.errors.is_empty()).then(|| crate::describe(&batch.errors).join("\n"));
    let article = batch.articles.pop().map(|mut article| {
        article.origin = format!("{path}:{line}");
        article
    });
    (article, message)
}

/// The hash by which the command line knows the same article given twice
/// (with the same id): that of its trimmed text.
fn text_hash(article: &Article) -> i64 {
    xxhash_rust::xxh3::xxh3_64(article.text.trim().as_bytes()) as i64
}

/// What [`spark_read`] returns, column by column.
type ReadColumns = (
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<i64>,
    Vec<i64>,
    Vec<Vec<i64>>,
    Vec<Vec<i64>>,
    Vec<Vec<i32>>,
    Vec<Option<String>>,
    (i64, Vec<i64>, Vec<i64>),
);

/// Reads and sketches a batch of records (`lines[i]` is line `numbers[i]`
/// of `paths[i]`). Per record: its id (`None` when nothing was read), the
/// problem met, the hash of its trimmed text (the same id with the same
/// text is one article given twice, as the command line reads it), the
/// exact hash, LSH band keys, sentence keys with their
/// sentences' indices, and the document as `docs/schema.md` writes it. For
/// the batch: its documents' term counts (documents, terms, counts), to be
/// summed into the corpus statistics.
#[pyfunction]
fn spark_read(
    py: Python<'_>,
    settings: &Settings,
    lines: Vec<String>,
    paths: Vec<String>,
    numbers: Vec<i64>,
) -> ReadColumns {
    py.detach(|| {
        let n = lines.len();
        let mut out: ReadColumns = Default::default();
        let mut stats = CorpusStats::default();
        let terms = Terms::default();
        for ((line, path), number) in lines.iter().zip(&paths).zip(&numbers) {
            let (article, message) = read_line(line, path, *number, &settings.reading);
            out.1.push(message);
            let Some(article) = article else {
                out.0.push(None);
                out.2.push(0);
                out.3.push(0);
                out.4.push(Vec::new());
                out.5.push(Vec::new());
                out.6.push(Vec::new());
                out.7.push(None);
                continue;
            };
            let doc = Doc::from_article(&article, &terms);
            let (exact, bands) = settings.sketcher.exact_and_bands(&doc);
            // Sentence indices saturate as the command line's do.
            let (keys, sentences): (Vec<i64>, Vec<i32>) = settings
                .sketcher
                .sentence_keys(&doc)
                .into_iter()
                .map(|(k, s)| (k as i64, s.min(u16::MAX as u32) as i32))
                .unzip();
            stats.add(&doc);
            out.2.push(text_hash(&article));
            out.0.push(Some(article.id));
            out.3.push(exact as i64);
            out.4.push(bands.into_iter().map(|k| k as i64).collect());
            out.5.push(keys);
            out.6.push(sentences);
            out.7.push(serde_json::to_string(&stemma::report::document(&doc)).ok());
        }
        debug_assert_eq!(out.0.len(), n);
        let (t, c): (Vec<i64>, Vec<i64>) = stats.df.into_iter().map(|(t, c)| (t as i64, c as i64)).unzip();
        out.8 = (stats.documents as i64, t, c);
        out
    })
}

/// Documents analysed once per batch, by their index in the input.
struct Analysed<'a> {
    settings: &'a Settings,
    terms: Terms,
    docs: Vec<Doc>,
    local: HashMap<i64, u32>,
    global: Vec<i64>,
}

impl<'a> Analysed<'a> {
    fn new(settings: &'a Settings) -> Analysed<'a> {
        Analysed { settings, terms: Terms::default(), docs: Vec::new(), local: HashMap::new(), global: Vec::new() }
    }

    /// The local number of document `index`, analysing `record` (as the
    /// document `id`) the first time; `None` when the record holds no
    /// article (it was reported when read).
    fn of(&mut self, index: i64, record: &str, id: &str) -> Option<u32> {
        if let Some(&local) = self.local.get(&index) {
            return Some(local);
        }
        let (article, _) = read_line(record, "", index + 1, &self.settings.reading);
        // The id the job settled on: a repeated id is renamed across the
        // whole input, which one record alone cannot know.
        let article = Article { id: id.to_string(), ..article? };
        let doc = Doc::from_article(&article, &self.terms);
        let local = self.docs.len() as u32;
        self.docs.push(doc);
        self.global.push(index);
        self.local.insert(index, local);
        Some(local)
    }

    /// Judges the pair `(a, b)` of local numbers, as the command line does.
    fn relate(&self, a: u32, b: u32, exact: bool, lsh: bool, stats: &CorpusStats) -> Option<Relation> {
        let candidate = Candidate { a: a.min(b), b: a.max(b), exact, lsh, shared_sentences: 0 };
        stemma::relate_pair(&self.docs, &candidate, stats, &self.settings.sketcher, &self.settings.config)
    }
}

/// Candidate pairs, column by column: the two documents' indices, records
/// and ids, and whether they share their exact hash and an LSH band.
type PairColumns = (Vec<i64>, Vec<i64>, Vec<String>, Vec<String>, Vec<String>, Vec<String>, Vec<bool>, Vec<bool>);

/// The derived pairs of a batch, column by column: `a` and `b` (input
/// indices, `a` the source when directed), the kind, and the candidate's
/// `exact` and `lsh` flags, which settling needs to judge the pair again.
type Verified = (Vec<i64>, Vec<i64>, Vec<String>, Vec<bool>, Vec<bool>);

/// Verifies a batch of candidate pairs: the derived ones, as [`Verified`].
#[pyfunction]
fn spark_verify(py: Python<'_>, settings: &Settings, stats: &Stats, pairs: PairColumns) -> Verified {
    py.detach(|| {
        let (a, b, a_records, b_records, a_ids, b_ids, exact, lsh) = pairs;
        let mut analysed = Analysed::new(settings);
        let mut out: Verified = Default::default();
        for k in 0..a.len() {
            let x = analysed.of(a[k], &a_records[k], &a_ids[k]);
            let y = analysed.of(b[k], &b_records[k], &b_ids[k]);
            let (Some(x), Some(y)) = (x, y) else { continue };
            if let Some(r) = analysed.relate(x, y, exact[k], lsh[k], &stats.0) {
                out.0.push(analysed.global[r.a]);
                out.1.push(analysed.global[r.b]);
                out.2.push(r.kind.as_str().to_string());
                out.3.push(exact[k]);
                out.4.push(lsh[k]);
            }
        }
        out
    })
}

/// Settles one connected component of derived pairs as the command line
/// does without stories (`stemma::settle_without_stories`): its members
/// (`indices`, `records`, `ids`) and its pairs (`a`, `b`, `exact`, `lsh`) in; its
/// final relations out, as `(a, b, kind, relation as docs/schema.md writes
/// it)` with `a` and `b` input indices.
#[pyfunction]
fn spark_settle(
    py: Python<'_>,
    settings: &Settings,
    stats: &Stats,
    members: (Vec<i64>, Vec<String>, Vec<String>),
    pairs: (Vec<i64>, Vec<i64>, Vec<bool>, Vec<bool>),
) -> (Vec<i64>, Vec<i64>, Vec<String>, Vec<String>) {
    py.detach(|| {
        let mut analysed = Analysed::new(settings);
        // Members in input order, so that local order is the command line's.
        let (indices, records, ids) = members;
        let mut members: Vec<(i64, &String, &String)> =
            indices.iter().zip(&records).zip(&ids).map(|((&i, r), id)| (i, r, id)).collect();
        members.sort_by_key(|m| m.0);
        for (index, record, id) in members {
            analysed.of(index, record, id);
        }
        let (a, b, exact, lsh) = pairs;
        let mut relations: Vec<Relation> = (0..a.len())
            .filter_map(|k| {
                let (x, y) = (*analysed.local.get(&a[k])?, *analysed.local.get(&b[k])?);
                analysed.relate(x, y, exact[k], lsh[k], &stats.0)
            })
            .collect();
        // `direct_merges` reads every relation of a document in the order
        // the command line holds them: by pair.
        relations.sort_by_key(|r| (r.a.min(r.b), r.a.max(r.b)));
        stemma::settle_without_stories(&analysed.docs, &mut relations, &stats.0, &settings.config);
        let mut out: (Vec<i64>, Vec<i64>, Vec<String>, Vec<String>) = Default::default();
        for r in &relations {
            out.0.push(analysed.global[r.a]);
            out.1.push(analysed.global[r.b]);
            out.2.push(r.kind.as_str().to_string());
            out.3.push(serde_json::to_string(&stemma::report::relation(r, &analysed.docs)).unwrap_or_default());
        }
        out
    })
}

/// Near-duplicate signatures of a batch of records: per record its id
/// (`None` when nothing was read), the problem met, the hash of its trimmed
/// text (as [`spark_read`]), its MinHash signature (little-endian 32-bit
/// values) and its band keys for `threshold`.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn spark_minhash<'py>(
    py: Python<'py>,
    settings: &Settings,
    threshold: f64,
    lines: Vec<String>,
    paths: Vec<String>,
    numbers: Vec<i64>,
) -> PyResult<(Vec<Option<String>>, Vec<Option<String>>, Vec<i64>, Vec<Bound<'py, PyBytes>>, Vec<Vec<i64>>)> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(error(format!("threshold must lie in 0..=1, got {threshold}")));
    }
    let banding = Banding::for_dedup(&settings.config.sketch, threshold);
    let (ids, messages, hashes, signatures, bands) = py.detach(|| {
        let mut out: (Vec<Option<String>>, Vec<Option<String>>, Vec<i64>, Vec<Vec<u8>>, Vec<Vec<i64>>) =
            Default::default();
        for ((line, path), number) in lines.iter().zip(&paths).zip(&numbers) {
            let (article, message) = read_line(line, path, *number, &settings.reading);
            out.1.push(message);
            let Some(article) = article else {
                out.0.push(None);
                out.2.push(0);
                out.3.push(Vec::new());
                out.4.push(Vec::new());
                continue;
            };
            let signature = settings.sketcher.dedup_signature(&article.text);
            let keys = settings.sketcher.band_keys_with(&signature, banding);
            out.2.push(text_hash(&article));
            out.0.push(Some(article.id));
            out.3.push(signature.iter().flat_map(|v| v.to_le_bytes()).collect());
            out.4.push(keys.into_iter().map(|k| k as i64).collect());
        }
        out
    });
    let signatures = signatures.iter().map(|s| PyBytes::new(py, s)).collect();
    Ok((ids, messages, hashes, signatures, bands))
}

/// Estimated Jaccard similarity of pairs of signatures from [`spark_minhash`].
#[pyfunction]
fn spark_jaccard(a: Vec<Vec<u8>>, b: Vec<Vec<u8>>) -> Vec<f64> {
    let values =
        |s: &[u8]| -> Vec<u32> { s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect() };
    a.iter().zip(&b).map(|(x, y)| stemma::sketch::estimated_jaccard(&values(x), &values(y))).collect()
}
