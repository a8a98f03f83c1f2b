//! This module defines how one ACLED event becomes sleuth's data: a data
//! document of its own (source `acled:<event_id_cnty>`, one paragraph: the
//! row) declaring the places and organisations the row names, lowered by the
//! same code as a hand-written document, and the event's own facts
//! (`event`, `event_actor`, `arrested_count`, `fatalities`) with the same
//! provenance.
//!
//! What the row gives, and what it becomes:
//! - `location` inside `admin2` inside `admin1` inside `country`: places
//!   (`locality`, `district`, `region`, `country`) and `located_in`, declared
//!   up to the first place already declared (by the report, or an earlier
//!   row): a place the report declared is the same place, and keeps the
//!   report's kind and containment.
//! - `actor1`/`actor2` coded as a rebel group or a militia (`inter` 2, 3 or 4,
//!   or those words): organisations.
//! - the event: `event(ev, event_type, sub_event_type, place, date)`, and
//!   each actor with its role: `arresting`/`arrested` for an arrest,
//!   `actor1`/`actor2` otherwise (associated actors share their side's role).
//! - an arrest's count of people, where the notes give one: `arrested_count`.
//! - `time_precision` 2 or 3 and `geo_precision` 2 or 3: an inference note on
//!   the event, one credibility step lower; a date known to the month is
//!   the month.

use crate::grade::{Credibility, Grade, Reliability};
use crate::io::data::attested::{Attested, GradeText, IsoDate, Name};
use crate::io::data::format::{
    Document, OrganisationEntry, ParagraphsEntry, PlaceEntry, SourceEntry,
};
use crate::io::data::{GroundFact, Provenance};
use crate::value::Value;

use super::notes::arrested_count;
use super::row::Event;

/// The grade of an ACLED event: B2. ACLED is usually reliable (a published,
/// documented coding method, events checked by its researchers), and what
/// it codes is probably true (compiled from the media and partners it
/// cites, not confirmed by sleuth).
pub const ACLED_GRADE: Grade = Grade {
    reliability: Reliability::B,
    credibility: Credibility::Probable,
};

/// The base relations only ACLED exports fill (the report's schema has no
/// events of its own).
pub const EVENT_RELATIONS: &[&str] = &["event", "event_actor", "arrested_count", "fatalities"];

/// The source id of an event: `acled:` and ACLED's `event_id_cnty`.
pub fn source_id(event_id: &str) -> String {
    format!("acled:{event_id}")
}

/// The data document of one event. `place_declared` and `org_declared` say
/// whether an id is declared already (by a loaded document or an earlier
/// row). `file` names the export.
pub(crate) fn document(ev: &Event, file: &str, place_declared: &dyn Fn(&str) -> bool) -> Document {
    let mut places = Vec::new();
    // location, admin2, admin1, country: each inside the next one given.
    let chain: Vec<(&str, &str)> = [
        (ev.location.as_str(), "locality"),
        (ev.admin2.as_str(), "district"),
        (ev.admin1.as_str(), "region"),
        (ev.country.as_str(), "country"),
    ]
    .into_iter()
    .filter(|(name, _)| !name.is_empty())
    .fold(Vec::new(), |mut chain: Vec<(&str, &str)>, (name, kind)| {
        // A location named like its district (or a district like its
        // region) is one place.
        if chain.last().is_none_or(|(last, _)| *last != name) {
            chain.push((name, kind));
        }
        chain
    });
    for (i, &(name, kind)) in chain.iter().enumerate() {
        if place_declared(name) {
            break;
        }
        let inside = chain
            .get(i + 1)
            .map(|(area, _)| plain(Name(area.to_string())));
        places.push(PlaceEntry {
            id: name.to_string(),
            kind: plain(Name(kind.to_string())),
            inside,
            paragraph: 1,
            grade: None,
            inferred: None,
        });
    }
    let mut organisations: Vec<OrganisationEntry> = Vec::new();
    for (actor, inter) in [(&ev.actor1, &ev.inter1), (&ev.actor2, &ev.inter2)] {
        if !actor.is_empty()
            && is_organisation(inter)
            && organisations.iter().all(|o| o.id != *actor)
        {
            organisations.push(OrganisationEntry {
                id: actor.clone(),
                theaters: Vec::new(),
                part_of: None,
                paragraph: 1,
                grade: None,
                inferred: None,
            });
        }
    }
    Document {
        source: SourceEntry {
            id: source_id(&ev.id),
            title: format!(
                "ACLED event {}: {} at {}, {}",
                ev.id, ev.sub_event_type, ev.location, ev.date
            ),
            publisher: "ACLED (Armed Conflict Location & Event Data)".into(),
            date: Some(IsoDate(ev.date)),
            description: description(ev),
            grade: GradeText(ACLED_GRADE),
            paragraphs: ParagraphsEntry {
                count: 1,
                counting: format!(
                    "An ACLED event has no paragraphs: paragraph 1 is its row, line {} of {file}.",
                    ev.line
                ),
            },
            relays: None,
        },
        places,
        theaters: Vec::new(),
        organisations,
        persons: Vec::new(),
        operations: Vec::new(),
        arrests: Vec::new(),
        fighter_flows: Vec::new(),
    }
}

/// The event's own facts: `event`, `event_actor`, `fatalities` and, for an
/// arrest whose notes give it, `arrested_count`.
pub(crate) fn event_facts(ev: &Event) -> Vec<GroundFact> {
    let id = source_id(&ev.id);
    let notes = precision_notes(ev);
    let grade = if notes.is_empty() {
        ACLED_GRADE
    } else {
        ACLED_GRADE.lowered()
    };
    let provenance = Provenance {
        source: id.clone(),
        paragraph: 1,
        grade,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    };
    let stated = Provenance {
        grade: ACLED_GRADE,
        note: None,
        ..provenance.clone()
    };
    let fact = |relation: &str, values: Vec<Value>, provenance: &Provenance| GroundFact {
        relation: relation.to_string(),
        values,
        provenance: provenance.clone(),
    };
    let sym = |s: &str| Value::Symbol(s.to_string());
    let mut facts = vec![fact(
        "event",
        vec![
            sym(&id),
            sym(&ev.event_type),
            sym(&ev.sub_event_type),
            sym(&ev.location),
            Value::Date(ev.date),
        ],
        &provenance,
    )];
    let (role1, role2) = if ev.is_arrest() {
        ("arresting", "arrested")
    } else {
        ("actor1", "actor2")
    };
    let side1 = std::iter::once(&ev.actor1).chain(&ev.assoc_actor_1);
    let side2 = std::iter::once(&ev.actor2)
        .filter(|a| !a.is_empty())
        .chain(&ev.assoc_actor_2);
    let mut seen = std::collections::BTreeSet::new();
    for (role, actor) in side1.map(|a| (role1, a)).chain(side2.map(|a| (role2, a))) {
        if seen.insert((role, actor.clone())) {
            facts.push(fact(
                "event_actor",
                vec![sym(&id), sym(role), sym(actor)],
                &stated,
            ));
        }
    }
    facts.push(fact(
        "fatalities",
        vec![sym(&id), Value::Number(ev.fatalities)],
        &stated,
    ));
    if ev.is_arrest()
        && let Some(n) = arrested_count(&ev.notes)
    {
        facts.push(fact(
            "arrested_count",
            vec![sym(&id), Value::Number(n)],
            &stated,
        ));
    }
    facts
}

/// What the precision codes leave uncertain, in words.
fn precision_notes(ev: &Event) -> Vec<String> {
    let mut notes = Vec::new();
    match ev.time_precision {
        2 => notes.push(format!(
            "ACLED time_precision 2: the date is known only to the week; ACLED gives {} within it",
            ev.date
        )),
        3 => notes.push(format!(
            "ACLED time_precision 3: the date is known only to the month ({})",
            ev.date
        )),
        _ => {}
    }
    match ev.geo_precision {
        2 => notes.push(format!(
            "ACLED geo_precision 2: the event was near {} or in its area, not at a known spot in it",
            ev.location
        )),
        3 => notes.push(format!(
            "ACLED geo_precision 3: only the wider region is known; {} stands for it",
            ev.location
        )),
        _ => {}
    }
    notes
}

/// Whether an actor coded with this `inter` code is an armed organisation:
/// a rebel group (2), a political militia (3) or an identity militia (4),
/// by number (older exports) or by name (newer ones).
fn is_organisation(inter: &str) -> bool {
    let inter = inter.trim().to_ascii_lowercase();
    matches!(inter.as_str(), "2" | "3" | "4")
        || inter.starts_with("rebel")
        || inter.contains("militia")
}

fn description(ev: &Event) -> String {
    let mut out = format!(
        "ACLED event {} ({}; {}). ACLED codes it from: {}.",
        ev.id, ev.event_type, ev.sub_event_type, ev.source
    );
    if !ev.notes.is_empty() {
        out.push_str(&format!(" ACLED's notes: {}", ev.notes));
    }
    out.push_str(
        " Graded B2: ACLED is usually reliable (a documented coding method); \
         what it codes is probably true, not confirmed here.",
    );
    out
}

fn plain<T>(value: T) -> Attested<T> {
    Attested {
        value,
        detail: None,
    }
}
