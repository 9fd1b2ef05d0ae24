//! The native half of the `stemma` Python package (`stemma._native`).
//!
//! Thin: articles arrive as JSON lines (the Python half encodes dicts, so
//! that a record is read by exactly the reader the command line uses, with
//! the same messages), results leave as JSON text or plain lists. The work
//! runs with the GIL released.
//!
//! - [`api`]: `analyze`, `compare`, `dedup`, `extract`.
//! - [`index`]: the persistent index.
//! - [`spark`]: the steps the Spark job calls inside its Arrow batches.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use stemma::config::Config;
use stemma::ingest::{InputError, JsonFields, Reading};

mod api;
mod index;
mod spark;

create_exception!(
    _native,
    StemmaError,
    PyException,
    "What Stemma could not do, with the message the command line would print."
);

/// A `StemmaError` with `message`.
pub(crate) fn error(message: impl std::fmt::Display) -> PyErr {
    StemmaError::new_err(message.to_string())
}

/// `value` as JSON text.
pub(crate) fn json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(error)
}

/// The configuration: `config_json` (a JSON object whose tables override the
/// defaults, as a TOML file's do) or the TOML file `config_path`, else the
/// defaults. Unknown keys and impossible values are errors.
pub(crate) fn config(config_json: Option<&str>, config_path: Option<&str>) -> PyResult<Config> {
    let config = match (config_json, config_path) {
        (Some(json), _) => {
            serde_json::from_str::<Config>(json).map_err(|err| error(format!("invalid configuration: {err}")))?
        }
        (None, Some(path)) => Config::from_toml_file(std::path::Path::new(path)).map_err(error)?,
        (None, None) => Config::default(),
    };
    config.validate().map_err(error)?;
    Ok(config)
}

/// How records are read: the JSON field names (`fields_json`, a JSON object
/// of `JsonFields`; the defaults for fields it leaves out) and the limits of
/// `config`.
pub(crate) fn reading(fields_json: Option<&str>, lossy_utf8: bool, config: &Config) -> PyResult<Reading> {
    let fields = match fields_json {
        Some(json) => {
            let mut value: serde_json::Value =
                serde_json::from_str(json).map_err(|err| error(format!("invalid field names: {err}")))?;
            let defaults = serde_json::to_value(JsonFields::default()).map_err(error)?;
            if let (Some(given), serde_json::Value::Object(defaults)) = (value.as_object_mut(), defaults) {
                for (key, default) in defaults {
                    given.entry(key).or_insert(default);
                }
            }
            serde_json::from_value(value).map_err(|err| error(format!("invalid field names: {err}")))?
        }
        None => JsonFields::default(),
    };
    Ok(Reading { fields, lossy_utf8, ..Reading::default() }.with_config(&config.ingest))
}

/// Input errors as the command line prints them, one a line.
pub(crate) fn describe(errors: &[InputError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// The module `stemma._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("StemmaError", m.py().get_type::<StemmaError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    api::register(m)?;
    index::register(m)?;
    spark::register(m)?;
    Ok(())
}
