//! The workspace operations the REPL stands on: additions of facts continue
//! the previous evaluation and agree with evaluating from scratch; every
//! rejected change, a cancelled evaluation included, leaves the session
//! exactly as it was; and the REPL library prints through any writer.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use sleuth::eval::{EvalOptions, StratumMode};
use sleuth::repl::{Outcome, Repl};
use sleuth::session::Workspace;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/transcripts/fixtures").join(name)
}

fn workspace() -> Workspace {
    Workspace::builder()
        .builtins()
        .open()
        .expect("the built-in data and rules load")
}

/// Everything an analyst can observe of a session.
fn snapshot(ws: &Workspace) -> String {
    let mut out = String::new();
    for r in ws.relations() {
        let id = ws.program().relation_id(&r.name).expect("listed");
        out.push_str(&format!("{r:?} {:?}\n", ws.database().tuples(id)));
    }
    out.push_str(&format!("{:?}\n", ws.session_entries()));
    out.push_str(&format!(
        "{} rules, {} facts, {} documents, {} texts\n",
        ws.rule_count(),
        ws.facts().len(),
        ws.documents().len(),
        ws.sources().len()
    ));
    out.push_str(&ws.session_text());
    out
}

#[test]
fn added_facts_continue_the_evaluation_and_agree_with_a_fresh_one() {
    // `theater_area` feeds `theater_country`, which the pipeline rules read
    // under negation: those strata must be recomputed, the rest continued.
    // A fact of a derived relation joins what its rules derive.
    let fact = "theater_area(\"Sahel\", \"Tunisia\"). arrest(\"x-1\", \"Tangier\", \"2024-03\"). \
                recurring_hotspot(\"Rabat\").";
    let mut ws = workspace();
    let submitted = ws.submit("<test>", fact).expect("accepted");
    assert!(submitted.incremental, "only facts were added");
    let modes: Vec<StratumMode> = ws.stats().strata.iter().map(|s| s.mode).collect();
    assert!(modes.contains(&StratumMode::Unchanged), "{modes:?}");
    assert!(modes.contains(&StratumMode::Scratch), "{modes:?}");

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("repl_session_fresh");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let extra = dir.join("extra.dl");
    std::fs::write(&extra, fact).expect("write");
    let fresh = Workspace::builder()
        .data([root().join("data")])
        .rules([root().join("rules"), extra])
        .open()
        .expect("loads from scratch");
    for r in fresh.relations() {
        let a = ws.program().relation_id(&r.name).expect("same relations");
        let b = fresh.program().relation_id(&r.name).expect("listed");
        assert_eq!(
            ws.database().tuples(a),
            fresh.database().tuples(b),
            "{}",
            r.name
        );
    }

    let rule = ws
        .submit("<test>", "hot(P) :- recurring_hotspot(P).")
        .expect("accepted");
    assert!(!rule.incremental, "a new rule is evaluated from scratch");
}

#[test]
fn every_rejected_change_leaves_the_session_as_it_was() {
    let mut ws = workspace();
    ws.submit("<test>", ".decl watch(place: symbol) watch(\"Tangier\").")
        .expect("accepted");
    ws.submit("<test>", "hot(P) :- recurring_hotspot(P), watch(P).")
        .expect("accepted");
    let before = snapshot(&ws);
    let texts = [
        "hot(P) :- recurring_hotspot(P) watch(P).",
        "?- recuring_hotspot(P).",
        "watch(\"Tangier\", 2).",
        "watch(3).",
        "far(P) :- !watch(P).",
        "a(X) :- watch(X), !b(X). b(X) :- watch(X), !a(X).",
        "ok(\"x\"). ?- nope(X).",
        "n(0). n(X + 1) :- n(X), X < 5. ?- n(X), X / 0 = 1.",
    ];
    for text in texts {
        assert!(ws.submit("<test>", text).is_err(), "{text} is rejected");
        assert_eq!(snapshot(&ws), before, "after {text}");
    }
    for file in ["bad.json", "half.dl", "missing.json", "notes.txt"] {
        assert!(ws.load_file(&fixture(file)).is_err(), "{file} is rejected");
        assert_eq!(snapshot(&ws), before, "after loading {file}");
    }
    assert!(ws.retract(7).is_err());
    assert!(ws.retract_fact("<test>", "watch(\"Rabat\").").is_err());
    assert!(ws.retract_fact("<test>", "hot(P) :- watch(P).").is_err());
    assert!(ws.drop_relation("watch").is_err(), "hot still reads it");
    assert!(ws.drop_relation("arrest").is_err());
    assert!(ws.retract(1).is_ok(), "the declaration can go");
    let before = snapshot(&ws);
    assert!(
        ws.save_session(&root().join("no-such-folder/s.dl"))
            .is_err()
    );
    assert_eq!(snapshot(&ws), before, "after a failed save");

    // The tuple limit and a cancelled evaluation.
    let runaway = "n(0). n(X + 1) :- n(X).";
    let options = ws.options().clone();
    ws.set_options(EvalOptions {
        max_tuples: 1000,
        ..options.clone()
    });
    let e = ws.submit("<test>", runaway).expect_err("never ends");
    assert_eq!(e.codes(), vec!["tuple-limit"]);
    assert_eq!(snapshot(&ws), before, "after the tuple limit");
    ws.set_options(options);
    let cancel = ws.cancel_flag();
    cancel.store(true, Ordering::SeqCst);
    let e = ws.submit("<test>", runaway).expect_err("cancelled");
    assert_eq!(e.codes(), vec!["interrupted"]);
    assert_eq!(snapshot(&ws), before, "after a cancelled evaluation");
    cancel.store(false, Ordering::SeqCst);
    ws.submit("<test>", "watch(\"Rabat\").")
        .expect("works again");
}

#[test]
fn a_saved_session_loads_into_a_new_one_with_the_same_answers() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("repl_session_save");
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let saved = dir.join("session.dl");
    let questions = [
        "?- hot(P, N).",
        "?- calm(P).",
        "?- arrest(P, \"Nador\", D).",
    ];
    let mut first = workspace();
    first
        .load_file(&fixture("extra-report.json"))
        .expect("loads");
    first
        .submit(
            "<test>",
            ".decl watch(place: symbol)\nwatch(\"Tangier\"). watch(\"Nador\").\n\
             hot(P, N) :- recurring_hotspot(P), watch(P), N = count : { cell(_, P) }.\n\
             calm(P) :- watch(P),\n  !recurring_hotspot(P).",
        )
        .expect("accepted");
    first.save_session(&saved).expect("saved");
    let mut second = workspace();
    second.load_file(&saved).expect("loads back");
    for q in questions {
        let a = first.query(q).expect("answers");
        assert!(!a.rows.is_empty(), "{q} has answers");
        assert_eq!(a, second.query(q).expect("answers"), "{q}");
    }
    assert_eq!(first.session_entries().len(), 5);
}

#[test]
fn the_repl_prints_through_a_writer_and_never_loses_the_session() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    let run = |repl: &mut Repl, out: &mut Vec<u8>, input: &str| {
        out.clear();
        let r = repl.execute(input, out);
        (r, String::from_utf8(out.clone()).expect("UTF-8"))
    };
    let (r, text) = run(&mut repl, &mut out, "hot(P) :-\n  recurring_hotspot(P).");
    assert!(r.is_ok());
    assert_eq!(text, "hot/1: 3 tuples (+3)\n");
    let (r, text) = run(&mut repl, &mut out, "?- hot(P).");
    assert!(r.is_ok());
    assert!(text.ends_with("3 rows\n"), "{text}");
    let (r, _) = run(&mut repl, &mut out, "?- hott(P).");
    let e = r.expect_err("unknown relation");
    assert!(e.render().contains("did you mean `hot`?"), "{}", e.render());
    assert!(e.render().contains("--> <repl:3>:1:4"), "{}", e.render());
    let (r, text) = run(&mut repl, &mut out, ":profile");
    assert!(r.is_ok());
    assert!(text.starts_with("total "), "{text}");
    let (r, text) = run(&mut repl, &mut out, ":plan");
    assert!(r.is_ok());
    assert!(text.contains("hot(P) :- recurring_hotspot(P)."), "{text}");
    let (r, _) = run(&mut repl, &mut out, ":quit");
    assert_eq!(r.expect("quits"), Outcome::Quit);
    assert!(
        repl.banner(std::time::Duration::from_millis(12))
            .contains("loaded in 12.0 ms")
    );
}
