//! This module defines the timeline: every dated event the workspace holds
//! (operations with the places they hit and who conducted them, arrests with
//! the persons' nationalities and places), each with the paragraphs and
//! grades it rests on, in date order and grouped by month.
//!
//! - `build`: events from the base facts and their provenance.
//! - `describe`: one line per event.
//! - `filter`: narrowing by place, country, theater and date range.
//! - `text`: the terminal rendering with a tempo bar per month.

mod build;
mod describe;
mod filter;
mod text;

pub use build::timeline;
pub use filter::{TimelineArgs, TimelineFilter};
pub use text::{TextOptions, render_text, render_text_with};

use crate::io::data::Provenance;
use crate::value::Date;

/// The dated events of a workspace, in date order.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// The events, earliest first.
    pub events: Vec<Event>,
    /// The filter that chose them.
    pub filter: TimelineFilter,
}

/// One dated event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When it happened (month or day precision).
    pub date: Date,
    /// What happened.
    pub kind: EventKind,
    /// Where: the places hit or the place of arrest, sorted by country
    /// then name.
    pub places: Vec<Located>,
    /// The provenance of the facts that date the event (`operation` or
    /// `arrest`); empty for facts added in a session.
    pub citations: Vec<Provenance>,
    /// When every fact dating the event is inferred rather than stated:
    /// what was inferred and why.
    pub inferred: Option<String>,
    /// The other dates the loaded sources give this event, when they
    /// conflict (the event is shown at each date, marked); empty when they
    /// agree.
    pub other_dates: Vec<Date>,
}

/// What kind of event, with its particulars.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A counter-terrorism operation.
    Operation {
        /// Its id.
        id: String,
        /// The countries that conducted it.
        conducted_by: Vec<Actor>,
    },
    /// The arrest of one or more persons at one place in one month.
    Arrest {
        /// Those arrested, by id.
        persons: Vec<Arrested>,
    },
}

/// A place and the country it lies in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Located {
    /// The country (the place itself when it is a country), when known.
    pub country: Option<String>,
    /// The place.
    pub place: String,
}

/// A country that conducted an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    /// The country.
    pub country: String,
    /// When the report leaves this to inference: the note.
    pub inferred: Option<String>,
}

/// A person arrested.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrested {
    /// The person's id.
    pub person: String,
    /// Their nationalities (usually one; none when unknown).
    pub nationalities: Vec<String>,
    /// For a group of people of unknown identity (`person_group`): at least
    /// how many it holds.
    pub group_of_at_least: Option<u32>,
}

impl Arrested {
    /// How many people this stands for, at least (1 for an individual).
    pub fn headcount(&self) -> u32 {
        self.group_of_at_least.unwrap_or(1)
    }
}

/// One month of a timeline and its events.
#[derive(Clone, Debug, PartialEq)]
pub struct Month<'a> {
    /// The month (month precision).
    pub month: Date,
    /// Its events, in order.
    pub events: Vec<&'a Event>,
}

impl Event {
    /// The month the event falls in.
    pub fn month(&self) -> Date {
        Date::month(self.date.year(), self.date.month_of_year())
            .expect("the month of a valid date is valid")
    }

    /// Whether the event's date is inferred.
    pub fn is_inferred(&self) -> bool {
        self.inferred.is_some()
    }

    /// Whether the sources give this event other dates too (a conflict).
    pub fn is_conflicting(&self) -> bool {
        !self.other_dates.is_empty()
    }

    /// What a conflicting date says beside the event:
    /// `dates differ: also 2023-10`; empty when the sources agree.
    pub fn conflict_text(&self) -> String {
        if self.other_dates.is_empty() {
            return String::new();
        }
        let dates: Vec<String> = self.other_dates.iter().map(Date::to_string).collect();
        format!("dates differ: also {}", dates.join(", "))
    }
}

impl Timeline {
    /// The events grouped by month, in order. With `with_empty`, every month
    /// from the first event's to the last event's appears, those without
    /// events too (to show the tempo).
    pub fn months(&self, with_empty: bool) -> Vec<Month<'_>> {
        let mut out: Vec<Month<'_>> = Vec::new();
        for event in &self.events {
            let month = event.month();
            if let Some(last) = out.last_mut()
                && last.month == month
            {
                last.events.push(event);
                continue;
            }
            if with_empty && let Some(last) = out.last() {
                let mut m = last.month;
                for _ in 1..last.month.months_until(month) {
                    m = m.add_months(1).expect("between two valid months");
                    out.push(Month {
                        month: m,
                        events: Vec::new(),
                    });
                }
            }
            out.push(Month {
                month,
                events: vec![event],
            });
        }
        out
    }

    /// The ids of the source reports the events cite, by name.
    pub fn sources(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .events
            .iter()
            .flat_map(|e| e.citations.iter().map(|c| c.source.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
