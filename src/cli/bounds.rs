//! This module defines how the bound flags read their values:
//! `--max-tuples N`, `--max-memory SIZE` and `--timeout DURATION`, in the
//! forms the library's `eval::limit_text` reads (the REPL's `:set` reads the
//! same, so a value written one way works the other). `0` or `off` means no
//! bound for each.

use sleuth::eval::limit_text;
use std::time::Duration;

/// Reads `--max-tuples`: `20000000`, `20_000_000`, `2e7`; `off` or `0` give
/// no bound (`u64::MAX`).
pub fn parse_count(text: &str) -> Result<u64, String> {
    limit_text::parse_count(text)
}

/// Reads `--max-memory`: `512M`, `4G`, `1.5G`, plain bytes; `off` or `0`
/// give 0, no bound.
pub fn parse_size(text: &str) -> Result<u64, String> {
    limit_text::parse_size(text)
}

/// Reads `--timeout`: `10s`, `2m`, `500ms`, `1m30s`, plain seconds; `off`
/// or `0` give [`Duration::ZERO`], no bound.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    limit_text::parse_duration(text).map(|limit| limit.unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bound_is_written_zero_or_off() {
        assert_eq!(parse_count("0"), Ok(u64::MAX));
        assert_eq!(parse_count("off"), Ok(u64::MAX));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("off"), Ok(0));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("off"), Ok(Duration::ZERO));
    }

    #[test]
    fn flags_read_what_the_repl_reads() {
        assert_eq!(parse_count("2e7"), Ok(20_000_000));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        let e = parse_duration("10x").unwrap_err();
        assert!(e.contains("is not a duration") && e.contains("30s"), "{e}");
        let e = parse_size("lots").unwrap_err();
        assert!(e.contains("is not a size") && e.contains("512M"), "{e}");
    }
}
