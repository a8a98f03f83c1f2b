//! Golden error tests: every `tests/errors/NAME.dl` is parsed and checked,
//! and every `tests/errors/NAME.json` is loaded as a data document (invented
//! for the test, on its own); the rendered diagnostics must equal
//! `tests/errors/NAME.stderr` byte for byte. A new `.dl` or `.json` file is
//! a new case. Run with `SLEUTH_BLESS=1` to
//! write the expectations from the current output (then review the diff).

use std::fs;
use std::path::{Path, PathBuf};

use sleuth::SourceMap;
use sleuth::check::check_sources;
use sleuth::io::data::DataLoader;

/// The `.dl` and `.json` files of `tests/errors`, sorted.
fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/errors exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "dl" || e == "json"))
        .collect();
    files.sort();
    files
}

/// The diagnostics of one case, rendered as the command line shows them.
fn render(path: &Path) -> Result<String, String> {
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name");
    let name = format!("tests/errors/{file}");
    let text = fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let mut sources = SourceMap::new();
    if name.ends_with(".json") {
        return match DataLoader::new().load_str(&mut sources, &name, &text) {
            Ok(_) => Err(format!(
                "{name}: loads without errors, but it is an error case"
            )),
            Err(d) => Ok(d.render(&sources)),
        };
    }
    let id = sources.add(name.clone(), text);
    match check_sources(&sources, &[id]) {
        Ok(_) => Err(format!(
            "{name}: checks without errors, but it is an error case"
        )),
        Err(diags) => Ok(diags.render(&sources)),
    }
}

/// Compares one case with its expectation (or writes it when blessing).
fn run(path: &Path, bless: bool) -> Result<(), String> {
    let actual = render(path)?;
    let expected_path = path.with_extension("stderr");
    if bless {
        return fs::write(&expected_path, &actual).map_err(|e| e.to_string());
    }
    let expected = fs::read_to_string(&expected_path).map_err(|_| {
        format!(
            "{}: no .stderr beside it; run with SLEUTH_BLESS=1",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "{}: diagnostics differ\n--- expected\n{expected}--- actual\n{actual}",
        path.display()
    ))
}

#[test]
fn error_programs_render_their_expected_diagnostics() {
    let bless = std::env::var("SLEUTH_BLESS").is_ok_and(|v| v == "1");
    let cases = cases();
    assert!(!cases.is_empty(), "no cases in tests/errors");
    let mut failures = Vec::new();
    for path in &cases {
        let result = run(path, bless);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        eprintln!(
            "error case {name} ... {}",
            if result.is_ok() { "ok" } else { "FAILED" }
        );
        if let Err(e) = result {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} error cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every stable error code of the checker, and the data codes whose
/// messages had defects, have at least one golden case.
#[test]
fn every_error_code_has_a_golden_case() {
    let seen: String = cases().iter().filter_map(|p| render(p).ok()).collect();
    let codes = [
        "syntax",
        "unsupported",
        "unknown-relation",
        "arity-mismatch",
        "type-mismatch",
        "unbound-variable",
        "wildcard-in-head",
        "unstratifiable",
        "bad-date",
        "unknown-functor",
        "duplicate-declaration",
        "unknown-type",
        "missing-declaration",
        "bad-parameter",
        "bad-document",
        "duplicate-field",
    ];
    for code in codes {
        assert!(
            seen.contains(&format!("error[{code}]")),
            "no golden case shows error[{code}]"
        );
    }
}
