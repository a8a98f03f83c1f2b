//! This module defines STIX 2.1 in and out: `sleuth export --format stix`
//! writes the loaded sources, entities and base facts and the rule
//! library's main conclusions as a bundle (`export`), and `--data
//! FILE.json` recognises a bundle and maps it back onto the base schema
//! with provenance (`import`, through [`crate::io::data::DataLoader`]).
//!
//! - `bundle`: the serde shape of a bundle and its objects.
//! - `ids`: stable ids, UUIDv5 names of sleuth's ids.
//! - `map`: which STIX object each entity and base relation becomes, read
//!   by both directions.
//! - `country`: country names, codes and regions for `location`s.
//! - `export`, `import`: the two directions; `summary`: what reading a
//!   bundle mapped and skipped; `time`: dates and STIX timestamps.
//! - `conclusions`: the derived relations exported, with their proofs.

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only, as in `io::data`.
#![allow(clippy::result_large_err)]

pub(crate) mod bundle;
mod conclusions;
pub mod country;
mod export;
pub mod ids;
pub(crate) mod import;
pub(crate) mod map;
mod summary;
mod time;

pub use conclusions::{CONCLUSION_RELATIONS, conclusions};
pub use export::{ConclusionRow, EXTENSION_NAME, bundle_json};
pub use ids::{NAMESPACE, stix_id};
pub use import::{DEFAULT_GRADE, credibility_of};
pub use summary::{ImportSummary, Skipped};

use crate::session::Workspace;

/// The workspace's loaded sources and base facts and the main conclusions
/// of its rules, as a STIX 2.1 bundle (JSON text ending in a newline).
/// Facts typed in a session under no loaded document are left out.
pub fn export(ws: &Workspace) -> String {
    bundle_json(ws.documents(), ws.facts(), &conclusions(ws))
}

/// Whether a JSON text is a STIX bundle (an object whose `type` is
/// `bundle`).
pub fn is_bundle(json: &serde_json::Value) -> bool {
    json.get("type").and_then(|t| t.as_str()) == Some("bundle")
}
