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
