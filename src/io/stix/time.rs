//! This module defines how sleuth's dates (a month or a day) and STIX
//! timestamps meet: a date's first and last moment when exporting, a
//! timestamp's day when reading.

use crate::value::{BadDate, Date};

/// The first moment of a month or day, as a STIX timestamp.
pub(crate) fn timestamp(d: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00.000Z",
        d.year(),
        d.month_of_year(),
        d.day_of_month().unwrap_or(1)
    )
}

/// The last moment of a month or day.
pub(crate) fn end_of(d: Date) -> String {
    let day = d
        .day_of_month()
        .unwrap_or_else(|| days_in(d.year(), d.month_of_year()));
    format!(
        "{:04}-{:02}-{:02}T23:59:59.999Z",
        d.year(),
        d.month_of_year(),
        day
    )
}

fn days_in(year: i64, month: i64) -> i64 {
    (28..=31)
        .rev()
        .find(|&day| Date::day(year, month, day).is_ok())
        .unwrap_or(28)
}

/// The day of a STIX timestamp (`2024-02-01T00:00:00.000Z`), or a sleuth
/// date as it is (`2024-02`).
pub(crate) fn parse_timestamp(text: &str) -> Result<Date, BadDate> {
    Date::parse(text.split('T').next().unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_spans_its_days() {
        let feb = Date::parse("2024-02").expect("a month");
        assert_eq!(timestamp(feb), "2024-02-01T00:00:00.000Z");
        assert_eq!(end_of(feb), "2024-02-29T23:59:59.999Z");
        let day = Date::parse("2023-11-18").expect("a day");
        assert_eq!(end_of(day), "2023-11-18T23:59:59.999Z");
        assert_eq!(parse_timestamp("2023-11-18T10:00:00Z"), Ok(day));
        assert_eq!(parse_timestamp("2024-02"), Ok(feb));
        assert!(parse_timestamp("May 2024").is_err());
    }
}
