//! This module defines tests of the joins whose outer scan fetches ahead
//! (`src/eval/ahead.rs`): a lookup in a large index, a membership test in a
//! large relation, and the two in either order, the test's row taking
//! values of the lookup. Prefetching only reads, so the answers must be the
//! plain definition's; the relations are large enough (more than 2^15 rows
//! and keys) for the scans to plan it, and each test checks the join order
//! it means to exercise before comparing the answers with sets worked out
//! here.

use std::collections::{BTreeMap, BTreeSet};

use sleuth::eval::{self, Database, EvalOptions};
use sleuth::value::Value;

mod support;

/// Rows of `a(x, y)`, `b(x, y)` and `c(y, z)`.
struct Facts {
    a: Vec<(i64, i64)>,
    b: BTreeSet<(i64, i64)>,
    c: Vec<(i64, i64)>,
}

fn facts() -> Facts {
    let a = (0..60_000)
        .flat_map(|x| [(x, x % 40_000), (x, (x * 7) % 40_000)])
        .collect();
    let b = (0..60_000)
        .filter(|x| x % 3 == 0)
        .map(|x| (x, x % 40_000))
        .chain(
            (0..60_000)
                .filter(|x| x % 2 == 0)
                .map(|x| (x, (x * 13) % 60_000)),
        )
        .collect();
    let c = (0..40_000)
        .flat_map(|y| [(y, (y * 13) % 60_000), (y, y + 1)])
        .collect();
    Facts { a, b, c }
}

/// The pairs `(x, z)` with `a(x, y)` and `c(y, z)`.
fn a_join_c(f: &Facts) -> impl Iterator<Item = (i64, i64)> + '_ {
    let mut by_y: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &(y, z) in &f.c {
        by_y.entry(y).or_default().push(z);
    }
    f.a.iter().flat_map(move |&(x, y)| {
        by_y.get(&y)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(move |z| (x, z))
    })
}

/// The program: the facts as text, then `rules`.
fn program_text(f: &Facts, rules: &str) -> String {
    let mut text = String::from(
        ".decl a(x:number, y:number)\n.decl b(x:number, y:number)\n.decl c(y:number, z:number)\n",
    );
    for (x, y) in &f.a {
        text.push_str(&format!("a({x}, {y}).\n"));
    }
    for (x, y) in &f.b {
        text.push_str(&format!("b({x}, {y}).\n"));
    }
    for (y, z) in &f.c {
        text.push_str(&format!("c({y}, {z}).\n"));
    }
    text.push_str(rules);
    text
}

/// Runs `rules` over the facts on `threads` threads; returns relation
/// `out`'s rows and the plan the run used.
fn run(f: &Facts, rules: &str, threads: usize) -> (BTreeSet<(i64, i64)>, String) {
    let (program, sources) =
        support::agree::compile(&program_text(f, rules)).unwrap_or_else(|e| panic!("{e}"));
    let mut db = Database::new(&program);
    db.load_program_facts(&program)
        .unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let plan = eval::plan_text_over(&program, Some(&db));
    let opts = EvalOptions {
        threads,
        ..EvalOptions::default()
    };
    eval::evaluate(&program, &mut db, &opts).unwrap_or_else(|d| panic!("{}", d.render(&sources)));
    let out = program
        .relations
        .iter()
        .position(|r| r.name == "out")
        .expect("the program declares out");
    let rows = db
        .tuples(out)
        .into_iter()
        .map(|row| match row[..] {
            [Value::Number(x), Value::Number(y)] => (x, y),
            _ => panic!("out holds two numbers"),
        })
        .collect();
    (rows, plan)
}

/// Checks that the plan of `out` holds `steps` in this order, then that
/// both thread counts give `want`.
fn check(f: &Facts, rules: &str, steps: &[&str], want: &BTreeSet<(i64, i64)>) {
    for threads in [1, 2] {
        let (got, plan) = run(f, rules, threads);
        let mut rest = plan.as_str();
        for step in steps {
            let at = rest
                .find(step)
                .unwrap_or_else(|| panic!("no `{step}` where expected in the plan:\n{plan}"));
            rest = &rest[at + step.len()..];
        }
        assert!(!want.is_empty());
        assert_eq!(&got, want, "{threads} thread(s)");
    }
}

#[test]
fn a_negation_right_after_the_scan() {
    let f = facts();
    let want = f.a.iter().filter(|r| !f.b.contains(r)).copied().collect();
    check(
        &f,
        ".decl out(x:number, y:number)\nout(x, y) :- a(x, y), !b(x, y).\n",
        &["scan a", "not member b"],
        &want,
    );
}

#[test]
fn a_negation_on_values_the_lookup_found() {
    let f = facts();
    let want = a_join_c(&f).filter(|r| !f.b.contains(r)).collect();
    check(
        &f,
        ".decl out(x:number, z:number)\nout(x, z) :- a(x, y), c(y, z), !b(x, z).\n",
        &["scan a", "lookup c", "not member b"],
        &want,
    );
}

#[test]
fn a_membership_on_values_the_lookup_found() {
    let f = facts();
    let want = a_join_c(&f).filter(|r| f.b.contains(r)).collect();
    check(
        &f,
        ".decl out(x:number, z:number)\nout(x, z) :- a(x, y), c(y, z), b(x, z).\n",
        &["scan b", "lookup a", "member c"],
        &want,
    );
}

#[test]
fn a_lookup_after_a_negation() {
    let f = facts();
    let keys: BTreeSet<i64> = f.c.iter().map(|c| c.0).collect();
    let want =
        f.a.iter()
            .filter(|r| !f.b.contains(r) && keys.contains(&r.1))
            .copied()
            .collect();
    check(
        &f,
        ".decl out(x:number, y:number)\nout(x, y) :- a(x, y), !b(x, y), c(y, _).\n",
        &["scan a", "not member b", "lookup c"],
        &want,
    );
}
