//! This module defines the naive reference evaluator: it reads a checked
//! `ir::Program` and runs every rule as nested loops over all tuples,
//! stratum by stratum, to a fixpoint, with its own arithmetic, functors,
//! dates and aggregates written from the language's definition (README,
//! `ir.rs`), not from the engine's code.
//!
//! Runtime errors. An expression that fails (`division-by-zero`,
//! `arithmetic-overflow`, `bad-number`) drops its binding and is recorded,
//! and evaluation goes on (leniently). A failure in a head expression is
//! *certain*: every body literal held, so an engine must meet it. A failure
//! inside a body may be one an engine never meets, when another literal
//! rejects the binding first (literal order is the engine's choice), so
//! [`super::agree`] accepts either that error or the lenient result there.
//!
//! `substr` never fails: a start outside the string gives `""`, a negative
//! length takes the rest (as Soufflé, which only warns).

use std::collections::{BTreeMap, BTreeSet};

use sleuth::ir::{
    AggOp, BinOp, CmpOp, Expr, Functor, Literal, Predicate, Program, RelId, Rule, Term,
};
use sleuth::value::{Date, Type, Value};

use super::programs::PATTERNS;

pub type Tuple = Vec<Value>;
type Env = Vec<Option<Value>>;
type Fail = &'static str;

/// A runtime error the reference met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Its code.
    pub code: &'static str,
    /// Whether it was met in a head, with the whole body holding.
    pub certain: bool,
    /// The stratum it was met in.
    pub stratum: usize,
}

/// The reference's result: every relation (leniently, see the module's
/// documentation) and the runtime errors met.
pub struct Outcome {
    pub rels: Vec<BTreeSet<Tuple>>,
    pub failures: Vec<Failure>,
}

/// Evaluates `program` by nested loops over all tuples, stratum by stratum,
/// each to a fixpoint.
pub fn evaluate(program: &Program) -> Outcome {
    evaluate_with(program, &[])
}

/// Evaluates `program` with `extra` base facts beside its own (facts loaded
/// from data files).
pub fn evaluate_with(program: &Program, extra: &[(RelId, Tuple)]) -> Outcome {
    let mut rels: Vec<BTreeSet<Tuple>> = vec![BTreeSet::new(); program.relations.len()];
    for f in &program.facts {
        rels[f.rel].insert(f.values.clone());
    }
    for (rel, t) in extra {
        rels[*rel].insert(t.clone());
    }
    let mut failures: Vec<Failure> = Vec::new();
    for (s, stratum) in program.strata.iter().enumerate() {
        loop {
            let mut new = Vec::new();
            for &id in &stratum.rules {
                let rule = &program.rules[id];
                let mut env: Env = vec![None; rule.vars.len()];
                let pending: Vec<usize> = (0..rule.body.len()).collect();
                let mut errors: Vec<(Fail, bool)> = Vec::new();
                let mut emit = |env: &Env, errors: &mut Vec<(Fail, bool)>| {
                    let tuple: Result<Tuple, Fail> =
                        rule.head.args.iter().map(|a| eval_expr(a, env)).collect();
                    match tuple {
                        Ok(t) => new.push((rule.head.rel, t)),
                        Err(code) => errors.push((code, true)),
                    }
                };
                let mut cx = Cx {
                    rels: &rels,
                    rule,
                    errors: Vec::new(),
                };
                cx.solve(&rule.body, &pending, &mut env, &mut |e, errs| emit(e, errs));
                errors.extend(cx.errors);
                for (code, certain) in errors {
                    let f = Failure {
                        code,
                        certain,
                        stratum: s,
                    };
                    if !failures.contains(&f) {
                        failures.push(f);
                    }
                }
            }
            let mut changed = false;
            for (rel, tuple) in new {
                changed |= rels[rel].insert(tuple);
            }
            if !changed {
                break;
            }
        }
    }
    Outcome { rels, failures }
}

fn expr_bound(e: &Expr, env: &Env) -> bool {
    match e {
        Expr::Var(v) => env[*v].is_some(),
        Expr::Const(_) => true,
        Expr::Neg { arg, .. } => expr_bound(arg, env),
        Expr::Binary { left, right, .. } => expr_bound(left, env) && expr_bound(right, env),
        Expr::Call { args, .. } => args.iter().all(|a| expr_bound(a, env)),
    }
}

const OVERFLOW: Fail = "arithmetic-overflow";
const DIV_ZERO: Fail = "division-by-zero";
const BAD_NUMBER: Fail = "bad-number";

fn int_op(op: BinOp, a: i64, b: i64) -> Result<i64, Fail> {
    let r = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div | BinOp::Mod if b == 0 => return Err(DIV_ZERO),
        BinOp::Div => a.checked_div(b),
        BinOp::Mod => a.checked_rem(b),
        BinOp::Pow if b < 0 => match a {
            0 => return Err(DIV_ZERO),
            1 => Some(1),
            -1 => Some(if b % 2 == 0 { 1 } else { -1 }),
            _ => Some(0),
        },
        BinOp::Pow => {
            // Repeated multiplication, checked at each step.
            let mut acc: i64 = 1;
            for _ in 0..b.min(200) {
                acc = acc.checked_mul(a).ok_or(OVERFLOW)?;
            }
            if b > 200 && a.abs() > 1 {
                return Err(OVERFLOW);
            }
            if b > 200 && a == -1 {
                acc = if b % 2 == 0 { 1 } else { -1 };
            }
            Some(acc)
        }
        BinOp::BAnd => Some(a & b),
        BinOp::BOr => Some(a | b),
        BinOp::BXor => Some(a ^ b),
        BinOp::BShl => Some(((a as u64) << (b.rem_euclid(64))) as i64),
        BinOp::BShr => Some(a >> b.rem_euclid(64)),
        BinOp::BShrU => Some(((a as u64) >> b.rem_euclid(64)) as i64),
        BinOp::LAnd => Some(i64::from(a != 0 && b != 0)),
        BinOp::LOr => Some(i64::from(a != 0 || b != 0)),
        BinOp::LXor => Some(i64::from((a != 0) != (b != 0))),
    };
    r.ok_or(OVERFLOW)
}

fn float_op(op: BinOp, a: f64, b: f64) -> Result<f64, Fail> {
    Ok(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div | BinOp::Mod if b == 0.0 => return Err(DIV_ZERO),
        BinOp::Div => a / b,
        BinOp::Mod => a % b,
        BinOp::Pow => a.powf(b),
        other => panic!("reference: `{other:?}` on floats"),
    })
}

/// A symbol read as a number: optional sign, decimal digits (or `0x`/`0b`
/// digits), surrounding spaces allowed.
fn parse_number(s: &str) -> Result<i64, Fail> {
    let t = s.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (digits, radix) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (b, 2)
    } else {
        (body, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(BAD_NUMBER);
    }
    let mut v: i128 = 0;
    for c in digits.chars() {
        v = v * i128::from(radix) + i128::from(c.to_digit(radix).expect("a digit"));
        if v > i128::from(u64::MAX) {
            return Err(BAD_NUMBER);
        }
    }
    i64::try_from(if neg { -v } else { v }).map_err(|_| BAD_NUMBER)
}

fn sym(v: &Value) -> &str {
    match v {
        Value::Symbol(s) => s,
        other => panic!("reference: a symbol expected, got {other:?}"),
    }
}

fn number(v: &Value) -> i64 {
    match v {
        Value::Number(n) => *n,
        other => panic!("reference: a number expected, got {other:?}"),
    }
}

fn date(v: &Value) -> Date {
    match v {
        Value::Date(d) => *d,
        other => panic!("reference: a date expected, got {other:?}"),
    }
}

/// `d` moved by `n` months (days never need clamping: the generator's days
/// are before the 29th).
fn add_months(d: Date, n: i64) -> Result<Date, Fail> {
    let ordinal = (d.year() * 12 + d.month_of_year() - 1)
        .checked_add(n)
        .ok_or(OVERFLOW)?;
    let (y, m) = (ordinal.div_euclid(12), ordinal.rem_euclid(12) + 1);
    if !(1..=9999).contains(&y) {
        return Err(OVERFLOW);
    }
    let text = match d.day_of_month() {
        None => format!("{y:04}-{m:02}"),
        Some(day) => format!("{y:04}-{m:02}-{:02}", day.min(28)),
    };
    Ok(Date::parse(&text).expect("a valid date"))
}

pub fn eval_expr(e: &Expr, env: &Env) -> Result<Value, Fail> {
    Ok(match e {
        Expr::Var(v) => env[*v].clone().expect("bound variable"),
        Expr::Const(c) => c.clone(),
        Expr::Neg { arg, .. } => match eval_expr(arg, env)? {
            Value::Number(n) => Value::Number(n.checked_neg().ok_or(OVERFLOW)?),
            Value::Float(x) => Value::Float(-x),
            other => panic!("reference: negation of {other:?}"),
        },
        Expr::Binary {
            op, left, right, ..
        } => match (eval_expr(left, env)?, eval_expr(right, env)?) {
            (Value::Number(a), Value::Number(b)) => Value::Number(int_op(*op, a, b)?),
            (Value::Float(a), Value::Float(b)) => Value::Float(float_op(*op, a, b)?),
            (Value::Symbol(a), Value::Symbol(b)) if *op == BinOp::Add => Value::Symbol(a + &b),
            (a, b) => panic!("reference: {a:?} {op:?} {b:?}"),
        },
        Expr::Call { functor, args, .. } => {
            let vals: Vec<Value> = args
                .iter()
                .map(|a| eval_expr(a, env))
                .collect::<Result<_, _>>()?;
            match functor {
                Functor::Min => vals.into_iter().min().expect("arguments"),
                Functor::Max => vals.into_iter().max().expect("arguments"),
                Functor::LNot => Value::Number(i64::from(number(&vals[0]) == 0)),
                Functor::BNot => Value::Number(!number(&vals[0])),
                Functor::Cat => Value::Symbol(vals.iter().map(sym).collect()),
                Functor::Strlen => Value::Number(sym(&vals[0]).chars().count() as i64),
                Functor::Substr => {
                    let chars: Vec<char> = sym(&vals[0]).chars().collect();
                    let (start, n) = (number(&vals[1]), number(&vals[2]));
                    let text = if start < 0 || start as usize > chars.len() {
                        String::new()
                    } else {
                        let rest = &chars[start as usize..];
                        let take = if n < 0 {
                            rest.len()
                        } else {
                            (n as usize).min(rest.len())
                        };
                        rest[..take].iter().collect()
                    };
                    Value::Symbol(text)
                }
                Functor::ToNumber | Functor::ToUnsigned => match &vals[0] {
                    Value::Symbol(s) => Value::Number(parse_number(s)?),
                    Value::Float(x) => Value::Number(*x as i64),
                    Value::Number(n) => Value::Number(*n),
                    other => panic!("reference: to_number of {other:?}"),
                },
                Functor::ToString => Value::Symbol(match &vals[0] {
                    Value::Symbol(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Float(x) => format!("{x:.6}"),
                    Value::Date(d) => match d.day_of_month() {
                        None => format!("{:04}-{:02}", d.year(), d.month_of_year()),
                        Some(day) => {
                            format!("{:04}-{:02}-{day:02}", d.year(), d.month_of_year())
                        }
                    },
                }),
                Functor::ToFloat => Value::Float(match &vals[0] {
                    Value::Float(x) => *x,
                    Value::Number(n) => *n as f64,
                    Value::Symbol(s) => s.trim().parse::<f64>().map_err(|_| BAD_NUMBER)?,
                    other => panic!("reference: to_float of {other:?}"),
                }),
                Functor::AddMonths => Value::Date(add_months(date(&vals[0]), number(&vals[1]))?),
                Functor::MonthsBetween => {
                    let (a, b) = (date(&vals[0]), date(&vals[1]));
                    Value::Number(
                        (b.year() * 12 + b.month_of_year()) - (a.year() * 12 + a.month_of_year()),
                    )
                }
                Functor::Year => Value::Number(date(&vals[0]).year()),
                Functor::Month => Value::Number(date(&vals[0]).month_of_year()),
                Functor::Ord => panic!("reference: no `ord` (the generator never writes it)"),
            }
        }
    })
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
    if let (Value::Float(x), Value::Float(y)) = (a, b) {
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
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// Whether `tuple` matches the atom's terms; binds unbound variables in
/// `env` (recording them in `newly` so the caller can undo).
fn unify(args: &[Term], tuple: &Tuple, env: &mut Env, newly: &mut Vec<usize>) -> bool {
    for (t, value) in args.iter().zip(tuple) {
        match t {
            Term::Wildcard => {}
            Term::Const(c) => {
                if c != value {
                    return false;
                }
            }
            Term::Var(v) => match &env[*v] {
                Some(x) if x != value => return false,
                Some(_) => {}
                None => {
                    env[*v] = Some(value.clone());
                    newly.push(*v);
                }
            },
        }
    }
    true
}

type Emit<'e> = dyn FnMut(&Env, &mut Vec<(Fail, bool)>) + 'e;

struct Cx<'a> {
    rels: &'a [BTreeSet<Tuple>],
    rule: &'a Rule,
    /// Failures met in the body (never certain).
    errors: Vec<(Fail, bool)>,
}

impl Cx<'_> {
    fn fail(&mut self, code: Fail) {
        self.errors.push((code, false));
    }

    /// Enumerates every binding of `pending` literals of `body`, running the
    /// first literal that can run, and calls `emit` for each complete
    /// binding.
    fn solve(&mut self, body: &[Literal], pending: &[usize], env: &mut Env, emit: &mut Emit<'_>) {
        if pending.is_empty() {
            emit(env, &mut self.errors);
            return;
        }
        for (k, &i) in pending.iter().enumerate() {
            let rest: Vec<usize> = pending[..k]
                .iter()
                .chain(&pending[k + 1..])
                .copied()
                .collect();
            match &body[i] {
                Literal::Atom(a) => {
                    for tuple in self.rels[a.rel].iter() {
                        let mut newly = Vec::new();
                        if unify(&a.args, tuple, env, &mut newly) {
                            self.solve(body, &rest, env, emit);
                        }
                        for v in newly {
                            env[v] = None;
                        }
                    }
                    return;
                }
                Literal::Negated(a) => {
                    if a.args
                        .iter()
                        .any(|t| matches!(t, Term::Var(v) if env[*v].is_none()))
                    {
                        continue;
                    }
                    let exists = self.rels[a.rel].iter().any(|tuple| {
                        let mut newly = Vec::new();
                        unify(&a.args, tuple, env, &mut newly)
                    });
                    if !exists {
                        self.solve(body, &rest, env, emit);
                    }
                    return;
                }
                Literal::Compare(c) => {
                    let (lb, rb) = (expr_bound(&c.left, env), expr_bound(&c.right, env));
                    if lb && rb {
                        match (eval_expr(&c.left, env), eval_expr(&c.right, env)) {
                            (Ok(l), Ok(r)) => {
                                if compare(c.op, &l, &r) {
                                    self.solve(body, &rest, env, emit);
                                }
                            }
                            (Err(e), _) | (_, Err(e)) => self.fail(e),
                        }
                        return;
                    }
                    if c.op != CmpOp::Eq {
                        continue;
                    }
                    let (var, other) = match (&c.left, &c.right) {
                        (Expr::Var(v), e) if env[*v].is_none() && rb => (*v, e),
                        (e, Expr::Var(v)) if env[*v].is_none() && lb => (*v, e),
                        _ => continue,
                    };
                    match eval_expr(other, env) {
                        Ok(value) => {
                            env[var] = Some(value);
                            self.solve(body, &rest, env, emit);
                            env[var] = None;
                        }
                        Err(e) => self.fail(e),
                    }
                    return;
                }
                Literal::Test(t) => {
                    if !t.args.iter().all(|a| expr_bound(a, env)) {
                        continue;
                    }
                    let vals: Result<Vec<Value>, Fail> =
                        t.args.iter().map(|a| eval_expr(a, env)).collect();
                    let vals = match vals {
                        Ok(v) => v,
                        Err(e) => {
                            self.fail(e);
                            return;
                        }
                    };
                    let holds = match t.predicate {
                        Predicate::Contains => sym(&vals[1]).contains(sym(&vals[0])),
                        Predicate::Match => {
                            let (_, matches) = PATTERNS
                                .iter()
                                .find(|(p, _)| *p == sym(&vals[0]))
                                .expect("a pattern of the table");
                            matches(sym(&vals[1]))
                        }
                    };
                    if holds != t.negated {
                        self.solve(body, &rest, env, emit);
                    }
                    return;
                }
                Literal::Aggregate(ag) => {
                    if ag.outer.iter().any(|v| env[*v].is_none()) {
                        continue;
                    }
                    let Some(result) = self.aggregate(ag, env) else {
                        return;
                    };
                    match &env[ag.result] {
                        Some(x) => {
                            if *x == result {
                                self.solve(body, &rest, env, emit);
                            }
                        }
                        None => {
                            env[ag.result] = Some(result);
                            self.solve(body, &rest, env, emit);
                            env[ag.result] = None;
                        }
                    }
                    return;
                }
            }
        }
        panic!("reference: no literal of the rule can run: {:?}", self.rule);
    }

    /// The aggregate's value for the outer bindings in `env` (`None` for
    /// `min`/`max`/`mean` of an empty group).
    fn aggregate(&mut self, ag: &sleuth::ir::Aggregate, env: &Env) -> Option<Value> {
        let rule = self.rule;
        // Soufflé materializes a body of several atoms, or of one atom with
        // a repeated variable, into a relation of its variables: `sum` and
        // `mean` then add each distinct binding once.
        let atoms: Vec<&[Term]> = ag
            .body
            .iter()
            .filter_map(|l| match l {
                Literal::Atom(a) => Some(a.args.as_slice()),
                _ => None,
            })
            .collect();
        let repeated = atoms.len() == 1 && {
            let vars: Vec<_> = atoms[0]
                .iter()
                .filter(|t| matches!(t, Term::Var(_)))
                .collect();
            (1..vars.len()).any(|i| vars[..i].contains(&vars[i]))
        };
        let materialized =
            matches!(ag.op, AggOp::Sum | AggOp::Mean) && (atoms.len() > 1 || repeated);
        // A `_` inside the braces reaches the ir as a `$` variable used
        // once: like a wildcard, it is not part of a binding.
        let mut occurrences: Vec<usize> = Vec::new();
        for l in &ag.body {
            match l {
                Literal::Atom(a) | Literal::Negated(a) => {
                    occurrences.extend(a.args.iter().filter_map(|t| match t {
                        Term::Var(v) => Some(*v),
                        _ => None,
                    }))
                }
                Literal::Compare(c) => {
                    expr_vars(&c.left, &mut occurrences);
                    expr_vars(&c.right, &mut occurrences);
                }
                Literal::Test(t) => t.args.iter().for_each(|e| expr_vars(e, &mut occurrences)),
                Literal::Aggregate(_) => {}
            }
        }
        let wild: Vec<usize> = occurrences
            .iter()
            .copied()
            .filter(|&v| {
                rule.vars[v].name.starts_with('$')
                    && !ag.outer.contains(&v)
                    && occurrences.iter().filter(|&&o| o == v).count() == 1
            })
            .collect();
        let mut inner = env.clone();
        let all: Vec<usize> = (0..ag.body.len()).collect();
        let mut seen = BTreeSet::new();
        let mut count = 0i64;
        let mut values: Vec<Value> = Vec::new();
        let mut target_errors: Vec<(Fail, bool)> = Vec::new();
        self.solve(&ag.body, &all, &mut inner, &mut |e, _| {
            let mut key = e.clone();
            for &v in &wild {
                key[v] = None;
            }
            if materialized && !seen.insert(key) {
                return;
            }
            if let Some(t) = &ag.target {
                match eval_expr(t, e) {
                    Ok(v) => values.push(v),
                    Err(code) => {
                        target_errors.push((code, false));
                        return;
                    }
                }
            }
            count += 1;
        });
        self.errors.extend(target_errors);
        match ag.op {
            AggOp::Count => Some(Value::Number(count)),
            AggOp::Sum => {
                if ag.ty == Type::Float {
                    // From +0.0: the sum of an empty group is 0, and `Sum`
                    // for floats starts from -0.0.
                    Some(Value::Float(
                        values.iter().map(float).fold(0.0, |a, x| a + x),
                    ))
                } else {
                    let mut acc: i64 = 0;
                    for v in &values {
                        match acc.checked_add(number(v)) {
                            Some(x) => acc = x,
                            None => {
                                self.fail(OVERFLOW);
                                return None;
                            }
                        }
                    }
                    Some(Value::Number(acc))
                }
            }
            AggOp::Min => values.into_iter().min(),
            AggOp::Max => values.into_iter().max(),
            AggOp::Mean => (count > 0)
                .then(|| Value::Float(values.iter().map(float).sum::<f64>() / count as f64)),
        }
    }
}

/// A float, or a number read as one (a `mean` over numbers).
fn float(v: &Value) -> f64 {
    match v {
        Value::Float(x) => *x,
        Value::Number(n) => *n as f64,
        other => panic!("reference: a float expected, got {other:?}"),
    }
}

fn expr_vars(e: &Expr, out: &mut Vec<usize>) {
    match e {
        Expr::Var(v) => out.push(*v),
        Expr::Const(_) => {}
        Expr::Neg { arg, .. } => expr_vars(arg, out),
        Expr::Binary { left, right, .. } => {
            expr_vars(left, out);
            expr_vars(right, out);
        }
        Expr::Call { args, .. } => args.iter().for_each(|a| expr_vars(a, out)),
    }
}

/// An environment for `rule` with the named variables of `bindings` bound.
fn bound_env(rule: &Rule, bindings: &[(String, Value)]) -> Env {
    rule.vars
        .iter()
        .map(|v| {
            bindings
                .iter()
                .find(|(n, _)| *n == v.name)
                .map(|(_, x)| x.clone())
        })
        .collect()
}

/// Whether rule `rule_id`, with the named variables of `bindings` bound,
/// derives `head` over the relations `rels`: some completion of the
/// binding satisfies the body and the head computes `head`.
pub fn derives(
    program: &Program,
    rels: &[BTreeSet<Tuple>],
    rule_id: usize,
    bindings: &[(String, Value)],
    head: &Tuple,
) -> bool {
    let rule = &program.rules[rule_id];
    let mut env = bound_env(rule, bindings);
    let pending: Vec<usize> = (0..rule.body.len()).collect();
    let mut found = false;
    let mut cx = Cx {
        rels,
        rule,
        errors: Vec::new(),
    };
    cx.solve(&rule.body, &pending, &mut env, &mut |e, _| {
        let t: Result<Tuple, Fail> = rule.head.args.iter().map(|a| eval_expr(a, e)).collect();
        found |= t.as_ref() == Ok(head);
    });
    found
}

/// Whether `tuple` matches the atom's terms under `env` (an unbound
/// variable matches anything, the same value at each of its places).
fn pattern_matches(args: &[Term], env: &Env, tuple: &Tuple) -> bool {
    let mut env = env.clone();
    unify(args, tuple, &mut env, &mut Vec::new())
}

/// Whether body literal `literal` of rule `rule_id` holds under the named
/// variables of `bindings` (unbound variables of an atom match anything):
/// `None` when that cannot be decided from the binding alone (a variable
/// of a negation, comparison or test is unbound, or the literal is an
/// aggregate).
pub fn literal_holds(
    program: &Program,
    rels: &[BTreeSet<Tuple>],
    rule_id: usize,
    literal: usize,
    bindings: &[(String, Value)],
) -> Option<bool> {
    let rule = &program.rules[rule_id];
    let env = bound_env(rule, bindings);
    match &rule.body[literal] {
        Literal::Atom(a) => Some(
            rels[a.rel]
                .iter()
                .any(|t| pattern_matches(&a.args, &env, t)),
        ),
        Literal::Negated(a) => {
            if a.args
                .iter()
                .any(|t| matches!(t, Term::Var(v) if env[*v].is_none()))
            {
                return None;
            }
            Some(
                !rels[a.rel]
                    .iter()
                    .any(|t| pattern_matches(&a.args, &env, t)),
            )
        }
        Literal::Compare(c) => {
            if !(expr_bound(&c.left, &env) && expr_bound(&c.right, &env)) {
                return None;
            }
            let (l, r) = (
                eval_expr(&c.left, &env).ok()?,
                eval_expr(&c.right, &env).ok()?,
            );
            Some(compare(c.op, &l, &r))
        }
        Literal::Test(t) => {
            if !t.args.iter().all(|a| expr_bound(a, &env)) {
                return None;
            }
            let vals: Vec<Value> = t
                .args
                .iter()
                .map(|a| eval_expr(a, &env).ok())
                .collect::<Option<_>>()?;
            let holds = match t.predicate {
                Predicate::Contains => sym(&vals[1]).contains(sym(&vals[0])),
                Predicate::Match => {
                    let (_, matches) = PATTERNS.iter().find(|(p, _)| *p == sym(&vals[0]))?;
                    matches(sym(&vals[1]))
                }
            };
            Some(holds != t.negated)
        }
        Literal::Aggregate(_) => None,
    }
}

/// Confidence in thousandths (1000: no graded premise).
pub type Conf = u16;

/// Every tuple's confidence, computed directly from the definition: a base
/// fact's is the best of its origins (`base`; a fact of the program text is
/// 1000); a rule instance's is the weakest of its positive atoms' tuples
/// and of the tuples its aggregates counted; a tuple's is the strongest of
/// its instances and origins. Negations and comparisons do not lower it.
/// Strata are taken in order, each to a fixpoint.
pub fn confidences(
    program: &Program,
    rels: &[BTreeSet<Tuple>],
    base: &[(RelId, Tuple, Conf)],
) -> Vec<BTreeMap<Tuple, Conf>> {
    let mut conf: Vec<BTreeMap<Tuple, Conf>> = vec![BTreeMap::new(); program.relations.len()];
    let raise = |conf: &mut Vec<BTreeMap<Tuple, Conf>>, rel: RelId, t: &Tuple, c: Conf| {
        let e = conf[rel].entry(t.clone()).or_insert(0);
        let changed = c > *e;
        *e = (*e).max(c);
        changed
    };
    for f in &program.facts {
        raise(&mut conf, f.rel, &f.values, 1000);
    }
    for (rel, t, c) in base {
        raise(&mut conf, *rel, t, *c);
    }
    for stratum in &program.strata {
        loop {
            let mut updates: Vec<(RelId, Tuple, Conf)> = Vec::new();
            for &id in &stratum.rules {
                let rule = &program.rules[id];
                let mut env: Env = vec![None; rule.vars.len()];
                let pending: Vec<usize> = (0..rule.body.len()).collect();
                let mut cx = Cx {
                    rels,
                    rule,
                    errors: Vec::new(),
                };
                let mut bindings: Vec<Env> = Vec::new();
                cx.solve(&rule.body, &pending, &mut env, &mut |e, _| {
                    bindings.push(e.clone())
                });
                for e in bindings {
                    let Ok(head) = rule
                        .head
                        .args
                        .iter()
                        .map(|a| eval_expr(a, &e))
                        .collect::<Result<Tuple, Fail>>()
                    else {
                        continue;
                    };
                    let c = instance_confidence(&mut cx, &conf, &rule.body, &e);
                    if c > 0 {
                        updates.push((rule.head.rel, head, c));
                    }
                }
            }
            let mut changed = false;
            for (rel, t, c) in updates {
                changed |= raise(&mut conf, rel, &t, c);
            }
            if !changed {
                break;
            }
        }
    }
    conf
}

/// The weakest premise of one instance: for each positive atom, the best
/// tuple it may match (its wildcards choose freely); for each aggregate,
/// the weakest tuple of every match it counted. 0 when a premise has no
/// confidence yet.
fn instance_confidence(
    cx: &mut Cx<'_>,
    conf: &[BTreeMap<Tuple, Conf>],
    body: &[Literal],
    env: &Env,
) -> Conf {
    let mut weakest: Conf = 1000;
    for l in body {
        match l {
            Literal::Atom(a) => {
                let best = conf[a.rel]
                    .iter()
                    .filter(|(t, _)| pattern_matches(&a.args, env, t))
                    .map(|(_, c)| *c)
                    .max()
                    .unwrap_or(0);
                weakest = weakest.min(best);
            }
            Literal::Aggregate(ag) => {
                let mut inner: Env = env.clone();
                // The aggregate's own variables are its locals: unbind them.
                let mut locals = Vec::new();
                for v in 0..inner.len() {
                    if v != ag.result && !ag.outer.contains(&v) && mentions(&ag.body, v) {
                        locals.push(v);
                    }
                }
                for &v in &locals {
                    inner[v] = None;
                }
                let all: Vec<usize> = (0..ag.body.len()).collect();
                let mut matches: Vec<Env> = Vec::new();
                cx.solve(&ag.body, &all, &mut inner, &mut |e, _| {
                    matches.push(e.clone())
                });
                for m in matches {
                    let c = instance_confidence(cx, conf, &ag.body, &m);
                    weakest = weakest.min(c);
                }
            }
            _ => {}
        }
    }
    weakest
}

fn mentions(body: &[Literal], v: usize) -> bool {
    let mut vars = Vec::new();
    for l in body {
        match l {
            Literal::Atom(a) | Literal::Negated(a) => {
                vars.extend(a.args.iter().filter_map(|t| match t {
                    Term::Var(x) => Some(*x),
                    _ => None,
                }))
            }
            Literal::Compare(c) => {
                expr_vars(&c.left, &mut vars);
                expr_vars(&c.right, &mut vars);
            }
            Literal::Test(t) => t.args.iter().for_each(|e| expr_vars(e, &mut vars)),
            Literal::Aggregate(_) => {}
        }
    }
    vars.contains(&v)
}
