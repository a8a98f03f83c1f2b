//! This module defines the provenance relations, provenance as data: for
//! each base relation `R`, `R_attested` holds `R`'s columns followed by one
//! attestation of the fact (source, paragraph, grade, inference note, `""`
//! when stated); `source_origin(source, origin)` says which sources restate
//! which ([`DataSet::origin_of`]); `grade_confidence(grade, permille)` maps
//! every Admiralty grade to its confidence. `rules/provenance.dl` declares
//! them; the workspace fills those the program declares, so that rules,
//! negation and aggregates read provenance like any other relation.

// `Diagnostic` is the crate's error type (see `diag`), returned by value on
// the error path only.
#![allow(clippy::result_large_err)]

use crate::diag::{Code, Diagnostic};
use crate::eval::Database;
use crate::grade::{Credibility, Grade, Reliability};
use crate::io::data::{DataSet, GroundFact, SourceDoc, base_relation};
use crate::ir::{self, RelId};
use crate::value::{Type, Value};

/// What a base relation's provenance relation is called after it.
pub const ATTESTED_SUFFIX: &str = "_attested";
/// The relation of sources and their origins.
pub const SOURCE_ORIGIN: &str = "source_origin";
/// The relation of grades and their confidence in thousandths.
pub const GRADE_CONFIDENCE: &str = "grade_confidence";

/// The columns sleuth adds to a base relation's to make its provenance
/// relation.
pub const ATTESTATION_COLUMNS: &[(&str, Type)] = &[
    ("source", Type::Symbol),
    ("paragraph", Type::Number),
    ("grade", Type::Symbol),
    ("inferred", Type::Symbol),
];

/// The name of the provenance relation of base relation `relation`.
pub fn attested_name(relation: &str) -> String {
    format!("{relation}{ATTESTED_SUFFIX}")
}

/// One attestation of a base fact.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attestation<'a> {
    /// The base relation.
    pub relation: &'a str,
    /// The fact's values.
    pub values: &'a [Value],
    /// The source's id.
    pub source: &'a str,
    /// The paragraph (0 for a fact the analyst typed).
    pub paragraph: u32,
    /// Its grade.
    pub grade: Grade,
    /// What was inferred, when the value was not stated.
    pub note: Option<&'a str>,
}

impl<'a> Attestation<'a> {
    /// The attestation of a fact loaded from a data document.
    pub(crate) fn of_data(fact: &'a GroundFact) -> Attestation<'a> {
        Attestation {
            relation: &fact.relation,
            values: &fact.values,
            source: &fact.provenance.source,
            paragraph: fact.provenance.paragraph,
            grade: fact.provenance.grade,
            note: fact.provenance.note.as_deref(),
        }
    }

    /// The provenance relation's row: the fact's values, then the
    /// attestation's columns.
    pub(crate) fn row(&self) -> Vec<Value> {
        let mut row = self.values.to_vec();
        row.push(Value::Symbol(self.source.to_string()));
        row.push(Value::Number(i64::from(self.paragraph)));
        row.push(Value::Symbol(self.grade.to_string()));
        row.push(Value::Symbol(self.note.unwrap_or("").to_string()));
        row
    }
}

/// Every Admiralty grade, A1 to F6.
pub(crate) fn all_grades() -> Vec<Grade> {
    let mut out = Vec::new();
    for letter in ['A', 'B', 'C', 'D', 'E', 'F'] {
        for digit in 1..=6 {
            if let (Some(r), Some(c)) = (
                Reliability::from_letter(letter),
                Credibility::from_digit(digit),
            ) {
                out.push(Grade::new(r, c));
            }
        }
    }
    out
}

/// The columns a provenance relation must have, when `name` is one.
fn expected_columns(name: &str) -> Option<Vec<Type>> {
    match name {
        SOURCE_ORIGIN => Some(vec![Type::Symbol, Type::Symbol]),
        GRADE_CONFIDENCE => Some(vec![Type::Symbol, Type::Number]),
        _ => {
            let base = base_relation(name.strip_suffix(ATTESTED_SUFFIX)?)?;
            Some(
                base.iter()
                    .chain(ATTESTATION_COLUMNS)
                    .map(|(_, t)| *t)
                    .collect(),
            )
        }
    }
}

/// Whether `name` is a provenance relation sleuth fills (an `R_attested`,
/// `source_origin` or `grade_confidence` declared with its columns).
pub(crate) fn is_provenance(program: &ir::Program, name: &str) -> bool {
    matches!(relation(program, name), Ok(Some(_)))
}

/// The provenance relation `name` of the program, when it declares it with
/// the columns sleuth fills; an error when it declares it otherwise.
pub(crate) fn relation(program: &ir::Program, name: &str) -> Result<Option<RelId>, Diagnostic> {
    let Some(rel) = program.relation_id(name) else {
        return Ok(None);
    };
    let Some(expected) = expected_columns(name) else {
        return Ok(None);
    };
    let r = &program.relations[rel];
    if r.types() == expected {
        return Ok(Some(rel));
    }
    let shown: Vec<&str> = expected.iter().map(|t| t.name()).collect();
    Err(Diagnostic::new(
        Code::AttestationShape,
        format!(
            "`{name}` is a provenance relation that sleuth fills with columns ({}), but it is declared with ({})",
            shown.join(", "),
            r.types().iter().map(|t| t.name()).collect::<Vec<_>>().join(", "),
        ),
        r.span,
    )
    .with_label("declared here")
    .with_help("declare it as rules/provenance.dl does, or give the relation another name"))
}

/// Inserts the provenance rows of `attestations`, and, when `documents` is
/// given, the origin of every source and the confidence of every grade,
/// into the relations the program declares.
pub(crate) fn fill<'a>(
    program: &ir::Program,
    db: &mut Database,
    attestations: impl IntoIterator<Item = Attestation<'a>>,
    documents: Option<(&[SourceDoc], &[String])>,
) -> Result<(), Diagnostic> {
    let mut companions: Vec<(String, Option<RelId>)> = Vec::new();
    for a in attestations {
        let rel = match companions.iter().find(|(n, _)| n == a.relation) {
            Some((_, rel)) => *rel,
            None => {
                let rel = relation(program, &attested_name(a.relation))?;
                companions.push((a.relation.to_string(), rel));
                rel
            }
        };
        if let Some(rel) = rel {
            db.insert(rel, &a.row())?;
        }
    }
    let Some((documents, typed)) = documents else {
        return Ok(());
    };
    if let Some(rel) = relation(program, SOURCE_ORIGIN)? {
        for (source, origin) in origins(documents, typed) {
            db.insert(rel, &[Value::Symbol(source), Value::Symbol(origin)])?;
        }
    }
    if let Some(rel) = relation(program, GRADE_CONFIDENCE)? {
        for g in all_grades() {
            db.insert(
                rel,
                &[
                    Value::Symbol(g.to_string()),
                    Value::Number(g.confidence_permille()),
                ],
            )?;
        }
    }
    Ok(())
}

/// Each source (documents loaded, and the sources the analyst typed facts
/// under) with its origin.
pub(crate) fn origins(documents: &[SourceDoc], typed: &[String]) -> Vec<(String, String)> {
    let data = DataSet {
        sources: documents.to_vec(),
        facts: Vec::new(),
    };
    let mut out: Vec<(String, String)> = documents
        .iter()
        .map(|d| d.id.as_str())
        .chain(typed.iter().map(String::as_str))
        .map(|s| (s.to_string(), data.origin_of(s).to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::data::BASE_RELATIONS;

    /// rules/provenance.dl declares one provenance relation per base
    /// relation, with the columns sleuth fills.
    #[test]
    fn the_library_declares_every_provenance_relation() {
        let ws = crate::session::Workspace::builder()
            .builtins()
            .open()
            .expect("the library loads");
        let program = ws.program();
        for (name, _) in BASE_RELATIONS {
            let companion = attested_name(name);
            assert!(
                relation(program, &companion)
                    .expect("declared with the right columns")
                    .is_some(),
                "rules/provenance.dl does not declare {companion}"
            );
        }
        for name in [SOURCE_ORIGIN, GRADE_CONFIDENCE] {
            assert!(relation(program, name).expect("right columns").is_some());
        }
    }

    #[test]
    fn every_grade_is_listed_once() {
        let grades = all_grades();
        assert_eq!(grades.len(), 36);
        assert_eq!(grades[0].to_string(), "A1");
        assert_eq!(grades[35].to_string(), "F6");
    }
}
