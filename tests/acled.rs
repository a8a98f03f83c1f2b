//! Tests of ACLED exports loaded beside the report (the invented exports of
//! `tests/fixtures/acled/`): both column layouts and both date forms, the
//! mapping of each kind of event, provenance and grades in explanations,
//! places shared with the report and a conclusion of the rule library
//! resting on an ACLED arrest, near misses listed and not merged, and every
//! error located and loading nothing.

use std::path::PathBuf;

use sleuth::SourceMap;
use sleuth::diag::Code;
use sleuth::io::data::{DataLoader, GroundFact};
use sleuth::provenance::{self, ExplainOptions, Format};
use sleuth::session::{Inputs, Workspace};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/acled")
        .join(name)
}

const CURRENT: &str = "events-2024.csv";
const OLDER: &str = "events-older.csv";

fn workspace(fixtures: &[&str]) -> Workspace {
    let inputs = Inputs {
        data: fixtures.iter().map(|f| fixture(f)).collect(),
        builtin_data: true,
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

/// A loader over the report in data/, then the given export.
fn loaded(export: &str) -> (DataLoader, SourceMap) {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    loader
        .load_embedded(&mut sources)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    loader
        .load_file(&mut sources, &fixture(export))
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    (loader, sources)
}

fn facts<'a>(facts: &'a [GroundFact], relation: &str, first: &str) -> Vec<&'a GroundFact> {
    facts
        .iter()
        .filter(|f| f.relation == relation && f.values[0].to_string() == first)
        .collect()
}

fn values(f: &GroundFact) -> Vec<String> {
    f.values.iter().map(ToString::to_string).collect()
}

#[test]
fn both_layouts_and_both_date_forms_load() {
    let mut ws = workspace(&[CURRENT, OLDER]);
    let rows = answers(&mut ws, "?- event(E, _, S, P, D).");
    let want = [
        ["acled:MLI9005", "Armed clash", "Menaka", "2024-04"],
        ["acled:MOR8001", "Arrests", "Beni Mellal", "2023-11-18"],
        [
            "acled:MOR8002",
            "Disrupted weapons use",
            "Sale",
            "2023-12-02",
        ],
        ["acled:MOR9001", "Arrests", "Tangier", "2024-05-14"],
        ["acled:MOR9002", "Arrests", "Inezgane", "2024-06-03"],
        ["acled:MOR9003", "Arrests", "Tanger", "2024-06-20"],
        [
            "acled:MOR9004",
            "Peaceful protest",
            "Casablanca",
            "2024-07-05",
        ],
    ];
    assert_eq!(rows, want);
}

#[test]
fn each_kind_of_event_maps_onto_the_schema() {
    let (loader, _) = loaded(CURRENT);
    let all = &loader.data().facts;
    // An arrest: arresting and arrested actors, the count the notes give.
    let actors: Vec<Vec<String>> = facts(all, "event_actor", "acled:MOR9001")
        .into_iter()
        .map(values)
        .collect();
    assert_eq!(
        actors,
        [
            [
                "acled:MOR9001",
                "arresting",
                "Police Forces of Morocco (2021-)"
            ],
            ["acled:MOR9001", "arrested", "Islamic State (Sahel)"],
        ]
    );
    let count: Vec<Vec<String>> = facts(all, "arrested_count", "acled:MOR9001")
        .into_iter()
        .map(values)
        .collect();
    assert_eq!(count, [["acled:MOR9001", "4"]]);
    // No count where the notes give none, and no person invented.
    assert!(facts(all, "arrested_count", "acled:MOR9003").is_empty());
    assert!(
        all.iter()
            .all(|f| f.relation != "arrest" || !f.provenance.source.starts_with("acled:"))
    );
    // Other events: their actors on sides, their fatalities, associated actors with their side.
    let clash: Vec<Vec<String>> = facts(all, "event_actor", "acled:MLI9005")
        .into_iter()
        .map(values)
        .collect();
    assert!(clash.contains(&vec![
        "acled:MLI9005".into(),
        "actor1".into(),
        "Wagner Group".into()
    ]));
    assert!(clash.contains(&vec![
        "acled:MLI9005".into(),
        "actor2".into(),
        "Islamic State (Sahel)".into()
    ]));
    let deaths: Vec<Vec<String>> = facts(all, "fatalities", "acled:MLI9005")
        .into_iter()
        .map(values)
        .collect();
    assert_eq!(deaths, [["acled:MLI9005", "12"]]);
    // A rebel group is an organisation; civilians and protesters are not.
    let orgs: Vec<String> = all
        .iter()
        .filter(|f| f.relation == "organisation" && f.provenance.source.starts_with("acled:"))
        .map(|f| f.values[0].to_string())
        .collect();
    assert!(
        orgs.iter().all(|o| o == "Islamic State (Sahel)"),
        "{orgs:?}"
    );
    assert!(!orgs.is_empty());
    // A new place sits inside its district, region and country.
    let tanger: Vec<Vec<String>> = facts(all, "located_in", "Tanger")
        .into_iter()
        .map(values)
        .collect();
    assert_eq!(tanger, [["Tanger", "Tanger-Assilah"]]);
    let district = facts(all, "place_kind", "Tanger-Assilah");
    assert_eq!(district[0].values[1].to_string(), "district");
    // A date known to the month is the month, with a note and a lower grade.
    let clash_event = &facts(all, "event", "acled:MLI9005")[0];
    assert_eq!(clash_event.values[4].to_string(), "2024-04");
    assert_eq!(clash_event.provenance.grade.to_string(), "B3");
    let note = clash_event.provenance.note.as_deref().unwrap_or("");
    assert!(note.contains("time_precision 3"), "{note}");
    // A place known only roughly: a note too.
    let near = &facts(all, "event", "acled:MOR9003")[0];
    assert!(
        near.provenance
            .note
            .as_deref()
            .unwrap_or("")
            .contains("geo_precision 2")
    );
    // Each event is its own source, citing ACLED's sources in its description.
    let source = loader
        .data()
        .source("acled:MOR9002")
        .expect("a source per event");
    assert!(
        source
            .description
            .contains("Invented Weekly; Invented Radio"),
        "{}",
        source.description
    );
    assert_eq!(source.paragraphs, 1);
}

#[test]
fn every_event_fact_fits_the_base_schema() {
    let (loader, _) = loaded(CURRENT);
    let mut filled = std::collections::BTreeSet::new();
    for fact in &loader.data().facts {
        let columns = sleuth::io::data::base_relation(&fact.relation)
            .unwrap_or_else(|| panic!("{} is not a base relation", fact.relation));
        let types: Vec<_> = fact.values.iter().map(sleuth::Value::ty).collect();
        let expected: Vec<_> = columns.iter().map(|(_, ty)| *ty).collect();
        assert_eq!(types, expected, "{}", fact.to_datalog());
        filled.insert(fact.relation.as_str());
    }
    for name in sleuth::io::acled::EVENT_RELATIONS {
        assert!(filled.contains(name), "no event fact fills {name}");
    }
}

#[test]
fn why_cites_the_row_and_its_grade() {
    let ws = workspace(&[CURRENT]);
    let proof = provenance::why(
        &ws,
        "event(\"acled:MOR9001\", \"Strategic developments\", \"Arrests\", \"Tangier\", \"2024-05-14\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let text = provenance::render(&proof, Format::Text);
    assert!(text.contains("acled:MOR9001 ¶1, graded B2"), "{text}");
    let proof = provenance::why(
        &ws,
        "event(\"acled:MLI9005\", \"Battles\", \"Armed clash\", \"Menaka\", \"2024-04\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let text = provenance::render(&proof, Format::Text);
    assert!(
        text.contains("B3") && text.contains("time_precision 3"),
        "{text}"
    );
}

#[test]
fn a_place_the_report_declares_is_the_same_place() {
    let (loader, _) = loaded(CURRENT);
    let all = &loader.data().facts;
    // Tangier and Inezgane keep the report's kind and containment only.
    for place in ["Tangier", "Inezgane"] {
        for relation in ["place_kind", "located_in"] {
            let sources: Vec<&str> = facts(all, relation, place)
                .iter()
                .map(|f| f.provenance.source.as_str())
                .collect();
            assert_eq!(sources, ["morocco-sahel-recruitment"], "{relation} {place}");
        }
    }
    assert!(
        loader.data().conflicts().is_empty(),
        "{:?}",
        loader.data().conflicts()
    );
}

#[test]
fn a_conclusion_of_the_library_rests_on_an_acled_arrest() {
    let mut ws = workspace(&[CURRENT]);
    let rows = answers(&mut ws, "?- arrest_at_cell_place(E, \"op-2023-10\", P).");
    assert_eq!(
        rows,
        [["acled:MOR9001", "Tangier"], ["acled:MOR9002", "Inezgane"]]
    );
    let proof = provenance::why(
        &ws,
        "arrest_at_cell_place(\"acled:MOR9001\", \"op-2023-10\", \"Tangier\")",
        &ExplainOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let cited: Vec<String> = proof.citations().iter().map(|c| c.short()).collect();
    assert!(
        cited.iter().any(|c| c.contains("acled:MOR9001")),
        "{cited:?}"
    );
    assert!(
        cited
            .iter()
            .any(|c| c.contains("morocco-sahel-recruitment")),
        "{cited:?}"
    );
    // The event's country comes from the report's geography.
    let rows = answers(&mut ws, "?- event_country(\"acled:MOR9002\", C).");
    assert_eq!(rows, [["Morocco"]]);
    let rows = answers(&mut ws, "?- organisation_event_in(O, T, _).");
    assert_eq!(rows, [["Islamic State (Sahel)", "Sahel"]]);
}

#[test]
fn near_misses_are_listed_not_merged() {
    let ws = workspace(&[CURRENT]);
    let found: Vec<(String, String)> = ws
        .possible_matches()
        .into_iter()
        .map(|m| (m.acled, m.known))
        .collect();
    assert_eq!(
        found,
        [
            ("Tanger".to_string(), "Tangier".to_string()),
            (
                "Islamic State (Sahel)".to_string(),
                "Islamic State in the Sahel".to_string()
            ),
        ]
    );
    // Loading the export says so.
    let mut ws = workspace(&[]);
    let submission = ws
        .load_file(&fixture(CURRENT))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let notes = submission.notes.join("\n");
    assert!(
        notes.contains("possible match: ACLED's place `Tanger` may be `Tangier`"),
        "{notes}"
    );
    let text = sleuth::io::acled::matches_text(&ws.possible_matches());
    assert!(
        text.contains("place `Tanger` (acled:MOR9003) may be `Tangier`"),
        "{text}"
    );
}

#[test]
fn the_same_export_again_adds_nothing() {
    let (mut loader, mut sources) = loaded(CURRENT);
    let again = loader
        .load_file(&mut sources, &fixture(CURRENT))
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    assert!(again.is_empty());
}

/// Loads a text made from the current fixture by `edit`, expecting an error;
/// checks its code and location and that nothing was loaded.
fn rejected(edit: impl Fn(&str) -> String, code: Code, at: &str, words: &str) {
    let text = edit(&std::fs::read_to_string(fixture(CURRENT)).expect("fixture"));
    let (mut loader, mut sources) = loaded(OLDER);
    let before = loader.data().clone();
    let d = loader
        .load_str(&mut sources, "bad.csv", &text)
        .expect_err("a bad export");
    let rendered = d.render(&sources);
    assert_eq!(d.code, code, "{rendered}");
    let span = d.span.expect("located");
    assert_eq!(sources.location(span), at, "{rendered}");
    assert!(rendered.contains(words), "{rendered}");
    assert_eq!(*loader.data(), before, "nothing loaded");
}

#[test]
fn missing_columns_are_named() {
    rejected(
        |t| t.replacen("location,", "place,", 1),
        Code::NotAcled,
        "bad.csv:1:1",
        "lacks 1 column: `location`",
    );
}

#[test]
fn a_bad_date_is_located() {
    rejected(
        |t| t.replace("MOR9002,2024-06-03", "MOR9002,3 Juin 2024"),
        Code::BadDate,
        "bad.csv:3:9",
        "column `event_date`",
    );
}

#[test]
fn a_bad_number_is_located() {
    rejected(
        |t| {
            t.replace(
                "a clash between the army and militants.,12,",
                "a clash between the army and militants.,many,",
            )
        },
        Code::BadValue,
        "bad.csv:6:336",
        "column `fatalities`: `many` is not a count",
    );
}

#[test]
fn a_bad_precision_is_located() {
    rejected(
        |t| t.replace("MOR9003,2024-06-20,2024,1,", "MOR9003,2024-06-20,2024,7,"),
        Code::BadValue,
        "bad.csv:4:25",
        "column `time_precision`",
    );
}

#[test]
fn a_wrong_column_count_is_located() {
    rejected(
        |t| {
            t.replace(
                "Invented Daily,National,\"Invented for tests: a small",
                "Invented Daily,\"Invented for tests: a small",
            )
        },
        Code::BadCsv,
        "bad.csv:5:1",
        "has 30 fields, the header has 31",
    );
}

#[test]
fn a_bad_row_in_a_session_changes_nothing() {
    let mut ws = workspace(&[]);
    let before = ws.facts().len();
    let dir = std::env::temp_dir().join(format!("sleuth-acled-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.csv");
    let text = std::fs::read_to_string(fixture(CURRENT)).expect("fixture");
    std::fs::write(&path, text.replace("2024-07-05", "2024-13-05")).expect("write");
    let err = ws.load_file(&path).expect_err("bad date");
    assert!(err.render().contains("bad-date"), "{}", err.render());
    assert_eq!(ws.facts().len(), before);
    assert!(answers(&mut ws, "?- event(E, _, _, _, _).").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_command_line_lists_and_notes_near_misses() {
    let sleuth = env!("CARGO_BIN_EXE_sleuth");
    let export = fixture(CURRENT);
    let out = std::process::Command::new(sleuth)
        .arg("matches")
        .arg("--data")
        .arg(&export)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("place `Tanger` (acled:MOR9003) may be `Tangier`"),
        "{text}"
    );
    assert!(text.ends_with("2 possible matches: not merged; if one is the same, correct the name in the export and load it again\n"), "{text}");
    let out = std::process::Command::new(sleuth)
        .args(["query", "--data"])
        .arg(&export)
        .arg("?- arrested_count(E, N).")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(notes.contains("note: 2 possible matches"), "{notes}");
    // A bad export: the error, and no answers.
    let dir = std::env::temp_dir().join(format!("sleuth-acled-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "event_id_cnty,event_date\nMOR1,2024-05-14\n").expect("write");
    let out = std::process::Command::new(sleuth)
        .args(["query", "--data"])
        .arg(&bad)
        .arg("?- event(E, _, _, _, _).")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[not-acled]") && err.contains("`location`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_saved_session_keeps_its_acled_events() {
    let mut ws = workspace(&[]);
    ws.load_file(&fixture(CURRENT))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let dir = std::env::temp_dir().join(format!("sleuth-acled-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let saved = dir.join("session.dl");
    ws.save_session(&saved)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let mut again = workspace(&[]);
    again
        .load_file(&saved)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let rows = answers(&mut again, "?- arrested_count(E, N).");
    assert_eq!(rows, [["acled:MOR9001", "4"], ["acled:MOR9002", "3"]]);
    let _ = std::fs::remove_dir_all(&dir);
}
