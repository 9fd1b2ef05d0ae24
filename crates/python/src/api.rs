//! `analyze`, `compare`, `dedup` and `extract`: each reads JSON lines the
//! Python half encoded, runs the core with the GIL released, and returns
//! JSON text in the shapes of `docs/schema.md`, with the input errors as
//! the command line prints them.

use pyo3::prelude::*;
use stemma::ingest::{self, Article};
use stemma::report::{self, NearDuplicateReport, Report};
use stemma::sketch::Banding;
use stemma::Quiet;

use crate::{config, describe, error, json, reading};

/// Registers this module's functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(dedup, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(default_config, m)?)?;
    Ok(())
}

/// Analyses the articles in `records` (JSON lines): the report of
/// `docs/schema.md` as JSON, and the input errors as lines.
#[pyfunction]
#[pyo3(signature = (records, source, config_json=None, config_path=None, fields_json=None, stories=None))]
fn analyze(
    py: Python<'_>,
    records: &[u8],
    source: &str,
    config_json: Option<&str>,
    config_path: Option<&str>,
    fields_json: Option<&str>,
    stories: Option<bool>,
) -> PyResult<(String, Vec<String>)> {
    let mut config = config(config_json, config_path)?;
    if let Some(stories) = stories {
        config.stories.enabled = stories;
    }
    let reading = reading(fields_json, false, &config)?;
    py.detach(|| {
        let batch = ingest::read_records(source, records, &reading);
        let analysis = stemma::analyze_owned(batch.articles, &config, &Quiet);
        Ok((json(&Report::new(&analysis, &batch.errors))?, describe(&batch.errors)))
    })
}

/// The one article of a one-line record, or the error naming it.
fn one_article(record: &[u8], source: &str, reading: &ingest::Reading) -> PyResult<Article> {
    let mut batch = ingest::read_records(source, record, reading);
    match (batch.articles.pop(), batch.errors.first()) {
        (Some(article), _) => Ok(article),
        (None, Some(problem)) => Err(error(problem)),
        (None, None) => Err(error(format!("{source}: no article"))),
    }
}

/// Compares two articles (each a one-line record) directly: their
/// documents, the candidate flags and the relation (or null) as JSON.
#[pyfunction]
#[pyo3(signature = (a, b, config_json=None, config_path=None))]
fn compare(
    py: Python<'_>,
    a: &[u8],
    b: &[u8],
    config_json: Option<&str>,
    config_path: Option<&str>,
) -> PyResult<String> {
    let config = config(config_json, config_path)?;
    let reading = reading(None, false, &config)?;
    let (a, b) = (one_article(a, "a", &reading)?, one_article(b, "b", &reading)?);
    py.detach(|| {
        let found = stemma::compare(&a, &b, &config);
        let documents = &found.documents;
        json(&serde_json::json!({
            "documents": documents.iter().map(report::document).collect::<Vec<_>>(),
            "candidate": found.candidate,
            "relation": found.relation.as_ref().map(|r| report::relation(r, documents)),
        }))
    })
}

/// Near-duplicate mode over `records`: the report of `docs/schema.md`
/// (near-duplicate mode) as JSON, and the input errors as lines.
#[pyfunction]
#[pyo3(signature = (records, source, threshold=None, config_json=None, config_path=None))]
fn dedup(
    py: Python<'_>,
    records: &[u8],
    source: &str,
    threshold: Option<f64>,
    config_json: Option<&str>,
    config_path: Option<&str>,
) -> PyResult<(String, Vec<String>)> {
    let config = config(config_json, config_path)?;
    let threshold = threshold.unwrap_or(config.relate.near_duplicate_jaccard);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(error(format!("threshold must lie in 0..=1, got {threshold}")));
    }
    let reading = reading(None, false, &config)?;
    py.detach(|| {
        let batch = ingest::read_records(source, records, &reading);
        let max_bucket = config.candidates.max_key_documents;
        let (pairs, clusters) =
            stemma::neardup::near_duplicates(&batch.articles, &config.sketch, max_bucket, threshold, &Quiet);
        let ids: Vec<String> = batch.articles.iter().map(|a| a.id.clone()).collect();
        let banding = Banding::for_dedup(&config.sketch, threshold);
        let result =
            NearDuplicateReport::new(&ids, &config.sketch, banding, threshold, &pairs, &clusters, &batch.errors);
        Ok((json(&result)?, describe(&batch.errors)))
    })
}

/// Reads the article on a web page (`html`, bytes in any charset, or text
/// encoded as UTF-8): the article as JSON, with `notice` when bytes had to
/// be replaced. An error when the page holds no article.
#[pyfunction]
#[pyo3(signature = (html, url=None, config_json=None, config_path=None))]
fn extract(
    py: Python<'_>,
    html: &[u8],
    url: Option<&str>,
    config_json: Option<&str>,
    config_path: Option<&str>,
) -> PyResult<String> {
    let config = config(config_json, config_path)?;
    let reading = reading(None, false, &config)?;
    let name = url.unwrap_or("page");
    py.detach(|| {
        let (article, notice) =
            ingest::page_article(html, None, url, name.to_string(), name.to_string(), None, &reading)
                .map_err(|message| error(format!("{name}: {message}")))?;
        let mut value = serde_json::to_value(&article).map_err(error)?;
        if let Some(object) = value.as_object_mut() {
            object.remove("origin");
            object.insert("notice".into(), notice.into());
        }
        json(&value)
    })
}

/// The default configuration as JSON (what `config=None` means).
#[pyfunction]
fn default_config() -> PyResult<String> {
    json(&stemma::config::Config::default())
}
