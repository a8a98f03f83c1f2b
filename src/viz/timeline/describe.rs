//! This module defines how an event reads in one line: what happened,
//! where (places grouped by country), who conducted it or how many persons
//! of which nationality were arrested, and the short citation.

use super::{Arrested, Event, EventKind};

impl Event {
    /// The citations in short form: `¶9 C3`, with the source's id first when
    /// `with_source` (for timelines drawn from several reports); `session`
    /// for an event added in the session.
    pub fn citation(&self, with_source: bool) -> String {
        if self.citations.is_empty() {
            return "session".to_string();
        }
        self.citations
            .iter()
            .map(|c| {
                if with_source {
                    format!("{} ¶{} {}", c.source, c.paragraph, c.grade)
                } else {
                    format!("¶{} {}", c.paragraph, c.grade)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line saying what happened, without date or citation:
    /// `arrests at Almskad (Somalia): 4 persons of Morocco`.
    pub fn summary(&self) -> String {
        match &self.kind {
            EventKind::Operation { id, conducted_by } => {
                let by: Vec<String> = conducted_by
                    .iter()
                    .map(|a| match a.inferred {
                        Some(_) => format!("{} (inferred)", a.country),
                        None => a.country.clone(),
                    })
                    .collect();
                let mut text = format!("operation {id}");
                if !by.is_empty() {
                    text.push_str(&format!(" by {}", and_list(&by)));
                }
                if !self.places.is_empty() {
                    text.push_str(&format!(": cells dismantled in {}", self.place_list()));
                }
                text
            }
            EventKind::Arrest { persons } => {
                let n = persons.len();
                format!(
                    "{} at {}: {}",
                    if n == 1 { "arrest" } else { "arrests" },
                    self.place_list(),
                    nationality_summary(persons)
                )
            }
        }
    }

    /// The distinct countries of the event's places, by name.
    pub fn countries(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .places
            .iter()
            .filter_map(|l| l.country.as_deref())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The places, those of one country followed by the country's name
    /// (unless the place is the country itself):
    /// `Shata (Morocco), Almaeria (Spain)`.
    fn place_list(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut pending: Vec<&str> = Vec::new();
        for (i, l) in self.places.iter().enumerate() {
            let own_country = l.country.as_deref() == Some(l.place.as_str());
            if !own_country {
                pending.push(&l.place);
            } else {
                parts.push(l.place.clone());
            }
            let group_ends = self
                .places
                .get(i + 1)
                .is_none_or(|next| next.country != l.country);
            if group_ends && !pending.is_empty() {
                let names = pending.join(", ");
                parts.push(match &l.country {
                    Some(c) => format!("{names} ({c})"),
                    None => names,
                });
                pending.clear();
            }
        }
        parts.join(", ")
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `1 person of Morocco`, `4 persons of Morocco`,
/// `2 persons: 1 of Morocco, 1 of Syria`; a group of unknown identity counts
/// as its least number and makes the count read "at least":
/// `at least 6 persons: 4 of Morocco, at least 2 unknown nationality`.
fn nationality_summary(persons: &[Arrested]) -> String {
    let mut counts: std::collections::BTreeMap<String, (u32, bool)> = Default::default();
    for p in persons {
        let key = if p.nationalities.is_empty() {
            "unknown nationality".to_string()
        } else {
            p.nationalities.join("/")
        };
        let entry = counts.entry(key).or_default();
        entry.0 += p.headcount();
        entry.1 |= p.group_of_at_least.is_some();
    }
    let n: u32 = counts.values().map(|c| c.0).sum();
    let bound = |at_least: bool| if at_least { "at least " } else { "" };
    let any_group = counts.values().any(|c| c.1);
    let noun = if n == 1 { "person" } else { "persons" };
    let of = |k: &str| {
        if k == "unknown nationality" {
            k.to_string()
        } else {
            format!("of {k}")
        }
    };
    let total = format!("{}{n} {noun}", bound(any_group));
    match counts.len() {
        0 => total,
        1 => {
            let k = counts.keys().next().expect("one key");
            format!("{total} {}", of(k))
        }
        _ => {
            let parts: Vec<String> = counts
                .iter()
                .map(|(k, (c, g))| format!("{}{c} {}", bound(*g), of(k)))
                .collect();
            format!("{total}: {}", parts.join(", "))
        }
    }
}
