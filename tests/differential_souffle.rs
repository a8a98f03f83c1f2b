//! This module defines conformance tests of `sleuth run` against Soufflé's
//! observable behaviour, as Soufflé's own sources define it: the
//! `IO=stdout` format (a dashed line, the relation's name, a line of `=`,
//! the rows, a closing line of `=`), `.printsize` as `name<TAB>size`, output
//! files written with the directive's delimiter, a nullary relation's tuple
//! written as `()`, empty lines in fact files, and the error exit of a
//! program Soufflé rejects.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory under the target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs `sleuth run` on `program` with `args`; (status ok, stdout, stderr).
fn run(dir: &Path, program: &str, args: &[&str]) -> (bool, String, String) {
    let path = dir.join("p.dl");
    std::fs::write(&path, program).expect("write program");
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .arg("run")
        .arg(&path)
        .args(args)
        .output()
        .expect("sleuth runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const PROGRAM: &str = r#"
.decl edge(x: number, y: symbol)
.decl flag()
.decl path(x: number, y: symbol)
.decl nope()
edge(2, "b"). edge(1, "a").
flag().
path(X, Y) :- edge(X, Y).
path(3, "c").
.output edge(IO=stdout)
.output flag(IO=stdout)
.output nope(IO=stdout)
.output path(IO=file, filename="path.csv", delimiter=",")
.printsize path
"#;

#[test]
fn stdout_outputs_use_souffles_format_whatever_the_output_directory() {
    let dir = scratch("souffle_stdout");
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).expect("output directory");
    let (ok, stdout, stderr) = run(&dir, PROGRAM, &["-D", out_dir.to_str().expect("utf-8")]);
    assert!(ok, "{stderr}");
    let expected = "path\t3\n\
        ---------------\nedge\n===============\n1\ta\n2\tb\n===============\n\
        ---------------\nflag\n===============\n()\n===============\n\
        ---------------\nnope\n===============\n===============\n";
    assert_eq!(stdout, expected);
    let file = std::fs::read_to_string(out_dir.join("path.csv")).expect("path.csv written");
    assert_eq!(file, "1,a\n2,b\n3,c\n");
    assert!(
        !out_dir.join("edge.csv").exists(),
        "an IO=stdout relation is not also written to a file"
    );
}

#[test]
fn dash_d_dash_prints_every_output_relation() {
    let dir = scratch("souffle_dash");
    let (ok, stdout, stderr) = run(&dir, PROGRAM, &["-D", "-"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("---------------\npath\n===============\n1,a\n2,b\n3,c\n===============\n"),
        "{stdout}"
    );
}

#[test]
fn float_to_string_prints_six_decimals() {
    let dir = scratch("souffle_float");
    let program =
        ".decl s(t: symbol)\ns(to_string(1.5)).\ns(to_string(-2.0)).\n.output s(IO=stdout)\n";
    let (ok, stdout, stderr) = run(&dir, program, &[]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("-2.000000\n1.500000\n"), "{stdout}");
}

#[test]
fn programs_souffle_rejects_fail_with_coded_errors() {
    let dir = scratch("souffle_reject");
    for (program, code) in [
        ("a(1).\nb(X) :- a(X), !b(X).\n.output b\n", "unstratifiable"),
        ("a(1).\nb(X) :- !a(X).\n.output b\n", "unbound-variable"),
        ("a(1).\nb(_) :- a(1).\n.output b\n", "wildcard-in-head"),
        (
            "a(1).\nc(N) :- a(X), N = count : { c(X) }.\n",
            "unstratifiable",
        ),
        (
            "s(\"x\").\nm(S) :- s(S), match(\"(x)\\\\1\", S).\n",
            "unsupported",
        ),
        ("s(\"x\").\nm(S) :- s(S), match(\"x(\", S).\n", "bad-regex"),
    ] {
        let (ok, _, stderr) = run(&dir, program, &[]);
        assert!(!ok, "accepted: {program}");
        assert!(stderr.contains(&format!("error[{code}]")), "{stderr}");
    }
}

/// Reads `flag.facts` into the nullary `flag` and prints `seen()` when it holds.
const NULLARY_INPUT: &str = r#"
.decl flag()
.input flag
.decl seen()
seen() :- flag().
.output seen(IO=stdout)
"#;

const SEEN: &str = "---------------\nseen\n===============\n()\n===============\n";
const UNSEEN: &str = "---------------\nseen\n===============\n===============\n";

#[test]
fn a_nullary_input_holds_its_tuple_for_any_line_as_souffle_reads_it() {
    let dir = scratch("souffle_nullary_input");
    let facts = dir.to_str().expect("utf-8");
    // `()` is what `.output` writes; an empty line is a line too; an empty
    // file holds nothing.
    for (file, expected) in [
        ("()\n", SEEN),
        ("\n", SEEN),
        ("()", SEEN),
        ("()\r\n()\n", SEEN),
        ("", UNSEEN),
    ] {
        std::fs::write(dir.join("flag.facts"), file).expect("write facts");
        for engine in ["interpreted", "dataflow"] {
            if engine == "dataflow" && !cfg!(feature = "dataflow") {
                continue;
            }
            let (ok, stdout, stderr) = run(&dir, NULLARY_INPUT, &["-F", facts, "--engine", engine]);
            assert!(ok, "{file:?} ({engine}): {stderr}");
            assert_eq!(stdout, expected, "{file:?} ({engine})");
        }
    }
}

#[test]
fn a_nullary_input_reads_back_what_output_wrote() {
    let dir = scratch("souffle_nullary_round_trip");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("output directory");
    let write = ".decl flag()\nflag().\n.output flag(filename=\"flag.facts\")\n";
    let (ok, _, stderr) = run(&dir, write, &["-D", out.to_str().expect("utf-8")]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = run(&dir, NULLARY_INPUT, &["-F", out.to_str().expect("utf-8")]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout, SEEN);
}

#[test]
fn a_nullary_input_line_with_a_value_is_an_error_at_its_line() {
    let dir = scratch("souffle_nullary_bad");
    std::fs::write(dir.join("flag.facts"), "()\n\nyes\n").expect("write facts");
    let (ok, stdout, stderr) = run(&dir, NULLARY_INPUT, &["-F", dir.to_str().expect("utf-8")]);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("error[bad-input]")
            && stderr.contains("flag.facts:3:1: expected `()` or an empty line, found `yes`"),
        "{stderr}"
    );
}

/// Reads `name.facts` (one symbol column) and `pair.facts` (a number and a
/// symbol) and prints them.
const ONE_AND_TWO_COLUMNS: &str = r#"
.decl name(s: symbol)
.input name
.decl pair(n: number, s: symbol)
.input pair
.output name(IO=stdout)
.output pair(IO=stdout)
"#;

/// Runs [`ONE_AND_TWO_COLUMNS`] on these files through every engine built;
/// (ok, stdout, stderr) of each.
fn read_both(dir: &Path, name: &str, pair: &str) -> Vec<(String, bool, String, String)> {
    std::fs::write(dir.join("name.facts"), name).expect("write facts");
    std::fs::write(dir.join("pair.facts"), pair).expect("write facts");
    let facts = dir.to_str().expect("utf-8");
    ["interpreted", "dataflow"]
        .into_iter()
        .filter(|&e| e != "dataflow" || cfg!(feature = "dataflow"))
        .map(|engine| {
            let (ok, out, err) = run(dir, ONE_AND_TWO_COLUMNS, &["-F", facts, "--engine", engine]);
            (engine.to_string(), ok, out, err)
        })
        .collect()
}

#[test]
fn an_empty_line_is_an_empty_symbol_in_a_symbol_column_as_souffle_reads_it() {
    let dir = scratch("souffle_empty_line_symbol");
    // The newline that ends the last line starts no other; the empty line in
    // the middle (and one ended by `\r\n`) is a tuple of the empty symbol.
    for name in ["a\n\nb\n", "a\r\n\r\nb", "\nb\na\n"] {
        for (engine, ok, stdout, stderr) in read_both(&dir, name, "1\tx\n") {
            assert!(ok, "{name:?} ({engine}): {stderr}");
            let names = stdout
                .split("===============\n")
                .nth(1)
                .expect("name's rows");
            let mut rows: Vec<&str> = names.lines().collect();
            rows.sort_unstable();
            assert_eq!(rows, ["", "a", "b"], "{name:?} ({engine}): {stdout}");
        }
    }
    for (engine, ok, stdout, stderr) in read_both(&dir, "a\n", "1\tx\n") {
        assert!(ok, "({engine}): {stderr}");
        assert!(
            stdout.starts_with("---------------\nname\n===============\na\n="),
            "({engine}): {stdout}"
        );
    }
}

#[test]
fn an_empty_line_in_a_file_of_several_columns_is_an_error_at_its_line() {
    let dir = scratch("souffle_empty_line_pair");
    for (engine, ok, stdout, stderr) in read_both(&dir, "a\n", "1\tx\n\n2\ty\n") {
        assert!(!ok, "({engine}): {stdout}");
        assert!(
            stderr.contains("error[bad-input]")
                && stderr.contains("pair.facts:2:1: the line is empty; expected 2 fields")
                && stderr.contains("help: remove the empty line"),
            "({engine}): {stderr}"
        );
    }
    // A trailing newline after the last line is not an empty line.
    for (engine, ok, _, stderr) in read_both(&dir, "a\n", "1\tx\n2\ty\n") {
        assert!(ok, "({engine}): {stderr}");
    }
}
