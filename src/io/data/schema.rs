//! This module defines the base relations the data format fills: sleuth's
//! public schema. `rules/schema.dl` declares the same relations with the same
//! attribute names and types (a test keeps the two in step).

use crate::value::Type;

/// A base relation: its name and its columns (attribute name, type).
pub type BaseRelation = (&'static str, &'static [(&'static str, Type)]);

use Type::{Date, Number, Symbol};

/// Every base relation, in the order `rules/schema.dl` declares them.
pub const BASE_RELATIONS: &[BaseRelation] = &[
    ("source", &[("src", Symbol), ("title", Symbol)]),
    ("place_kind", &[("place", Symbol), ("kind", Symbol)]),
    ("located_in", &[("place", Symbol), ("area", Symbol)]),
    ("theater", &[("theater", Symbol)]),
    ("theater_area", &[("theater", Symbol), ("area", Symbol)]),
    ("organisation", &[("org", Symbol)]),
    ("org_theater", &[("org", Symbol), ("theater", Symbol)]),
    ("branch_of", &[("org", Symbol), ("parent", Symbol)]),
    ("operation", &[("op", Symbol), ("date", Date)]),
    ("conducted_by", &[("op", Symbol), ("country", Symbol)]),
    ("cell", &[("cell", Symbol), ("place", Symbol)]),
    ("dismantled", &[("cell", Symbol), ("op", Symbol)]),
    ("cell_activity", &[("cell", Symbol), ("activity", Symbol)]),
    ("cell_target", &[("cell", Symbol), ("area", Symbol)]),
    ("cell_linked_to", &[("cell", Symbol), ("org", Symbol)]),
    ("seized", &[("op", Symbol), ("item", Symbol)]),
    ("nationality", &[("person", Symbol), ("country", Symbol)]),
    (
        "arrest",
        &[("person", Symbol), ("place", Symbol), ("date", Date)],
    ),
    ("member_of", &[("person", Symbol), ("org", Symbol)]),
    ("rank", &[("person", Symbol), ("rank", Symbol)]),
    ("travel_intent", &[("person", Symbol), ("area", Symbol)]),
    ("contact_with", &[("person", Symbol), ("org", Symbol)]),
    ("recruiting_for", &[("person", Symbol), ("area", Symbol)]),
    ("person_group", &[("person", Symbol), ("at_least", Number)]),
    ("fighter_flow", &[("origin", Symbol), ("theater", Symbol)]),
    (
        "event",
        &[
            ("ev", Symbol),
            ("event_type", Symbol),
            ("sub_event_type", Symbol),
            ("place", Symbol),
            ("date", Date),
        ],
    ),
    (
        "event_actor",
        &[("ev", Symbol), ("role", Symbol), ("actor", Symbol)],
    ),
    ("arrested_count", &[("ev", Symbol), ("n", Number)]),
    ("fatalities", &[("ev", Symbol), ("n", Number)]),
];

/// The columns of a base relation, or `None` if `name` is not one.
pub fn base_relation(name: &str) -> Option<&'static [(&'static str, Type)]> {
    BASE_RELATIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, cols)| *cols)
}

/// What kind of fact a base relation records, for reading an absence of it.
/// A proof that relies on a negated atom assumes the loaded sources hold
/// every fact of its relation that matters (a closed-world assumption).
/// That is a fair reading of background knowledge the data gives in full for
/// what it names, but not of events: a source that does not report an
/// arrest is not evidence that there was none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    /// Something that happened or was reported about people, cells,
    /// organisations or operations (arrests, operations, memberships,
    /// contacts, travel, nationality): a source may simply not mention it.
    Event,
    /// Background knowledge (geography, kinds of places, theater areas, the
    /// identity of organisations and sources).
    Background,
}

impl FactKind {
    /// `event` or `background`, as explanations write it.
    pub fn name(self) -> &'static str {
        match self {
            FactKind::Event => "event",
            FactKind::Background => "background",
        }
    }
}

use FactKind::{Background, Event};

/// The kind of every base relation: the one table that says which absences
/// are assumptions about events.
pub const BASE_RELATION_KINDS: &[(&str, FactKind)] = &[
    ("source", Background),
    ("place_kind", Background),
    ("located_in", Background),
    ("theater", Background),
    ("theater_area", Background),
    ("organisation", Background),
    // Where an organisation operates is reported activity, not geography.
    ("org_theater", Event),
    ("branch_of", Background),
    ("operation", Event),
    ("conducted_by", Event),
    ("cell", Event),
    ("dismantled", Event),
    ("cell_activity", Event),
    ("cell_target", Event),
    ("seized", Event),
    // What the sources say about a person is reported, like an event.
    ("nationality", Event),
    ("arrest", Event),
    ("member_of", Event),
    ("rank", Event),
    ("travel_intent", Event),
    ("contact_with", Event),
    ("fighter_flow", Event),
    // A cell's tie to an organisation is reported activity.
    ("cell_linked_to", Event),
    ("recruiting_for", Event),
    // Whether a person id stands for a group is part of declaring the id,
    // not a reported event: an id declared without `at_least` is one person.
    ("person_group", Background),
    // ACLED's events, their actors and what the row counts.
    ("event", Event),
    ("event_actor", Event),
    ("arrested_count", Event),
    ("fatalities", Event),
];

/// The kind of a relation given as facts. Relations outside the public
/// schema (declared by an analyst's own rules) count as events: without a
/// classification, an absence is not taken for granted.
pub fn fact_kind(relation: &str) -> FactKind {
    BASE_RELATION_KINDS
        .iter()
        .find(|(n, _)| *n == relation)
        .map_or(Event, |(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base relation added to the schema without a kind would silently
    /// count as an event; the table must name every one, once.
    #[test]
    fn every_base_relation_has_exactly_one_kind() {
        for (name, _) in BASE_RELATIONS {
            let n = BASE_RELATION_KINDS
                .iter()
                .filter(|(k, _)| k == name)
                .count();
            assert_eq!(
                n, 1,
                "{name} is classified {n} times in BASE_RELATION_KINDS"
            );
        }
        for (name, _) in BASE_RELATION_KINDS {
            assert!(
                base_relation(name).is_some(),
                "{name} is classified but is not a base relation"
            );
        }
    }

    #[test]
    fn geography_is_background_and_arrests_are_events() {
        assert_eq!(fact_kind("located_in"), FactKind::Background);
        assert_eq!(fact_kind("theater_area"), FactKind::Background);
        assert_eq!(fact_kind("arrest"), FactKind::Event);
        assert_eq!(fact_kind("member_of"), FactKind::Event);
        assert_eq!(fact_kind("my_own_relation"), FactKind::Event);
    }
}
