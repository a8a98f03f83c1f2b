//! This module defines behaviour tests of the evaluator on hand-built
//! programs: recursion, negation, aggregates, arithmetic and its errors,
//! dates, symbols, nullary relations, the tuple limit and cancellation.

#![allow(unused_imports, dead_code)] // TEMP until the remaining tests land

mod eval_support;

use eval_support::*;
use sleuth::eval::{Database, EvalOptions, evaluate};
use sleuth::ir::*;
use sleuth::value::{Date, Type, Value};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use Type::{Number as N, Symbol as S};

fn run(p: &mut P) -> Database {
    run_with(p, &EvalOptions::default())
}

fn run_with(p: &mut P, opts: &EvalOptions) -> Database {
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts fit");
    evaluate(&prog, &mut db, opts).expect("evaluation succeeds");
    db
}

fn nums(db: &Database, rel: RelId) -> Vec<Vec<i64>> {
    db.tuples(rel)
        .into_iter()
        .map(|t| {
            t.into_iter()
                .map(|v| match v {
                    Value::Number(n) => n,
                    other => panic!("not a number: {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn syms(db: &Database, rel: RelId) -> Vec<Vec<String>> {
    db.tuples(rel)
        .into_iter()
        .map(|t| t.into_iter().map(|v| v.to_string()).collect())
        .collect()
}

/// edge facts and `path` as its transitive closure (left- or right-recursive).
fn tc(p: &mut P, edges: &[(i64, i64)], left: bool) -> (RelId, RelId) {
    let edge = p.rel("edge", &[N, N]);
    let path = p.rel("path", &[N, N]);
    for &(a, b) in edges {
        p.fact(edge, vec![num(a), num(b)]);
    }
    let mut r = R::new();
    let (x, y) = (r.var("x", N), r.var("y", N));
    let a = p.atom(edge, vec![t(x), t(y)]);
    p.rule(r.head(path, vec![v(x), v(y)]).lit(a));
    let mut r = R::new();
    let (x, y, z) = (r.var("x", N), r.var("y", N), r.var("z", N));
    let (a1, a2) = if left {
        (
            p.atom(path, vec![t(x), t(y)]),
            p.atom(edge, vec![t(y), t(z)]),
        )
    } else {
        (
            p.atom(edge, vec![t(x), t(y)]),
            p.atom(path, vec![t(y), t(z)]),
        )
    };
    p.rule(r.head(path, vec![v(x), v(z)]).lit(a1).lit(a2));
    (edge, path)
}

fn closure(edges: &[(i64, i64)]) -> Vec<Vec<i64>> {
    let mut out: std::collections::BTreeSet<(i64, i64)> = edges.iter().copied().collect();
    loop {
        let mut add = Vec::new();
        for &(a, b) in &out {
            for &(c, d) in edges {
                if b == c && !out.contains(&(a, d)) {
                    add.push((a, d));
                }
            }
        }
        if add.is_empty() {
            break;
        }
        out.extend(add);
    }
    out.into_iter().map(|(a, b)| vec![a, b]).collect()
}

#[test]
fn transitive_closure_left_and_right_recursive() {
    let edges = [(1, 2), (2, 3), (3, 4), (4, 2), (5, 6)];
    for left in [true, false] {
        let mut p = P::new();
        let (_, path) = tc(&mut p, &edges, left);
        let db = run(&mut p);
        assert_eq!(nums(&db, path), closure(&edges), "left={left}");
    }
}

#[test]
fn doubly_recursive_closure() {
    // path(x, z) :- path(x, y), path(y, z).
    let edges: Vec<(i64, i64)> = (0..20).map(|i| (i, i + 1)).collect();
    let mut p = P::new();
    let edge = p.rel("edge", &[N, N]);
    let path = p.rel("path", &[N, N]);
    for &(a, b) in &edges {
        p.fact(edge, vec![num(a), num(b)]);
    }
    let mut r = R::new();
    let (x, y) = (r.var("x", N), r.var("y", N));
    let a = p.atom(edge, vec![t(x), t(y)]);
    p.rule(r.head(path, vec![v(x), v(y)]).lit(a));
    let mut r = R::new();
    let (x, y, z) = (r.var("x", N), r.var("y", N), r.var("z", N));
    let a1 = p.atom(path, vec![t(x), t(y)]);
    let a2 = p.atom(path, vec![t(y), t(z)]);
    p.rule(r.head(path, vec![v(x), v(z)]).lit(a1).lit(a2));
    let db = run(&mut p);
    assert_eq!(nums(&db, path), closure(&edges));
    assert_eq!(db.len(path), 20 * 21 / 2);
}

#[test]
fn mutual_recursion_even_odd() {
    // even(0). even(y) :- odd(x), succ(x, y). odd(y) :- even(x), succ(x, y).
    let mut p = P::new();
    let succ = p.rel("succ", &[N, N]);
    let even = p.rel("even", &[N]);
    let odd = p.rel("odd", &[N]);
    for i in 0..10 {
        p.fact(succ, vec![num(i), num(i + 1)]);
    }
    p.fact(even, vec![num(0)]);
    for (from, to) in [(odd, even), (even, odd)] {
        let mut r = R::new();
        let (x, y) = (r.var("x", N), r.var("y", N));
        let a1 = p.atom(from, vec![t(x)]);
        let a2 = p.atom(succ, vec![t(x), t(y)]);
        p.rule(r.head(to, vec![v(y)]).lit(a1).lit(a2));
    }
    let db = run(&mut p);
    assert_eq!(
        nums(&db, even),
        vec![vec![0], vec![2], vec![4], vec![6], vec![8], vec![10]]
    );
    assert_eq!(
        nums(&db, odd),
        vec![vec![1], vec![3], vec![5], vec![7], vec![9]]
    );
}

#[test]
fn negation_over_a_recursive_lower_stratum() {
    // unreachable(x, y) :- node(x), node(y), !path(x, y).
    let edges = [(1, 2), (2, 3)];
    let mut p = P::new();
    let (_, path) = tc(&mut p, &edges, true);
    let node = p.rel("node", &[N]);
    let unreachable = p.rel("unreachable", &[N, N]);
    for n in 1..=3 {
        p.fact(node, vec![num(n)]);
    }
    let mut r = R::new();
    let (x, y) = (r.var("x", N), r.var("y", N));
    let a1 = p.atom(node, vec![t(x)]);
    let a2 = p.atom(node, vec![t(y)]);
    let n = p.neg(path, vec![t(x), t(y)]);
    p.rule(r.head(unreachable, vec![v(x), v(y)]).lit(a1).lit(a2).lit(n));
    // sink(x) :- node(x), !path(x, _).
    let sink = p.rel("sink", &[N]);
    let mut r = R::new();
    let x = r.var("x", N);
    let a = p.atom(node, vec![t(x)]);
    let n = p.neg(path, vec![t(x), Term::Wildcard]);
    p.rule(r.head(sink, vec![v(x)]).lit(a).lit(n));
    let db = run(&mut p);
    let expected: Vec<Vec<i64>> = vec![
        vec![1, 1],
        vec![2, 1],
        vec![2, 2],
        vec![3, 1],
        vec![3, 2],
        vec![3, 3],
    ];
    assert_eq!(nums(&db, unreachable), expected);
    assert_eq!(nums(&db, sink), vec![vec![3]]);
}
