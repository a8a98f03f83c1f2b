//! Fuzz target: the REPL on arbitrary input, against a live workspace.
//!
//! The workspace over the built-in data and rules is opened once; each
//! fuzz input runs in a fresh `Repl` over a clone of it, so inputs never
//! accumulate. The input is split into REPL inputs the way a piped script
//! is (`split_inputs`: a clause ends at its `.`, a command at the end of
//! its line); at most eight run, in order, their output going to a sink.
//! Evaluation is bounded (tuples, memory, time; one thread) so a runaway
//! rule stops with an error instead of stalling the fuzzer.
//!
//! Inputs that would touch the file system are skipped: `:save` (writes),
//! `:graph --out` and `:graph` as SVG (write a file, or run Graphviz), and
//! `:load` (reads any path, `/dev/zero` included).
//!
//! For each REPL input: no panic, no hang; a rejected input has
//! diagnostics, each with a help line, that render; and it leaves the
//! session as it was (relations and their sizes, session entries, facts,
//! sources).

#![no_main]

use std::io::sink;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sleuth::eval::EvalOptions;
use sleuth::repl::{Command, Outcome, Repl, ReplError, parse_command, split_inputs};
use sleuth::session::{RelationSummary, Workspace};
use sleuth::viz::{ChartFormat, GraphArgs};

/// REPL inputs run per fuzz input.
const MAX_INPUTS: usize = 8;

fn workspace() -> &'static Workspace {
    static WS: OnceLock<Workspace> = OnceLock::new();
    WS.get_or_init(|| {
        let options = EvalOptions {
            max_tuples: 100_000,
            max_memory: 256 << 20,
            time_limit: Some(Duration::from_secs(2)),
            threads: 1,
            record_rounds: true,
            ..EvalOptions::default()
        };
        Workspace::builder().builtins().options(options).open().expect("the built-in workspace opens")
    })
}

/// Whether running the input would read or write files or run a program.
fn touches_files(input: &str) -> bool {
    match parse_command(input) {
        Ok(Command::Save(_) | Command::Load(_)) => true,
        Ok(Command::Extension(ext, arg)) if ext.spec.name == "graph" => GraphArgs::parse_line(&arg)
            .is_ok_and(|g| g.out.is_some() || g.format == ChartFormat::Svg),
        _ => false,
    }
}

/// What a rejected input must leave as it was.
#[derive(PartialEq, Debug)]
struct State {
    relations: Vec<RelationSummary>,
    entries: usize,
    facts: usize,
    documents: usize,
    rules: usize,
}

fn state(ws: &Workspace) -> State {
    State {
        relations: ws.relations(),
        entries: ws.session_entries().len(),
        facts: ws.facts().len(),
        documents: ws.documents().len(),
        rules: ws.rule_count(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let inputs = split_inputs(text);
    if inputs
        .iter()
        .take(MAX_INPUTS)
        .any(|i| touches_files(&i.text))
    {
        return;
    }
    let mut repl = Repl::new(workspace().clone());
    for input in inputs.iter().take(MAX_INPUTS) {
        let before = state(repl.workspace());
        match repl.execute_at("<fuzz>", input.line, &input.text, &mut sink()) {
            Ok(Outcome::Quit) => break,
            Ok(Outcome::Continue) => {}
            Err(e @ ReplError::Output(_)) => panic!("a sink cannot fail: {e}"),
            Err(ReplError::Rejected(e)) => {
                assert!(!e.diagnostics.is_empty(), "rejected without a diagnostic");
                for d in &e.diagnostics.0 {
                    assert!(d.help.is_some(), "diagnostic without help: {d}");
                }
                assert!(!e.render().is_empty(), "empty rendering");
                let after = state(repl.workspace());
                assert!(
                    before == after,
                    "a rejected input changed the session: {}\nbefore: {before:?}\nafter: {after:?}",
                    e.render()
                );
            }
        }
    }
});
