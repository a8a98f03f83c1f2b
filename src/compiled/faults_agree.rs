//! A failing operation in the compiled library stops the run with the same
//! error as the interpreter: the same code, message and help, at the
//! expression in the loaded program. The library itself divides nothing, so
//! each case runs the interpreter on a one-rule program and compares its
//! error with the compiled runtime's for the same fault at the same place.

use crate::compiled::fault::{Fault, FaultKind};
use crate::compiled::ops;
use crate::diag::{Diagnostic, SourceMap};
use crate::eval::{Database, EvalOptions, evaluate};

fn interpreter_error(text: &str) -> Diagnostic {
    let mut sources = SourceMap::new();
    let id = sources.add("t.dl", text);
    let program = crate::check::check_sources(&sources, &[id])
        .unwrap_or_else(|d| panic!("checks:\n{}", d.render(&sources)));
    let mut db = Database::new(&program);
    db.load_program_facts(&program).expect("facts load");
    evaluate(&program, &mut db, &EvalOptions::default()).expect_err("the rule fails")
}

fn compiled_error(fault: Fault, like: &Diagnostic) -> Diagnostic {
    fault.to_diagnostic(like.span)
}

fn same(a: &Diagnostic, b: &Diagnostic) {
    assert_eq!(a.code, b.code);
    assert_eq!(a.message, b.message);
    assert_eq!(a.help, b.help);
    assert_eq!(a.label, b.label);
}

fn recorded(f: impl FnOnce() -> bool) -> Fault {
    assert!(f(), "the operation failed");
    crate::compiled::fault::take().expect("a fault was recorded")
}

#[test]
fn division_by_zero() {
    let i = interpreter_error("a(0).\nr(X) :- a(Y), X = 10 / Y.\n");
    let f = recorded(|| ops::div(10, 0, 0).is_none());
    assert_eq!(f.kind, FaultKind::DivisionByZero);
    same(&i, &compiled_error(f, &i));
}

#[test]
fn overflow() {
    let i = interpreter_error("a(9223372036854775807).\nr(X) :- a(Y), X = Y + 1.\n");
    let f = recorded(|| ops::add(i64::MAX, 1, 0).is_none());
    same(&i, &compiled_error(f, &i));
}

#[test]
fn a_month_past_the_calendar() {
    let i = interpreter_error(
        ".decl d(x: date)\nd(\"9999-12\").\nr(X) :- d(D), X = add_months(D, 1).\n",
    );
    let date = crate::value::Date::parse("9999-12").expect("valid");
    let f = recorded(|| ops::add_months(date, 1, 0).is_none());
    same(&i, &compiled_error(f, &i));
}

#[test]
fn bad_number() {
    use crate::compiled::symbols::{self, SymbolTable};
    let i = interpreter_error("s(\"4x\").\nr(N) :- s(S), N = to_number(S).\n");
    let (table, syms) = SymbolTable::new(&[], &["4x", "0x1A"]);
    let guard = symbols::install(table);
    let f = recorded(|| ops::to_number(syms[0], 0).is_none());
    // The same reading as the interpreter's: a `0x` prefix is hexadecimal.
    assert_eq!(ops::to_number(syms[1], 0), Some(26));
    drop(guard);
    assert_eq!(f.kind, FaultKind::BadNumber("4x".into()));
    same(&i, &compiled_error(f, &i));
}
