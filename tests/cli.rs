//! The `sleuth` binary's command line: help and suggestions, the built-in
//! data and rules kept beside given files, one JSON document from `run`,
//! arguments that are not UTF-8, error texts that read right on the command
//! line, and the resource-bound flags. Each test is named after the defect
//! it guards against.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sleuth<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args.into_iter().map(Into::into))
        .current_dir(root())
        .output()
        .expect("the sleuth binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a failure with status 1 (usage errors included) and no panic.
fn fails(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn succeeds(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    stdout(out)
}

const INVENTED: &str = "tests/fixtures/cli/invented_hotspot.json";
const TANGIER_RULE: &str = "tests/fixtures/cli/tangier_cells.dl";

// `sleuth run --help` used to fail with "unexpected argument".
#[test]
fn help_after_a_command_shows_its_usage() {
    for command in [
        "repl", "run", "query", "check", "explain", "timeline", "graph", "report",
    ] {
        let out = sleuth([command, "--help"]);
        let text = succeeds(&out);
        assert!(text.contains(&format!("Usage: sleuth {command}")), "{text}");
    }
    let text = succeeds(&sleuth(["--help"]));
    assert!(text.contains("--no-builtin-rules"), "{text}");
    assert!(text.contains("Exit status"), "{text}");
    let text = succeeds(&sleuth(["help", "query"]));
    assert!(text.contains("Usage: sleuth query"), "{text}");
    let text = succeeds(&sleuth(["--version"]));
    assert_eq!(text, format!("sleuth {}\n", env!("CARGO_PKG_VERSION")));
}

// `--flag=value` used to be an unexpected argument.
#[test]
fn flag_equals_value_is_accepted() {
    let out = sleuth([
        "query",
        "--format=csv",
        "--engine=interpreted",
        "?- recurring_hotspot(P).",
    ]);
    assert_eq!(succeeds(&out), "P\nInezgane\nTangier\nTetouan\n");
}

// A mistyped flag or command used to get no suggestion.
#[test]
fn mistyped_flags_and_commands_get_a_suggestion_and_status_1() {
    let err = fails(&sleuth(["qurey", "?- recurring_hotspot(P)."]));
    assert!(err.contains("similar subcommand exists: 'query'"), "{err}");
    let err = fails(&sleuth(["query", "--fromat", "json", "?- p(X)."]));
    assert!(err.contains("similar argument exists: '--format'"), "{err}");
    let err = fails(&sleuth(["timeline", "--palce", "Tangier"]));
    assert!(err.contains("'--place'"), "{err}");
    let err = fails(&sleuth(["query"]));
    assert!(err.contains("Usage: sleuth query"), "{err}");
}

// `--data` without `--rules` used to drop the built-in rule library.
#[test]
fn data_without_rules_keeps_the_builtin_rules() {
    let out = sleuth([
        "query",
        "--data",
        INVENTED,
        "--format",
        "csv",
        "?- recurring_hotspot(P).",
    ]);
    // The built-in rules find the invented hotspot beside the built-in
    // data's own.
    assert_eq!(succeeds(&out), "P\nFabletown\nInezgane\nTangier\nTetouan\n");
    let out = sleuth([
        "query",
        "--data",
        INVENTED,
        "--no-builtin-data",
        "--format",
        "csv",
        "?- recurring_hotspot(P).",
    ]);
    assert_eq!(succeeds(&out), "P\nFabletown\n");
}

#[test]
fn no_builtin_rules_drops_the_rule_library() {
    let out = sleuth([
        "query",
        "--data",
        INVENTED,
        "--no-builtin-data",
        "--no-builtin-rules",
        "?- recurring_hotspot(P).",
    ]);
    let err = fails(&out);
    // Without the library's schema the data's relations are undeclared.
    assert!(err.contains("error[unknown-relation]"), "{err}");
    let out = sleuth([
        "query",
        "--no-builtin-rules",
        "--rules",
        TANGIER_RULE,
        "?- recurring_hotspot(P).",
    ]);
    fails(&out);
}

// `--rules` without `--data` used to drop the built-in data.
#[test]
fn rules_without_data_keep_the_builtin_data_and_rules() {
    let out = sleuth([
        "query",
        "--rules",
        TANGIER_RULE,
        "--format",
        "csv",
        "?- tangier_cell(C), recurring_hotspot(\"Tangier\").",
    ]);
    assert_eq!(
        succeeds(&out),
        "C\nop-2023-10/Tangier\nop-2024-01/Tangier\n"
    );
    // The same in the other commands that open the workspace.
    let out = sleuth([
        "explain",
        "--rules",
        TANGIER_RULE,
        "tangier_cell(\"op-2024-01/Tangier\")",
    ]);
    assert!(succeeds(&out).contains("tangier_cell(\"op-2024-01/Tangier\")"));
    let out = sleuth(["timeline", "--data", INVENTED, "--place", "Fabletown"]);
    assert!(succeeds(&out).contains("op-invented-2"));
    let out = sleuth(["graph", "--data", INVENTED, "recurring_hotspot"]);
    assert!(succeeds(&out).contains("Fabletown"));
    let out = sleuth(["check", "--rules", TANGIER_RULE]);
    assert!(succeeds(&out).starts_with("ok: "));
}

// Files that clash with the built-ins get a note on how to leave them out.
#[test]
fn a_clash_with_the_builtins_says_how_to_leave_them_out() {
    let err = fails(&sleuth([
        "query",
        "--rules",
        "tests/fixtures/cli/clash.dl",
        "?- p(X).",
    ]));
    assert!(err.contains("error[duplicate-declaration]"), "{err}");
    assert!(err.contains("--no-builtin-data"), "{err}");
}

// `--data data --rules rules` beside the built-ins used to fail with
// `duplicate-id` (the same report declared twice) and duplicate
// declarations: the same document and the same rule files are now read once.
#[test]
fn the_builtins_given_again_as_files_are_read_once() {
    let out = sleuth([
        "query",
        "--data",
        "data",
        "--rules",
        "rules",
        "?- recurring_hotspot(P).",
    ]);
    let text = succeeds(&out);
    assert!(
        text.contains("Tangier") && text.contains("3 rows"),
        "{text}"
    );
}

// `sleuth run --format json` used to print the `.printsize` counts before
// the JSON, so standard output was not one JSON document.
#[test]
fn run_json_with_printsize_is_one_json_document() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-printsize");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let program = dir.join("tc.dl");
    std::fs::write(
        &program,
        ".decl edge(x: number, y: number)\n.decl path(x: number, y: number)\n\
         .output path\n.printsize path\n.printsize edge\n\
         edge(1, 2). edge(2, 3).\n\
         path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n",
    )
    .expect("write the program");
    let out = sleuth([
        OsString::from("run"),
        program.into_os_string(),
        "-F".into(),
        dir.clone().into_os_string(),
        "--format".into(),
        "json".into(),
    ]);
    let text = succeeds(&out);
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("standard output is not one JSON document ({e}):\n{text}"));
    assert_eq!(json["path"], serde_json::json!([[1, 2], [1, 3], [2, 3]]));
    assert_eq!(
        json[".printsize"],
        serde_json::json!({"path": 3, "edge": 2})
    );
    // TSV output keeps the `name<TAB>count` lines.
    let out = sleuth([
        OsString::from("run"),
        dir.join("tc.dl").into_os_string(),
        "-F".into(),
        dir.into_os_string(),
        "-D".into(),
        "-".into(),
    ]);
    let text = succeeds(&out);
    assert!(
        text.contains("path\t3\n") && text.contains("edge\t2\n"),
        "{text}"
    );
}

// A non-UTF-8 argument used to panic in `std::env::args()`.
#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(vec![b'?', b'-', b' ', 0xff, 0xfe, b'.']);
    let err = fails(&sleuth([OsString::from("query"), bad.clone()]));
    assert!(err.contains("invalid UTF-8"), "{err}");
    let err = fails(&sleuth([OsString::from("qu\u{e9}ry"), bad.clone()]));
    assert!(err.contains("error"), "{err}");
    // Where a path is expected it is a path: one that does not exist.
    let err = fails(&sleuth([
        OsString::from("query"),
        OsString::from("--data"),
        bad,
        OsString::from("?- recurring_hotspot(P)."),
    ]));
    assert!(err.contains("error[unreadable-file]"), "{err}");
}

// `sleuth graph recruitment_pipelin` used to say "expected `(`".
#[test]
fn a_mistyped_relation_name_in_graph_gets_a_did_you_mean() {
    let err = fails(&sleuth(["graph", "recruitment_pipelin"]));
    assert!(err.contains("error[unknown-relation]"), "{err}");
    assert!(
        err.contains("did you mean `recruitment_pipeline`?"),
        "{err}"
    );
    assert!(!err.contains("expected `(`"), "{err}");
}

// Query errors used to be labelled `<query:8>`, which reads as line 8.
#[test]
fn a_query_error_points_at_line_and_column_of_the_text() {
    let err = fails(&sleuth(["query", "?- recurring_hotspot(P), edg(P)."]));
    assert!(err.contains(" --> <query>:1:26\n"), "{err}");
    let err = fails(&sleuth(["query", "w(X) :- cell(X, _).\n?- w(X), edg(X)."]));
    assert!(err.contains(" --> <query>:2:10\n"), "{err}");
}

// `sleuth explain` used to suggest the REPL's `:whynot` and `:why`.
#[test]
fn explain_suggests_command_lines_not_repl_commands() {
    let err = fails(&sleuth(["explain", "recurring_hotspot(\"Sale\")"]));
    assert!(
        err.contains("ask `sleuth explain --whynot 'recurring_hotspot(\"Sale\")'`"),
        "{err}"
    );
    assert!(!err.contains(":whynot"), "{err}");
    let err = fails(&sleuth(["explain", "recurring_hotspot(P)"]));
    assert!(err.contains("then ask `sleuth explain` about one"), "{err}");
    let text = succeeds(&sleuth([
        "explain",
        "--whynot",
        "recruitment_pipeline(\"Morocco\", \"Mali\")",
    ]));
    assert!(text.contains("next: sleuth explain --whynot '"), "{text}");
    assert!(!text.contains(":whynot"), "{text}");
    let text = succeeds(&sleuth([
        "explain",
        "--whynot",
        "recurring_hotspot(\"Tangier\")",
    ]));
    assert!(
        text.contains("ask `sleuth explain 'recurring_hotspot(\"Tangier\")'` for a proof"),
        "{text}"
    );
}

#[test]
fn bound_flags_are_accepted_on_every_evaluating_command_and_checked() {
    let bounds = [
        "--max-memory",
        "4G",
        "--timeout",
        "2m",
        "--max-tuples",
        "0_000_100_000_000",
    ];
    let query = ["query", "?- recurring_hotspot(P)."];
    let out = sleuth(query.iter().chain(&bounds).copied());
    assert!(succeeds(&out).contains("3 rows"));
    let out = sleuth([
        "explain",
        "--timeout",
        "0",
        "--max-memory",
        "0",
        "recurring_hotspot(\"Tangier\")",
    ]);
    succeeds(&out);
    let err = fails(&sleuth(["query", "--timeout", "10x", "?- p(X)."]));
    assert!(
        err.contains("`10x` is not a duration: write a number and a unit, as in 30s, 500ms, 2m"),
        "{err}"
    );
    let err = fails(&sleuth(["report", "--max-memory", "lots"]));
    assert!(err.contains("`lots` is not a size"), "{err}");
    for command in ["timeline", "graph", "report", "repl", "run"] {
        let text = succeeds(&sleuth([command, "--help"]));
        for flag in ["--max-tuples", "--max-memory", "--timeout"] {
            assert!(text.contains(flag), "{command} --help lacks {flag}");
        }
    }
}
