//! Tests of the JSON data loader: the report's data in data/ loads with full
//! provenance, and each kind of broken document is rejected with its code,
//! its location, and nothing loaded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sleuth::grade::Grade;
use sleuth::io::data::{BASE_RELATIONS, DataLoader, DataSet, GroundFact, base_relation};
use sleuth::{SourceMap, Value};

const REPORT: &str = "morocco-sahel-recruitment";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/bad_data").join(name)
}

/// A loader that has read data/, and the source map it registered into.
fn loaded() -> (DataLoader, SourceMap) {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    loader
        .load_dir(&mut sources, &root().join("data"))
        .unwrap_or_else(|d| panic!("data/ loads:\n{}", d.render(&sources)));
    (loader, sources)
}

fn report() -> DataSet {
    loaded().0.into_data()
}

fn strings(fact: &GroundFact) -> Vec<String> {
    fact.values.iter().map(Value::to_string).collect()
}

fn tuples(data: &DataSet, relation: &str) -> BTreeSet<Vec<String>> {
    data.facts_of(relation).map(strings).collect()
}

fn row(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_fact_cites_the_report_and_a_paragraph_in_its_range() {
    let data = report();
    assert_eq!(data.sources.len(), 1);
    let source = data.source(REPORT).expect("the report is a source");
    assert_eq!(source.paragraphs, 12);
    assert!(source.paragraph_counting.contains("headline"));
    assert_eq!(source.grade.to_string(), "C2");
    assert!(data.facts.len() > 100, "only {} facts", data.facts.len());
    for fact in &data.facts {
        let p = &fact.provenance;
        assert_eq!(p.source, REPORT, "{}", fact.to_datalog());
        assert!(p.paragraph <= source.paragraphs, "{}", fact.to_datalog());
        if fact.relation != "source" {
            assert!(p.paragraph >= 1, "{} cites the headline", fact.to_datalog());
        }
    }
}

#[test]
fn every_fact_fits_the_base_schema() {
    let data = report();
    for fact in &data.facts {
        let columns = base_relation(&fact.relation)
            .unwrap_or_else(|| panic!("{} is not a base relation", fact.relation));
        let types: Vec<_> = fact.values.iter().map(Value::ty).collect();
        let expected: Vec<_> = columns.iter().map(|(_, ty)| *ty).collect();
        assert_eq!(types, expected, "{}", fact.to_datalog());
    }
    let used: BTreeSet<&str> = data.facts.iter().map(|f| f.relation.as_str()).collect();
    // The event relations are filled by ACLED exports (tests/acled.rs).
    for (name, _) in BASE_RELATIONS {
        if sleuth::io::acled::EVENT_RELATIONS.contains(name) {
            continue;
        }
        assert!(used.contains(name), "no fact fills {name}");
    }
}

#[test]
fn inferred_facts_are_exactly_the_documented_inferences_with_notes_and_lower_credibility() {
    let data = report();
    let default = data.sources[0].grade;
    let mut inferred: BTreeMap<String, BTreeSet<Vec<String>>> = BTreeMap::new();
    for fact in &data.facts {
        let p = &fact.provenance;
        match &p.note {
            Some(note) => {
                assert!(note.len() > 40, "a real note: {note}");
                assert!(
                    p.grade.credibility.is_weaker_than(default.credibility),
                    "{} is inferred but graded {}",
                    fact.to_datalog(),
                    p.grade
                );
                assert_eq!(p.grade.reliability, default.reliability);
                inferred
                    .entry(fact.relation.clone())
                    .or_default()
                    .insert(strings(fact));
            }
            None => assert_eq!(p.grade, default, "{}", fact.to_datalog()),
        }
    }
    let expect = |rows: &[&[&str]]| rows.iter().map(|r| row(r)).collect::<BTreeSet<_>>();
    let mut expected = BTreeMap::new();
    expected.insert(
        "located_in".to_string(),
        expect(&[
            &["Almaeria", "Spain"],
            &["Beni Mellal", "Morocco"],
            &["Casablanca", "Morocco"],
            &["Ofin", "Somalia"],
            &["Puntland", "Somalia"],
            &["Sale", "Morocco"],
        ]),
    );
    expected.insert(
        "arrest".to_string(),
        expect(&[
            &["almskad-moroccan-1", "Almskad", "2023-11"],
            &["almskad-moroccan-2", "Almskad", "2023-11"],
            &["almskad-moroccan-3", "Almskad", "2023-11"],
            &["almskad-moroccan-4", "Almskad", "2023-11"],
            &["almskad-is-somalia-members", "Almskad", "2023-11"],
            &["ofin-moroccan-1", "Ofin", "2024-02"],
            &["ofin-syrian-1", "Ofin", "2024-02"],
            &["spanish-network-suspects", "Spain", "2023-01"],
            &["souk-el-arbaa-suspects", "Souk El Arbaa", "2023-03"],
            &["tetouan-2023-03-suspects", "Tetouan", "2023-03"],
            &["al-hoceima-suspects", "Al Hoceima", "2023-03"],
        ]),
    );
    expected.insert(
        "fighter_flow".to_string(),
        expect(&[&["Libya", "Sahel"], &["Tunisia", "Sahel"]]),
    );
    expected.insert(
        "member_of".to_string(),
        expect(&[
            &["almskad-moroccan-1", "Islamic State in Somalia"],
            &["almskad-moroccan-2", "Islamic State in Somalia"],
            &["almskad-moroccan-3", "Islamic State in Somalia"],
            &["almskad-moroccan-4", "Islamic State in Somalia"],
        ]),
    );
    expected.insert(
        "cell_target".to_string(),
        expect(&[
            &["op-2023-10/Inezgane", "Sahel"],
            &["op-2023-10/Tangier", "Sahel"],
            &["op-2023-10/Tetouan", "Sahel"],
        ]),
    );
    expected.insert(
        "conducted_by".to_string(),
        expect(&[&["op-2024-01", "Morocco"]]),
    );
    assert_eq!(inferred, expected);
}

#[test]
fn inferred_dates_say_why() {
    let data = report();
    let note_of = |person: &str| {
        data.facts_of("arrest")
            .find(|f| strings(f)[0] == person)
            .and_then(|f| f.provenance.note.clone())
            .unwrap_or_default()
    };
    assert!(note_of("almskad-moroccan-1").contains("November 2023"));
    assert!(note_of("ofin-syrian-1").contains("three months"));
    assert_eq!(note_of("sale-moroccan-1"), "");
}

#[test]
fn names_are_spelled_as_the_report_spells_them() {
    let data = report();
    let places: BTreeSet<String> = data
        .facts_of("place_kind")
        .map(|f| strings(f)[0].clone())
        .collect();
    for name in [
        "Tetouan",
        "Al Hoceima",
        "Souk El Arbaa",
        "Beni Mellal",
        "Sale",
        "Almskad",
        "Ofin",
        "Shata",
        "Almaeria",
        "Tangier",
        "Inezgane",
        "Casablanca",
        "Sirte",
        "Puntland",
        "Morocco",
        "Spain",
        "Mali",
        "Somalia",
        "Syria",
        "Libya",
        "Tunisia",
    ] {
        assert!(places.contains(name), "{name} is not a place");
    }
    let theaters: BTreeSet<Vec<String>> = tuples(&data, "theater");
    assert_eq!(
        theaters,
        [["Libya"], ["Sahel"], ["Somalia"], ["Syria"]]
            .iter()
            .map(|r| row(r))
            .collect()
    );
    assert!(tuples(&data, "theater_area").contains(&row(&["Sahel", "Mali"])));
    assert!(tuples(&data, "located_in").contains(&row(&["Almskad", "Puntland"])));
}

#[test]
fn every_place_but_shata_lies_in_a_country() {
    let data = report();
    let kind: BTreeMap<String, String> = data
        .facts_of("place_kind")
        .map(|f| (strings(f)[0].clone(), strings(f)[1].clone()))
        .collect();
    let inside: BTreeMap<String, String> = data
        .facts_of("located_in")
        .map(|f| (strings(f)[0].clone(), strings(f)[1].clone()))
        .collect();
    // Shata's country is not given (see `tests/report_reading.rs`).
    assert!(!inside.contains_key("Shata"));
    for place in kind.keys().filter(|p| *p != "Shata") {
        let mut at = place.clone();
        for _ in 0..10 {
            if kind.get(&at).map(String::as_str) == Some("country") {
                break;
            }
            at = inside
                .get(&at)
                .unwrap_or_else(|| panic!("{place} stops at {at}, which is not a country"))
                .clone();
        }
        assert_eq!(kind[&at], "country", "{place}");
    }
}

#[test]
fn values_can_cite_their_own_paragraph() {
    let data = report();
    let fact = data
        .facts_of("org_theater")
        .find(|f| strings(f) == row(&["Islamic State", "Libya"]))
        .expect("the Islamic State operated in Libya");
    assert_eq!(fact.provenance.paragraph, 11);
    let org = data
        .facts_of("organisation")
        .find(|f| strings(f) == row(&["Islamic State"]))
        .expect("declared");
    assert_eq!(org.provenance.paragraph, 3);
}

#[test]
fn cells_get_ids_from_their_operation_and_place() {
    let data = report();
    assert!(tuples(&data, "cell").contains(&row(&["op-2023-10/Tetouan", "Tetouan"])));
    assert!(tuples(&data, "dismantled").contains(&row(&["op-2023-03/Tetouan", "op-2023-03"])));
}

#[test]
fn the_embedded_documents_are_the_data_folder() {
    let embedded = sleuth::io::data::embedded();
    let on_disk: Vec<PathBuf> = std::fs::read_dir(root().join("data"))
        .expect("data/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(embedded.len(), on_disk.len());
    for (name, text) in embedded {
        let disk = std::fs::read_to_string(root().join(name)).expect("embedded file exists");
        assert_eq!(*text, disk, "{name}");
    }
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    let data = loader
        .load_embedded(&mut sources)
        .expect("embedded data loads");
    let from_disk = report();
    assert!(
        data.facts == from_disk.facts,
        "embedded facts differ from data/"
    );
    assert_eq!(data.sources[0].id, from_disk.sources[0].id);
}

/// One broken document: the code it must get, where, and the JSON path named.
struct Bad {
    file: &'static str,
    code: &'static str,
    at: &'static str,
    path: &'static str,
    hint: &'static str,
}

const BAD: &[Bad] = &[
    Bad {
        file: "malformed_json.json",
        code: "bad-json",
        at: "malformed_json.json:5:5",
        path: "",
        hint: "expected `,` or `}`",
    },
    Bad {
        file: "unknown_field.json",
        code: "unknown-field",
        at: "unknown_field.json:12:7",
        path: "places[0]",
        hint: "`id`, `kind`, `in`, `paragraph`, `grade`, `inferred`",
    },
    Bad {
        file: "bad_date.json",
        code: "bad-date",
        at: "bad_date.json:11:36",
        path: "operations[0].date",
        hint: "YYYY-MM",
    },
    Bad {
        file: "bad_grade.json",
        code: "bad-grade",
        at: "bad_grade.json:11:78",
        path: "places[0].grade",
        hint: "A-F",
    },
    Bad {
        file: "missing_field.json",
        code: "missing-field",
        at: "missing_field.json:11:5",
        path: "arrests[0]",
        hint: "missing field `date`",
    },
    Bad {
        file: "dangling_cell_place.json",
        code: "dangling-reference",
        at: "dangling_cell_place.json:14:20",
        path: "operations[0].cells[1].place",
        hint: "did you mean `Tetouan`?",
    },
    Bad {
        file: "dangling_arrest_person.json",
        code: "dangling-reference",
        at: "dangling_arrest_person.json:11:77",
        path: "arrests[0].persons[1]",
        hint: "not a declared person",
    },
    Bad {
        file: "dangling_place_in.json",
        code: "dangling-reference",
        at: "dangling_place_in.json:11:45",
        path: "places[0].in",
        hint: "did you mean `Morocco`?",
    },
    Bad {
        file: "dangling_conducted_by.json",
        code: "dangling-reference",
        at: "dangling_conducted_by.json:12:46",
        path: "operations[0].conducted_by[1].value",
        hint: "`Spian` is not a declared place",
    },
    Bad {
        file: "dangling_member_of.json",
        code: "dangling-reference",
        at: "dangling_member_of.json:12:21",
        path: "persons[0].member_of[0]",
        hint: "did you mean `Islamic State in the Sahel`?",
    },
    Bad {
        file: "dangling_cell_target.json",
        code: "dangling-reference",
        at: "dangling_cell_target.json:12:52",
        path: "operations[0].cells[0].targets[0]",
        hint: "did you mean `Sahel`?",
    },
    Bad {
        file: "dangling_flow_theater.json",
        code: "dangling-reference",
        at: "dangling_flow_theater.json:11:39",
        path: "fighter_flows[0].theater",
        hint: "not a declared theater",
    },
    Bad {
        file: "duplicate_id_in_file.json",
        code: "duplicate-id",
        at: "duplicate_id_in_file.json:12:13",
        path: "persons[1].id",
        hint: "first declared at",
    },
    Bad {
        file: "bad_paragraph.json",
        code: "bad-paragraph",
        at: "bad_paragraph.json:11:66",
        path: "places[0].paragraph",
        hint: "3 body paragraphs",
    },
    Bad {
        file: "wrong_kind.json",
        code: "wrong-kind",
        at: "wrong_kind.json:11:49",
        path: "persons[0].nationality",
        hint: "`Tangier` is a city, not a country",
    },
    Bad {
        file: "inferred_grade.json",
        code: "inferred-grade",
        at: "inferred_grade.json:12:80",
        path: "places[0].in.grade",
        hint: "credibility digit above 2",
    },
    Bad {
        file: "containment_cycle.json",
        code: "containment-cycle",
        at: "containment_cycle.json:11:53",
        path: "places[0].in",
        hint: "Upper Town -> Lower Town -> Upper Town",
    },
];

#[test]
fn each_kind_of_bad_document_is_rejected_with_its_code_and_place_and_loads_nothing() {
    for bad in BAD {
        let (mut loader, mut sources) = loaded();
        let before = loader.data().clone();
        let err = loader
            .load_file(&mut sources, &fixture(bad.file))
            .expect_err(bad.file);
        let text = err.render(&sources);
        assert_eq!(err.code, bad.code, "{text}");
        assert!(text.contains(&format!("error[{}]", bad.code)), "{text}");
        assert!(text.contains(bad.at), "{} not in:\n{text}", bad.at);
        assert!(text.contains(bad.path), "{} not in:\n{text}", bad.path);
        assert!(text.contains(bad.hint), "{} not in:\n{text}", bad.hint);
        assert!(text.contains("^"), "a caret under the value:\n{text}");
        assert!(err.help.is_some(), "says what to do:\n{text}");
        assert_eq!(
            loader.data(),
            &before,
            "{} changed the loaded data",
            bad.file
        );
    }
}

// Two files of different sources declaring one id used to be a
// `duplicate-id` error; since documents merge, the second declaration joins
// the first (its facts get their own attestations).
#[test]
fn an_id_declared_across_two_files_merges() {
    let (mut loader, mut sources) = loaded();
    loader
        .load_file(&mut sources, &fixture("duplicate_id_first.json"))
        .expect("the first file is fine");
    let second = loader
        .load_file(&mut sources, &fixture("duplicate_id_second.json"))
        .unwrap_or_else(|d| panic!("Ceuta again merges:\n{}", d.render(&sources)));
    let ceuta: Vec<&str> = loader
        .data()
        .facts_of("located_in")
        .filter(|f| f.values[0].to_string() == "Ceuta")
        .map(|f| f.provenance.source.as_str())
        .collect();
    assert_eq!(ceuta, ["duplicate-first", "duplicate-second"]);
    assert_eq!(second.sources.len(), 1);
    assert!(loader.data().conflicts().is_empty(), "same values agree");
}

#[test]
fn a_place_of_the_report_declared_again_by_another_source_merges() {
    let (mut loader, mut sources) = loaded();
    let doc = r#"{
  "source": { "id": "second-report", "title": "t", "publisher": "p", "description": "d",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Tangier", "kind": "city", "in": "Morocco", "paragraph": 1 } ]
}"#;
    loader
        .load_str(&mut sources, "second.json", doc)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let tangier = loader
        .data()
        .facts_of("located_in")
        .filter(|f| f.values[0].to_string() == "Tangier")
        .count();
    assert_eq!(tangier, 2, "one attestation per source");
}

#[test]
fn a_rejected_file_declares_nothing_either() {
    let (mut loader, mut sources) = loaded();
    // This document declares Melilla, then fails on a dangling reference...
    let bad = r#"{
  "source": { "id": "rejected-second", "title": "t", "publisher": "p", "description": "d",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "Melilla", "kind": "city", "in": "Spain", "paragraph": 1 },
              { "id": "Nador", "kind": "city", "in": "Marocco", "paragraph": 1 } ]
}"#;
    let err = loader
        .load_str(&mut sources, "bad.json", bad)
        .expect_err("Marocco is not declared");
    assert_eq!(err.code, "dangling-reference");
    // ...so Melilla is still undeclared, and the failed source id is free.
    let doc = r#"{
  "source": { "id": "rejected-second", "title": "t", "publisher": "p", "description": "d",
              "grade": "B2", "paragraphs": { "count": 1, "counting": "c" } },
  "persons": [ { "id": "x", "nationality": "Melilla", "paragraph": 1 } ]
}"#;
    let err = loader
        .load_str(&mut sources, "melilla.json", doc)
        .expect_err("Melilla was not kept");
    assert_eq!(err.code, "dangling-reference");
    let doc = doc.replace("Melilla", "Spain");
    let loaded = loader
        .load_str(&mut sources, "spain.json", &doc)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    assert_eq!(loaded.facts.len(), 2);
    assert_eq!(loader.data().sources.len(), 2);
}

#[test]
fn later_documents_can_refer_to_earlier_ones() {
    let (mut loader, mut sources) = loaded();
    let doc = r#"{
  "source": { "id": "follow-up", "title": "t", "publisher": "p", "description": "d",
              "grade": "B3", "paragraphs": { "count": 2, "counting": "c" } },
  "persons": [ { "id": "tangier-suspect-1", "nationality": "Morocco", "paragraph": 1,
                 "member_of": [{ "value": "Islamic State in the Sahel", "grade": "B4", "inferred": "assumed from the cell" }] } ],
  "arrests": [ { "place": "Tangier", "date": "2024-05", "persons": ["tangier-suspect-1"], "paragraph": 2 } ]
}"#;
    let data = loader
        .load_str(&mut sources, "follow-up.json", doc)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let member = data.facts_of("member_of").next().expect("a membership");
    assert_eq!(member.provenance.grade, Grade::parse("B4").expect("grade"));
    assert_eq!(
        member.provenance.note.as_deref(),
        Some("assumed from the cell")
    );
    let arrest = data.facts_of("arrest").next().expect("an arrest");
    assert_eq!(arrest.provenance.paragraph, 2);
    assert_eq!(arrest.provenance.source, "follow-up");
    assert_eq!(loader.data().facts_of("arrest").count(), 13);
}

#[test]
fn an_inferred_value_without_a_grade_is_one_step_less_credible() {
    let mut sources = SourceMap::new();
    let doc = r#"{
  "source": { "id": "s", "title": "t", "publisher": "p", "description": "d",
              "grade": "A1", "paragraphs": { "count": 1, "counting": "c" } },
  "places": [ { "id": "X", "kind": "country", "paragraph": 1 },
              { "id": "Y", "kind": "city", "paragraph": 1, "grade": "B2",
                "in": { "value": "X", "inferred": "guessed" } } ]
}"#;
    let data = DataLoader::new()
        .load_str(&mut sources, "s.json", doc)
        .expect("loads");
    let located = data.facts_of("located_in").next().expect("one");
    assert_eq!(located.provenance.grade.to_string(), "B3");
    let kind = data.facts_of("place_kind").nth(1).expect("two");
    assert_eq!(kind.provenance.grade.to_string(), "B2");
    assert_eq!(kind.provenance.note, None);
}

#[test]
fn a_folder_with_one_bad_file_loads_nothing() {
    let dir = std::env::temp_dir().join(format!("sleuth-data-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(
        root().join("data/morocco-sahel-recruitment.json"),
        dir.join("a-report.json"),
    )
    .expect("copy");
    std::fs::copy(
        fixture("dangling_cell_place.json"),
        dir.join("b-broken.json"),
    )
    .expect("copy");
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    let result = loader.load_dir(&mut sources, &dir);
    std::fs::remove_dir_all(&dir).expect("clean up");
    let err = result.expect_err("b-broken.json is bad");
    assert_eq!(err.code, "dangling-reference");
    assert!(loader.data().is_empty());
    // Nothing of a-report.json was kept either: it loads again without duplicates.
    loader
        .load_file(
            &mut sources,
            &root().join("data/morocco-sahel-recruitment.json"),
        )
        .expect("loads again");
}

#[test]
fn a_missing_file_is_reported() {
    let mut sources = SourceMap::new();
    let err = DataLoader::new()
        .load_file(&mut sources, Path::new("no/such/file.json"))
        .expect_err("missing");
    assert_eq!(err.code, "unreadable-file");
    assert!(err.message.contains("no/such/file.json"));
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "null",
        "[]",
        "{}",
        "\"x\"",
        "{\"source\": 3}",
        "\u{feff}{}",
        "{\"source\": {\"id\": \"é\"",
        "{\"places\": [{\"id\": \"x\", \"kind\": {\"value\": {}}}]}",
    ];
    for text in inputs {
        let mut sources = SourceMap::new();
        let mut loader = DataLoader::new();
        let err = loader
            .load_str(&mut sources, "g.json", text)
            .expect_err(text);
        let rendered = err.render(&sources);
        assert!(rendered.starts_with("error["), "{rendered}");
        assert!(loader.data().is_empty());
    }
}

#[test]
fn the_readme_example_loads() {
    let readme = std::fs::read_to_string(root().join("data/README.md")).expect("data/README.md");
    let example = readme
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a JSON example");
    let mut sources = SourceMap::new();
    let data = DataLoader::new()
        .load_str(&mut sources, "data/README.md example", example)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let located = data
        .facts_of("located_in")
        .find(|f| strings(f)[0] == "Sale")
        .expect("Sale is located");
    assert_eq!(located.provenance.grade.to_string(), "C3");
    assert!(located.provenance.is_inferred());
    assert_eq!(
        tuples(&data, "cell"),
        [row(&["op-2024-01/Tangier", "Tangier"])].into()
    );
}

/// A document saved with a UTF-8 byte order mark was "expected value" at
/// 1:1, with no word about the mark; it now loads like the same document
/// without it.
#[test]
fn a_document_starting_with_a_byte_order_mark_loads() {
    let readme = std::fs::read_to_string(root().join("data/README.md")).expect("data/README.md");
    let example = readme
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a JSON example");
    let load = |text: &str| {
        let mut sources = SourceMap::new();
        DataLoader::new()
            .load_str(&mut sources, "example.json", text)
            .unwrap_or_else(|d| panic!("{}", d.render(&sources)))
    };
    let plain = load(example);
    let marked = load(&format!("\u{feff}{example}"));
    assert!(!marked.facts.is_empty());
    assert!(marked.facts == plain.facts);
}

#[test]
fn columns_count_characters_after_non_ascii_names() {
    // serde_json counts columns in bytes; the caret must still sit under the bad token.
    let mut sources = SourceMap::new();
    let err = DataLoader::new()
        .load_str(
            &mut sources,
            "u.json",
            "{\"source\": {\"id\": \"éééé\", x}}",
        )
        .expect_err("bad JSON");
    let text = err.render(&sources);
    assert_eq!(err.code, "bad-json");
    assert!(text.contains("u.json:1:27"), "{text}");
    assert!(text.contains(&format!("| {}^", " ".repeat(26))), "{text}");
}
