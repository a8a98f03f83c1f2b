//! This module defines what the pictures read from a workspace: a relation's
//! tuples by name, the provenance of each base fact, and the geography the
//! filters and labels need (which place lies within which area, the country
//! of a place, the areas of a theater).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diag::Diagnostic;
use crate::io::data::{GroundFact, Provenance};
use crate::session::{self, Workspace};
use crate::value::Value;

/// The tuples of a relation of the workspace's program, sorted; none when
/// the program has no relation of that name and arity.
pub(crate) fn tuples(ws: &Workspace, relation: &str, arity: usize) -> Vec<Vec<Value>> {
    let program = ws.program();
    match program.relation_id(relation) {
        Some(rel) if program.relations[rel].arity() == arity => ws.database().tuples(rel),
        _ => Vec::new(),
    }
}

/// The symbols of a tuple, or `None` when a column is not a symbol.
pub(crate) fn symbols<const N: usize>(row: &[Value]) -> Option<[&str; N]> {
    if row.len() != N {
        return None;
    }
    let mut out = [""; N];
    for (slot, value) in out.iter_mut().zip(row) {
        match value {
            Value::Symbol(s) => *slot = s,
            _ => return None,
        }
    }
    Some(out)
}

/// A workspace error carrying one diagnostic, rendered against its texts.
pub(crate) fn error(ws: &Workspace, diagnostic: Diagnostic) -> session::Error {
    session::Error {
        diagnostics: diagnostic.into(),
        sources: ws.sources().clone(),
    }
}

/// Where each base fact comes from: every provenance the data files give a
/// tuple (two reports may state the same fact). Facts added in a session
/// have none.
pub(crate) struct Citations {
    by_fact: HashMap<(String, Vec<Value>), Vec<Provenance>>,
}

impl Citations {
    /// Indexes the workspace's base facts.
    pub(crate) fn new(facts: &[GroundFact]) -> Citations {
        let mut by_fact: HashMap<(String, Vec<Value>), Vec<Provenance>> = HashMap::new();
        for fact in facts {
            let cites = by_fact
                .entry((fact.relation.clone(), fact.values.clone()))
                .or_default();
            if !cites.contains(&fact.provenance) {
                cites.push(fact.provenance.clone());
            }
        }
        Citations { by_fact }
    }

    /// The provenance of one tuple, in load order.
    pub(crate) fn of(&self, relation: &str, values: &[Value]) -> &[Provenance] {
        self.by_fact
            .get(&(relation.to_string(), values.to_vec()))
            .map_or(&[], Vec::as_slice)
    }
}

/// The note of a fact every citation of which is inferred: `None` when a
/// source states it (or it has no citation at all).
pub(crate) fn inferred_note(citations: &[Provenance]) -> Option<String> {
    if citations.is_empty() || !citations.iter().all(Provenance::is_inferred) {
        return None;
    }
    let mut notes: Vec<&str> = Vec::new();
    for note in citations.iter().filter_map(|c| c.note.as_deref()) {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    Some(notes.join("; "))
}

/// The places, countries and theaters the workspace knows, and how places
/// contain each other.
pub(crate) struct Geography {
    /// Every area each place lies within, directly or not.
    containers: HashMap<String, BTreeSet<String>>,
    places: BTreeSet<String>,
    countries: BTreeSet<String>,
    theater_areas: BTreeMap<String, Vec<String>>,
}

impl Geography {
    /// Reads place_kind, located_in and theater_area, and containment from
    /// the rule library's `within` relation (or, when the rules do not
    /// define it, from located_in followed transitively).
    pub(crate) fn new(ws: &Workspace) -> Geography {
        let mut places = BTreeSet::new();
        let mut countries = BTreeSet::new();
        for row in tuples(ws, "place_kind", 2) {
            if let Some([place, kind]) = symbols::<2>(&row) {
                places.insert(place.to_string());
                if kind == "country" {
                    countries.insert(place.to_string());
                }
            }
        }
        let located: Vec<(String, String)> = tuples(ws, "located_in", 2)
            .iter()
            .filter_map(|r| symbols::<2>(r).map(|[p, a]| (p.to_string(), a.to_string())))
            .collect();
        places.extend(located.iter().flat_map(|(p, a)| [p.clone(), a.clone()]));
        let mut theater_areas: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in tuples(ws, "theater", 1) {
            if let Some([t]) = symbols::<1>(&row) {
                theater_areas.entry(t.to_string()).or_default();
            }
        }
        for row in tuples(ws, "theater_area", 2) {
            if let Some([t, area]) = symbols::<2>(&row) {
                places.insert(area.to_string());
                theater_areas
                    .entry(t.to_string())
                    .or_default()
                    .push(area.to_string());
            }
        }
        let within = tuples(ws, "within", 2);
        let has_within = ws.program().relation_id("within").is_some();
        let containers = if has_within {
            let mut map: HashMap<String, BTreeSet<String>> = HashMap::new();
            for row in &within {
                if let Some([p, a]) = symbols::<2>(row) {
                    map.entry(p.to_string()).or_default().insert(a.to_string());
                }
            }
            map
        } else {
            closure(&located)
        };
        Geography {
            containers,
            places,
            countries,
            theater_areas,
        }
    }

    /// Whether `place` is `area` or lies within it.
    pub(crate) fn is_within(&self, place: &str, area: &str) -> bool {
        place == area || self.containers.get(place).is_some_and(|c| c.contains(area))
    }

    /// Every country a place lies in, by name: itself when it is a country;
    /// more than one when the sources locate it differently (a conflict).
    pub(crate) fn countries_of(&self, place: &str) -> Vec<&str> {
        if let Some(c) = self.countries.get(place) {
            return vec![c];
        }
        let mut out: Vec<&str> = self
            .containers
            .get(place)
            .into_iter()
            .flatten()
            .filter(|a| self.countries.contains(*a))
            .map(String::as_str)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the place is one of the theater's areas or lies within one.
    pub(crate) fn in_theater(&self, place: &str, theater: &str) -> bool {
        self.theater_areas
            .get(theater)
            .is_some_and(|areas| areas.iter().any(|a| self.is_within(place, a)))
    }

    /// Every known place, by name.
    pub(crate) fn places(&self) -> impl Iterator<Item = &str> {
        self.places.iter().map(String::as_str)
    }

    /// Every known country, by name.
    pub(crate) fn countries(&self) -> impl Iterator<Item = &str> {
        self.countries.iter().map(String::as_str)
    }

    /// Every known theater, by name.
    pub(crate) fn theaters(&self) -> impl Iterator<Item = &str> {
        self.theater_areas.keys().map(String::as_str)
    }
}

/// Every area each place lies within, following located_in (cycle-safe).
fn closure(located: &[(String, String)]) -> HashMap<String, BTreeSet<String>> {
    let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
    for (p, a) in located {
        parents.entry(p).or_default().push(a);
    }
    let mut out = HashMap::new();
    for &start in parents.keys() {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<&str> = parents[start].clone();
        while let Some(area) = stack.pop() {
            if seen.insert(area.to_string()) {
                stack.extend(parents.get(area).into_iter().flatten());
            }
        }
        out.insert(start.to_string(), seen);
    }
    out
}
