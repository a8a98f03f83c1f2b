//! Tests of documents that merge: several sources declaring the same ids
//! (the invented documents of `tests/fixtures/merge/` beside the report in
//! data/). Identical values become one tuple with one attestation per
//! source; a single-valued field given differently keeps both values as
//! facts and is listed as a conflict; an id twice in one document and a
//! changed document of a loaded source are errors that change nothing.

use std::path::PathBuf;
use std::process::Command;

use sleuth::io::data::DataLoader;
use sleuth::provenance::{self, ExplainOptions, Format};
use sleuth::session::{Inputs, Workspace};
use sleuth::{SourceMap, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/merge").join(name)
}

const CORROBORATING: &str = "corroborating.json";
const CONFLICTING: &str = "conflicting.json";
const RELAYING: &str = "relaying.json";

/// A workspace over the built-in data and rules, plus fixtures.
fn workspace(fixtures: &[&str], builtin_data: bool) -> Workspace {
    let inputs = Inputs {
        data: fixtures.iter().map(|f| fixture(f)).collect(),
        builtin_data,
        ..Inputs::default()
    };
    Workspace::builder()
        .inputs(inputs)
        .open()
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

fn answers(ws: &mut Workspace, query: &str) -> Vec<Vec<String>> {
    ws.query(query)
        .unwrap_or_else(|e| panic!("{query}: {}", e.render()))
        .strings()
}

/// A loader over data/ and the source map it registered into.
fn report_loader() -> (DataLoader, SourceMap) {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    loader
        .load_embedded(&mut sources)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    (loader, sources)
}

#[test]
fn identical_values_give_one_tuple_with_an_attestation_per_source() {
    let mut ws = workspace(&[CORROBORATING], true);
    let rows = answers(&mut ws, "?- operation(\"op-2023-10\", D).");
    assert_eq!(rows, [["2023-10"]], "one tuple");
    let attestations: Vec<&str> = ws
        .facts()
        .iter()
        .filter(|f| f.relation == "operation" && f.values[0].to_string() == "op-2023-10")
        .map(|f| f.provenance.source.as_str())
        .collect();
    assert_eq!(
        attestations,
        ["morocco-sahel-recruitment", "invented-corroborating-wire"]
    );
    // The explanation cites both documents.
    let proof = provenance::why(
        &ws,
        "operation(\"op-2023-10\", \"2023-10\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let text = provenance::render(&proof, Format::Text);
    assert!(
        text.contains("morocco-sahel-recruitment ¶5")
            && text.contains("invented-corroborating-wire ¶1"),
        "{text}"
    );
    // So does the explanation of a conclusion resting on a shared arrest.
    let proof = provenance::why(
        &ws,
        "arrest(\"sale-moroccan-1\", \"Sale\", \"2024-02\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let cited: Vec<String> = proof.citations().iter().map(|c| c.short()).collect();
    assert_eq!(cited.len(), 2, "{cited:?}");
    assert!(ws.conflicts().is_empty(), "{:?}", ws.conflicts());
}

#[test]
fn conflicting_values_are_both_facts_and_listed() {
    let mut ws = workspace(&[CONFLICTING], true);
    let dates = answers(&mut ws, "?- operation(\"op-2023-10\", D).");
    assert_eq!(dates, [["2023-09"], ["2023-10"]]);
    let countries = answers(&mut ws, "?- within(\"Ofin\", C), country(C).");
    assert_eq!(countries, [["Kenya"], ["Somalia"]]);
    let conflicts = ws.conflicts();
    let listed: Vec<(&str, &str, &str)> = conflicts
        .iter()
        .map(|c| (c.kind.as_str(), c.entity.as_str(), c.field.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("arrest", "ofin-syrian-1", "date at Ofin"),
            ("operation", "op-2023-10", "date"),
            ("place", "Ofin", "in"),
        ]
    );
    let op = &conflicts[1];
    let values: Vec<(String, &str, u32, String)> = op
        .values
        .iter()
        .map(|v| {
            (
                v.value.to_string(),
                v.source.as_str(),
                v.paragraph,
                v.grade.to_string(),
            )
        })
        .collect();
    assert_eq!(
        values,
        [
            (
                "2023-09".into(),
                "invented-conflicting-bulletin",
                1,
                "C3".into()
            ),
            (
                "2023-10".into(),
                "morocco-sahel-recruitment",
                5,
                "C2".into()
            ),
        ]
    );
    // The report's inferred value keeps its note.
    let ofin = &conflicts[2];
    let somalia = ofin
        .values
        .iter()
        .find(|v| v.value == Value::Symbol("Somalia".into()))
        .expect("the report's value");
    assert!(somalia.inferred.is_some());
    // Each value is explained from its own source only.
    let proof = provenance::why(
        &ws,
        "operation(\"op-2023-10\", \"2023-09\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let cited: Vec<String> = proof.citations().iter().map(|c| c.short()).collect();
    assert_eq!(cited.len(), 1, "{cited:?}");
    assert!(
        cited[0].starts_with("invented-conflicting-bulletin"),
        "{cited:?}"
    );
}

#[test]
fn conclusions_of_each_document_alone_hold_after_loading_both() {
    let query = "?- recurring_hotspot(P).";
    let report_alone = answers(&mut workspace(&[], true), query);
    let fixture_alone = answers(&mut workspace(&[CORROBORATING], false), query);
    let both = answers(&mut workspace(&[CORROBORATING, CONFLICTING], true), query);
    assert!(
        fixture_alone.contains(&vec!["Sale".to_string()]),
        "{fixture_alone:?}"
    );
    assert!(!report_alone.contains(&vec!["Sale".to_string()]));
    for row in report_alone.iter().chain(&fixture_alone) {
        assert!(both.contains(row), "{row:?} lost in {both:?}");
    }
}

#[test]
fn a_relaying_document_merges_and_shares_its_origin() {
    let ws = workspace(&[CORROBORATING, RELAYING], false);
    let sources: Vec<&str> = ws
        .facts()
        .iter()
        .filter(|f| f.relation == "operation" && f.values[0].to_string() == "op-invented-2023-06")
        .map(|f| f.provenance.source.as_str())
        .collect();
    assert_eq!(
        sources,
        ["invented-corroborating-wire", "invented-relay-digest"]
    );
    let data = sleuth::io::data::DataSet {
        sources: ws.documents().to_vec(),
        facts: Vec::new(),
    };
    assert_eq!(
        data.origin_of("invented-relay-digest"),
        data.origin_of("invented-corroborating-wire")
    );
    assert!(ws.conflicts().is_empty());
}

#[test]
fn an_id_twice_in_one_document_is_still_an_error() {
    let (mut loader, mut sources) = report_loader();
    let doc = r#"{
  "source": { "id": "twice", "title": "t", "publisher": "p", "description": "invented for tests",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Tangier", "kind": "city", "in": "Morocco", "paragraph": 1 },
              { "id": "Tangier", "kind": "city", "in": "Morocco", "paragraph": 1 } ]
}"#;
    let before = loader.data().clone();
    let err = loader
        .load_str(&mut sources, "twice.json", doc)
        .expect_err("declared twice in one document");
    let text = err.render(&sources);
    assert_eq!(err.code, "duplicate-id", "{text}");
    assert!(text.contains("twice.json:5:23"), "{text}");
    assert!(text.contains("first declared at twice.json:4:23"), "{text}");
    assert_eq!(loader.data(), &before);
}

#[test]
fn the_same_document_loaded_twice_is_a_no_op() {
    let (mut loader, mut sources) = report_loader();
    let before = loader.data().clone();
    let text = std::fs::read_to_string(root().join("data/morocco-sahel-recruitment.json"))
        .expect("the report");
    // Laid out differently, the same JSON is the same document.
    let relaid = text.replace("\n", "\n  ");
    for (name, text) in [("again.json", &text), ("relaid.json", &relaid)] {
        let loaded = loader
            .load_str(&mut sources, name, text)
            .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
        assert!(loaded.is_empty());
        assert!(loader.is_loaded_again(text));
        assert_eq!(loader.data(), &before);
    }
}

#[test]
fn the_same_source_with_other_content_is_an_error_that_changes_nothing() {
    let (mut loader, mut sources) = report_loader();
    let before = loader.data().clone();
    let text = std::fs::read_to_string(root().join("data/morocco-sahel-recruitment.json"))
        .expect("the report")
        .replace("\"date\": \"2023-10\"", "\"date\": \"2023-11\"");
    let err = loader
        .load_str(&mut sources, "edited.json", &text)
        .expect_err("a changed document of a loaded source");
    let rendered = err.render(&sources);
    assert_eq!(err.code, "duplicate-source", "{rendered}");
    assert!(rendered.contains("edited.json:3:"), "{rendered}");
    assert!(rendered.contains("^"), "{rendered}");
    assert!(err.help.is_some());
    assert_eq!(loader.data(), &before);
    assert!(!loader.is_loaded_again(&text));
}

#[test]
fn a_failing_document_leaves_data_registry_and_conflicts_as_they_were() {
    let (mut loader, mut sources) = report_loader();
    let conflicting = std::fs::read_to_string(fixture(CONFLICTING)).expect("fixture");
    loader
        .load_str(&mut sources, "conflicting.json", &conflicting)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let before = loader.data().clone();
    let conflicts_before = loader.data().conflicts();
    // Conflicts with the report (a third date), declares a new place, then
    // fails on a dangling reference.
    let bad = r#"{
  "source": { "id": "failing", "title": "t", "publisher": "p", "description": "invented for tests",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Atlantis", "kind": "country", "paragraph": 1 } ],
  "operations": [ { "id": "op-2023-10", "date": "2023-08", "paragraph": 1,
                    "conducted_by": ["Moroco"] } ]
}"#;
    let err = loader
        .load_str(&mut sources, "failing.json", bad)
        .expect_err("Moroco is not declared");
    assert_eq!(err.code, "dangling-reference");
    assert_eq!(loader.data(), &before);
    assert_eq!(loader.data().conflicts(), conflicts_before);
    // Atlantis was not kept: referring to it still fails.
    let refers = bad.replace("\"Moroco\"", "\"Atlantis\"").replace(
        r#"{ "id": "Atlantis", "kind": "country", "paragraph": 1 }"#,
        "",
    );
    let err = loader
        .load_str(&mut sources, "refers.json", &refers)
        .expect_err("Atlantis was not kept");
    assert_eq!(err.code, "dangling-reference");
}

#[test]
fn a_containment_cycle_across_documents_is_an_error() {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    let first = r#"{
  "source": { "id": "first", "title": "t", "publisher": "p", "description": "invented for tests",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Upper", "kind": "district", "paragraph": 1 },
              { "id": "Lower", "kind": "district", "in": "Upper", "paragraph": 1 } ]
}"#;
    loader
        .load_str(&mut sources, "first.json", first)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let second = r#"{
  "source": { "id": "second", "title": "t", "publisher": "p", "description": "invented for tests",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Lower", "kind": "district", "paragraph": 1 },
              { "id": "Upper", "kind": "district", "in": "Lower", "paragraph": 1 } ]
}"#;
    let before = loader.data().clone();
    let err = loader
        .load_str(&mut sources, "second.json", second)
        .expect_err("Upper in Lower in Upper");
    let text = err.render(&sources);
    assert_eq!(err.code, "containment-cycle", "{text}");
    assert!(text.contains("Upper -> Lower -> Upper"), "{text}");
    assert!(text.contains("second.json:5:"), "{text}");
    assert_eq!(loader.data(), &before);
}

#[test]
fn checks_use_every_document_s_declarations() {
    // A nationality must be a country: a place one document calls a
    // country is one for the checks, whichever document refers to it.
    let (mut loader, mut sources) = report_loader();
    let doc = r#"{
  "source": { "id": "refers", "title": "t", "publisher": "p", "description": "invented for tests",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "persons": [ { "id": "someone", "nationality": "Tangier", "paragraph": 1 } ]
}"#;
    let err = loader
        .load_str(&mut sources, "refers.json", doc)
        .expect_err("Tangier is a city in the report");
    assert_eq!(err.code, "wrong-kind");
    let doc = doc.replace("Tangier", "Spain");
    loader
        .load_str(&mut sources, "refers.json", &doc)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
}

#[test]
fn a_workspace_load_of_a_loaded_document_notes_it_and_changes_nothing() {
    let mut ws = workspace(&[], true);
    let facts = ws.facts().len();
    let done = ws
        .load_file(&root().join("data/morocco-sahel-recruitment.json"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(done.changes.is_empty(), "{:?}", done.changes);
    assert_eq!(ws.facts().len(), facts);
    assert!(
        done.notes.iter().any(|n| n.contains("already loaded")),
        "{:?}",
        done.notes
    );
    // A conflicting document loaded in the session shows its conflicts; a
    // failing one afterwards leaves them as they were.
    ws.load_file(&fixture(CONFLICTING))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let conflicts = ws.conflicts();
    assert_eq!(conflicts.len(), 3);
    let err = ws
        .load_file(&root().join("tests/fixtures/bad_data/dangling_cell_place.json"))
        .expect_err("a bad document");
    assert_eq!(err.codes(), ["dangling-reference"]);
    assert_eq!(ws.conflicts(), conflicts);
}

fn sleuth(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("sleuth runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

#[test]
fn conflicts_command_prints_an_aligned_table() {
    let (ok, out, err) = sleuth(&["conflicts", "--data", "tests/fixtures/merge"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("kind"), "{out}");
    for header in ["entity", "field", "value", "source", "paragraph", "grade"] {
        assert!(lines[0].contains(header), "{out}");
    }
    assert!(out.contains("op-2023-10"), "{out}");
    assert!(out.ends_with("3 conflicts: every value is kept as a fact; rules see them all\n"));
    // Aligned: each value starts in the same column.
    let column = lines[0].find("value").expect("a value column");
    for line in &lines[2..lines.len() - 1] {
        let cell = &line[column..];
        assert!(
            cell.starts_with("20") || cell.starts_with("Kenya") || cell.starts_with("Somalia"),
            "{line}"
        );
    }
    let (ok, out, _) = sleuth(&["conflicts"]);
    assert!(ok);
    assert!(out.starts_with("no conflicts"), "{out}");
}

#[test]
fn conflicts_command_prints_json() {
    let (ok, out, err) = sleuth(&[
        "conflicts",
        "--data",
        "tests/fixtures/merge/conflicting.json",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let array = json.as_array().expect("an array");
    assert_eq!(array.len(), 3);
    let op = array
        .iter()
        .find(|c| c["entity"] == "op-2023-10")
        .expect("the operation");
    assert_eq!(op["kind"], "operation");
    assert_eq!(op["field"], "date");
    let values = op["values"].as_array().expect("values");
    assert_eq!(values.len(), 2);
    assert_eq!(values[0]["value"], "2023-09");
    assert_eq!(values[0]["source"], "invented-conflicting-bulletin");
    assert_eq!(values[0]["paragraph"], 1);
    assert_eq!(values[0]["grade"], "C3");
    assert_eq!(values[0]["inferred"], serde_json::Value::Null);
    assert_eq!(values[1]["source"], "morocco-sahel-recruitment");
}

#[test]
fn conflicts_command_reports_a_bad_document() {
    let (ok, out, err) = sleuth(&[
        "conflicts",
        "--data",
        "tests/fixtures/bad_data/dangling_cell_place.json",
    ]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("error[dangling-reference]"), "{err}");
}

#[test]
fn the_timeline_shows_a_conflicting_date_at_both_dates_marked() {
    let ws = workspace(&[CONFLICTING], true);
    let timeline = sleuth::viz::timeline(&ws, &sleuth::viz::TimelineFilter::default())
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let op: Vec<String> = timeline
        .events
        .iter()
        .filter(|e| matches!(&e.kind, sleuth::viz::EventKind::Operation { id, .. } if id == "op-2023-10"))
        .map(|e| format!("{} {}", e.date, e.conflict_text()))
        .collect();
    assert_eq!(
        op,
        [
            "2023-09 dates differ: also 2023-10",
            "2023-10 dates differ: also 2023-09"
        ]
    );
    // Both events name the operation's places.
    let text = sleuth::viz::render_text(&timeline, false);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("op-2023-10")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert!(
            line.contains("Tangier") && line.contains("[dates differ: also"),
            "{line}"
        );
    }
    assert!(
        text.lines()
            .next()
            .expect("a header")
            .contains("[dates differ]"),
        "{text}"
    );
    // The arrest at Ofin, dated and located differently.
    assert!(
        text.contains("Ofin (Kenya or Somalia)") && text.contains("[dates differ: also 2024-03]"),
        "{text}"
    );
    // Without conflicts nothing is marked.
    let plain = sleuth::viz::timeline(&workspace(&[], true), &Default::default())
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(plain.events.iter().all(|e| !e.is_conflicting()));
}

#[test]
fn the_report_lists_the_conflicts_and_marks_the_timeline() {
    let ws = workspace(&[CONFLICTING], true);
    let html = sleuth::viz::report_html(
        &ws,
        &sleuth::viz::ReportOptions {
            graphviz: false,
            ..Default::default()
        },
    );
    let section = html
        .split("<section id=\"conflicts\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .expect("a conflicts section");
    for expected in [
        "operation <code>op-2023-10</code>",
        "2023-09",
        "invented-conflicting-bulletin ¶1",
        "morocco-sahel-recruitment ¶5",
        "place <code>Ofin</code>",
        "Kenya",
        "Somalia",
        "date at Ofin",
    ] {
        assert!(section.contains(expected), "{expected} not in {section}");
    }
    assert!(html.contains("href=\"#conflicts\""));
    assert!(
        html.contains("<td class=\"date conflict\">2023-09</td>"),
        "{html}"
    );
    assert!(html.contains("dates differ: also 2023-10"));
    // The report of agreeing sources has no such section.
    let plain = sleuth::viz::report_html(
        &workspace(&[CORROBORATING], true),
        &sleuth::viz::ReportOptions {
            graphviz: false,
            ..Default::default()
        },
    );
    assert!(!plain.contains("id=\"conflicts\""));
}
