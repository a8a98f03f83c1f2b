//! Transcript tests of the REPL: each `tests/transcripts/NAME.in` is a
//! session typed into `sleuth repl` through its piped mode (the real
//! binary, over the built-in data/ and rules/), and `NAME.out` beside it is
//! what the analyst sees: standard output and standard error as they
//! interleave, then the exit status. One file pair is one case.
//!
//! Each case runs in a fresh folder holding a copy of
//! `tests/transcripts/fixtures/`, so `:load fixtures/x.json` and
//! `:save s.dl` work without touching the repository.
//!
//! In a `.out` file, `[..]` matches any text within a line and a line `...`
//! matches any number of lines (for timings and profiles). Lines starting
//! with `time: ` are compared as `time: [..]`. `SLEUTH_BLESS=1 cargo test`
//! rewrites the `.out` files that do not match.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn transcripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts")
}

/// Runs one case; returns what it printed, normalized.
fn run(name: &str, input: &Path) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("transcripts")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("fixtures")).expect("a scratch folder");
    for entry in fs::read_dir(transcripts().join("fixtures")).expect("fixtures") {
        let path = entry.expect("a fixture").path();
        let to = dir.join("fixtures").join(path.file_name().expect("a name"));
        fs::copy(&path, to).expect("copy a fixture");
    }
    let log = dir.join("output.log");
    let file = fs::File::create(&log).expect("an output file");
    let status = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .arg("repl")
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .stdin(fs::File::open(input).expect("the .in file"))
        .stdout(Stdio::from(file.try_clone().expect("a second handle")))
        .stderr(Stdio::from(file))
        .status()
        .expect("sleuth runs");
    let printed = fs::read_to_string(&log).expect("output is UTF-8");
    let mut out: String = printed
        .lines()
        .map(|l| {
            if l.starts_with("time: ") {
                "time: [..]\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    out.push_str(&format!("exit status: {}\n", status.code().unwrap_or(-1)));
    out
}

/// Whether one line matches an expected line with `[..]` wildcards.
fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether the output matches the expected lines (`...` spans lines).
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((line, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| line_matches(line, a) && matches(rest, more)),
    }
}

/// The new output to bless, keeping each expected line with `[..]` that
/// still matches its line (timings and thread counts stay wildcards).
fn keep_wildcards(expected: &[&str], actual: &str) -> String {
    let wild: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|l| l.contains("[..]") && l.trim() != "[..]")
        .collect();
    actual
        .lines()
        .map(|a| {
            let line = wild
                .iter()
                .find(|w| line_matches(w, a))
                .copied()
                .unwrap_or(a);
            format!("{line}\n")
        })
        .collect()
}

/// The first line where they differ, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if !line_matches(e, a) && e != "..." {
            return format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1);
        }
    }
    format!(
        "lengths differ: expected {} lines, got {}",
        expected.lines().count(),
        actual.lines().count()
    )
}

#[test]
fn transcripts_match() {
    let bless = std::env::var_os("SLEUTH_BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(transcripts())
        .expect("tests/transcripts")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "in"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no transcripts found");
    let mut failures = Vec::new();
    for input in &cases {
        let name = input
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        let out_path = input.with_extension("out");
        let actual = run(name, input);
        let expected = fs::read_to_string(&out_path).unwrap_or_default();
        let exp: Vec<&str> = expected.lines().collect();
        let act: Vec<&str> = actual.lines().collect();
        if matches(&exp, &act) {
            continue;
        }
        if bless {
            fs::write(&out_path, keep_wildcards(&exp, &actual)).expect("write the .out file");
        } else {
            failures.push(format!(
                "{name}: {}\n--- actual output ---\n{actual}",
                first_difference(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} transcript(s) differ (SLEUTH_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn wildcards_match_what_they_should() {
    assert!(line_matches("time: [..]", "time: 1.2 ms"));
    assert!(line_matches("a [..] c [..] e", "a b c d e"));
    assert!(!line_matches("a [..] c", "a b d"));
    assert_eq!(
        keep_wildcards(&["total [..] s", "x"], "total 0.5 s\ny\n"),
        "total [..] s\ny\n"
    );
    assert!(matches(&["x", "...", "z"], &["x", "y1", "y2", "z"]));
    assert!(matches(&["x", "...", "z"], &["x", "z"]));
    assert!(!matches(&["x", "z"], &["x", "y", "z"]));
}
