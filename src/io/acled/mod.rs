//! This module defines how sleuth reads ACLED event exports (CSV, one row per
//! event): recognising an export by its header (`header`), reading and
//! checking its rows with located errors (`row`), turning each row into a
//! data document of its own and the event's facts (`map`, with the counts
//! read from the notes in `notes`), and listing the names that may be the
//! report's under another spelling (`matches`).
//!
//! The loader ([`crate::io::data::DataLoader`]) reads a `.csv` file through
//! `read` and lowers each event's document like a hand-written one, so
//! ids, merging, conflicts, grades and provenance take one path.

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only, as in `io::data`.
#![allow(clippy::result_large_err)]

mod header;
mod map;
mod matches;
mod notes;
mod row;

pub use map::EVENT_RELATIONS;
pub(crate) use map::source_id;
pub use matches::{PossibleMatch, possible_matches, text as matches_text};

pub(crate) use map::{document, event_facts};
pub(crate) use row::{Event, read};

/// Whether a file name is that of a CSV file, read as an ACLED export.
pub(crate) fn is_csv(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}
