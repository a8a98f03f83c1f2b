//! Explanations of bad input and at the bounds: a fact that does not hold
//! (says so and points to `whynot`), unknown relations (the checker's
//! did-you-mean), wrong arity, types and dates, facts with variables,
//! proofs cut at the depth bound with a marker, a proof thousands of steps
//! deep built and printed without recursion, and workspaces that did not
//! record derivations.

use std::process::Command;

use sleuth::eval::EvalOptions;
use sleuth::provenance::{self, CutReason, ExplainOptions, Explainer, Format, NodeKind, Outcome};
use sleuth::session::Workspace;

fn report() -> Workspace {
    Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads")
}

fn why_error(ws: &Workspace, fact: &str) -> sleuth::session::Error {
    match provenance::why(ws, fact, &ExplainOptions::default()) {
        Ok(p) => panic!("{fact} was explained:\n{}", provenance::render_text(&p)),
        Err(e) => e,
    }
}

#[test]
fn a_fact_that_does_not_hold_says_so_and_points_to_whynot() {
    let ws = report();
    let e = why_error(&ws, r#"recurring_hotspot("Casablanca")"#);
    assert_eq!(e.codes(), ["not-derived"]);
    let text = e.render();
    assert!(
        text.contains(r#"recurring_hotspot("Casablanca") does not hold"#),
        "{text}"
    );
    assert!(
        text.contains(r#":whynot recurring_hotspot("Casablanca")"#),
        "{text}"
    );
    // A symbol the data never mentions.
    let e = why_error(&ws, r#"recurring_hotspot("Atlantis")"#);
    assert_eq!(e.codes(), ["not-derived"]);
}

#[test]
fn an_unknown_relation_gets_the_checkers_did_you_mean() {
    let ws = report();
    let e = why_error(&ws, r#"recuring_hotspot("Tangier")"#);
    assert_eq!(e.codes(), ["unknown-relation"]);
    let text = e.render();
    assert!(text.contains("did you mean `recurring_hotspot`?"), "{text}");
    assert!(text.contains("^^^^"), "a caret under the name:\n{text}");
    let e = provenance::whynot(
        &ws,
        "recruitment_pipe(\"Morocco\", T)",
        &ExplainOptions::default(),
    )
    .expect_err("unknown relation");
    assert!(
        e.render().contains("did you mean `recruitment_pipeline`?"),
        "{}",
        e.render()
    );
}

#[test]
fn arity_types_and_dates_are_checked_like_a_query() {
    let ws = report();
    assert_eq!(
        why_error(&ws, r#"recurring_hotspot("Tangier", "x")"#).codes(),
        ["arity-mismatch"]
    );
    let e = why_error(&ws, "recurring_hotspot(3)");
    assert_eq!(e.codes(), ["type-mismatch"]);
    assert!(
        e.render().contains("rules/cells.dl"),
        "points at the real declaration:\n{}",
        e.render()
    );
    assert_eq!(
        why_error(&ws, r#"operation("op-2023-01", "2023-13")"#).codes(),
        ["bad-date"]
    );
    // An ISO string in a date column is a date.
    let proof = provenance::why(
        &ws,
        r#"operation("op-2023-01", "2023-01")"#,
        &ExplainOptions::default(),
    )
    .expect("a base fact with a date");
    assert!(matches!(proof.root().kind, NodeKind::Fact { .. }));
    // `?-` and a final dot are accepted.
    provenance::why(
        &ws,
        r#"?- recurring_hotspot("Tangier")."#,
        &ExplainOptions::default(),
    )
    .expect("query form");
}

#[test]
fn why_needs_one_ground_fact() {
    let ws = report();
    assert_eq!(
        why_error(&ws, "recurring_hotspot(P)").codes(),
        ["not-ground"]
    );
    assert_eq!(
        why_error(&ws, "recurring_hotspot(_)").codes(),
        ["not-ground"]
    );
    assert_eq!(why_error(&ws, "").codes(), ["not-a-fact"]);
    assert_eq!(
        why_error(
            &ws,
            r#"recurring_hotspot("Tangier"), recurring_hotspot("Tetouan")"#
        )
        .codes(),
        ["not-a-fact"]
    );
    assert_eq!(
        why_error(&ws, r#"!recurring_hotspot("Tangier")"#).codes(),
        ["not-a-fact"]
    );
    assert_eq!(
        why_error(&ws, "recurring_hotspot(\"Tangier\"").codes()[0],
        "syntax"
    );
}

#[test]
fn a_proof_deeper_than_the_bound_is_cut_with_a_marker() {
    let ws = report();
    let opts = ExplainOptions {
        max_depth: 1,
        ..ExplainOptions::default()
    };
    let proof = provenance::why(&ws, r#"multi_theater_origin("Morocco")"#, &opts).expect("holds");
    assert!(proof.is_cut());
    let cuts: Vec<&NodeKind> = proof
        .nodes
        .iter()
        .map(|n| &n.kind)
        .filter(|k| matches!(k, NodeKind::Cut { .. }))
        .collect();
    assert_eq!(cuts.len(), 2, "both pipelines are cut");
    assert!(cuts.iter().all(|k| matches!(
        k,
        NodeKind::Cut {
            reason: CutReason::Depth(1),
            ..
        }
    )));
    let text = provenance::render_text(&proof);
    assert!(
        text.contains("… proof not expanded: 1 rule steps shown"),
        "{text}"
    );
    assert!(text.contains("--depth"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&provenance::render_json(&proof)).expect("valid JSON");
    assert_eq!(json["proof"]["children"][0]["kind"], "cut");
    assert_eq!(json["proof"]["children"][0]["cut"], "depth");
    assert!(provenance::render_dot(&proof).contains("style=dotted"));
    // Depth 0 shows the conclusion alone; base facts are never cut.
    let opts = ExplainOptions {
        max_depth: 0,
        ..ExplainOptions::default()
    };
    let proof = provenance::why(&ws, r#"recurring_hotspot("Tangier")"#, &opts).expect("holds");
    assert_eq!(proof.nodes.len(), 1);
    let proof =
        provenance::why(&ws, r#"cell("op-2024-01/Tangier", "Tangier")"#, &opts).expect("holds");
    assert!(matches!(proof.root().kind, NodeKind::Fact { .. }));
}

/// `reach(n)` for a chain of `n` edges: a proof `n` rule steps deep.
fn chain(n: usize) -> Workspace {
    let mut text =
        String::from("start(0).\nreach(X) :- start(X).\nreach(Y) :- reach(X), edge(X, Y).\n");
    for i in 0..n {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let mut ws = Workspace::empty();
    ws.add_clauses("chain.dl", &text).expect("the chain checks");
    ws
}

#[test]
fn a_proof_thousands_of_steps_deep_is_built_and_printed_without_recursion() {
    // A small stack: any recursion over the proof's depth would overflow it.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let n = 3000;
            let ws = chain(n);
            let opts = ExplainOptions {
                max_depth: 100_000,
                max_nodes: 1_000_000,
                ..ExplainOptions::default()
            };
            let proof = provenance::why(&ws, &format!("reach({n})"), &opts).expect("holds");
            assert!(!proof.is_cut());
            assert_eq!(proof.nodes.len(), 2 * n + 2);
            let text = provenance::render_text(&proof);
            assert!(text.contains("start(0)"));
            assert!(text.len() < 12_000_000, "{} bytes", text.len());
            let json = provenance::render_json(&proof);
            assert!(json.len() < 24_000_000, "{} bytes", json.len());
            let dot = provenance::render_dot(&proof);
            assert_eq!(dot.matches(" -> ").count(), 2 * n + 1);
            // The default bound cuts it.
            let cut = provenance::why(&ws, &format!("reach({n})"), &ExplainOptions::default())
                .expect("holds");
            assert!(cut.is_cut());
            assert!(cut.nodes.len() < 100);
            json
        })
        .expect("thread starts");
    let json = handle.join().expect("no stack overflow");
    assert!(json.starts_with("{\n  \"conclusion\": \"reach(3000)\""));
}

#[test]
fn without_recorded_rounds_only_the_strongest_proof_is_available() {
    let options = EvalOptions {
        record_rounds: false,
        ..EvalOptions::default()
    };
    let ws = Workspace::builder()
        .builtins()
        .options(options)
        .open()
        .expect("loads");
    let e = why_error(&ws, r#"recurring_hotspot("Tangier")"#);
    assert_eq!(e.codes(), ["no-provenance"]);
    assert!(e.render().contains("--strongest"));
    let opts = ExplainOptions {
        strongest: true,
        ..ExplainOptions::default()
    };
    let proof = provenance::why(&ws, r#"recurring_hotspot("Tangier")"#, &opts).expect("strongest");
    assert_eq!(proof.cited_paragraphs()[0].1, vec![5, 6]);
}

#[test]
fn whynot_of_a_fact_that_holds_lists_it_and_points_to_why() {
    let ws = report();
    let mut ex = Explainer::new(&ws);
    let w = ex
        .whynot(r#"recurring_hotspot(P)"#, &ExplainOptions::default())
        .expect("runs");
    assert_eq!(w.holds.len(), 3);
    let text = provenance::render_whynot(&w, Format::Text);
    assert!(text.contains("holds"), "{text}");
    assert!(text.contains(":why recurring_hotspot("), "{text}");
}

#[test]
fn whynot_names_the_first_failing_premise_with_the_closest_binding() {
    let ws = report();
    let w = provenance::whynot(
        &ws,
        r#"recurring_hotspot("Casablanca")"#,
        &ExplainOptions::default(),
    )
    .expect("runs");
    let [a] = w.attempts.as_slice() else {
        panic!("one rule derives recurring_hotspot")
    };
    let Outcome::Fails { text, reason, .. } = &a.outcome else {
        panic!("{:?}", a.outcome)
    };
    assert_eq!(text, "O1 != O2");
    assert_eq!(reason, r#""op-2024-01" != "op-2024-01" is false"#);
    assert!(a.bindings.iter().any(|b| b.name == "O1"));
    assert_eq!(a.held.len(), 4, "four atoms held before");
    // A rule whose head cannot give the fact.
    let w = provenance::whynot(
        &ws,
        r#"pipeline_evidence("Morocco", "Mali", "cells")"#,
        &ExplainOptions::default(),
    )
    .expect("runs");
    assert!(w.attempts.iter().any(|a| matches!(
        &a.outcome,
        Outcome::Head { reason } if reason.contains(r#"kind = "nationals active""#)
    )));
    // A base relation: the closest stored facts.
    let w = provenance::whynot(
        &ws,
        r#"cell("op-2022-01/Tangier", "Tangier")"#,
        &ExplainOptions::default(),
    )
    .expect("runs");
    assert!(w.attempts.is_empty());
    assert_eq!(w.closest.len(), 2);
}

#[test]
fn the_command_line_reports_errors_with_a_failing_status() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
            .args(args)
            .output()
            .expect("sleuth runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, err) = run(&["explain", r#"recurring_hotspot("Casablanca")"#]);
    assert!(!ok);
    assert!(
        err.contains("error[not-derived]")
            && err.contains(r#"ask `sleuth explain --whynot 'recurring_hotspot("Casablanca")'`"#)
            && !err.contains(":whynot"),
        "{err}"
    );
    let (ok, err) = run(&[
        "explain",
        "--no-provenance",
        r#"recurring_hotspot("Tangier")"#,
    ]);
    assert!(!ok);
    assert!(err.contains("error[no-provenance]"), "{err}");
    let (ok, _) = run(&[
        "explain",
        "--no-provenance",
        "--strongest",
        r#"recurring_hotspot("Tangier")"#,
    ]);
    assert!(ok);
    let (ok, err) = run(&[
        "explain",
        "--format",
        "svg",
        r#"recurring_hotspot("Tangier")"#,
    ]);
    assert!(!ok);
    assert!(err.contains("possible values: text, json, dot"), "{err}");
}
