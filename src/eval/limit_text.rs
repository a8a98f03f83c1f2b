//! This module defines how the evaluation's bounds are written, read back
//! and shown: `30s` or `1m30s` for a time, `4G` for a size, `20000000` or
//! `2e7` for a number of tuples, and `off` for no bound. The REPL's `:set`,
//! the command line's `--timeout`, `--max-memory` and `--max-tuples`, and
//! the help of the limit errors all use these forms, so what one prints the
//! others read.

use std::time::Duration;

/// The word for "no bound".
pub(crate) const OFF: &str = "off";

fn is_off(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "off" | "none" | "0")
}

/// A wall-time bound: numbers with units `ms`, `s`, `m` (or `min`), `h`,
/// one after the other (`1m30s`, `1.5s`; a bare number is seconds), or
/// `off` / `none` / `0` for no bound.
pub fn parse_duration(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if is_off(text) {
        return Ok(None);
    }
    let bad = || {
        format!(
            "`{text}` is not a duration: write a number and a unit, as in 30s, 500ms, 2m, 1h or 1m30s, or `off`"
        )
    };
    if text.is_empty() {
        return Err(bad());
    }
    let mut rest = text;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match rest[..unit_len].trim().to_ascii_lowercase().as_str() {
            "ms" => 0.001,
            "" | "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total += number * seconds;
    }
    if !total.is_finite() || total > 1e9 {
        return Err(bad());
    }
    if total <= 0.0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_secs_f64(total)))
}

/// A memory bound in bytes: a number with an optional unit `K`, `M`, `G`
/// or `T` (powers of 1024; `KB`, `KiB`, `GB`, `GiB` ... are read alike),
/// as in `512M`, `4G` or `1.5G`; `off` / `none` / `0` give 0, no bound.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if is_off(text) {
        return Ok(0);
    }
    let bad = || {
        format!(
            "`{text}` is not a size: write a number and a unit, as in 512M, 4G or 1.5G, or `off`"
        )
    };
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let number: f64 = text[..number_len].parse().map_err(|_| bad())?;
    let unit = text[number_len..].trim().to_ascii_lowercase();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(&unit);
    let scale: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let bytes = number * scale;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes.round() as u64)
}

/// A bound on tuples: a whole number (`20000000`, `20_000_000`) or one in
/// scientific notation (`2e7`, `1.5e8`); `off` / `none` / `0` give
/// `u64::MAX`, no bound.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if is_off(text) {
        return Ok(u64::MAX);
    }
    let bad = || {
        format!(
            "`{text}` is not a number of tuples: write it as 20000000, 20_000_000 or 2e7, or `off`"
        )
    };
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if let Ok(n) = digits.parse::<u64>() {
        return Ok(n);
    }
    let (mantissa, exponent) = digits.split_once(['e', 'E']).ok_or_else(bad)?;
    let mantissa: f64 = mantissa.parse().map_err(|_| bad())?;
    let exponent: i32 = exponent.parse().map_err(|_| bad())?;
    let n = mantissa * 10f64.powi(exponent);
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 || n >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(n as u64)
}

/// A time bound as [`parse_duration`] reads it: `30s`, `2m`, `1500ms`, `off`.
pub(crate) fn show_duration(limit: Option<Duration>) -> String {
    let Some(d) = limit else {
        return OFF.to_string();
    };
    let ms = d.as_millis();
    if ms == 0 || ms % 1000 != 0 {
        return format!("{}ms", ms.max(1));
    }
    let s = ms / 1000;
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// A size bound as [`parse_size`] reads it: `4G`, `512M`, `1000`, `off`.
pub(crate) fn show_size(bytes: u64) -> String {
    if bytes == 0 {
        return OFF.to_string();
    }
    for (unit, scale) in [
        ("T", 1u64 << 40),
        ("G", 1 << 30),
        ("M", 1 << 20),
        ("K", 1 << 10),
    ] {
        if bytes.is_multiple_of(scale) {
            return format!("{}{unit}", bytes / scale);
        }
    }
    bytes.to_string()
}

/// A tuple bound as [`parse_count`] reads it: `20000000`, `off`.
pub(crate) fn show_count(n: u64) -> String {
    if n == u64::MAX {
        OFF.to_string()
    } else {
        n.to_string()
    }
}

/// Bytes for a person: `512 B`, `3.4 MiB`, `1.50 GiB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KiB", b / 1024.0)
    } else if b < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    }
}

/// A time for a person: `850 ms`, `2.4 s`.
pub fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_back_what_they_show() {
        let cases = [
            ("30s", Some(30_000)),
            ("30", Some(30_000)),
            ("500ms", Some(500)),
            ("2m", Some(120_000)),
            ("1m30s", Some(90_000)),
            ("1.5s", Some(1_500)),
            ("1h", Some(3_600_000)),
            ("off", None),
            ("none", None),
            ("0", None),
        ];
        for (text, ms) in cases {
            let got = parse_duration(text).expect(text);
            assert_eq!(got.map(|d| d.as_millis() as u64), ms, "{text}");
            assert_eq!(parse_duration(&show_duration(got)).expect("shown"), got);
        }
        assert_eq!(show_duration(Some(Duration::from_secs(90))), "90s");
        assert_eq!(show_duration(Some(Duration::from_millis(1))), "1ms");
        for bad in ["", "s", "10 parsecs", "1.2.3s", "-5s", "5x"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_read_back_what_they_show() {
        let cases = [
            ("4G", 4u64 << 30),
            ("4GiB", 4 << 30),
            ("4gb", 4 << 30),
            ("512M", 512 << 20),
            ("1.5G", 3 << 29),
            ("1000", 1000),
            ("64K", 64 << 10),
            ("off", 0),
        ];
        for (text, bytes) in cases {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
            assert_eq!(parse_size(&show_size(bytes)), Ok(bytes));
        }
        assert_eq!(show_size(8 << 30), "8G");
        for bad in ["", "G", "4X", "lots", "1e999"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_take_separators_and_exponents() {
        assert_eq!(parse_count("20000000"), Ok(20_000_000));
        assert_eq!(parse_count("20_000_000"), Ok(20_000_000));
        assert_eq!(parse_count("1e9"), Ok(1_000_000_000));
        assert_eq!(parse_count("2.5e7"), Ok(25_000_000));
        assert_eq!(parse_count("off"), Ok(u64::MAX));
        assert_eq!(show_count(u64::MAX), "off");
        for bad in ["", "ten", "1.5", "1e-3", "-4", "1e30"] {
            assert!(parse_count(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_for_people() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
        assert_eq!(human_bytes(3 << 30), "3.00 GiB");
        assert_eq!(human_duration(Duration::from_millis(850)), "850 ms");
        assert_eq!(human_duration(Duration::from_millis(2400)), "2.4 s");
    }
}
