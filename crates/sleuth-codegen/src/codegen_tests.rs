//! This module defines the code generator's unit tests: small programs built
//! as IR, checked for the shapes of the generated text and for what is left
//! to the interpreter.

use super::codegen::{Options, generate};
use super::testkit::*;
use sleuth_front::ir::{AggOp, BinOp, CmpOp, Expr, Functor};
use sleuth_front::value::Type::{Date as D, Number as N, Symbol as S};
use sleuth_front::value::{Type, Value};

/// Whether the generated `code` holds `want`, whatever the indentation of
/// either's lines.
fn has(code: &str, want: &str) -> bool {
    let flat = |t: &str| {
        t.lines()
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join("\n")
    };
    flat(code).contains(&flat(want))
}

/// A library exercising recursion, negation, symbol order, functors,
/// arithmetic and grouped, global and min aggregates.
pub fn sample() -> (sleuth_front::ir::Program, sleuth_front::diag::SourceMap) {
    let mut b = Builder::new();
    let located_in = b.rel("located_in", &[S, S]);
    let within = b.rel("within", &[S, S]);
    let cell = b.rel("cell", &[S, S]);
    let dismantled = b.rel("dismantled", &[S, S]);
    let operation = b.rel("operation", &[S, D]);
    let per_op = b.rel("cells_per_operation", &[S, N]);
    let escalation = b.rel("escalation", &[S, S]);
    let hotspot = b.rel("recurring_hotspot", &[S]);
    let quiet = b.rel("quiet_place", &[S]);
    let label = b.rel("label", &[S, S]);
    let first = b.rel("first_operation", &[S, D]);
    let total = b.rel("total_cells", &[N]);
    let double = b.rel("double_count", &[S, N]);
    b.rule(
        "within(P, A) :- located_in(P, A).",
        &[("P", S), ("A", S)],
        (within, vec![ev(0), ev(1)]),
        vec![atom(located_in, vec![v(0), v(1)])],
    );
    b.rule(
        "within(P, A) :- located_in(P, B), within(B, A).",
        &[("P", S), ("A", S), ("B", S)],
        (within, vec![ev(0), ev(1)]),
        vec![
            atom(located_in, vec![v(0), v(2)]),
            atom(within, vec![v(2), v(1)]),
        ],
    );
    b.rule(
        "cells_per_operation(O, N) :- operation(O, _), N = count : { dismantled(_, O) }.",
        &[("O", S), ("N", N)],
        (per_op, vec![ev(0), ev(1)]),
        vec![
            atom(operation, vec![v(0), Term::Wildcard]),
            agg(
                1,
                AggOp::Count,
                None,
                vec![atom(dismantled, vec![Term::Wildcard, v(0)])],
                vec![0],
                N,
            ),
        ],
    );
    b.rule(
        "escalation(A, B) :- cells_per_operation(A, N), cells_per_operation(B, M),\noperation(A, DA), operation(B, DB), DA < DB, N < M.",
        &[("A", S), ("B", S), ("N", N), ("M", N), ("DA", D), ("DB", D)],
        (escalation, vec![ev(0), ev(1)]),
        vec![
            atom(per_op, vec![v(0), v(2)]),
            atom(per_op, vec![v(1), v(3)]),
            atom(operation, vec![v(0), v(4)]),
            atom(operation, vec![v(1), v(5)]),
            cmp(CmpOp::Lt, ev(4), ev(5), D),
            cmp(CmpOp::Lt, ev(2), ev(3), N),
        ],
    );
    b.rule(
        "recurring_hotspot(P) :- cell(C1, P), dismantled(C1, O1), cell(C2, P), dismantled(C2, O2), O1 < O2.",
        &[("P", S), ("C1", S), ("O1", S), ("C2", S), ("O2", S)],
        (hotspot, vec![ev(0)]),
        vec![
            atom(cell, vec![v(1), v(0)]),
            atom(dismantled, vec![v(1), v(2)]),
            atom(cell, vec![v(3), v(0)]),
            atom(dismantled, vec![v(3), v(4)]),
            cmp(CmpOp::Lt, ev(2), ev(4), S),
        ],
    );
    b.rule(
        "quiet_place(P) :- cell(_, P), !recurring_hotspot(P), P != \"Ofin\".",
        &[("P", S)],
        (quiet, vec![ev(0)]),
        vec![
            atom(cell, vec![Term::Wildcard, v(0)]),
            not(hotspot, vec![v(0)]),
            cmp(CmpOp::Ne, ev(0), ec(Value::Symbol("Ofin".into())), S),
        ],
    );
    b.rule(
        "label(C, L) :- cell(C, P), L = cat(C, \"@\", P).",
        &[("C", S), ("P", S), ("L", S)],
        (label, vec![ev(0), ev(2)]),
        vec![
            atom(cell, vec![v(0), v(1)]),
            cmp(
                CmpOp::Eq,
                ev(2),
                Expr::Call {
                    functor: Functor::Cat,
                    args: vec![ev(0), ec(Value::Symbol("@".into())), ev(1)],
                    ty: S,
                    span: Span::new(SourceId(0), 0, 0),
                },
                S,
            ),
        ],
    );
    b.rule(
        "first_operation(P, D) :- cell(_, P), D = min X : { cell(C, P), dismantled(C, O), operation(O, X) }.",
        &[("P", S), ("D", D), ("X", D), ("C", S), ("O", S)],
        (first, vec![ev(0), ev(1)]),
        vec![
            atom(cell, vec![Term::Wildcard, v(0)]),
            agg(
                1,
                AggOp::Min,
                Some(ev(2)),
                vec![
                    atom(cell, vec![v(3), v(0)]),
                    atom(dismantled, vec![v(3), v(4)]),
                    atom(operation, vec![v(4), v(2)]),
                ],
                vec![0],
                D,
            ),
        ],
    );
    b.rule(
        "total_cells(N) :- N = count : { cell(_, _) }.",
        &[("N", N)],
        (total, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Count,
            None,
            vec![atom(cell, vec![Term::Wildcard, Term::Wildcard])],
            vec![],
            N,
        )],
    );
    b.rule(
        "double_count(O, M) :- cells_per_operation(O, N), M = N * 2 + 1.",
        &[("O", S), ("N", N), ("M", N)],
        (double, vec![ev(0), ev(2)]),
        vec![
            atom(per_op, vec![v(0), v(1)]),
            cmp(
                CmpOp::Eq,
                ev(2),
                Expr::Binary {
                    op: BinOp::Add,
                    left: Box::new(Expr::Binary {
                        op: BinOp::Mul,
                        left: Box::new(ev(1)),
                        right: Box::new(ec(Value::Number(2))),
                        ty: N,
                        span: Span::new(SourceId(0), 0, 0),
                    }),
                    right: Box::new(ec(Value::Number(1))),
                    ty: N,
                    span: Span::new(SourceId(0), 0, 0),
                },
                N,
            ),
        ],
    );
    b.finish()
}

use sleuth_front::diag::{SourceId, Span};
use sleuth_front::ir::Term;

#[test]
fn sample_compiles_in_stages_with_comments() {
    let (program, sources) = sample();
    let out = generate(&program, &sources, 7, &Options::in_crate());
    if let Ok(path) = std::env::var("SLEUTH_DUMP_GENERATED") {
        let proto = Options {
            runtime: "sleuth::compiled".into(),
            value: "sleuth::value".into(),
            per_stratum: false,
        };
        let text = generate(&program, &sources, 7, &proto).code;
        std::fs::write(path, text).expect("dump path is writable");
    }
    let code = &out.code;
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert!(out.interpreted.is_empty(), "{:?}", out.interpreted);
    // Aggregates split the library into stages.
    assert!(has(code, "mod stage_0"), "{code}");
    assert!(has(code, "mod stage_1"), "{code}");
    // Every rule sits under its Datalog text and location.
    assert!(
        has(
            code,
            "// within(P, A) :- located_in(P, B), within(B, A).\n//   lib.dl:2"
        ),
        "{code}"
    );
    // The recursive rule scans the new `within` tuples first.
    // Inputs come from prebuilt indexes through `for`, and their variables
    // are named again for crepe.
    assert!(
        has(
            code,
            "Within(p_0, a_1) <-\nInputs(env__),\nWithin(b_2, a_1),\nfor &(p_0, _) in env__.i_0_1.get(&(b_2,)),\nlet (p_0,) = (p_0,);"
        ),
        "{code}"
    );
    assert!(has(code, "pub i_0_1: Index<(Sym,), (Sym, Sym)>,"), "{code}");
    assert!(
        has(
            code,
            "env.i_0_1 = Index::build(env.t_0.rows(), |t| (t.1,));"
        ),
        "{code}"
    );
    // Symbol order goes through the strings; constants are named.
    assert!(has(code, "rt::sym_cmp(o1_2, o2_4).is_lt()"), "{code}");
    assert!(has(code, "(p_0 != K1_OFIN)"), "{code}");
    // Arithmetic is checked, with a site.
    assert!(has(code, "let Some(t__0) = rt::mul(n_1, 2i64, "), "{code}");
    // Count over an empty group gives 0 through a negated lookup.
    assert!(
        has(code, "(env__.i_14_0.get(&(o_0,)).is_empty())"),
        "{code}"
    );
    assert!(
        has(code, "(env__.t_18.is_empty()),\nlet n_0 = 0i64;"),
        "{code}"
    );
    assert!(has(code, "let n_1 = 0i64"), "{code}");
    assert!(has(code, "fn aggregate_0("), "{code}");
    assert!(
        has(code, "fn aggregate_2(") && has(code, "FxHashMap<(), i64>"),
        "{code}"
    );
}

#[test]
fn unsupported_rules_fall_back_with_their_dependents() {
    let mut b = Builder::new();
    let base = b.rel("n0", &[N]);
    let n = b.rel("n", &[N]);
    let m = b.rel("m", &[N]);
    let w = b.rel("weight", &[S, Type::Float]);
    let sw = b.rel("total_weight", &[Type::Float]);
    b.rule(
        "n(X) :- n0(X).",
        &[("X", N)],
        (n, vec![ev(0)]),
        vec![atom(base, vec![v(0)])],
    );
    b.rule(
        "n(Y) :- n(X), Y = X + 1.",
        &[("X", N), ("Y", N)],
        (n, vec![ev(1)]),
        vec![
            atom(n, vec![v(0)]),
            cmp(
                CmpOp::Eq,
                ev(1),
                Expr::Binary {
                    op: BinOp::Add,
                    left: Box::new(ev(0)),
                    right: Box::new(ec(Value::Number(1))),
                    ty: N,
                    span: Span::new(SourceId(0), 0, 0),
                },
                N,
            ),
        ],
    );
    b.rule(
        "m(X) :- n(X).",
        &[("X", N)],
        (m, vec![ev(0)]),
        vec![atom(n, vec![v(0)])],
    );
    b.rule(
        "total_weight(T) :- T = sum W : { weight(_, W) }.",
        &[("T", Type::Float), ("W", Type::Float)],
        (sw, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Sum,
            Some(ev(1)),
            vec![atom(w, vec![Term::Wildcard, v(1)])],
            vec![],
            Type::Float,
        )],
    );
    let (program, sources) = b.finish();
    let out = generate(&program, &sources, 0, &Options::in_crate());
    let reasons: Vec<&str> = out.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(out.skipped.len(), 2, "{reasons:?}");
    assert_eq!(out.skipped[0].location, "lib.dl:2");
    assert!(
        reasons[0].contains("new values inside a recursion"),
        "{reasons:?}"
    );
    assert!(reasons[1].contains("float `sum`"), "{reasons:?}");
    let names: Vec<&str> = out.interpreted.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(names, ["n", "m", "total_weight"]);
    assert!(out.interpreted[1].1.contains("depends on `n`"));
    assert!(has(&out.code, "relation: \"m\","));
    assert!(!has(&out.code, "mod stage_"), "nothing is left to compile");
}

#[test]
fn failure_sites_point_into_their_rule() {
    let mut b = Builder::new();
    let per = b.rel("per", &[S, N]);
    let half = b.rel("half", &[S, N]);
    b.rule(
        "per(\"a\", 0) :- per(\"a\", 0).",
        &[],
        (
            per,
            vec![ec(Value::Symbol("a".into())), ec(Value::Number(0))],
        ),
        vec![atom(per, vec![s("a"), n(0)])],
    );
    let text = "half(O, H) :- per(O, M), H = 10 / M.";
    let start = b.offset() + text.find("10 / M").expect("in text");
    let div = Expr::Binary {
        op: BinOp::Div,
        left: Box::new(ec(Value::Number(10))),
        right: Box::new(ev(2)),
        ty: N,
        span: Span::new(SourceId(0), start, start + 6),
    };
    b.rule(
        text,
        &[("O", S), ("H", N), ("M", N)],
        (half, vec![ev(0), ev(1)]),
        vec![atom(per, vec![v(0), v(2)]), cmp(CmpOp::Eq, ev(1), div, N)],
    );
    let (program, sources) = b.finish();
    let out = generate(&program, &sources, 0, &Options::in_crate());
    assert!(
        has(&out.code, "let Some(t__0) = rt::div(10i64, m_2, 0)"),
        "{}",
        out.code
    );
    // Site 0 is `10 / M`, 29 bytes into its rule.
    assert!(
        has(&out.code, "Site {\nrule: 0,\nstart: 29,\nend: 35,\n}"),
        "{}",
        out.code
    );
    assert!(has(&out.code, "location: \"lib.dl:2\""), "{}", out.code);
}

#[test]
fn repeated_variables_and_constants_in_atoms() {
    let mut b = Builder::new();
    let edge = b.rel("edge", &[S, S]);
    let tag = b.rel("tag", &[S, S]);
    let lp = b.rel("self_loop_tagged", &[S]);
    b.rule(
        "self_loop_tagged(X) :- edge(X, X), tag(X, \"red\").",
        &[("X", S)],
        (lp, vec![ev(0)]),
        vec![
            atom(edge, vec![v(0), v(0)]),
            atom(tag, vec![v(0), s("red")]),
        ],
    );
    let (program, sources) = b.finish();
    let code = generate(&program, &sources, 0, &Options::in_crate()).code;
    // The atom with a constant is scanned first; the repeated variable is
    // bound fresh and compared, because crepe looks bound columns up before
    // it binds new ones.
    assert!(
        has(
            &code,
            "for &(x_0, _) in env__.i_1_1.get(&(K0_RED,)),\nlet (x_0,) = (x_0,),\nfor &(_, _) in env__.i_0_0_1.get(&(x_0, x_0));"
        ),
        "{code}"
    );
    let mut b = Builder::new();
    let edge = b.rel("edge", &[S, S]);
    let lp = b.rel("self_loop", &[S]);
    b.rule(
        "self_loop(X) :- edge(X, X).",
        &[("X", S)],
        (lp, vec![ev(0)]),
        vec![atom(edge, vec![v(0), v(0)])],
    );
    let (program, sources) = b.finish();
    let code = generate(&program, &sources, 0, &Options::in_crate()).code;
    assert!(
        has(
            &code,
            "for &(x_0, g_1) in env__.t_0.rows(),\nlet (x_0, g_1) = (x_0, g_1),\n(x_0 == g_1);"
        ),
        "{code}"
    );
}

#[test]
fn aggregate_groups_bound_only_outside_use_the_rules_other_literals() {
    // late_arrests(P, N) :- person(P, Cutoff), N = count : { arrest(P, D), D > Cutoff }.
    // `Cutoff` groups the count but no atom inside binds it.
    let mut b = Builder::new();
    let person = b.rel("person", &[S, D]);
    let arrest = b.rel("arrest", &[S, D]);
    let late = b.rel("late_arrests", &[S, N]);
    b.rule(
        "late_arrests(P, N) :- person(P, Cutoff), N = count : { arrest(P, D), D > Cutoff }.",
        &[("P", S), ("Cutoff", D), ("N", N), ("D", D)],
        (late, vec![ev(0), ev(2)]),
        vec![
            atom(person, vec![v(0), v(1)]),
            agg(
                2,
                AggOp::Count,
                None,
                vec![
                    atom(arrest, vec![v(0), v(3)]),
                    cmp(CmpOp::Gt, ev(3), ev(1), D),
                ],
                vec![0, 1],
                N,
            ),
        ],
    );
    let (program, sources) = b.finish();
    let out = generate(&program, &sources, 0, &Options::in_crate());
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    let code = &out.code;
    assert!(
        has(
            code,
            "Aggregate0Body(p_0, cutoff_1, d_3) <-\nInputs(env__),\nfor &(p_0, d_3) in env__.t_1.rows(),\nlet (p_0, d_3) = (p_0, d_3),\nfor &(_, cutoff_1) in env__.i_0_0.get(&(p_0,)),\nlet (cutoff_1,) = (cutoff_1,),\n(d_3 > cutoff_1);"
        ),
        "{code}"
    );
    assert!(has(code, "FxHashMap<(Sym, Date), i64>"), "{code}");
}

#[test]
fn sum_and_min_over_typed_targets() {
    let mut b = Builder::new();
    let w = b.rel("weight", &[S, N]);
    let f = b.rel("score", &[S, Type::Float]);
    let total = b.rel("total", &[N]);
    let low = b.rel("lowest", &[Type::Float]);
    let first = b.rel("first_name", &[S]);
    b.rule(
        "total(T) :- T = sum X : { weight(_, X) }.",
        &[("T", N), ("X", N)],
        (total, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Sum,
            Some(ev(1)),
            vec![atom(w, vec![Term::Wildcard, v(1)])],
            vec![],
            N,
        )],
    );
    b.rule(
        "lowest(L) :- L = min X : { score(_, X) }.",
        &[("L", Type::Float), ("X", Type::Float)],
        (low, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Min,
            Some(ev(1)),
            vec![atom(f, vec![Term::Wildcard, v(1)])],
            vec![],
            Type::Float,
        )],
    );
    b.rule(
        "first_name(L) :- L = min X : { weight(X, _) }.",
        &[("L", S), ("X", S)],
        (first, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Min,
            Some(ev(1)),
            vec![atom(w, vec![v(1), Term::Wildcard])],
            vec![],
            S,
        )],
    );
    let (program, sources) = b.finish();
    let code = generate(&program, &sources, 0, &Options::in_crate()).code;
    assert!(has(&code, "rt::sum_add(*acc, value, 0)"), "{code}");
    assert!(
        has(
            &code,
            "if rt::extreme_replaces(rt::AggOp::Min, rt::float_order(value, *m))"
        ),
        "{code}"
    );
    assert!(
        has(
            &code,
            "if rt::extreme_replaces(rt::AggOp::Min, rt::sym_cmp(value, *m))"
        ),
        "{code}"
    );
    // `min` over an empty group gives no value: no empty-group variant.
    assert_eq!(code.matches("over an empty group").count(), 1, "{code}");
}

#[test]
fn constructs_defined_only_in_the_interpreter_are_left_to_it() {
    let mut b = Builder::new();
    let w = b.rel("weight", &[S, N]);
    let avg = b.rel("average", &[Type::Float]);
    let masked = b.rel("masked", &[S, N]);
    b.rule(
        "average(A) :- A = mean X : { weight(_, X) }.",
        &[("A", Type::Float), ("X", Type::Float)],
        (avg, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Mean,
            Some(ev(1)),
            vec![atom(w, vec![Term::Wildcard, v(1)])],
            vec![],
            Type::Float,
        )],
    );
    let band = Expr::Binary {
        op: BinOp::BAnd,
        left: Box::new(ev(1)),
        right: Box::new(ec(Value::Number(3))),
        ty: N,
        span: Span::new(SourceId(0), 0, 0),
    };
    b.rule(
        "masked(K, M) :- weight(K, X), M = X band 3.",
        &[("K", S), ("X", N), ("M", N)],
        (masked, vec![ev(0), ev(2)]),
        vec![atom(w, vec![v(0), v(1)]), cmp(CmpOp::Eq, ev(2), band, N)],
    );
    let (program, sources) = b.finish();
    let out = generate(&program, &sources, 0, &Options::in_crate());
    let reasons: Vec<&str> = out.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("`mean`"), "{reasons:?}");
    assert!(reasons[1].contains("`band`"), "{reasons:?}");
    assert!(
        !has(&out.code, "compile_error!"),
        "nothing unsupported is generated"
    );
}

#[test]
fn a_sum_over_several_atoms_adds_distinct_bindings_not_wildcard_matches() {
    // total(T) :- T = sum X : { weight(K, X), tag(K, _) }.
    // The checker names the `_` `$_3`; Soufflé sums over distinct (K, X).
    let mut b = Builder::new();
    let w = b.rel("weight", &[S, N]);
    let tag = b.rel("tag", &[S, S]);
    let total = b.rel("total", &[N]);
    b.rule(
        "total(T) :- T = sum X : { weight(K, X), tag(K, _) }.",
        &[("T", N), ("X", N), ("K", S), ("$_3", S)],
        (total, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Sum,
            Some(ev(1)),
            vec![atom(w, vec![v(2), v(1)]), atom(tag, vec![v(2), v(3)])],
            vec![],
            N,
        )],
    );
    let (program, sources) = b.finish();
    let code = generate(&program, &sources, 0, &Options::in_crate()).code;
    assert!(
        has(&code, "pub struct Aggregate0Body(pub i64, pub Sym);"),
        "{code}"
    );
    // A count keeps counting matches: the `_` is a column of its body.
    let mut b = Builder::new();
    let w = b.rel("weight", &[S, N]);
    let tag = b.rel("tag", &[S, S]);
    let n = b.rel("n", &[N]);
    b.rule(
        "n(C) :- C = count : { weight(K, _), tag(K, _) }.",
        &[("C", N), ("K", S), ("$_2", N), ("$_3", S)],
        (n, vec![ev(0)]),
        vec![agg(
            0,
            AggOp::Count,
            None,
            vec![atom(w, vec![v(1), v(2)]), atom(tag, vec![v(1), v(3)])],
            vec![],
            N,
        )],
    );
    let (program, sources) = b.finish();
    let code = generate(&program, &sources, 0, &Options::in_crate()).code;
    assert!(
        has(
            &code,
            "pub struct Aggregate0Body(pub Sym, pub i64, pub Sym);"
        ),
        "{code}"
    );
}

/// `to_number` of a symbol once stayed with the interpreter because each
/// path parsed numbers its own way; with one definition it compiles.
#[test]
fn to_number_of_a_symbol_compiles_now_that_its_reading_is_shared() {
    let mut b = Builder::new();
    let tag = b.rel("tag", &[S, S]);
    let read = b.rel("read", &[S, N]);
    let call = Expr::Call {
        functor: Functor::ToNumber,
        args: vec![ev(1)],
        ty: N,
        span: Span::new(SourceId(0), 0, 0),
    };
    b.rule(
        "read(K, N) :- tag(K, T), N = to_number(T).",
        &[("K", S), ("T", S), ("N", N)],
        (read, vec![ev(0), ev(2)]),
        vec![atom(tag, vec![v(0), v(1)]), cmp(CmpOp::Eq, ev(2), call, N)],
    );
    let (program, sources) = b.finish();
    let out = generate(&program, &sources, 0, &Options::in_crate());
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    assert!(has(&out.code, "rt::to_number(t_1, "), "{}", out.code);
}
