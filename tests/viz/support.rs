//! What the picture tests share: the report's workspace, golden files
//! under tests/viz/, the `sleuth` binary, scratch folders and XML parsing.

// Each test file uses a different subset of these functions.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sleuth::session::Workspace;

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The report's data under the rule library.
pub fn workspace() -> Workspace {
    Workspace::builder()
        .data([root().join("data")])
        .rules([root().join("rules")])
        .open()
        .expect("the report's data and the rule library load and check")
}

/// `--data DIR` and `--rules DIR` for the repository's data and rules, as
/// arguments usable from any folder (in place of the built-in ones).
pub fn data_and_rules() -> Vec<String> {
    vec![
        "--no-builtin-data".to_string(),
        "--no-builtin-rules".to_string(),
        "--data".to_string(),
        root().join("data").display().to_string(),
        "--rules".to_string(),
        root().join("rules").display().to_string(),
    ]
}

/// Compares `actual` with the golden file tests/viz/NAME; with
/// UPDATE_GOLDENS=1 in the environment, rewrites the file instead.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests").join("viz").join(name);
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (run with UPDATE_GOLDENS=1)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden file\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// Runs `sleuth` with the arguments in `dir`; `no_path` clears PATH so that
/// no Graphviz can be found.
pub fn sleuth(args: &[&str], dir: &Path, no_path: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sleuth"));
    cmd.args(args).current_dir(dir);
    if no_path {
        cmd.env("PATH", "");
    }
    cmd.output().expect("the sleuth binary runs")
}

/// Runs `sleuth COMMAND --data DATA --rules RULES ARGS...` in `dir`, with
/// the repository's data and rules.
pub fn sleuth_inputs(args: &[&str], dir: &Path, no_path: bool) -> Output {
    let inputs = data_and_rules();
    let mut all: Vec<&str> = vec![args[0]];
    all.extend(inputs.iter().map(String::as_str));
    all.extend(&args[1..]);
    sleuth(&all, dir, no_path)
}

/// A fresh empty scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("viz")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Parses XML (doctype allowed), failing the test with the parser's message.
pub fn xml(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{text}"))
}

/// Whether Graphviz's `dot` runs here.
pub fn dot_installed() -> bool {
    Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}
