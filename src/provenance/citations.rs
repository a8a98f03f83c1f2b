//! This module defines where base tuples come from: for each stored row of a
//! base fact, the data facts behind it (source report, paragraph, grade,
//! inference note) and the facts written in rule text, and the confidence
//! that gives the row (its best-graded origin).

use std::collections::HashMap;

use super::confidence::Confidence;
use super::exec::RowId;
use crate::diag::SourceMap;
use crate::eval::Database;
use crate::eval::pack::pack_existing;
use crate::grade::Grade;
use crate::io::data::{GroundFact, SourceDoc};
use crate::ir::{self, RelId};
use crate::value::Value;

/// One origin of a base tuple.
#[derive(Clone, Debug, PartialEq)]
pub enum Citation {
    /// A fact taken from a source report.
    Report {
        /// The report's id.
        source: String,
        /// Its title, when the document was loaded.
        title: Option<String>,
        /// The data file it was loaded from.
        file: Option<String>,
        /// The paragraph (0 is the headline).
        paragraph: u32,
        /// The fact's Admiralty grade.
        grade: Grade,
        /// What was inferred and why, when the value was not stated.
        note: Option<String>,
    },
    /// A fact written in rule text (`file:line`), which carries no grade.
    Rules {
        /// Where it is written.
        location: String,
    },
    /// A base tuple with no recorded origin (read from a TSV file).
    Unrecorded,
}

impl Citation {
    /// The confidence this origin gives the tuple.
    pub fn confidence(&self) -> Confidence {
        match self {
            Citation::Report { grade, .. } => Confidence::from_grade(*grade),
            _ => Confidence::UNGRADED,
        }
    }

    /// A short reference: `morocco-sahel-recruitment ¶5, graded C2`.
    pub fn short(&self) -> String {
        match self {
            Citation::Report {
                source,
                paragraph,
                grade,
                ..
            } => format!("{source} ¶{paragraph}, graded {grade}"),
            Citation::Rules { location } => format!("written at {location} (ungraded)"),
            Citation::Unrecorded => "base fact with no recorded source (ungraded)".to_string(),
        }
    }
}

/// The origins of every base row, by row.
#[derive(Default)]
pub(crate) struct Citations {
    by_row: HashMap<RowId, Vec<Citation>>,
    /// Rows that are base facts, per relation (all rows of a relation no
    /// rule derives).
    base_rows: Vec<Option<Vec<bool>>>,
}

fn row_of(db: &Database, rel: RelId, values: &[Value]) -> Option<u32> {
    let r = db.rels.get(rel)?;
    if values.len() != r.arity || values.iter().zip(&r.types).any(|(v, t)| v.ty() != *t) {
        return None;
    }
    let words: Option<Vec<u64>> = values
        .iter()
        .map(|v| pack_existing(v, &db.interner))
        .collect();
    r.find(&words?)
}

impl Citations {
    /// Indexes the data facts and the program's facts by row.
    pub(crate) fn new(
        program: &ir::Program,
        db: &Database,
        sources: &SourceMap,
        facts: &[GroundFact],
        documents: &[SourceDoc],
    ) -> Citations {
        let mut by_row: HashMap<RowId, Vec<Citation>> = HashMap::new();
        for f in facts {
            let Some(rel) = program.relation_id(&f.relation) else {
                continue;
            };
            let Some(id) = row_of(db, rel, &f.values) else {
                continue;
            };
            let doc = documents.iter().find(|d| d.id == f.provenance.source);
            let c = Citation::Report {
                source: f.provenance.source.clone(),
                title: doc.map(|d| d.title.clone()),
                file: doc.map(|d| d.file.clone()),
                paragraph: f.provenance.paragraph,
                grade: f.provenance.grade,
                note: f.provenance.note.clone(),
            };
            let list = by_row.entry((rel, id)).or_default();
            if !list.contains(&c) {
                list.push(c);
            }
        }
        for f in &program.facts {
            let Some(id) = row_of(db, f.rel, &f.values) else {
                continue;
            };
            let file = sources.file(f.span.source);
            let (line, _) = file.line_col(f.span.start as usize);
            let c = Citation::Rules {
                location: format!("{}:{line}", file.name),
            };
            let list = by_row.entry((f.rel, id)).or_default();
            if !list.contains(&c) {
                list.push(c);
            }
        }
        for list in by_row.values_mut() {
            // Best first, then by paragraph.
            list.sort_by_key(|c| {
                let p = match c {
                    Citation::Report { paragraph, .. } => *paragraph,
                    _ => u32::MAX,
                };
                (std::cmp::Reverse(c.confidence()), p)
            });
        }
        let base_rows = (0..db.rels.len())
            .map(|rel| {
                let r = &db.rels[rel];
                if !db.derived[rel] {
                    return None;
                }
                let mut is_base = vec![false; r.len()];
                let k = r.arity;
                for i in 0..r.base_rows {
                    if let Some(id) = r.find(&r.base[i * k..i * k + k]) {
                        is_base[id as usize] = true;
                    }
                }
                Some(is_base)
            })
            .collect();
        Citations { by_row, base_rows }
    }

    /// Whether a row is a base fact (given as data or written as a fact).
    pub(crate) fn is_base(&self, rel: RelId, id: u32) -> bool {
        match self.base_rows.get(rel) {
            Some(Some(rows)) => rows.get(id as usize).copied().unwrap_or(false),
            _ => true,
        }
    }

    /// The origins of a base row, best first.
    pub(crate) fn of(&self, rel: RelId, id: u32) -> Vec<Citation> {
        match self.by_row.get(&(rel, id)) {
            Some(list) => list.clone(),
            None => vec![Citation::Unrecorded],
        }
    }

    /// The confidence of a base row: its best origin's.
    pub(crate) fn confidence(&self, rel: RelId, id: u32) -> Confidence {
        self.by_row
            .get(&(rel, id))
            .and_then(|list| list.iter().map(Citation::confidence).max())
            .unwrap_or(Confidence::UNGRADED)
    }
}
