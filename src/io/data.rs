//! This module defines the JSON data format of source reports and its loader onto the base relations, with provenance.
//!
//! One document per source report, written by hand (data/README.md is the
//! analyst's guide): the `source` itself (id, title, publisher, description,
//! default Admiralty grade, how its paragraphs are counted), then the
//! entities it reports: `places`, `theaters`, `organisations`, `persons`,
//! `operations` with their `cells`, `arrests` and `fighter_flows`. Every entity
//! cites the `paragraph` it comes from and may set its own `grade`; a value
//! the report leaves to inference carries `inferred` (a note saying what was
//! inferred and why) and gets a lower credibility. Any value may be written
//! plainly (`"Morocco"`) or with its own provenance
//! (`{"value": "Morocco", "inferred": "...", "grade": "C3", "paragraph": 3}`).
//!
//! [`DataLoader`] maps documents onto the base relations
//! ([`BASE_RELATIONS`]), checking ids and references across every document it
//! has read; an error names the file, line, column and JSON path and loads
//! nothing. Documents of different sources may declare the same ids: they
//! merge, a fact several sources give keeps one attestation per source, and a
//! single-valued field they give differently is a [`Conflict`] (both values
//! stay facts).
//!
//! - `attested`: values with their own provenance, dates and grades.
//! - `format`: the serde shape of a document.
//! - `locate`: JSON paths and their place in the text.
//! - `registry`: the ids declared so far, with each document's declaration.
//! - `conflicts`: single-valued fields the sources give differently.
//! - `lower`: from a document to facts.
//! - `declare`: ids, references, kinds and containment checked.
//! - `provenance`: each fact's paragraph, grade and inference note.
//! - `groups`: groups of people of unknown identity and number, what people
//!   recruited for, and the organisations cells are tied to.
//! - `loader`: [`DataLoader`] and its error messages.
//! - `acled`: the loader's reading of ACLED exports (`crate::io::acled`).
//! - `stix`: the loader's reading of STIX 2.1 bundles (`crate::io::stix`).

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only; boxing it would change the contract for no gain.
#![allow(clippy::result_large_err)]

mod acled;
pub(crate) mod attested;
mod conflicts;
mod dataset;
mod declare;
pub(crate) mod format;
mod groups;
mod loader;
pub(crate) mod locate;
mod lower;
mod provenance;
pub(crate) mod registry;
mod schema;
mod stix;

pub(crate) use conflicts::conflicts_of;
pub use conflicts::{Conflict, ConflictValue};
pub use dataset::{DataSet, GroundFact, Provenance, SourceDoc};
pub use loader::DataLoader;
pub(crate) use schema::fact_kind;
pub use schema::{BASE_RELATIONS, FactKind, base_relation};

/// The data documents built into sleuth, as `(name, text)` pairs: what
/// `sleuth` uses when no `--data` is given.
pub fn embedded() -> &'static [(&'static str, &'static str)] {
    crate::embedded::DATA
}
