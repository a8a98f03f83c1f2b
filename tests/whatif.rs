//! What-if questions (`sleuth whatif`, `:whatif`): what is lost, gained or
//! changes in confidence when a source is left out, a base fact retracted
//! or a fact added. Each answer is checked against a workspace opened
//! independently without that source or fact (or with the fact typed into
//! the session), so the tests hold whatever the data and the grade words
//! say; confidences are compared as values, never as words.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sleuth::eval::EvalOptions;
use sleuth::provenance::{self, Confidence};
use sleuth::session::{ATTESTED_SUFFIX, GRADE_CONFIDENCE, Inputs, SOURCE_ORIGIN, Workspace};
use sleuth::value::Value;
use sleuth::whatif::{self, Scenario, WhatIf};

const SALE_ARREST: &str = r#"arrest("sale-moroccan-1", "Sale", "2024-02")"#;
const FIXTURE_SOURCE: &str = "invented-restating-report";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatif")
}

fn open(inputs: Inputs) -> Workspace {
    Workspace::builder()
        .inputs(inputs)
        .options(EvalOptions::interactive())
        .open()
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

fn builtin() -> Workspace {
    open(Inputs::default())
}

/// The built-in data and rules, the invented restating report, and a rule
/// over arrests alone.
fn with_restating_report() -> Workspace {
    open(Inputs {
        data: vec![fixtures().join("restating-report.json")],
        rules: vec![fixtures().join("arrested.dl")],
        ..Inputs::default()
    })
}

/// The same without the restating report.
fn without_restating_report() -> Workspace {
    open(Inputs {
        rules: vec![fixtures().join("arrested.dl")],
        ..Inputs::default()
    })
}

fn ask(ws: &Workspace, scenario: &Scenario) -> WhatIf {
    whatif::whatif(ws, scenario).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// The provenance relations the library declares (`rules/provenance.dl`),
/// which a what-if does not list: they change with the attestations of
/// the base facts it lists.
fn is_provenance(name: &str) -> bool {
    name.ends_with(ATTESTED_SUFFIX) || name == SOURCE_ORIGIN || name == GRADE_CONFIDENCE
}

/// One relation's tuples with their confidence.
type Table = BTreeMap<Vec<Value>, Confidence>;

/// Every relation of a workspace, by name, with its tuples' confidences.
fn tables(ws: &Workspace) -> BTreeMap<String, Table> {
    let mut out = BTreeMap::new();
    for (rel, r) in ws.program().relations.iter().enumerate() {
        if r.is_query || is_provenance(&r.name) {
            continue;
        }
        let table = ws
            .database()
            .tuples(rel)
            .into_iter()
            .map(|t| {
                let c = provenance::confidence_of(ws, rel, &t)
                    .expect("computes")
                    .expect("holds");
                (t, c)
            })
            .collect();
        out.insert(r.name.clone(), table);
    }
    out
}

/// What a what-if reports, as (relation -> (lost, gained, changed)) with
/// confidences, derived and base relations together.
type Changes = BTreeMap<
    String,
    (
        Vec<(Vec<Value>, Confidence)>,
        Vec<(Vec<Value>, Confidence)>,
        Vec<(Vec<Value>, Confidence, Confidence)>,
    ),
>;

fn reported(w: &WhatIf) -> Changes {
    w.derived
        .changed
        .iter()
        .chain(&w.base.changed)
        .map(|r| {
            (
                r.relation.clone(),
                (
                    r.lost
                        .iter()
                        .map(|c| (c.values.clone(), c.confidence))
                        .collect(),
                    r.gained
                        .iter()
                        .map(|c| (c.values.clone(), c.confidence))
                        .collect(),
                    r.changed
                        .iter()
                        .map(|s| (s.values.clone(), s.before, s.after))
                        .collect(),
                ),
            )
        })
        .collect()
}

/// The changes from one workspace to another, computed directly.
fn expected(before: &Workspace, after: &Workspace) -> Changes {
    let (old, new) = (tables(before), tables(after));
    let empty = Table::new();
    let mut out = Changes::new();
    for (name, then) in &old {
        let now = new.get(name).unwrap_or(&empty);
        let lost: Vec<_> = then
            .iter()
            .filter(|(t, _)| !now.contains_key(*t))
            .map(|(t, c)| (t.clone(), *c))
            .collect();
        let gained: Vec<_> = now
            .iter()
            .filter(|(t, _)| !then.contains_key(*t))
            .map(|(t, c)| (t.clone(), *c))
            .collect();
        let changed: Vec<_> = then
            .iter()
            .filter_map(|(t, c)| match now.get(t) {
                Some(n) if n != c => Some((t.clone(), *c, *n)),
                _ => None,
            })
            .collect();
        if !(lost.is_empty() && gained.is_empty() && changed.is_empty()) {
            out.insert(name.clone(), (lost, gained, changed));
        }
    }
    out
}

/// Everything an analyst can see of a workspace's state.
fn snapshot(
    ws: &Workspace,
) -> (
    u64,
    String,
    Vec<String>,
    usize,
    String,
    BTreeMap<String, Table>,
) {
    (
        ws.generation(),
        format!("{:?}", ws.relations()),
        ws.documents().iter().map(|d| d.id.clone()).collect(),
        ws.facts().len(),
        ws.session_text(),
        tables(ws),
    )
}

#[test]
fn without_its_sources_everything_derived_is_lost() {
    let ws = builtin();
    let scenario = Scenario {
        without: ws.documents().iter().map(|d| d.id.clone()).collect(),
        ..Scenario::default()
    };
    let answer = ask(&ws, &scenario);
    let program = ws.program();
    let mut derived_tuples = 0;
    for (rel, r) in program.relations.iter().enumerate() {
        if r.is_query || is_provenance(&r.name) {
            continue;
        }
        let n = ws.database().len(rel);
        let derived = program.rules.iter().any(|rule| rule.head.rel == rel);
        let group = if derived {
            &answer.derived
        } else {
            &answer.base
        };
        let lost = group.relation(&r.name).map_or(0, |c| c.lost.len());
        assert_eq!(lost, n, "every tuple of {} is lost", r.name);
        if derived {
            derived_tuples += n;
        }
    }
    assert!(derived_tuples > 100, "the library derives conclusions");
    let totals = answer.totals();
    assert_eq!((totals.gained, totals.changed), (0, 0));
    assert_eq!(answer.derived.counts().lost, derived_tuples);
}

#[test]
fn a_fact_another_source_attests_survives_the_loss_of_one() {
    let ws = with_restating_report();
    let report = ws
        .documents()
        .iter()
        .find(|d| d.id != FIXTURE_SOURCE)
        .expect("the built-in report")
        .id
        .clone();
    let answer = ask(
        &ws,
        &Scenario {
            without: vec![report],
            ..Scenario::default()
        },
    );
    let arrests = answer.base.relation("arrest").expect("arrests are lost");
    let sale = |values: &[Value]| values[0] == Value::Symbol("sale-moroccan-1".into());
    assert!(!arrests.lost.is_empty());
    assert!(
        arrests.lost.iter().all(|c| !sale(&c.values)),
        "the restated arrest survives"
    );
    // Its best attestation was the restating report's: no change.
    assert!(arrests.changed.is_empty());
    let people = answer
        .derived
        .relation("arrested_person")
        .expect("other arrested people are lost");
    assert!(people.lost.iter().all(|c| !sale(&c.values)));
    assert_eq!(
        people.lost.len() + 1,
        ws.database().len(
            ws.program()
                .relation_id("arrested_person")
                .expect("declared")
        ),
        "everyone but the restated arrest's person is lost"
    );
    // What rests on the report's places and nationalities goes.
    let in_country = answer
        .derived
        .relation("arrested_in_country")
        .expect("lost");
    assert!(in_country.lost.iter().any(|c| sale(&c.values)));
}

#[test]
fn dropping_the_better_graded_attestation_lowers_the_confidence() {
    let ws = with_restating_report();
    let answer = ask(
        &ws,
        &Scenario {
            without: vec![FIXTURE_SOURCE.into()],
            ..Scenario::default()
        },
    );
    let arrests = answer.base.relation("arrest").expect("changed");
    assert!(arrests.lost.is_empty() && arrests.gained.is_empty());
    let [shift] = arrests.changed.as_slice() else {
        panic!("one arrest changes: {:?}", arrests.changed);
    };
    assert!(shift.after < shift.before, "{shift:?}");
    let person = answer
        .derived
        .relation("arrested_person")
        .expect("follows the arrest");
    assert_eq!(person.changed.len(), 1);
    assert_eq!(
        (person.changed[0].before, person.changed[0].after),
        (shift.before, shift.after)
    );
    // Exactly what a workspace opened without the restating report says.
    assert_eq!(
        reported(&answer),
        expected(&ws, &without_restating_report())
    );
}

#[test]
fn leaving_out_an_origin_leaves_out_the_sources_that_relay_it() {
    let ws = with_restating_report();
    let by_origin = ask(
        &ws,
        &Scenario {
            without: vec!["invented-origin-report".into()],
            ..Scenario::default()
        },
    );
    assert_eq!(
        reported(&by_origin),
        expected(&ws, &without_restating_report())
    );
    assert!(by_origin.totals().changed > 0);
}

/// The built-in data with the Sale arrest taken out of the JSON document.
fn data_without_sale_arrest() -> Workspace {
    let mut docs = Vec::new();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).expect("data/")
    {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            docs.push(path);
        }
    }
    docs.sort();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("whatif-no-sale-arrest");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let mut removed = 0;
    for path in docs {
        let text = std::fs::read_to_string(&path).expect("readable");
        let mut doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        if let Some(arrests) = doc.get_mut("arrests").and_then(|a| a.as_array_mut()) {
            for arrest in arrests.iter_mut() {
                let place = arrest.get("place").and_then(|p| p.as_str()) == Some("Sale");
                if let (true, Some(persons)) = (
                    place,
                    arrest.get_mut("persons").and_then(|p| p.as_array_mut()),
                ) {
                    let before = persons.len();
                    persons.retain(|p| p.as_str() != Some("sale-moroccan-1"));
                    removed += before - persons.len();
                }
            }
            arrests.retain(|a| {
                a.get("persons")
                    .and_then(|p| p.as_array())
                    .is_none_or(|p| !p.is_empty())
            });
        }
        let out = dir.join(path.file_name().expect("a name"));
        std::fs::write(&out, serde_json::to_string_pretty(&doc).expect("prints")).expect("written");
    }
    assert_eq!(removed, 1, "the data gives the Sale arrest once");
    open(Inputs {
        data: vec![dir],
        builtin_data: false,
        ..Inputs::default()
    })
}

#[test]
fn retracting_one_arrest_loses_exactly_what_rests_on_it() {
    let ws = builtin();
    let answer = ask(
        &ws,
        &Scenario {
            retract: vec![SALE_ARREST.into()],
            ..Scenario::default()
        },
    );
    let sale = Value::Symbol("sale-moroccan-1".into());
    // Of the base facts, only the arrest goes.
    assert_eq!(answer.base.changed.len(), 1);
    let arrest = answer.base.relation("arrest").expect("lost");
    assert_eq!(arrest.lost.len(), 1);
    assert_eq!(arrest.lost[0].values[0], sale);
    // The arrest in Morocco goes; the travel intent's evidence stays, as
    // the person's nationality gives it too.
    let in_country = answer
        .derived
        .relation("arrested_in_country")
        .expect("lost");
    assert_eq!(in_country.lost.len(), 1);
    assert_eq!(
        in_country.lost[0].values,
        vec![sale.clone(), Value::Symbol("Morocco".into())]
    );
    assert!(answer.derived.relation("pipeline_evidence").is_none());
    assert!(answer.derived.relation("recruitment_pipeline").is_none());
    // Exactly what the data without that arrest gives.
    assert_eq!(
        reported(&answer),
        expected(&ws, &data_without_sale_arrest())
    );
}

#[test]
fn adding_a_fact_gains_what_follows_from_it() {
    let ws = builtin();
    let fact = r#"travel_intent("ofin-syrian-1", "Sahel")"#;
    let answer = ask(
        &ws,
        &Scenario {
            add: vec![fact.into()],
            ..Scenario::default()
        },
    );
    let syria = Value::Symbol("Syria".into());
    let sahel = Value::Symbol("Sahel".into());
    let pipelines = answer
        .derived
        .relation("recruitment_pipeline")
        .expect("gained");
    assert!(pipelines.lost.is_empty());
    assert!(
        pipelines
            .gained
            .iter()
            .any(|c| c.values == vec![syria.clone(), sahel.clone()])
    );
    let intent = answer.base.relation("travel_intent").expect("gained");
    assert_eq!(intent.gained.len(), 1);
    assert_eq!(intent.gained[0].confidence, Confidence::UNGRADED);
    assert_eq!(answer.totals().lost, 0);
    // Exactly what typing the fact into the session gives.
    let mut typed = ws.clone();
    typed
        .submit("<typed>", &format!("{fact}."))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(reported(&answer), expected(&ws, &typed));
}

#[test]
fn retract_and_add_together() {
    let ws = builtin();
    let moved = r#"arrest("sale-moroccan-1", "Tangier", "2024-02")"#;
    let answer = ask(
        &ws,
        &Scenario {
            retract: vec![SALE_ARREST.into()],
            add: vec![moved.into()],
            ..Scenario::default()
        },
    );
    let arrest = answer.base.relation("arrest").expect("changed");
    assert_eq!((arrest.lost.len(), arrest.gained.len()), (1, 1));
    assert_eq!(arrest.gained[0].values[1], Value::Symbol("Tangier".into()));
    let mut typed = data_without_sale_arrest();
    typed
        .submit("<typed>", &format!("{moved}."))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(reported(&answer), expected(&ws, &typed));
}

#[test]
fn the_session_is_exactly_as_before() {
    let mut ws = builtin();
    ws.submit(
        "<typed>",
        "watch(\"Tangier\").\nhot(P) :- recurring_hotspot(P), watch(P).",
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let before = snapshot(&ws);
    let report = ws.documents()[0].id.clone();
    let scenarios = [
        Scenario {
            without: vec![report.clone()],
            ..Scenario::default()
        },
        Scenario {
            retract: vec![SALE_ARREST.into(), r#"watch("Tangier")"#.into()],
            add: vec![r#"watch("Sale")"#.into()],
            ..Scenario::default()
        },
        // Rejected ones too.
        Scenario {
            without: vec![format!("{report}x")],
            ..Scenario::default()
        },
        Scenario {
            add: vec!["watch(1)".into()],
            ..Scenario::default()
        },
    ];
    for scenario in &scenarios {
        let _ = whatif::whatif(&ws, scenario);
        assert!(before == snapshot(&ws), "{scenario:?} changed the session");
    }
    // A retracted session fact goes, with what rests on it.
    let answer = ask(&ws, &scenarios[1]);
    assert!(
        answer
            .derived
            .relation("hot")
            .is_some_and(|h| h.lost.len() == 1)
    );
}

/// What the REPL shows of its session.
fn listings(repl: &mut sleuth::repl::Repl) -> String {
    let mut out = Vec::new();
    for command in [
        ":relations",
        ":rules",
        ":sources",
        ":confidence ?- recruitment_pipeline(C, T).",
        "?- hot(P).",
    ] {
        repl.execute(command, &mut out).expect("runs");
    }
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn the_repl_session_is_exactly_as_before() {
    let mut repl = sleuth::repl::Repl::new(builtin());
    let mut out = Vec::new();
    repl.execute("watch(\"Tangier\").", &mut out)
        .expect("added");
    repl.execute("hot(P) :- recurring_hotspot(P), watch(P).", &mut out)
        .expect("added");
    let before = listings(&mut repl);
    let generation = repl.workspace().generation();
    for line in [
        r#":whatif --without morocco-sahel-recruitment --retract watch("Tangier") --add watch("Sale")"#,
        r#":whatif --retract arrest("sale-moroccan-1", "Sale", "2024-02") --format json"#,
        ":whatif --without nobody",
        ":whatif --retract hot(\"Tangier\")",
    ] {
        let _ = repl.execute(line, &mut out);
        assert_eq!(repl.workspace().generation(), generation, "{line}");
        assert_eq!(listings(&mut repl), before, "{line}");
    }
}

/// The error of a scenario, after checking it changed nothing.
fn error(ws: &Workspace, scenario: Scenario) -> (Vec<&'static str>, String) {
    let before = snapshot(ws);
    let e = whatif::whatif(ws, &scenario).expect_err("rejected");
    assert!(before == snapshot(ws), "{scenario:?} changed the session");
    (e.codes(), e.render())
}

#[test]
fn every_error_is_located_coded_and_changes_nothing() {
    let ws = builtin();
    let report = ws.documents()[0].id.clone();
    let misspelt = format!("{}x", report);
    let (codes, text) = error(
        &ws,
        Scenario {
            without: vec![misspelt.clone()],
            ..Scenario::default()
        },
    );
    assert_eq!(codes, vec!["unknown-source"]);
    assert!(
        text.contains(&format!("did you mean `{report}`?")),
        "{text}"
    );
    assert!(text.contains("<whatif>:1:11"), "{text}");
    let cases = [
        (Scenario::default(), "missing-argument", ""),
        (
            Scenario {
                retract: vec![r#"arest("x", "Sale", "2024-02")"#.into()],
                ..Scenario::default()
            },
            "unknown-relation",
            "<whatif>:1:12",
        ),
        (
            Scenario {
                retract: vec![r#"arrest("sale-moroccan-1", "Sale""#.into()],
                ..Scenario::default()
            },
            "syntax",
            "<whatif>:1:",
        ),
        (
            Scenario {
                add: vec![r#"operation("op-x", 5)"#.into()],
                ..Scenario::default()
            },
            "type-mismatch",
            "<whatif>:1:",
        ),
        (
            Scenario {
                add: vec![r#"arrest(P, "Sale", "2024-02")"#.into()],
                ..Scenario::default()
            },
            "not-ground",
            "<whatif>:1:8",
        ),
        (
            Scenario {
                retract: vec![r#"recruitment_pipeline("Morocco", "Sahel")"#.into()],
                ..Scenario::default()
            },
            "not-a-base-fact",
            "^ it is derived by the rules",
        ),
        (
            Scenario {
                retract: vec![r#"arrest("sale-moroccan-1", "Tangier", "2024-02")"#.into()],
                ..Scenario::default()
            },
            "not-a-base-fact",
            "no such fact is loaded",
        ),
    ];
    for (scenario, code, shown) in cases {
        let (codes, text) = error(&ws, scenario);
        assert_eq!(codes, vec![code], "{text}");
        assert!(text.contains(shown), "{text}");
    }
}

#[test]
fn the_evaluation_bounds_of_the_workspace_hold() {
    // As the REPL opens it: recording rounds, so the interpreter evaluates
    // (the compiled library counts no tuples).
    let mut ws = Workspace::builder()
        .builtins()
        .open()
        .unwrap_or_else(|e| panic!("{}", e.render()));
    ws.set_options(EvalOptions {
        max_tuples: 10,
        ..ws.options().clone()
    });
    let (codes, text) = error(
        &ws,
        Scenario {
            retract: vec![SALE_ARREST.into()],
            ..Scenario::default()
        },
    );
    assert_eq!(codes, vec!["tuple-limit"], "{text}");
}

#[test]
fn json_is_one_document_of_a_stable_shape() {
    let ws = with_restating_report();
    let answer = ask(
        &ws,
        &Scenario {
            without: vec![FIXTURE_SOURCE.into()],
            retract: vec![r#"arrest("ofin-syrian-1", "Ofin", "2024-02")"#.into()],
            ..Scenario::default()
        },
    );
    let doc: serde_json::Value =
        serde_json::from_str(&whatif::render_json(&answer)).expect("one JSON document");
    let keys: Vec<&str> = doc
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, vec!["scenario", "derived", "base", "totals"]);
    assert_eq!(doc["scenario"]["without"][0], FIXTURE_SOURCE);
    let totals = answer.totals();
    assert_eq!(doc["totals"]["lost"], totals.lost);
    assert_eq!(doc["totals"]["changed"], totals.changed);
    let arrest = doc["base"]["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|r| r["relation"] == "arrest")
        .expect("arrest changed");
    assert_eq!(arrest["counts"]["lost"], 1);
    assert_eq!(arrest["lost"][0]["values"][0], "ofin-syrian-1");
    assert!(arrest["lost"][0]["confidence"].is_number());
    assert!(arrest["lost"][0]["likelihood"].is_string());
    let shift = &arrest["changed"][0];
    assert!(shift["before"]["confidence"].as_f64() > shift["after"]["confidence"].as_f64());
    assert_eq!(
        doc["derived"]["unchanged_relations"],
        answer.derived.unchanged
    );
}

#[test]
fn text_marks_lost_gained_and_changed_with_counts() {
    let ws = with_restating_report();
    let answer = ask(
        &ws,
        &Scenario {
            without: vec![FIXTURE_SOURCE.into()],
            retract: vec![r#"arrest("ofin-syrian-1", "Ofin", "2024-02")"#.into()],
            add: vec![r#"travel_intent("ofin-syrian-1", "Sahel")"#.into()],
        },
    );
    let text = whatif::render_text(&answer);
    assert!(text.starts_with("what if: without invented-restating-report; retract arrest("));
    assert!(text.contains("\n    - arrest(\"ofin-syrian-1\", \"Ofin\", \"2024-02\")  "));
    assert!(text.contains("\n    + travel_intent(\"ofin-syrian-1\", \"Sahel\")  ungraded\n"));
    assert!(text.contains("\n    ~ arrest(\"sale-moroccan-1\", \"Sale\", \"2024-02\")  "));
    assert!(text.contains(" → "));
    assert!(text.contains("\nderived relations: "));
    assert!(text.contains("\nbase relations: 2 lost, 1 gained, 1 changed in confidence"));
    assert!(text.ends_with("; nothing loaded was changed\n"));
}

fn sleuth(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .output()
        .expect("sleuth runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

#[test]
fn the_command_line_prints_text_and_json_and_reports_errors() {
    let (ok, text, _) = sleuth(&["whatif", "--retract", SALE_ARREST]);
    assert!(ok);
    assert!(text.contains("arrested_in_country/2: 1 lost"), "{text}");
    let data = fixtures().join("restating-report.json");
    let data = data.to_str().expect("UTF-8 path");
    let (ok, json, _) = sleuth(&[
        "whatif",
        "--data",
        data,
        "--without",
        FIXTURE_SOURCE,
        "--format",
        "json",
    ]);
    assert!(ok);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["totals"]["changed"].as_u64().map(|n| n > 0), Some(true));
    let (ok, out, err) = sleuth(&["whatif", "--without", "no-such-report"]);
    assert!(!ok && out.is_empty());
    assert!(err.contains("error[unknown-source]"), "{err}");
    let (ok, _, err) = sleuth(&["whatif"]);
    assert!(!ok);
    assert!(err.contains("error[missing-argument]"), "{err}");
}

/// Facts typed under a source (`:source`) are that source's: a what-if
/// without it loses them and what rests on them, and keeps the rest.
#[test]
fn without_a_typed_source_its_facts_are_left_out() {
    let mut ws = builtin();
    ws.submit("<decl>", ".decl watch(p: symbol)\n.decl watched_hotspot(p: symbol)\nwatched_hotspot(P) :- watch(P), recurring_hotspot(P).\n")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    ws.set_typed_source("my-notes B3")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    ws.submit("<typed>", "watch(\"Tangier\").\n")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    ws.set_typed_source("none")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    ws.submit("<plain>", "watch(\"Tetouan\").\n")
        .unwrap_or_else(|e| panic!("{}", e.render()));
    let answer = ask(
        &ws,
        &Scenario {
            without: vec!["my-notes".into()],
            ..Scenario::default()
        },
    );
    let watch = answer.base.relation("watch").expect("changed");
    let lost: Vec<_> = watch.lost.iter().map(|c| c.values.clone()).collect();
    assert_eq!(lost, [vec![Value::Symbol("Tangier".into())]]);
    let hotspot = answer.derived.relation("watched_hotspot").expect("changed");
    assert_eq!(
        hotspot
            .lost
            .iter()
            .map(|c| c.values.clone())
            .collect::<Vec<_>>(),
        [vec![Value::Symbol("Tangier".into())]]
    );
    assert_eq!(answer.totals().lost, 2, "{}", whatif::render_text(&answer));
}
