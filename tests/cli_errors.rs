//! Regression tests: errors the command line once formatted by hand
//! (`error[io]`, `error[not-utf8]`, `error: cannot read program ...`) go
//! through the one diagnostic renderer, with one code per kind of failure
//! and a help line; a full standard output is an error, not a panic.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn sleuth(args: &[&str], stdin: &[u8], stdout: Stdio) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("sleuth runs");
    child
        .stdin
        .take()
        .expect("a piped standard input")
        .write_all(stdin)
        .expect("sleuth reads its input");
    child.wait_with_output().expect("sleuth finishes")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_line_of_piped_input_that_is_not_utf8_is_a_rendered_diagnostic() {
    let out = sleuth(&["repl"], b"p(1).\n\xff\xfe\n?- p(X).\n", Stdio::piped());
    assert_eq!(
        stderr(&out),
        "error[not-utf8]: line 2 of the input is not UTF-8 text; it was skipped\n  = help: save the input as UTF-8 text\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("1 row\n"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_unreadable_program_is_unreadable_file_with_help() {
    let out = sleuth(&["run", "tests/no-such-program.dl"], b"", Stdio::piped());
    let text = stderr(&out);
    assert!(
        text.starts_with(
            "error[unreadable-file]: cannot read program `tests/no-such-program.dl`: "
        ),
        "{text}"
    );
    assert!(text.contains("\n  = help: "), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_unwritable_output_not_a_panic() {
    for args in [&["query", "?- place_kind(P, K)."][..], &["check"][..]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = sleuth(args, b"", Stdio::from(full));
        let text = stderr(&out);
        assert!(
            text.starts_with("error[unwritable-output]: cannot write the output: "),
            "{args:?}: {text}"
        );
        assert!(!text.contains("panicked"), "{text}");
        assert_eq!(out.status.code(), Some(1));
    }
}
