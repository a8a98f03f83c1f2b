//! This module defines how the resource-bound flags read their values:
//! `--max-memory SIZE` (`512M`, `4G`, `1024K`, plain bytes) and
//! `--timeout DURATION` (`10s`, `2m`, `500ms`, plain seconds). 0 means no
//! bound for both; the caller decides what that maps onto.

use std::time::Duration;

/// Reads a size in bytes: a whole number, optionally followed by `K`, `M`,
/// `G` or `T` (powers of 1024; `KB`, `MiB` ... and lower case are accepted
/// too). Underscores group digits (`1_000_000`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "`--max-memory`: `{text}` is not a size; write e.g. `512M`, `4G`, `1024K` or a number of bytes"
        )
    };
    let (number, unit) = split_number(text).ok_or_else(bad)?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    number.checked_mul(1u64 << shift).ok_or_else(|| {
        format!("`--max-memory`: `{text}` is more bytes than sleuth can count; write a smaller size, or 0 for no bound")
    })
}

/// Reads a duration: a whole number followed by `ms`, `s`, `m` or `h`, or a
/// plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad =
        || format!("`--timeout`: `{text}` is not a duration; write e.g. `10s`, `2m`, `500ms`");
    let (number, unit) = split_number(text).ok_or_else(bad)?;
    let millis_per_unit: u64 = match unit.to_ascii_lowercase().as_str() {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => return Err(bad()),
    };
    number
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or_else(|| {
            format!(
                "`--timeout`: `{text}` is too long; write a shorter duration, or 0 for no bound"
            )
        })
}

/// Splits `512M` into 512 and `M`; `None` when no digits lead.
fn split_number(text: &str) -> Option<(u64, &str)> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    let digits: String = text[..end].chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    let number = digits.parse().ok()?;
    Some((number, text[end..].trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_with_and_without_units() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1024K"), Ok(1024 * 1024));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("4GiB"), Ok(4 << 30));
        assert_eq!(parse_size("2T"), Ok(2 << 40));
        assert_eq!(parse_size("1_000"), Ok(1000));
    }

    #[test]
    fn bad_sizes_say_what_to_write() {
        for bad in ["", "M", "12X", "1.5G", "-1", "ten"] {
            let e = parse_size(bad).expect_err(bad);
            assert!(e.contains("is not a size") && e.contains("512M"), "{e}");
        }
        let e = parse_size("99999999999T").expect_err("overflows");
        assert!(e.contains("more bytes than"), "{e}");
    }

    #[test]
    fn durations_with_and_without_units() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
    }

    #[test]
    fn bad_durations_say_what_to_write() {
        assert_eq!(
            parse_duration("10x"),
            Err(
                "`--timeout`: `10x` is not a duration; write e.g. `10s`, `2m`, `500ms`".to_string()
            )
        );
        for bad in ["", "s", "1.5s", "-3s", "soon"] {
            let e = parse_duration(bad).expect_err(bad);
            assert!(e.contains("is not a duration"), "{e}");
        }
        assert!(parse_duration("99999999999999999h").is_err());
    }
}
