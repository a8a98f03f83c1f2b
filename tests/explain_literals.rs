//! Every kind of body literal is explained by what it means to the
//! evaluator: `contains`, `match` and their negations, comparisons,
//! aggregates, disjunctions and functor bindings. Proofs show the literal as
//! written with the values it held for, `whynot` stops at the literal that
//! fails, and the confidence of a derived fact is that of its premises.
//!
//! Regression: the explainer once ran bodies with its own executor, which
//! read every test as `contains`; `r("ab")` below was "almost no chance
//! (0.001), no rule instance found", and `whynot r("xb")` said the rule
//! derives it.

use sleuth::provenance::{self, Confidence, ExplainOptions, Format, NodeKind, Outcome, WhyNot};
use sleuth::session::Workspace;

const SYMBOLS: &str = r#"
.decl s(x: symbol)
s("ab"). s("xb"). s("b1").
"#;

fn workspace(rules: &str) -> Workspace {
    let mut ws = Workspace::empty();
    ws.add_clauses("t.dl", &format!("{SYMBOLS}{rules}"))
        .unwrap_or_else(|e| panic!("the rules load:\n{e}"));
    ws
}

fn opts() -> ExplainOptions {
    ExplainOptions::default()
}

/// The proof of a fact that holds, checked to be complete and certain (the
/// facts here are ungraded); returns its text form.
fn why(ws: &Workspace, fact: &str) -> String {
    let proof = provenance::why(ws, fact, &opts()).unwrap_or_else(|e| panic!("{fact}: {e}"));
    assert_eq!(proof.conclusion().to_string(), fact);
    assert_eq!(proof.confidence(), Confidence::UNGRADED, "{fact}");
    assert!(
        !proof
            .nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Unexplained { .. } | NodeKind::Cut { .. })),
        "{fact}: incomplete proof"
    );
    provenance::render(&proof, Format::Text)
}

/// The one failing literal of the only rule's attempt.
fn fails_at(w: &WhyNot) -> (String, String) {
    assert!(w.holds.is_empty(), "{} holds", w.fact);
    let [attempt] = w.attempts.as_slice() else {
        panic!("one rule: {:?}", w.attempts)
    };
    match &attempt.outcome {
        Outcome::Fails { text, reason, .. } => (text.clone(), reason.clone()),
        other => panic!("{}: {other:?}", w.fact),
    }
}

fn whynot(ws: &Workspace, fact: &str) -> WhyNot {
    provenance::whynot(ws, fact, &opts()).unwrap_or_else(|e| panic!("{fact}: {e}"))
}

#[test]
fn negated_contains_is_explained_in_every_format() {
    let ws = workspace(
        r#".decl r(x: symbol)
r(X) :- s(X), !contains("x", X)."#,
    );
    let text = why(&ws, r#"r("ab")"#);
    assert!(
        text.contains(r#"└─ !contains("x", X)  (holds for "x", "ab")"#),
        "{text}"
    );
    assert!(!text.contains("no rule instance"), "{text}");
    let proof = provenance::why(&ws, r#"r("ab")"#, &opts()).expect("holds");
    let json = provenance::render(&proof, Format::Json);
    assert!(json.contains(r#""text": "!contains(\"x\", X)""#), "{json}");
    assert!(json.contains(r#""kind": "test""#), "{json}");
    let dot = provenance::render(&proof, Format::Dot);
    assert!(
        dot.contains(r#"!contains(\"x\", X)  (holds for \"x\", \"ab\")"#),
        "{dot}"
    );
    let (at, reason) = fails_at(&whynot(&ws, r#"r("xb")"#));
    assert_eq!(at, r#"!contains("x", X)"#);
    assert_eq!(reason, r#"contains("x", "xb") is true"#);
    assert!(!whynot(&ws, r#"r("ab")"#).holds.is_empty());
}

#[test]
fn contains_is_explained() {
    let ws = workspace(
        r#".decl r(x: symbol)
r(X) :- s(X), contains("x", X)."#,
    );
    let text = why(&ws, r#"r("xb")"#);
    assert!(
        text.contains(r#"└─ contains("x", X)  (holds for "x", "xb")"#),
        "{text}"
    );
    let (at, reason) = fails_at(&whynot(&ws, r#"r("ab")"#));
    assert_eq!(at, r#"contains("x", X)"#);
    assert_eq!(reason, r#"contains("x", "ab") is false"#);
}

#[test]
fn match_and_its_negation_are_explained() {
    let ws = workspace(
        r#".decl m(x: symbol)
m(X) :- s(X), match("[a-z]b", X).
.decl n(x: symbol)
n(X) :- s(X), !match("[a-z]b", X)."#,
    );
    why(&ws, r#"m("ab")"#);
    why(&ws, r#"m("xb")"#);
    let text = why(&ws, r#"n("b1")"#);
    assert!(
        text.contains(r#"!match("[a-z]b", X)  (holds for "[a-z]b", "b1")"#),
        "{text}"
    );
    let (at, reason) = fails_at(&whynot(&ws, r#"m("b1")"#));
    assert_eq!(at, r#"match("[a-z]b", X)"#);
    assert_eq!(reason, r#"match("[a-z]b", "b1") is false"#);
    let (at, reason) = fails_at(&whynot(&ws, r#"n("ab")"#));
    assert_eq!(at, r#"!match("[a-z]b", X)"#);
    assert_eq!(reason, r#"match("[a-z]b", "ab") is true"#);
}

#[test]
fn comparisons_are_explained() {
    let ws = workspace(
        r#".decl r(x: symbol)
r(X) :- s(X), X != "xb", X < "b"."#,
    );
    let text = why(&ws, r#"r("ab")"#);
    assert!(text.contains(r#"X != "xb"  ("ab" != "xb")"#), "{text}");
    let (at, reason) = fails_at(&whynot(&ws, r#"r("xb")"#));
    assert_eq!(at, r#"X != "xb""#);
    assert_eq!(reason, r#""xb" != "xb" is false"#);
    let (at, _) = fails_at(&whynot(&ws, r#"r("b1")"#));
    assert_eq!(at, r#"X < "b""#);
}

#[test]
fn aggregates_over_tests_are_explained() {
    let ws = workspace(
        r#".decl n(k: number)
n(K) :- K = count : { s(X), !contains("x", X) }.
.decl per(x: symbol, k: number)
per(X, K) :- s(X), K = count : { s(Y), contains(X, Y) }."#,
    );
    let text = why(&ws, "n(2)");
    assert!(text.contains("2 counted") || text.contains("= 2"), "{text}");
    let proof = provenance::why(&ws, "n(2)", &opts()).expect("holds");
    let total = proof.nodes.iter().find_map(|n| match &n.kind {
        NodeKind::Aggregate { total, .. } => Some(*total),
        _ => None,
    });
    assert_eq!(total, Some(2));
    let text = why(&ws, r#"per("b1", 1)"#);
    assert!(text.contains(r#"s("b1")"#), "{text}");
    let w = whynot(&ws, "n(3)");
    let (at, reason) = fails_at(&w);
    assert_eq!(at, r#"count : { s(X), !contains("x", X) }"#);
    assert!(
        reason.contains("count is 2 over 2 matches, not 3"),
        "{reason}"
    );
}

#[test]
fn disjunctions_are_explained_rule_by_rule() {
    let ws = workspace(
        r#".decl r(x: symbol)
r(X) :- s(X), (contains("x", X) ; match(".*1", X))."#,
    );
    why(&ws, r#"r("xb")"#);
    let text = why(&ws, r#"r("b1")"#);
    assert!(
        text.contains(r#"match(".*1", X)  (holds for ".*1", "b1")"#),
        "{text}"
    );
    let w = whynot(&ws, r#"r("ab")"#);
    assert_eq!(w.attempts.len(), 2, "{w:?}");
    for a in &w.attempts {
        assert!(
            matches!(&a.outcome, Outcome::Fails { text, .. }
                if text == r#"contains("x", X)"# || text == r#"match(".*1", X)"#),
            "{a:?}"
        );
    }
}

#[test]
fn functor_bindings_are_explained() {
    let ws = workspace(
        r#".decl r(y: symbol)
r(Y) :- s(X), Y = cat(X, "!"), !contains("x", X)."#,
    );
    let text = why(&ws, r#"r("ab!")"#);
    assert!(text.contains(r#"with Y = "ab!", X = "ab""#), "{text}");
    let w = whynot(&ws, r#"r("xb!")"#);
    let (at, _) = fails_at(&w);
    assert_eq!(at, r#"!contains("x", X)"#);
}

#[test]
fn constants_the_data_never_holds_are_explained() {
    let ws = workspace(
        r#".decl r(x: symbol)
r(X) :- s(X), !s("zz"), !contains("zz", X).
.decl t(x: symbol)
t(X) :- s(X), s("zz")."#,
    );
    why(&ws, r#"r("ab")"#);
    let (at, reason) = fails_at(&whynot(&ws, r#"t("ab")"#));
    assert_eq!(at, r#"s("zz")"#);
    assert!(reason.contains("no stored tuple"), "{reason}");
}
