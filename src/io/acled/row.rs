//! This module defines how the rows of an ACLED export are read and checked:
//! each row becomes an [`Event`] with its values parsed (dates in either of
//! ACLED's forms, precisions, counts), or a diagnostic naming the file, the
//! line and the column of the bad value. One bad row rejects the file.

use crate::diag::{Code, Diagnostic, SourceId, SourceMap, Span};
use crate::value::Date;

use super::header::{Header, REQUIRED};

/// One row of an ACLED export, checked.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    /// ACLED's id of the event, `event_id_cnty` (e.g. `MOR1234`).
    pub id: String,
    /// The line of the row in the file (1-based).
    pub line: usize,
    /// Where its `event_id_cnty` is in the file.
    pub id_span: Span,
    /// Every field of the row as written, to tell a row loaded again from a changed one.
    pub fields: Vec<String>,
    /// The date, a day; a month when ACLED knows only the month.
    pub date: Date,
    /// ACLED's `time_precision`: 1 the day, 2 the week, 3 the month.
    pub time_precision: u8,
    pub event_type: String,
    pub sub_event_type: String,
    pub actor1: String,
    pub assoc_actor_1: Vec<String>,
    pub inter1: String,
    pub actor2: String,
    pub assoc_actor_2: Vec<String>,
    pub inter2: String,
    pub country: String,
    pub admin1: String,
    pub admin2: String,
    pub location: String,
    /// ACLED's `geo_precision`: 1 the place itself, 2 near it, 3 only the region.
    pub geo_precision: u8,
    /// ACLED's own sources for the event.
    pub source: String,
    pub notes: String,
    pub fatalities: i64,
}

impl Event {
    /// Whether this is an arrest (`sub_event_type` Arrests).
    pub fn is_arrest(&self) -> bool {
        self.sub_event_type.eq_ignore_ascii_case("arrests")
    }
}

/// Reads and checks every row of an export.
pub(crate) fn read(sources: &SourceMap, file: SourceId) -> Result<Vec<Event>, Diagnostic> {
    let text = &sources.file(file).text;
    let at = |start: usize, end: usize| Span::new(file, start, end.max(start + 1).min(text.len()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = match records.next() {
        Some(r) => r.map_err(|e| csv_error(file, text, &e))?,
        None => csv::StringRecord::new(),
    };
    let names: Vec<String> = first.iter().map(str::to_string).collect();
    let header = Header::read(names).map_err(|missing| {
        let end = text.find(['\r', '\n']).unwrap_or(text.len());
        not_acled(&missing, (!text.is_empty()).then(|| at(0, end)))
    })?;
    let mut events = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(file, text, &e))?;
        let pos = record
            .position()
            .expect("csv records read from text have a position");
        let (start, line) = (pos.byte() as usize, pos.line() as usize);
        let spans = field_spans(text, start);
        if record.len() != header.names.len() {
            let end = spans.last().map_or(start, |s| s.1);
            return Err(Diagnostic::new(
                Code::BadCsv,
                format!(
                    "row at line {line} has {} fields, the header has {}",
                    record.len(),
                    header.names.len()
                ),
                Some(at(start, end)),
            )
            .with_label(format!("{} fields", record.len()))
            .with_help(
                "give every row one field per header column; quote a field that holds a comma (\"Tangier, Morocco\")",
            ));
        }
        let cell = |column: &str| -> Cell {
            let i = header.index(column);
            let (s, e) = spans.get(i).copied().unwrap_or((start, start));
            Cell {
                column: column_name(column),
                value: record[i].trim().to_string(),
                span: at(s, e),
                line,
            }
        };
        events.push(event(&cell, &record, line)?);
    }
    Ok(events)
}

/// One field of a row, with its place in the text.
struct Cell {
    column: &'static str,
    value: String,
    span: Span,
    line: usize,
}

impl Cell {
    fn error(&self, code: Code, what: String, label: &str, help: &str) -> Diagnostic {
        Diagnostic::new(
            code,
            format!("line {}, column `{}`: {what}", self.line, self.column),
            Some(self.span),
        )
        .with_label(label.to_string())
        .with_help(help.to_string())
    }

    fn required(self) -> Result<String, Diagnostic> {
        if self.value.is_empty() {
            return Err(self.error(
                Code::BadValue,
                "is empty".into(),
                "a value is needed here",
                "every ACLED event has this column filled; fix the row or leave it out of the export",
            ));
        }
        Ok(self.value)
    }

    fn precision(&self) -> Result<u8, Diagnostic> {
        match self.value.as_str() {
            "1" => Ok(1),
            "2" => Ok(2),
            "3" => Ok(3),
            other => Err(self.error(
                Code::BadValue,
                format!("`{other}` is not a precision code"),
                "not 1, 2 or 3",
                "ACLED's precision codes are 1 (exact), 2 (near or within the week) and 3 (only the region or month)",
            )),
        }
    }

    fn count(&self) -> Result<i64, Diagnostic> {
        let v = &self.value;
        if v.is_empty() {
            return Ok(0);
        }
        match v.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n),
            _ => Err(self.error(
                Code::BadValue,
                format!("`{v}` is not a count"),
                "not a whole number of 0 or more",
                "write the count as digits, such as 0 or 12",
            )),
        }
    }

    fn list(&self) -> Vec<String> {
        self.value
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn date(&self) -> Result<Date, Diagnostic> {
        parse_date(&self.value).map_err(|why| {
            self.error(
                Code::BadDate,
                format!("`{}` is not a date: {why}", self.value),
                "not a date",
                "write ACLED dates as 2024-05-14 or 14 May 2024",
            )
        })
    }
}

/// The static name of a column sleuth reads.
fn column_name(column: &str) -> &'static str {
    REQUIRED
        .iter()
        .copied()
        .find(|c| *c == column)
        .expect("a column sleuth reads")
}

fn event(
    cell: &dyn Fn(&str) -> Cell,
    record: &csv::StringRecord,
    line: usize,
) -> Result<Event, Diagnostic> {
    let id_cell = cell("event_id_cnty");
    let id_span = id_cell.span;
    let id = id_cell.required()?;
    let day = cell("event_date").date()?;
    let time_precision = cell("time_precision").precision()?;
    let date = if time_precision == 3 {
        Date::month(day.year(), day.month_of_year()).expect("the month of a valid day")
    } else {
        day
    };
    Ok(Event {
        id,
        line,
        id_span,
        fields: record.iter().map(str::to_string).collect(),
        date,
        time_precision,
        event_type: cell("event_type").required()?,
        sub_event_type: cell("sub_event_type").required()?,
        actor1: cell("actor1").required()?,
        assoc_actor_1: cell("assoc_actor_1").list(),
        inter1: cell("inter1").value,
        actor2: cell("actor2").value,
        assoc_actor_2: cell("assoc_actor_2").list(),
        inter2: cell("inter2").value,
        country: cell("country").required()?,
        admin1: cell("admin1").value,
        admin2: cell("admin2").value,
        location: cell("location").required()?,
        geo_precision: cell("geo_precision").precision()?,
        source: cell("source").required()?,
        notes: cell("notes").value,
        fatalities: cell("fatalities").count()?,
    })
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a word names, 0 for January: its full name or its first three
/// letters, in any case.
pub(super) fn month_index(word: &str) -> Option<usize> {
    let word = word.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|name| *name == word || (word.len() == 3 && name.starts_with(&word)))
}

/// A day written `2024-05-14` or `14 May 2024` (a month's full name or its
/// first three letters).
pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if let [day, month, year] = words.as_slice() {
        let m = month_index(month)
            .ok_or_else(|| format!("`{}` is not the name of a month", words[1]))?;
        let number = |s: &str, what: &str| {
            s.parse::<i64>()
                .ok()
                .filter(|_| s.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| format!("`{s}` is not a {what}"))
        };
        let (d, y) = (number(day, "day")?, number(year, "year")?);
        return Date::day(y, m as i64 + 1, d).map_err(|e| e.0);
    }
    let date = Date::parse(text).map_err(|e| e.0)?;
    if date.day_of_month().is_none() {
        return Err("an ACLED event date is a day".into());
    }
    Ok(date)
}

/// The byte range of each field of the row starting at `start` (quotes
/// included), up to the end of its line.
fn field_spans(text: &str, start: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut i = start;
    let mut spans = Vec::new();
    loop {
        let s = i;
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        spans.push((s, i));
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            return spans;
        }
    }
}

fn not_acled(missing: &[&str], span: Option<Span>) -> Diagnostic {
    let list = missing
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = Diagnostic::new(
        Code::NotAcled,
        format!(
            "this CSV file is not an ACLED export: its header lacks {} column{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        ),
        span,
    );
    match span {
        Some(_) => d.with_label("the header row"),
        None => d,
    }
    .with_help(
        "sleuth reads CSV files exported from ACLED (either layout); export every column, \
         or convert other tables to a JSON data document (data/README.md)",
    )
}

fn csv_error(file: SourceId, text: &str, err: &csv::Error) -> Diagnostic {
    let span = err.position().map(|p| {
        let s = (p.byte() as usize).min(text.len());
        Span::new(file, s, (s + 1).min(text.len()).max(s))
    });
    Diagnostic::new(Code::BadCsv, format!("malformed CSV: {err}"), span)
        .with_help("save the export as UTF-8 CSV with a header row and a comma between fields")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_date_forms() {
        assert_eq!(
            parse_date("2024-05-14").expect("iso").to_string(),
            "2024-05-14"
        );
        assert_eq!(
            parse_date("14 May 2024").expect("words").to_string(),
            "2024-05-14"
        );
        assert_eq!(
            parse_date("3 Sep 2023").expect("short").to_string(),
            "2023-09-03"
        );
        assert!(parse_date("31 June 2024").is_err());
        assert!(parse_date("14 Mai 2024").is_err());
        assert!(parse_date("2024-05").is_err());
    }

    #[test]
    fn fields_are_found_across_quotes() {
        let text = "a,\"b, \"\"c\"\"\",,d\nx";
        let spans = field_spans(text, 0);
        let got: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(got, ["a", "\"b, \"\"c\"\"\"", "", "d"]);
    }
}
