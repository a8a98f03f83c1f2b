//! This module defines how expressions, comparisons and constants of a
//! rule are written as Rust tokens for the generated program. Infallible
//! operations are written inline; operations that can fail (integer
//! arithmetic, `to_number`, `add_months`) are bound first with
//! `let Some(t) = ...`, and carry a site number so a failure points at its
//! expression.
//!
//! The writer is also the one judge of what can be compiled: a construct it
//! cannot write records why, and the planner asks [`unsupported`] before it
//! keeps a rule, so the two never disagree.

use super::names::{constant_name, var_name};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use sleuth_front::ir::{AggOp, BinOp, CmpOp, Compare, Expr, Functor, Predicate, Test, Var, VarId};
use sleuth_front::value::{Type, Value};
use std::collections::BTreeMap;

/// The Rust type of a column type.
pub fn rust_type(ty: Type) -> TokenStream {
    match ty {
        Type::Symbol => quote!(Sym),
        Type::Number => quote!(i64),
        Type::Float => quote!(Flt),
        Type::Date => quote!(Date),
    }
}

/// `left OP right` for a comparison of numbers, dates or floats' values.
fn ordered(op: CmpOp, l: TokenStream, r: TokenStream) -> TokenStream {
    match op {
        CmpOp::Eq => quote!(#l == #r),
        CmpOp::Ne => quote!(#l != #r),
        CmpOp::Lt => quote!(#l < #r),
        CmpOp::Le => quote!(#l <= #r),
        CmpOp::Gt => quote!(#l > #r),
        CmpOp::Ge => quote!(#l >= #r),
    }
}

/// A number as an unsuffixed literal (`3`, not `3usize`).
pub fn num(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// A fallible operation bound to a temporary before use.
#[derive(Clone, Debug)]
pub struct Fallible {
    /// The temporary's name.
    pub temp: Ident,
    /// The call returning `Option`.
    pub call: TokenStream,
    /// Its site.
    pub site: u32,
}

/// What expression writing needs from the generator.
pub trait ExprHost {
    /// The site number of an expression at `span` in the current rule.
    fn site(&mut self, span: sleuth_front::diag::Span) -> u32;
    /// The Rust name of a string constant.
    fn constant(&mut self, text: &str) -> Ident;
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
    pub fn name(&self, text: &str) -> Option<Ident> {
        self.index
            .get(text)
            .map(|&k| format_ident!("{}", constant_name(text, k)))
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
pub fn var_ident(vars: &[Var], v: VarId) -> Ident {
    let name = match vars.get(v) {
        Some(var) => var_name(&var.name, v),
        None => var_name("$", v),
    };
    format_ident!("{name}")
}

/// The statements that add one match's `value` to its group `key` in an
/// aggregate of `op` over values of `ty` (`site` numbers the place an
/// overflowing sum points at), or why such an aggregate is left to the
/// interpreter: the planner asks this before it keeps a rule.
pub fn aggregate_update(
    op: AggOp,
    ty: Type,
    key: &TokenStream,
    site: impl FnOnce() -> u32,
) -> Result<TokenStream, String> {
    Ok(match op {
        AggOp::Count => quote! {
            *groups.entry(#key).or_insert(0) += 1;
        },
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
            let site = num(site() as usize);
            quote! {
                let acc = groups.entry(#key).or_insert(0);
                let Some(next) = rt::sum_add(*acc, value, #site) else {
                    return Err(fault::take_or(#site));
                };
                *acc = next;
            }
        }
        AggOp::Min | AggOp::Max => {
            let order = match ty {
                Type::Symbol => quote!(rt::sym_cmp(value, *m)),
                Type::Float => quote!(rt::float_order(value, *m)),
                _ => quote!(value.cmp(m)),
            };
            let op = if op == AggOp::Min {
                quote!(Min)
            } else {
                quote!(Max)
            };
            quote! {
                groups
                    .entry(#key)
                    .and_modify(|m| {
                        if rt::extreme_replaces(rt::AggOp::#op, #order) {
                            *m = value;
                        }
                    })
                    .or_insert(value);
            }
        }
    })
}

/// A host that numbers nothing: only the verdict is wanted.
struct Probe;

impl ExprHost for Probe {
    fn site(&mut self, _: sleuth_front::diag::Span) -> u32 {
        0
    }
    fn constant(&mut self, _: &str) -> Ident {
        format_ident!("K")
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
    fn left_to_interpreter(&mut self, why: String) -> TokenStream {
        let text = quote!(compile_error!(#why));
        self.unsupported.get_or_insert(why);
        text
    }

    fn fallible(&mut self, call: TokenStream, site: u32) -> TokenStream {
        let temp = format_ident!("t__{}", *self.temps);
        *self.temps += 1;
        self.pending.push(Fallible {
            temp: temp.clone(),
            call,
            site,
        });
        quote!(#temp)
    }

    /// A constant as a Rust expression.
    pub fn constant(&mut self, c: &Value) -> TokenStream {
        match c {
            Value::Symbol(s) => {
                let name = self.host.constant(s);
                quote!(#name)
            }
            Value::Number(n) if *n == i64::MIN => quote!(i64::MIN),
            Value::Number(n) if *n < 0 => {
                let magnitude = Literal::i64_suffixed(-n);
                quote!(-#magnitude)
            }
            Value::Number(n) => Literal::i64_suffixed(*n).into_token_stream(),
            Value::Float(x) => {
                let bits = Literal::u64_suffixed(x.to_bits());
                quote!(Flt(#bits))
            }
            Value::Date(d) => {
                let packed = num(d.packed() as usize);
                quote!(Date::from_packed(#packed))
            }
        }
    }

    /// An expression as Rust.
    pub fn expr(&mut self, e: &Expr) -> TokenStream {
        match e {
            Expr::Var(v) => var_ident(self.vars, *v).into_token_stream(),
            Expr::Const(c) => self.constant(c),
            Expr::Neg { arg, ty, span } => {
                let a = self.expr(arg);
                if *ty == Type::Float {
                    quote!(rt::fneg(#a))
                } else {
                    let site = self.host.site(*span);
                    let s = num(site as usize);
                    self.fallible(quote!(rt::neg(#a, #s)), site)
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
                    let (f, s) = (format_ident!("f{name}"), num(site as usize));
                    self.fallible(quote!(rt::#f(#l, #r, #s)), site)
                } else if *ty == Type::Float {
                    let f = format_ident!("f{name}");
                    quote!(rt::#f(#l, #r))
                } else {
                    let site = self.host.site(*span);
                    let (f, s) = (format_ident!("{name}"), num(site as usize));
                    self.fallible(quote!(rt::#f(#l, #r, #s)), site)
                }
            }
            Expr::Call {
                functor,
                args,
                ty,
                span,
            } => {
                let types: Vec<Type> = args.iter().map(|a| a.ty(self.vars)).collect();
                let a: Vec<TokenStream> = args.iter().map(|x| self.expr(x)).collect();
                let arg = |i: usize| a.get(i).cloned().unwrap_or_default();
                let (a0, a1) = (arg(0), arg(1));
                let interpreted = |what: &str| {
                    format!("`{}` of {what} is left to the interpreter", functor.name())
                };
                match functor {
                    Functor::Cat => quote!(rt::cat(&[#(#a),*])),
                    Functor::Strlen => quote!(rt::strlen(#a0)),
                    Functor::Substr => {
                        let a2 = arg(2);
                        quote!(rt::substr(#a0, #a1, #a2))
                    }
                    Functor::ToUnsigned | Functor::ToFloat
                        if types.first() == Some(&Type::Symbol) =>
                    {
                        self.left_to_interpreter(interpreted("symbol"))
                    }
                    Functor::ToNumber | Functor::ToUnsigned => match types.first() {
                        Some(Type::Symbol) => {
                            let site = self.host.site(*span);
                            let s = num(site as usize);
                            self.fallible(quote!(rt::to_number(#a0, #s)), site)
                        }
                        Some(Type::Float) => quote!(rt::float_to_number(#a0)),
                        _ => a0,
                    },
                    Functor::Ord | Functor::BNot | Functor::LNot => {
                        let what = types.first().map_or("this argument", |t| t.name());
                        self.left_to_interpreter(interpreted(what))
                    }
                    Functor::ToString => match types.first() {
                        Some(Type::Number) => quote!(rt::number_to_string(#a0)),
                        Some(Type::Float) => quote!(rt::float_to_string(#a0)),
                        Some(Type::Date) => quote!(rt::date_to_string(#a0)),
                        _ => a0,
                    },
                    Functor::ToFloat => match types.first() {
                        Some(Type::Number) => quote!(rt::to_float(#a0)),
                        _ => a0,
                    },
                    Functor::Min | Functor::Max => {
                        let f = match (functor, ty) {
                            (Functor::Min, Type::Symbol) => quote!(rt::sym_min),
                            (Functor::Max, Type::Symbol) => quote!(rt::sym_max),
                            (Functor::Min, Type::Float) => quote!(rt::fmin),
                            (Functor::Max, Type::Float) => quote!(rt::fmax),
                            (Functor::Min, _) => quote!(::std::cmp::min),
                            _ => quote!(::std::cmp::max),
                        };
                        let mut acc = a0;
                        for x in a.iter().skip(1) {
                            acc = quote!(#f(#acc, #x));
                        }
                        acc
                    }
                    Functor::AddMonths => {
                        let site = self.host.site(*span);
                        let s = num(site as usize);
                        self.fallible(quote!(rt::add_months(#a0, #a1, #s)), site)
                    }
                    Functor::MonthsBetween => quote!(rt::months_between(#a0, #a1)),
                    Functor::Year => quote!(rt::year(#a0)),
                    Functor::Month => quote!(rt::month(#a0)),
                }
            }
        }
    }

    /// A boolean built-in as a Rust boolean expression (in parentheses);
    /// only `contains` is compiled.
    pub fn test(&mut self, t: &Test) -> TokenStream {
        if t.predicate != Predicate::Contains {
            return self.left_to_interpreter(format!(
                "`{}` is left to the interpreter",
                t.predicate.name()
            ));
        }
        let args: Vec<TokenStream> = t.args.iter().map(|a| self.expr(a)).collect();
        if t.negated {
            quote!((!rt::contains(#(#args),*)))
        } else {
            quote!((rt::contains(#(#args),*)))
        }
    }

    /// A comparison as a Rust boolean expression (in parentheses).
    pub fn compare(&mut self, c: &Compare) -> TokenStream {
        let l = self.expr(&c.left);
        let r = self.expr(&c.right);
        let text = match (c.op, c.ty) {
            // Floats compare as IEEE numbers (0.0 = -0.0), as in the interpreter.
            (op, Type::Float) => ordered(op, quote!(#l.get()), quote!(#r.get())),
            (op @ (CmpOp::Eq | CmpOp::Ne), _) => ordered(op, l, r),
            (op, Type::Symbol) => {
                let m = match op {
                    CmpOp::Lt => quote!(is_lt),
                    CmpOp::Le => quote!(is_le),
                    CmpOp::Gt => quote!(is_gt),
                    _ => quote!(is_ge),
                };
                quote!(rt::sym_cmp(#l, #r).#m())
            }
            (op, _) => ordered(op, l, r),
        };
        quote!((#text))
    }
}
