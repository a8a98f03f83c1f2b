//! Golden tests: every `tests/programs/NAME.dl` runs through the whole
//! pipeline (parse, check, read `.input` files from `NAME.facts/`, evaluate)
//! and its `.output` relations, printed sorted as `== name` then one
//! tab-separated row per line, must equal `NAME.out`. One new pair of files is
//! one new test. `SLEUTH_BLESS=1` rewrites the expectations (review the diff).

use std::path::{Path, PathBuf};

use sleuth::eval::{self, Database, EvalOptions};
use sleuth::io::tsv;
use sleuth::{SourceMap, check, syntax};

fn run_program(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("program is readable");
    let mut sources = SourceMap::new();
    let name = format!(
        "tests/programs/{}",
        path.file_name().expect("file").to_string_lossy()
    );
    let id = sources.add(name, text);
    let program = syntax::parse(&sources, id)
        .and_then(|m| check::check(&sources, &[m]))
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let mut db = Database::new(&program);
    db.load_program_facts(&program)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    tsv::read_inputs(&program, &mut db, &path.with_extension("facts"))
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    eval::evaluate(&program, &mut db, &EvalOptions::default())
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let mut out = String::new();
    for output in &program.outputs {
        out.push_str(&format!("== {}\n", program.relations[output.rel].name));
        for row in db.tuples(output.rel) {
            if row.is_empty() {
                out.push_str("()\n");
            } else {
                let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
        }
    }
    out
}

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/programs exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "dl"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_program_matches_its_expected_output() {
    let bless = std::env::var_os("SLEUTH_BLESS").is_some();
    let mut failures = Vec::new();
    let files = programs();
    assert!(files.len() >= 10, "the golden programs are missing");
    for path in files {
        let actual = run_program(&path);
        let expected_path = path.with_extension("out");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expectation");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no .out file", path.display()));
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
