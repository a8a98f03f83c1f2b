//! This module defines sleuth's value domain: the four column types
//! (`symbol`, `number`, `float`, `date`), the [`Value`] that crosses the
//! library's boundary, and the calendar arithmetic behind the date functors.
//!
//! This module depends on nothing else in the crate.

use std::cmp::Ordering;
use std::fmt;

/// The type of a relation's column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// An interned string, compared lexicographically.
    Symbol,
    /// A signed 64-bit integer.
    Number,
    /// A 64-bit float.
    Float,
    /// An ISO month (`2024-02`) or day (`2024-02-15`).
    Date,
}

impl Type {
    /// The name used in `.decl` (`symbol`, `number`, `float`, `date`).
    pub fn name(self) -> &'static str {
        match self {
            Type::Symbol => "symbol",
            Type::Number => "number",
            Type::Float => "float",
            Type::Date => "date",
        }
    }

    /// Parses a type name as written in `.decl`. Soufflé's `unsigned` is read
    /// as `number`.
    pub fn from_name(name: &str) -> Option<Type> {
        match name {
            "symbol" => Some(Type::Symbol),
            "number" | "unsigned" => Some(Type::Number),
            "float" => Some(Type::Float),
            "date" => Some(Type::Date),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A calendar date with month or day precision, packed as `yyyymmdd` with
/// `dd = 00` for a month. The packing keeps chronological order: a month sorts
/// just before its first day (`2024-02` < `2024-02-01` < `2024-03`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(u32);

/// Why a text is not an ISO date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadDate(pub String);

impl fmt::Display for BadDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Date {
    /// The first representable year.
    pub const MIN_YEAR: i64 = 1;
    /// The last representable year.
    pub const MAX_YEAR: i64 = 9999;

    /// A month-precision date. Fails when the year or month is out of range.
    pub fn month(year: i64, month: i64) -> Result<Date, BadDate> {
        if !(Date::MIN_YEAR..=Date::MAX_YEAR).contains(&year) {
            return Err(BadDate(format!("year {year} is outside 0001..9999")));
        }
        if !(1..=12).contains(&month) {
            return Err(BadDate(format!("month {month} is not between 01 and 12")));
        }
        Ok(Date((year * 10000 + month * 100) as u32))
    }

    /// A day-precision date. Fails on impossible days (`2023-02-29`).
    pub fn day(year: i64, month: i64, day: i64) -> Result<Date, BadDate> {
        let m = Date::month(year, month)?;
        let last = days_in_month(year, month);
        if !(1..=last).contains(&day) {
            return Err(BadDate(format!(
                "day {day} does not exist in {year:04}-{month:02} (it has {last} days)"
            )));
        }
        Ok(Date(m.0 + day as u32))
    }

    /// Parses `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Date, BadDate> {
        let parts: Vec<&str> = text.split('-').collect();
        let num = |s: &str, len: usize, what: &str| -> Result<i64, BadDate> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                Ok(s.parse().expect("all ascii digits"))
            } else {
                Err(BadDate(format!(
                    "`{text}` is not an ISO date: the {what} must be {len} digits (write YYYY-MM or YYYY-MM-DD)"
                )))
            }
        };
        match parts.as_slice() {
            [y, m] => Date::month(num(y, 4, "year")?, num(m, 2, "month")?),
            [y, m, d] => Date::day(num(y, 4, "year")?, num(m, 2, "month")?, num(d, 2, "day")?),
            _ => Err(BadDate(format!(
                "`{text}` is not an ISO date (write YYYY-MM or YYYY-MM-DD)"
            ))),
        }
    }

    /// Whether `text` has the shape of an ISO date (digits and dashes as in
    /// `YYYY-MM` or `YYYY-MM-DD`), valid or not. A quoted string of this shape
    /// in a date-typed position is a date literal.
    pub fn looks_like_date(text: &str) -> bool {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        (b.len() == 7 || b.len() == 10)
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && (b.len() == 7 || (b[7] == b'-' && digits(8..10)))
    }

    /// The packed `yyyymmdd` form (`dd = 0` for a month).
    pub fn packed(self) -> u32 {
        self.0
    }

    /// Rebuilds a date from [`Date::packed`]. The caller guarantees validity.
    pub fn from_packed(packed: u32) -> Date {
        Date(packed)
    }

    /// The year.
    pub fn year(self) -> i64 {
        i64::from(self.0 / 10000)
    }

    /// The month, 1..=12.
    pub fn month_of_year(self) -> i64 {
        i64::from(self.0 / 100 % 100)
    }

    /// The day of the month, or `None` for a month-precision date.
    pub fn day_of_month(self) -> Option<i64> {
        match self.0 % 100 {
            0 => None,
            d => Some(i64::from(d)),
        }
    }

    /// Months since year 0 (`year * 12 + month - 1`): an ordinal that orders
    /// months and makes month arithmetic a subtraction.
    pub fn month_ordinal(self) -> i64 {
        self.year() * 12 + self.month_of_year() - 1
    }

    /// Adds `n` months (negative to go back). A day past the end of the new
    /// month is clamped to its last day (`2024-01-31` + 1 = `2024-02-29`).
    pub fn add_months(self, n: i64) -> Result<Date, BadDate> {
        let ord = self
            .month_ordinal()
            .checked_add(n)
            .ok_or_else(|| BadDate("date arithmetic overflowed".into()))?;
        let (year, month) = (ord.div_euclid(12), ord.rem_euclid(12) + 1);
        match self.day_of_month() {
            None => Date::month(year, month),
            Some(d) => {
                Date::month(year, month)?;
                Date::day(year, month, d.min(days_in_month(year, month)))
            }
        }
    }

    /// Whole months from `self` to `later` (`months_between`):
    /// `2023-11` to `2024-02` is 3. When both dates have a day, a month
    /// counts only once it is complete: the result is the largest `n` with
    /// `self.add_months(n) <= later`, so `2024-01-31` to `2024-02-01` is 0
    /// and `2024-01-31` to `2024-02-29` is 1 (`add_months` keeps to the end
    /// of a shorter month). An earlier `later` gives the negative of the
    /// other way round. With a month-precision date the day is unknown, and
    /// calendar months are counted.
    pub fn months_until(self, later: Date) -> i64 {
        let months = later.month_ordinal() - self.month_ordinal();
        let (Some(from), Some(to)) = (self.day_of_month(), later.day_of_month()) else {
            return months;
        };
        // The day a month after `self` falls on, in the month of `later`
        // (or the other way round): the last day when the month is shorter.
        let reached = |day: i64, month_of: Date| {
            day.min(days_in_month(month_of.year(), month_of.month_of_year()))
        };
        if months > 0 && to < reached(from, later) {
            months - 1
        } else if months < 0 && from < reached(to, self) {
            months + 1
        } else {
            months
        }
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month_of_year())?;
        if let Some(d) = self.day_of_month() {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// A value as it crosses the library's boundary: in facts, query answers and
/// the IR's constants. Inside the evaluator values are packed into machine
/// words; this is the readable form.
#[derive(Clone, Debug)]
pub enum Value {
    /// A string.
    Symbol(String),
    /// An integer.
    Number(i64),
    /// A float.
    Float(f64),
    /// A date.
    Date(Date),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> Type {
        match self {
            Value::Symbol(_) => Type::Symbol,
            Value::Number(_) => Type::Number,
            Value::Float(_) => Type::Float,
            Value::Date(_) => Type::Date,
        }
    }

    /// The value as Datalog source: symbols quoted and escaped.
    pub fn to_datalog(&self) -> String {
        match self {
            Value::Symbol(s) => {
                let mut out = String::with_capacity(s.len() + 2);
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
            Value::Date(d) => format!("\"{d}\""),
            other => other.to_string(),
        }
    }

    /// Parses a TSV field as a value of the given type.
    pub fn parse_as(text: &str, ty: Type) -> Result<Value, String> {
        match ty {
            Type::Symbol => Ok(Value::Symbol(text.to_string())),
            Type::Number => text
                .trim()
                .parse()
                .map(Value::Number)
                .map_err(|_| format!("`{text}` is not a number")),
            Type::Float => text
                .trim()
                .parse()
                .map(Value::Float)
                .map_err(|_| format!("`{text}` is not a float")),
            Type::Date => Date::parse(text.trim()).map(Value::Date).map_err(|e| e.0),
        }
    }
}

/// Prints the value as in TSV output: symbols bare, dates in ISO form, floats
/// with a decimal point.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Symbol(s) => f.write_str(s),
            Value::Number(n) => write!(f, "{n}"),
            Value::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => {
                write!(f, "{x:.1}")
            }
            Value::Float(x) => write!(f, "{x}"),
            Value::Date(d) => write!(f, "{d}"),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Value) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Values of one type order naturally (floats by `total_cmp`); values of
/// different types order by type, which only matters for sorting mixed lists.
impl Ord for Value {
    fn cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Symbol(a), Value::Symbol(b)) => a.cmp(b),
            (Value::Number(a), Value::Number(b)) => a.cmp(b),
            (Value::Float(a), Value::Float(b)) => a.total_cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            (a, b) => a.ty().cmp(&b.ty()),
        }
    }
}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Value::Symbol(s) => (0u8, s).hash(state),
            Value::Number(n) => (1u8, n).hash(state),
            Value::Float(x) => (2u8, x.to_bits()).hash(state),
            Value::Date(d) => (3u8, d).hash(state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_print_and_order() {
        let m = Date::parse("2024-02").expect("valid month");
        let d = Date::parse("2024-02-15").expect("valid day");
        assert_eq!(m.to_string(), "2024-02");
        assert_eq!(d.to_string(), "2024-02-15");
        assert!(m < d && d < Date::parse("2024-03").expect("valid"));
        assert!(Date::parse("2024-13").is_err());
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("24-02").is_err());
    }

    /// Regression (`months_between("2024-01-31", "2024-02-01")` gave 1):
    /// with days, only complete months count, and the result agrees with
    /// `add_months` (the largest `n` with `a + n months <= b`).
    #[test]
    fn months_between_counts_whole_months() {
        let d = |s: &str| Date::parse(s).expect("valid");
        let cases = [
            ("2024-01-31", "2024-02-01", 0),
            ("2024-02-01", "2024-01-31", 0),
            ("2024-01-31", "2024-02-29", 1),
            ("2024-01-30", "2024-02-29", 1),
            ("2023-01-31", "2023-02-28", 1),
            ("2023-02-28", "2023-03-31", 1),
            ("2023-03-31", "2023-02-28", -1),
            ("2024-01-15", "2024-02-14", 0),
            ("2024-01-15", "2024-02-15", 1),
            ("2024-01-15", "2025-01-14", 11),
            ("2024-03-10", "2024-01-20", -1),
            ("2024-05-05", "2024-05-30", 0),
            ("2024-05-05", "2024-05-05", 0),
            ("2023-11", "2024-02", 3),
            ("2024-02", "2023-11", -3),
            ("2024-01-31", "2024-02", 1),
            ("2024-01", "2024-02-01", 1),
        ];
        for (a, b, n) in cases {
            assert_eq!(d(a).months_until(d(b)), n, "months_between({a}, {b})");
        }
        // Agrees with add_months: a + n <= b < a + (n + 1), for b later.
        for (a, b) in [("2024-01-31", "2024-03-30"), ("2023-08-31", "2024-02-29")] {
            let n = d(a).months_until(d(b));
            assert!(d(a).add_months(n).expect("in range") <= d(b), "{a} {b}");
            assert!(d(a).add_months(n + 1).expect("in range") > d(b), "{a} {b}");
        }
    }

    #[test]
    fn month_arithmetic() {
        let nov = Date::parse("2023-11").expect("valid");
        assert_eq!(nov.add_months(3).expect("in range").to_string(), "2024-02");
        assert_eq!(nov.months_until(Date::parse("2024-02").expect("valid")), 3);
        let jan31 = Date::parse("2024-01-31").expect("valid");
        assert_eq!(
            jan31.add_months(1).expect("in range").to_string(),
            "2024-02-29"
        );
        assert_eq!(
            nov.add_months(-11).expect("in range").to_string(),
            "2022-12"
        );
    }

    #[test]
    fn date_shape() {
        assert!(Date::looks_like_date("2024-02"));
        assert!(Date::looks_like_date("2024-13-40"));
        assert!(!Date::looks_like_date("Tangier"));
        assert!(!Date::looks_like_date("2024-2"));
    }
}
