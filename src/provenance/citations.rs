//! This module defines where base tuples come from: for each stored row of a
//! base fact, the data facts behind it (source report, paragraph, grade,
//! inference note), the facts the analyst typed under a source, and the
//! facts written in rule text; the confidence that gives the row (its
//! best-graded origin); and how many independent sources support it (its
//! attestations' distinct origins). A row of a provenance relation
//! (`arrest_attested(...)`) cites the one attestation it describes.

use std::collections::HashMap;

use super::confidence::Confidence;
use super::exec::RowId;
use crate::diag::{SourceMap, Span};
use crate::eval::Database;
use crate::eval::pack::pack_existing;
use crate::grade::Grade;
use crate::io::data::{GroundFact, SourceDoc};
use crate::ir::{self, RelId};
use crate::session::{Attestation, SessionSource, attested_name, origins, source_at};

/// The count of independent sources of a tuple no source supports.
pub(crate) const NO_SOURCE: u16 = 1000;
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
    /// A fact the analyst typed under a source (`:source ID GRADE`).
    Typed {
        /// The source's id.
        source: String,
        /// The grade given with it.
        grade: Grade,
        /// Where it was typed (`file:line`).
        location: String,
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
            Citation::Report { grade, .. } | Citation::Typed { grade, .. } => {
                Confidence::from_grade(*grade)
            }
            _ => Confidence::UNGRADED,
        }
    }

    /// The source it cites, when it cites one.
    pub fn source(&self) -> Option<&str> {
        match self {
            Citation::Report { source, .. } | Citation::Typed { source, .. } => Some(source),
            _ => None,
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
            Citation::Typed {
                source,
                grade,
                location,
            } => format!("{source} (typed at {location}), graded {grade}"),
            Citation::Rules { location } => format!("written at {location} (ungraded)"),
            Citation::Unrecorded => "base fact with no recorded source (ungraded)".to_string(),
        }
    }
}

/// The origins of every base row, by row.
#[derive(Default)]
pub(crate) struct Citations {
    by_row: HashMap<RowId, Vec<Citation>>,
    /// Each cited source's origin (see `DataSet::origin_of`).
    origin: HashMap<String, String>,
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
    /// Indexes the data facts and the program's facts by row; `typed` gives
    /// the spans of the facts typed under a source.
    pub(crate) fn new(
        program: &ir::Program,
        db: &Database,
        sources: &SourceMap,
        facts: &[GroundFact],
        documents: &[SourceDoc],
        typed: &[(Span, SessionSource)],
    ) -> Citations {
        let mut by_row: HashMap<RowId, Vec<Citation>> = HashMap::new();
        let cite =
            |by_row: &mut HashMap<RowId, Vec<Citation>>, a: &Attestation<'_>, c: Citation| {
                let companion = program.relation_id(&attested_name(a.relation));
                let rows = [
                    program
                        .relation_id(a.relation)
                        .and_then(|rel| Some((rel, row_of(db, rel, a.values)?))),
                    companion.and_then(|rel| Some((rel, row_of(db, rel, &a.row())?))),
                ];
                for row in rows.into_iter().flatten() {
                    let list = by_row.entry(row).or_default();
                    if !list.contains(&c) {
                        list.push(c.clone());
                    }
                }
            };
        for f in facts {
            let doc = documents.iter().find(|d| d.id == f.provenance.source);
            let c = Citation::Report {
                source: f.provenance.source.clone(),
                title: doc.map(|d| d.title.clone()),
                file: doc.map(|d| d.file.clone()),
                paragraph: f.provenance.paragraph,
                grade: f.provenance.grade,
                note: f.provenance.note.clone(),
            };
            cite(&mut by_row, &Attestation::of_data(f), c);
        }
        for f in &program.facts {
            let file = sources.file(f.span.source);
            let (line, _) = file.line_col(f.span.start as usize);
            let location = format!("{}:{line}", file.name);
            let a = match source_at(typed, f.span) {
                Some(s) => Attestation {
                    relation: &program.relations[f.rel].name,
                    values: &f.values,
                    source: &s.id,
                    paragraph: 0,
                    grade: s.grade,
                    note: None,
                },
                None => {
                    let Some(id) = row_of(db, f.rel, &f.values) else {
                        continue;
                    };
                    let c = Citation::Rules { location };
                    let list = by_row.entry((f.rel, id)).or_default();
                    if !list.contains(&c) {
                        list.push(c);
                    }
                    continue;
                }
            };
            let c = Citation::Typed {
                source: a.source.to_string(),
                grade: a.grade,
                location,
            };
            cite(&mut by_row, &a, c);
        }
        let typed_ids: Vec<String> = typed.iter().map(|(_, s)| s.id.clone()).collect();
        let origin = origins(documents, &typed_ids).into_iter().collect();
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
        Citations {
            by_row,
            origin,
            base_rows,
        }
    }

    /// How many independent sources support a base row: the distinct
    /// origins of the sources it cites; [`NO_SOURCE`] when it cites none
    /// (a fact written in rule text), which, like an ungraded confidence,
    /// does not lower a conclusion's count.
    pub(crate) fn origins(&self, rel: RelId, id: u32) -> u16 {
        let Some(list) = self.by_row.get(&(rel, id)) else {
            return NO_SOURCE;
        };
        let mut seen: Vec<&str> = list
            .iter()
            .filter_map(Citation::source)
            .map(|s| self.origin.get(s).map_or(s, String::as_str))
            .collect();
        seen.sort_unstable();
        seen.dedup();
        if seen.is_empty() {
            NO_SOURCE
        } else {
            seen.len().min(usize::from(NO_SOURCE) - 1) as u16
        }
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
