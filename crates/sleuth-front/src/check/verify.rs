//! This module defines [`verify`], which checks the invariants `ir` promises
//! to back ends: arities and types agree everywhere, every rule is
//! range-restricted, and strata respect dependencies. [`check`](super::check)
//! only returns programs that pass; tests and fuzzing use it as an oracle,
//! and a back end may use it on a program built by other means.

use crate::ir::*;
use crate::value::Type;

/// Checks a program's invariants; the error says which one fails and where.
pub fn verify(p: &Program) -> Result<(), String> {
    for (i, r) in p.relations.iter().enumerate() {
        if p.relations[..i].iter().any(|o| o.name == r.name) {
            return Err(format!("relation `{}` appears twice", r.name));
        }
    }
    for f in &p.facts {
        let rel = relation(p, f.rel)?;
        if rel.types() != f.values.iter().map(|v| v.ty()).collect::<Vec<_>>() {
            return Err(format!(
                "fact of `{}` does not match its column types",
                rel.name
            ));
        }
    }
    for (id, rule) in p.rules.iter().enumerate() {
        verify_rule(p, rule).map_err(|e| format!("rule {id}: {e}"))?;
    }
    for rel in p
        .inputs
        .iter()
        .map(|i| i.rel)
        .chain(p.outputs.iter().map(|o| o.rel))
        .chain(p.printsize.iter().copied())
    {
        relation(p, rel)?;
    }
    verify_strata(p)?;
    verify_queries(p)
}

fn relation(p: &Program, rel: RelId) -> Result<&Relation, String> {
    p.relations
        .get(rel)
        .ok_or_else(|| format!("relation id {rel} out of range"))
}

fn verify_rule(p: &Program, rule: &Rule) -> Result<(), String> {
    let head = relation(p, rule.head.rel)?;
    if head.arity() != rule.head.args.len() {
        return Err(format!("head of `{}` has the wrong arity", head.name));
    }
    for (arg, column) in rule.head.args.iter().zip(&head.columns) {
        if checked_type(arg, &rule.vars)? != column.ty {
            return Err(format!(
                "head argument of `{}` is not a {}",
                head.name, column.ty
            ));
        }
    }
    for literal in &rule.body {
        verify_literal(p, literal, &rule.vars, false)?;
    }
    range_restricted(rule)
}

fn verify_literal(
    p: &Program,
    literal: &Literal,
    vars: &[Var],
    in_aggregate: bool,
) -> Result<(), String> {
    match literal {
        Literal::Atom(a) | Literal::Negated(a) => verify_atom(p, a, vars),
        Literal::Compare(c) => {
            let (l, r) = (checked_type(&c.left, vars)?, checked_type(&c.right, vars)?);
            if l != c.ty || r != c.ty {
                return Err(format!("comparison typed {} compares {l} with {r}", c.ty));
            }
            Ok(())
        }
        Literal::Test(t) => {
            for arg in &t.args {
                if checked_type(arg, vars)? != Type::Symbol {
                    return Err("`contains` on a non-symbol".into());
                }
            }
            Ok(())
        }
        Literal::Aggregate(_) if in_aggregate => Err("nested aggregate".into()),
        Literal::Aggregate(a) => verify_aggregate(p, a, vars),
    }
}

fn verify_atom(p: &Program, a: &Atom, vars: &[Var]) -> Result<(), String> {
    let rel = relation(p, a.rel)?;
    if rel.arity() != a.args.len() {
        return Err(format!("atom of `{}` has the wrong arity", rel.name));
    }
    for (term, column) in a.args.iter().zip(&rel.columns) {
        let ty = match term {
            Term::Var(v) => var(vars, *v)?.ty,
            Term::Const(c) => c.ty(),
            Term::Wildcard => continue,
        };
        if ty != column.ty {
            return Err(format!(
                "argument of `{}` is a {ty}, its column a {}",
                rel.name, column.ty
            ));
        }
    }
    Ok(())
}

fn verify_aggregate(p: &Program, a: &Aggregate, vars: &[Var]) -> Result<(), String> {
    for literal in &a.body {
        verify_literal(p, literal, vars, true)?;
    }
    if var(vars, a.result)?.ty != a.ty {
        return Err("aggregate result variable has another type".into());
    }
    let target = a
        .target
        .as_ref()
        .map(|t| checked_type(t, vars))
        .transpose()?;
    let ok = match (a.op, target) {
        (AggOp::Count, None) => a.ty == Type::Number,
        (AggOp::Sum, Some(t)) => t == a.ty && matches!(t, Type::Number | Type::Float),
        (AggOp::Min | AggOp::Max, Some(t)) => t == a.ty,
        (AggOp::Mean, Some(t)) => a.ty == Type::Float && matches!(t, Type::Number | Type::Float),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("`{}` aggregate is mistyped", a.op.name()))
    }
}

fn var(vars: &[Var], v: VarId) -> Result<&Var, String> {
    vars.get(v)
        .ok_or_else(|| format!("variable id {v} out of range"))
}

/// The type of an expression ([`Expr::ty`]), once its variables are known
/// and the types of its parts agree with the type it carries.
fn checked_type(e: &Expr, vars: &[Var]) -> Result<Type, String> {
    use Type::*;
    let numeric = |t: Type| matches!(t, Number | Float);
    let ty = e.ty(vars);
    match e {
        Expr::Var(v) => {
            var(vars, *v)?;
        }
        Expr::Const(_) => {}
        Expr::Neg { arg, .. } => {
            let t = checked_type(arg, vars)?;
            if !(t == ty && numeric(t)) {
                return Err("mistyped negation".into());
            }
        }
        Expr::Binary {
            op, left, right, ..
        } => {
            let (l, r) = (checked_type(left, vars)?, checked_type(right, vars)?);
            if !(l == ty && r == ty && numeric(l) && (l == Number || !op.integral())) {
                return Err("mistyped arithmetic".into());
            }
        }
        Expr::Call { functor, args, .. } => {
            let types = args
                .iter()
                .map(|a| checked_type(a, vars))
                .collect::<Result<Vec<_>, _>>()?;
            if call_type(*functor, &types, ty).is_none() {
                return Err(format!("mistyped call of `{}`", functor.name()));
            }
        }
    }
    Ok(ty)
}

fn call_type(f: Functor, args: &[Type], ty: Type) -> Option<Type> {
    use Type::*;
    let (expected, result): (&[Type], Type) = match f {
        Functor::Cat if !args.is_empty() && args.iter().all(|t| *t == Symbol) => {
            return (ty == Symbol).then_some(Symbol);
        }
        Functor::Cat => return None,
        Functor::Strlen | Functor::Ord => (&[Symbol], Number),
        Functor::BNot | Functor::LNot => (&[Number], Number),
        Functor::Substr => (&[Symbol, Number, Number], Symbol),
        Functor::ToString if args.len() == 1 => return (ty == Symbol).then_some(Symbol),
        Functor::ToString => return None,
        Functor::ToNumber | Functor::ToUnsigned | Functor::ToFloat
            if args.len() == 1 && matches!(args[0], Symbol | Number | Float) =>
        {
            let result = if f == Functor::ToFloat { Float } else { Number };
            return (ty == result).then_some(result);
        }
        Functor::ToNumber | Functor::ToUnsigned | Functor::ToFloat => return None,
        Functor::Min | Functor::Max => {
            return (args.len() == 2 && args.iter().all(|t| *t == ty)).then_some(ty);
        }
        Functor::AddMonths => (&[Date, Number], Date),
        Functor::MonthsBetween => (&[Date, Date], Number),
        Functor::Year | Functor::Month => (&[Date], Number),
    };
    (args == expected && ty == result).then_some(result)
}

/// There is an order of the body in which every variable is bound before
/// it is read (the IR's range-restriction invariant).
fn range_restricted(rule: &Rule) -> Result<(), String> {
    let mut bound = vec![false; rule.vars.len()];
    let pending = schedule(&rule.body, &mut bound, &rule.vars)?;
    if let Some(i) = pending {
        return Err(format!(
            "body literal {i} can never run: it reads an unbound variable"
        ));
    }
    let mut reads = Vec::new();
    rule.head.args.iter().for_each(|a| a.vars(&mut reads));
    match reads.iter().find(|v| !bound[**v]) {
        Some(v) => Err(format!("head reads unbound `{}`", rule.vars[*v].name)),
        None => Ok(()),
    }
}

/// Runs literals whose inputs are bound until none is left; returns the
/// index of a literal that never becomes runnable.
fn schedule(body: &[Literal], bound: &mut [bool], vars: &[Var]) -> Result<Option<usize>, String> {
    let mut done = vec![false; body.len()];
    loop {
        let mut progress = false;
        for (i, literal) in body.iter().enumerate() {
            if !done[i] && run(literal, bound, vars)? {
                done[i] = true;
                progress = true;
            }
        }
        if !progress {
            return Ok(done.iter().position(|d| !d));
        }
    }
}

/// Runs one literal if it can run now, binding what it binds.
fn run(literal: &Literal, bound: &mut [bool], vars: &[Var]) -> Result<bool, String> {
    let all_bound = |e: &Expr, bound: &[bool]| {
        let mut vs = Vec::new();
        e.vars(&mut vs);
        vs.iter().all(|v| bound[*v])
    };
    Ok(match literal {
        Literal::Atom(a) => {
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound[*v] = true;
                }
            }
            true
        }
        Literal::Negated(a) => a
            .args
            .iter()
            .all(|t| !matches!(t, Term::Var(v) if !bound[*v])),
        Literal::Test(t) => t.args.iter().all(|a| all_bound(a, bound)),
        Literal::Compare(c) => match (&c.left, &c.right) {
            (Expr::Var(v), other) | (other, Expr::Var(v))
                if c.op == CmpOp::Eq && !bound[*v] && all_bound(other, bound) =>
            {
                bound[*v] = true;
                true
            }
            _ => all_bound(&c.left, bound) && all_bound(&c.right, bound),
        },
        Literal::Aggregate(a) => {
            if !a.outer.iter().all(|v| bound[*v]) {
                return Ok(false);
            }
            let mut inner = bound.to_vec();
            if let Some(i) = schedule(&a.body, &mut inner, vars)? {
                return Err(format!("aggregate literal {i} can never run"));
            }
            if let Some(t) = &a.target
                && !all_bound(t, &inner)
            {
                return Err("aggregate target reads an unbound variable".into());
            }
            bound[a.result] = true;
            true
        }
    })
}

/// Each rule is in the stratum of its head; positive dependencies are on
/// base relations or the same or earlier strata, negated and aggregated
/// ones on base relations or earlier strata.
fn verify_strata(p: &Program) -> Result<(), String> {
    let mut stratum_of = vec![None; p.relations.len()];
    for (i, s) in p.strata.iter().enumerate() {
        for &r in &s.relations {
            relation(p, r)?;
            if stratum_of[r].replace(i).is_some() {
                return Err(format!("`{}` is in two strata", p.relations[r].name));
            }
        }
    }
    let mut seen = vec![false; p.rules.len()];
    for (i, s) in p.strata.iter().enumerate() {
        let mut recursive = false;
        for &id in &s.rules {
            let rule = p.rules.get(id).ok_or("rule id out of range")?;
            if stratum_of[rule.head.rel] != Some(i) || std::mem::replace(&mut seen[id], true) {
                return Err(format!("rule {id} is misplaced in the strata"));
            }
            let mut deps = Vec::new();
            dependencies(&rule.body, false, &mut deps);
            for (rel, negative) in deps {
                match stratum_of[rel] {
                    Some(j) if j > i || (j == i && negative) => {
                        return Err(format!(
                            "rule {id} reads `{}` too early",
                            p.relations[rel].name
                        ));
                    }
                    Some(j) => recursive |= j == i,
                    None => {}
                }
            }
        }
        if recursive != s.recursive {
            return Err(format!("stratum {i} has the wrong `recursive` flag"));
        }
    }
    match seen.iter().position(|s| !s) {
        Some(id) => Err(format!("rule {id} is in no stratum")),
        None => Ok(()),
    }
}

fn dependencies(body: &[Literal], negative: bool, out: &mut Vec<(RelId, bool)>) {
    for literal in body {
        match literal {
            Literal::Atom(a) => out.push((a.rel, negative)),
            Literal::Negated(a) => out.push((a.rel, true)),
            Literal::Aggregate(a) => dependencies(&a.body, true, out),
            _ => {}
        }
    }
}

fn verify_queries(p: &Program) -> Result<(), String> {
    for q in &p.queries {
        let rel = relation(p, q.rel)?;
        let rule = p.rules.get(q.rule).ok_or("query rule out of range")?;
        if !rel.is_query || rule.head.rel != q.rel || rel.arity() != q.columns.len() {
            return Err(format!("query `{}` is inconsistent", rel.name));
        }
    }
    Ok(())
}
