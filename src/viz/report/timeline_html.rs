//! This module defines the timeline as HTML: a strip of a column per month
//! (every month from the first event to the last) showing the tempo, then a
//! table with a row per month with events and its bar (a run of empty
//! months takes one row: `2023-04 … 2023-09: no events`), then a row per
//! event with its date (`~` when inferred, and the note below; a note `!`
//! when the sources date it differently), its citation and what happened.

use std::fmt::Write as _;

use super::super::escape::escape_xml;
use super::super::timeline::{EventKind, Month, Timeline};

/// The timeline's section content.
pub(super) fn timeline_table(timeline: &Timeline) -> String {
    let mut out = String::new();
    if timeline.events.is_empty() {
        out.push_str("<p>No dated events.</p>\n");
        return out;
    }
    let with_source = timeline.sources().len() > 1;
    let months = timeline.months(true);
    let busiest = months
        .iter()
        .map(|m| m.events.len())
        .max()
        .unwrap_or(1)
        .max(1);
    out.push_str(&tempo_strip(&months, busiest));
    out.push_str("<table class=\"timeline\">\n<thead><tr><th>Date</th><th>Source</th><th>Event</th></tr></thead>\n<tbody>\n");
    let mut i = 0;
    while i < months.len() {
        let month = &months[i];
        if month.events.is_empty() {
            // A run of empty months takes one line.
            let run = months[i..]
                .iter()
                .take_while(|m| m.events.is_empty())
                .count();
            let last = &months[i + run - 1];
            let span = if run == 1 {
                month.month.to_string()
            } else {
                format!("{} … {}", month.month, last.month)
            };
            let _ = writeln!(
                out,
                "<tr class=\"gap\"><th colspan=\"3\">{span}: no events</th></tr>"
            );
            i += run;
            continue;
        }
        i += 1;
        let k = month.events.len();
        // Bars up to 12em wide.
        let em = (k * 120).div_ceil(busiest) as f64 / 10.0;
        let _ = writeln!(
            out,
            "<tr class=\"month\"><th colspan=\"3\">{} <span class=\"bar\" style=\"width: {em}em\"></span> {k} event{}</th></tr>",
            month.month,
            if k == 1 { "" } else { "s" }
        );
        for e in &month.events {
            let mark = if e.is_inferred() { "~" } else { "" };
            let class = match (e.is_inferred(), e.is_conflicting()) {
                (true, true) => "date inferred conflict",
                (true, false) => "date inferred",
                (false, true) => "date conflict",
                (false, false) => "date",
            };
            let mut notes = String::new();
            if e.is_conflicting() {
                let _ = write!(
                    notes,
                    "<div class=\"note conflict\">! {}: the sources disagree, the event is shown at each date</div>",
                    escape_xml(&e.conflict_text())
                );
            }
            if let Some(n) = &e.inferred {
                let _ = write!(
                    notes,
                    "<div class=\"note\">~ inferred: {}</div>",
                    escape_xml(n)
                );
            }
            if let EventKind::Operation { conducted_by, .. } = &e.kind {
                for a in conducted_by {
                    if let Some(n) = &a.inferred {
                        let _ = write!(
                            notes,
                            "<div class=\"note\">~ conducted by {} inferred: {}</div>",
                            escape_xml(&a.country),
                            escape_xml(n)
                        );
                    }
                }
            }
            let persons = match &e.kind {
                EventKind::Arrest { persons } => {
                    let ids: Vec<&str> = persons.iter().map(|p| p.person.as_str()).collect();
                    format!(
                        "<div class=\"persons\">{}</div>",
                        escape_xml(&ids.join(", "))
                    )
                }
                EventKind::Operation { .. } => String::new(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"{class}\">{mark}{}</td><td class=\"cite\">{}</td><td>{}{persons}{notes}</td></tr>",
                e.date,
                escape_xml(&e.citation(with_source)),
                escape_xml(&e.summary())
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The tempo at a glance: a column per month, empty months included, as
/// tall as its number of events, the month's number below it and the year
/// under each January and the first month.
fn tempo_strip(months: &[Month<'_>], busiest: usize) -> String {
    let mut out =
        String::from("<div class=\"tempo\" role=\"img\" aria-label=\"events per month\">");
    for (i, m) in months.iter().enumerate() {
        let k = m.events.len();
        // Columns up to 3em tall.
        let em = (k * 30).div_ceil(busiest) as f64 / 10.0;
        let year = if i == 0 || m.month.month_of_year() == 1 {
            m.month.year().to_string()
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<span class=\"tm\" title=\"{}: {k} event{}\"><span class=\"tb\" style=\"height: {em}em\"></span><span class=\"tl\">{:02}</span><span class=\"ty\">{year}</span></span>",
            m.month,
            if k == 1 { "" } else { "s" },
            m.month.month_of_year()
        );
    }
    out.push_str("</div>\n");
    out
}
