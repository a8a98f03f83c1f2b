//! Silence is not evidence: every negated atom a proof relies on is listed
//! as an assumption about what was loaded, apart from the evidence, in
//! text, JSON, DOT and the HTML report; a conclusion that rests on the
//! absence of an event is marked wherever it prints with its confidence;
//! a conclusion without negation carries neither.

#[path = "viz/support.rs"]
mod support;

use serde_json::Value as Json;
use sleuth::provenance::{self, ExplainOptions, Format, SILENCE_MARK};
use sleuth::repl::Repl;
use sleuth::session::Workspace;
use sleuth::viz::{self, ReportOptions};

const SOURCE: &str = "morocco-sahel-recruitment";
const THEATER_ARREST: &str = r#"theater_arrest_without_home_record("almskad-moroccan-1")"#;
const HOTSPOT: &str = r#"recurring_hotspot("Tangier")"#;
const PIPELINE: &str = r#"recruitment_pipeline("Morocco", "Somalia")"#;

fn workspace() -> Workspace {
    Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads")
}

fn explain(ws: &Workspace, fact: &str, format: Format) -> String {
    let proof = provenance::why(ws, fact, &ExplainOptions::default())
        .unwrap_or_else(|e| panic!("{fact}: {e}"));
    provenance::render(&proof, format)
}

/// The rule once called `undetected_until_theater` concluded that people
/// went undetected at home from the mere absence of an earlier arrest in
/// the one report loaded. Its explanation must say that it assumes it.
#[test]
fn issue_12_undetected_until_theater_is_renamed_and_its_explanation_carries_its_assumption() {
    let ws = workspace();
    let proof = provenance::why(&ws, THEATER_ARREST, &ExplainOptions::default()).expect("holds");
    let assumed: Vec<String> = proof.assumptions().iter().map(|a| a.atom()).collect();
    assert_eq!(
        assumed,
        [
            r#"theater_country("Somalia", "Morocco")"#,
            r#"arrested_at_home_before("almskad-moroccan-1", "2023-11")"#,
        ]
    );
    assert!(proof.rests_on_silence());
    let text = provenance::render(&proof, Format::Text);
    assert!(
        text.contains(&format!(
            "  - assumes no record of arrested_at_home_before(\"almskad-moroccan-1\", \"2023-11\") in the loaded sources (event; searched: {SOURCE})\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "  - assumes no record of theater_country(\"Somalia\", \"Morocco\") in the loaded sources (background; searched: {SOURCE})\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{SILENCE_MARK}: this conclusion rests on the absence of an event in the loaded sources, not on a stated fact\n"
        )),
        "{text}"
    );
    // The assumptions come after the evidence and its citations.
    assert!(text.find("cited:").expect("cited") < text.find("assumptions (").expect("listed"));
    // The old name is gone from the library.
    let e = provenance::why(
        &ws,
        r#"undetected_until_theater("almskad-moroccan-1")"#,
        &ExplainOptions::default(),
    )
    .expect_err("no such relation");
    assert!(
        e.render().contains("undetected_until_theater"),
        "{}",
        e.render()
    );
}

#[test]
fn assumptions_in_json_name_the_atom_its_kind_and_the_sources_searched() {
    let ws = workspace();
    let json: Json =
        serde_json::from_str(&explain(&ws, THEATER_ARREST, Format::Json)).expect("valid JSON");
    assert_eq!(json["rests_on_silence"], true);
    let all = json["assumptions"].as_array().expect("an array");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["relation"], "arrested_at_home_before");
    assert_eq!(
        all[1]["atom"],
        r#"arrested_at_home_before("almskad-moroccan-1", "2023-11")"#
    );
    assert_eq!(all[1]["kind"], "event");
    assert_eq!(all[1]["searched"], serde_json::json!([SOURCE]));
    assert_eq!(all[0]["kind"], "background");
    // The rule instance that relies on them carries them on its node.
    let root = &json["proof"];
    assert_eq!(root["kind"], "derived");
    assert_eq!(root["assumptions"], json["assumptions"]);
    let negations: Vec<&Json> = root["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter(|c| c["kind"] == "negation")
        .collect();
    assert_eq!(negations.len(), 2);
    assert_eq!(negations[1]["assumption"]["kind"], "event");
    assert_eq!(
        negations[1]["assumption"]["searched"],
        serde_json::json!([SOURCE])
    );
}

#[test]
fn assumptions_in_dot_are_notes_and_an_event_absence_is_filled_and_labelled() {
    let ws = workspace();
    let dot = explain(&ws, THEATER_ARREST, Format::Dot);
    let event = dot
        .lines()
        .find(|l| l.contains("no fact arrested_at_home_before"))
        .expect("the negation's node");
    assert!(event.contains("shape=note"), "{event}");
    assert!(event.contains("fillcolor="), "{event}");
    assert!(
        event.contains(&format!(
            "assumed, not evidence (event; searched: {SOURCE})"
        )),
        "{event}"
    );
    let background = dot
        .lines()
        .find(|l| l.contains("no fact theater_country"))
        .expect("the negation's node");
    assert!(
        background.contains("shape=note, style=dashed"),
        "{background}"
    );
    assert!(!background.contains("fillcolor="), "{background}");
    assert!(
        dot.contains(&format!("  label=\"{SILENCE_MARK}:")),
        "the graph says the conclusion rests on silence\n{dot}"
    );
}

#[test]
fn a_conclusion_without_negation_has_no_assumptions_and_no_mark() {
    let ws = workspace();
    let proof = provenance::why(&ws, HOTSPOT, &ExplainOptions::default()).expect("holds");
    assert!(proof.assumptions().is_empty());
    assert!(!proof.rests_on_silence());
    let text = provenance::render(&proof, Format::Text);
    assert!(!text.contains("assum"), "{text}");
    assert!(!text.contains(SILENCE_MARK), "{text}");
    let json: Json = serde_json::from_str(&provenance::render(&proof, Format::Json)).expect("JSON");
    assert_eq!(json["assumptions"], serde_json::json!([]));
    assert_eq!(json["rests_on_silence"], false);
    assert!(json["proof"].get("assumptions").is_none());
    let dot = provenance::render(&proof, Format::Dot);
    assert!(!dot.contains("\n  label="), "{dot}");
    assert!(!dot.contains("shape=note"), "{dot}");
}

/// Absences of geography (a theater with no area in the origin country)
/// are listed, but do not make a conclusion rest on silence.
#[test]
fn a_background_absence_is_listed_without_the_mark() {
    let ws = workspace();
    let proof = provenance::why(&ws, PIPELINE, &ExplainOptions::default()).expect("holds");
    let assumed = proof.assumptions();
    assert!(!assumed.is_empty());
    assert!(assumed.iter().all(|a| a.relation == "theater_country"));
    assert!(assumed.iter().all(|a| !a.is_event()));
    assert!(!proof.rests_on_silence());
    let text = provenance::render(&proof, Format::Text);
    assert!(text.contains("(background; searched:"), "{text}");
    assert!(!text.contains(SILENCE_MARK), "{text}");
}

#[test]
fn answers_with_confidence_are_marked_when_they_rest_on_silence() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    repl.execute(
        ":confidence ?- theater_arrest_without_home_record(P).",
        &mut out,
    )
    .expect("answers");
    let text = String::from_utf8(out).expect("UTF-8");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split_whitespace().collect();
    assert_eq!(header, ["P", "confidence", "sources", "assumption"]);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("moroccan") || l.contains("syrian"))
        .collect();
    assert_eq!(rows.len(), 6, "{text}");
    assert!(rows.iter().all(|r| r.ends_with(SILENCE_MARK)), "{text}");

    let mut out = Vec::new();
    repl.execute(":confidence ?- recurring_hotspot(P).", &mut out)
        .expect("answers");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(!text.contains("assumption"), "{text}");
    assert!(!text.contains(SILENCE_MARK), "{text}");
}

/// For each answer of a query, whether it rests on silence.
fn silent(ws: &mut Workspace, query: &str) -> Vec<(String, bool)> {
    let answers = ws.query(query).expect("a valid query");
    let marks = provenance::answers_resting_on_silence(ws, query, &answers).expect("marks");
    answers
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .zip(marks)
        .collect()
}

#[test]
fn a_query_rests_on_silence_through_its_relations_or_its_own_negations() {
    let mut ws = workspace();
    let all = |ws: &mut Workspace, q: &str| silent(ws, q).into_iter().all(|(_, s)| s);
    let none = |ws: &mut Workspace, q: &str| silent(ws, q).into_iter().all(|(_, s)| !s);
    assert!(all(&mut ws, "?- theater_arrest_without_home_record(P)."));
    assert!(all(&mut ws, "?- senior_foreign_member(P, O)."));
    // The query's own negation of an event relation.
    assert!(all(&mut ws, "?- nationality(P, C), !arrest(P, _, _)."));
    // Negations of geography, directly or through the pipelines, do not.
    assert!(none(&mut ws, "?- recruitment_pipeline(C, T)."));
    assert!(none(&mut ws, "?- place_kind(P, K), !located_in(P, _)."));
    assert!(none(&mut ws, "?- recurring_hotspot(P)."));
    // Through an aggregate counting tuples that rest on silence.
    assert!(all(
        &mut ws,
        "?- N = count : { theater_arrest_without_home_record(_) }."
    ));
    // Answers that do not come from the query are an error, not marks.
    let answers = ws.query("?- recurring_hotspot(P).").expect("answers");
    let e = provenance::answers_resting_on_silence(&ws, "?- operation(O, D).", &answers)
        .expect_err("columns differ");
    assert!(e.render().contains("answers-mismatch"), "{}", e.render());
}

/// A tuple derived both by a rule that assumes an absence of an event and
/// by one that does not stands on the second: only the answers with no
/// other derivation are marked.
#[test]
fn an_answer_with_a_derivation_free_of_assumed_events_is_not_marked() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    repl.execute(
        ".decl flagged(person: symbol)\nflagged(P) :- rank(P, \"senior\").\nflagged(P) :- nationality(P, _), !contact_with(P, _).",
        &mut out,
    )
    .expect("the rules load");
    let marks = silent(repl.workspace_mut(), "?- flagged(P).");
    let seniors: Vec<&str> = marks
        .iter()
        .filter(|(_, s)| !s)
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(seniors, ["ofin-moroccan-1", "ofin-syrian-1"], "{marks:?}");
    assert!(marks.iter().filter(|(_, s)| *s).count() >= 4, "{marks:?}");
    let mut out = Vec::new();
    repl.execute(":confidence ?- flagged(P).", &mut out)
        .expect("answers");
    let text = String::from_utf8(out).expect("UTF-8");
    for line in text.lines().filter(|l| l.starts_with("ofin-")) {
        assert!(!line.contains(SILENCE_MARK), "{text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("almskad-") && l.ends_with(SILENCE_MARK)),
        "{text}"
    );
}

/// A relation outside the public schema has no classification, so its
/// absence is not taken for granted: it counts as an event.
#[test]
fn an_unclassified_relation_counts_as_an_event() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    repl.execute(
        ".decl cleared(person: symbol)\ncleared(\"ofin-syrian-1\").\n.decl uncleared(person: symbol)\nuncleared(P) :- nationality(P, _), !cleared(P).",
        &mut out,
    )
    .expect("the rules load");
    let ws = repl.workspace();
    let proof = provenance::why(
        ws,
        r#"uncleared("almskad-moroccan-1")"#,
        &ExplainOptions::default(),
    )
    .expect("holds");
    let assumed = proof.assumptions();
    assert_eq!(assumed.len(), 1);
    assert!(assumed[0].is_event());
    assert!(proof.rests_on_silence());
    // The fact typed in the session was searched too.
    assert_eq!(assumed[0].searched.len(), 1, "{:?}", assumed[0].searched);
}

#[test]
fn the_report_lists_assumptions_and_marks_rows_that_rest_on_silence() {
    let ws = workspace();
    let explain = viz::proof_explainer(&ws);
    let options = ReportOptions {
        explain: Some(&explain),
        graphviz: false,
        ..ReportOptions::default()
    };
    let html = viz::report_html(&ws, &options);
    let doc = support::xml(&html);
    let section = |id: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("section") && n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("a section `{id}`"))
    };
    let count = |id: &str, class: &str| {
        section(id)
            .descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .count()
    };
    assert_eq!(count("theater_arrest_without_home_record", "silence"), 6);
    assert_eq!(count("theater_arrest_without_home_record", "assumes"), 12);
    assert_eq!(count("recurring_hotspot", "silence"), 0);
    assert_eq!(count("recurring_hotspot", "assumes"), 0);
    // Pipelines assume geography only: listed, not marked.
    assert!(count("recruitment_pipeline", "assumes") > 0);
    assert_eq!(count("recruitment_pipeline", "silence"), 0);
    let heading: String = section("theater_arrest_without_home_record")
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(
        heading.contains("not evidence that they went undetected"),
        "{heading}"
    );
}

/// The names negated in a rule's text (`!name(`), outside string literals.
fn negated(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_string = false;
    let chars: Vec<char> = rule.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' {
            in_string = !in_string;
        }
        if in_string || c != '!' {
            continue;
        }
        let name: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect();
        if !name.is_empty() && chars.get(i + 1 + name.len()) == Some(&'(') {
            out.push(name);
        }
    }
    out
}

/// Every rule of the library that negates says in its comment which
/// absence it assumes, with the kind the engine gives that absence: a rule
/// that assumes an event did not happen cannot be described as resting on
/// geography.
#[test]
fn every_negating_rule_of_the_library_says_what_absence_it_assumes() {
    let ws = workspace();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("rules/ exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_none_or(|e| e != "dl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("//") || line.starts_with('.') {
                continue;
            }
            let names = negated(line);
            if names.is_empty() {
                continue;
            }
            let event = names.iter().any(|n| {
                let rel = ws.program().relation_id(n).expect("declared");
                provenance::absence_kind(&ws, rel) == sleuth::io::data::FactKind::Event
            });
            let expected = if event {
                "// Assumes (event): "
            } else {
                "// Assumes (background): "
            };
            let comments: Vec<&str> = lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.starts_with("//"))
                .copied()
                .collect();
            assert!(
                comments.iter().any(|c| c.starts_with(expected)),
                "{}:{}: `{line}` needs a comment `{expected}...` above it",
                path.display(),
                i + 1
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} negating rules found");
}

/// The mark on an explanation is the conclusion's, not only the shown
/// proof's: a tuple that also follows without an assumed event is not
/// marked, and its proof says why when it shows the other derivation.
#[test]
fn an_explanation_is_marked_only_when_every_derivation_assumes_an_event() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    repl.execute(
        ".decl flagged(person: symbol)\nflagged(P) :- nationality(P, _), !contact_with(P, _).\nflagged(P) :- rank(P, \"senior\").",
        &mut out,
    )
    .expect("the rules load");
    let ws = repl.workspace();
    let opts = ExplainOptions::default();
    let senior = provenance::why(ws, r#"flagged("ofin-syrian-1")"#, &opts).expect("holds");
    assert!(!senior.rests_on_silence());
    let text = provenance::render(&senior, Format::Text);
    assert!(!text.contains(SILENCE_MARK), "{text}");
    // The proof shown is the first rule's, which assumes the absence.
    assert!(senior.assumes_an_event());
    assert!(
        text.contains("the conclusion also follows from a derivation that assumes none"),
        "{text}"
    );
    let other = provenance::why(ws, r#"flagged("almskad-moroccan-1")"#, &opts).expect("holds");
    assert!(other.rests_on_silence());
    assert!(other.assumes_an_event());
}

/// The chart labels each pipeline with its confidence; one that rests on
/// silence carries the mark there too.
#[test]
fn a_pipeline_resting_on_silence_is_marked_on_the_chart() {
    use sleuth::Value;
    use sleuth::viz::RowExplanation;
    let explain = |relation: &str, row: &[Value]| -> Option<RowExplanation> {
        (relation == "recruitment_pipeline").then(|| RowExplanation {
            confidence: "likely (0.71)".to_string(),
            rests_on_silence: row[0].to_string() == "Spain",
            ..RowExplanation::default()
        })
    };
    let options = ReportOptions {
        graphviz: false,
        explain: Some(&explain),
        ..ReportOptions::default()
    };
    let html = viz::report_html(&workspace(), &options);
    assert!(
        html.contains(&format!("Spain → Sahel: likely (0.71), {SILENCE_MARK}")),
        "the Spanish pipeline's edge is marked"
    );
    assert!(html.contains("Morocco → Somalia: likely (0.71)<"));
    // The edge's tooltip and label, and the row of the pipelines table.
    assert_eq!(html.matches(SILENCE_MARK).count(), 3);
}

/// Only a source of events could have recorded an event: a file that gives
/// geography alone is not among the sources searched for an arrest, but is
/// for an absence of geography.
#[test]
fn an_event_is_searched_for_only_in_sources_of_events() {
    let mut repl = Repl::new(workspace());
    let mut out = Vec::new();
    repl.execute("located_in(\"Nowhere\", \"Morocco\").", &mut out)
        .expect("a fact of geography loads");
    let ws = repl.workspace();
    let opts = ExplainOptions::default();
    let proof = provenance::why(ws, THEATER_ARREST, &opts).expect("holds");
    let assumed = proof.assumptions();
    let background = &assumed[0];
    let event = &assumed[1];
    assert!(!background.is_event() && event.is_event());
    assert_eq!(*event.searched, [SOURCE]);
    assert_eq!(background.searched.len(), 2, "{:?}", background.searched);
    assert!(background.searched.iter().any(|s| s.starts_with("<repl")));
}
