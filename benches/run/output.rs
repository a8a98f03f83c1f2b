//! This module defines how the engines' printed output is read: relation sizes and self-reported times.
//!
//! Every engine prints one `relation<TAB>count` line per output relation (`.printsize` in
//! sleuth and Soufflé, the reference binaries and `run_nemo.py` alike). The references also
//! print `time_*_s<TAB>seconds` lines. sleuth's profile prints a line that starts with a
//! fixed word (see `PROFILE_LOAD_PREFIX` in the harness) followed by seconds.

use std::collections::BTreeMap;

/// Relation sizes as printed, by relation name.
pub type Counts = BTreeMap<String, u64>;

/// The `name<TAB>count` lines of `text`; `time_*` and `runs_*` lines are not relations.
pub fn counts(text: &str) -> Counts {
    text.lines()
        .filter_map(|line| {
            let (name, value) = line.trim_end().split_once('\t')?;
            if name.starts_with("time_") || name.starts_with("runs_") || name.contains(' ') {
                return None;
            }
            Some((name.to_string(), value.trim().parse().ok()?))
        })
        .collect()
}

/// The seconds printed on a `key<TAB>seconds` line, such as `time_reason_s`.
pub fn reported_seconds(text: &str, key: &str) -> Option<f64> {
    text.lines().find_map(|line| {
        let (name, value) = line.trim_end().split_once('\t')?;
        if name == key {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

/// The seconds on the first line that starts with `prefix`: the first number after it,
/// in seconds unless followed by `ms` or `us`/`µs` (`load 0.41s`, `load\t410 ms`, ...).
pub fn prefixed_seconds(text: &str, prefix: &str) -> Option<f64> {
    let line = text
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(prefix))?;
    let rest = &line[prefix.len()..];
    let start = rest.find(|c: char| c.is_ascii_digit())?;
    let rest = &rest[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let number: f64 = rest[..end].parse().ok()?;
    let unit = rest[end..].trim_start();
    Some(if unit.starts_with("ms") {
        number / 1e3
    } else if unit.starts_with("us") || unit.starts_with("µs") {
        number / 1e6
    } else {
        number
    })
}
