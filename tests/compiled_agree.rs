//! The compiled rule library agrees with the interpreter, tuple for tuple:
//! on the report's data, on a synthetic event set of 100,000 base facts from
//! a deterministic generator, and on random fact sets over the base schema.
//! Each run evaluates the same program twice: once with the interpreter
//! alone, once with the compiled library first and the interpreter for the
//! rest; then every relation the library derives must hold the same tuples.
//! On the random fact sets, the compiled path is also held to the naive
//! reference evaluator (`support/naive.rs`), relation by relation. The
//! compiled path also stops as the interpreter does when an evaluation is
//! interrupted or out of time (between two of its stages).

use sleuth::compiled;
use sleuth::diag::SourceMap;
use sleuth::eval::{Database, EvalOptions, evaluate};
use sleuth::io::data::DataLoader;
use sleuth::ir::Program;
use sleuth::value::{Date, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use support::naive;
use support::rng::Rng;

mod support;

/// The rule library as files (name, text), sorted by name.
fn rule_files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "dl"))
        .map(|p| {
            let name = format!("rules/{}", p.file_name().expect("a file").to_string_lossy());
            (
                name,
                std::fs::read_to_string(&p).expect("readable rule file"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The library, checked.
fn library() -> Program {
    let mut sources = SourceMap::new();
    let ids: Vec<_> = rule_files()
        .into_iter()
        .map(|(name, text)| sources.add(name, text))
        .collect();
    sleuth::check::check_sources(&sources, &ids)
        .unwrap_or_else(|d| panic!("the library checks:\n{}", d.render(&sources)))
}

fn load(program: &Program, facts: &[(&str, Vec<Value>)]) -> Database {
    let mut db = Database::new(program);
    for (rel, values) in facts {
        let id = program
            .relation_id(rel)
            .unwrap_or_else(|| panic!("`{rel}` is a base relation of the library"));
        db.insert(id, values).expect("facts fit the schema");
    }
    db.load_program_facts(program)
        .expect("the library's facts load");
    db
}

/// Evaluates the facts both ways and asserts every library relation agrees.
/// Returns the number of derived tuples compared.
fn assert_agree(program: &Program, facts: &[(&str, Vec<Value>)]) -> usize {
    let opts = EvalOptions::default();
    let mut interpreted = load(program, facts);
    evaluate(program, &mut interpreted, &opts).expect("the interpreter runs");
    let mut mixed = load(program, facts);
    let run = compiled::run(program, &mut mixed).expect("the compiled library runs");
    evaluate(program, &mut mixed, &opts).expect("the interpreter runs the rest");
    let names = compiled::compiled_relations();
    assert!(!names.is_empty(), "the library compiles");
    assert_eq!(run.produced.len(), names.len());
    let mut compared = 0;
    for name in names {
        let id = program.relation_id(name).expect("a library relation");
        assert!(
            mixed.is_complete(id),
            "`{name}` was produced by the compiled library"
        );
        let a = interpreted.tuples(id);
        let b = mixed.tuples(id);
        assert_eq!(
            a, b,
            "`{name}` differs between the interpreter and the compiled library"
        );
        compared += a.len();
    }
    compared
}

fn report_facts() -> Vec<(String, Vec<Value>)> {
    let mut sources = SourceMap::new();
    let data = DataLoader::new()
        .load_embedded(&mut sources)
        .unwrap_or_else(|d| panic!("the report's data loads:\n{}", d.render(&sources)));
    data.facts
        .into_iter()
        .map(|f| (f.relation, f.values))
        .collect()
}

fn borrowed(facts: &[(String, Vec<Value>)]) -> Vec<(&str, Vec<Value>)> {
    facts.iter().map(|(r, v)| (r.as_str(), v.clone())).collect()
}

#[test]
fn the_compiled_library_is_the_one_in_rules() {
    let files = rule_files();
    assert!(compiled::matches(&files));
    let mut changed = files.clone();
    changed[0].1.push_str("\n// an edit\n");
    assert!(!compiled::matches(&changed));
    assert!(
        compiled::left_to_interpreter().is_empty(),
        "every library relation compiles: {:?}",
        compiled::left_to_interpreter()
    );
}

#[test]
fn report_data_agrees() {
    let program = library();
    let facts = report_facts();
    let compared = assert_agree(&program, &borrowed(&facts));
    assert!(compared > 50, "the report derives many tuples ({compared})");
}

fn sym(s: impl Into<String>) -> Value {
    Value::Symbol(s.into())
}

fn month(rng: &mut Rng) -> Value {
    let y = 2015 + rng.below(10) as i64;
    let m = 1 + rng.below(12) as i64;
    Value::Date(Date::month(y, m).expect("2015..2024, 1..12 are valid"))
}

/// About `target` base facts of an event data set shaped like the report's:
/// countries, regions and cities; theaters over some countries;
/// organisations; operations dismantling cells in cities; people with
/// nationalities, arrests, memberships, ranks and travel intents.
fn synthetic_events(target: usize, seed: u64) -> Vec<(&'static str, Vec<Value>)> {
    let mut rng = Rng(seed);
    let mut facts: Vec<(&'static str, Vec<Value>)> = Vec::with_capacity(target + 64);
    let countries = 30;
    let regions = (target / 400).max(10);
    let cities = (target / 40).max(20);
    let theaters = ["Sahel", "Somalia", "Syria", "Libya", "Iraq", "Afghanistan"];
    let orgs = 20;
    let activities = [
        "recruitment",
        "support",
        "travel facilitation",
        "seeking training",
        "sending fighters",
    ];
    let country = |k: usize| format!("country-{k:02}");
    facts.push(("source", vec![sym("synthetic"), sym("generated event set")]));
    for k in 0..countries {
        facts.push(("place_kind", vec![sym(country(k)), sym("country")]));
    }
    for (t, name) in theaters.iter().enumerate() {
        facts.push(("theater", vec![sym(*name)]));
        for j in 0..3 {
            facts.push((
                "theater_area",
                vec![sym(*name), sym(country(10 + t * 3 + j))],
            ));
        }
    }
    for r in 0..regions {
        facts.push((
            "place_kind",
            vec![sym(format!("region-{r}")), sym("region")],
        ));
        facts.push((
            "located_in",
            vec![sym(format!("region-{r}")), sym(country(r % countries))],
        ));
    }
    for c in 0..cities {
        let area = if c % 4 == 0 {
            country(rng.below(countries))
        } else {
            format!("region-{}", rng.below(regions))
        };
        facts.push(("place_kind", vec![sym(format!("city-{c}")), sym("city")]));
        facts.push(("located_in", vec![sym(format!("city-{c}")), sym(area)]));
    }
    for o in 0..orgs {
        facts.push(("organisation", vec![sym(format!("org-{o}"))]));
        facts.push((
            "org_theater",
            vec![sym(format!("org-{o}")), sym(theaters[o % theaters.len()])],
        ));
        if o % 3 == 0 {
            facts.push((
                "org_theater",
                vec![
                    sym(format!("org-{o}")),
                    sym(theaters[(o + 1) % theaters.len()]),
                ],
            ));
        }
        if o % 5 == 1 {
            facts.push(("branch_of", vec![sym(format!("org-{o}")), sym("org-0")]));
        }
    }
    for k in 0..countries {
        if k % 4 == 0 {
            facts.push((
                "fighter_flow",
                vec![sym(country(k)), sym(theaters[k % theaters.len()])],
            ));
        }
    }
    let operations = (target / 500).max(10);
    for op in 0..operations {
        let name = format!("op-{op}");
        facts.push(("operation", vec![sym(&name), month(&mut rng)]));
        facts.push((
            "conducted_by",
            vec![sym(&name), sym(country(rng.below(countries)))],
        ));
        if rng.chance(10) {
            facts.push((
                "conducted_by",
                vec![sym(&name), sym(country(rng.below(countries)))],
            ));
        }
        if rng.chance(30) {
            facts.push((
                "seized",
                vec![sym(&name), sym(format!("item-{}", rng.below(50)))],
            ));
        }
    }
    let mut cell = 0usize;
    let mut person = 0usize;
    while facts.len() < target {
        // A cell: where, which operation, what for.
        let name = format!("cell-{cell}");
        cell += 1;
        facts.push((
            "cell",
            vec![sym(&name), sym(format!("city-{}", rng.below(cities)))],
        ));
        facts.push((
            "dismantled",
            vec![sym(&name), sym(format!("op-{}", rng.below(operations)))],
        ));
        facts.push((
            "cell_activity",
            vec![sym(&name), sym(activities[rng.below(activities.len())])],
        ));
        let target_area = if rng.chance(60) {
            sym(theaters[rng.below(theaters.len())])
        } else {
            sym(format!("city-{}", rng.below(cities)))
        };
        facts.push(("cell_target", vec![sym(&name), target_area]));
        if rng.chance(20) {
            facts.push((
                "cell_linked_to",
                vec![sym(&name), sym(format!("org-{}", rng.below(orgs)))],
            ));
        }
        // A person or two.
        for _ in 0..2 {
            let p = format!("person-{person}");
            person += 1;
            facts.push((
                "nationality",
                vec![sym(&p), sym(country(rng.below(countries)))],
            ));
            facts.push((
                "arrest",
                vec![
                    sym(&p),
                    sym(format!("city-{}", rng.below(cities))),
                    month(&mut rng),
                ],
            ));
            if rng.chance(25) {
                facts.push((
                    "arrest",
                    vec![
                        sym(&p),
                        sym(format!("city-{}", rng.below(cities))),
                        month(&mut rng),
                    ],
                ));
            }
            if rng.chance(30) {
                facts.push((
                    "member_of",
                    vec![sym(&p), sym(format!("org-{}", rng.below(orgs)))],
                ));
                if rng.chance(20) {
                    facts.push(("rank", vec![sym(&p), sym("senior")]));
                }
            }
            if rng.chance(15) {
                let area = if rng.chance(50) {
                    sym(theaters[rng.below(theaters.len())])
                } else {
                    sym(format!("city-{}", rng.below(cities)))
                };
                facts.push(("travel_intent", vec![sym(&p), area]));
            }
            if rng.chance(5) {
                facts.push((
                    "contact_with",
                    vec![sym(&p), sym(format!("org-{}", rng.below(orgs)))],
                ));
            }
            if rng.chance(10) {
                let least = 1 + rng.below(5) as i64;
                facts.push(("person_group", vec![sym(&p), Value::Number(least)]));
            }
            if rng.chance(10) {
                facts.push((
                    "recruiting_for",
                    vec![sym(&p), sym(theaters[rng.below(theaters.len())])],
                ));
            }
        }
    }
    facts
}

#[test]
fn synthetic_event_set_of_100_000_facts_agrees() {
    let program = library();
    let facts = synthetic_events(100_000, 2024);
    assert!(facts.len() >= 100_000);
    let compared = assert_agree(&program, &facts);
    assert!(
        compared > 100_000,
        "the event set derives many tuples ({compared})"
    );
}

/// Random small fact sets over the base schema: few names per kind, so
/// joins, negations and groups collide often.
fn random_facts(rng: &mut Rng) -> Vec<(&'static str, Vec<Value>)> {
    let pick = |rng: &mut Rng, kind: &str, n: usize| sym(format!("{kind}{}", rng.below(n)));
    let theaters = ["Sahel", "Somalia", "Syria"];
    let mut facts = Vec::new();
    let count = 10 + rng.below(60);
    for _ in 0..count {
        let place = |rng: &mut Rng| {
            if rng.chance(30) {
                sym(theaters[rng.below(3)])
            } else {
                pick(rng, "p", 6)
            }
        };
        let fact = match rng.below(17) {
            0 => (
                "place_kind",
                vec![
                    pick(rng, "p", 6),
                    sym(if rng.chance(50) { "country" } else { "city" }),
                ],
            ),
            1 => ("located_in", vec![pick(rng, "p", 6), pick(rng, "p", 6)]),
            2 => ("theater", vec![sym(theaters[rng.below(3)])]),
            3 => (
                "theater_area",
                vec![sym(theaters[rng.below(3)]), pick(rng, "p", 6)],
            ),
            4 => (
                "org_theater",
                vec![pick(rng, "org", 3), sym(theaters[rng.below(3)])],
            ),
            5 => ("operation", vec![pick(rng, "op", 4), month(rng)]),
            6 => ("conducted_by", vec![pick(rng, "op", 4), pick(rng, "p", 6)]),
            7 => ("cell", vec![pick(rng, "c", 5), pick(rng, "p", 6)]),
            8 => ("dismantled", vec![pick(rng, "c", 5), pick(rng, "op", 4)]),
            9 => ("cell_activity", vec![pick(rng, "c", 5), sym("recruitment")]),
            10 => ("cell_target", vec![pick(rng, "c", 5), place(rng)]),
            11 => ("nationality", vec![pick(rng, "x", 5), pick(rng, "p", 6)]),
            12 => ("arrest", vec![pick(rng, "x", 5), place(rng), month(rng)]),
            13 => ("member_of", vec![pick(rng, "x", 5), pick(rng, "org", 3)]),
            14 => ("rank", vec![pick(rng, "x", 5), sym("senior")]),
            15 => ("travel_intent", vec![pick(rng, "x", 5), place(rng)]),
            _ => (
                "fighter_flow",
                vec![pick(rng, "p", 6), sym(theaters[rng.below(3)])],
            ),
        };
        facts.push(fact);
    }
    facts
}

/// The compiled library (with the interpreter for the rest) gives the naive
/// reference evaluator's relations.
fn assert_reference_agrees(program: &Program, facts: &[(&str, Vec<Value>)]) {
    let mut mixed = load(program, facts);
    compiled::run(program, &mut mixed).expect("the compiled library runs");
    evaluate(program, &mut mixed, &EvalOptions::default()).expect("the interpreter runs the rest");
    let extra: Vec<(usize, Vec<Value>)> = facts
        .iter()
        .map(|(r, v)| (program.relation_id(r).expect("a base relation"), v.clone()))
        .collect();
    let reference = naive::evaluate_with(program, &extra);
    assert!(reference.failures.is_empty(), "{:?}", reference.failures);
    for (id, want) in reference.rels.iter().enumerate() {
        let got: BTreeSet<Vec<Value>> = mixed.tuples(id).into_iter().collect();
        assert_eq!(
            &got, want,
            "`{}` differs between the compiled path and the reference",
            program.relations[id].name
        );
    }
}

#[test]
fn random_fact_sets_agree() {
    let program = library();
    let mut rng = Rng(7);
    for case in 0..60 {
        let facts = random_facts(&mut rng);
        let result = std::panic::catch_unwind(|| {
            assert_agree(&program, &facts);
            assert_reference_agrees(&program, &facts);
        });
        if let Err(e) = result {
            eprintln!("case {case} disagrees; its facts:");
            for (r, v) in &facts {
                let vals: Vec<String> = v.iter().map(Value::to_datalog).collect();
                eprintln!("  {r}({}).", vals.join(", "));
            }
            std::panic::resume_unwind(e);
        }
    }
}

#[test]
fn the_compiled_library_stops_between_stages_when_interrupted_or_out_of_time() {
    let program = library();
    let facts = report_facts();
    let facts = borrowed(&facts);
    let derived: Vec<_> = compiled::compiled_relations()
        .into_iter()
        .map(|name| program.relation_id(name).expect("a library relation"))
        .collect();
    let stages = |message: &str| -> bool { message.contains("(stratum 1 of ") };

    // Stopped between stages: the interpreter's code, after the first stage,
    // and nothing written back.
    let stopped = |opts: &EvalOptions, code: &str| {
        let mut db = load(&program, &facts);
        let err = compiled::run_with(&program, &mut db, opts).expect_err(code);
        assert_eq!(err.code, code, "{}", err.message);
        assert!(stages(&err.message), "{}", err.message);
        assert!(
            derived.iter().all(|&r| db.len(r) == 0),
            "nothing written back"
        );
        err
    };

    // Interrupted before it starts.
    let opts = EvalOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..EvalOptions::default()
    };
    stopped(&opts, "interrupted");

    // Out of time, with a note that the library always finishes instead of
    // the interpreter's runaway note.
    let opts = EvalOptions {
        time_limit: Some(Duration::ZERO),
        ..EvalOptions::default()
    };
    let err = stopped(&opts, "time-limit");
    assert!(
        err.notes
            .iter()
            .any(|n| n.contains("always reaches its fixpoint")),
        "{:?}",
        err.notes
    );
    assert!(
        err.help
            .as_deref()
            .is_some_and(|h| h.starts_with("raise the limit: `--timeout 1s`"))
    );

    // With a bound it does not reach, it runs through, as without one.
    let opts = EvalOptions {
        time_limit: Some(Duration::from_secs(3600)),
        cancel: Some(Arc::new(AtomicBool::new(false))),
        ..EvalOptions::default()
    };
    let mut bounded = load(&program, &facts);
    compiled::run_with(&program, &mut bounded, &opts).expect("runs through");
    let mut free = load(&program, &facts);
    compiled::run(&program, &mut free).expect("runs through");
    for &r in &derived {
        assert_eq!(bounded.tuples(r), free.tuples(r));
    }
    assert!(
        derived.iter().any(|&r| free.len(r) > 0),
        "the report derives something"
    );
}
