//! This module defines how expressions, comparisons and constants of a
//! rule are written as Rust for the generated program. Infallible
//! operations are written inline; operations that can fail (integer
//! arithmetic, `to_number`, `add_months`) are bound first with
//! `let Some(t) = ...`, and carry a site number so a failure points at its
//! expression.
//!
//! The writer is also the one judge of what can be compiled: a construct it
//! cannot write records why, and the planner asks [`unsupported`] before it
//! keeps a rule, so the two never disagree.

use super::names::{constant_name, var_name};
use sleuth_front::ir::{AggOp, BinOp, CmpOp, Compare, Expr, Functor, Predicate, Test, Var, VarId};
use sleuth_front::value::{Type, Value};
use std::collections::BTreeMap;

/// The Rust type of a column type.
pub fn rust_type(ty: Type) -> &'static str {
    match ty {
        Type::Symbol => "Sym",
        Type::Number => "i64",
        Type::Float => "Flt",
        Type::Date => "Date",
    }
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        other => other.symbol(),
    }
}

/// A fallible operation bound to a temporary before use.
#[derive(Clone, Debug, PartialEq)]
pub struct Fallible {
    /// The temporary's name.
    pub temp: String,
    /// The call returning `Option`.
    pub call: String,
    /// Its site.
    pub site: u32,
}

/// What expression writing needs from the generator.
pub trait ExprHost {
    /// The site number of an expression at `span` in the current rule.
    fn site(&mut self, span: sleuth_front::diag::Span) -> u32;
    /// The Rust name of a string constant.
    fn constant(&mut self, text: &str) -> String;
}

/// The library's string constants, sorted, with their Rust names.
#[derive(Clone, Debug, Default)]
pub struct Constants {
    /// Sorted texts.
    pub texts: Vec<String>,
    index: BTreeMap<String, usize>,
}

impl Constants {
    /// The constants of these texts.
    pub fn new(mut texts: Vec<String>) -> Constants {
        texts.sort();
        texts.dedup();
        let index = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i))
            .collect();
        Constants { texts, index }
    }

    /// The Rust name of a constant, if it is one of them.
    pub fn name(&self, text: &str) -> Option<String> {
        self.index.get(text).map(|&k| constant_name(text, k))
    }
}

/// Writes expressions of one rule.
pub struct ExprWriter<'a, H: ExprHost> {
    /// The generator.
    pub host: &'a mut H,
    /// The rule's variables.
    pub vars: &'a [Var],
    /// Fallible operations to bind before the expression is used.
    pub pending: Vec<Fallible>,
    /// Counter for temporaries (shared by the whole rule).
    pub temps: &'a mut usize,
    /// Why the last expression written cannot be compiled, if it cannot.
    pub unsupported: Option<String>,
}

/// Why `e` cannot be compiled, if it cannot: the planner leaves such rules
/// to the interpreter. The answer comes from writing the expression.
pub fn unsupported(e: &Expr, vars: &[Var]) -> Option<String> {
    probe(vars, |w| {
        w.expr(e);
    })
}

/// Why the comparison `c` cannot be compiled, if it cannot (as [`unsupported`]).
pub fn unsupported_compare(c: &Compare, vars: &[Var]) -> Option<String> {
    probe(vars, |w| {
        w.compare(c);
    })
}

/// Why the test `t` cannot be compiled, if it cannot (as [`unsupported`]).
pub fn unsupported_test(t: &Test, vars: &[Var]) -> Option<String> {
    probe(vars, |w| {
        w.test(t);
    })
}

/// Writes something with a host that numbers nothing, for the verdict only.
fn probe(vars: &[Var], write: impl FnOnce(&mut ExprWriter<'_, Probe>)) -> Option<String> {
    let mut temps = 0;
    let mut host = Probe;
    let mut w = ExprWriter::new(&mut host, vars, &mut temps);
    write(&mut w);
    w.unsupported
}

/// The Rust name of variable `v` of a rule (fresh ones past the table included).
pub fn var_ident(vars: &[Var], v: VarId) -> String {
    match vars.get(v) {
        Some(var) => var_name(&var.name, v),
        None => var_name("$", v),
    }
}

/// The statements that add one match's `value` to its group `key` in an
/// aggregate of `op` over values of `ty` (`site` numbers the place an
/// overflowing sum points at), or why such an aggregate is left to the
/// interpreter: the planner asks this before it keeps a rule.
pub fn aggregate_update(
    op: AggOp,
    ty: Type,
    key: &str,
    site: impl FnOnce() -> u32,
) -> Result<String, String> {
    Ok(match op {
        AggOp::Count => format!("        *groups.entry({key}).or_insert(0) += 1;\n"),
        AggOp::Mean => {
            return Err(
                "a `mean` adds floats, whose result depends on the order of the \
                        additions; the interpreter's order is the reference"
                    .into(),
            );
        }
        AggOp::Sum if ty == Type::Float => {
            return Err("a float `sum` depends on the order of its additions; \
                        the interpreter's order is the reference"
                .into());
        }
        AggOp::Sum => {
            let site = site();
            format!(
                "        let acc = groups.entry({key}).or_insert(0);\n        let Some(next) = rt::sum_add(*acc, value, {site}) else {{\n            return Err(fault::take_or({site}));\n        }};\n        *acc = next;\n"
            )
        }
        AggOp::Min | AggOp::Max => {
            let order = match ty {
                Type::Symbol => "rt::sym_cmp(value, *m)",
                Type::Float => "rt::float_order(value, *m)",
                _ => "value.cmp(m)",
            };
            let op = if op == AggOp::Min { "Min" } else { "Max" };
            format!(
                "        groups\n            .entry({key})\n            .and_modify(|m| {{\n                if rt::extreme_replaces(rt::AggOp::{op}, {order}) {{\n                    *m = value;\n                }}\n            }})\n            .or_insert(value);\n"
            )
        }
    })
}

/// A host that numbers nothing: only the verdict is wanted.
struct Probe;

impl ExprHost for Probe {
    fn site(&mut self, _: sleuth_front::diag::Span) -> u32 {
        0
    }
    fn constant(&mut self, _: &str) -> String {
        String::new()
    }
}

impl<'a, H: ExprHost> ExprWriter<'a, H> {
    /// A writer for one rule's expressions.
    pub fn new(host: &'a mut H, vars: &'a [Var], temps: &'a mut usize) -> Self {
        ExprWriter {
            host,
            vars,
            pending: Vec::new(),
            temps,
            unsupported: None,
        }
    }

    /// Records why a construct cannot be compiled, and writes code that
    /// would not compile (the planner keeps such rules out).
    fn left_to_interpreter(&mut self, why: String) -> String {
        let text = format!("compile_error!({why:?})");
        self.unsupported.get_or_insert(why);
        text
    }

    fn fallible(&mut self, call: String, site: u32) -> String {
        let temp = format!("t__{}", *self.temps);
        *self.temps += 1;
        self.pending.push(Fallible {
            temp: temp.clone(),
            call,
            site,
        });
        temp
    }

    /// A constant as a Rust expression.
    pub fn constant(&mut self, c: &Value) -> String {
        match c {
            Value::Symbol(s) => self.host.constant(s),
            Value::Number(n) if *n == i64::MIN => "i64::MIN".into(),
            Value::Number(n) => format!("{n}i64"),
            Value::Float(x) => format!("Flt({}u64)", x.to_bits()),
            Value::Date(d) => format!("Date::from_packed({})", d.packed()),
        }
    }

    /// An expression as Rust.
    pub fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::Var(v) => var_ident(self.vars, *v),
            Expr::Const(c) => self.constant(c),
            Expr::Neg { arg, ty, span } => {
                let a = self.expr(arg);
                if *ty == Type::Float {
                    format!("rt::fneg({a})")
                } else {
                    let site = self.host.site(*span);
                    self.fallible(format!("rt::neg({a}, {site})"), site)
                }
            }
            Expr::Binary {
                op,
                left,
                right,
                ty,
                span,
            } => {
                let l = self.expr(left);
                let r = self.expr(right);
                let name = match op {
                    BinOp::Add => "add",
                    BinOp::Sub => "sub",
                    BinOp::Mul => "mul",
                    BinOp::Div => "div",
                    BinOp::Mod => "rem",
                    BinOp::Pow => "pow",
                    other => {
                        return self.left_to_interpreter(format!(
                            "the operator `{}` is left to the interpreter",
                            other.symbol()
                        ));
                    }
                };
                if *ty == Type::Float && matches!(op, BinOp::Div | BinOp::Mod) {
                    let site = self.host.site(*span);
                    self.fallible(format!("rt::f{name}({l}, {r}, {site})"), site)
                } else if *ty == Type::Float {
                    format!("rt::f{name}({l}, {r})")
                } else {
                    let site = self.host.site(*span);
                    self.fallible(format!("rt::{name}({l}, {r}, {site})"), site)
                }
            }
            Expr::Call {
                functor,
                args,
                ty,
                span,
            } => {
                let types: Vec<Type> = args.iter().map(|a| a.ty(self.vars)).collect();
                let a: Vec<String> = args.iter().map(|x| self.expr(x)).collect();
                let arg = |i: usize| a.get(i).cloned().unwrap_or_default();
                let interpreted = |what: &str| {
                    format!("`{}` of {what} is left to the interpreter", functor.name())
                };
                match functor {
                    Functor::Cat => format!("rt::cat(&[{}])", a.join(", ")),
                    Functor::Strlen => format!("rt::strlen({})", arg(0)),
                    Functor::Substr => format!("rt::substr({}, {}, {})", arg(0), arg(1), arg(2)),
                    Functor::ToUnsigned | Functor::ToFloat
                        if types.first() == Some(&Type::Symbol) =>
                    {
                        self.left_to_interpreter(interpreted("symbol"))
                    }
                    Functor::ToNumber | Functor::ToUnsigned => match types.first() {
                        Some(Type::Symbol) => {
                            let site = self.host.site(*span);
                            self.fallible(format!("rt::to_number({}, {site})", arg(0)), site)
                        }
                        Some(Type::Float) => format!("rt::float_to_number({})", arg(0)),
                        _ => arg(0),
                    },
                    Functor::Ord | Functor::BNot | Functor::LNot => {
                        let what = types.first().map_or("this argument", |t| t.name());
                        self.left_to_interpreter(interpreted(what))
                    }
                    Functor::ToString => match types.first() {
                        Some(Type::Number) => format!("rt::number_to_string({})", arg(0)),
                        Some(Type::Float) => format!("rt::float_to_string({})", arg(0)),
                        Some(Type::Date) => format!("rt::date_to_string({})", arg(0)),
                        _ => arg(0),
                    },
                    Functor::ToFloat => match types.first() {
                        Some(Type::Number) => format!("rt::to_float({})", arg(0)),
                        _ => arg(0),
                    },
                    Functor::Min | Functor::Max => {
                        let f = match (functor, ty) {
                            (Functor::Min, Type::Symbol) => "rt::sym_min",
                            (Functor::Max, Type::Symbol) => "rt::sym_max",
                            (Functor::Min, Type::Float) => "rt::fmin",
                            (Functor::Max, Type::Float) => "rt::fmax",
                            (Functor::Min, _) => "::std::cmp::min",
                            _ => "::std::cmp::max",
                        };
                        let mut acc = arg(0);
                        for x in a.iter().skip(1) {
                            acc = format!("{f}({acc}, {x})");
                        }
                        acc
                    }
                    Functor::AddMonths => {
                        let site = self.host.site(*span);
                        self.fallible(
                            format!("rt::add_months({}, {}, {site})", arg(0), arg(1)),
                            site,
                        )
                    }
                    Functor::MonthsBetween => {
                        format!("rt::months_between({}, {})", arg(0), arg(1))
                    }
                    Functor::Year => format!("rt::year({})", arg(0)),
                    Functor::Month => format!("rt::month({})", arg(0)),
                }
            }
        }
    }

    /// A boolean built-in as a Rust boolean expression (in parentheses);
    /// only `contains` is compiled.
    pub fn test(&mut self, t: &Test) -> String {
        if t.predicate != Predicate::Contains {
            return self.left_to_interpreter(format!(
                "`{}` is left to the interpreter",
                t.predicate.name()
            ));
        }
        let args: Vec<String> = t.args.iter().map(|a| self.expr(a)).collect();
        let not = if t.negated { "!" } else { "" };
        format!("({not}rt::contains({}))", args.join(", "))
    }

    /// A comparison as a Rust boolean expression (in parentheses).
    pub fn compare(&mut self, c: &Compare) -> String {
        let l = self.expr(&c.left);
        let r = self.expr(&c.right);
        let text = match (c.op, c.ty) {
            // Floats compare as IEEE numbers (0.0 = -0.0), as in the interpreter.
            (op, Type::Float) => format!("{l}.get() {} {r}.get()", cmp_symbol(op)),
            (CmpOp::Eq, _) => format!("{l} == {r}"),
            (CmpOp::Ne, _) => format!("{l} != {r}"),
            (op, Type::Symbol) => {
                let m = match op {
                    CmpOp::Lt => "is_lt",
                    CmpOp::Le => "is_le",
                    CmpOp::Gt => "is_gt",
                    _ => "is_ge",
                };
                format!("rt::sym_cmp({l}, {r}).{m}()")
            }
            (op, _) => format!("{l} {} {r}", op.symbol()),
        };
        format!("({text})")
    }
}
