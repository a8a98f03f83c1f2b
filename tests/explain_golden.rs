//! Golden explanations of the report's main conclusions, over the embedded
//! data/ and rules/: each proof in text, JSON and DOT beside its expected
//! output in tests/explain/ (`SLEUTH_BLESS=1 cargo test --test
//! explain_golden` rewrites them), plus the paragraphs each must cite and
//! its confidence in words, asserted here so a change to the data or the
//! rules that moves a conclusion's evidence is a reviewed change. The CLI
//! prints the same as the library.

use std::path::PathBuf;
use std::process::Command;

use sleuth::provenance::{self, ExplainOptions, Explainer, Format};
use sleuth::session::Workspace;

const SOURCE: &str = "morocco-sahel-recruitment";

/// (golden name, fact, paragraphs cited, confidence as printed)
const CONCLUSIONS: &[(&str, &str, &[u32], &str)] = &[
    (
        "hotspot_tangier",
        r#"recurring_hotspot("Tangier")"#,
        &[5, 6],
        "likely (0.60)",
    ),
    (
        "hotspot_tetouan",
        r#"recurring_hotspot("Tetouan")"#,
        &[4, 5],
        "likely (0.60)",
    ),
    (
        "hotspot_inezgane",
        r#"recurring_hotspot("Inezgane")"#,
        &[5, 6],
        "likely (0.60)",
    ),
    (
        "multi_theater_origin_morocco",
        r#"multi_theater_origin("Morocco")"#,
        &[1, 3, 4, 9, 10],
        "likely (0.60)",
    ),
    (
        "pipeline_morocco_somalia",
        r#"recruitment_pipeline("Morocco", "Somalia")"#,
        &[9, 10],
        "likely (0.60)",
    ),
    (
        "pipeline_morocco_sahel",
        r#"recruitment_pipeline("Morocco", "Sahel")"#,
        &[1, 3, 4],
        "likely (0.60)",
    ),
    (
        "joint_operation",
        r#"joint_operation("op-2023-01", "Morocco", "Spain")"#,
        &[3],
        "likely (0.60)",
    ),
    (
        "moroccans_arrested_in_somalia",
        r#"nationals_arrested_in("Morocco", "Somalia", 5)"#,
        &[9, 10],
        "roughly even chance (0.50)",
    ),
    (
        "escalation_2024",
        r#"escalation("op-2023-10", "op-2024-01")"#,
        &[5, 6],
        "likely (0.60)",
    ),
    (
        "senior_foreign_member",
        r#"senior_foreign_member("ofin-syrian-1", "Islamic State in Somalia")"#,
        &[9, 10],
        "likely (0.60)",
    ),
    (
        "hotspot_revisit_tetouan",
        r#"hotspot_revisit("Tetouan", "op-2023-03", "op-2023-10", 7)"#,
        &[4, 5],
        "likely (0.60)",
    ),
    (
        "theater_arrest_without_home_record_almskad",
        r#"theater_arrest_without_home_record("almskad-moroccan-1")"#,
        &[9],
        "roughly even chance (0.50)",
    ),
];

/// (golden name, fact) for `whynot`.
const NOT_HOLDING: &[(&str, &str)] = &[
    (
        "whynot_hotspot_casablanca",
        r#"recurring_hotspot("Casablanca")"#,
    ),
    (
        "whynot_pipeline_morocco_mali",
        r#"recruitment_pipeline("Morocco", "Mali")"#,
    ),
    (
        "whynot_cell_evidence_morocco_mali",
        r#"pipeline_evidence("Morocco", "Mali", K)"#,
    ),
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/explain")
}

/// Compares `actual` with the golden file, or rewrites it under SLEUTH_BLESS.
fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("SLEUTH_BLESS").is_some() {
        std::fs::write(&path, actual).expect("the golden folder is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with SLEUTH_BLESS=1 to create it)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden (SLEUTH_BLESS=1 rewrites it):\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn main_conclusions_cite_their_paragraphs_in_text_json_and_dot() {
    let ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let mut ex = Explainer::new(&ws);
    let opts = ExplainOptions::default();
    for (name, fact, paragraphs, confidence) in CONCLUSIONS {
        let proof = ex
            .why(fact, &opts)
            .unwrap_or_else(|e| panic!("{fact}: {e}"));
        assert_eq!(
            proof.cited_paragraphs(),
            vec![(SOURCE.to_string(), paragraphs.to_vec())],
            "{fact}"
        );
        assert_eq!(proof.confidence().to_string(), *confidence, "{fact}");
        let text = provenance::render(&proof, Format::Text);
        let cited: Vec<String> = paragraphs.iter().map(|p| format!("¶{p}")).collect();
        assert!(
            text.contains(&format!("cited: {SOURCE} {}", cited.join(" "))),
            "{text}"
        );
        assert!(
            // One report supports every conclusion: one independent source.
            text.starts_with(&format!("{fact}  {confidence}, 1 source\n")),
            "{text}"
        );
        golden(&format!("{name}.txt"), &text);

        let json = provenance::render(&proof, Format::Json);
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["conclusion"], *fact);
        assert_eq!(value["proof"]["kind"], "derived");
        assert_eq!(
            value["cited"][0]["paragraphs"],
            serde_json::json!(paragraphs)
        );
        let words = confidence
            .split(" (")
            .next()
            .expect("words before the number");
        assert_eq!(value["likelihood"], words);
        golden(&format!("{name}.json"), &json);

        let dot = provenance::render(&proof, Format::Dot);
        assert!(dot.starts_with("digraph proof {"), "{dot}");
        for p in *paragraphs {
            assert!(
                dot.contains(&format!("{SOURCE} ¶{p} (")),
                "{fact}: ¶{p} missing\n{dot}"
            );
        }
        assert_eq!(
            dot.matches(" -> ").count() + 1,
            proof.nodes.len(),
            "a DOT edge per proof edge"
        );
        golden(&format!("{name}.dot"), &dot);
    }
}

#[test]
fn facts_that_do_not_hold_are_explained_per_rule() {
    let ws = Workspace::builder()
        .builtins()
        .open()
        .expect("the embedded library loads");
    let mut ex = Explainer::new(&ws);
    let opts = ExplainOptions::default();
    for (name, fact) in NOT_HOLDING {
        let w = ex
            .whynot(fact, &opts)
            .unwrap_or_else(|e| panic!("{fact}: {e}"));
        assert!(w.holds.is_empty(), "{fact} holds");
        assert!(!w.attempts.is_empty(), "{fact}: no rule tried");
        golden(
            &format!("{name}.txt"),
            &provenance::render_whynot(&w, Format::Text),
        );
        let json = provenance::render_whynot(&w, Format::Json);
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        golden(&format!("{name}.json"), &json);
        let dot = provenance::render_whynot(&w, Format::Dot);
        assert!(
            dot.starts_with("digraph whynot {") && dot.contains("does not hold"),
            "{dot}"
        );
        assert_eq!(dot.matches("fact -> r").count(), w.attempts.len(), "{dot}");
    }
}

fn sleuth(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .args(args)
        .output()
        .expect("sleuth runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_prints_the_goldens() {
    for (name, fact, _, _) in &CONCLUSIONS[..4] {
        for (format, ext) in [("text", "txt"), ("json", "json"), ("dot", "dot")] {
            let (ok, out, err) = sleuth(&["explain", "--format", format, fact]);
            assert!(ok, "sleuth explain {fact}: {err}");
            if std::env::var_os("SLEUTH_BLESS").is_none() {
                let expected = std::fs::read_to_string(golden_dir().join(format!("{name}.{ext}")))
                    .expect("golden exists");
                assert_eq!(out, expected, "sleuth explain --format {format} {fact}");
            }
        }
    }
    // On the command line the next question to ask is written as a command
    // line (`next: sleuth explain --whynot '...'`), not as the REPL's
    // `:whynot`; the rest is the library's text.
    let (ok, out, _) = sleuth(&["explain", "--whynot", NOT_HOLDING[1].1]);
    assert!(ok);
    golden(&format!("{}_cli.txt", NOT_HOLDING[1].0), &out);
    assert!(!out.contains(":whynot"), "{out}");
}
