//! Regression tests: a value of 65,536 characters or more panicked the table
//! printer ("Formatting argument out of range") in `sleuth query`, in the
//! piped REPL, in `:relations` (a long relation name) and in `:confidence`.
//! Every printer must show such a value whole, in every format.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A name longer than `format!`'s largest width (65,535).
fn big() -> String {
    "A".repeat(65_536)
}

fn sleuth(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sleuth runs");
    child
        .stdin
        .take()
        .expect("a piped standard input")
        .write_all(stdin.as_bytes())
        .expect("sleuth reads its input");
    child.wait_with_output().expect("sleuth finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a clean run: success, nothing on standard error, no panic.
fn assert_clean(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "status {:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
    text(&out.stdout)
}

#[test]
fn sleuth_query_prints_a_cell_of_65536_characters_in_every_format() {
    let big = big();
    let program = format!("big(\"{big}\", \"x\"). ?- big(X, Y).");
    let table = assert_clean(&sleuth(&["query", &program], ""));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], format!("X{}  Y", " ".repeat(65_535)));
    assert_eq!(lines[2], format!("{big}  x"));
    assert_eq!(lines[3], "1 row");
    for (format, expected) in [
        ("csv", format!("X,Y\n{big},x\n")),
        (
            "json",
            format!("[\n  {{\n    \"X\": \"{big}\",\n    \"Y\": \"x\"\n  }}\n]\n"),
        ),
    ] {
        let out = assert_clean(&sleuth(&["query", "--format", format, &program], ""));
        assert_eq!(out, expected, "--format {format}");
    }
}

#[test]
fn the_piped_repl_prints_a_cell_of_65536_characters() {
    let big = big();
    let input = format!("big(\"{big}\").\n?- big(X).\n");
    let out = assert_clean(&sleuth(&["repl"], &input));
    assert!(
        out.contains(&format!("\n{big}\n1 row\n")),
        "{}",
        &out[..200]
    );
}

#[test]
fn relations_lists_a_relation_name_of_65536_characters() {
    let name = format!("r{}", "a".repeat(65_536));
    let input = format!("{name}(1).\n:relations\n");
    let out = assert_clean(&sleuth(&["repl"], &input));
    assert!(
        out.lines()
            .any(|l| l.starts_with(&name) && l.ends_with("1       1  session")),
        "{}",
        &out[..200]
    );
}

#[test]
fn confidence_prints_a_cell_of_65536_characters_and_honours_the_format() {
    let big = big();
    let input =
        format!("big(\"{big}\").\n:confidence ?- big(X).\n:format csv\n:confidence ?- big(X).\n");
    let out = assert_clean(&sleuth(&["repl"], &input));
    assert!(
        out.contains(&format!("\n{big}  ungraded    0\n1 row\n")),
        "{}",
        &out[..200]
    );
    assert!(
        out.ends_with(&format!(
            "format: csv\nX,confidence,sources\n{big},ungraded,0\n"
        )),
        "{}",
        &out[out.len() - 200..]
    );
}
