//! This module defines the evaluation of compiled expressions and comparisons
//! on packed words: it unpacks the arguments, asks [`functors`] what each
//! operator and functor computes (the definition the compiled program uses
//! too), packs the result, and turns a failure into the runtime error it
//! raises (`division-by-zero`, `arithmetic-overflow`, `bad-number`).

use super::exec::{Scratch, Stop};
use super::intern::{Interner, TEMP_BIT};
use super::plan::CExpr;
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::ir::functors::{self, OpError};
use crate::ir::{BinOp, CmpOp, Functor};
use crate::value::{Date, Type};
use std::cmp::Ordering;

fn stop(d: Diagnostic) -> Stop {
    Box::new(d)
}

fn division_by_zero(span: Span) -> Stop {
    stop(
        Diagnostic::new(Code::DivisionByZero, "division by zero", Some(span))
            .with_label("the divisor is 0 for some binding of the rule")
            .with_help("guard the divisor with a comparison such as `Y != 0` before dividing"),
    )
}

fn overflow(span: Span, what: String) -> Stop {
    stop(
        Diagnostic::new(
            Code::ArithmeticOverflow,
            format!("arithmetic overflow: {what}"),
            Some(span),
        )
        .with_help("numbers are 64-bit integers; keep intermediate values within ±9.2e18"),
    )
}

/// Where an expression's symbols get their text: the interpreter's interned
/// and temporary symbols, or the dataflow engine's dictionary.
pub trait SymbolText {
    /// The text of a symbol word.
    fn text(&self, w: u64) -> Result<&str, Stop>;
}

/// Where an expression's symbols get their words, for the functors that make
/// symbols (`cat`, `substr`, `to_string`) and `ord`.
pub trait SymbolWords: SymbolText {
    /// The word of a string (made now when it has none).
    fn word(&mut self, s: &str) -> Result<u64, Stop>;
    /// `ord` of a symbol word.
    fn ord(&self, w: u64, span: Span) -> Result<u64, Stop>;
}

/// The interpreter's symbols: interned ones and the scratch's temporary ones.
pub struct Interned<'a> {
    /// The database's interner.
    pub ix: &'a Interner,
    /// The join's scratch (temporary symbols).
    pub sc: &'a mut Scratch,
}

impl SymbolText for Interned<'_> {
    #[inline]
    fn text(&self, w: u64) -> Result<&str, Stop> {
        Ok(self.sc.sym(self.ix, w))
    }
}

impl SymbolWords for Interned<'_> {
    fn word(&mut self, s: &str) -> Result<u64, Stop> {
        Ok(self.sc.make_sym(self.ix, s))
    }

    fn ord(&self, w: u64, span: Span) -> Result<u64, Stop> {
        if w as u32 & TEMP_BIT != 0 {
            return Err(stop(
                Diagnostic::new(
                    Code::Unsupported,
                    "`ord` of a symbol made in the same rule is not supported",
                    Some(span),
                )
                .with_help(
                    "derive the symbol into a relation first, and take `ord` in another rule",
                ),
            ));
        }
        Ok(u64::from(w as u32))
    }
}

/// The interpreter's symbols, read only.
pub struct InternedText<'a> {
    /// The database's interner.
    pub ix: &'a Interner,
    /// The join's scratch (temporary symbols).
    pub sc: &'a Scratch,
}

impl SymbolText for InternedText<'_> {
    #[inline]
    fn text(&self, w: u64) -> Result<&str, Stop> {
        Ok(self.sc.sym(self.ix, w))
    }
}

/// Evaluates an expression whose variables are bound in `regs`.
#[inline]
pub fn eval(e: &CExpr, regs: &[u64], ix: &Interner, sc: &mut Scratch) -> Result<u64, Stop> {
    eval_in(e, regs, &mut Interned { ix, sc })
}

/// Evaluates an expression whose variables are bound in `regs`, its symbols
/// in `syms`: the one evaluator of every back end that runs the IR.
pub fn eval_in<S: SymbolWords>(e: &CExpr, regs: &[u64], syms: &mut S) -> Result<u64, Stop> {
    match e {
        CExpr::Var(v) => Ok(regs[*v]),
        CExpr::Const(c) => Ok(*c),
        CExpr::Neg(arg, ty, span) => {
            let a = eval_in(arg, regs, syms)?;
            match ty {
                Type::Float => Ok((-f64::from_bits(a)).to_bits()),
                _ => functors::neg(a as i64).map(|n| n as u64).map_err(|e| {
                    failure(e, Functor::ToNumber, *span, || format!("-({})", a as i64))
                }),
            }
        }
        CExpr::Binary(op, l, r, ty, span) => {
            let a = eval_in(l, regs, syms)?;
            let b = eval_in(r, regs, syms)?;
            match ty {
                Type::Float => float_op(*op, f64::from_bits(a), f64::from_bits(b), *span),
                _ => int_op(*op, a as i64, b as i64, *span).map(|n| n as u64),
            }
        }
        CExpr::Call(f, args, ty, span) => call(*f, args, *ty, *span, regs, syms),
    }
}

/// The runtime error of a failed operation; `what` describes it for an overflow.
fn failure(e: OpError, f: Functor, span: Span, what: impl FnOnce() -> String) -> Stop {
    match e {
        OpError::DivisionByZero => division_by_zero(span),
        OpError::Overflow => overflow(span, what()),
        OpError::BadNumber(s) => bad_number(&s, f, span),
        OpError::BadDate(why) => overflow(span, format!("{}: {why}", what())),
    }
}

fn int_op(op: BinOp, a: i64, b: i64, span: Span) -> Result<i64, Stop> {
    functors::binary(op, a, b).map_err(|e| {
        failure(e, Functor::ToNumber, span, || {
            format!("{a} {} {b}", op.symbol())
        })
    })
}

fn float_op(op: BinOp, a: f64, b: f64, span: Span) -> Result<u64, Stop> {
    match functors::binary_float(op, a, b) {
        Some(r) => r
            .map(f64::to_bits)
            .map_err(|e| failure(e, Functor::ToFloat, span, String::new)),
        None => Err(stop(Diagnostic::new(
            Code::Internal,
            format!("`{}` applied to floats", op.symbol()),
            Some(span),
        ))),
    }
}

fn date(w: u64) -> Date {
    Date::from_packed(w as u32)
}

fn call<S: SymbolWords>(
    f: Functor,
    args: &[(CExpr, Type)],
    ty: Type,
    span: Span,
    regs: &[u64],
    syms: &mut S,
) -> Result<u64, Stop> {
    let mut vals = [0u64; 3];
    let first = args.len().min(3);
    if f != Functor::Cat {
        for (i, (a, _)) in args.iter().take(first).enumerate() {
            vals[i] = eval_in(a, regs, syms)?;
        }
    }
    let arg_ty = |i: usize| args.get(i).map_or(Type::Number, |a| a.1);
    Ok(match f {
        Functor::Cat => {
            let mut words = Vec::with_capacity(args.len());
            for (a, _) in args {
                words.push(eval_in(a, regs, syms)?);
            }
            let mut s = String::new();
            for w in words {
                s.push_str(syms.text(w)?);
            }
            syms.word(&s)?
        }
        Functor::Strlen => functors::strlen(syms.text(vals[0])?) as u64,
        Functor::Substr => {
            let part = functors::substr(syms.text(vals[0])?, vals[1] as i64, vals[2] as i64);
            let part = part.to_string();
            syms.word(&part)?
        }
        Functor::ToNumber | Functor::ToUnsigned => match arg_ty(0) {
            Type::Symbol => functors::to_number(syms.text(vals[0])?)
                .map_err(|e| failure(e, f, span, String::new))? as u64,
            Type::Float => functors::float_to_number(f64::from_bits(vals[0])) as u64,
            _ => vals[0],
        },
        Functor::ToString => {
            let s = match arg_ty(0) {
                Type::Symbol => return Ok(vals[0]),
                Type::Number => functors::number_to_string(vals[0] as i64),
                Type::Float => functors::float_to_string(f64::from_bits(vals[0])),
                Type::Date => functors::date_to_string(date(vals[0])),
            };
            syms.word(&s)?
        }
        Functor::ToFloat => match arg_ty(0) {
            Type::Float => vals[0],
            Type::Symbol => functors::parse_float(syms.text(vals[0])?)
                .map_err(|e| failure(e, f, span, String::new))?
                .to_bits(),
            _ => functors::number_to_float(vals[0] as i64).to_bits(),
        },
        Functor::Ord => syms.ord(vals[0], span)?,
        Functor::BNot => functors::bnot(vals[0] as i64) as u64,
        Functor::LNot => functors::lnot(vals[0] as i64) as u64,
        Functor::Min | Functor::Max => {
            let ord = order_in(vals[0], vals[1], ty, syms)?;
            let a_first = (ord != Ordering::Greater) == (f == Functor::Min);
            if a_first { vals[0] } else { vals[1] }
        }
        Functor::AddMonths => {
            let (d, n) = (date(vals[0]), vals[1] as i64);
            let moved = functors::add_months(d, n)
                .map_err(|e| failure(e, f, span, || format!("add_months({d}, {n})")))?;
            u64::from(moved.packed())
        }
        Functor::MonthsBetween => functors::months_between(date(vals[0]), date(vals[1])) as u64,
        Functor::Year => functors::year(date(vals[0])) as u64,
        Functor::Month => functors::month(date(vals[0])) as u64,
    })
}

fn bad_number(s: &str, f: Functor, span: Span) -> Stop {
    stop(
        Diagnostic::new(
            Code::BadNumber,
            format!("{}: `{s}` is not a number", f.name()),
            Some(span),
        )
        .with_help("filter the symbols first, or fix the data so this column holds digits"),
    )
}

/// Orders two words of type `ty`, symbols by their text in `syms`.
#[inline]
pub fn order_in<S: SymbolText>(a: u64, b: u64, ty: Type, syms: &S) -> Result<Ordering, Stop> {
    Ok(match ty {
        Type::Symbol if a == b => Ordering::Equal,
        Type::Symbol => syms.text(a)?.cmp(syms.text(b)?),
        Type::Number => (a as i64).cmp(&(b as i64)),
        Type::Float => f64::from_bits(a)
            .partial_cmp(&f64::from_bits(b))
            .unwrap_or(Ordering::Equal),
        Type::Date => a.cmp(&b),
    })
}

/// Whether `a op b` holds.
#[inline]
pub fn compare(op: CmpOp, a: u64, b: u64, ty: Type, ix: &Interner, sc: &Scratch) -> bool {
    compare_in(op, a, b, ty, &InternedText { ix, sc }).expect("interned symbols have their text")
}

/// Whether `a op b` holds, symbols compared by their text in `syms`.
#[inline]
pub fn compare_in<S: SymbolText>(
    op: CmpOp,
    a: u64,
    b: u64,
    ty: Type,
    syms: &S,
) -> Result<bool, Stop> {
    if ty == Type::Float {
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        return Ok(match op {
            CmpOp::Eq => x == y,
            CmpOp::Ne => x != y,
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        });
    }
    Ok(match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        _ => {
            let o = order_in(a, b, ty, syms)?;
            match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }
        }
    })
}
