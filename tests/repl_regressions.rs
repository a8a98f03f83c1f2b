//! Regression tests of the REPL and the workspace under it, each named after
//! what was broken, at the library level (the transcripts in
//! `tests/transcripts/` show the same behaviour as the analyst sees it).

use sleuth::compiled::Engine;
use sleuth::eval::EvalOptions;
use sleuth::repl::{Repl, ReplError};
use sleuth::session::Workspace;

fn workspace() -> Workspace {
    Workspace::embedded().expect("the built-in data and rules load")
}

/// Runs one input; returns its result and what it printed.
fn run(repl: &mut Repl, input: &str) -> (Result<(), ReplError>, String) {
    let mut out = Vec::new();
    let r = repl.execute(input, &mut out).map(|_| ());
    (r, String::from_utf8(out).expect("UTF-8"))
}

fn ok(repl: &mut Repl, input: &str) -> String {
    let (r, text) = run(repl, input);
    if let Err(e) = r {
        panic!("`{input}` was rejected:\n{}", e.render());
    }
    text
}

/// The rows of `:profile`'s per-rule table (the lines after its header).
fn rule_rows(profile: &str) -> Vec<&str> {
    profile
        .lines()
        .skip_while(|l| !l.ends_with("  rule"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// Regression (`:profile` after a REPL evaluation showed an empty per-rule
/// table): the REPL's evaluations keep their per-rule statistics.
#[test]
fn profile_after_a_repl_evaluation_lists_its_rules() {
    let mut repl = Repl::new(workspace());
    let opening = ok(&mut repl, ":profile");
    assert!(
        opening.contains("note: this evaluation ran when the workspace opened"),
        "{opening}"
    );
    ok(&mut repl, "hot(P) :- recurring_hotspot(P).");
    let profile = ok(&mut repl, ":profile");
    let rows = rule_rows(&profile);
    assert!(
        rows.iter().any(|r| r.ends_with("hot(P) :- recurring_hotspot(P).")),
        "{profile}"
    );
    assert!(
        rows.iter().any(|r| r.contains("recurring_hotspot(P) :- cell(")),
        "the library's rules too:\n{profile}"
    );
    assert!(!profile.contains("note:"), "{profile}");
}

/// Regression (under the compiled engine `:profile`'s per-rule table was
/// empty with no note why): it says the library ran compiled.
#[test]
fn profile_under_the_compiled_engine_says_why_rules_are_missing() {
    let options = EvalOptions {
        record_rounds: false,
        ..EvalOptions::default()
    };
    let ws = Workspace::embedded_on(options, Engine::Compiled).expect("opens compiled");
    assert!(ws.engine_report().compiled);
    let mut repl = Repl::new(ws);
    let profile = ok(&mut repl, ":profile");
    assert!(
        profile.contains("note: the rule library ran compiled"),
        "{profile}"
    );
    assert!(profile.contains("--engine interpreted"), "{profile}");
}
