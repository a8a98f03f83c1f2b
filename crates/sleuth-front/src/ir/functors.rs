//! This module defines what sleuth's operators and functors compute, over
//! plain Rust values (`i64`, `f64`, `&str`, [`Date`]): the one definition the
//! interpreter (and so the explainer) and the compiled program both call, so
//! every path gives the same answer and fails on the same inputs. Each back
//! end only turns an [`OpError`] into its own report.

use crate::ir::{AggOp, BinOp};
use crate::value::Date;
use std::cmp::Ordering;

/// Why an operation has no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpError {
    /// `/` or `%` by zero.
    DivisionByZero,
    /// The result does not fit in 64 bits.
    Overflow,
    /// `to_number` of a string that is not a number.
    BadNumber(String),
    /// A date functor left the representable calendar (why).
    BadDate(String),
}

/// `a / b` on floats (division by zero is an error, as on numbers).
pub fn div_float(a: f64, b: f64) -> Result<f64, OpError> {
    if b == 0.0 {
        return Err(OpError::DivisionByZero);
    }
    Ok(a / b)
}

/// `a % b` on floats.
pub fn rem_float(a: f64, b: f64) -> Result<f64, OpError> {
    if b == 0.0 {
        return Err(OpError::DivisionByZero);
    }
    Ok(a % b)
}

/// `min(a, b)` on floats: `a` unless `b` is smaller (IEEE comparison).
pub fn min_float(a: f64, b: f64) -> f64 {
    if float_order(a, b) == Ordering::Greater {
        b
    } else {
        a
    }
}

/// `max(a, b)` on floats: `a` if it is larger, else `b` (IEEE comparison).
pub fn max_float(a: f64, b: f64) -> f64 {
    if float_order(a, b) == Ordering::Greater {
        a
    } else {
        b
    }
}

/// `a + b`.
#[inline]
pub fn add(a: i64, b: i64) -> Result<i64, OpError> {
    a.checked_add(b).ok_or(OpError::Overflow)
}

/// `a - b`.
#[inline]
pub fn sub(a: i64, b: i64) -> Result<i64, OpError> {
    a.checked_sub(b).ok_or(OpError::Overflow)
}

/// `a * b`.
#[inline]
pub fn mul(a: i64, b: i64) -> Result<i64, OpError> {
    a.checked_mul(b).ok_or(OpError::Overflow)
}

/// `a / b`, truncating toward zero.
#[inline]
pub fn div(a: i64, b: i64) -> Result<i64, OpError> {
    if b == 0 {
        return Err(OpError::DivisionByZero);
    }
    a.checked_div(b).ok_or(OpError::Overflow)
}

/// `a % b`, with the sign of `a`.
#[inline]
pub fn rem(a: i64, b: i64) -> Result<i64, OpError> {
    if b == 0 {
        return Err(OpError::DivisionByZero);
    }
    a.checked_rem(b).ok_or(OpError::Overflow)
}

/// `a ^ b`; a negative exponent gives 0 unless `a` is 1 or -1.
pub fn pow(a: i64, b: i64) -> Result<i64, OpError> {
    if b < 0 {
        return Ok(match a {
            1 => 1,
            -1 if b % 2 == 0 => 1,
            -1 => -1,
            0 => return Err(OpError::DivisionByZero),
            _ => 0,
        });
    }
    let exp = u32::try_from(b).map_err(|_| OpError::Overflow)?;
    a.checked_pow(exp).ok_or(OpError::Overflow)
}

/// `-a`.
#[inline]
pub fn neg(a: i64) -> Result<i64, OpError> {
    a.checked_neg().ok_or(OpError::Overflow)
}

/// `a ^ b` on floats.
pub fn pow_float(a: f64, b: f64) -> f64 {
    a.powf(b)
}

/// `a op b` on numbers, for every binary operator. Shift amounts are taken
/// modulo the width, as Soufflé masks them; the logical operators give 0 or 1.
pub fn binary(op: BinOp, a: i64, b: i64) -> Result<i64, OpError> {
    match op {
        BinOp::Add => add(a, b),
        BinOp::Sub => sub(a, b),
        BinOp::Mul => mul(a, b),
        BinOp::Div => div(a, b),
        BinOp::Mod => rem(a, b),
        BinOp::Pow => pow(a, b),
        BinOp::BAnd => Ok(a & b),
        BinOp::BOr => Ok(a | b),
        BinOp::BXor => Ok(a ^ b),
        BinOp::BShl => Ok(((a as u64) << (b & 63)) as i64),
        BinOp::BShr => Ok(a >> (b & 63)),
        BinOp::BShrU => Ok(((a as u64) >> (b & 63)) as i64),
        BinOp::LAnd => Ok(i64::from(a != 0 && b != 0)),
        BinOp::LOr => Ok(i64::from(a != 0 || b != 0)),
        BinOp::LXor => Ok(i64::from((a != 0) != (b != 0))),
    }
}

/// `a op b` on floats; `None` for an operator that only applies to numbers
/// (the checker rejects those).
pub fn binary_float(op: BinOp, a: f64, b: f64) -> Option<Result<f64, OpError>> {
    Some(match op {
        BinOp::Add => Ok(a + b),
        BinOp::Sub => Ok(a - b),
        BinOp::Mul => Ok(a * b),
        BinOp::Div => div_float(a, b),
        BinOp::Mod => rem_float(a, b),
        BinOp::Pow => Ok(pow_float(a, b)),
        _ => return None,
    })
}

/// `bnot(a)`: bitwise complement.
pub fn bnot(a: i64) -> i64 {
    !a
}

/// `lnot(a)`: 1 if `a` is 0, else 0.
pub fn lnot(a: i64) -> i64 {
    i64::from(a == 0)
}

/// Adds one value to an integer `sum` aggregate's running total.
pub fn sum_step(total: i64, value: i64) -> Result<i64, OpError> {
    add(total, value)
}

/// Adds one value to a float `sum` (or `mean`) aggregate's running total.
pub fn sum_step_float(total: f64, value: f64) -> f64 {
    total + value
}

/// A `mean` aggregate's value from its total and its number of values.
pub fn mean(total: f64, count: u64) -> f64 {
    total / count as f64
}

/// Whether a `min` (or `max`) aggregate replaces its running value by a new
/// value, given how the new value orders against it: only when strictly
/// smaller (larger), so the first of equal values stays.
pub fn extreme_replaces(op: AggOp, new_against_current: Ordering) -> bool {
    match op {
        AggOp::Min => new_against_current == Ordering::Less,
        AggOp::Max => new_against_current == Ordering::Greater,
        AggOp::Count | AggOp::Sum | AggOp::Mean => false,
    }
}

/// How two floats order for `min`, `max` and comparisons: as IEEE numbers,
/// with NaN equal to everything (so it never replaces a running value).
pub fn float_order(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// `strlen(s)`: length in characters.
pub fn strlen(s: &str) -> i64 {
    s.chars().count() as i64
}

/// `substr(s, i, n)`: `n` characters from character index `i`; as in
/// Soufflé, a start outside the string gives `""` and a negative length
/// takes the rest of the string.
pub fn substr(s: &str, i: i64, n: i64) -> &str {
    let len = s.chars().count();
    let Ok(start) = usize::try_from(i) else {
        return "";
    };
    if start > len {
        return "";
    }
    let take = usize::try_from(n).unwrap_or(usize::MAX);
    let mut indices = s
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()));
    let from = indices.by_ref().nth(start).unwrap_or(s.len());
    let to = if take == 0 {
        from
    } else {
        indices.nth(take - 1).unwrap_or(s.len())
    };
    &s[from..to]
}

/// `contains(sub, s)`: whether `sub` occurs in `s`.
pub fn contains(sub: &str, s: &str) -> bool {
    s.contains(sub)
}

/// `to_number(s)`: the integer written in `s`, read as Soufflé reads it
/// (`RamSignedFromString` with base 0): decimal, or hexadecimal after `0x`,
/// or binary after `0b`, with an optional sign. Surrounding spaces are
/// allowed; anything else after the digits is an error (Soufflé would drop
/// it silently).
pub fn to_number(s: &str) -> Result<i64, OpError> {
    let t = s.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (digits, radix) = match digits.get(..2) {
        Some("0x" | "0X") => (&digits[2..], 16),
        Some("0b" | "0B") => (&digits[2..], 2),
        _ => (digits, 10),
    };
    let magnitude = (!digits.starts_with(['+', '-']))
        .then(|| i128::from_str_radix(digits, radix).ok())
        .flatten();
    magnitude
        .map(|m| if negative { -m } else { m })
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| OpError::BadNumber(s.to_string()))
}

/// `to_float(s)`: the float written in `s` (surrounding spaces allowed).
pub fn parse_float(s: &str) -> Result<f64, OpError> {
    s.trim()
        .parse()
        .map_err(|_| OpError::BadNumber(s.to_string()))
}

/// `to_number(x)` of a float: truncation toward zero, saturating at the
/// ends of the 64-bit range, as a C++ cast does.
pub fn float_to_number(x: f64) -> i64 {
    x as i64
}

/// `to_float(n)` of a number.
pub fn number_to_float(n: i64) -> f64 {
    n as f64
}

/// `to_string(n)` of a number.
pub fn number_to_string(n: i64) -> String {
    n.to_string()
}

/// `to_string(x)` of a float: six decimals, as Soufflé's `to_string`.
pub fn float_to_string(x: f64) -> String {
    format!("{x:.6}")
}

/// `to_string(d)` of a date, in ISO form.
pub fn date_to_string(d: Date) -> String {
    d.to_string()
}

/// `add_months(d, n)`.
pub fn add_months(d: Date, n: i64) -> Result<Date, OpError> {
    d.add_months(n).map_err(|e| OpError::BadDate(e.0))
}

/// `months_between(a, b)`: whole months from `a` to `b`.
pub fn months_between(a: Date, b: Date) -> i64 {
    a.months_until(b)
}

/// `year(d)`.
pub fn year(d: Date) -> i64 {
    d.year()
}

/// `month(d)`: 1..=12.
pub fn month(d: Date) -> i64 {
    d.month_of_year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_zero_is_an_error_not_a_panic() {
        assert_eq!(div(7, 0), Err(OpError::DivisionByZero));
        assert_eq!(rem(7, 0), Err(OpError::DivisionByZero));
        assert_eq!(div(i64::MIN, -1), Err(OpError::Overflow));
        assert_eq!(div(-7, 2), Ok(-3));
        assert_eq!(rem(-7, 2), Ok(-1));
    }

    #[test]
    fn substr_clamps_in_characters() {
        assert_eq!(substr("Tétouan", 1, 3), "éto");
        assert_eq!(substr("Ofin", 2, 100), "in");
        assert_eq!(substr("Ofin", 9, 2), "");
        assert_eq!(substr("Ofin", -3, 2), "");
        assert_eq!(substr("Ofin", 1, -1), "fin");
        assert_eq!(substr("Ofin", 4, 2), "");
        assert_eq!(substr("Ofin", 1, 0), "");
        assert_eq!(strlen("Tétouan"), 7);
    }

    /// `to_number` reads a symbol as Soufflé does (base 0: a `0x` or `0b`
    /// prefix picks the base). The compiled path once read decimal only and
    /// rejected `"0x1A"`, which Soufflé reads as 26.
    #[test]
    fn to_number_reads_prefixes_as_souffle_does() {
        assert_eq!(to_number(" 42"), Ok(42));
        assert_eq!(to_number("+7"), Ok(7));
        assert_eq!(to_number("0x1A"), Ok(26));
        assert_eq!(to_number("-0x1a"), Ok(-26));
        assert_eq!(to_number("0b101"), Ok(5));
        assert_eq!(to_number("-0b101"), Ok(-5));
        assert_eq!(to_number("-9223372036854775808"), Ok(i64::MIN));
        for bad in ["4x", "", "0x", "--1", "+-1", "9223372036854775808", "1.5"] {
            assert!(
                matches!(to_number(bad), Err(OpError::BadNumber(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn min_and_max_keep_the_first_of_equal_values() {
        assert!(extreme_replaces(AggOp::Min, Ordering::Less));
        assert!(!extreme_replaces(AggOp::Min, Ordering::Equal));
        assert!(extreme_replaces(AggOp::Max, Ordering::Greater));
        assert!(!extreme_replaces(AggOp::Sum, Ordering::Greater));
        assert_eq!(float_order(f64::NAN, 1.0), Ordering::Equal);
        assert_eq!(mean(7.0, 2), 3.5);
    }

    #[test]
    fn bitwise_and_logical_operators() {
        assert_eq!(binary(BinOp::BShl, 1, 65), Ok(2));
        assert_eq!(binary(BinOp::BShrU, -1, 60), Ok(15));
        assert_eq!(binary(BinOp::BShr, -16, 2), Ok(-4));
        assert_eq!(binary(BinOp::LXor, 3, 0), Ok(1));
        assert_eq!(binary(BinOp::Pow, 0, -1), Err(OpError::DivisionByZero));
        assert_eq!(binary_float(BinOp::BAnd, 1.0, 1.0), None);
        assert_eq!((bnot(0), lnot(0), lnot(5)), (-1, 1, 0));
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(float_to_number(-2.7), -2);
        assert_eq!(float_to_number(1e300), i64::MAX);
        assert_eq!(parse_float(" 2.5 "), Ok(2.5));
        assert!(parse_float("x").is_err());
        assert_eq!(pow(2, 10), Ok(1024));
        assert_eq!(pow(2, -1), Ok(0));
        let nov = Date::parse("2023-11").expect("valid");
        assert_eq!(add_months(nov, 3).expect("in range").to_string(), "2024-02");
        assert_eq!(
            months_between(nov, Date::parse("2024-02").expect("valid")),
            3
        );
        // The interpreter's meaning (Date::months_until): whole months.
        let day = |s: &str| Date::parse(s).expect("valid");
        assert_eq!(months_between(day("2024-01-31"), day("2024-02-01")), 0);
        assert_eq!(months_between(day("2024-01-31"), day("2024-02-29")), 1);
        assert!(add_months(nov, 200_000).is_err());
        assert_eq!(float_to_string(2.0), "2.000000");
    }
}
