//! Tests of STIX 2.1 in and out: the export of the built-in report is the
//! same bytes every time, passes the OASIS validator without an error, and
//! loads back (with the built-in data left out) to the same relations, every
//! derived one included; the OASIS example reports load, their threat
//! actors and the relationships between them arriving; a bundle from
//! elsewhere (invented, `tests/fixtures/stix/`) maps what fits, says what it
//! skipped, and a bad bundle is a located error that loads nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sleuth::SourceMap;
use sleuth::diag::Code;
use sleuth::io::data::DataLoader;
use sleuth::io::stix;
use sleuth::session::{Inputs, Workspace};
use sleuth::value::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stix")
        .join(name)
}

fn open(data: &[PathBuf], builtin_data: bool) -> Workspace {
    let inputs = Inputs {
        data: data.to_vec(),
        builtin_data,
        builtin_rules: true,
        ..Inputs::default()
    };
    Workspace::builder()
        .inputs(inputs)
        .open()
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

/// A scratch file of this test run.
fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sleuth-stix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path
}

/// Every relation of the workspace's program, with its tuples as sorted
/// Datalog text.
fn relations(ws: &Workspace) -> Vec<(String, Vec<String>)> {
    let program = ws.program();
    let mut out: Vec<(String, Vec<String>)> = program
        .relations
        .iter()
        .enumerate()
        .map(|(rel, r)| {
            let mut rows: Vec<String> = ws
                .database()
                .tuples(rel)
                .iter()
                .map(|row| {
                    row.iter()
                        .map(Value::to_datalog)
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            rows.sort();
            (r.name.clone(), rows)
        })
        .collect();
    out.sort();
    out
}

fn builtin_bundle() -> String {
    stix::export(&open(&[], true))
}

#[test]
fn exporting_twice_gives_the_same_bytes() {
    let first = builtin_bundle();
    assert_eq!(first, builtin_bundle());
    assert!(
        !first.contains("\"created\": \"1970"),
        "dates come from the data"
    );
}

#[test]
fn the_report_loads_back_to_the_same_conclusions() {
    let original = open(&[], true);
    let bundle = scratch("round-trip.json", &stix::export(&original));
    let loaded = open(&[bundle], false);
    let (before, after) = (relations(&original), relations(&loaded));
    assert_eq!(
        before.iter().map(|r| &r.0).collect::<Vec<_>>(),
        after.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    for ((name, rows), (_, again)) in before.iter().zip(&after) {
        assert_eq!(rows, again, "{name} differs after the round trip");
    }
    let pipelines = before
        .iter()
        .find(|r| r.0 == "recruitment_pipeline")
        .expect("the library derives pipelines");
    assert_eq!(pipelines.1.len(), 4, "{:?}", pipelines.1);
    // Provenance survives: the same attestations, so the same confidences.
    let mut facts: Vec<String> = original
        .facts()
        .iter()
        .map(|f| format!("{} {:?}", f.to_datalog(), f.provenance))
        .collect();
    let mut again: Vec<String> = loaded
        .facts()
        .iter()
        .map(|f| format!("{} {:?}", f.to_datalog(), f.provenance))
        .collect();
    facts.sort();
    facts.dedup();
    again.sort();
    assert_eq!(facts, again);
    assert_eq!(stix::export(&loaded), stix::export(&original));
}

#[test]
fn documents_that_conflict_load_back_with_their_conflicts() {
    let merge = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/merge");
    let original = open(std::slice::from_ref(&merge), true);
    let bundle = scratch("merged.json", &stix::export(&original));
    let loaded = open(&[bundle], false);
    assert_eq!(relations(&original), relations(&loaded));
    assert!(!original.conflicts().is_empty());
    assert_eq!(original.conflicts(), loaded.conflicts());
    assert_eq!(original.documents().len(), loaded.documents().len());
}

#[test]
fn a_conclusion_carries_its_proof_and_confidence() {
    let bundle: serde_json::Value = serde_json::from_str(&builtin_bundle()).expect("JSON");
    let objects = bundle["objects"].as_array().expect("objects");
    let hotspot = objects
        .iter()
        .find(|o| o["abstract"] == "recurring_hotspot(\"Tangier\")")
        .expect("the Tangier hotspot is exported");
    assert_eq!(hotspot["type"], "note");
    assert_eq!(hotspot["confidence"], 60);
    assert_eq!(hotspot["x_sleuth_conclusion"], "recurring_hotspot");
    let content = hotspot["content"].as_str().expect("text");
    assert!(
        content.contains("morocco-sahel-recruitment ¶5"),
        "{content}"
    );
    let report = objects
        .iter()
        .find(|o| o["type"] == "report")
        .expect("the report");
    assert_eq!(report["x_sleuth_grade"], "C2");
    assert_eq!(report["confidence"], 60);
    let refs = report["object_refs"].as_array().expect("refs");
    let arrest = objects
        .iter()
        .find(|o| o["type"] == "sighting")
        .expect("arrests are sightings");
    assert!(refs.contains(&arrest["id"]));
    assert!(arrest["x_sleuth_provenance"][0]["paragraph"].is_u64());
    let morocco = objects
        .iter()
        .find(|o| o["type"] == "location" && o["name"] == "Tangier")
        .expect("Tangier");
    assert_eq!(morocco["country"], "MA");
}

/// The OASIS validator's command, from `SLEUTH_STIX_VALIDATOR` or the
/// virtual environment in `target/stix-venv` (made if absent), or why
/// there is none.
fn validator() -> Result<PathBuf, String> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Ok(path) = std::env::var("SLEUTH_STIX_VALIDATOR") {
                return Ok(PathBuf::from(path));
            }
            let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/stix-venv");
            let command = venv.join("bin/stix2_validator");
            if !command.exists() {
                let made = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .status()
                    .is_ok_and(|s| s.success())
                    && Command::new(venv.join("bin/pip"))
                        .args(["install", "-q", "stix2-validator==3.3.2"])
                        .status()
                        .is_ok_and(|s| s.success());
                if !made {
                    return Err(format!(
                        "could not make {} (python3 -m venv, pip install stix2-validator==3.3.2)",
                        venv.display()
                    ));
                }
            }
            Ok(command)
        })
        .clone()
}

/// The OASIS example report of this name, from the validator's package.
fn oasis_example(name: &str) -> Result<PathBuf, String> {
    let command = validator()?;
    let venv = command
        .parent()
        .and_then(Path::parent)
        .ok_or("no virtual environment")?;
    let lib = std::fs::read_dir(venv.join("lib")).map_err(|e| e.to_string())?;
    lib.filter_map(Result::ok)
        .map(|python| {
            python
                .path()
                .join("site-packages/stix2validator/schemas-2.1/examples/threat-reports")
                .join(name)
        })
        .find(|p| p.exists())
        .ok_or_else(|| format!("{name} is not in the validator's package"))
}

#[test]
fn the_export_passes_the_oasis_validator_without_errors() {
    let command = match validator() {
        Ok(c) => c,
        Err(why) => {
            eprintln!("skipped: the OASIS validator is not available: {why}");
            return;
        }
    };
    let bundle = scratch("validated.json", &builtin_bundle());
    let out = Command::new(&command)
        .arg(&bundle)
        .output()
        .expect("the validator runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("STIX JSON: Valid"), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("[X]")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The warnings README lists, and no other kind.
    for line in text.lines().filter(|l| l.contains("Warning")) {
        assert!(
            ["{103}", "{202}", "{223}"].iter().any(|c| line.contains(c)),
            "a warning README does not list: {line}"
        );
    }
}

fn load(path: &Path) -> (DataLoader, SourceMap) {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    loader
        .load_file(&mut sources, path)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    (loader, sources)
}

fn tuples(loader: &DataLoader, relation: &str) -> Vec<String> {
    let mut out: Vec<String> = loader
        .data()
        .facts_of(relation)
        .map(|f| f.to_datalog())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_oasis_example_reports_load_with_their_threat_actors() {
    let (apt1, poisonivy) = match (oasis_example("apt1.json"), oasis_example("poisonivy.json")) {
        (Ok(a), Ok(p)) => (a, p),
        (Err(why), _) | (_, Err(why)) => {
            eprintln!("skipped: the OASIS examples are not available: {why}");
            return;
        }
    };
    let (loader, _) = load(&apt1);
    let organisations = tuples(&loader, "organisation");
    for actor in ["APT1", "Ugly Gorilla", "DOTA", "SuperHard", "Unit 61398"] {
        assert!(
            organisations.contains(&format!("organisation({actor:?}).")),
            "{actor}: {organisations:?}"
        );
    }
    assert!(tuples(&loader, "branch_of").contains(&r#"branch_of("APT1", "Unit 61398")."#.into()));
    assert!(
        tuples(&loader, "member_of").contains(&r#"member_of("Wang Dong", "Ugly Gorilla")."#.into())
    );
    let (name, summary) = &loader.stix_imports()[0];
    assert!(name.ends_with("apt1.json"));
    assert_eq!(summary.mapped.get("threat-actor"), Some(&5));
    assert_eq!(summary.mapped.get("intrusion-set"), Some(&1));
    assert_eq!(summary.skipped.get("malware").map(|s| s.count), Some(6));
    assert_eq!(summary.mapped_count() + summary.skipped_count(), 76);
    let report = &loader.data().sources[0];
    assert!(report.id.starts_with("stix:report--"));
    let (loader, _) = load(&poisonivy);
    let summary = &loader.stix_imports()[0].1;
    assert_eq!(summary.skipped.get("campaign").map(|s| s.count), Some(3));
    assert_eq!(loader.data().sources[0].publisher, "FireEye, Inc.");
    // Both together, beside the built-in report.
    let ws = open(&[apt1, poisonivy], true);
    assert_eq!(ws.stix_imports().len(), 2);
}

#[test]
fn a_bundle_from_elsewhere_maps_what_fits_and_counts_the_rest() {
    let (loader, _) = load(&fixture("invented-bulletin.json"));
    assert_eq!(
        tuples(&loader, "branch_of"),
        [r#"branch_of("Invented Cell Network", "Invented Front")."#]
    );
    assert_eq!(
        tuples(&loader, "member_of"),
        [r#"member_of("Invented Person", "Invented Front")."#]
    );
    assert_eq!(
        tuples(&loader, "place_kind"),
        [r#"place_kind("Invented Town", "city")."#]
    );
    let data = loader.data();
    let report = data
        .sources
        .iter()
        .find(|s| s.id.starts_with("stix:report--"))
        .expect("the report is a source");
    // Confidence 65 is credibility 2; the reliability is not judged.
    assert_eq!(report.grade.to_string(), "F2");
    let front = data
        .facts_of("organisation")
        .find(|f| f.values[0] == Value::Symbol("Invented Front".into()))
        .expect("the front");
    assert_eq!(front.provenance.source, report.id);
    // No report refers to it: the bundle's own source, graded F3.
    let unreported = data
        .facts_of("organisation")
        .find(|f| f.values[0] == Value::Symbol("Invented Unreported Group".into()))
        .expect("the unreported group");
    assert!(unreported.provenance.source.starts_with("stix:bundle--"));
    assert_eq!(unreported.provenance.grade, stix::DEFAULT_GRADE);
    let summary = &loader.stix_imports()[0].1;
    assert_eq!(summary.skipped.get("malware").map(|s| s.count), Some(1));
    let text = summary.text();
    assert!(text.contains("`uses`"), "{text}");
    assert!(text.starts_with("mapped 8 objects"), "{text}");
}

#[test]
fn the_same_bundle_loaded_again_adds_nothing() {
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    let path = fixture("invented-bulletin.json");
    let first = loader.load_file(&mut sources, &path).expect("loads");
    assert!(!first.facts.is_empty());
    let again = loader.load_file(&mut sources, &path).expect("a no-op");
    assert!(again.is_empty());
}

#[test]
fn the_export_beside_its_own_data_is_a_duplicate_source() {
    let bundle = scratch("duplicate.json", &builtin_bundle());
    let mut sources = SourceMap::new();
    let mut loader = DataLoader::new();
    loader.load_embedded(&mut sources).expect("the report");
    let before = loader.data().clone();
    let err = loader
        .load_file(&mut sources, &bundle)
        .expect_err("the report's source is loaded already");
    assert_eq!(err.code, Code::DuplicateSource);
    assert_eq!(loader.data(), &before);
}

#[test]
fn bad_bundles_are_located_errors_that_load_nothing() {
    let cases = [
        (
            "bad-grade.json",
            Code::BadGrade,
            "objects[0].x_sleuth_grade",
        ),
        (
            "bad-provenance-source.json",
            Code::DanglingReference,
            "objects[5].x_sleuth_provenance[0].source",
        ),
        (
            "bad-note-value.json",
            Code::BadValue,
            "objects[10].x_sleuth_values[1]",
        ),
        ("bad-date.json", Code::BadDate, "objects[0].published"),
        ("bad-object.json", Code::MissingField, "objects[0]"),
    ];
    for (name, code, path) in cases {
        let mut sources = SourceMap::new();
        let mut loader = DataLoader::new();
        let err = loader
            .load_file(&mut sources, &fixture(name))
            .expect_err(name);
        let rendered = err.render(&sources);
        assert_eq!(err.code, code, "{name}: {rendered}");
        assert!(rendered.contains(path), "{name}: {rendered}");
        assert!(err.span.is_some(), "{name}: located");
        assert!(loader.data().is_empty(), "{name} loaded something");
        assert!(loader.stix_imports().is_empty());
    }
}

#[test]
fn sleuth_export_writes_the_bundle_and_loads_it_back() {
    let bin = env!("CARGO_BIN_EXE_sleuth");
    let dir = std::env::temp_dir().join(format!("sleuth-stix-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let out = dir.join("report.json");
    let run = Command::new(bin)
        .args(["export", "--format", "stix", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written = std::fs::read_to_string(&out).expect("written");
    assert_eq!(written, builtin_bundle());
    let query = Command::new(bin)
        .args(["query", "--no-builtin-data", "--data"])
        .arg(&out)
        .arg("?- recurring_hotspot(P).")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&query.stdout);
    assert!(
        stdout.contains("Inezgane") && stdout.contains("3 rows"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&query.stderr);
    assert!(stderr.contains("note: STIX bundle"), "{stderr}");
    // Proofs need recorded derivations: the flags that turn them off do not
    // change the bundle.
    let unrecorded = Command::new(bin)
        .args([
            "export",
            "--format",
            "stix",
            "--no-provenance",
            "--engine",
            "compiled",
        ])
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&unrecorded.stdout), written);
    let bad = Command::new(bin)
        .args(["export", "--format", "csv"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
}
