//! The confidence design, on a small report with facts of several grades:
//! a base fact has its grade's number; a rule instance is as strong as its
//! weakest premise; of several derivations the strongest counts (also
//! through recursion); negations do not lower it; an aggregate is as strong
//! as the weakest tuple it counted; facts written in rule text are
//! ungraded and do not lower it. Confidences print with the ICD 203 words,
//! are given for query answers, and are kept while the workspace stays the
//! same.

use std::path::PathBuf;

use sleuth::Value;
use sleuth::provenance::{self, Confidence, ExplainOptions, Explainer, Format};
use sleuth::session::Workspace;

const DATA: &str = r#"{
  "source": {
    "id": "test-report",
    "title": "A report written for the tests",
    "publisher": "the tests",
    "description": "Facts of several grades.",
    "grade": "C2",
    "paragraphs": { "count": 6, "counting": "One paragraph per place." }
  },
  "places": [
    { "id": "Alpha", "kind": "country", "paragraph": 1, "grade": "B2" },
    { "id": "Beta", "kind": "city", "in": "Alpha", "paragraph": 2 },
    { "id": "Gamma", "kind": "city", "in": "Beta", "paragraph": 3, "grade": "C3" },
    { "id": "Delta", "kind": "city", "in": "Alpha", "paragraph": 4, "grade": "C4" },
    { "id": "Eps", "kind": "city", "paragraph": 5,
      "in": { "value": "Alpha", "inferred": "The text does not say where Eps is." } }
  ]
}
"#;

const RULES: &str = r#"
.decl within(p: symbol, a: symbol)
within(P, A) :- located_in(P, A).
within(P, A) :- located_in(P, M), within(M, A).
.decl city_in(p: symbol, c: symbol)
city_in(P, C) :- place_kind(P, "city"), within(P, C), place_kind(C, "country").
.decl listed(p: symbol)
listed(P) :- place_kind(P, "city").
listed(P) :- located_in(P, _).
.decl unlisted_country(p: symbol)
unlisted_country(P) :- place_kind(P, "country"), !located_in(P, _), !listed(P).
.decl cities(c: symbol, n: number)
cities(C, N) :- place_kind(C, "country"), N = count : { located_in(P, C) }.
.decl noted(p: symbol)
noted("Alpha").
.decl noted_country(p: symbol)
noted_country(P) :- noted(P), place_kind(P, "country").
.decl only_noted(p: symbol)
only_noted(P) :- noted(P).
.decl hop(a: symbol, b: symbol)
hop("Delta", "Beta").
.decl route(a: symbol, b: symbol)
route(A, B) :- located_in(A, B).
route(A, B) :- hop(A, B).
route(A, C) :- route(A, B), route(B, C).
"#;

/// A workspace over the test report, the schema and the test rules.
fn workspace(name: &str) -> (Workspace, PathBuf) {
    let dir = std::env::temp_dir().join(format!("sleuth-explain-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    std::fs::write(dir.join("report.json"), DATA).expect("writable");
    std::fs::write(dir.join("test.dl"), RULES).expect("writable");
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/schema.dl");
    let ws = Workspace::builder()
        .data([dir.join("report.json")])
        .rules([schema, dir.join("test.dl")])
        .open()
        .unwrap_or_else(|e| panic!("the test report loads:\n{e}"));
    (ws, dir)
}

fn confidence(ex: &mut Explainer<'_>, ws: &Workspace, rel: &str, values: &[&str]) -> Confidence {
    let rel = ws.program().relation_id(rel).expect("known relation");
    let types = ws.program().relations[rel].types();
    let tuple: Vec<Value> = values
        .iter()
        .zip(types)
        .map(|(v, t)| Value::parse_as(v, t).expect("a value of the column's type"))
        .collect();
    ex.confidence_of(rel, &tuple)
        .expect("computes")
        .unwrap_or_else(|| panic!("{values:?} does not hold"))
}

#[test]
fn confidence_combines_grades_by_weakest_premise_and_strongest_derivation() {
    let (ws, dir) = workspace("combine");
    let mut ex = Explainer::new(&ws);
    let mut c = |rel: &str, values: &[&str]| confidence(&mut ex, &ws, rel, values).to_string();
    // Base facts: their grade's number.
    assert_eq!(c("place_kind", &["Alpha", "country"]), "likely (0.65)");
    assert_eq!(c("place_kind", &["Delta", "city"]), "unlikely (0.40)");
    // An inferred value is one step less credible: C2 becomes C3.
    assert_eq!(
        c("located_in", &["Eps", "Alpha"]),
        "roughly even chance (0.50)"
    );
    // A rule instance: its weakest premise (here through recursion).
    assert_eq!(
        c("within", &["Gamma", "Alpha"]),
        "roughly even chance (0.50)"
    );
    assert_eq!(c("within", &["Delta", "Alpha"]), "unlikely (0.40)");
    assert_eq!(c("city_in", &["Beta", "Alpha"]), "likely (0.60)");
    // Several derivations: the strongest.
    assert_eq!(c("listed", &["Eps"]), "likely (0.60)");
    // Negations do not lower it.
    assert_eq!(c("unlisted_country", &["Alpha"]), "likely (0.65)");
    // An aggregate: the weakest tuple counted (Delta's C4).
    assert_eq!(c("cities", &["Alpha", "3"]), "unlikely (0.40)");
    // Facts written in rule text are ungraded and do not lower it.
    assert_eq!(c("noted_country", &["Alpha"]), "likely (0.65)");
    assert_eq!(c("only_noted", &["Alpha"]), "ungraded");
    // The strongest of two derivations of different height.
    assert_eq!(c("route", &["Delta", "Alpha"]), "likely (0.60)");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_proof_of_least_height_says_when_a_stronger_derivation_exists() {
    let (ws, dir) = workspace("heights");
    let fact = r#"route("Delta", "Alpha")"#;
    let shortest = provenance::why(&ws, fact, &ExplainOptions::default()).expect("holds");
    assert_eq!(shortest.confidence().to_string(), "likely (0.60)");
    assert_eq!(shortest.supports().to_string(), "unlikely (0.40)");
    assert_eq!(shortest.nodes.len(), 2, "one step: located_in");
    let text = provenance::render_text(&shortest);
    assert!(text.contains("--strongest"), "{text}");
    let strongest = provenance::why(
        &ws,
        fact,
        &ExplainOptions {
            strongest: true,
            ..ExplainOptions::default()
        },
    )
    .expect("holds");
    assert_eq!(strongest.supports(), strongest.confidence());
    let text = provenance::render_text(&strongest);
    assert!(text.contains(r#"hop("Delta", "Beta")"#), "{text}");
    assert!(
        text.contains("written at") && text.contains("(ungraded)"),
        "{text}"
    );
    assert!(!text.contains("--strongest"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&provenance::render(&strongest, Format::Json)).expect("JSON");
    assert_eq!(json["confidence"], 0.6);
    assert_eq!(json["strongest"], true);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_inference_note_is_shown_with_the_fact() {
    let (ws, dir) = workspace("note");
    let proof = provenance::why(&ws, r#"within("Eps", "Alpha")"#, &ExplainOptions::default())
        .expect("holds");
    let text = provenance::render_text(&proof);
    assert!(text.contains("fact: test-report ¶5, graded C3"), "{text}");
    assert!(
        text.contains("inferred: The text does not say where Eps is."),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&provenance::render_json(&proof)).expect("JSON");
    let source = &json["proof"]["children"][0]["sources"][0];
    assert_eq!(source["grade"], "C3");
    assert_eq!(source["inferred"], "The text does not say where Eps is.");
    assert_eq!(source["document"], "A report written for the tests");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn query_answers_get_a_confidence_column() {
    let (mut ws, dir) = workspace("answers");
    let query = r#"?- within(P, "Alpha")."#;
    let answers = ws.query(query).expect("answers");
    let column = provenance::answer_confidences(&ws, query, &answers).expect("confidences");
    let shown: Vec<(String, String)> = answers
        .strings()
        .into_iter()
        .zip(&column)
        .map(|(row, c)| (row[0].clone(), c.to_string()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Beta", "likely (0.60)"),
            ("Delta", "unlikely (0.40)"),
            ("Eps", "roughly even chance (0.50)"),
            ("Gamma", "roughly even chance (0.50)"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // A join: the weakest tuple of the best binding.
    let query = r#"?- within(P, C), place_kind(C, "country"), !listed(C)."#;
    let answers = ws.query(query).expect("answers");
    let column = provenance::answer_confidences(&ws, query, &answers).expect("confidences");
    assert_eq!(column.len(), 4);
    assert!(column.iter().all(|c| c.permille() <= 600));
    // A text that adds rules for the query alone is refused, not guessed.
    let text = "near(P) :- within(P, \"Alpha\").\n?- near(P).";
    let answers = ws.query(text).expect("answers");
    let err = provenance::answer_confidences(&ws, text, &answers).expect_err("refused");
    assert_eq!(err.codes(), ["plain-query-only"]);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn confidences_are_kept_while_the_workspace_is_unchanged() {
    let (mut ws, dir) = workspace("cache");
    let kept = {
        let mut ex = Explainer::new(&ws);
        confidence(&mut ex, &ws, "within", &["Gamma", "Alpha"]);
        ex.into_confidences()
    };
    assert!(kept.is_current(&ws));
    {
        let mut ex = Explainer::with_confidences(&ws, Some(kept));
        assert_eq!(
            confidence(&mut ex, &ws, "within", &["Gamma", "Alpha"]).permille(),
            500
        );
        let kept = ex.into_confidences();
        ws.add_clauses("more.dl", "hop(\"Gamma\", \"Alpha\").")
            .expect("accepted");
        assert!(!kept.is_current(&ws), "a change makes them stale");
    }
    // Recomputed for the new state: route(Gamma, Alpha) now has an ungraded hop.
    let mut ex = Explainer::new(&ws);
    assert_eq!(
        confidence(&mut ex, &ws, "route", &["Gamma", "Alpha"]),
        Confidence::UNGRADED
    );
    std::fs::remove_dir_all(dir).ok();
}

/// Regression: kept confidences were matched to a workspace by its sizes,
/// so retracting one fact and adding another of the same relation (every
/// size unchanged) served the old confidences. They are now tied to the
/// workspace's generation, which every change renews.
#[test]
fn confidences_are_stale_after_a_retraction_and_an_addition_of_the_same_size() {
    let (mut ws, dir) = workspace("generation");
    ws.add_clauses("more.dl", "hop(\"Gamma\", \"Alpha\").")
        .expect("accepted");
    let route = ws.program().relation_id("route").expect("route");
    let before = ws.database().len(route);
    let kept = {
        let mut ex = Explainer::new(&ws);
        assert_eq!(
            confidence(&mut ex, &ws, "route", &["Gamma", "Alpha"]),
            Confidence::UNGRADED
        );
        ex.into_confidences()
    };
    let generation = ws.generation();
    ws.retract_fact("retract.dl", "hop(\"Gamma\", \"Alpha\").")
        .expect("retracted");
    ws.add_clauses("other.dl", "hop(\"Delta\", \"Alpha\").")
        .expect("accepted");
    assert_eq!(ws.database().len(route), before, "the same sizes");
    assert_ne!(ws.generation(), generation);
    assert!(!kept.is_current(&ws), "a retraction makes them stale");
    let mut ex = Explainer::with_confidences(&ws, Some(kept));
    // Gamma reaches Alpha through graded places only now.
    assert_eq!(
        confidence(&mut ex, &ws, "route", &["Gamma", "Alpha"]).permille(),
        500
    );
    assert_eq!(
        confidence(&mut ex, &ws, "route", &["Delta", "Alpha"]),
        Confidence::UNGRADED
    );
    std::fs::remove_dir_all(dir).ok();
}

/// A grade with reliability F or credibility 6 cannot be judged: it reads
/// so (no number), it is the weakest premise of a conclusion, and any judged
/// derivation is preferred to it.
#[test]
fn a_grade_that_cannot_be_judged_reads_so_and_is_the_weakest() {
    let dir = std::env::temp_dir().join(format!("sleuth-explain-unjudged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let data = r#"{
  "source": { "id": "unjudged-test", "title": "Invented for the tests", "publisher": "the tests",
              "description": "Invented for the tests: grades that cannot be judged.", "grade": "C2",
              "paragraphs": { "count": 2, "counting": "One paragraph per place." } },
  "places": [
    { "id": "Alpha", "kind": "country", "paragraph": 1 },
    { "id": "Beta", "kind": "city", "paragraph": 2, "in": { "value": "Alpha", "grade": "B6" } },
    { "id": "Gamma", "kind": "city", "paragraph": 2, "in": { "value": "Alpha", "grade": "F1" } }
  ]
}"#;
    std::fs::write(dir.join("report.json"), data).expect("writable");
    std::fs::write(dir.join("test.dl"), RULES).expect("writable");
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/schema.dl");
    let ws = Workspace::builder()
        .data([dir.join("report.json")])
        .rules([schema, dir.join("test.dl")])
        .open()
        .unwrap_or_else(|e| panic!("the test report loads:\n{e}"));
    let mut ex = Explainer::new(&ws);
    let mut c = |rel: &str, values: &[&str]| confidence(&mut ex, &ws, rel, values);
    for place in ["Beta", "Gamma"] {
        let located = c("located_in", &[place, "Alpha"]);
        assert_eq!(located.to_string(), "cannot be judged");
        assert!(!located.is_judged() && located.likelihood().is_none());
        // The weakest premise: the conclusion cannot be judged either.
        assert_eq!(
            c("within", &[place, "Alpha"]).to_string(),
            "cannot be judged"
        );
        // A judged derivation (its `city` kind, graded C2) is preferred.
        assert_eq!(c("listed", &[place]).to_string(), "likely (0.60)");
    }
    let proof = provenance::why(
        &ws,
        r#"within("Beta", "Alpha")"#,
        &ExplainOptions::default(),
    )
    .expect("holds");
    let text = provenance::render_text(&proof);
    assert!(
        text.starts_with("within(\"Beta\", \"Alpha\")  cannot be judged, 1 source\n"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&provenance::render_json(&proof)).expect("JSON");
    assert_eq!(json["likelihood"], "cannot be judged");
    assert_eq!(json["confidence"], serde_json::Value::Null);
    let source = &json["proof"]["children"][0]["sources"][0];
    assert_eq!(source["grade"], "B6");
    assert_eq!(source["confidence"], serde_json::Value::Null);
    std::fs::remove_dir_all(dir).ok();
}
