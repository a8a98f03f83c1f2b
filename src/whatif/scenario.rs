//! This module defines a what-if [`Scenario`]: the sources to leave out, the
//! base facts to retract and the facts to add, as `sleuth whatif` and
//! `:whatif` take them, and the one line it is written as (which errors
//! about a source point into).

use std::ops::Range;

/// What a what-if question changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scenario {
    /// Source ids whose attestations are left out (`--without`).
    pub without: Vec<String>,
    /// Base facts left out, every attestation of each (`--retract`).
    pub retract: Vec<String>,
    /// Facts added, ungraded (`--add`).
    pub add: Vec<String>,
}

/// Which flag a part of a scenario came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    Without,
    Retract,
    Add,
}

impl Scenario {
    /// How a scenario is written after `:whatif` (and after the inputs of
    /// `sleuth whatif`).
    pub const USAGE: &'static str =
        "[--without SOURCE]... [--retract FACT]... [--add FACT]... [--format text|json]";

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.without.is_empty() && self.retract.is_empty() && self.add.is_empty()
    }

    /// The scenario as one line (`--without S --retract 'f(..)' ...`), and
    /// where each part is in it, in the order of [`Scenario::parts`].
    pub(crate) fn line(&self) -> (String, Vec<Range<usize>>) {
        let mut line = String::new();
        let mut ranges = Vec::new();
        for (flag, text) in self.parts() {
            if !line.is_empty() {
                line.push(' ');
            }
            let (name, quote) = match flag {
                Flag::Without => ("--without", ""),
                Flag::Retract => ("--retract", "'"),
                Flag::Add => ("--add", "'"),
            };
            line.push_str(name);
            line.push(' ');
            line.push_str(quote);
            let start = line.len();
            line.push_str(text);
            ranges.push(start..line.len());
            line.push_str(quote);
        }
        (line, ranges)
    }

    /// Every part with its flag: sources, then retractions, then additions.
    pub(crate) fn parts<'a>(&'a self) -> impl Iterator<Item = (Flag, &'a str)> {
        let tagged = |flag: Flag, list: &'a [String]| list.iter().map(move |s| (flag, s.as_str()));
        tagged(Flag::Without, &self.without)
            .chain(tagged(Flag::Retract, &self.retract))
            .chain(tagged(Flag::Add, &self.add))
    }

    /// Reads a REPL line: `--without SOURCE`, `--retract FACT`, `--add FACT`
    /// in any order and any number, and `--format text|json`. A fact is
    /// written as in a query (`arrest("x", "Sale", "2024-02")`, the final
    /// `.` optional), or quoted whole in single quotes. Returns the scenario
    /// and whether JSON was asked for.
    pub fn parse_line(line: &str) -> Result<(Scenario, bool), String> {
        let mut scenario = Scenario::default();
        let mut json = false;
        let mut rest = line.trim();
        while !rest.is_empty() {
            let (flag, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let after = after.trim_start();
            let (value, next) = match flag {
                "--retract" | "--add" => fact(after).ok_or_else(|| {
                    format!("`{flag}` needs a fact, such as `{flag} watch(\"Tangier\")`")
                })?,
                "--without" | "--format" => {
                    word(after).ok_or_else(|| format!("`{flag}` needs a value"))?
                }
                other => {
                    return Err(format!(
                        "unexpected `{other}`: expected {}",
                        Scenario::USAGE
                    ));
                }
            };
            match flag {
                "--retract" => scenario.retract.push(value),
                "--add" => scenario.add.push(value),
                "--without" => scenario.without.push(value),
                _ => {
                    json = match value.as_str() {
                        "json" => true,
                        "text" => false,
                        v => return Err(format!("`--format {v}`: expected text or json")),
                    }
                }
            }
            rest = next.trim_start();
        }
        Ok((scenario, json))
    }
}

/// A word, or a quoted text, and what follows it.
fn word(text: &str) -> Option<(String, &str)> {
    if let Some(quoted) = quoted(text) {
        return Some(quoted);
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (end > 0 && !text.starts_with("--")).then(|| (text[..end].to_string(), &text[end..]))
}

/// A text in single or double quotes, and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let q = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let end = text[1..].find(q)? + 1;
    Some((text[1..end].to_string(), &text[end + 1..]))
}

/// A fact: single-quoted whole, or an atom up to its balanced closing
/// parenthesis (quotes inside respected), with an optional final `.`.
fn fact(text: &str) -> Option<(String, &str)> {
    if text.starts_with('\'') {
        return quoted(text);
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut end = None;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            c if c.is_whitespace() && depth == 0 => break,
            _ => {}
        }
    }
    let mut end = end?;
    if text[end..].starts_with('.') {
        end += 1;
    }
    Some((text[..end].to_string(), &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repl_line_reads_into_a_scenario() {
        let (s, json) = Scenario::parse_line(
            r#"--without some-report --retract arrest("a b", "Sale", "2024-02"). --add 'watch("x")' --format json --without other"#,
        )
        .expect("parses");
        assert!(json);
        assert_eq!(s.without, vec!["some-report", "other"]);
        assert_eq!(s.retract, vec![r#"arrest("a b", "Sale", "2024-02")."#]);
        assert_eq!(s.add, vec![r#"watch("x")"#]);
        let (s, json) = Scenario::parse_line(r#"--add hot("a)\"b")"#).expect("parses");
        assert!(!json);
        assert_eq!(s.add, vec![r#"hot("a)\"b")"#]);
        assert!(Scenario::parse_line("").expect("empty").0.is_empty());
        for bad in [
            "--without",
            "--retract",
            "--retract arrest(\"x\"",
            "--format xml",
            "--frobnicate x",
            "--add 'watch(\"x\")",
        ] {
            assert!(Scenario::parse_line(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_line_locates_each_part() {
        let s = Scenario {
            without: vec!["r".into()],
            retract: vec!["f(1)".into()],
            add: vec!["g(2)".into()],
        };
        let (line, ranges) = s.line();
        assert_eq!(line, "--without r --retract 'f(1)' --add 'g(2)'");
        let parts: Vec<&str> = ranges.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(parts, vec!["r", "f(1)", "g(2)"]);
    }
}
