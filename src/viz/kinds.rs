//! This module defines the kinds of entity a link chart draws (place,
//! country, theater, person, organisation, operation, cell) with their
//! shapes and colours, and how a value's kind is read from the base
//! relations it appears in.

use std::collections::{BTreeSet, HashMap};

use crate::session::Workspace;
use crate::value::Value;

use super::base::{symbols, tuples};

/// What a node of a link chart stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A person (named in nationality, arrest, member_of ...).
    Person,
    /// An armed or terrorist organisation.
    Organisation,
    /// A counter-terrorism operation.
    Operation,
    /// A cell an operation dismantled.
    Cell,
    /// A place of kind country.
    Country,
    /// A theater of conflict.
    Theater,
    /// Any other place (city, region, locality ...).
    Place,
    /// One answer row of a wide query, joining its values.
    Row,
    /// Anything else: a number, a date, a symbol no base relation types.
    Value,
}

impl Kind {
    /// Every kind, in legend order.
    pub const ALL: [Kind; 9] = [
        Kind::Country,
        Kind::Place,
        Kind::Theater,
        Kind::Person,
        Kind::Organisation,
        Kind::Operation,
        Kind::Cell,
        Kind::Row,
        Kind::Value,
    ];

    /// The kind's name as written in DOT classes and GraphML: `country`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organisation => "organisation",
            Kind::Operation => "operation",
            Kind::Cell => "cell",
            Kind::Country => "country",
            Kind::Theater => "theater",
            Kind::Place => "place",
            Kind::Row => "row",
            Kind::Value => "value",
        }
    }

    /// The Graphviz shape drawn for the kind.
    pub fn shape(self) -> &'static str {
        match self {
            Kind::Person => "box",
            Kind::Organisation => "component",
            Kind::Operation => "parallelogram",
            Kind::Cell => "folder",
            Kind::Country => "box3d",
            Kind::Theater => "hexagon",
            Kind::Place => "ellipse",
            Kind::Row => "note",
            Kind::Value => "plaintext",
        }
    }

    /// The fill colour, `#rrggbb`.
    pub fn color(self) -> &'static str {
        match self {
            Kind::Person => "#fff2cc",
            Kind::Organisation => "#d9d2e9",
            Kind::Operation => "#fce5cd",
            Kind::Cell => "#ead1dc",
            Kind::Country => "#cfe2f3",
            Kind::Theater => "#f4cccc",
            Kind::Place => "#d9ead3",
            Kind::Row => "#eeeeee",
            Kind::Value => "#ffffff",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Which column of which base relation names an entity of which kind.
/// `place_kind` is read apart: its second column says country or not.
const TYPED_COLUMNS: &[(&str, usize, usize, Kind)] = &[
    ("located_in", 2, 0, Kind::Place),
    ("located_in", 2, 1, Kind::Place),
    ("theater", 1, 0, Kind::Theater),
    ("theater_area", 2, 0, Kind::Theater),
    ("theater_area", 2, 1, Kind::Place),
    ("fighter_flow", 2, 0, Kind::Place),
    ("fighter_flow", 2, 1, Kind::Theater),
    ("organisation", 1, 0, Kind::Organisation),
    ("org_theater", 2, 0, Kind::Organisation),
    ("org_theater", 2, 1, Kind::Theater),
    ("branch_of", 2, 0, Kind::Organisation),
    ("branch_of", 2, 1, Kind::Organisation),
    ("operation", 2, 0, Kind::Operation),
    ("conducted_by", 2, 0, Kind::Operation),
    ("conducted_by", 2, 1, Kind::Country),
    ("seized", 2, 0, Kind::Operation),
    ("dismantled", 2, 0, Kind::Cell),
    ("dismantled", 2, 1, Kind::Operation),
    ("cell", 2, 0, Kind::Cell),
    ("cell", 2, 1, Kind::Place),
    ("cell_activity", 2, 0, Kind::Cell),
    ("cell_target", 2, 0, Kind::Cell),
    ("cell_linked_to", 2, 0, Kind::Cell),
    ("cell_linked_to", 2, 1, Kind::Organisation),
    ("nationality", 2, 0, Kind::Person),
    ("nationality", 2, 1, Kind::Country),
    ("arrest", 3, 0, Kind::Person),
    ("arrest", 3, 1, Kind::Place),
    ("member_of", 2, 0, Kind::Person),
    ("member_of", 2, 1, Kind::Organisation),
    ("rank", 2, 0, Kind::Person),
    ("travel_intent", 2, 0, Kind::Person),
    ("contact_with", 2, 0, Kind::Person),
    ("contact_with", 2, 1, Kind::Organisation),
    ("recruiting_for", 2, 0, Kind::Person),
    ("person_group", 2, 0, Kind::Person),
];

/// The kinds each symbol of the workspace has (a name may have several:
/// Somalia is a country and a theater).
pub(crate) struct KindIndex {
    kinds: HashMap<String, BTreeSet<Kind>>,
}

impl KindIndex {
    /// Reads the base relations of the workspace.
    pub(crate) fn new(ws: &Workspace) -> KindIndex {
        let mut kinds: HashMap<String, BTreeSet<Kind>> = HashMap::new();
        let mut countries = BTreeSet::new();
        for row in tuples(ws, "place_kind", 2) {
            if let Some([place, kind]) = symbols::<2>(&row) {
                let k = if kind == "country" {
                    countries.insert(place.to_string());
                    Kind::Country
                } else {
                    Kind::Place
                };
                kinds.entry(place.to_string()).or_default().insert(k);
            }
        }
        for &(relation, arity, column, kind) in TYPED_COLUMNS {
            for row in tuples(ws, relation, arity) {
                if let Some(Value::Symbol(s)) = row.get(column) {
                    // A country named where any place may stand stays a country.
                    let kind = if kind == Kind::Place && countries.contains(s) {
                        Kind::Country
                    } else {
                        kind
                    };
                    kinds.entry(s.clone()).or_default().insert(kind);
                }
            }
        }
        KindIndex { kinds }
    }

    /// The kinds a value has; none for numbers, dates and unknown symbols.
    pub(crate) fn kinds_of(&self, value: &Value) -> Option<&BTreeSet<Kind>> {
        match value {
            Value::Symbol(s) => self.kinds.get(s),
            _ => None,
        }
    }

    /// The kind of each value of one column. Values known as several kinds
    /// take the one the column's other values share most (so in a column of
    /// theaters, Somalia is the theater; in a column of countries, the
    /// country); ties go to the first kind in [`Kind`]'s order.
    pub(crate) fn column_kinds(&self, values: &[&Value]) -> Vec<Kind> {
        let mut votes: HashMap<Kind, usize> = HashMap::new();
        for v in values {
            for k in self.kinds_of(v).into_iter().flatten() {
                *votes.entry(*k).or_default() += 1;
            }
        }
        values
            .iter()
            .map(|v| match self.kinds_of(v) {
                None => Kind::Value,
                Some(ks) => *ks
                    .iter()
                    .max_by(|a, b| votes[a].cmp(&votes[b]).then(b.cmp(a)))
                    .expect("a known value has at least one kind"),
            })
            .collect()
    }
}
