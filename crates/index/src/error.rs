//! What can go wrong with an index, in words a user can act on.

use std::path::PathBuf;

/// An error opening, reading or writing an index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The directory holds no index, and one was not to be created.
    #[error("no index at {}: create one with `stemma index add --index {} PATH...`", .0.display(), .0.display())]
    Missing(PathBuf),
    /// The path exists but is not an index directory.
    #[error("{} is not a Stemma index directory (it has no index.redb); name an empty or new directory to create one", .0.display())]
    NotAnIndex(PathBuf),
    /// The index was written by a build with another storage format.
    #[error("the index at {path} has format {found}; this build reads format {expected}")]
    Format {
        /// The index directory.
        path: PathBuf,
        /// The format it was written in.
        found: u32,
        /// The format this build reads.
        expected: u32,
    },
    /// A configuration was given that differs from the index's own.
    #[error(
        "the index at {} was built with another configuration; relations would not be comparable. \
         Leave --config out to use the index's own (see `stemma index info`), or build a new index",
        .0.display()
    )]
    ConfigMismatch(PathBuf),
    /// Creating the directory or opening the database failed.
    #[error("cannot open the index at {path}: {source}")]
    Open {
        /// The index directory.
        path: PathBuf,
        /// Why.
        source: redb::Error,
    },
    /// The embedded database failed while reading or writing.
    #[error("index storage: {0}")]
    Storage(#[from] redb::Error),
    /// A stored record does not decode: the index is damaged.
    #[error("damaged index record ({what}): {message}")]
    Damaged {
        /// Which record.
        what: String,
        /// Why it does not decode.
        message: String,
    },
}

macro_rules! storage_errors {
    ($($t:ty),*) => {$(
        impl From<$t> for IndexError {
            fn from(e: $t) -> Self {
                IndexError::Storage(e.into())
            }
        }
    )*};
}

storage_errors!(redb::TransactionError, redb::TableError, redb::StorageError, redb::CommitError);
