//! This module defines the checker's unit tests: valid programs lower to the
//! expected IR, and each kind of mistake gives its error code.

use super::check_sources;
use crate::diag::{Diagnostics, SourceMap};
use crate::ir::*;
use crate::value::{Date, Type, Value};

fn lower(text: &str) -> Program {
    let mut sources = SourceMap::new();
    let id = sources.add("t.dl", text);
    match check_sources(&sources, &[id]) {
        Ok(p) => {
            if let Err(e) = super::verify(&p) {
                panic!("invariant broken: {e}\n{p:#?}");
            }
            p
        }
        Err(e) => panic!("unexpected errors:\n{}", e.render(&sources)),
    }
}

fn errors(text: &str) -> Diagnostics {
    let mut sources = SourceMap::new();
    let id = sources.add("t.dl", text);
    match check_sources(&sources, &[id]) {
        Ok(p) => panic!("expected errors, got {p:#?}"),
        Err(e) => e,
    }
}

fn codes(text: &str) -> Vec<&'static str> {
    errors(text).codes()
}

fn rel<'p>(p: &'p Program, name: &str) -> &'p Relation {
    &p.relations[p.relation_id(name).expect("relation exists")]
}

fn strata_names(p: &Program) -> Vec<Vec<&str>> {
    p.strata
        .iter()
        .map(|s| {
            s.relations
                .iter()
                .map(|r| p.relations[*r].name.as_str())
                .collect()
        })
        .collect()
}

const TC: &str = "
.decl edge(x:number, y:number)
.input edge(filename=\"edge.tsv\")
.decl path(x:number, y:number)
.printsize path
path(x, y) :- edge(x, y).
path(x, z) :- path(x, y), edge(y, z).
";

#[test]
fn transitive_closure_lowers() {
    let p = lower(TC);
    assert_eq!(p.relations.len(), 2);
    assert_eq!(rel(&p, "path").types(), [Type::Number, Type::Number]);
    assert!(rel(&p, "edge").declared);
    assert_eq!(p.inputs.len(), 1);
    assert_eq!(p.inputs[0].filename, "edge.tsv");
    assert_eq!(p.inputs[0].delimiter, '\t');
    assert_eq!(p.printsize, [p.relation_id("path").expect("path")]);
    assert_eq!(
        strata_names(&p),
        [["path"]],
        "base relations get no stratum"
    );
    assert!(p.strata[0].recursive);
    assert_eq!(p.strata[0].rules, [0, 1]);
    let r = &p.rules[1];
    assert_eq!(
        r.vars.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["x", "z", "y"]
    );
    assert!(r.vars.iter().all(|v| v.ty == Type::Number));
    assert_eq!(r.head.args, [Expr::Var(0), Expr::Var(1)]);
    let Literal::Atom(a) = &r.body[1] else {
        panic!()
    };
    assert_eq!(a.args, [Term::Var(2), Term::Var(1)]);
}

#[test]
fn same_generation_and_negation_strata_order() {
    let p = lower(
        ".decl parent(p:number, c:number)\n.input parent\n\
         sg(x, y) :- parent(p, x), parent(p, y), x != y.\n\
         sg(x, y) :- parent(a, x), sg(a, b), parent(b, y).\n\
         lonely(x) :- parent(_, x), !sg(x, _).\n\
         .output lonely\n",
    );
    assert_eq!(strata_names(&p), [vec!["sg"], vec!["lonely"]]);
    assert!(p.strata[0].recursive && !p.strata[1].recursive);
    assert_eq!(p.inputs[0].filename, "parent.facts");
    assert_eq!(p.outputs[0].filename, "lonely.csv");
    assert_eq!(rel(&p, "sg").columns[0].name, "_0");
    assert!(!rel(&p, "sg").declared);
    let Literal::Negated(a) = &p.rules[2].body[1] else {
        panic!()
    };
    assert_eq!(a.args[1], Term::Wildcard);
}

#[test]
fn mutual_recursion_is_one_stratum() {
    let p = lower(
        "base(1).\neven(X) :- base(X).\neven(X) :- odd(Y), X = Y + 1, X < 10.\nodd(X) :- even(Y), X = Y + 1, X < 10.\ntop(X) :- even(X), !odd(X).\n",
    );
    assert_eq!(strata_names(&p), [vec!["even", "odd"], vec!["top"]]);
    assert!(p.strata[0].recursive);
    assert_eq!(p.strata[0].rules, [0, 1, 2]);
}

#[test]
fn undeclared_types_are_inferred_from_facts_and_rules() {
    let p = lower(
        "a(1, \"x\").\na(2, \"y\").\nb(S, N) :- a(N, S).\nc(F) :- b(_, N), F = to_float(N) * 1.5.\n",
    );
    assert_eq!(rel(&p, "a").types(), [Type::Number, Type::Symbol]);
    assert_eq!(rel(&p, "b").types(), [Type::Symbol, Type::Number]);
    assert_eq!(rel(&p, "c").types(), [Type::Float]);
    assert_eq!(
        p.facts[0].values,
        [Value::Number(1), Value::Symbol("x".into())]
    );
}

#[test]
fn integer_literals_in_float_columns_are_floats() {
    let p = lower(".decl score(s: float)\nscore(3).\nscore(2.5).\nhigh(S) :- score(S), S > 2.\n");
    assert_eq!(p.facts[0].values, [Value::Float(3.0)]);
    let Literal::Compare(c) = &p.rules[0].body[1] else {
        panic!()
    };
    assert_eq!(
        (c.ty, &c.right),
        (Type::Float, &Expr::Const(Value::Float(2.0)))
    );
}

#[test]
fn strings_in_date_positions_are_dates() {
    let p = lower(
        ".decl operation(o: symbol, d: date)\noperation(\"raid\", \"2024-01\").\n\
         late(O) :- operation(O, D), D >= \"2023-11-15\", year(D) = 2024.\n\
         next(O, N) :- operation(O, D), N = add_months(D, 2).\n",
    );
    let month = Value::Date(Date::parse("2024-01").expect("valid"));
    assert_eq!(p.facts[0].values[1], month);
    let Literal::Compare(c) = &p.rules[0].body[1] else {
        panic!()
    };
    assert_eq!(c.ty, Type::Date);
    assert_eq!(
        c.right,
        Expr::Const(Value::Date(Date::parse("2023-11-15").expect("valid")))
    );
    assert_eq!(rel(&p, "next").types(), [Type::Symbol, Type::Date]);
}

#[test]
fn body_expressions_are_flattened_into_fresh_variables() {
    let p = lower("n(0).\nm(X) :- n(X), n(X - 1), X < 5.\nn(X + 1) :- n(X), X < 3.\n");
    let r = &p.rules[0];
    let Literal::Atom(a) = &r.body[1] else {
        panic!()
    };
    let Term::Var(fresh) = a.args[0] else {
        panic!()
    };
    assert_eq!(r.vars[fresh].name, "$0");
    let Literal::Compare(c) = &r.body[2] else {
        panic!("{:?}", r.body)
    };
    assert_eq!(
        (c.op, &c.left, c.ty),
        (CmpOp::Eq, &Expr::Var(fresh), Type::Number)
    );
    assert!(matches!(
        &c.right,
        Expr::Binary {
            op: BinOp::Sub,
            ty: Type::Number,
            ..
        }
    ));
    assert!(matches!(
        &p.rules[1].head.args[0],
        Expr::Binary { op: BinOp::Add, .. }
    ));
}

#[test]
fn aggregates_bind_their_result_and_group_by_outer_variables() {
    let p = lower(
        "member(\"a\", \"c1\"). member(\"b\", \"c1\"). age(\"a\", 30).\n\
         size(C, N) :- member(_, C), N = count : { member(_, C) }.\n\
         total(T) :- T = sum A : { age(_, A) }.\n\
         oldest(C, M) :- member(_, C), M = max A : { member(P, C), age(P, A) }.\n",
    );
    let r = &p.rules[0];
    let Literal::Aggregate(a) = &r.body[1] else {
        panic!()
    };
    assert_eq!(
        (a.op, a.ty, &r.vars[a.result].name[..]),
        (AggOp::Count, Type::Number, "N")
    );
    assert_eq!(
        a.outer
            .iter()
            .map(|v| r.vars[*v].name.as_str())
            .collect::<Vec<_>>(),
        ["C"]
    );
    let r = &p.rules[2];
    let Literal::Aggregate(a) = &r.body[1] else {
        panic!()
    };
    let locals: Vec<&str> = r.vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(locals, ["C", "M", "P", "A"]);
    assert_eq!(a.outer, [0]);
    assert_eq!(a.target, Some(Expr::Var(3)));
    assert_eq!(rel(&p, "total").types(), [Type::Number]);
}

#[test]
fn wildcards_in_aggregates_are_local_variables() {
    // Soufflé counts tuples: `count : { e(_, C) }` is the number of `e`
    // tuples with that `C`, so `_` must be a local variable of the aggregate.
    let p = lower("e(1, 2). e(3, 2). k(2).\nn(C, N) :- k(C), N = count : { e(_, C), !e(C, _) }.\n");
    let r = &p.rules[0];
    let Literal::Aggregate(a) = &r.body[1] else {
        panic!()
    };
    let Literal::Atom(inner) = &a.body[0] else {
        panic!()
    };
    let Term::Var(v) = inner.args[0] else {
        panic!("{inner:?}")
    };
    assert_eq!(
        (r.vars[v].name.as_str(), r.vars[v].ty),
        ("$0", Type::Number)
    );
    assert!(!a.outer.contains(&v));
    let Literal::Negated(neg) = &a.body[1] else {
        panic!()
    };
    assert_eq!(
        neg.args[1],
        Term::Wildcard,
        "a negation's `_` still means any"
    );
}

#[test]
fn aggregate_in_an_expression_gets_a_fresh_variable() {
    let p = lower("e(1). e(2).\nbig() :- count : e(_) > 1.\n");
    let r = &p.rules[0];
    assert!(
        matches!(&r.body[..], [Literal::Compare(_), Literal::Aggregate(a)] if r.vars[a.result].name == "$0")
    );
}

#[test]
fn aggregate_result_bound_elsewhere_is_compared() {
    let p = lower("e(1). n(1).\nok(N) :- n(N), N = count : e(_).\n");
    let r = &p.rules[0];
    assert!(matches!(
        &r.body[..],
        [Literal::Atom(_), Literal::Compare(_), Literal::Aggregate(_)]
    ));
}

#[test]
fn queries_lower_to_hidden_relations() {
    let p = lower("e(1, 2).\ne(2, 3).\n?- e(X, Y), Y > 2, e(_, X).\n?- e(1, 2).\n");
    assert_eq!(p.queries.len(), 2);
    let q = &p.queries[0];
    assert_eq!(q.columns, ["X", "Y"]);
    let r = &p.relations[q.rel];
    assert_eq!(
        (r.name.as_str(), r.is_query, r.arity()),
        ("?query0", true, 2)
    );
    assert_eq!(p.rules[q.rule].head.rel, q.rel);
    assert_eq!(p.relations[p.queries[1].rel].arity(), 0);
    assert!(p.strata.iter().any(|s| s.relations == [q.rel]));
}

#[test]
fn multiple_heads_and_disjunctions_become_several_rules() {
    let p = lower("c(1). d(2).\na(X), b(X) :- c(X) ; d(X).\n");
    assert_eq!(p.rules.len(), 4);
    let heads: Vec<&str> = p
        .rules
        .iter()
        .map(|r| p.relations[r.head.rel].name.as_str())
        .collect();
    assert_eq!(heads, ["a", "a", "b", "b"]);
}

#[test]
fn eqrel_becomes_an_equivalence() {
    let p = lower(".decl same(a: symbol, b: symbol) eqrel\nsame(\"x\", \"y\").\n");
    assert_eq!(p.rules.len(), 3);
    assert!(p.strata[0].recursive);
}

#[test]
fn type_aliases_resolve_to_their_base() {
    let p = lower(
        ".type Place <: symbol\n.type Month = date\n.decl seen(p: Place, m: Month)\nseen(\"Tangier\", \"2024-02\").\n",
    );
    assert_eq!(rel(&p, "seen").types(), [Type::Symbol, Type::Date]);
}

#[test]
fn facts_with_expressions_become_rules_without_body() {
    let p = lower("a(1 + 2, cat(\"x\", \"y\")).\n");
    assert!(p.facts.is_empty());
    assert!(p.rules[0].body.is_empty());
    assert_eq!(rel(&p, "a").types(), [Type::Number, Type::Symbol]);
}

#[test]
fn functors_and_tests_are_typed() {
    let p = lower(
        "s(\"abc\", 1).\n\
         t(L, M, Y) :- s(S, N), contains(\"b\", S), L = strlen(S), M = min(N, 2, L), Y = substr(S, 0, N).\n",
    );
    let r = &p.rules[0];
    assert!(matches!(&r.body[1], Literal::Test(t) if t.predicate == Predicate::Contains));
    let Literal::Compare(c) = &r.body[3] else {
        panic!()
    };
    let Expr::Call {
        functor: Functor::Min,
        args,
        ty: Type::Number,
        ..
    } = &c.right
    else {
        panic!("{c:?}")
    };
    assert!(
        matches!(
            &args[0],
            Expr::Call {
                functor: Functor::Min,
                ..
            }
        ),
        "min of three folds"
    );
    assert_eq!(
        rel(&p, "t").types(),
        [Type::Number, Type::Number, Type::Symbol]
    );
}

#[test]
fn relations_are_shared_across_modules() {
    let mut sources = SourceMap::new();
    let a = sources.add("a.dl", ".decl edge(x: number, y: number)\nedge(1, 2).\n");
    let b = sources.add("b.dl", "reach(X, Y) :- edge(X, Y).\n?- reach(1, Y).\n");
    let p = check_sources(&sources, &[a, b]).expect("valid");
    assert_eq!(rel(&p, "reach").types(), [Type::Number, Type::Number]);
}

#[test]
fn each_mistake_has_its_code() {
    assert_eq!(codes("p(X) :- edg(X).\nedge(1).\n"), ["unknown-relation"]);
    assert_eq!(
        codes(".decl e(x: number)\np(X) :- e(X, Y).\n"),
        ["arity-mismatch"]
    );
    assert_eq!(codes(".decl e(x: number)\ne(\"a\").\n"), ["type-mismatch"]);
    assert_eq!(codes("e(1).\np(X, Y) :- e(X).\n"), ["unbound-variable"]);
    assert_eq!(codes("e(1).\np(_) :- e(_).\n"), ["wildcard-in-head"]);
    assert_eq!(
        codes("e(1).\np(X) :- e(X), !q(X).\nq(X) :- e(X), !p(X).\n"),
        ["unstratifiable"]
    );
    assert_eq!(codes(".decl d(x: date)\nd(\"2024-13\").\n"), ["bad-date"]);
    assert_eq!(
        codes("e(\"a\").\np(Y) :- e(X), Y = lenght(X).\n"),
        ["unknown-functor"]
    );
    assert_eq!(
        codes(".decl e(x: number)\n.decl e(x: symbol)\n"),
        ["duplicate-declaration"]
    );
    assert_eq!(codes(".decl e(x: nmber)\n"), ["unknown-type"]);
    assert_eq!(codes(".input e\n"), ["missing-declaration"]);
    assert_eq!(
        codes(".decl e(x: number)\n.output e(IO=sqlite)\n"),
        ["unsupported"]
    );
    assert_eq!(
        codes(".decl e(x: number)\n.input e(delimiter=\"ab\")\n"),
        ["bad-parameter"]
    );
    assert_eq!(codes("p(X) :- X = 1 +.\n"), ["syntax"]);
}

#[test]
fn all_errors_are_collected() {
    let e = errors("e(1).\np(X, Y) :- e(X), !qq(Z).\nr(X) :- e(X), X = \"a\".\ns(_) :- e(1).\n");
    assert_eq!(
        e.codes(),
        [
            "unbound-variable",
            "unknown-relation",
            "unbound-variable",
            "type-mismatch",
            "wildcard-in-head"
        ]
    );
}

#[test]
fn unbound_variables_everywhere_they_can_hide() {
    let e = errors(
        "e(1).\n\
         a(X) :- e(Y), X > Y.\n\
         b(Y) :- e(Y), !e(Z).\n\
         c(N) :- N = count : { e(X), !e(W) }.\n\
         d(S) :- S = sum V : { e(_) }.\n\
         f(N) :- N = count : { e(G) }, G > 1.\n\
         g(X).\n",
    );
    let names: Vec<&str> =
        e.0.iter()
            .map(|d| d.message.split('`').nth(1).unwrap_or(""))
            .collect();
    assert_eq!(names, ["X", "Z", "W", "V", "G", "X"]);
}

#[test]
fn unstratifiable_names_the_cycle() {
    let e = errors("e(1).\na(X) :- e(X), !b(X).\nb(X) :- c(X).\nc(X) :- a(X).\n");
    assert_eq!(
        e.0[0].message,
        "`a` depends on itself through a negation: `a` -> `b` -> `c` -> `a`"
    );
    let e = errors("e(1).\nn(C) :- C = count : n(_).\nn(1).\n");
    assert_eq!(
        e.0[0].message,
        "`n` depends on itself through an aggregate: `n` -> `n`"
    );
}

#[test]
fn arity_mismatch_points_at_the_declaration() {
    let e = errors(".decl e(x: number, y: number)\ne(1, 2, 3).\n");
    let d = &e.0[0];
    assert_eq!(
        d.message,
        "relation `e` is declared with 2 columns, but used here with 3 arguments"
    );
    assert_eq!(d.secondary.len(), 1);
    let e = errors("e(1, 2).\nf(X) :- e(X).\n");
    assert_eq!(
        e.0[0].message,
        "relation `e` was first used with 2 arguments, but here with 1 argument"
    );
}

#[test]
fn type_mismatch_shows_both_places() {
    let e = errors(".decl a(x: number)\n.decl b(x: symbol)\nc(X) :- a(X), b(X).\n");
    let d = &e.0[0];
    assert_eq!(
        d.message,
        "type mismatch: expected `symbol`, found `number`"
    );
    assert_eq!(d.secondary.len(), 2);
}

/// Regression (type error cites the wrong declaration): `cell(1, 2).` in a
/// program where rules join `cell`'s columns to other relations' columns
/// cited those relations' declarations, not `cell`'s.
#[test]
fn type_mismatch_cites_the_relation_used() {
    let library = ".decl cell(c: symbol, p: symbol)\n.decl flow(o: symbol, t: symbol)\n\
                   .decl target(c: symbol, a: symbol)\n\
                   target(C, A) :- cell(C, P), flow(P, A), target(C, _).\n";
    let mut sources = SourceMap::new();
    let lib = sources.add("lib.dl", library);
    let session = sources.add("session.dl", "cell(1, 2).\n");
    let e = check_sources(&sources, &[lib, session]).expect_err("two type errors");
    assert_eq!(e.codes(), ["type-mismatch", "type-mismatch"]);
    for d in &e.0 {
        assert_eq!(d.secondary.len(), 1, "{d:?}");
        let (span, label) = &d.secondary[0];
        let cited = sources.snippet(*span);
        assert!(
            span.source == lib && (cited == "c: symbol" || cited == "p: symbol"),
            "cites `{cited}` ({label})"
        );
        let line = sources.file(lib).line_col(span.start as usize).0;
        assert_eq!(line, 1, "the declaration of `cell`, not `{cited}`");
    }
}

#[test]
fn unknown_relation_suggests_a_name() {
    let e = errors(".decl edge(x: number, y: number)\npath(X, Y) :- edg(X, Y).\n.output pth\n");
    assert_eq!(e.codes(), ["unknown-relation", "unknown-relation"]);
    assert_eq!(e.0[0].label.as_deref(), Some("did you mean `edge`?"));
    assert_eq!(e.0[1].label.as_deref(), Some("did you mean `path`?"));
}

#[test]
fn long_dependency_chains_do_not_overflow() {
    let mut text = String::from("r0(1).\n");
    for i in 1..5000 {
        text.push_str(&format!("r{i}(X) :- r{}(X).\n", i - 1));
    }
    let p = lower(&text);
    assert_eq!(p.strata.len(), 4999);
    assert_eq!(
        p.relations[p.rules[p.strata[0].rules[0]].head.rel].name,
        "r1"
    );
}

#[test]
fn verify_catches_broken_invariants() {
    let good = lower(TC);
    let mut p = good.clone();
    p.rules[1].vars[0].ty = Type::Symbol;
    assert!(
        super::verify(&p).is_err(),
        "a variable typed against its column"
    );
    let mut p = good.clone();
    p.strata[0].recursive = false;
    assert!(super::verify(&p).is_err(), "a wrong recursive flag");
    let mut p = good.clone();
    p.rules[0].body.clear();
    assert!(super::verify(&p).is_err(), "a head variable nothing binds");
    let mut p = good;
    p.facts.push(Fact {
        rel: 0,
        values: vec![Value::Number(1)],
        span: p.rules[0].span,
    });
    assert!(super::verify(&p).is_err(), "a fact of the wrong arity");
}
