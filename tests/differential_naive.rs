//! This module defines a differential property test: a deterministic
//! generator writes random small stratified programs as text (relations of
//! arity 0 to 3 over small number and symbol domains; facts; rules with
//! joins, repeated variables, constants, wildcards, negation of lower strata,
//! comparisons, bounded arithmetic bindings, aggregates with grouping over
//! lower strata, recursion and mutual recursion). Each program goes through
//! the real pipeline (parse, check, evaluate) and through the naive reference
//! evaluator below, which reads the same `ir::Program` and runs every rule as
//! nested loops over all tuples, stratum by stratum, to a fixpoint. Every
//! relation must come out identical.
//!
//! `SLEUTH_DIFF_ITERS=N` runs N programs (300 by default);
//! `SLEUTH_DIFF_SEED=S` starts from another seed; `SLEUTH_DIFF_SHOW=1`
//! prints each program.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use sleuth::eval::{self, Database, EvalOptions};
use sleuth::ir::{AggOp, BinOp, CmpOp, Expr, Functor, Literal, Predicate, Program, Rule, Term};
use sleuth::value::Value;
use sleuth::{SourceMap, check, syntax};

// ---------------------------------------------------------------------------
// Random numbers

/// SplitMix64: small, deterministic, good enough for program generation.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// The generator

/// Numbers range over `0..DOMAIN`; every generated arithmetic is taken
/// modulo `DOMAIN`, so recursion through arithmetic stays finite.
const DOMAIN: i64 = 4;
const SYMBOLS: [&str; 3] = ["a", "b", "c"];

/// Patterns for `match` and which of the symbols they match (the naive
/// evaluator reads this table rather than running a regular expression).
const PATTERNS: &[(&str, &str)] = &[
    ("a|b", "ab"),
    ("[^c]", "ab"),
    (".*", "abc"),
    ("[b-c]+", "bc"),
    ("(a)?", "a"),
    ("c{2}", ""),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ty {
    Num,
    Sym,
}

struct Rel {
    name: String,
    cols: Vec<Ty>,
    /// 0 for base relations; derived relations of group `g` may read
    /// groups `<= g` positively and groups `< g` under negation or aggregation.
    group: usize,
}

/// One variable of the rule being generated.
struct Var {
    name: String,
    ty: Ty,
}

struct RuleGen<'a> {
    rng: &'a mut Rng,
    rels: &'a [Rel],
    /// Variables bound outside aggregates (usable in the head).
    bound: Vec<Var>,
    next_var: usize,
}

impl RuleGen<'_> {
    fn fresh(&mut self, ty: Ty) -> String {
        self.next_var += 1;
        let prefix = if ty == Ty::Num { "N" } else { "S" };
        format!("{prefix}{}", self.next_var)
    }

    fn constant(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Num => self.rng.below(DOMAIN as usize).to_string(),
            Ty::Sym => format!("\"{}\"", self.rng.pick(&SYMBOLS)),
        }
    }

    fn bound_of(&mut self, ty: Ty) -> Option<String> {
        let names: Vec<String> = self
            .bound
            .iter()
            .filter(|v| v.ty == ty)
            .map(|v| v.name.clone())
            .collect();
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    /// A relation the head's group may read: positively (`strict` false)
    /// or under negation and aggregation (`strict` true).
    fn readable(&mut self, group: usize, strict: bool, min_arity: usize) -> Option<usize> {
        let ids: Vec<usize> = (0..self.rels.len())
            .filter(|&i| {
                let r = &self.rels[i];
                r.cols.len() >= min_arity
                    && (r.group == 0 || r.group < group || (!strict && r.group == group))
            })
            .collect();
        (!ids.is_empty()).then(|| *self.rng.pick(&ids))
    }

    /// A positive atom: variables (new or reused, so joins and repeated
    /// variables occur), constants and wildcards.
    fn positive_atom(&mut self, group: usize, base_case: bool) -> String {
        let rel = self
            .readable(group, base_case, 0)
            .expect("base relations exist");
        let cols = self.rels[rel].cols.clone();
        let mut args = Vec::new();
        for ty in cols {
            let roll = self.rng.below(100);
            let arg = if roll < 35 {
                self.bound_of(ty).unwrap_or_else(|| self.new_bound(ty))
            } else if roll < 65 {
                self.new_bound(ty)
            } else if roll < 82 {
                self.constant(ty)
            } else {
                "_".to_string()
            };
            args.push(arg);
        }
        format!("{}({})", self.rels[rel].name, args.join(", "))
    }

    fn new_bound(&mut self, ty: Ty) -> String {
        let name = self.fresh(ty);
        self.bound.push(Var {
            name: name.clone(),
            ty,
        });
        name
    }

    /// An argument for a literal that only reads: a bound variable of the
    /// type, a constant, or (when `wildcards`) `_`.
    fn read_arg(&mut self, ty: Ty, wildcards: bool) -> String {
        let roll = self.rng.below(100);
        if roll < 70
            && let Some(v) = self.bound_of(ty)
        {
            return v;
        }
        if wildcards && roll >= 85 {
            return "_".into();
        }
        self.constant(ty)
    }

    fn negation(&mut self, group: usize) -> Option<String> {
        let rel = self.readable(group, true, 0)?;
        let cols = self.rels[rel].cols.clone();
        let args: Vec<String> = cols.iter().map(|&ty| self.read_arg(ty, true)).collect();
        let bang = if self.rng.chance(20) { "not " } else { "!" };
        Some(format!(
            "{bang}{}({})",
            self.rels[rel].name,
            args.join(", ")
        ))
    }

    fn comparison(&mut self) -> Option<String> {
        let ty = if self.rng.chance(70) {
            Ty::Num
        } else {
            Ty::Sym
        };
        let left = self.bound_of(ty)?;
        let mut right = self.constant(ty);
        if self.rng.chance(60) {
            // Another variable when there is one (`X < X` says little).
            for _ in 0..4 {
                match self.bound_of(ty) {
                    Some(v) if v != left => {
                        right = v;
                        break;
                    }
                    _ => {}
                }
            }
        }
        let op = self.rng.pick(&["=", "!=", "<", "<=", ">", ">="]);
        Some(match self.rng.below(6) {
            0 => format!("!({left} {op} {right})"),
            1 => format!("({left} {op} {right} ; {left} = {right})"),
            2 if ty == Ty::Sym => format!("contains({right}, {left})"),
            3 if ty == Ty::Sym => format!("!contains({right}, {left})"),
            4 if ty == Ty::Sym => {
                let (pattern, _) = self.rng.pick(PATTERNS);
                let bang = if self.rng.chance(30) { "!" } else { "" };
                format!("{bang}match(\"{pattern}\", {left})")
            }
            _ => format!("{left} {op} {right}"),
        })
    }

    /// `Y = (X op c) % DOMAIN` with `X` bound: keeps numbers small and
    /// non-negative.
    fn arithmetic(&mut self) -> Option<String> {
        let x = self.bound_of(Ty::Num)?;
        let c = self.rng.below(DOMAIN as usize);
        let expr = match self.rng.below(8) {
            0 => format!("({x} + {c}) % {DOMAIN}"),
            1 => format!("({x} * {c}) % {DOMAIN}"),
            2 => format!("({x} + {DOMAIN} - {c}) % {DOMAIN}"),
            3 => format!("{x} / 2 % {DOMAIN}"),
            4 => format!("({x} bxor {c}) band 3"),
            5 => format!("{x} bshr 1 bor lnot {x}"),
            6 => format!("min({x}, {c}, 2)"),
            _ => format!("max({x}, {c}) % {DOMAIN}"),
        };
        let y = self.new_bound(Ty::Num);
        Some(format!("{y} = {expr}"))
    }

    /// `R = agg T : { body }` over relations of lower groups, grouped by the
    /// outer variables it shares.
    fn aggregate(&mut self, group: usize) -> Option<String> {
        let op = *self.rng.pick(&["count", "sum", "min", "max"]);
        let min_arity = usize::from(op != "count");
        let rel = self.readable(group, true, min_arity)?;
        let cols = self.rels[rel].cols.clone();
        let second = self.rng.chance(30);
        let mut locals: Vec<Var> = Vec::new();
        let mut args = Vec::new();
        for &ty in &cols {
            let roll = self.rng.below(100);
            let arg = if roll < 30
                && let Some(v) = self.bound_of(ty)
            {
                v
            } else if roll < 80 {
                let name = self.fresh(ty);
                locals.push(Var {
                    name: name.clone(),
                    ty,
                });
                name
            } else if roll < 90 {
                self.constant(ty)
            } else {
                "_".into()
            };
            args.push(arg);
        }
        let mut body = vec![format!("{}({})", self.rels[rel].name, args.join(", "))];
        if second && let Some(other) = self.readable(group, true, 1) {
            let cols = self.rels[other].cols.clone();
            let mut args = Vec::new();
            for &ty in &cols {
                let shared: Vec<String> = locals
                    .iter()
                    .filter(|v| v.ty == ty)
                    .map(|v| v.name.clone())
                    .collect();
                let arg = if !shared.is_empty() && self.rng.chance(60) {
                    self.rng.pick(&shared).clone()
                } else if self.rng.chance(50) {
                    self.constant(ty)
                } else {
                    "_".into()
                };
                args.push(arg);
            }
            body.push(format!("{}({})", self.rels[other].name, args.join(", ")));
        }
        let (target, result_ty) = match op {
            "count" => (String::new(), Ty::Num),
            _ => {
                let candidates: Vec<&Var> = locals
                    .iter()
                    .filter(|v| op != "sum" || v.ty == Ty::Num)
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let v = *self.rng.pick(&candidates);
                (format!(" {}", v.name), v.ty)
            }
        };
        let result = self.new_bound(result_ty);
        Some(format!(
            "{result} = {op}{target} : {{ {} }}",
            body.join(", ")
        ))
    }

    /// A rule for `head`; a `base_case` reads no relation of its own group,
    /// so that recursive groups have somewhere to start.
    fn rule(&mut self, head: usize, base_case: bool) -> String {
        let group = self.rels[head].group;
        let mut body = Vec::new();
        let atoms = 1 + self.rng.below(3).min(self.rng.below(3));
        for _ in 0..atoms {
            body.push(self.positive_atom(group, base_case));
        }
        let extras = self.rng.below(4);
        for _ in 0..extras {
            let literal = match self.rng.below(4) {
                0 => self.negation(group),
                1 => self.comparison(),
                2 => self.arithmetic(),
                _ => self.aggregate(group),
            };
            body.extend(literal);
        }
        let cols = self.rels[head].cols.clone();
        let args: Vec<String> = cols
            .iter()
            .map(|&ty| {
                if self.rng.chance(85)
                    && let Some(v) = self.bound_of(ty)
                {
                    return v;
                }
                self.constant(ty)
            })
            .collect();
        format!(
            "{}({}) :- {}.",
            self.rels[head].name,
            args.join(", "),
            body.join(", ")
        )
    }
}

fn ty_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Num => "number",
        Ty::Sym => "symbol",
    }
}

fn random_cols(rng: &mut Rng) -> Vec<Ty> {
    let arity = *rng.pick(&[0, 1, 1, 2, 2, 2, 3, 3]);
    (0..arity)
        .map(|_| if rng.chance(60) { Ty::Num } else { Ty::Sym })
        .collect()
}

fn fact(rng: &mut Rng, rel: &Rel) -> String {
    let args: Vec<String> = rel
        .cols
        .iter()
        .map(|&ty| match ty {
            Ty::Num => rng.below(DOMAIN as usize).to_string(),
            Ty::Sym => format!("\"{}\"", rng.pick(&SYMBOLS)),
        })
        .collect();
    format!("{}({}).", rel.name, args.join(", "))
}

/// A random stratified program, as text.
fn generate(seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut rels = Vec::new();
    for i in 0..2 + rng.below(2) {
        rels.push(Rel {
            name: format!("e{i}"),
            cols: random_cols(&mut rng),
            group: 0,
        });
    }
    let groups = 1 + rng.below(3);
    for g in 1..=groups {
        for j in 0..1 + rng.below(2) {
            rels.push(Rel {
                name: format!("r{g}{}", ["a", "b"][j]),
                cols: random_cols(&mut rng),
                group: g,
            });
        }
    }
    let mut text = String::new();
    for r in &rels {
        // Some derived relations are left undeclared: their types are inferred.
        if r.group > 0 && rng.chance(15) {
            continue;
        }
        let attrs: Vec<String> = r
            .cols
            .iter()
            .enumerate()
            .map(|(i, &ty)| format!("c{i}: {}", ty_name(ty)))
            .collect();
        let _ = writeln!(text, ".decl {}({})", r.name, attrs.join(", "));
    }
    for r in &rels {
        let n = if r.group == 0 {
            if r.cols.is_empty() {
                rng.below(2)
            } else {
                rng.below(7)
            }
        } else if rng.chance(20) {
            1 + rng.below(2)
        } else {
            0
        };
        for _ in 0..n {
            let _ = writeln!(text, "{}", fact(&mut rng, r));
        }
    }
    for head in 0..rels.len() {
        if rels[head].group == 0 {
            continue;
        }
        for k in 0..1 + rng.below(3) {
            let base_case = k == 0 && rng.chance(80);
            let mut g = RuleGen {
                rng: &mut rng,
                rels: &rels,
                bound: Vec::new(),
                next_var: 0,
            };
            let rule = g.rule(head, base_case);
            let _ = writeln!(text, "{rule}");
        }
    }
    text
}

// ---------------------------------------------------------------------------
// The naive reference evaluator

type Tuple = Vec<Value>;
type Env = Vec<Option<Value>>;

/// Evaluates `program` by nested loops over all tuples, stratum by stratum,
/// each to a fixpoint.
fn naive(program: &Program) -> Vec<BTreeSet<Tuple>> {
    let mut rels: Vec<BTreeSet<Tuple>> = vec![BTreeSet::new(); program.relations.len()];
    for f in &program.facts {
        rels[f.rel].insert(f.values.clone());
    }
    for stratum in &program.strata {
        loop {
            let mut new = Vec::new();
            for &id in &stratum.rules {
                let rule = &program.rules[id];
                let mut env: Env = vec![None; rule.vars.len()];
                let pending: Vec<usize> = (0..rule.body.len()).collect();
                solve(&rels, rule, &rule.body, &pending, &mut env, &mut |env| {
                    let tuple = rule.head.args.iter().map(|a| eval_expr(a, env)).collect();
                    new.push((rule.head.rel, tuple));
                });
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
    rels
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

fn eval_expr(e: &Expr, env: &Env) -> Value {
    match e {
        Expr::Var(v) => env[*v].clone().expect("bound variable"),
        Expr::Const(c) => c.clone(),
        Expr::Neg { arg, .. } => match eval_expr(arg, env) {
            Value::Number(n) => Value::Number(-n),
            Value::Float(x) => Value::Float(-x),
            other => panic!("negation of {other:?}"),
        },
        Expr::Binary {
            op, left, right, ..
        } => match (eval_expr(left, env), eval_expr(right, env)) {
            (Value::Number(a), Value::Number(b)) => Value::Number(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Mod => a % b,
                BinOp::BAnd => a & b,
                BinOp::BOr => a | b,
                BinOp::BXor => a ^ b,
                BinOp::BShr => a >> b,
                other => panic!("naive evaluator: no {other:?}"),
            }),
            (a, b) => panic!("naive evaluator: {a:?} {op:?} {b:?}"),
        },
        Expr::Call { functor, args, .. } => {
            let vals: Vec<Value> = args.iter().map(|a| eval_expr(a, env)).collect();
            match functor {
                Functor::Min => vals.into_iter().min().expect("arguments"),
                Functor::Max => vals.into_iter().max().expect("arguments"),
                Functor::LNot => Value::Number(i64::from(vals[0] == Value::Number(0))),
                other => panic!("naive evaluator: no functor {other:?}"),
            }
        }
    }
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
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

/// Enumerates every binding of `pending` literals of `body`, running the
/// first literal that can run, and calls `emit` for each complete binding.
fn solve(
    rels: &[BTreeSet<Tuple>],
    rule: &Rule,
    body: &[Literal],
    pending: &[usize],
    env: &mut Env,
    emit: &mut dyn FnMut(&Env),
) {
    if pending.is_empty() {
        emit(env);
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
                for tuple in &rels[a.rel] {
                    let mut newly = Vec::new();
                    if unify(&a.args, tuple, env, &mut newly) {
                        solve(rels, rule, body, &rest, env, emit);
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
                let exists = rels[a.rel].iter().any(|tuple| {
                    let mut newly = Vec::new();
                    unify(&a.args, tuple, env, &mut newly)
                });
                if !exists {
                    solve(rels, rule, body, &rest, env, emit);
                }
                return;
            }
            Literal::Compare(c) => {
                let (lb, rb) = (expr_bound(&c.left, env), expr_bound(&c.right, env));
                if lb && rb {
                    if compare(c.op, &eval_expr(&c.left, env), &eval_expr(&c.right, env)) {
                        solve(rels, rule, body, &rest, env, emit);
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
                env[var] = Some(eval_expr(other, env));
                solve(rels, rule, body, &rest, env, emit);
                env[var] = None;
                return;
            }
            Literal::Test(t) => {
                if !t.args.iter().all(|a| expr_bound(a, env)) {
                    continue;
                }
                let vals: Vec<String> = t
                    .args
                    .iter()
                    .map(|a| eval_expr(a, env).to_string())
                    .collect();
                let holds = match t.predicate {
                    Predicate::Contains => vals[1].contains(vals[0].as_str()),
                    Predicate::Match => {
                        let (_, matched) = PATTERNS
                            .iter()
                            .find(|(p, _)| *p == vals[0])
                            .expect("a pattern of the table");
                        vals[1].len() == 1 && matched.contains(vals[1].as_str())
                    }
                };
                if holds != t.negated {
                    solve(rels, rule, body, &rest, env, emit);
                }
                return;
            }
            Literal::Aggregate(ag) => {
                if ag.outer.iter().any(|v| env[*v].is_none()) {
                    continue;
                }
                let mut values = Vec::new();
                let mut count = 0i64;
                let mut inner = env.clone();
                let all: Vec<usize> = (0..ag.body.len()).collect();
                // Soufflé materializes a body of several atoms, or of one
                // atom with a repeated variable, into a relation of its
                // variables: `sum` then adds each distinct binding once.
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
                let materialized = ag.op == AggOp::Sum && (atoms.len() > 1 || repeated);
                // A `_` inside the braces reaches the ir as a `$` variable
                // used once: like a wildcard, it is not part of a binding.
                let occurrences: Vec<usize> = atoms
                    .iter()
                    .flat_map(|args| args.iter())
                    .filter_map(|t| match t {
                        Term::Var(v) => Some(*v),
                        _ => None,
                    })
                    .collect();
                let wild: Vec<usize> = occurrences
                    .iter()
                    .copied()
                    .filter(|&v| {
                        rule.vars[v].name.starts_with('$')
                            && !ag.outer.contains(&v)
                            && occurrences.iter().filter(|&&o| o == v).count() == 1
                    })
                    .collect();
                let mut seen = BTreeSet::new();
                solve(rels, rule, &ag.body, &all, &mut inner, &mut |e| {
                    let mut key = e.clone();
                    for &v in &wild {
                        key[v] = None;
                    }
                    if materialized && !seen.insert(key) {
                        return;
                    }
                    count += 1;
                    if let Some(t) = &ag.target {
                        values.push(eval_expr(t, e));
                    }
                });
                let result = match ag.op {
                    AggOp::Count => Some(Value::Number(count)),
                    AggOp::Sum => Some(Value::Number(
                        values
                            .iter()
                            .map(|v| match v {
                                Value::Number(n) => *n,
                                other => panic!("sum of {other:?}"),
                            })
                            .sum(),
                    )),
                    AggOp::Min => values.into_iter().min(),
                    AggOp::Max => values.into_iter().max(),
                    AggOp::Mean => panic!("naive evaluator: no mean"),
                };
                let Some(result) = result else { return };
                match &env[ag.result] {
                    Some(x) => {
                        if *x == result {
                            solve(rels, rule, body, &rest, env, emit);
                        }
                    }
                    None => {
                        env[ag.result] = Some(result);
                        solve(rels, rule, body, &rest, env, emit);
                        env[ag.result] = None;
                    }
                }
                return;
            }
        }
    }
    panic!("no literal of the rule can run: {rule:?}");
}

// ---------------------------------------------------------------------------
// The comparison

/// Runs one program both ways (the real evaluator with `threads` worker
/// threads); `Err` describes the first disagreement.
/// Returns how many derived relations there are and how many are non-empty.
fn differ(text: &str, threads: usize) -> Result<(usize, usize), String> {
    let mut sources = SourceMap::new();
    let id = sources.add("random.dl", text.to_string());
    let program = syntax::parse(&sources, id)
        .and_then(|m| check::check(&sources, &[m]))
        .map_err(|d| format!("rejected:\n{}", d.render(&sources)))?;
    check::verify(&program).map_err(|e| format!("IR invariant broken: {e}"))?;
    let mut db = Database::new(&program);
    db.load_program_facts(&program)
        .map_err(|d| d.render(&sources))?;
    let options = EvalOptions {
        max_tuples: 1_000_000,
        threads,
        ..EvalOptions::default()
    };
    eval::evaluate(&program, &mut db, &options)
        .map_err(|d| format!("evaluation failed:\n{}", d.render(&sources)))?;
    let expected = naive(&program);
    compare_all(&program, &db, &expected, "one evaluation")?;
    // The same facts in two batches: the second evaluation continues from
    // the first (semi-naively where it can), recording derivation rounds,
    // and every aggregate folds all its groups in one pass at once.
    let mut db = Database::new(&program);
    let options = EvalOptions {
        record_rounds: true,
        fold_groups_after: 0,
        ..options
    };
    let (first, second): (Vec<_>, Vec<_>) = program
        .facts
        .iter()
        .enumerate()
        .partition(|(i, _)| i % 3 != 1);
    for batch in [first, second] {
        for (_, f) in batch {
            db.insert(f.rel, &f.values)
                .map_err(|d| d.render(&sources))?;
        }
        eval::evaluate(&program, &mut db, &options)
            .map_err(|d| format!("evaluation failed:\n{}", d.render(&sources)))?;
    }
    compare_all(&program, &db, &expected, "two batches")?;
    let derived: Vec<usize> = program
        .strata
        .iter()
        .flat_map(|s| s.relations.iter().copied())
        .collect();
    let filled = derived.iter().filter(|&&r| !expected[r].is_empty()).count();
    Ok((derived.len(), filled))
}

/// Compares every relation of `db` with the naive result.
fn compare_all(
    program: &Program,
    db: &Database,
    expected: &[BTreeSet<Tuple>],
    how: &str,
) -> Result<(), String> {
    for (rel, want) in expected.iter().enumerate() {
        if program.relations[rel].is_query {
            continue;
        }
        let got: BTreeSet<Tuple> = db.tuples(rel).into_iter().collect();
        if &got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(want).collect();
            return Err(format!(
                "{how}: relation `{}` differs\n  missing (naive has them): {missing:?}\n  extra (naive lacks them): {extra:?}",
                program.relations[rel].name
            ));
        }
    }
    Ok(())
}

fn iterations() -> u64 {
    std::env::var("SLEUTH_DIFF_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn base_seed() -> u64 {
    std::env::var("SLEUTH_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_0000)
}

#[test]
fn random_programs_agree_with_the_naive_evaluator() {
    let n = iterations();
    let seed = base_seed();
    let show = std::env::var_os("SLEUTH_DIFF_SHOW").is_some();
    let (mut derived, mut filled) = (0, 0);
    for i in 0..n {
        let text = generate(seed + i);
        if show {
            eprintln!("--- program {i}\n{text}");
        }
        // Every other program joins on all cores (0), the rest on one.
        match differ(&text, (i % 2) as usize) {
            Ok((d, f)) => {
                derived += d;
                filled += f;
            }
            Err(e) => panic!("program {i} (seed {}):\n{text}\n{e}", seed + i),
        }
    }
    eprintln!(
        "{n} random programs agree with the naive evaluator ({filled} of {derived} derived relations non-empty)"
    );
    // The programs must compute something, or agreement says little.
    assert!(
        n < 50 || filled * 2 >= derived,
        "only {filled} of {derived} derived relations are non-empty"
    );
}

#[test]
fn the_generator_covers_every_feature() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&generate(base_seed() + i));
    }
    for feature in [
        "count :",
        "sum ",
        "min ",
        "max ",
        "!",
        "not ",
        " % ",
        "<=",
        "_",
        "\"a\"",
        "()",
        "bxor",
        "lnot",
        "!(",
        " ; ",
        "contains(",
    ] {
        assert!(text.contains(feature), "no program uses `{feature}`");
    }
}
