//! This module defines the evaluation of compiled expressions and comparisons
//! on packed words: checked `i64` arithmetic, Soufflé's bitwise and logical
//! operators, float arithmetic, the string, conversion and date functors, and
//! the runtime errors they raise (`division-by-zero`, `arithmetic-overflow`,
//! `bad-number`).

use super::exec::{Scratch, Stop};
use super::intern::{Interner, TEMP_BIT};
use super::plan::CExpr;
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
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

/// Evaluates an expression whose variables are bound in `regs`.
pub fn eval(e: &CExpr, regs: &[u64], ix: &Interner, sc: &mut Scratch) -> Result<u64, Stop> {
    match e {
        CExpr::Var(v) => Ok(regs[*v]),
        CExpr::Const(c) => Ok(*c),
        CExpr::Neg(arg, ty, span) => {
            let a = eval(arg, regs, ix, sc)?;
            match ty {
                Type::Float => Ok((-f64::from_bits(a)).to_bits()),
                _ => (a as i64)
                    .checked_neg()
                    .map(|n| n as u64)
                    .ok_or_else(|| overflow(*span, format!("-({})", a as i64))),
            }
        }
        CExpr::Binary(op, l, r, ty, span) => {
            let a = eval(l, regs, ix, sc)?;
            let b = eval(r, regs, ix, sc)?;
            match ty {
                Type::Float => float_op(*op, f64::from_bits(a), f64::from_bits(b), *span),
                _ => int_op(*op, a as i64, b as i64, *span).map(|n| n as u64),
            }
        }
        CExpr::Call(f, args, ty, span) => call(*f, args, *ty, *span, regs, ix, sc),
    }
}

fn int_op(op: BinOp, a: i64, b: i64, span: Span) -> Result<i64, Stop> {
    let r = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div | BinOp::Mod if b == 0 => return Err(division_by_zero(span)),
        BinOp::Div => a.checked_div(b),
        BinOp::Mod => a.checked_rem(b),
        BinOp::Pow => {
            if b < 0 {
                // An integer power with a negative exponent truncates toward zero.
                Some(match a {
                    1 => 1,
                    -1 if b % 2 == 0 => 1,
                    -1 => -1,
                    0 => return Err(division_by_zero(span)),
                    _ => 0,
                })
            } else {
                u32::try_from(b).ok().and_then(|e| a.checked_pow(e))
            }
        }
        // Shift amounts are taken modulo the width, as Soufflé masks them.
        BinOp::BAnd => Some(a & b),
        BinOp::BOr => Some(a | b),
        BinOp::BXor => Some(a ^ b),
        BinOp::BShl => Some(((a as u64) << (b & 63)) as i64),
        BinOp::BShr => Some(a >> (b & 63)),
        BinOp::BShrU => Some(((a as u64) >> (b & 63)) as i64),
        BinOp::LAnd => Some(i64::from(a != 0 && b != 0)),
        BinOp::LOr => Some(i64::from(a != 0 || b != 0)),
        BinOp::LXor => Some(i64::from((a != 0) != (b != 0))),
    };
    r.ok_or_else(|| overflow(span, format!("{a} {} {b}", op.symbol())))
}

fn float_op(op: BinOp, a: f64, b: f64, span: Span) -> Result<u64, Stop> {
    let r = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div | BinOp::Mod if b == 0.0 => return Err(division_by_zero(span)),
        BinOp::Div => a / b,
        BinOp::Mod => a % b,
        BinOp::Pow => a.powf(b),
        op => {
            return Err(stop(Diagnostic::new(
                Code::Internal,
                format!("`{}` applied to floats", op.symbol()),
                Some(span),
            )));
        }
    };
    Ok(r.to_bits())
}

fn date(w: u64) -> Date {
    Date::from_packed(w as u32)
}

fn call(
    f: Functor,
    args: &[(CExpr, Type)],
    ty: Type,
    span: Span,
    regs: &[u64],
    ix: &Interner,
    sc: &mut Scratch,
) -> Result<u64, Stop> {
    let mut vals = [0u64; 3];
    let first = args.len().min(3);
    if f != Functor::Cat {
        for (i, (a, _)) in args.iter().take(first).enumerate() {
            vals[i] = eval(a, regs, ix, sc)?;
        }
    }
    let arg_ty = |i: usize| args.get(i).map_or(Type::Number, |a| a.1);
    Ok(match f {
        Functor::Cat => {
            let mut words = Vec::with_capacity(args.len());
            for (a, _) in args {
                words.push(eval(a, regs, ix, sc)?);
            }
            let mut s = String::new();
            for w in words {
                s.push_str(sc.sym(ix, w));
            }
            sc.make_sym(ix, &s)
        }
        Functor::Strlen => sc.sym(ix, vals[0]).chars().count() as u64,
        Functor::Substr => {
            // As Soufflé: a start outside the string gives "", a negative
            // length takes the rest of the string.
            let text = sc.sym(ix, vals[0]);
            let (start, n) = (vals[1] as i64, vals[2] as i64);
            let len = text.chars().count();
            let s: String = match usize::try_from(start) {
                Ok(start) if start <= len => text
                    .chars()
                    .skip(start)
                    .take(usize::try_from(n).unwrap_or(usize::MAX))
                    .collect(),
                _ => String::new(),
            };
            sc.make_sym(ix, &s)
        }
        Functor::ToNumber | Functor::ToUnsigned => match arg_ty(0) {
            Type::Symbol => parse_number(sc.sym(ix, vals[0]), f, span)? as u64,
            // Truncation toward zero (saturating), as a C++ cast does.
            Type::Float => f64::from_bits(vals[0]) as i64 as u64,
            _ => vals[0],
        },
        Functor::ToString => {
            let s = match arg_ty(0) {
                Type::Symbol => return Ok(vals[0]),
                Type::Number => (vals[0] as i64).to_string(),
                // Soufflé prints with C++'s `std::to_string`: six decimals.
                Type::Float => format!("{:.6}", f64::from_bits(vals[0])),
                Type::Date => date(vals[0]).to_string(),
            };
            sc.make_sym(ix, &s)
        }
        Functor::ToFloat => match arg_ty(0) {
            Type::Float => vals[0],
            Type::Symbol => {
                let s = sc.sym(ix, vals[0]);
                match s.trim().parse::<f64>() {
                    Ok(x) => x.to_bits(),
                    Err(_) => return Err(bad_number(s, f, span)),
                }
            }
            _ => (vals[0] as i64 as f64).to_bits(),
        },
        Functor::Ord => {
            if vals[0] as u32 & TEMP_BIT != 0 {
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
            u64::from(vals[0] as u32)
        }
        Functor::BNot => !vals[0],
        Functor::LNot => u64::from(vals[0] == 0),
        Functor::Min | Functor::Max => {
            let ord = compare_words(vals[0], vals[1], ty, ix, sc);
            let a_first = (ord != Ordering::Greater) == (f == Functor::Min);
            if a_first { vals[0] } else { vals[1] }
        }
        Functor::AddMonths => match date(vals[0]).add_months(vals[1] as i64) {
            Ok(d) => u64::from(d.packed()),
            Err(e) => {
                return Err(overflow(
                    span,
                    format!("add_months({}, {}): {}", date(vals[0]), vals[1] as i64, e.0),
                ));
            }
        },
        Functor::MonthsBetween => date(vals[0]).months_until(date(vals[1])) as u64,
        Functor::Year => date(vals[0]).year() as u64,
        Functor::Month => date(vals[0]).month_of_year() as u64,
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

/// A symbol read as a number: decimal, or `0x` hexadecimal or `0b` binary,
/// with an optional sign, surrounding spaces allowed.
fn parse_number(s: &str, f: Functor, span: Span) -> Result<i64, Stop> {
    let t = s.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (digits, radix) = match digits.get(..2) {
        Some("0x" | "0X") => (&digits[2..], 16),
        Some("0b" | "0B") => (&digits[2..], 2),
        _ => (digits, 10),
    };
    let magnitude = (!digits.starts_with(['+', '-']))
        .then(|| i128::from_str_radix(digits, radix).ok())
        .flatten();
    magnitude
        .map(|m| if negative { -m } else { m })
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| bad_number(s, f, span))
}

/// Orders two words of type `ty` (symbols as text, temporary ones included).
pub fn compare_words(a: u64, b: u64, ty: Type, ix: &Interner, sc: &Scratch) -> Ordering {
    match ty {
        Type::Symbol if a == b => Ordering::Equal,
        Type::Symbol => sc.sym(ix, a).cmp(sc.sym(ix, b)),
        Type::Number => (a as i64).cmp(&(b as i64)),
        Type::Float => f64::from_bits(a)
            .partial_cmp(&f64::from_bits(b))
            .unwrap_or(Ordering::Equal),
        Type::Date => a.cmp(&b),
    }
}

/// Whether `a op b` holds.
#[inline]
pub fn compare(op: CmpOp, a: u64, b: u64, ty: Type, ix: &Interner, sc: &Scratch) -> bool {
    if ty == Type::Float {
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        return match op {
            CmpOp::Eq => x == y,
            CmpOp::Ne => x != y,
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        };
    }
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        _ => {
            let o = compare_words(a, b, ty, ix, sc);
            match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }
        }
    }
}
