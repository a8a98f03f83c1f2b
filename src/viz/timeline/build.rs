//! This module defines how a timeline is built: from the workspace's
//! operation, cell, dismantled, conducted_by, arrest and nationality
//! relations, each tuple cited by the provenance its data file gives it.

use std::collections::{BTreeMap, BTreeSet};

use crate::io::data::Provenance;
use crate::session::{self, Workspace};
use crate::value::{Date, Value};

use super::super::base::{Citations, Geography, error, inferred_note, symbols, tuples};
use super::{Actor, Arrested, Event, EventKind, Located, Timeline, TimelineFilter};

/// The dated events of the workspace the filter keeps, earliest first.
/// Fails when the filter names a place, country or theater the workspace
/// does not know, or a date range that holds no date.
pub fn timeline(ws: &Workspace, filter: &TimelineFilter) -> Result<Timeline, session::Error> {
    let geo = Geography::new(ws);
    filter.check(&geo).map_err(|d| error(ws, d))?;
    let cites = Citations::new(ws.facts());
    let mut events = operations(ws, &geo, &cites);
    events.extend(arrests(ws, &geo, &cites));
    mark_conflicts(ws, &mut events);
    events.retain(|e| filter.keeps(e, &geo));
    events.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    Ok(Timeline {
        events,
        filter: filter.clone(),
    })
}

/// Date, then the order the report tells it in, then operations before
/// arrests, then by name.
fn sort_key(e: &Event) -> (Date, Option<(&str, u32)>, u8, String) {
    let first = e
        .citations
        .iter()
        .map(|c| (c.source.as_str(), c.paragraph))
        .min();
    let (rank, name) = match &e.kind {
        EventKind::Operation { id, .. } => (0, id.clone()),
        EventKind::Arrest { .. } => (
            1,
            e.places
                .first()
                .map(|l| l.place.clone())
                .unwrap_or_default(),
        ),
    };
    (e.date, first, rank, name)
}

fn located(places: BTreeSet<&str>, geo: &Geography) -> Vec<Located> {
    let mut out: Vec<Located> = places
        .into_iter()
        .map(|p| {
            // A place the sources locate differently names every country.
            let countries = geo.countries_of(p);
            Located {
                country: (!countries.is_empty()).then(|| countries.join(" or ")),
                place: p.to_string(),
            }
        })
        .collect();
    out.sort();
    out
}

fn pairs<'a>(rows: &'a [Vec<Value>]) -> impl Iterator<Item = [&'a str; 2]> + 'a {
    rows.iter().filter_map(|r| symbols::<2>(r))
}

/// One event per `operation(op, date)`: the places of the cells it
/// dismantled, the countries that conducted it.
fn operations(ws: &Workspace, geo: &Geography, cites: &Citations) -> Vec<Event> {
    let cell_rows = tuples(ws, "cell", 2);
    let dismantled_rows = tuples(ws, "dismantled", 2);
    let conducted_rows = tuples(ws, "conducted_by", 2);
    let mut cell_places: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for [cell, place] in pairs(&cell_rows) {
        cell_places.entry(cell).or_default().push(place);
    }
    let mut op_places: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for [cell, op] in pairs(&dismantled_rows) {
        let places = cell_places.get(cell).into_iter().flatten().copied();
        op_places.entry(op).or_default().extend(places);
    }
    let mut actors: BTreeMap<&str, Vec<Actor>> = BTreeMap::new();
    for (row, [op, country]) in conducted_rows
        .iter()
        .filter_map(|r| symbols::<2>(r).map(|s| (r, s)))
    {
        actors.entry(op).or_default().push(Actor {
            country: country.to_string(),
            inferred: inferred_note(cites.of("conducted_by", row)),
        });
    }
    let mut out = Vec::new();
    for row in tuples(ws, "operation", 2) {
        let (Value::Symbol(op), Value::Date(date)) = (&row[0], &row[1]) else {
            continue;
        };
        let citations = cites.of("operation", &row).to_vec();
        out.push(Event {
            date: *date,
            kind: EventKind::Operation {
                id: op.clone(),
                // An operation the sources date differently is an event
                // at each date, each with its places and actors.
                conducted_by: actors.get(op.as_str()).cloned().unwrap_or_default(),
            },
            places: located(op_places.get(op.as_str()).cloned().unwrap_or_default(), geo),
            inferred: inferred_note(&citations),
            citations,
            other_dates: Vec::new(),
        });
    }
    out
}

/// One event per place and date of `arrest(person, place, date)`: those
/// arrested there then, with their nationalities.
fn arrests(ws: &Workspace, geo: &Geography, cites: &Citations) -> Vec<Event> {
    let nationality_rows = tuples(ws, "nationality", 2);
    let mut nationalities: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for [person, country] in pairs(&nationality_rows) {
        nationalities
            .entry(person)
            .or_default()
            .push(country.to_string());
    }
    let group_rows = tuples(ws, "person_group", 2);
    let group_sizes: BTreeMap<&str, u32> = group_rows
        .iter()
        .filter_map(|row| match (&row[0], &row[1]) {
            (Value::Symbol(p), Value::Number(n)) => Some((p.as_str(), u32::try_from(*n).ok()?)),
            _ => None,
        })
        .collect();
    let mut groups: BTreeMap<(Date, String), (Vec<Arrested>, Vec<Provenance>)> = BTreeMap::new();
    for row in tuples(ws, "arrest", 3) {
        let (Value::Symbol(person), Value::Symbol(place), Value::Date(date)) =
            (&row[0], &row[1], &row[2])
        else {
            continue;
        };
        let (persons, citations) = groups.entry((*date, place.clone())).or_default();
        persons.push(Arrested {
            person: person.clone(),
            nationalities: nationalities
                .get(person.as_str())
                .cloned()
                .unwrap_or_default(),
            group_of_at_least: group_sizes.get(person.as_str()).copied(),
        });
        for c in cites.of("arrest", &row) {
            if !citations.contains(c) {
                citations.push(c.clone());
            }
        }
    }
    groups
        .into_iter()
        .map(|((date, place), (persons, citations))| Event {
            date,
            kind: EventKind::Arrest { persons },
            places: located(BTreeSet::from([place.as_str()]), geo),
            inferred: inferred_note(&citations),
            citations,
            other_dates: Vec::new(),
        })
        .collect()
}

/// Marks each event whose date the loaded sources give differently (see
/// [`crate::io::data::Conflict`]) with the other dates: an operation with
/// two dates is an event at each, and so is an arrest of a person at a
/// place.
fn mark_conflicts(ws: &Workspace, events: &mut [Event]) {
    // (operation or person, place or "") -> the dates the sources give.
    let mut dates: BTreeMap<(String, String), BTreeSet<Date>> = BTreeMap::new();
    for c in ws.conflicts() {
        let key = match c.relation.as_str() {
            "operation" => (c.entity.clone(), String::new()),
            "arrest" => {
                let place = c.field.strip_prefix("date at ").unwrap_or_default();
                (c.entity.clone(), place.to_string())
            }
            _ => continue,
        };
        let found = c.values.iter().filter_map(|v| match v.value {
            Value::Date(d) => Some(d),
            _ => None,
        });
        dates.entry(key).or_default().extend(found);
    }
    if dates.is_empty() {
        return;
    }
    for e in events {
        let keys: Vec<(String, String)> = match &e.kind {
            EventKind::Operation { id, .. } => vec![(id.clone(), String::new())],
            EventKind::Arrest { persons } => {
                let place = e
                    .places
                    .first()
                    .map(|l| l.place.clone())
                    .unwrap_or_default();
                persons
                    .iter()
                    .map(|p| (p.person.clone(), place.clone()))
                    .collect()
            }
        };
        let mut other: BTreeSet<Date> = BTreeSet::new();
        for key in &keys {
            other.extend(dates.get(key).into_iter().flatten().copied());
        }
        other.remove(&e.date);
        e.other_dates = other.into_iter().collect();
    }
}
