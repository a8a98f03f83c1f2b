//! Every conclusion the conclusions tests assert (tests/conclusions.rs) can
//! be explained down to the report's paragraphs, with a confidence in words,
//! in text, JSON and DOT, through the library and through `sleuth explain`.

use std::process::Command;

use sleuth::Value;
use sleuth::provenance::{self, Citation, ExplainOptions, Explainer, Format, NodeKind};
use sleuth::session::Workspace;

/// The relations the conclusions tests assert about.
const CONCLUSIONS: &[&str] = &[
    "recurring_hotspot",
    "hotspot_revisit",
    "recruitment_pipeline",
    "pipeline_evidence",
    "multi_theater_origin",
    "joint_operation",
    "nationals_arrested_in",
    "arrested_in_country",
    "places_per_operation",
    "cells_per_operation",
    "escalation",
    "theater_arrest_without_home_record",
    "senior_foreign_member",
    "cell_country",
    "cell_theater",
    "within",
    "active_in",
    "theater_country",
    "operation",
    "arrest",
    "nationality",
];

const WORDS: &[&str] = &[
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certainly",
];

fn fact(relation: &str, values: &[Value]) -> String {
    let args: Vec<String> = values.iter().map(Value::to_datalog).collect();
    format!("{relation}({})", args.join(", "))
}

#[test]
fn every_conclusion_is_explained_down_to_report_paragraphs() {
    let ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let [doc] = ws.documents() else {
        panic!("one source report")
    };
    let mut ex = Explainer::new(&ws);
    let opts = ExplainOptions::default();
    let mut explained = 0;
    for relation in CONCLUSIONS {
        let rel = ws
            .program()
            .relation_id(relation)
            .expect("a library relation");
        let tuples = ws.database().tuples(rel);
        assert!(!tuples.is_empty(), "{relation} has conclusions");
        for t in tuples {
            let f = fact(relation, &t);
            let proof = ex.why(&f, &opts).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(
                !proof.is_cut(),
                "{f}: the whole proof fits the default bounds"
            );
            let mut leaves = 0;
            for node in &proof.nodes {
                if let NodeKind::Fact { tuple, citations } = &node.kind {
                    leaves += 1;
                    assert!(!citations.is_empty(), "{f}: {tuple} has no origin");
                    for c in citations {
                        let Citation::Report {
                            source, paragraph, ..
                        } = c
                        else {
                            panic!("{f}: {tuple} does not come from the report: {c:?}")
                        };
                        assert_eq!(source, &doc.id);
                        assert!(*paragraph <= doc.paragraphs, "{f}: ¶{paragraph}");
                    }
                }
            }
            assert!(leaves > 0, "{f}");
            let words = proof.confidence().words();
            assert!(WORDS.contains(&words), "{f}: {words}");
            let text = provenance::render(&proof, Format::Text);
            assert!(
                text.contains(&format!("confidence: {}", proof.confidence())),
                "{text}"
            );
            assert!(text.contains(&format!("cited: {} ¶", doc.id)), "{text}");
            let json: serde_json::Value =
                serde_json::from_str(&provenance::render(&proof, Format::Json)).expect("JSON");
            assert_eq!(json["likelihood"], words);
            assert!(
                json["cited"][0]["paragraphs"]
                    .as_array()
                    .is_some_and(|p| !p.is_empty())
            );
            let dot = provenance::render(&proof, Format::Dot);
            assert!(dot.contains(&format!("{} ¶", doc.id)), "{dot}");
            explained += 1;
        }
    }
    assert!(explained > 100, "{explained} conclusions explained");
}

#[test]
fn sleuth_explain_prints_each_main_conclusion_with_its_paragraphs() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cases = [
        (r#"recurring_hotspot("Tetouan")"#, "¶4 ¶5"),
        (r#"multi_theater_origin("Morocco")"#, "¶1 ¶3 ¶4 ¶9 ¶10"),
        (r#"recruitment_pipeline("Morocco", "Somalia")"#, "¶9 ¶10"),
        (r#"joint_operation("op-2023-01", "Morocco", "Spain")"#, "¶3"),
        (
            r#"nationals_arrested_in("Morocco", "Somalia", 5)"#,
            "¶9 ¶10",
        ),
    ];
    for (fact, paragraphs) in cases {
        for format in ["text", "json", "dot"] {
            let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
                .current_dir(root)
                .args([
                    "explain",
                    "--no-builtin-data",
                    "--no-builtin-rules",
                    "--data",
                    "data",
                    "--rules",
                    "rules",
                    "--format",
                    format,
                    fact,
                ])
                .output()
                .expect("sleuth runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{fact}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            if format == "text" {
                assert!(
                    stdout.contains(&format!("cited: morocco-sahel-recruitment {paragraphs}")),
                    "{stdout}"
                );
                assert!(stdout.contains("likely ("), "{stdout}");
            } else {
                let first = paragraphs.split(' ').next().expect("one paragraph");
                let needle = if format == "dot" {
                    format!("morocco-sahel-recruitment {first}")
                } else {
                    format!("\"paragraph\": {}", &first[2..])
                };
                assert!(stdout.contains(&needle), "{format}: {stdout}");
            }
        }
    }
}
