//! This module defines the conflicts between data documents: a single-valued
//! field of one entity (an operation's date, a person's nationality, a
//! place's containing area ...) that different sources give differently.
//!
//! A conflict is not an error and nothing silently wins: each value stays a
//! base fact with its own provenance, so rules see every value (and each
//! conclusion cites the source it rests on), and the conflict is listed here
//! beside them. Conflicts are read off the facts, so they always match what
//! is loaded: a source's facts gone, its side of each conflict is gone too.

use std::collections::BTreeMap;

use crate::grade::Grade;
use crate::value::Value;

use super::dataset::{DataSet, GroundFact};

/// A field that holds one value per entity: which base relation records it,
/// which columns name the entity, and which column holds the value.
#[derive(Clone, Copy, Debug)]
pub struct SingleValued {
    /// The base relation.
    pub relation: &'static str,
    /// The kind of entity (`operation`, `place` ...), or `arrest`.
    pub kind: &'static str,
    /// The field's name in a data document.
    pub field: &'static str,
    /// The column naming the entity.
    pub entity: usize,
    /// A column that, with the entity, says which record the field belongs
    /// to (an arrest's place: one person's arrest at one place has one date).
    pub qualifier: Option<usize>,
    /// The column holding the value.
    pub value: usize,
}

/// Every single-valued field of the data format. The list-valued fields (an
/// organisation's theaters, an operation's `conducted_by` and `seized`, a
/// person's `member_of`, `travel_intent` and `contacts`, a cell's activities
/// and targets, a theater's areas) take the union of what documents say.
pub const SINGLE_VALUED: &[SingleValued] = &[
    field("place_kind", "place", "kind"),
    field("located_in", "place", "in"),
    field("operation", "operation", "date"),
    field("nationality", "person", "nationality"),
    field("rank", "person", "rank"),
    field("branch_of", "organisation", "part_of"),
    field("cell", "cell", "place"),
    SingleValued {
        relation: "arrest",
        kind: "arrest",
        field: "date",
        entity: 0,
        qualifier: Some(1),
        value: 2,
    },
];

const fn field(relation: &'static str, kind: &'static str, name: &'static str) -> SingleValued {
    SingleValued {
        relation,
        kind,
        field: name,
        entity: 0,
        qualifier: None,
        value: 1,
    }
}

/// One single-valued field that the loaded sources give differently.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The kind of entity: `place`, `operation`, `person`, `organisation`,
    /// `cell`, or `arrest` (a person's arrest at a place).
    pub kind: String,
    /// The entity's id (for an arrest: the person's).
    pub entity: String,
    /// The field, as a data document names it; for an arrest, `date at PLACE`.
    pub field: String,
    /// The base relation its values are facts of.
    pub relation: String,
    /// Every attestation of every value, by value then source and paragraph.
    pub values: Vec<ConflictValue>,
}

/// One source's value in a conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictValue {
    /// The value (a date, a place, a kind ...).
    pub value: Value,
    /// The source that gives it.
    pub source: String,
    /// Its paragraph there.
    pub paragraph: u32,
    /// Its Admiralty grade.
    pub grade: Grade,
    /// What was inferred and why, when the value was not stated.
    pub inferred: Option<String>,
}

impl Conflict {
    /// The distinct values, in order.
    pub fn distinct_values(&self) -> Vec<&Value> {
        let mut out: Vec<&Value> = self.values.iter().map(|v| &v.value).collect();
        out.dedup();
        out
    }
}

impl DataSet {
    /// Every conflict among the loaded facts, by kind, entity and field: a
    /// single-valued field (`SINGLE_VALUED`) with two or more values, given
    /// by more than one source. (One document gives one value per field; a
    /// person it lists in two arrests at one place was arrested twice.)
    pub fn conflicts(&self) -> Vec<Conflict> {
        conflicts_of(&self.facts)
    }
}

/// [`DataSet::conflicts`] over any list of data facts.
pub fn conflicts_of(facts: &[GroundFact]) -> Vec<Conflict> {
    // (kind, entity, field) -> the attestations.
    let mut groups: BTreeMap<(&str, String, String), (&str, Vec<ConflictValue>)> = BTreeMap::new();
    for fact in facts {
        for sv in SINGLE_VALUED
            .iter()
            .filter(|sv| sv.relation == fact.relation)
        {
            let (Some(entity), Some(value)) =
                (fact.values.get(sv.entity), fact.values.get(sv.value))
            else {
                continue;
            };
            let field = match sv.qualifier.and_then(|q| fact.values.get(q)) {
                Some(q) => format!("{} at {q}", sv.field),
                None => sv.field.to_string(),
            };
            let p = &fact.provenance;
            groups
                .entry((sv.kind, entity.to_string(), field))
                .or_insert_with(|| (sv.relation, Vec::new()))
                .1
                .push(ConflictValue {
                    value: value.clone(),
                    source: p.source.clone(),
                    paragraph: p.paragraph,
                    grade: p.grade,
                    inferred: p.note.clone(),
                });
        }
    }
    let mut out = Vec::new();
    for ((kind, entity, field), (relation, mut values)) in groups {
        values.sort_by(|a, b| {
            (&a.value, &a.source, a.paragraph).cmp(&(&b.value, &b.source, b.paragraph))
        });
        values.dedup();
        let several_values = values.windows(2).any(|w| w[0].value != w[1].value);
        let several_sources = values.windows(2).any(|w| w[0].source != w[1].source);
        if several_values && several_sources {
            out.push(Conflict {
                kind: kind.to_string(),
                entity,
                field,
                relation: relation.to_string(),
                values,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::data::Provenance;

    fn fact(relation: &str, values: &[&str], source: &str) -> GroundFact {
        GroundFact {
            relation: relation.into(),
            values: values
                .iter()
                .map(|v| Value::Symbol(v.to_string()))
                .collect(),
            provenance: Provenance {
                source: source.into(),
                paragraph: 1,
                grade: Grade::parse("C2").expect("a grade"),
                note: None,
            },
        }
    }

    #[test]
    fn two_sources_giving_two_values_conflict() {
        let facts = [
            fact("located_in", &["Shata", "Morocco"], "a"),
            fact("located_in", &["Shata", "Spain"], "b"),
            fact("located_in", &["Tangier", "Morocco"], "a"),
            fact("located_in", &["Tangier", "Morocco"], "b"),
        ];
        let found = conflicts_of(&facts);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, "place");
        assert_eq!(found[0].entity, "Shata");
        assert_eq!(found[0].field, "in");
        let sources: Vec<&str> = found[0].values.iter().map(|v| v.source.as_str()).collect();
        assert_eq!(sources, ["a", "b"]);
    }

    #[test]
    fn list_fields_and_one_source_twice_do_not_conflict() {
        let facts = [
            fact("org_theater", &["IS", "Sahel"], "a"),
            fact("org_theater", &["IS", "Somalia"], "b"),
            // One document listing a person in two arrests at one place.
            fact("arrest", &["p", "Ofin", "2024-01"], "a"),
            fact("arrest", &["p", "Ofin", "2024-02"], "a"),
        ];
        assert!(conflicts_of(&facts).is_empty());
    }

    #[test]
    fn an_arrest_date_conflicts_per_person_and_place() {
        let facts = [
            fact("arrest", &["p", "Ofin", "2024-02"], "a"),
            fact("arrest", &["p", "Ofin", "2024-03"], "b"),
            fact("arrest", &["p", "Almskad", "2023-11"], "a"),
        ];
        let found = conflicts_of(&facts);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, "arrest");
        assert_eq!(found[0].entity, "p");
        assert_eq!(found[0].field, "date at Ofin");
        assert_eq!(found[0].distinct_values().len(), 2);
    }
}
