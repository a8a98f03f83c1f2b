//! The engine choice: `auto` takes the compiled library only for the rules it
//! was built from (saying why otherwise), `compiled` refuses other rules, and
//! both paths give the same answers over the report's data.

use sleuth::compiled::{self, Engine};
use sleuth::diag::SourceMap;
use sleuth::eval::{Database, EvalOptions};
use sleuth::io::data::DataLoader;
use sleuth::ir::Program;

fn rules() -> Vec<(String, String)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "dl"))
        .map(|p| {
            let name = format!("rules/{}", p.file_name().expect("a file").to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// The library plus extra rule text, checked, with a database of the report's facts.
fn setup(extra: &str) -> (Program, Database, Vec<(String, String)>) {
    let mut files = rules();
    if !extra.is_empty() {
        files.push(("adhoc.dl".into(), extra.into()));
    }
    let mut sources = SourceMap::new();
    let ids: Vec<_> = files
        .iter()
        .map(|(n, t)| sources.add(n.clone(), t.clone()))
        .collect();
    let program = sleuth::check::check_sources(&sources, &ids)
        .unwrap_or_else(|d| panic!("checks:\n{}", d.render(&sources)));
    let data = DataLoader::new()
        .load_embedded(&mut sources)
        .expect("the report's data loads");
    let mut db = Database::new(&program);
    for f in &data.facts {
        let rel = program.relation_id(&f.relation).expect("a base relation");
        db.insert(rel, &f.values).expect("fits");
    }
    db.load_program_facts(&program).expect("facts load");
    (program, db, files)
}

fn answers(program: &Program, db: &Database, rel: &str) -> Vec<Vec<sleuth::Value>> {
    db.tuples(program.relation_id(rel).expect("exists"))
}

#[test]
fn auto_uses_the_compiled_library_for_its_own_rules() {
    let (program, mut db, files) = setup("");
    let library: Vec<(String, String)> = files;
    let run = compiled::evaluate(
        &program,
        &mut db,
        &EvalOptions::default(),
        Engine::Auto,
        &library,
    )
    .expect("evaluates");
    assert!(run.note.is_none(), "{:?}", run.note);
    let c = run.compiled.expect("the compiled library ran");
    assert_eq!(c.produced.len(), compiled::compiled_relations().len());
    assert_eq!(
        c.stages.len(),
        c.stages.iter().filter(|(_, _)| true).count()
    );
    assert!(!answers(&program, &db, "recurring_hotspot").is_empty());
}

#[test]
fn ad_hoc_rules_run_over_the_compiled_relations() {
    // The ad-hoc rule reads a compiled relation; the library part still matches.
    let (program, mut db, files) = setup("hot(P) :- recurring_hotspot(P).\n");
    let library: Vec<(String, String)> = files[..files.len() - 1].to_vec();
    let run = compiled::evaluate(
        &program,
        &mut db,
        &EvalOptions::default(),
        Engine::Auto,
        &library,
    )
    .expect("evaluates");
    assert!(run.compiled.is_some());
    assert_eq!(
        answers(&program, &db, "hot"),
        answers(&program, &db, "recurring_hotspot")
    );
}

#[test]
fn a_rule_adding_to_a_library_relation_falls_back_and_says_so() {
    let extra = "recurring_hotspot(P) :- cell(_, P).\n";
    let (program, mut db, files) = setup(extra);
    let library: Vec<(String, String)> = files[..files.len() - 1].to_vec();
    let run = compiled::evaluate(
        &program,
        &mut db,
        &EvalOptions::default(),
        Engine::Auto,
        &library,
    )
    .expect("evaluates");
    assert!(run.compiled.is_none());
    let note = run.note.expect("says why");
    assert!(note.contains("recurring_hotspot"), "{note}");
    let (program2, mut db2, _) = setup(extra);
    let err = compiled::run(&program2, &mut db2).expect_err("refuses");
    assert_eq!(err.code, "compiled-mismatch");
    assert_eq!(
        answers(&program, &db, "recurring_hotspot").len(),
        {
            let cells = answers(&program, &db, "cell");
            let mut places: Vec<_> = cells.into_iter().map(|t| t[1].clone()).collect();
            places.sort();
            places.dedup();
            places.len()
        },
        "the interpreter ran the extra rule"
    );
}

#[test]
fn other_rules_use_the_interpreter_unless_compiled_is_forced() {
    let (program, mut db, mut files) = setup("");
    files[0].1.push_str("\n// edited\n");
    let run = compiled::evaluate(
        &program,
        &mut db,
        &EvalOptions::default(),
        Engine::Auto,
        &files,
    )
    .expect("evaluates");
    assert!(run.compiled.is_none());
    assert!(run.note.expect("says why").contains("differ"));
    let (program, mut db, _) = setup("");
    let err = compiled::evaluate(
        &program,
        &mut db,
        &EvalOptions::default(),
        Engine::Compiled,
        &files,
    )
    .expect_err("forced compiled refuses other rules");
    assert_eq!(err.code, "compiled-mismatch");
}

#[test]
fn both_engines_agree_on_every_relation() {
    let (program, mut a, files) = setup("");
    let (_, mut b, _) = setup("");
    let opts = EvalOptions::default();
    compiled::evaluate(&program, &mut a, &opts, Engine::Compiled, &files).expect("compiled");
    compiled::evaluate(&program, &mut b, &opts, Engine::Interpreted, &files).expect("interpreted");
    for rel in 0..program.relations.len() {
        assert_eq!(
            a.tuples(rel),
            b.tuples(rel),
            "{}",
            program.relations[rel].name
        );
    }
}

#[test]
fn evaluating_again_after_new_facts_matches_a_fresh_evaluation() {
    use sleuth::Value;
    let (program, mut db, files) = setup("");
    let opts = EvalOptions::default();
    compiled::evaluate(&program, &mut db, &opts, Engine::Compiled, &files).expect("first run");
    // Two new cells in a new place, dismantled by two operations, and a base
    // fact given directly for a derived relation.
    let new_facts: Vec<(&str, Vec<Value>)> = vec![
        (
            "cell",
            vec![
                Value::Symbol("cell-x1".into()),
                Value::Symbol("Ofin".into()),
            ],
        ),
        (
            "cell",
            vec![
                Value::Symbol("cell-x2".into()),
                Value::Symbol("Ofin".into()),
            ],
        ),
        (
            "dismantled",
            vec![
                Value::Symbol("cell-x1".into()),
                Value::Symbol("op-2023-03".into()),
            ],
        ),
        (
            "dismantled",
            vec![
                Value::Symbol("cell-x2".into()),
                Value::Symbol("op-2024-01".into()),
            ],
        ),
        (
            "within",
            vec![
                Value::Symbol("Atlantis".into()),
                Value::Symbol("Morocco".into()),
            ],
        ),
    ];
    let (_, mut fresh, _) = setup("");
    for (rel, values) in &new_facts {
        let id = program.relation_id(rel).expect("exists");
        db.insert(id, values).expect("fits");
        fresh.insert(id, values).expect("fits");
    }
    compiled::evaluate(&program, &mut db, &opts, Engine::Compiled, &files).expect("second run");
    compiled::evaluate(&program, &mut fresh, &opts, Engine::Interpreted, &files)
        .expect("fresh run");
    for rel in 0..program.relations.len() {
        assert_eq!(
            db.tuples(rel),
            fresh.tuples(rel),
            "{}",
            program.relations[rel].name
        );
    }
    let hotspots = answers(&program, &db, "recurring_hotspot");
    assert!(
        hotspots.contains(&vec![Value::Symbol("Ofin".into())]),
        "{hotspots:?}"
    );
}
