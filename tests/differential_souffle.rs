//! This module defines conformance tests of `sleuth run` against Soufflé's
//! observable behaviour, as Soufflé's own sources define it: the
//! `IO=stdout` format (a dashed line, the relation's name, a line of `=`,
//! the rows, a closing line of `=`), `.printsize` as `name<TAB>size`, output
//! files written with the directive's delimiter, a nullary relation's tuple
//! written as `()`, and the error exit of a program Soufflé rejects.

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
