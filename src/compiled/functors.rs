//! This module defines the semantics of sleuth's arithmetic and functors over
//! plain Rust values (`i64`, `f64`, `&str`, [`Date`]): one definition that the
//! compiled program calls, and that any other back end can call, so both
//! paths give the same answer and fail on the same inputs.

use crate::value::Date;

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
    if a.partial_cmp(&b) == Some(std::cmp::Ordering::Greater) {
        b
    } else {
        a
    }
}

/// `max(a, b)` on floats: `a` if it is larger, else `b` (IEEE comparison).
pub fn max_float(a: f64, b: f64) -> f64 {
    if a.partial_cmp(&b) == Some(std::cmp::Ordering::Greater) {
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

/// `to_number(s)`: the integer written in `s` (surrounding spaces allowed).
pub fn to_number(s: &str) -> Result<i64, OpError> {
    s.trim()
        .parse()
        .map_err(|_| OpError::BadNumber(s.to_string()))
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

    #[test]
    fn numbers_and_dates() {
        assert_eq!(to_number(" 42"), Ok(42));
        assert!(matches!(to_number("4x"), Err(OpError::BadNumber(_))));
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
