//! This module defines the parser's unit tests: each construct of the
//! language parses to the expected tree, and broken text gives precise,
//! recovered errors.

use super::ast::*;
use super::parse;
use crate::diag::{Diagnostics, SourceMap};
use crate::ir::{AggOp, BinOp, CmpOp};

fn parse_text(text: &str) -> Result<Module, Diagnostics> {
    let mut sources = SourceMap::new();
    let id = sources.add("t.dl", text);
    parse(&sources, id)
}

fn items(text: &str) -> Vec<Item> {
    match parse_text(text) {
        Ok(m) => m.items,
        Err(e) => panic!("unexpected errors: {e:?}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    match parse_text(text) {
        Ok(m) => panic!("expected errors, parsed {:?}", m.items),
        Err(e) => {
            e.0.iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect()
        }
    }
}

fn clause(text: &str) -> Clause {
    match items(text).remove(0) {
        Item::Clause(c) => c,
        other => panic!("not a clause: {other:?}"),
    }
}

fn body(text: &str) -> Vec<Vec<Literal>> {
    clause(text).body.expect("a rule").alternatives
}

/// The right side of the first comparison in the rule's body.
fn compare_right(text: &str) -> Expr {
    let literals = body(text).remove(0);
    for literal in literals {
        if let Literal::Compare(c) = literal {
            return c.right;
        }
    }
    panic!("no comparison in {text}")
}

#[test]
fn facts_including_nullary_and_negative_numbers() {
    let c = clause("edge(1, -2). ");
    assert!(c.body.is_none());
    assert_eq!(c.heads[0].name.name, "edge");
    assert!(matches!(c.heads[0].args[1], Expr::Number(-2, _)));
    let c = clause("ok().");
    assert!(c.heads[0].args.is_empty());
    let c = clause(r#"name("Tanger \"Med\"", 1.5, 0x10)."#);
    assert!(matches!(&c.heads[0].args[0], Expr::Str(s, _) if s == "Tanger \"Med\""));
    assert!(matches!(c.heads[0].args[1], Expr::Float(x, _) if x == 1.5));
    assert!(matches!(c.heads[0].args[2], Expr::Number(16, _)));
}

#[test]
fn rules_with_variables_wildcards_and_negation() {
    let b = body("p(X, y) :- e(X, _), !q(X), not r(y).");
    assert_eq!(b.len(), 1);
    assert!(matches!(&b[0][0], Literal::Atom(a) if matches!(a.args[1], Expr::Wildcard(_))));
    assert!(matches!(&b[0][1], Literal::Negated { atom, .. } if atom.name.name == "q"));
    assert!(matches!(&b[0][2], Literal::Negated { atom, .. } if atom.name.name == "r"));
}

#[test]
fn disjunction_and_multiple_heads_expand() {
    let c = clause("a(X), b(X) :- c(X), (d(X) ; e(X)), f(X) ; g(X).");
    assert_eq!(c.heads.len(), 2);
    let alts = c.body.expect("a rule").alternatives;
    let names: Vec<Vec<String>> = alts
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|l| match l {
                    Literal::Atom(a) => a.name.name.clone(),
                    _ => "?".into(),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        vec![vec!["c", "d", "f"], vec!["c", "e", "f"], vec!["g"]]
    );
}

#[test]
fn parenthesised_expression_is_not_a_group() {
    let b = body("a(X) :- b(X), (X + 1) * 2 < 10.");
    assert!(matches!(&b[0][1], Literal::Compare(c) if c.op == CmpOp::Lt));
}

#[test]
fn arithmetic_precedence_and_unary_minus() {
    let e = compare_right("a(X) :- b(Y), X = 1 + Y * 2 ^ 3 ^ 2 - -Y.");
    // ((1 + (Y * (2 ^ (3 ^ 2)))) - (-Y))
    let Expr::Binary {
        op: BinOp::Sub,
        left,
        right,
        ..
    } = e
    else {
        panic!("{e:?}")
    };
    assert!(matches!(*right, Expr::Neg { .. }));
    let Expr::Binary {
        op: BinOp::Add,
        right: mul,
        ..
    } = *left
    else {
        panic!()
    };
    let Expr::Binary {
        op: BinOp::Mul,
        right: pow,
        ..
    } = *mul
    else {
        panic!()
    };
    let Expr::Binary {
        op: BinOp::Pow,
        right: inner,
        ..
    } = *pow
    else {
        panic!()
    };
    assert!(matches!(*inner, Expr::Binary { op: BinOp::Pow, .. }));
    let e = compare_right("a(X) :- X = -2 ^ 2.");
    assert!(matches!(e, Expr::Neg { .. }), "-2^2 is -(2^2): {e:?}");
}

#[test]
fn functor_calls_and_contains_test() {
    let b = body(r#"a(Y) :- b(X), Y = cat(X, "-", to_string(strlen(X))), contains("a", X)."#);
    assert!(
        matches!(&b[0][1], Literal::Compare(c) if matches!(&c.right, Expr::Call { name, args, .. } if name.name == "cat" && args.len() == 3))
    );
    assert!(matches!(&b[0][2], Literal::Test(t) if t.name.name == "contains"));
    let b = body("a(M) :- b(X, Y), M = max(X, Y), min(X, Y) < 3.");
    assert!(
        matches!(&b[0][2], Literal::Compare(c) if matches!(&c.left, Expr::Call { name, .. } if name.name == "min"))
    );
}

#[test]
fn aggregates_in_all_forms() {
    let agg = |text: &str| match compare_right(text) {
        Expr::Aggregate(a) => *a,
        other => panic!("not an aggregate: {other:?}"),
    };
    let a = agg("a(N) :- N = count : { b(X), X > 1 }.");
    assert_eq!(
        (a.op, a.target.is_none(), a.body.len()),
        (AggOp::Count, true, 2)
    );
    let a = agg("a(S) :- S = sum X * 2 : { b(X) }.");
    assert_eq!(a.op, AggOp::Sum);
    assert!(matches!(a.target, Some(Expr::Binary { .. })));
    let a = agg("a(M) :- M = min X : b(X).");
    assert_eq!((a.op, a.body.len()), (AggOp::Min, 1));
    let a = agg("a(M) :- M = max(X) : { b(X) }.");
    assert_eq!(a.op, AggOp::Max);
    let a = agg("a(N) :- N = count : b(_).");
    assert_eq!(a.op, AggOp::Count);
}

#[test]
fn count_and_sum_are_plain_variables_elsewhere() {
    let b = body("a(count, sum) :- b(count, sum).");
    assert!(
        matches!(&b[0][0], Literal::Atom(a) if matches!(&a.args[0], Expr::Var(v) if v.name == "count"))
    );
}

#[test]
fn declarations_types_and_directives() {
    let all = items(
        ".type Place <: symbol\n.type Score = number\n.number_type Id\n\
         .decl a, b(x: Place, y: number) btree output\n\
         .decl ok()\n\
         .input a(IO=file, filename=\"a.tsv\", delimiter=\",\")\n\
         .output a, b\n.printsize b\n.pragma \"legacy\"\n",
    );
    let kinds: Vec<&str> = all
        .iter()
        .map(|i| match i {
            Item::Decl(_) => "decl",
            Item::Type(_) => "type",
            Item::Io(_) => "io",
            Item::Clause(_) => "clause",
            Item::Query(_) => "query",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "type", "type", "type", "io", "decl", "decl", "io", "io", "io"
        ]
    );
    let Item::Decl(d) = &all[4] else { panic!() };
    assert_eq!(d.names.len(), 2);
    assert_eq!(d.attrs[0].ty.name, "Place");
    assert_eq!(d.qualifiers.len(), 2);
    let Item::Io(io) = &all[3] else { panic!() };
    assert_eq!((io.kind, io.relations.len()), (IoKind::Output, 2));
    let Item::Io(io) = &all[6] else { panic!() };
    assert_eq!(io.params.len(), 3);
    assert_eq!(io.params[1].value, "a.tsv");
    let Item::Type(t) = &all[2] else { panic!() };
    assert_eq!(
        (t.name.name.as_str(), t.of[0].name.as_str()),
        ("Id", "number")
    );
}

#[test]
fn stray_dot_after_directive_and_plan_are_accepted() {
    let all = items(".decl a(x: number).\na(X) :- a(X).\n.plan 0:(1,2), 1:(2,1)\na(1).");
    assert_eq!(all.len(), 3);
}

#[test]
fn queries() {
    let all = items("?- path(X, Y), X < 3.");
    assert!(matches!(&all[0], Item::Query(q) if q.body.alternatives[0].len() == 2));
}

#[test]
fn spans_point_at_the_text() {
    let text = "p(X) :- e(X, Y), Y > 2.";
    let mut sources = SourceMap::new();
    let id = sources.add("t.dl", text);
    let m = parse(&sources, id).expect("valid");
    let Item::Clause(c) = &m.items[0] else {
        panic!()
    };
    assert_eq!(sources.snippet(c.span), text);
    assert_eq!(sources.snippet(c.heads[0].span), "p(X)");
    let lits = &c.body.as_ref().expect("rule").alternatives[0];
    assert_eq!(sources.snippet(lits[0].span()), "e(X, Y)");
    assert_eq!(sources.snippet(lits[1].span()), "Y > 2");
}

#[test]
fn error_says_what_was_expected_and_found() {
    assert_eq!(
        errors("p(X) :- e(X)).")[0],
        "syntax: expected `.` or `,` after a body literal, found `)`"
    );
    assert_eq!(
        errors("p(X) :- e(X) f(X).")[0],
        "syntax: expected `.` or `,` after a body literal, found `f`"
    );
    assert_eq!(
        errors("p(X)")[0],
        "syntax: expected `.`, `,` or `:-` after a head atom, found end of input"
    );
    assert_eq!(
        errors("p(X) :- X.")[0],
        "syntax: expected a comparison operator (`=`, `!=`, `<`, `<=`, `>`, `>=`) after this expression, found `.`"
    );
    assert_eq!(
        errors(".dec a(x: number)")[0],
        "syntax: unknown directive `.dec`"
    );
}

#[test]
fn recovers_and_reports_every_error() {
    let errs = errors("a(1).\np(X :- q(X).\nr(X) :- s(X),.\nok().\n.decl t(x number)\nt(1).\n");
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(errs[0].contains("found `:-`"));
    assert!(errs[1].contains("expected an expression, found `.`"));
    assert!(errs[2].contains("expected `:` after the attribute name"));
}

#[test]
fn unsupported_features_are_named() {
    let errs = errors(".comp C { }\n");
    assert!(errs[0].starts_with("unsupported: the `.comp` directive"));
    let errs = errors(".type R = [a: number]");
    assert!(errs[0].contains("record types"), "{errs:?}");
}

#[test]
fn negations_of_tests_comparisons_and_booleans() {
    let b = body("a(X) :- b(X), !contains(\"x\", X), !(X < 3), !X = 4, true, !false, !!b(X).");
    let b = &b[0];
    assert!(matches!(&b[1], Literal::NegatedTest { atom, .. } if atom.name.name == "contains"));
    assert!(matches!(&b[2], Literal::Compare(c) if c.op == CmpOp::Ge));
    assert!(matches!(&b[3], Literal::Compare(c) if c.op == CmpOp::Ne));
    assert!(matches!(&b[4], Literal::Bool(true, _)));
    assert!(matches!(&b[5], Literal::Bool(true, _)));
    assert!(matches!(&b[6], Literal::Atom(a) if a.name.name == "b"));
    let b = body("a(X) :- b(X), match(\"a.*\", X), not c(X).");
    assert!(matches!(&b[0][1], Literal::Test(t) if t.name.name == "match"));
    assert!(matches!(&b[0][2], Literal::Negated { .. }));
}

#[test]
fn word_operators_follow_souffle_precedence() {
    // `lor` is loosest, then land, bor, bxor, band, shifts, `+`; `bnot` is prefix.
    let b = body("a(X) :- b(Y), X = Y lor Y land Y bor Y bxor Y band Y bshl 1 + 2.");
    let Literal::Compare(c) = &b[0][1] else {
        panic!("a comparison")
    };
    let Expr::Binary { op, right, .. } = &c.right else {
        panic!("a binary expression")
    };
    assert_eq!(*op, BinOp::LOr);
    let Expr::Binary { op, right, .. } = right.as_ref() else {
        panic!("land")
    };
    assert_eq!(*op, BinOp::LAnd);
    let Expr::Binary { op, right, .. } = right.as_ref() else {
        panic!("bor")
    };
    assert_eq!(*op, BinOp::BOr);
    let Expr::Binary { op, right, .. } = right.as_ref() else {
        panic!("bxor")
    };
    assert_eq!(*op, BinOp::BXor);
    let Expr::Binary { op, right, .. } = right.as_ref() else {
        panic!("band")
    };
    assert_eq!(*op, BinOp::BAnd);
    let Expr::Binary { op, right, .. } = right.as_ref() else {
        panic!("bshl")
    };
    assert_eq!(*op, BinOp::BShl);
    assert!(matches!(
        right.as_ref(),
        Expr::Binary { op: BinOp::Add, .. }
    ));
    let b = body("a(X) :- b(Y), X = bnot Y + 1, M = mean Y : { b(Y) }.");
    let Literal::Compare(c) = &b[0][1] else {
        panic!("a comparison")
    };
    let Expr::Binary { op, left, .. } = &c.right else {
        panic!("bnot binds tighter than +")
    };
    assert_eq!(*op, BinOp::Add);
    assert!(matches!(left.as_ref(), Expr::Call { name, .. } if name.name == "bnot"));
    let Literal::Compare(c) = &b[0][2] else {
        panic!("a comparison")
    };
    assert!(matches!(&c.right, Expr::Aggregate(a) if a.op == AggOp::Mean));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("a(X) :- X = {}1{}.", "(".repeat(5000), ")".repeat(5000));
    assert!(errors(&deep)[0].contains("nested more than"));
    let long = format!("a(X) :- X = 1{}.", " + 1".repeat(5000));
    assert!(errors(&long)[0].contains("nested more than"));
    let groups = format!("a(X) :- {}b(X){}.", "(".repeat(5000), ")".repeat(5000));
    assert!(errors(&groups)[0].contains("nested more than"));
    let aggs = format!(
        "a(X) :- {}b(X){}.",
        "X = count : { ".repeat(3000),
        " }".repeat(3000)
    );
    assert!(errors(&aggs)[0].contains("nested more than"));
}

#[test]
fn moderately_nested_input_parses() {
    let ok = format!("a(X) :- b(Y), X = {}Y{}.", "(".repeat(60), ")".repeat(60));
    items(&ok);
    let chain = format!("a(X) :- b(Y), X = Y{}.", " + 1".repeat(150));
    items(&chain);
}

#[test]
fn syntax_errors_are_capped() {
    let errs = errors(&"a(1) b.\n".repeat(200));
    assert_eq!(errs.len(), 51);
    assert_eq!(errs[50], "syntax: 150 more syntax errors are not shown");
}

#[test]
fn disjunction_explosion_is_bounded() {
    let text = format!("a(X) :- {}.", vec!["(b(X) ; c(X))"; 20].join(", "));
    assert!(errors(&text)[0].contains("more than 1024 rules"));
}

#[test]
fn numbers_out_of_range() {
    assert!(errors("a(99999999999999999999).")[0].contains("does not fit in 64 bits"));
    items("a(-9223372036854775808).");
}
