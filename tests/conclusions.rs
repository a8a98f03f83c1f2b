//! The report's conclusions, stated as an analyst would and asserted exactly,
//! over data/ and rules/: through the library (`Workspace`) and through the
//! `sleuth query` command line.

use std::path::PathBuf;
use std::process::Command;

use sleuth::session::Workspace;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workspace() -> Workspace {
    Workspace::builder()
        .data([root().join("data")])
        .rules([root().join("rules")])
        .open()
        .expect("the report's data and the rule library load and check")
}

/// The answers to a query, values printed (symbols bare, dates ISO), sorted.
fn ask(ws: &mut Workspace, query: &str) -> Vec<Vec<String>> {
    ws.query(query)
        .unwrap_or_else(|e| panic!("{query} fails: {e:?}"))
        .strings()
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

fn column(values: &[&str]) -> Vec<Vec<String>> {
    values.iter().map(|v| vec![v.to_string()]).collect()
}

#[test]
fn recurring_hotspots_are_exactly_tangier_tetouan_and_inezgane() {
    let mut ws = workspace();
    let answers = ws.query("?- recurring_hotspot(P).").expect("runs");
    assert_eq!(answers.columns, vec!["P".to_string()]);
    assert_eq!(
        answers.strings(),
        column(&["Inezgane", "Tangier", "Tetouan"])
    );
}

#[test]
fn authorities_returned_to_each_hotspot_months_later() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- hotspot_revisit(P, Earlier, Later, Months)."),
        rows(&[
            &["Inezgane", "op-2023-10", "op-2024-01", "3"],
            &["Tangier", "op-2023-10", "op-2024-01", "3"],
            &["Tetouan", "op-2023-03", "op-2023-10", "7"],
        ])
    );
}

#[test]
fn the_recruitment_pipelines_are_exactly_these_four() {
    let mut ws = workspace();
    let pipelines = ask(&mut ws, "?- recruitment_pipeline(Origin, Theater).");
    assert_eq!(
        pipelines,
        rows(&[
            &["Morocco", "Sahel"],
            &["Morocco", "Somalia"],
            &["Spain", "Sahel"],
            &["Syria", "Somalia"],
        ])
    );
}

#[test]
fn each_pipeline_rests_on_the_evidence_the_report_gives() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- pipeline_evidence(Origin, Theater, Kind)."),
        rows(&[
            &["Morocco", "Sahel", "cells"],
            &["Morocco", "Sahel", "travel intent"],
            &["Morocco", "Somalia", "nationals active"],
            &["Spain", "Sahel", "cells"],
            &["Spain", "Sahel", "recruiters arrested"],
            &["Syria", "Somalia", "nationals active"],
        ])
    );
}

#[test]
fn no_theater_is_a_pipeline_from_its_own_country() {
    let mut ws = workspace();
    assert!(
        ask(
            &mut ws,
            "?- recruitment_pipeline(C, T), theater_country(T, C)."
        )
        .is_empty()
    );
    assert!(ask(&mut ws, "?- recruitment_pipeline(\"Somalia\", T).").is_empty());
    assert!(ask(&mut ws, "?- recruitment_pipeline(\"Mali\", T).").is_empty());
}

#[test]
fn morocco_feeds_two_theaters_and_no_other_country_does() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- multi_theater_origin(C)."),
        column(&["Morocco"])
    );
    assert_eq!(
        ask(&mut ws, "?- recruitment_pipeline(\"Morocco\", T)."),
        column(&["Sahel", "Somalia"])
    );
}

#[test]
fn the_january_2023_operation_is_the_one_joint_operation_morocco_with_spain() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- joint_operation(Op, A, B)."),
        rows(&[&["op-2023-01", "Morocco", "Spain"]])
    );
    assert_eq!(
        ask(&mut ws, "?- operation(\"op-2023-01\", D)."),
        column(&["2023-01"])
    );
    assert_eq!(
        ask(&mut ws, "?- operation(Op, \"2023-01\")."),
        column(&["op-2023-01"])
    );
}

#[test]
fn five_moroccans_were_arrested_in_somalia() {
    let mut ws = workspace();
    assert_eq!(
        ask(
            &mut ws,
            "?- nationals_arrested_in(\"Morocco\", \"Somalia\", N)."
        ),
        column(&["5"])
    );
    assert_eq!(
        ask(
            &mut ws,
            "?- nationality(P, \"Morocco\"), arrested_in_country(P, \"Somalia\")."
        ),
        column(&[
            "almskad-moroccan-1",
            "almskad-moroccan-2",
            "almskad-moroccan-3",
            "almskad-moroccan-4",
            "ofin-moroccan-1",
        ])
    );
    assert_eq!(
        ask(
            &mut ws,
            "?- nationals_arrested_in(Nationality, Country, N)."
        ),
        rows(&[
            &["Morocco", "Morocco", "1"],
            &["Morocco", "Somalia", "5"],
            &["Syria", "Somalia", "1"],
        ])
    );
}

#[test]
fn the_ofin_arrests_fall_in_february_2024_three_months_after_almskad() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- arrest(P, \"Ofin\", D)."),
        rows(&[
            &["ofin-moroccan-1", "2024-02"],
            &["ofin-syrian-1", "2024-02"]
        ])
    );
    assert_eq!(
        ask(
            &mut ws,
            "?- arrest(P, \"Almskad\", D), arrest(Q, \"Ofin\", E), N = months_between(D, E), P = \"almskad-moroccan-1\", Q = \"ofin-syrian-1\"."
        ),
        rows(&[&[
            "almskad-moroccan-1",
            "2023-11",
            "ofin-syrian-1",
            "2024-02",
            "3"
        ]])
    );
}

#[test]
fn the_january_2024_operation_hit_four_places_more_than_either_2023_moroccan_operation() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- places_per_operation(\"op-2024-01\", N)."),
        column(&["4"])
    );
    assert_eq!(
        ask(&mut ws, "?- places_per_operation(Op, N)."),
        rows(&[
            &["op-2023-01", "2"],
            &["op-2023-03", "3"],
            &["op-2023-10", "3"],
            &["op-2024-01", "4"],
        ])
    );
    assert_eq!(
        ask(&mut ws, "?- cells_per_operation(Op, N)."),
        rows(&[
            &["op-2023-01", "2"],
            &["op-2023-03", "3"],
            &["op-2023-10", "3"],
            &["op-2024-01", "4"],
        ])
    );
    // The two 2023 operations Morocco conducted alone: March and October.
    assert_eq!(
        ask(
            &mut ws,
            "?- conducted_by(Op, \"Morocco\"), !joint_operation(Op, _, _), operation(Op, D), year(D) = 2023."
        ),
        rows(&[&["op-2023-03", "2023-03"], &["op-2023-10", "2023-10"]])
    );
    assert_eq!(
        ask(&mut ws, "?- escalation(Earlier, \"op-2024-01\")."),
        column(&["op-2023-01", "op-2023-03", "op-2023-10"])
    );
    assert_eq!(
        ask(&mut ws, "?- escalation(Earlier, Later)."),
        rows(&[
            &["op-2023-01", "op-2023-03"],
            &["op-2023-01", "op-2023-10"],
            &["op-2023-01", "op-2024-01"],
            &["op-2023-03", "op-2024-01"],
            &["op-2023-10", "op-2024-01"],
        ])
    );
}

#[test]
fn foreigners_arrested_in_somalia_have_no_home_arrest_on_record() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- theater_arrest_without_home_record(P)."),
        column(&[
            "almskad-moroccan-1",
            "almskad-moroccan-2",
            "almskad-moroccan-3",
            "almskad-moroccan-4",
            "ofin-moroccan-1",
            "ofin-syrian-1",
        ])
    );
    assert!(ask(&mut ws, "?- multi_theater_fighter(P).").is_empty());
}

#[test]
fn the_senior_members_arrested_in_ofin_are_foreigners() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- senior_foreign_member(P, Org)."),
        rows(&[
            &["ofin-moroccan-1", "Islamic State in Somalia"],
            &["ofin-syrian-1", "Islamic State in Somalia"],
        ])
    );
}

#[test]
fn every_cell_lies_in_morocco_or_spain_and_served_the_sahel() {
    let mut ws = workspace();
    assert_eq!(
        ask(&mut ws, "?- cell_country(Cell, \"Spain\")."),
        column(&["op-2023-01/Almaeria"])
    );
    assert_eq!(
        ask(
            &mut ws,
            "?- cell_country(Cell, C), C != \"Morocco\", C != \"Spain\"."
        )
        .len(),
        0
    );
    assert_eq!(
        ask(&mut ws, "?- cell_theater(Cell, T), T != \"Sahel\".").len(),
        0
    );
    assert_eq!(ask(&mut ws, "?- cell(Cell, P).").len(), 12);
    assert_eq!(
        ask(&mut ws, "?- within(\"Almskad\", A)."),
        column(&["Puntland", "Somalia"])
    );
    assert_eq!(
        ask(&mut ws, "?- active_in(P, T), T != \"Somalia\".").len(),
        0
    );
}

// ---- the same conclusions through `sleuth query` ----

fn sleuth_query(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("sleuth runs");
    assert!(
        out.status.success(),
        "sleuth {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)))
}

fn cli(query: &str) -> serde_json::Value {
    sleuth_query(&[
        "query",
        "--no-builtin-data",
        "--no-builtin-rules",
        "--data",
        "data",
        "--rules",
        "rules",
        "--format",
        "json",
        query,
    ])
}

#[test]
fn cli_recurring_hotspots() {
    assert_eq!(
        cli("?- recurring_hotspot(P)."),
        serde_json::json!([{"P": "Inezgane"}, {"P": "Tangier"}, {"P": "Tetouan"}])
    );
}

#[test]
fn cli_recurring_hotspots_from_the_embedded_library() {
    assert_eq!(
        sleuth_query(&["query", "--format", "json", "?- recurring_hotspot(P)."]),
        serde_json::json!([{"P": "Inezgane"}, {"P": "Tangier"}, {"P": "Tetouan"}])
    );
}

#[test]
fn cli_recruitment_pipelines() {
    assert_eq!(
        cli("?- recruitment_pipeline(C, T)."),
        serde_json::json!([
            {"C": "Morocco", "T": "Sahel"},
            {"C": "Morocco", "T": "Somalia"},
            {"C": "Spain", "T": "Sahel"},
            {"C": "Syria", "T": "Somalia"},
        ])
    );
}

#[test]
fn cli_multi_theater_origin() {
    assert_eq!(
        cli("?- multi_theater_origin(C)."),
        serde_json::json!([{"C": "Morocco"}])
    );
}

#[test]
fn cli_joint_operation() {
    assert_eq!(
        cli("?- joint_operation(Op, A, B)."),
        serde_json::json!([{"Op": "op-2023-01", "A": "Morocco", "B": "Spain"}])
    );
}

#[test]
fn cli_moroccans_arrested_in_somalia() {
    assert_eq!(
        cli("?- nationals_arrested_in(\"Morocco\", \"Somalia\", N)."),
        serde_json::json!([{"N": 5}])
    );
}

#[test]
fn cli_ofin_arrests() {
    assert_eq!(
        cli("?- arrest(P, \"Ofin\", D)."),
        serde_json::json!([
            {"P": "ofin-moroccan-1", "D": "2024-02"},
            {"P": "ofin-syrian-1", "D": "2024-02"},
        ])
    );
}

#[test]
fn cli_january_2024_escalation() {
    assert_eq!(
        cli("?- places_per_operation(\"op-2024-01\", N)."),
        serde_json::json!([{"N": 4}])
    );
    assert_eq!(
        cli("?- escalation(E, \"op-2024-01\")."),
        serde_json::json!([{"E": "op-2023-01"}, {"E": "op-2023-03"}, {"E": "op-2023-10"}])
    );
}
