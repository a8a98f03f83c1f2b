//! This module defines how a timeline is narrowed: to a place (and the
//! places within it), a country, a theater, or a range of months; and the
//! arguments `sleuth timeline` and `:timeline` share.

use crate::diag::Code;
use crate::diag::{Diagnostic, did_you_mean};
use crate::value::Date;

use super::super::base::Geography;
use super::{Event, EventKind};

/// What a timeline keeps. Every condition given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    /// `--place P`: events at P or at a place within P (Morocco keeps
    /// Tangier).
    pub place: Option<String>,
    /// `--country C`: events in C, operations C conducted, and arrests of
    /// C's nationals anywhere.
    pub country: Option<String>,
    /// `--theater T`: events at a place in one of T's areas.
    pub theater: Option<String>,
    /// `--from D`: events on or after D (a month includes its days).
    pub from: Option<Date>,
    /// `--to D`: events on or before D (a month includes its days).
    pub to: Option<Date>,
}

/// The arguments of `sleuth timeline` and `:timeline`: the filter and how
/// to draw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineArgs {
    /// What to keep.
    pub filter: TimelineFilter,
    /// `--notes`: print what was inferred and why under each inferred
    /// event.
    pub notes: bool,
    /// `--bars` / `--no-bars`: the tempo bars; `None` leaves the choice to
    /// the caller (on in a terminal).
    pub bars: Option<bool>,
}

impl TimelineArgs {
    /// The usage line.
    pub const USAGE: &'static str = "[--place P] [--country C] [--theater T] [--from YYYY-MM] [--to YYYY-MM] [--notes] [--bars|--no-bars]";

    /// Parses arguments such as `--place Morocco --from 2023-06`. Names
    /// with spaces are one argument (`--place "Souk El Arbaa"` when split
    /// with [`TimelineArgs::parse_line`]).
    pub fn parse(args: &[String]) -> Result<TimelineArgs, String> {
        let mut out = TimelineArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("`{arg}` needs a value"))
            };
            match arg.as_str() {
                "--place" => out.filter.place = Some(value()?),
                "--country" => out.filter.country = Some(value()?),
                "--theater" => out.filter.theater = Some(value()?),
                "--from" => out.filter.from = Some(date(arg, &value()?)?),
                "--to" => out.filter.to = Some(date(arg, &value()?)?),
                "--notes" => out.notes = true,
                "--bars" => out.bars = Some(true),
                "--no-bars" => out.bars = Some(false),
                other => {
                    return Err(format!(
                        "unexpected argument `{other}` for the timeline: expected {}",
                        TimelineArgs::USAGE
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Splits a line into arguments (double or single quotes group words)
    /// and parses them: what `:timeline --place "Souk El Arbaa"` needs.
    pub fn parse_line(line: &str) -> Result<TimelineArgs, String> {
        TimelineArgs::parse(&split_words(line)?)
    }
}

fn date(flag: &str, text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|e| format!("`{flag} {text}`: {e}"))
}

/// Splits on whitespace, keeping quoted words together.
fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                current.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(current.take()),
            (None, c) => current.get_or_insert_with(String::new).push(c),
        }
    }
    if let Some(q) = quote {
        return Err(format!("unclosed {q} quote"));
    }
    words.extend(current);
    Ok(words)
}

impl TimelineFilter {
    /// Whether the filter keeps everything.
    pub fn is_empty(&self) -> bool {
        *self == TimelineFilter::default()
    }

    /// The filter in words: `place Morocco, from 2023-06 to 2024-01`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (name, value) in [
            ("place", &self.place),
            ("country", &self.country),
            ("theater", &self.theater),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name} {v}"));
            }
        }
        match (self.from, self.to) {
            (Some(f), Some(t)) => parts.push(format!("from {f} to {t}")),
            (Some(f), None) => parts.push(format!("from {f}")),
            (None, Some(t)) => parts.push(format!("to {t}")),
            (None, None) => {}
        }
        parts.join(", ")
    }

    /// Checks the names against the workspace's geography and the range's
    /// order: a misspelt place would otherwise silently empty the timeline.
    pub(crate) fn check(&self, geo: &Geography) -> Result<(), Diagnostic> {
        let unknown = |code: Code, what: &str, name: &str, known: Vec<&str>| {
            let mut d = Diagnostic::new(code, format!("no {what} is named `{name}`"), None);
            d = match did_you_mean(name, known.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("known {what}s: {}", known.join(", "))),
            };
            Err(d)
        };
        if let Some(p) = &self.place
            && !geo.places().any(|k| k == p)
        {
            return unknown(Code::UnknownPlace, "place", p, geo.places().collect());
        }
        if let Some(c) = &self.country
            && !geo.countries().any(|k| k == c)
        {
            return unknown(
                Code::UnknownCountry,
                "country",
                c,
                geo.countries().collect(),
            );
        }
        if let Some(t) = &self.theater
            && !geo.theaters().any(|k| k == t)
        {
            return unknown(Code::UnknownTheater, "theater", t, geo.theaters().collect());
        }
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f.packed() > end_of(t)
        {
            return Err(Diagnostic::new(
                Code::EmptyDateRange,
                format!("the range from {f} to {t} holds no date"),
                None,
            )
            .with_help("give --from a date before --to"));
        }
        Ok(())
    }

    /// Whether the filter keeps the event.
    pub(crate) fn keeps(&self, event: &Event, geo: &Geography) -> bool {
        let places = || event.places.iter().map(|l| l.place.as_str());
        if let Some(p) = &self.place
            && !places().any(|e| geo.is_within(e, p))
        {
            return false;
        }
        if let Some(c) = &self.country
            && !(places().any(|e| geo.is_within(e, c)) || involves(event, c))
        {
            return false;
        }
        if let Some(t) = &self.theater
            && !places().any(|e| geo.in_theater(e, t))
        {
            return false;
        }
        if let Some(from) = self.from
            && !on_or_after(event.date, from)
        {
            return false;
        }
        if let Some(to) = self.to
            && !on_or_before(event.date, to)
        {
            return false;
        }
        true
    }
}

/// The packed form of the last moment a bound includes: a month bound
/// includes its days.
fn end_of(bound: Date) -> u32 {
    match bound.day_of_month() {
        None => bound.packed() + 99,
        Some(_) => bound.packed(),
    }
}

/// Whether the country conducted the operation or its nationals were
/// arrested.
fn involves(event: &Event, country: &str) -> bool {
    match &event.kind {
        EventKind::Operation { conducted_by, .. } => {
            conducted_by.iter().any(|a| a.country == country)
        }
        EventKind::Arrest { persons } => persons
            .iter()
            .any(|p| p.nationalities.iter().any(|n| n == country)),
    }
}

/// `date >= bound`, where a month bound starts at the month's beginning
/// (and a month date is on or after any day bound of its month).
fn on_or_after(date: Date, bound: Date) -> bool {
    match (date.day_of_month(), bound.day_of_month()) {
        (Some(_), Some(_)) | (None, None) | (Some(_), None) => date >= bound,
        (None, Some(_)) => date.month_ordinal() >= bound.month_ordinal(),
    }
}

/// `date <= bound`, where a month bound includes all its days.
fn on_or_before(date: Date, bound: Date) -> bool {
    match bound.day_of_month() {
        None => date.month_ordinal() <= bound.month_ordinal(),
        Some(_) => {
            date <= bound
                || (date.day_of_month().is_none() && date.month_ordinal() == bound.month_ordinal())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("valid date")
    }

    #[test]
    fn month_bounds_include_their_days() {
        assert!(on_or_before(d("2024-01-31"), d("2024-01")));
        assert!(!on_or_before(d("2024-02-01"), d("2024-01")));
        assert!(on_or_after(d("2023-06"), d("2023-06")));
        assert!(on_or_after(d("2023-06"), d("2023-06-15")));
        assert!(!on_or_after(d("2023-06-14"), d("2023-06-15")));
        assert!(on_or_before(d("2023-06"), d("2023-06-01")));
    }

    #[test]
    fn arguments_parse_with_quoted_names() {
        let a =
            TimelineArgs::parse_line("--place \"Souk El Arbaa\" --from 2023-01 --notes --no-bars")
                .expect("parses");
        assert_eq!(a.filter.place.as_deref(), Some("Souk El Arbaa"));
        assert_eq!(a.filter.from, Some(d("2023-01")));
        assert!(a.notes);
        assert_eq!(a.bars, Some(false));
        assert!(TimelineArgs::parse_line("--from 2023-13").is_err());
        assert!(TimelineArgs::parse_line("--place").is_err());
        assert!(TimelineArgs::parse_line("--place 'Tangier").is_err());
        assert!(TimelineArgs::parse_line("--colour red").is_err());
    }
}
