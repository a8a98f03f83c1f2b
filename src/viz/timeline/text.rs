//! This module defines how a timeline reads in a terminal: a header, then
//! each month with its events one a line (date, citation, what happened),
//! inferred dates marked `~`; with bars, every month from the first to the
//! last gets a bar as long as its number of events, so the tempo shows at a
//! glance.

use std::fmt::Write as _;

use super::{EventKind, Timeline};

/// How to draw a timeline as text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// A tempo bar per month, empty months included.
    pub bars: bool,
    /// Under each inferred event, what was inferred and why.
    pub notes: bool,
}

/// The longest bar; busier months are scaled down to it.
const MAX_BAR: usize = 40;

/// The timeline as text, with or without tempo bars (no notes).
pub fn render_text(timeline: &Timeline, bars: bool) -> String {
    render_text_with(timeline, TextOptions { bars, notes: false })
}

/// The timeline as text.
///
/// ```text
/// timeline: 7 events, 2023-01 to 2024-02 (~ marks an inferred date)
///
/// 2023-11 █  1
///   ~2023-11  ¶9  C3  arrests at Almskad (Somalia): 4 persons of Morocco
/// ```
pub fn render_text_with(timeline: &Timeline, options: TextOptions) -> String {
    let mut out = String::new();
    let events = &timeline.events;
    let filter = timeline.filter.describe();
    let filtered = if filter.is_empty() {
        String::new()
    } else {
        format!(" ({filter})")
    };
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        let _ = writeln!(out, "timeline: no dated events{filtered}");
        return out;
    };
    let n = events.len();
    let span = if first.month() == last.month() {
        format!("in {}", first.month())
    } else {
        format!("{} to {}", first.month(), last.month())
    };
    let _ = write!(
        out,
        "timeline: {n} event{}, {span}{filtered}",
        if n == 1 { "" } else { "s" }
    );
    if events.iter().any(|e| e.is_inferred()) {
        out.push_str(if options.notes {
            "; ~ marks an inferred date"
        } else {
            "; ~ marks an inferred date (--notes says why)"
        });
    }
    if events.iter().any(|e| e.is_conflicting()) {
        out.push_str("; [dates differ] marks an event the sources date differently, shown at each date (`sleuth conflicts` lists them)");
    }
    out.push_str("\n\n");
    let with_source = timeline.sources().len() > 1;
    let date_width = events
        .iter()
        .map(|e| e.date.to_string().len())
        .max()
        .unwrap_or(7);
    let cite_width = events
        .iter()
        .map(|e| e.citation(with_source).chars().count())
        .max()
        .unwrap_or(0);
    let months = timeline.months(options.bars);
    let busiest = months.iter().map(|m| m.events.len()).max().unwrap_or(0);
    let count_width = busiest.to_string().len();
    let bar_width = busiest.min(MAX_BAR);
    for month in &months {
        let k = month.events.len();
        if options.bars {
            let len = if busiest <= MAX_BAR {
                k
            } else {
                (k * MAX_BAR).div_ceil(busiest)
            };
            let bar = "█".repeat(len);
            let _ = writeln!(
                out,
                "{} {bar}{} {k:>count_width$}",
                month.month,
                " ".repeat(bar_width - len)
            );
        } else {
            let _ = writeln!(out, "{}", month.month);
        }
        for e in &month.events {
            let mark = if e.is_inferred() { '~' } else { ' ' };
            let cite = e.citation(with_source);
            let pad = cite_width - cite.chars().count();
            let conflict = if e.is_conflicting() {
                format!("  [{}]", e.conflict_text())
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {mark}{:<date_width$}  {cite}{}  {}{conflict}",
                e.date.to_string(),
                " ".repeat(pad),
                e.summary()
            );
            if options.notes {
                let indent = " ".repeat(5 + date_width);
                if let Some(note) = &e.inferred {
                    let _ = writeln!(out, "{indent}~ inferred: {note}");
                }
                if let EventKind::Operation { conducted_by, .. } = &e.kind {
                    for a in conducted_by {
                        if let Some(note) = &a.inferred {
                            let _ = writeln!(
                                out,
                                "{indent}~ conducted by {} inferred: {note}",
                                a.country
                            );
                        }
                    }
                }
            }
        }
    }
    out
}
