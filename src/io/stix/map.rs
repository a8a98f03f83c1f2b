//! This module defines the one table both directions read: which sleuth
//! entity each STIX domain object stands for, and which STIX object each
//! base relation's facts become (README "STIX 2.1" shows it as a table).
//!
//! - entities: places and theaters are `location`s; organisations, persons
//!   and cells are `threat-actor`s (their `resource_level` says which:
//!   `organization`, `individual` or `team`); operations are `incident`s.
//!   `x_sleuth_kind` names the entity.
//! - `theater(t)` and `organisation(o)` are the declaration of their object,
//!   which carries their provenance.
//! - a fact between two entities is a `relationship`, of a STIX type where
//!   one means the same (`located-at`, `targets`, `attributed-to`), of a
//!   type named after the relation otherwise.
//! - `arrest(person, place, date)` is a `sighting` of the person at the place.
//! - every other fact (a kind, a date, a count, an activity) is a `note`
//!   about the entities it names, with the fact in `x_sleuth_relation` and
//!   `x_sleuth_values`.

use crate::io::data::registry::Kind;

/// A sleuth entity a STIX domain object stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Entity {
    Place,
    Theater,
    Organisation,
    Person,
    Operation,
    Cell,
}

impl Entity {
    /// Every entity, in the order the export writes them.
    pub const ALL: [Entity; 6] = [
        Entity::Place,
        Entity::Theater,
        Entity::Organisation,
        Entity::Person,
        Entity::Operation,
        Entity::Cell,
    ];

    /// The value of `x_sleuth_kind`.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Place => "place",
            Entity::Theater => "theater",
            Entity::Organisation => "organisation",
            Entity::Person => "person",
            Entity::Operation => "operation",
            Entity::Cell => "cell",
        }
    }

    /// The entity an `x_sleuth_kind` names.
    pub fn from_name(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The STIX type of its object.
    pub fn stix_type(self) -> &'static str {
        match self {
            Entity::Place | Entity::Theater => "location",
            Entity::Organisation | Entity::Person | Entity::Cell => "threat-actor",
            Entity::Operation => "incident",
        }
    }

    /// Its id space in the data loader.
    pub fn kind(self) -> Kind {
        match self {
            Entity::Place => Kind::Place,
            Entity::Theater => Kind::Theater,
            Entity::Organisation => Kind::Organisation,
            Entity::Person => Kind::Person,
            Entity::Operation => Kind::Operation,
            Entity::Cell => Kind::Cell,
        }
    }

    /// The base relation that declares it and carries its provenance on
    /// its object, if any.
    pub fn declared_by(self) -> Option<&'static str> {
        match self {
            Entity::Theater => Some("theater"),
            Entity::Organisation => Some("organisation"),
            _ => None,
        }
    }
}

/// What a column of a base relation holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Col {
    /// A plain value (a kind, a date, a count ...).
    Value,
    /// An entity of this kind.
    Is(Entity),
    /// A theater or a place (a theater when one has the name).
    Area,
    /// An organisation when one has the name, a plain value otherwise (an
    /// ACLED actor).
    MaybeOrganisation,
}

use Col::{Area, MaybeOrganisation as MaybeOrg, Value as V};
use Entity::{Cell, Operation, Organisation as Org, Person, Place, Theater};

/// What each column of each base relation holds.
pub(crate) const COLUMNS: &[(&str, &[Col])] = &[
    ("source", &[V, V]),
    ("place_kind", &[Col::Is(Place), V]),
    ("located_in", &[Col::Is(Place), Col::Is(Place)]),
    ("theater", &[Col::Is(Theater)]),
    ("theater_area", &[Col::Is(Theater), Area]),
    ("organisation", &[Col::Is(Org)]),
    ("org_theater", &[Col::Is(Org), Col::Is(Theater)]),
    ("branch_of", &[Col::Is(Org), Col::Is(Org)]),
    ("operation", &[Col::Is(Operation), V]),
    ("conducted_by", &[Col::Is(Operation), Col::Is(Place)]),
    ("cell", &[Col::Is(Cell), Col::Is(Place)]),
    ("dismantled", &[Col::Is(Cell), Col::Is(Operation)]),
    ("cell_activity", &[Col::Is(Cell), V]),
    ("cell_target", &[Col::Is(Cell), Area]),
    ("cell_linked_to", &[Col::Is(Cell), Col::Is(Org)]),
    ("seized", &[Col::Is(Operation), V]),
    ("nationality", &[Col::Is(Person), Col::Is(Place)]),
    ("arrest", &[Col::Is(Person), Col::Is(Place), V]),
    ("member_of", &[Col::Is(Person), Col::Is(Org)]),
    ("rank", &[Col::Is(Person), V]),
    ("travel_intent", &[Col::Is(Person), Area]),
    ("contact_with", &[Col::Is(Person), Col::Is(Org)]),
    ("recruiting_for", &[Col::Is(Person), Area]),
    ("person_group", &[Col::Is(Person), V]),
    ("fighter_flow", &[Col::Is(Place), Area]),
    ("event", &[V, V, V, Col::Is(Place), V]),
    ("event_actor", &[V, V, MaybeOrg]),
    ("arrested_count", &[V, V]),
    ("fatalities", &[V, V]),
];

/// The columns of a base relation (all plain values for one not listed).
pub(crate) fn columns(relation: &str) -> Option<&'static [Col]> {
    COLUMNS
        .iter()
        .find(|(r, _)| *r == relation)
        .map(|(_, cols)| *cols)
}

/// The STIX relationship type of each relation between two entities.
pub(crate) const RELATIONSHIPS: &[(&str, &str)] = &[
    ("located_in", "located-at"),
    ("theater_area", "covers"),
    ("org_theater", "operates-in"),
    ("branch_of", "attributed-to"),
    ("conducted_by", "conducted-by"),
    ("cell", "located-at"),
    ("dismantled", "dismantled-by"),
    ("cell_target", "targets"),
    ("cell_linked_to", "linked-to"),
    ("nationality", "national-of"),
    ("member_of", "member-of"),
    ("travel_intent", "intends-to-travel-to"),
    ("contact_with", "in-contact-with"),
    ("recruiting_for", "recruits-for"),
    ("fighter_flow", "fighters-moved-to"),
];

/// The relationship type a relation's facts become, if they are
/// relationships.
pub(crate) fn relationship_type(relation: &str) -> Option<&'static str> {
    RELATIONSHIPS
        .iter()
        .find(|(r, _)| *r == relation)
        .map(|(_, t)| *t)
}

/// Whether a column accepts an entity of this kind.
fn accepts(col: Col, entity: Entity) -> bool {
    match col {
        Col::Is(e) => e == entity,
        Col::Area => matches!(entity, Entity::Place | Entity::Theater),
        Col::MaybeOrganisation => entity == Entity::Organisation,
        Col::Value => false,
    }
}

/// The relation a relationship of this type between these entities
/// records, if any.
pub(crate) fn relation_of(stix_type: &str, source: Entity, target: Entity) -> Option<&'static str> {
    RELATIONSHIPS.iter().find_map(|&(relation, ty)| {
        let cols = columns(relation)?;
        (ty == stix_type && accepts(cols[0], source) && accepts(cols[1], target))
            .then_some(relation)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::data::BASE_RELATIONS;

    #[test]
    fn every_base_relation_has_its_columns() {
        for (name, cols) in BASE_RELATIONS {
            let mine = columns(name).unwrap_or_else(|| panic!("{name} has no columns here"));
            assert_eq!(mine.len(), cols.len(), "{name}");
        }
        assert_eq!(COLUMNS.len(), BASE_RELATIONS.len());
    }

    #[test]
    fn each_relationship_reads_back_as_its_relation() {
        for &(relation, ty) in RELATIONSHIPS {
            let cols = columns(relation).expect("listed");
            let pick = |c: Col| match c {
                Col::Is(e) => e,
                _ => Entity::Place,
            };
            assert_eq!(
                relation_of(ty, pick(cols[0]), pick(cols[1])),
                Some(relation)
            );
        }
    }
}
