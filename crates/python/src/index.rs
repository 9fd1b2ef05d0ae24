//! `stemma.Index`: the persistent index (`stemma index` on the command
//! line, `crates/index`), held open by a Python object. Shared between
//! Python threads: queries run side by side, additions take turns.

use pyo3::prelude::*;
use stemma::ingest;
use stemma_index::Index as Store;

use crate::{config, describe, error, json, reading};

/// Registers the class.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Index>()
}

/// An index directory, opened (and created when there is none).
#[pyclass(frozen, module = "stemma._native")]
pub struct Index {
    store: Store,
}

#[pymethods]
impl Index {
    /// Opens the index in `path`, creating it when `create`; a new index
    /// keeps the given configuration, an existing one its own.
    #[new]
    #[pyo3(signature = (path, create=true, config_json=None, config_path=None))]
    fn new(
        py: Python<'_>,
        path: std::path::PathBuf,
        create: bool,
        config_json: Option<&str>,
        config_path: Option<&str>,
    ) -> PyResult<Index> {
        let given =
            (config_json.is_some() || config_path.is_some()).then(|| config(config_json, config_path)).transpose()?;
        py.detach(|| {
            let store =
                if create { Store::create_or_open(&path, given.as_ref()) } else { Store::open(&path, given.as_ref()) };
            store.map(|store| Index { store }).map_err(error)
        })
    }

    /// Adds the articles of `records` (JSON lines): the outcome of each as
    /// JSON, and the input errors as lines.
    fn add(&self, py: Python<'_>, records: &[u8], source: &str) -> PyResult<(String, Vec<String>)> {
        self.run(py, records, source, Store::add)
    }

    /// What the index would say of the articles of `records`, storing
    /// nothing.
    fn query(&self, py: Python<'_>, records: &[u8], source: &str) -> PyResult<(String, Vec<String>)> {
        self.run(py, records, source, Store::query)
    }

    /// The held article `id` with its story and relations, as JSON; `None`
    /// when the index does not hold it.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<Option<String>> {
        py.detach(|| self.store.get(id).map_err(error)?.map(|held| json(&held)).transpose())
    }

    /// Counts of what the index holds, as JSON.
    fn info(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| json(&self.store.info().map_err(error)?))
    }

    /// The index's configuration, as JSON.
    fn config(&self) -> PyResult<String> {
        json(self.store.config())
    }
}

impl Index {
    /// Reads `records` and hands the articles to `step` (add or query).
    fn run(
        &self,
        py: Python<'_>,
        records: &[u8],
        source: &str,
        step: fn(&Store, Vec<ingest::Article>) -> Result<Vec<stemma_index::Outcome>, stemma_index::IndexError>,
    ) -> PyResult<(String, Vec<String>)> {
        let reading = reading(None, false, self.store.config())?;
        py.detach(|| {
            let batch = ingest::read_records(source, records, &reading);
            let outcomes = step(&self.store, batch.articles).map_err(error)?;
            Ok((json(&outcomes)?, describe(&batch.errors)))
        })
    }
}
