//! This module defines behaviour tests of the evaluator on hand-built
//! programs: recursion, negation, aggregates, arithmetic and its errors,
//! dates, symbols, nullary relations, the tuple limit and cancellation.

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

fn agg(
    p: &mut P,
    result: VarId,
    op: AggOp,
    target: Option<Expr>,
    body: Vec<Literal>,
    outer: Vec<VarId>,
) -> Literal {
    let span = p.span();
    Literal::Aggregate(Aggregate {
        result,
        op,
        target,
        body,
        outer,
        ty: N,
        span,
    })
}

/// member(person, team, score) facts used by the aggregate tests.
fn teams(p: &mut P) -> (RelId, RelId) {
    let team = p.rel("team", &[S]);
    let member = p.rel("member", &[S, S, N]);
    for t in ["red", "blue", "empty"] {
        p.fact(team, vec![sym(t)]);
    }
    for (who, t, score) in [
        ("ann", "red", 5),
        ("bob", "red", 7),
        ("cy", "blue", 7),
        ("dee", "red", 5),
    ] {
        p.fact(member, vec![sym(who), sym(t), num(score)]);
    }
    (team, member)
}

#[test]
fn aggregates_group_by_outer_variables_with_soufflé_empty_groups() {
    for (op, expected) in [
        (AggOp::Count, vec![("blue", 1), ("empty", 0), ("red", 3)]),
        (AggOp::Sum, vec![("blue", 7), ("empty", 0), ("red", 17)]),
        (AggOp::Min, vec![("blue", 7), ("red", 5)]),
        (AggOp::Max, vec![("blue", 7), ("red", 7)]),
    ] {
        let mut p = P::new();
        let (team, member) = teams(&mut p);
        let out = p.rel("out", &[S, N]);
        // out(t, n) :- team(t), n = op s : { member(_, t, s) }.
        let mut r = R::new();
        let (tv, n, sv) = (r.var("t", S), r.var("n", N), r.var("s", N));
        let a = p.atom(team, vec![t(tv)]);
        let inner = p.atom(member, vec![Term::Wildcard, t(tv), t(sv)]);
        let target = (op != AggOp::Count).then(|| v(sv));
        let g = agg(&mut p, n, op, target, vec![inner], vec![tv]);
        p.rule(r.head(out, vec![v(tv), v(n)]).lit(a).lit(g));
        let db = run(&mut p);
        let got: Vec<(String, i64)> = db
            .tuples(out)
            .into_iter()
            .map(|t| match (&t[0], &t[1]) {
                (Value::Symbol(s), Value::Number(n)) => (s.clone(), *n),
                other => panic!("{other:?}"),
            })
            .collect();
        let expected: Vec<(String, i64)> = expected
            .into_iter()
            .map(|(s, n)| (s.to_string(), n))
            .collect();
        assert_eq!(got, expected, "{op:?}");
    }
}

#[test]
fn count_without_outer_variables_counts_matching_tuples() {
    // total(n) :- n = count : { member(_, _, 5) }.   (ann and dee)
    // everyone(n) :- n = count : { member(_, _, _) }.
    let mut p = P::new();
    let (_, member) = teams(&mut p);
    let total = p.rel("total", &[N]);
    let mut r = R::new();
    let n = r.var("n", N);
    let inner = p.atom(member, vec![Term::Wildcard, Term::Wildcard, c(num(5))]);
    let g = agg(&mut p, n, AggOp::Count, None, vec![inner], vec![]);
    p.rule(r.head(total, vec![v(n)]).lit(g));
    let everyone = p.rel("everyone", &[N]);
    let mut r = R::new();
    let n = r.var("n", N);
    let inner = p.atom(member, vec![Term::Wildcard, Term::Wildcard, Term::Wildcard]);
    let g = agg(&mut p, n, AggOp::Count, None, vec![inner], vec![]);
    p.rule(r.head(everyone, vec![v(n)]).lit(g));
    // Over an empty relation the count is 0 and max does not fire.
    let nothing = p.rel("nothing", &[N]);
    let zero = p.rel("zero", &[N]);
    let top = p.rel("top", &[N]);
    for (head, op) in [(zero, AggOp::Count), (top, AggOp::Max)] {
        let mut r = R::new();
        let (n, x) = (r.var("n", N), r.var("x", N));
        let inner = p.atom(nothing, vec![t(x)]);
        let target = (op == AggOp::Max).then(|| v(x));
        let g = agg(&mut p, n, op, target, vec![inner], vec![]);
        p.rule(r.head(head, vec![v(n)]).lit(g));
    }
    let db = run(&mut p);
    assert_eq!(nums(&db, total), vec![vec![2]]);
    assert_eq!(nums(&db, everyone), vec![vec![4]]);
    assert_eq!(nums(&db, zero), vec![vec![0]]);
    assert_eq!(nums(&db, top), Vec::<Vec<i64>>::new());
}

/// `out(r) :- in(x, y), r = x OP y.` over one fact.
#[allow(clippy::result_large_err)] // Diagnostic is the crate's error type
fn arith(op: BinOp, x: i64, y: i64) -> Result<Vec<Vec<i64>>, sleuth::Diagnostic> {
    let mut p = P::new();
    let input = p.rel("in", &[N, N]);
    let out = p.rel("out", &[N]);
    p.fact(input, vec![num(x), num(y)]);
    let mut r = R::new();
    let (a, b, res) = (r.var("x", N), r.var("y", N), r.var("r", N));
    let at = p.atom(input, vec![t(a), t(b)]);
    let e = p.binary(op, v(a), v(b), N);
    let bind = p.cmp(CmpOp::Eq, v(res), e, N);
    p.rule(r.head(out, vec![v(res)]).lit(at).lit(bind));
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog)?;
    evaluate(&prog, &mut db, &EvalOptions::default())?;
    Ok(nums(&db, out))
}

#[test]
fn arithmetic_and_its_runtime_errors() {
    assert_eq!(arith(BinOp::Add, 40, 2).expect("ok"), vec![vec![42]]);
    assert_eq!(arith(BinOp::Sub, 2, 40).expect("ok"), vec![vec![-38]]);
    assert_eq!(arith(BinOp::Mul, -6, 7).expect("ok"), vec![vec![-42]]);
    assert_eq!(arith(BinOp::Div, 7, 2).expect("ok"), vec![vec![3]]);
    assert_eq!(arith(BinOp::Mod, 7, 3).expect("ok"), vec![vec![1]]);
    assert_eq!(arith(BinOp::Pow, 2, 10).expect("ok"), vec![vec![1024]]);
    for op in [BinOp::Div, BinOp::Mod] {
        let err = arith(op, 1, 0).expect_err("division by zero");
        assert_eq!(err.code, "division-by-zero");
        assert!(err.span.is_some(), "points at the expression");
    }
    let err = arith(BinOp::Mul, i64::MAX, 2).expect_err("overflow");
    assert_eq!(err.code, "arithmetic-overflow");
    assert_eq!(
        arith(BinOp::Add, i64::MAX, 1).expect_err("overflow").code,
        "arithmetic-overflow"
    );
}

#[test]
fn head_expressions_and_functors() {
    // out(cat(s, "!"), strlen(s), substr(s, 1, 3), to_string(n + 1), to_number("12") * 2, max(n, 3)) :- w(s, n).
    let mut p = P::new();
    let w = p.rel("w", &[S, N]);
    let out = p.rel("out", &[S, N, S, S, N, N]);
    p.fact(w, vec![sym("Tangier"), num(9)]);
    p.fact(w, vec![sym("Rabat"), num(1)]);
    let mut r = R::new();
    let (s, n) = (r.var("s", S), r.var("n", N));
    let a = p.atom(w, vec![t(s), t(n)]);
    let cat = p.call(Functor::Cat, vec![v(s), e(sym("!"))], S);
    let len = p.call(Functor::Strlen, vec![v(s)], N);
    let sub = p.call(Functor::Substr, vec![v(s), e(num(1)), e(num(3))], S);
    let plus = p.binary(BinOp::Add, v(n), e(num(1)), N);
    let tos = p.call(Functor::ToString, vec![plus], S);
    let ton = p.call(Functor::ToNumber, vec![e(sym("12"))], N);
    let twice = p.binary(BinOp::Mul, ton, e(num(2)), N);
    let mx = p.call(Functor::Max, vec![v(n), e(num(3))], N);
    p.rule(r.head(out, vec![cat, len, sub, tos, twice, mx]).lit(a));
    let db = run(&mut p);
    assert_eq!(
        syms(&db, out),
        vec![
            vec!["Rabat!", "5", "aba", "2", "24", "3"],
            vec!["Tangier!", "7", "ang", "10", "24", "9"],
        ]
    );
}

#[test]
fn to_number_on_a_non_number_is_an_error() {
    let mut p = P::new();
    let w = p.rel("w", &[S]);
    let out = p.rel("out", &[N]);
    p.fact(w, vec![sym("twelve")]);
    let mut r = R::new();
    let s = r.var("s", S);
    let a = p.atom(w, vec![t(s)]);
    let ton = p.call(Functor::ToNumber, vec![v(s)], N);
    p.rule(r.head(out, vec![ton]).lit(a));
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let err = evaluate(&prog, &mut db, &EvalOptions::default()).expect_err("bad number");
    assert_eq!(err.code, "bad-number");
    assert!(err.message.contains("twelve"), "{}", err.message);
}

/// `to_number` reads a `0x` or `0b` prefix as Soufflé does (base 0). The
/// compiled path once had its own, decimal-only reading; both now call one
/// definition, and this pins the interpreter to it.
#[test]
fn to_number_reads_hexadecimal_and_binary_as_souffle_does() {
    let mut p = P::new();
    let w = p.rel("w", &[S]);
    let out = p.rel("out", &[N]);
    for text in ["0x1A", "-0b101", " 42 "] {
        p.fact(w, vec![sym(text)]);
    }
    let mut r = R::new();
    let s = r.var("s", S);
    let a = p.atom(w, vec![t(s)]);
    let ton = p.call(Functor::ToNumber, vec![v(s)], N);
    p.rule(r.head(out, vec![ton]).lit(a));
    let db = run(&mut p);
    assert_eq!(nums(&db, out), vec![vec![-5], vec![26], vec![42]]);
}

#[test]
fn dates_compare_chronologically_and_date_functors() {
    // late(o, add_months(d, 3), months_between(d, "2024-06"), year(d), month(d)) :- op(o, d), d >= "2024-01".
    let date = |s: &str| Value::Date(Date::parse(s).expect("valid date"));
    let mut p = P::new();
    let op = p.rel("op", &[S, Type::Date]);
    let late = p.rel("late", &[S, Type::Date, N, N, N]);
    p.fact(op, vec![sym("a"), date("2023-11")]);
    p.fact(op, vec![sym("b"), date("2024-01-31")]);
    p.fact(op, vec![sym("c"), date("2024-02")]);
    let mut r = R::new();
    let (o, d) = (r.var("o", S), r.var("d", Type::Date));
    let a = p.atom(op, vec![t(o), t(d)]);
    let ge = p.cmp(CmpOp::Ge, v(d), e(date("2024-01")), Type::Date);
    let add = p.call(Functor::AddMonths, vec![v(d), e(num(1))], Type::Date);
    let between = p.call(Functor::MonthsBetween, vec![v(d), e(date("2024-06"))], N);
    let year = p.call(Functor::Year, vec![v(d)], N);
    let month = p.call(Functor::Month, vec![v(d)], N);
    p.rule(
        r.head(late, vec![v(o), add, between, year, month])
            .lit(a)
            .lit(ge),
    );
    let db = run(&mut p);
    assert_eq!(
        syms(&db, late),
        vec![
            vec!["b", "2024-02-29", "5", "2024", "1"],
            vec!["c", "2024-03", "4", "2024", "2"]
        ]
    );
}

#[test]
fn symbols_compare_lexicographically_not_by_interning_order() {
    // before(x, y) :- name(x), name(y), x < y.   names interned as zed, amy, kim
    let mut p = P::new();
    let name = p.rel("name", &[S]);
    let before = p.rel("before", &[S, S]);
    for n in ["zed", "amy", "kim"] {
        p.fact(name, vec![sym(n)]);
    }
    let mut r = R::new();
    let (x, y) = (r.var("x", S), r.var("y", S));
    let a1 = p.atom(name, vec![t(x)]);
    let a2 = p.atom(name, vec![t(y)]);
    let lt = p.cmp(CmpOp::Lt, v(x), v(y), S);
    p.rule(r.head(before, vec![v(x), v(y)]).lit(a1).lit(a2).lit(lt));
    // smallest(m) :- m = min x : { name(x) }.
    let smallest = p.rel("smallest", &[S]);
    let mut r = R::new();
    let (m, x) = (r.var("m", S), r.var("x", S));
    let inner = p.atom(name, vec![t(x)]);
    let span = p.span();
    let g = Literal::Aggregate(Aggregate {
        result: m,
        op: AggOp::Min,
        target: Some(v(x)),
        body: vec![inner],
        outer: vec![],
        ty: S,
        span,
    });
    p.rule(r.head(smallest, vec![v(m)]).lit(g));
    let db = run(&mut p);
    assert_eq!(
        syms(&db, before),
        vec![vec!["amy", "kim"], vec!["amy", "zed"], vec!["kim", "zed"]]
    );
    assert_eq!(syms(&db, smallest), vec![vec!["amy"]]);
    // tuples() sorts symbols as text too.
    assert_eq!(syms(&db, name), vec![vec!["amy"], vec!["kim"], vec!["zed"]]);
}

#[test]
fn contains_test_and_strings_made_by_rules_join_with_stored_ones() {
    // hit(x) :- name(x), contains("an", x).
    // pair(x) :- name(x), y = cat("T", "angier"), x = y.
    let mut p = P::new();
    let name = p.rel("name", &[S]);
    for n in ["Tangier", "Rabat", "Gao"] {
        p.fact(name, vec![sym(n)]);
    }
    let hit = p.rel("hit", &[S]);
    let mut r = R::new();
    let x = r.var("x", S);
    let a = p.atom(name, vec![t(x)]);
    let span = p.span();
    let test = Literal::Test(Test {
        predicate: Predicate::Contains,
        args: vec![e(sym("an")), v(x)],
        negated: false,
        span,
    });
    p.rule(r.head(hit, vec![v(x)]).lit(a).lit(test));
    let pair = p.rel("pair", &[S]);
    let mut r = R::new();
    let (x, y) = (r.var("x", S), r.var("y", S));
    let a = p.atom(name, vec![t(x)]);
    let cat = p.call(Functor::Cat, vec![e(sym("T")), e(sym("angier"))], S);
    let bind = p.cmp(CmpOp::Eq, v(y), cat, S);
    let same = p.cmp(CmpOp::Eq, v(x), v(y), S);
    p.rule(r.head(pair, vec![v(x)]).lit(a).lit(bind).lit(same));
    // made(cat(x, "-new")) :- name(x).   (new symbols reach the database)
    let made = p.rel("made", &[S]);
    let mut r = R::new();
    let x = r.var("x", S);
    let a = p.atom(name, vec![t(x)]);
    let cat = p.call(Functor::Cat, vec![v(x), e(sym("-new"))], S);
    p.rule(r.head(made, vec![cat]).lit(a));
    let db = run(&mut p);
    assert_eq!(syms(&db, hit), vec![vec!["Tangier"]]);
    assert_eq!(syms(&db, pair), vec![vec!["Tangier"]]);
    assert_eq!(
        syms(&db, made),
        vec![vec!["Gao-new"], vec!["Rabat-new"], vec!["Tangier-new"]]
    );
    assert!(db.contains(made, &[sym("Gao-new")]));
}

#[test]
fn nullary_relations() {
    // alarm() :- threat(x), x > 5.   quiet() :- !alarm().   ok(x) :- alarm(), threat(x).
    let mut p = P::new();
    let threat = p.rel("threat", &[N]);
    let alarm = p.rel("alarm", &[]);
    let quiet = p.rel("quiet", &[]);
    let ok = p.rel("ok", &[N]);
    p.fact(threat, vec![num(3)]);
    p.fact(threat, vec![num(9)]);
    let mut r = R::new();
    let x = r.var("x", N);
    let a = p.atom(threat, vec![t(x)]);
    let gt = p.cmp(CmpOp::Gt, v(x), e(num(5)), N);
    p.rule(r.head(alarm, vec![]).lit(a).lit(gt));
    let r = R::new();
    let n = p.neg(alarm, vec![]);
    p.rule(r.head(quiet, vec![]).lit(n));
    let mut r = R::new();
    let x = r.var("x", N);
    let a1 = p.atom(alarm, vec![]);
    let a2 = p.atom(threat, vec![t(x)]);
    p.rule(r.head(ok, vec![v(x)]).lit(a1).lit(a2));
    let db = run(&mut p);
    assert_eq!(db.len(alarm), 1);
    assert!(db.contains(alarm, &[]));
    assert_eq!(db.len(quiet), 0);
    assert_eq!(nums(&db, ok), vec![vec![3], vec![9]]);
}

#[test]
fn an_endless_rule_stops_at_the_tuple_limit() {
    // n(x + 1) :- n(x).
    let mut p = P::new();
    let n = p.rel("n", &[N]);
    p.fact(n, vec![num(0)]);
    let mut r = R::new();
    let x = r.var("x", N);
    let a = p.atom(n, vec![t(x)]);
    let plus = p.binary(BinOp::Add, v(x), e(num(1)), N);
    p.rule(r.head(n, vec![plus]).lit(a));
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let opts = EvalOptions {
        max_tuples: 1000,
        ..EvalOptions::default()
    };
    let err = evaluate(&prog, &mut db, &opts).expect_err("never ends");
    assert_eq!(err.code, "tuple-limit");
    assert!(err.message.contains("`n`"), "{}", err.message);
    assert!(err.help.as_deref().unwrap_or("").contains("--max-tuples"));
}

#[test]
fn a_set_cancel_flag_interrupts() {
    let mut p = P::new();
    let edges: Vec<(i64, i64)> = (0..50).map(|i| (i, i + 1)).collect();
    tc(&mut p, &edges, true);
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let cancel = Arc::new(AtomicBool::new(true));
    let opts = EvalOptions {
        cancel: Some(cancel.clone()),
        ..EvalOptions::default()
    };
    let err = evaluate(&prog, &mut db, &opts).expect_err("interrupted");
    assert_eq!(err.code, "interrupted");
    // A later run without the flag recomputes everything correctly.
    cancel.store(false, std::sync::atomic::Ordering::Relaxed);
    evaluate(&prog, &mut db, &opts).expect("runs");
    let path = prog.relation_id("path").expect("path");
    assert_eq!(db.len(path), 50 * 51 / 2);
}

#[test]
fn rounds_record_when_each_tuple_was_first_derived() {
    let mut p = P::new();
    let (edge, path) = tc(&mut p, &[(1, 2), (2, 3), (3, 4)], true);
    let opts = EvalOptions {
        record_rounds: true,
        ..EvalOptions::default()
    };
    let db = run_with(&mut p, &opts);
    let round = |rel, a, b| db.round_of(rel, &[num(a), num(b)]);
    assert_eq!(round(edge, 1, 2), Some(0), "base facts are round 0");
    let r12 = round(path, 1, 2).expect("derived");
    let r13 = round(path, 1, 3).expect("derived");
    let r14 = round(path, 1, 4).expect("derived");
    assert!(r12 < r13 && r13 < r14, "{r12} {r13} {r14}");
    assert_eq!(round(path, 4, 1), None);
}

#[test]
fn new_facts_after_an_evaluation_extend_the_results() {
    // tc plus a negation over it: the negated stratum is recomputed.
    let mut p = P::new();
    let (edge, path) = tc(&mut p, &[(1, 2), (2, 3)], true);
    let node = p.rel("node", &[N]);
    let unreached = p.rel("unreached", &[N]);
    for n in 1..=4 {
        p.fact(node, vec![num(n)]);
    }
    let mut r = R::new();
    let x = r.var("x", N);
    let a = p.atom(node, vec![t(x)]);
    let n = p.neg(path, vec![c(num(1)), t(x)]);
    p.rule(r.head(unreached, vec![v(x)]).lit(a).lit(n));
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let opts = EvalOptions::default();
    evaluate(&prog, &mut db, &opts).expect("first run");
    assert_eq!(nums(&db, unreached), vec![vec![1], vec![4]]);
    assert!(db.insert(edge, &[num(3), num(4)]).expect("typed"));
    assert!(
        !db.insert(edge, &[num(3), num(4)]).expect("typed"),
        "already there"
    );
    let stats = evaluate(&prog, &mut db, &opts).expect("second run");
    let mut fresh = Database::new(&prog);
    fresh.load_program_facts(&prog).expect("facts");
    fresh.insert(edge, &[num(3), num(4)]).expect("typed");
    evaluate(&prog, &mut fresh, &opts).expect("fresh run");
    for rel in [path, unreached] {
        assert_eq!(
            db.tuples(rel),
            fresh.tuples(rel),
            "{}",
            prog.relations[rel].name
        );
    }
    assert_eq!(nums(&db, unreached), vec![vec![1]]);
    assert!(
        stats.tuples < 6,
        "the second run continued from the new fact: {}",
        stats.tuples
    );
    // Nothing new: nothing runs.
    let stats = evaluate(&prog, &mut db, &opts).expect("third run");
    assert_eq!(stats.tuples, 0);
}

#[test]
fn rules_into_complete_relations_are_skipped() {
    let mut p = P::new();
    let (edge, path) = tc(&mut p, &[(1, 2), (2, 3)], true);
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    db.insert(path, &[num(7), num(8)]).expect("typed");
    db.mark_complete(path);
    evaluate(&prog, &mut db, &EvalOptions::default()).expect("runs");
    assert_eq!(nums(&db, path), vec![vec![7, 8]]);
    assert_eq!(db.len(edge), 2);
}

#[test]
fn insert_checks_arity_and_types() {
    let mut p = P::new();
    let (edge, _) = tc(&mut p, &[], true);
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    assert_eq!(
        db.insert(edge, &[num(1)]).expect_err("arity").code,
        "arity-mismatch"
    );
    assert_eq!(
        db.insert(edge, &[num(1), sym("x")]).expect_err("type").code,
        "type-mismatch"
    );
    assert_eq!(
        db.insert(99, &[]).expect_err("relation").code,
        "unknown-relation"
    );
    assert!(db.insert(edge, &[num(1), num(2)]).expect("ok"));
}

#[test]
fn plan_text_shows_versions_join_order_and_indexes() {
    let mut p = P::new();
    tc(&mut p, &[(1, 2)], true);
    let prog = p.stratify().clone();
    let text = sleuth::eval::plan_text(&prog);
    assert!(
        text.contains("path(x, z) :- path(x, y), edge(y, z)."),
        "{text}"
    );
    assert!(text.contains("scan delta path"), "{text}");
    assert!(
        text.contains("lookup edge by (0=y) via static index on [0]"),
        "{text}"
    );
}

#[test]
fn profile_stats_name_rules_and_strata() {
    let mut p = P::new();
    tc(&mut p, &[(1, 2), (2, 3)], true);
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let stats = evaluate(
        &prog,
        &mut db,
        &EvalOptions {
            profile: true,
            ..EvalOptions::default()
        },
    )
    .expect("runs");
    assert_eq!(stats.tuples, 3);
    let rule = stats
        .rules
        .iter()
        .find(|r| r.text.starts_with("path(x, z)"))
        .expect("recursive rule");
    assert_eq!(rule.tuples, 1);
    assert!(
        stats
            .render()
            .contains("path(x, z) :- path(x, y), edge(y, z).")
    );
}

#[test]
fn a_join_larger_than_the_candidate_buffer_is_merged_in_pieces() {
    // r(x, y) :- a(x), b(y).  over 1050 x 1000 values: more candidates than a
    // worker buffers before it pauses to merge.
    let mut p = P::new();
    let a = p.rel("a", &[N]);
    let b = p.rel("b", &[N]);
    let r = p.rel("r", &[N, N]);
    for i in 0..1050 {
        p.fact(a, vec![num(i)]);
    }
    for i in 0..1000 {
        p.fact(b, vec![num(i)]);
    }
    let mut rule = R::new();
    let (x, y) = (rule.var("x", N), rule.var("y", N));
    let a1 = p.atom(a, vec![t(x)]);
    let a2 = p.atom(b, vec![t(y)]);
    p.rule(rule.head(r, vec![v(x), v(y)]).lit(a1).lit(a2));
    for threads in [1, 2] {
        let db = run_with(
            &mut p,
            &EvalOptions {
                threads,
                ..EvalOptions::default()
            },
        );
        assert_eq!(db.len(r), 1050 * 1000);
        assert!(db.contains(r, &[num(1049), num(999)]));
    }
}

#[test]
fn parallel_joins_give_the_same_relations() {
    // big(x) for 20000 values, step(x, x + 1); twice(x, z) :- big(x), step(x, y), step(y, z).
    // reach(x) :- big(x), x < 3.  reach(y) :- reach(x), step(x, y).   (long recursion)
    let mut p = P::new();
    let big = p.rel("big", &[N]);
    let step = p.rel("step", &[N, N]);
    let twice = p.rel("twice", &[N, N]);
    let reach = p.rel("reach", &[N]);
    for i in 0..20_000 {
        p.fact(big, vec![num(i)]);
        p.fact(step, vec![num(i), num(i + 1)]);
    }
    let mut r = R::new();
    let (x, y, z) = (r.var("x", N), r.var("y", N), r.var("z", N));
    let a1 = p.atom(big, vec![t(x)]);
    let a2 = p.atom(step, vec![t(x), t(y)]);
    let a3 = p.atom(step, vec![t(y), t(z)]);
    p.rule(r.head(twice, vec![v(x), v(z)]).lit(a1).lit(a2).lit(a3));
    let mut r = R::new();
    let x = r.var("x", N);
    let a1 = p.atom(big, vec![t(x)]);
    let lt = p.cmp(CmpOp::Lt, v(x), e(num(3)), N);
    p.rule(r.head(reach, vec![v(x)]).lit(a1).lit(lt));
    let mut r = R::new();
    let (x, y) = (r.var("x", N), r.var("y", N));
    let a1 = p.atom(reach, vec![t(x)]);
    let a2 = p.atom(step, vec![t(x), t(y)]);
    p.rule(r.head(reach, vec![v(y)]).lit(a1).lit(a2));
    let one = run_with(
        &mut p,
        &EvalOptions {
            threads: 1,
            ..EvalOptions::default()
        },
    );
    let two = run_with(
        &mut p,
        &EvalOptions {
            threads: 2,
            ..EvalOptions::default()
        },
    );
    assert_eq!(one.len(twice), 19_999);
    assert_eq!(one.len(reach), 20_001);
    assert_eq!(one.tuples(twice), two.tuples(twice));
    assert_eq!(one.tuples(reach), two.tuples(reach));
}

#[test]
fn facts_added_to_a_derived_relation_between_evaluations_take_effect() {
    let mut p = P::new();
    let (edge, path) = tc(&mut p, &[(1, 2), (2, 3), (3, 4)], true);
    let prog = p.stratify().clone();
    let mut db = Database::new(&prog);
    db.load_program_facts(&prog).expect("facts");
    let opts = EvalOptions::default();
    evaluate(&prog, &mut db, &opts).expect("first run");
    // A path fact that no edge explains: it extends through edges, and it
    // survives a later recomputation (a failed run forces one).
    db.insert(path, &[num(0), num(1)]).expect("typed");
    evaluate(&prog, &mut db, &opts).expect("second run");
    assert!(db.contains(path, &[num(0), num(4)]));
    assert_eq!(db.len(path), 6 + 4);
    let cancel = Arc::new(AtomicBool::new(true));
    db.insert(edge, &[num(4), num(5)]).expect("typed");
    let stopped = EvalOptions {
        cancel: Some(cancel),
        ..EvalOptions::default()
    };
    assert_eq!(
        evaluate(&prog, &mut db, &stopped)
            .expect_err("interrupted")
            .code,
        "interrupted"
    );
    evaluate(&prog, &mut db, &opts).expect("recomputes");
    assert!(db.contains(path, &[num(0), num(5)]));
    assert_eq!(db.len(path), 10 + 5);
    let rows: Vec<String> = db
        .sorted_rows(path)
        .iter()
        .take(2)
        .map(|r| {
            r.fields()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(rows, vec!["0 1", "0 2"]);
}

#[test]
fn matching_filters_by_pattern() {
    let mut p = P::new();
    let (_, path) = tc(&mut p, &[(1, 2), (2, 3)], true);
    let db = run(&mut p);
    assert_eq!(
        db.matching(path, &[Some(num(1)), None]),
        vec![vec![num(1), num(2)], vec![num(1), num(3)]]
    );
    assert!(
        db.matching(path, &[Some(sym("x")), None]).is_empty(),
        "wrong type matches nothing"
    );
    assert!(
        db.matching(path, &[None]).is_empty(),
        "wrong arity matches nothing"
    );
}

#[test]
fn a_grown_program_is_adopted_without_reloading_data() {
    let mut p = P::new();
    let (edge, path) = tc(&mut p, &[(1, 2), (2, 3)], true);
    let first = p.stratify().clone();
    let mut db = Database::new(&first);
    db.load_program_facts(&first).expect("facts");
    db.insert(edge, &[num(3), num(4)]).expect("typed");
    evaluate(&first, &mut db, &EvalOptions::default()).expect("first run");
    // A session adds: from_one(y) :- path(1, y).  and  path(x, x) :- edge(x, _).
    let from_one = p.rel("from_one", &[N]);
    let mut r = R::new();
    let y = r.var("y", N);
    let a = p.atom(path, vec![c(num(1)), t(y)]);
    p.rule(r.head(from_one, vec![v(y)]).lit(a));
    let mut r = R::new();
    let x = r.var("x", N);
    let a = p.atom(edge, vec![t(x), Term::Wildcard]);
    p.rule(r.head(path, vec![v(x), v(x)]).lit(a));
    let grown = p.stratify().clone();
    db.adopt(&grown).expect("same columns");
    evaluate(&grown, &mut db, &EvalOptions::default()).expect("second run");
    let mut fresh = Database::new(&grown);
    fresh.load_program_facts(&grown).expect("facts");
    fresh.insert(edge, &[num(3), num(4)]).expect("typed");
    evaluate(&grown, &mut fresh, &EvalOptions::default()).expect("fresh run");
    for rel in [path, from_one] {
        assert_eq!(db.tuples(rel), fresh.tuples(rel));
    }
    assert_eq!(
        nums(&db, from_one),
        vec![vec![1], vec![2], vec![3], vec![4]]
    );
    // A program whose relation changed its columns is refused.
    let mut other = grown.clone();
    other.relations[edge].columns[0].ty = S;
    assert_eq!(db.adopt(&other).expect_err("changed").code, "type-mismatch");
}

#[test]
fn tuples_sort_by_value_for_every_type() {
    let mut p = P::new();
    let r = p.rel("r", &[N, Type::Float, S, Type::Date]);
    let date = |s: &str| Value::Date(Date::parse(s).expect("valid date"));
    for (n, x, s, d) in [
        (3, 2.0, "b", "2024-02"),
        (-5, -1.5, "c", "2024-01-31"),
        (-5, -1.5, "a", "2024-01-31"),
        (10, -0.5, "a", "2023-12"),
        (-5, -7.25, "z", "2025-01"),
    ] {
        p.fact(r, vec![num(n), Value::Float(x), sym(s), date(d)]);
    }
    let db = run(&mut p);
    assert_eq!(
        syms(&db, r),
        vec![
            vec!["-5", "-7.25", "z", "2025-01"],
            vec!["-5", "-1.5", "a", "2024-01-31"],
            vec!["-5", "-1.5", "c", "2024-01-31"],
            vec!["3", "2.0", "b", "2024-02"],
            vec!["10", "-0.5", "a", "2023-12"],
        ]
    );
}
