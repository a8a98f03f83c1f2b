//! The bounds that stop an evaluation early, and the progress it reports.
//!
//! Regression tests for two defects: a runaway ad-hoc question
//! (`c(M) :- c(N), M = N + 1.`) ran for about a hundred seconds and three
//! gigabytes before the batch bound on tuples stopped it, with no bound on
//! time or memory at all; and a long evaluation showed nothing until it
//! ended. No test here asserts a time: each asserts which bound stopped the
//! evaluation (its code) and what the observer heard.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use sleuth::SourceMap;
use sleuth::check::check;
use sleuth::eval::{Database, EvalOptions, evaluate};
use sleuth::ir::Program;
use sleuth::progress::{Evaluating, Loading, Progress};
use sleuth::repl::Repl;
use sleuth::session::Workspace;
use sleuth::syntax::parse;

/// The question from the report of the defect.
const RUNAWAY: &str = "c(0). c(M) :- c(N), M = N + 1. ?- c(X), X < 3.";

fn program(text: &str) -> Program {
    let mut sources = SourceMap::new();
    let id = sources.add("limits.dl", text);
    parse(&sources, id)
        .and_then(|m| check(&sources, &[m]))
        .expect("a valid program")
}

/// The transitive closure of a chain of `n` nodes (`n * (n - 1) / 2` paths,
/// `n` rounds), then the nodes reached from node 0 in a later stratum.
fn chain(n: usize) -> String {
    let mut text = String::from(
        ".decl edge(x: number, y: number)\n.decl path(x: number, y: number)\n.decl reached(x: number)\n\
         path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\nreached(Y) :- path(0, Y).\n",
    );
    for i in 0..n.saturating_sub(1) {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    text
}

fn loaded(program: &Program) -> Database {
    let mut db = Database::new(program);
    db.load_program_facts(program).expect("facts fit");
    db
}

#[test]
fn a_runaway_question_stops_under_the_interactive_bounds() {
    // Defect: the workspace used the batch bound of 200 million tuples.
    let mut ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the built-in data and rules load");
    let bounds = ws.options().clone();
    let interactive = EvalOptions::interactive();
    assert_eq!(bounds.max_tuples, interactive.max_tuples);
    assert_eq!(bounds.max_memory, interactive.max_memory);
    assert_eq!(bounds.time_limit, interactive.time_limit);
    let err = ws.query(RUNAWAY).expect_err("never reaches a fixpoint");
    let codes = err.codes();
    assert!(
        codes == ["tuple-limit"] || codes == ["time-limit"] || codes == ["memory-limit"],
        "{codes:?}"
    );
    let rendered = err.render();
    assert!(rendered.contains("`c`"), "names the relation: {rendered}");
    assert!(
        rendered.contains(":set "),
        "says how to raise it: {rendered}"
    );
    // The workspace still answers.
    let answers = ws
        .query("?- recurring_hotspot(\"Tangier\").")
        .expect("answers as before");
    assert_eq!(answers.rows.len(), 1);
}

#[test]
fn a_tiny_time_limit_stops_with_time_limit() {
    let program = program(&chain(400));
    let mut db = loaded(&program);
    let opts = EvalOptions {
        time_limit: Some(Duration::from_millis(1)),
        ..EvalOptions::default()
    };
    let err = evaluate(&program, &mut db, &opts).expect_err("takes longer than 1 ms");
    assert_eq!(err.code, "time-limit");
    assert!(err.message.contains("`path`"), "{}", err.message);
    assert!(err.message.contains("stratum"), "{}", err.message);
    let help = err.help.as_deref().unwrap_or("");
    assert!(
        help.contains("--timeout") && help.contains(":set timeout"),
        "{help}"
    );
    // Without the bound the same evaluation ends, and the failed one left
    // nothing that changes its answer.
    evaluate(&program, &mut db, &EvalOptions::default()).expect("ends");
    let path = program.relation_id("path").expect("declared");
    assert_eq!(db.len(path), 400 * 399 / 2);
}

#[test]
fn a_tiny_memory_bound_stops_with_memory_limit() {
    let program = program(&chain(300));
    let mut db = loaded(&program);
    // Room for what is loaded, and 64 KiB more: the paths need several
    // hundred kilobytes.
    let bound = db.heap_bytes() as u64 + (64 << 10);
    let opts = EvalOptions {
        max_memory: bound,
        ..EvalOptions::default()
    };
    let err = evaluate(&program, &mut db, &opts).expect_err("the paths do not fit");
    assert_eq!(err.code, "memory-limit");
    assert!(err.message.contains("`path`"), "{}", err.message);
    let help = err.help.as_deref().unwrap_or("");
    assert!(
        help.contains("--max-memory") && help.contains(":set max-memory"),
        "{help}"
    );
    evaluate(&program, &mut db, &EvalOptions::default()).expect("ends without the bound");
    assert!(
        db.heap_bytes() as u64 > bound,
        "the bound was below what it needs"
    );
}

#[test]
fn a_memory_bound_below_the_loaded_facts_stops_before_deriving() {
    let program = program(&chain(50));
    let mut db = loaded(&program);
    let opts = EvalOptions {
        max_memory: 1,
        ..EvalOptions::default()
    };
    let err = evaluate(&program, &mut db, &opts).expect_err("nothing fits");
    assert_eq!(err.code, "memory-limit");
}

#[test]
fn a_limit_in_the_repl_leaves_the_session_as_it_was() {
    let mut repl = Repl::new(Workspace::builder().builtins().open().expect("loads"));
    let run = |repl: &mut Repl, input: &str| -> Result<String, String> {
        let mut out = Vec::new();
        repl.execute(input, &mut out)
            .map(|_| String::from_utf8(out).expect("text"))
            .map_err(|e| format!("{:?} {}", e.codes(), e.render()))
    };
    run(&mut repl, "watch(\"Tangier\").").expect("a fact");
    let question = "?- watch(P), recurring_hotspot(P).";
    let before = run(&mut repl, question).expect("answers");
    let relations = run(&mut repl, ":relations").expect("lists");

    for (setting, code) in [
        (":set max-tuples 1000", "tuple-limit"),
        (":set timeout 1ms", "time-limit"),
        (":set max-memory 1K", "memory-limit"),
    ] {
        let shown = run(&mut repl, setting).expect("a valid setting");
        assert!(shown.ends_with('\n') && shown.contains(':'), "{shown}");
        let err = run(&mut repl, "n(0). n(X + 1) :- n(X).").expect_err("stopped");
        assert!(
            err.starts_with(&format!("[\"{code}\"]")),
            "{setting}: {err}"
        );
        assert!(err.contains("nothing changed"), "{err}");
        run(&mut repl, ":set max-tuples off").expect("valid");
        run(&mut repl, ":set timeout off").expect("valid");
        run(&mut repl, ":set max-memory off").expect("valid");
        assert_eq!(run(&mut repl, question).expect("answers"), before);
        assert_eq!(run(&mut repl, ":relations").expect("lists"), relations);
    }
    let limits = run(&mut repl, ":limits").expect("shows");
    assert!(limits.contains("timeout     off"), "{limits}");
    assert!(limits.contains("max-tuples  off"), "{limits}");
    run(&mut repl, ":set timeout 90s").expect("valid");
    let limits = run(&mut repl, ":limits").expect("shows");
    assert!(limits.contains("timeout     90s"), "{limits}");
    assert_eq!(
        repl.workspace().options().time_limit,
        Some(Duration::from_secs(90))
    );
}

#[test]
fn bad_settings_are_rejected_with_codes_and_change_nothing() {
    let mut repl = Repl::new(Workspace::builder().builtins().open().expect("loads"));
    let mut out = Vec::new();
    let before = format!("{:?}", repl.workspace().options());
    for (input, code, says) in [
        (
            ":set timeot 60s",
            "unknown-setting",
            "did you mean `timeout`?",
        ),
        (":set timeout", "missing-argument", ":set timeout 60s"),
        (":set timeout soon", "bad-argument", "30s"),
        (":set max-memory lots", "bad-argument", "4G"),
        (":set max-tuples 1.5", "bad-argument", "2e7"),
        (":limits now", "unexpected-argument", ":limits"),
    ] {
        let err = repl.execute(input, &mut out).expect_err(input);
        assert_eq!(err.codes(), vec![code], "{input}");
        assert!(err.render().contains(says), "{input}: {}", err.render());
        assert_eq!(
            format!("{:?}", repl.workspace().options()),
            before,
            "{input}"
        );
    }
}

/// One evaluation report: stratum, strata, the stratum's relations, tuples.
type Heard = (usize, usize, Vec<String>, u64);

/// Everything an observer heard.
#[derive(Debug, Default)]
struct Recorder {
    evaluating: Mutex<Vec<Heard>>,
    loading: Mutex<Vec<(String, u64)>>,
    finished: Mutex<usize>,
}

impl Progress for Recorder {
    fn evaluating(&self, at: &Evaluating<'_>) {
        self.evaluating.lock().expect("not poisoned").push((
            at.stratum,
            at.strata,
            at.relations.to_vec(),
            at.tuples,
        ));
    }

    fn loading(&self, at: &Loading<'_>) {
        self.loading
            .lock()
            .expect("not poisoned")
            .push((at.file.to_string(), at.rows));
    }

    fn finished(&self) {
        *self.finished.lock().expect("not poisoned") += 1;
    }
}

#[test]
fn the_progress_observer_hears_each_stratum_and_the_tuples_so_far() {
    let program = program(&chain(60));
    let mut db = loaded(&program);
    let recorder = Arc::new(Recorder::default());
    let opts = EvalOptions {
        progress: Some(recorder.clone()),
        ..EvalOptions::default()
    };
    let stats = evaluate(&program, &mut db, &opts).expect("ends");
    let heard = recorder.evaluating.lock().expect("not poisoned").clone();
    let strata = program.strata.len();
    let path_stratum = heard
        .iter()
        .find(|(_, _, rels, _)| rels == &["path"])
        .expect("the start of path's stratum is reported");
    let reached_stratum = heard
        .iter()
        .find(|(_, _, rels, _)| rels == &["reached"])
        .expect("the start of reached's stratum is reported");
    assert!(path_stratum.0 < reached_stratum.0, "{heard:?}");
    assert!(
        heard
            .iter()
            .all(|h| h.1 == strata && h.0 >= 1 && h.0 <= strata)
    );
    // When `reached` starts, every path has been derived.
    let path = program.relation_id("path").expect("declared");
    assert_eq!(reached_stratum.3, (db.len(path)) as u64, "{heard:?}");
    let tuples: Vec<u64> = heard.iter().map(|h| h.3).collect();
    assert!(tuples.windows(2).all(|w| w[0] <= w[1]), "{tuples:?}");
    assert!(tuples.last().copied().unwrap_or(0) <= stats.tuples);
    assert_eq!(*recorder.finished.lock().expect("not poisoned"), 1);

    // A failed evaluation ends its report too.
    let mut db = loaded(&program);
    let stopped = EvalOptions {
        max_tuples: 10,
        ..opts
    };
    evaluate(&program, &mut db, &stopped).expect_err("over the bound");
    assert_eq!(*recorder.finished.lock().expect("not poisoned"), 2);
}

#[test]
fn the_progress_observer_hears_what_is_loaded() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("eval_limits_load");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let rows: String = (0..5000).map(|i| format!("{i}\t{}\n", i + 1)).collect();
    std::fs::write(dir.join("edge.facts"), rows).expect("written");
    let program = program(".decl edge(x: number, y: number)\n.input edge\n");
    let mut db = Database::new(&program);
    let recorder = Recorder::default();
    let stats =
        sleuth::io::tsv::read_inputs_with(&program, &mut db, &dir, Some(&recorder)).expect("reads");
    assert_eq!(stats.tuples, 5000);
    let heard = recorder.loading.lock().expect("not poisoned").clone();
    assert_eq!(
        heard.first().map(|h| h.0.as_str()),
        Some("edge.facts"),
        "{heard:?}"
    );
    assert!(heard.iter().all(|h| h.1 <= 5000), "{heard:?}");
    assert_eq!(*recorder.finished.lock().expect("not poisoned"), 1);
}
