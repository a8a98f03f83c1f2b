//! The workspace evaluates the rule library through the crepe-compiled
//! program when the loaded rules are the ones sleuth was built with, through
//! the interpreter otherwise, and the two give the same answers; `--engine`
//! forces one path.

use std::process::Command;

use sleuth::compiled::Engine;
use sleuth::eval::EvalOptions;
use sleuth::session::Workspace;

fn answers_only() -> EvalOptions {
    EvalOptions {
        record_rounds: false,
        ..EvalOptions::default()
    }
}

#[test]
fn the_built_library_runs_compiled_and_agrees_with_the_interpreter() {
    let compiled = Workspace::builder()
        .builtins()
        .options(answers_only())
        .engine(Engine::Auto)
        .open()
        .expect("opens");
    assert!(
        compiled.engine_report().compiled,
        "{:?}",
        compiled.engine_report()
    );
    let interpreted = Workspace::builder()
        .builtins()
        .options(answers_only())
        .engine(Engine::Interpreted)
        .open()
        .expect("opens");
    assert!(!interpreted.engine_report().compiled);
    let program = compiled.program();
    let mut checked = 0;
    for (rel, relation) in program.relations.iter().enumerate() {
        if relation.is_query {
            continue;
        }
        let other = interpreted
            .program()
            .relation_id(&relation.name)
            .expect("same relations");
        assert_eq!(
            compiled.database().tuples(rel),
            interpreted.database().tuples(other),
            "{} differs between the paths",
            relation.name
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} relations compared");
}

#[test]
fn recording_derivations_leaves_the_library_to_the_interpreter() {
    let ws = Workspace::builder().builtins().open().expect("opens");
    assert!(!ws.engine_report().compiled);
}

#[test]
fn ad_hoc_rules_run_over_the_compiled_relations() {
    let mut ws = Workspace::builder()
        .builtins()
        .options(answers_only())
        .engine(Engine::Compiled)
        .open()
        .expect("opens");
    assert!(ws.engine_report().compiled);
    let a = ws
        .query("twice(P) :- recurring_hotspot(P), cell(C, P), dismantled(C, \"op-2024-01\").\n?- twice(P).")
        .expect("answers");
    assert_eq!(a.strings(), vec![vec!["Inezgane"], vec!["Tangier"]]);
}

#[test]
fn the_command_line_switches_engines_with_identical_answers() {
    let run = |engine: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
            .args([
                "query",
                "--engine",
                engine,
                "--format",
                "csv",
                "?- recruitment_pipeline(C, T).",
            ])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let compiled = run("compiled");
    assert_eq!(compiled, run("interpreted"));
    assert_eq!(compiled.lines().count(), 5, "{compiled}");
}
