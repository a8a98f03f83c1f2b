//! Provenance as data and corroboration: the README's worked examples over
//! the provenance relations (run as written), answers kept above a
//! confidence, facts typed under a source through `:save` and `:load`, and
//! independent sources counted by origin on answers and proof nodes, with
//! the invented documents of `tests/fixtures/attest/` (one relays the other).

use std::path::PathBuf;
use std::process::{Command, Output};

use sleuth::provenance::{self, ExplainOptions, Format, MinConfidence};
use sleuth::session::{Inputs, Workspace};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sleuth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the sleuth binary runs")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/attest").join(name)
}

/// The built-in data and rules, plus the fixture documents named.
fn workspace(documents: &[&str]) -> Workspace {
    let inputs = Inputs {
        data: documents.iter().map(|d| fixture(d)).collect(),
        ..Inputs::default()
    };
    Workspace::builder()
        .inputs(inputs)
        .open()
        .expect("the documents load")
}

/// The `$ sleuth query ...` examples of the README's "Provenance as data"
/// section: (arguments, expected output).
fn readme_examples() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let section = readme
        .split("\n## Provenance as data")
        .nth(1)
        .expect("the section")
        .split("\n## ")
        .next()
        .expect("its text");
    let mut out = Vec::new();
    for block in section.split("```text\n").skip(1) {
        let block = block.split("```").next().expect("a closed block");
        let Some(command) = block.strip_prefix("$ sleuth ") else {
            continue;
        };
        // Flags, then the text in single quotes (which may span lines).
        let open = command.find('\'').expect("a quoted text");
        let close = open + 1 + command[open + 1..].find('\'').expect("the closing quote");
        let mut args: Vec<String> = command[..open]
            .split_whitespace()
            .map(str::to_string)
            .collect();
        args.push(command[open + 1..close].to_string());
        let expected = command[close + 1..].trim_start_matches('\n').to_string();
        out.push((args, expected));
    }
    out
}

#[test]
fn the_readme_provenance_examples_give_the_answers_shown() {
    let examples = readme_examples();
    assert!(examples.len() >= 5, "found {} examples", examples.len());
    for (args, expected) in examples {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sleuth(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{args:?}");
    }
}

/// Rules join, negate and aggregate over the provenance relations, and
/// `grade_confidence` gives every grade's number.
#[test]
fn provenance_relations_hold_every_attestation() {
    let mut ws = workspace(&["invented-corroboration.json", "invented-relay.json"]);
    let rows = ws
        .query(r#"?- arrest_attested("sale-moroccan-1", "Sale", D, S, P, G, N)."#)
        .expect("answers")
        .strings();
    assert_eq!(
        rows,
        vec![
            vec!["2024-02", "invented-corroboration", "1", "B2", ""],
            vec!["2024-02", "invented-relay", "1", "C3", ""],
            vec!["2024-02", "morocco-sahel-recruitment", "7", "C2", ""],
        ]
    );
    let origins = ws
        .query("?- source_origin(S, O).")
        .expect("answers")
        .strings();
    assert!(origins.contains(&vec![
        "invented-relay".to_string(),
        "invented-corroboration".to_string()
    ]));
    let grades = ws
        .query(r#"?- grade_confidence("C2", C)."#)
        .expect("answers");
    assert_eq!(grades.rows.len(), 1);
    let n = ws
        .query("?- N = count : { grade_confidence(_, _) }.")
        .expect("answers")
        .strings();
    assert_eq!(n, vec![vec!["36".to_string()]]);
}

/// An inferred value's attestation carries its note; a stated one `""`.
#[test]
fn inferred_attestations_carry_their_note() {
    let mut ws = workspace(&[]);
    let inferred = ws
        .query(r#"?- arrest_attested("ofin-syrian-1", _, _, _, _, _, N), N != ""."#)
        .expect("answers");
    assert_eq!(inferred.rows.len(), 1);
    let stated = ws
        .query(r#"?- arrest_attested("sale-moroccan-1", _, _, _, _, _, "")."#)
        .expect("answers");
    assert_eq!(stated.rows.len(), 1);
}

fn arrest_sources(ws: &Workspace) -> Option<usize> {
    let query = r#"?- arrest("sale-moroccan-1", "Sale", D)."#;
    let mut ws = ws.clone();
    let answers = ws.query(query).expect("answers");
    let supports = provenance::answer_supports(&ws, query, &answers).expect("supports");
    assert_eq!(supports.len(), 1);
    supports[0].independent_sources
}

/// Sources are counted by origin: a relay and what it relays count once.
#[test]
fn independent_sources_are_counted_by_origin() {
    assert_eq!(arrest_sources(&workspace(&[])), Some(1));
    assert_eq!(
        arrest_sources(&workspace(&["invented-corroboration.json"])),
        Some(2)
    );
    assert_eq!(
        arrest_sources(&workspace(&["invented-relay.json"])),
        Some(2),
        "the relay's origin is the other fixture, not loaded: still independent of the report"
    );
    assert_eq!(
        arrest_sources(&workspace(&[
            "invented-corroboration.json",
            "invented-relay.json"
        ])),
        Some(2),
        "the relay restates the other fixture: the two count once"
    );
}

/// A derived node counts as its weakest premise (max-min), and every
/// proof form shows the counts.
#[test]
fn proof_nodes_show_their_independent_sources() {
    let ws = workspace(&["invented-corroboration.json", "invented-relay.json"]);
    let proof = provenance::why(
        &ws,
        r#"arrested_in_country("sale-moroccan-1", "Morocco")"#,
        &ExplainOptions::default(),
    )
    .expect("holds");
    let arrest = proof
        .nodes
        .iter()
        .find(|n| n.kind.tuple().is_some_and(|t| t.relation == "arrest"))
        .expect("the arrest premise");
    assert_eq!(arrest.independent_sources, Some(2));
    assert_eq!(
        proof.independent_sources(),
        Some(1),
        "the place's country rests on the report alone"
    );
    let text = provenance::render(&proof, Format::Text);
    assert!(
        text.contains(r#"arrest("sale-moroccan-1", "Sale", "2024-02")  likely"#)
            && text.contains("2 sources"),
        "{text}"
    );
    assert!(text.contains("independent sources: 1"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&provenance::render(&proof, Format::Json)).expect("JSON");
    assert_eq!(json["independent_sources"], 1);
    let dot = provenance::render(&proof, Format::Dot);
    assert!(dot.contains("2 sources"), "{dot}");
}

#[test]
fn query_min_confidence_keeps_answers_at_or_above_it() {
    let all = sleuth(&["query", "--confidence", "?- recruitment_pipeline(C, T)."]);
    assert!(all.status.success());
    let all = String::from_utf8_lossy(&all.stdout).to_string();
    assert!(all.contains("4 rows") && all.contains("sources"), "{all}");
    let kept = sleuth(&[
        "query",
        "--min-confidence",
        "0.6",
        "?- recruitment_pipeline(C, T).",
    ]);
    let kept = String::from_utf8_lossy(&kept.stdout).to_string();
    assert!(kept.contains("3 rows") && !kept.contains("Spain"), "{kept}");
    let words = sleuth(&[
        "query",
        "--min-confidence",
        "very likely",
        "?- recruitment_pipeline(C, T).",
    ]);
    assert!(words.status.success());
    let words = String::from_utf8_lossy(&words.stdout).to_string();
    assert!(!words.contains("Morocco"), "{words}");
}

#[test]
fn a_bad_minimum_confidence_is_a_located_error() {
    let out = sleuth(&[
        "query",
        "--min-confidence",
        "likly",
        "?- recruitment_pipeline(C, T).",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[bad-confidence]: --min-confidence")
            && err.contains("did you mean `likely`"),
        "{err}"
    );
    assert!(MinConfidence::parse("2").is_err());
}

#[test]
fn repl_confidence_min_filters_and_a_bad_word_points_at_it() {
    let mut repl = sleuth::repl::Repl::new(workspace(&[]));
    let mut out = Vec::new();
    repl.execute(
        ":confidence --min 0.6 ?- recruitment_pipeline(C, T).",
        &mut out,
    )
    .expect("answers");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains("3 rows") && !text.contains("Spain"), "{text}");
    let mut out = Vec::new();
    let err = repl
        .execute(
            ":confidence --min likly ?- recruitment_pipeline(C, T).",
            &mut out,
        )
        .expect_err("a bad word");
    let shown = err.to_string();
    assert!(
        shown.contains("bad-confidence") && shown.contains("<repl:2>:1:13"),
        "{shown}"
    );
}

/// Facts typed under `:source` are cited, graded and counted; `:save`
/// keeps the source and grade and `:load` restores them.
#[test]
fn graded_session_facts_survive_save_and_load() {
    let mut ws = workspace(&[]);
    ws.set_typed_source("my-notes B3").expect("a source");
    ws.submit("<repl:1>", r#"arrest("x-1", "Tangier", "2024-03")."#)
        .expect("added");
    ws.set_typed_source("none").expect("none");
    ws.submit("<repl:2>", r#"watch("Tangier")."#)
        .expect("added");
    let check = |ws: &mut Workspace| {
        let proof = provenance::why(
            ws,
            r#"arrest("x-1", "Tangier", "2024-03")"#,
            &ExplainOptions::default(),
        )
        .expect("holds");
        let text = provenance::render(&proof, Format::Text);
        assert!(text.contains("fact: my-notes (typed at "), "{text}");
        assert!(text.contains("graded B3"), "{text}");
        assert!(proof.confidence().is_graded(), "not certain");
        assert_eq!(proof.independent_sources(), Some(1));
        let rows = ws
            .query(r#"?- arrest_attested("x-1", P, D, S, Par, G, N)."#)
            .expect("answers")
            .strings();
        assert_eq!(
            rows,
            vec![vec!["Tangier", "2024-03", "my-notes", "0", "B3", ""]]
        );
        let watch =
            provenance::why(ws, r#"watch("Tangier")"#, &ExplainOptions::default()).expect("holds");
        assert!(!watch.confidence().is_graded(), "typed after `none`");
    };
    check(&mut ws);
    let dir = std::env::temp_dir().join(format!("sleuth-attest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("graded.dl");
    ws.save_session(&path).expect("saved");
    let saved = std::fs::read_to_string(&path).expect("read");
    assert!(
        saved.contains(".pragma \"source\" \"my-notes B3\""),
        "{saved}"
    );
    let mut fresh = workspace(&[]);
    fresh.load_rules_file(&path).expect("loads");
    check(&mut fresh);
    let entries = fresh.session_entries();
    assert_eq!(
        entries[0]
            .source
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("my-notes B3")
    );
    assert_eq!(entries[1].source, None);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_source_pragma_is_located_and_loads_nothing() {
    let dir = std::env::temp_dir().join(format!("sleuth-attest-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bad.dl");
    std::fs::write(
        &path,
        "watch(\"Tangier\").\n.pragma \"source\" \"my-notes Z9\"\nwatch(\"Tetouan\").\n",
    )
    .expect("written");
    let mut ws = workspace(&[]);
    let before = ws.session_entries().len();
    let err = ws.load_rules_file(&path).expect_err("a bad grade");
    assert_eq!(err.codes(), vec!["bad-grade"]);
    assert!(err.render().contains("bad.dl:2:1"), "{}", err.render());
    assert_eq!(ws.session_entries().len(), before, "nothing loaded");
    let err = ws.set_typed_source("my-notes").expect_err("no grade");
    assert_eq!(err.codes(), vec!["bad-source"]);
    assert_eq!(ws.typed_source(), None);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_provenance_relation_declared_otherwise_is_an_error() {
    let dir = std::env::temp_dir().join(format!("sleuth-attest-shape-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("shape.dl");
    std::fs::write(
        &path,
        ".decl source_origin(s: symbol)\nsource_origin(\"a\").\n",
    )
    .expect("written");
    let inputs = Inputs {
        rules: vec![path],
        builtin_data: false,
        builtin_rules: false,
        ..Inputs::default()
    };
    let err = Workspace::builder()
        .inputs(inputs)
        .open()
        .err()
        .expect("a shape error");
    assert_eq!(err.codes(), vec!["attestation-shape"]);
    assert!(err.render().contains("shape.dl:1:"), "{}", err.render());
    std::fs::remove_dir_all(&dir).ok();
}

/// Facts in a rule file after `.pragma "source" "ID GRADE"` are attested
/// by that source, as typed ones are; `none` stops it.
#[test]
fn a_rule_file_grades_the_facts_after_its_source_pragma() {
    let inputs = Inputs {
        rules: vec![fixture("analyst-notes.dl")],
        ..Inputs::default()
    };
    let mut ws = Workspace::builder()
        .inputs(inputs)
        .open()
        .expect("the notes load");
    let proof = provenance::why(
        &ws,
        r#"arrest("invented-person-1", "Tangier", "2024-03")"#,
        &ExplainOptions::default(),
    )
    .expect("holds");
    let text = provenance::render(&proof, Format::Text);
    assert!(
        text.contains("fact: analyst-notes (typed at ") && text.contains("graded B3"),
        "{text}"
    );
    let rows = ws
        .query(r#"?- arrest_attested("invented-person-1", _, _, S, _, G, _)."#)
        .expect("answers")
        .strings();
    assert_eq!(rows, vec![vec!["analyst-notes", "B3"]]);
    let watch =
        provenance::why(&ws, r#"watch("Tangier")"#, &ExplainOptions::default()).expect("holds");
    assert!(!watch.confidence().is_graded(), "after `none`");
}

/// The compiled library and the interpreter read the same provenance
/// relations (rules/provenance.dl is part of the library both run).
#[test]
fn both_engines_answer_provenance_queries_alike() {
    let query = r#"stated(P, Pl, D) :- arrest_attested(P, Pl, D, _, _, _, "").
?- arrest(P, Pl, D), !stated(P, Pl, D), arrest_attested(P, Pl, D, S, _, G, _), grade_confidence(G, C), source_origin(S, O)."#;
    let run = |engine: &str| {
        let out = sleuth(&["query", "--engine", engine, "--confidence", query]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let compiled = run("compiled");
    assert!(compiled.contains("11 rows"), "{compiled}");
    assert!(
        !compiled.contains("assumption"),
        "an absence of provenance is no assumption: {compiled}"
    );
    assert_eq!(compiled, run("interpreted"));
}

/// Regression: a rule typed while a source was in force was kept with
/// that source, which `:save` does not write (only facts are attested),
/// so loading the saved file back into the same session added the rule
/// a second time.
#[test]
fn a_saved_session_loads_into_itself_without_duplicates() {
    let mut ws = workspace(&[]);
    ws.set_typed_source("my-notes B3").expect("a source");
    ws.submit(
        "<repl:1>",
        "near(P) :- recurring_hotspot(P).\nwatch(\"Tangier\").",
    )
    .expect("added");
    let dir = std::env::temp_dir().join(format!("sleuth-attest-dup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("again.dl");
    ws.save_session(&path).expect("saved");
    let before = ws.session_entries().len();
    let loaded = ws.load_rules_file(&path).expect("loads");
    assert_eq!(loaded.added, 0, "{:?}", loaded.notes);
    assert_eq!(ws.session_entries().len(), before);
    std::fs::remove_dir_all(&dir).ok();
}
