//! This module defines the operations the generated rules call: arithmetic,
//! comparisons and functors on the compiled column types. Each one delegates
//! to [`functors`](crate::ir::functors) for its meaning; a failing operation
//! records a [`Fault`](super::fault::Fault) for its site and returns `None`,
//! so the rule does not fire and the run stops with that error after the
//! stage, with the interpreter's code and message.

use super::column::Flt;
use super::fault::{self, FaultKind};
use super::symbols::{self, Sym};
use crate::ir::functors::{self, OpError};
use crate::value::Date;
use std::cmp::Ordering;

#[cold]
fn fail(site: u32, e: OpError, what: impl FnOnce() -> String) {
    let kind = match e {
        OpError::DivisionByZero => FaultKind::DivisionByZero,
        OpError::Overflow => FaultKind::Overflow(what()),
        OpError::BadNumber(s) => FaultKind::BadNumber(s),
        OpError::BadDate(why) => FaultKind::Overflow(format!("{}: {why}", what())),
    };
    fault::record(site, kind);
}

#[inline]
fn ok<T>(r: Result<T, OpError>, site: u32, what: impl FnOnce() -> String) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            fail(site, e, what);
            None
        }
    }
}

macro_rules! checked {
    ($(#[$doc:meta] $name:ident => $op:literal),* $(,)?) => {$(
        #[$doc]
        #[inline]
        pub fn $name(a: i64, b: i64, site: u32) -> Option<i64> {
            ok(functors::$name(a, b), site, || format!("{} {} {}", a, $op, b))
        }
    )*};
}

checked! {
    /// `a + b` on numbers.
    add => "+",
    /// `a - b` on numbers.
    sub => "-",
    /// `a * b` on numbers.
    mul => "*",
    /// `a / b` on numbers.
    div => "/",
    /// `a % b` on numbers.
    rem => "%",
    /// `a ^ b` on numbers.
    pow => "^",
}

/// `-a` on numbers.
#[inline]
pub fn neg(a: i64, site: u32) -> Option<i64> {
    ok(functors::neg(a), site, || format!("-({a})"))
}

/// `a + b` on floats.
#[inline]
pub fn fadd(a: Flt, b: Flt) -> Flt {
    Flt::new(a.get() + b.get())
}

/// `a - b` on floats.
#[inline]
pub fn fsub(a: Flt, b: Flt) -> Flt {
    Flt::new(a.get() - b.get())
}

/// `a * b` on floats.
#[inline]
pub fn fmul(a: Flt, b: Flt) -> Flt {
    Flt::new(a.get() * b.get())
}

/// `a / b` on floats.
#[inline]
pub fn fdiv(a: Flt, b: Flt, site: u32) -> Option<Flt> {
    ok(functors::div_float(a.get(), b.get()), site, String::new).map(Flt::new)
}

/// `a % b` on floats.
#[inline]
pub fn frem(a: Flt, b: Flt, site: u32) -> Option<Flt> {
    ok(functors::rem_float(a.get(), b.get()), site, String::new).map(Flt::new)
}

/// `a ^ b` on floats.
#[inline]
pub fn fpow(a: Flt, b: Flt) -> Flt {
    Flt::new(functors::pow_float(a.get(), b.get()))
}

/// `-a` on floats.
#[inline]
pub fn fneg(a: Flt) -> Flt {
    Flt::new(-a.get())
}

/// `min(a, b)` on floats.
#[inline]
pub fn fmin(a: Flt, b: Flt) -> Flt {
    Flt::new(functors::min_float(a.get(), b.get()))
}

/// `max(a, b)` on floats.
#[inline]
pub fn fmax(a: Flt, b: Flt) -> Flt {
    Flt::new(functors::max_float(a.get(), b.get()))
}

/// Orders symbols by their strings.
#[inline]
pub fn sym_cmp(a: Sym, b: Sym) -> Ordering {
    if a == b {
        Ordering::Equal
    } else {
        symbols::sym_cmp(a, b)
    }
}

/// `min(a, b)` on symbols.
#[inline]
pub fn sym_min(a: Sym, b: Sym) -> Sym {
    if sym_cmp(a, b) == Ordering::Greater {
        b
    } else {
        a
    }
}

/// `max(a, b)` on symbols.
#[inline]
pub fn sym_max(a: Sym, b: Sym) -> Sym {
    if sym_cmp(a, b) == Ordering::Greater {
        a
    } else {
        b
    }
}

/// `cat(a, b, ...)`.
pub fn cat(parts: &[Sym]) -> Sym {
    symbols::with_table_mut(|t| {
        let mut s = String::new();
        for &p in parts {
            s.push_str(t.text(p));
        }
        t.intern(&s)
    })
}

/// `strlen(s)`.
pub fn strlen(s: Sym) -> i64 {
    symbols::with_table(|t| functors::strlen(t.text(s)))
}

/// `substr(s, i, n)`.
pub fn substr(s: Sym, i: i64, n: i64) -> Sym {
    symbols::with_table_mut(|t| {
        let part = functors::substr(t.text(s), i, n).to_string();
        t.intern(&part)
    })
}

/// `contains(sub, s)`.
pub fn contains(sub: Sym, s: Sym) -> bool {
    symbols::with_table(|t| functors::contains(t.text(sub), t.text(s)))
}

/// `to_number(s)`.
pub fn to_number(s: Sym, site: u32) -> Option<i64> {
    let r = symbols::with_table(|t| functors::to_number(t.text(s)));
    ok(r, site, String::new)
}

/// `to_string(n)` of a number.
pub fn number_to_string(n: i64) -> Sym {
    symbols::with_table_mut(|t| t.intern(&functors::number_to_string(n)))
}

/// `to_string(x)` of a float.
pub fn float_to_string(x: Flt) -> Sym {
    symbols::with_table_mut(|t| t.intern(&functors::float_to_string(x.get())))
}

/// `to_string(d)` of a date.
pub fn date_to_string(d: Date) -> Sym {
    symbols::with_table_mut(|t| t.intern(&functors::date_to_string(d)))
}

/// `to_float(n)`.
#[inline]
pub fn to_float(n: i64) -> Flt {
    Flt::new(functors::number_to_float(n))
}

/// `to_number(x)` of a float.
#[inline]
pub fn float_to_number(x: Flt) -> i64 {
    functors::float_to_number(x.get())
}

/// `add_months(d, n)`.
#[inline]
pub fn add_months(d: Date, n: i64, site: u32) -> Option<Date> {
    ok(functors::add_months(d, n), site, || {
        format!("add_months({d}, {n})")
    })
}

/// `months_between(a, b)`.
#[inline]
pub fn months_between(a: Date, b: Date) -> i64 {
    functors::months_between(a, b)
}

/// `year(d)`.
#[inline]
pub fn year(d: Date) -> i64 {
    functors::year(d)
}

/// `month(d)`.
#[inline]
pub fn month(d: Date) -> i64 {
    functors::month(d)
}

/// How two floats order for `min` and `max` aggregates.
#[inline]
pub fn float_order(a: Flt, b: Flt) -> Ordering {
    functors::float_order(a.get(), b.get())
}

/// Adds `b` to the running integer `sum` of an aggregate.
#[inline]
pub fn sum_add(a: i64, b: i64, site: u32) -> Option<i64> {
    match functors::sum_step(a, b) {
        Ok(v) => Some(v),
        Err(_) => {
            fault::record(site, FaultKind::SumOverflow);
            None
        }
    }
}
