//! This module defines how the rule library is split for compilation.
//!
//! crepe evaluates positive rules, recursion and stratified negation, but has
//! no aggregates. The plan therefore cuts the library into *stages*: each
//! stage is one crepe program, and between stages plain Rust computes
//! aggregates. An aggregate `N = count : { body }` becomes two helper
//! relations: the body's matches (a crepe rule in the stage where the body's
//! relations are complete) and the grouped result (computed after that
//! stage), which the rule then looks up like any relation in a later stage.
//! `count` and `sum` over an empty group give 0, so such a rule also gets a
//! variant where the group is absent (a negated lookup).
//!
//! Rules that cannot be compiled (see [`Unsupported`]) are left to the
//! interpreter, with every relation that depends on them: nothing is dropped.

use super::emit_expr::{
    aggregate_update, unsupported as unsupported_expr, unsupported_compare, unsupported_test,
};
use super::lowered::{Lit, LoweredRule, PlanRel, Purpose};
use super::order::order;
use sleuth_front::ir::{
    AggOp, Aggregate, CmpOp, Compare, Expr, Literal, Program, RelId, Rule, RuleId, Term, Var, VarId,
};
use sleuth_front::value::{Type, Value};

/// crepe indexes by tuples of bound columns; std hashes tuples of at most 12.
pub const MAX_COLUMNS: usize = 12;

/// What a relation of the plan is.
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// Read from the database (no rule of the library derives it).
    Base,
    /// Derived by crepe in this stage.
    Derived {
        /// Its stage.
        stage: usize,
    },
    /// Left to the interpreter.
    Interpreted,
    /// A query's answer relation: not part of the library.
    Query,
    /// The matches of aggregate `agg`'s body (lives only inside its stage).
    AggregateBody {
        /// The aggregate.
        agg: usize,
    },
    /// The grouped result of aggregate `agg`.
    AggregateResult {
        /// The aggregate.
        agg: usize,
    },
}

/// A relation of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRelation {
    /// Its name (helpers get names that cannot clash with Datalog ones).
    pub name: String,
    /// Column types.
    pub types: Vec<Type>,
    /// What it is.
    pub role: Role,
}

/// An aggregate computed between stages.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregatePlan {
    /// The library rule it is in.
    pub origin: RuleId,
    /// The function.
    pub op: AggOp,
    /// What is summed, minimised or maximised.
    pub target: Option<Expr>,
    /// Type of the result.
    pub ty: Type,
    /// The relation of the body's matches: group columns, then the rest.
    pub body_rel: PlanRel,
    /// The relation of results: group columns, then the result.
    pub result_rel: PlanRel,
    /// The columns of `body_rel`, as variables of `vars`.
    pub columns: Vec<VarId>,
    /// How many leading columns form the group.
    pub group_len: usize,
    /// The variables of the body rule.
    pub vars: Vec<Var>,
    /// The stage after which it is computed.
    pub stage: usize,
}

/// One crepe program and the aggregates computed after it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stage {
    /// Its rules.
    pub rules: Vec<LoweredRule>,
    /// Aggregates computed from this stage's results.
    pub aggregates: Vec<usize>,
}

/// A rule the compiler leaves to the interpreter, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    /// The rule.
    pub rule: RuleId,
    /// Why it cannot be compiled.
    pub reason: String,
}

/// The compilation plan of a library.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The program's relations (index = `RelId`), then helper relations.
    pub relations: Vec<PlanRelation>,
    /// Stages in evaluation order.
    pub stages: Vec<Stage>,
    /// Aggregates, indexed by the helpers' `agg`.
    pub aggregates: Vec<AggregatePlan>,
    /// Rules that cannot be compiled.
    pub unsupported: Vec<Unsupported>,
    /// Relations left to the interpreter, each with the reason.
    pub interpreted: Vec<(RelId, String)>,
}

fn literal_relations(l: &Literal, out: &mut Vec<RelId>) {
    match l {
        Literal::Atom(a) | Literal::Negated(a) => out.push(a.rel),
        Literal::Aggregate(g) => {
            for b in &g.body {
                literal_relations(b, out);
            }
        }
        Literal::Compare(_) | Literal::Test(_) => {}
    }
}

fn positive_vars(body: &[Literal]) -> Vec<VarId> {
    let mut out = Vec::new();
    for l in body {
        if let Literal::Atom(a) = l {
            a.vars(&mut out);
        }
    }
    out
}

/// Converts an IR literal without aggregates.
fn plain_lit(l: &Literal) -> Option<Lit> {
    Some(match l {
        Literal::Atom(a) => Lit::Atom {
            rel: a.rel,
            args: a.args.clone(),
        },
        Literal::Negated(a) => Lit::Not {
            rel: a.rel,
            args: a.args.clone(),
        },
        Literal::Compare(c) => Lit::Compare(c.clone()),
        Literal::Test(t) => Lit::Test(t.clone()),
        Literal::Aggregate(_) => return None,
    })
}

/// The literals of `rule` outside its aggregates that can be evaluated
/// without any aggregate's result, and the variables they bind.
fn key_literals(rule: &Rule) -> (Vec<Lit>, Vec<bool>) {
    let mut bound = vec![false; rule.vars.len()];
    let mut chosen = vec![false; rule.body.len()];
    for (i, l) in rule.body.iter().enumerate() {
        if let Literal::Atom(a) = l {
            chosen[i] = true;
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound[*v] = true;
                }
            }
        }
    }
    loop {
        let mut changed = false;
        for (i, l) in rule.body.iter().enumerate() {
            if chosen[i] || matches!(l, Literal::Aggregate(_)) {
                continue;
            }
            let mut vs = Vec::new();
            l.vars(&mut vs);
            let unbound: Vec<VarId> = vs.iter().copied().filter(|&v| !bound[v]).collect();
            let ok = match l {
                Literal::Compare(c) if c.op == CmpOp::Eq && !unbound.is_empty() => {
                    let lone = |e: &Expr| matches!(e, Expr::Var(v) if !bound[*v]);
                    let mut lv = Vec::new();
                    let mut rv = Vec::new();
                    c.left.vars(&mut lv);
                    c.right.vars(&mut rv);
                    (lone(&c.left) && rv.iter().all(|&v| bound[v]))
                        || (lone(&c.right) && lv.iter().all(|&v| bound[v]))
                }
                _ => unbound.is_empty(),
            };
            if ok {
                chosen[i] = true;
                changed = true;
                for v in unbound {
                    bound[v] = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let lits = rule
        .body
        .iter()
        .zip(&chosen)
        .filter(|(_, c)| **c)
        .filter_map(|(l, _)| plain_lit(l))
        .collect();
    (lits, bound)
}

fn unsupported_literal(l: &Literal, vars: &[Var]) -> Option<String> {
    match l {
        Literal::Atom(_) | Literal::Negated(_) => None,
        Literal::Compare(c) => unsupported_compare(c, vars),
        Literal::Test(t) => unsupported_test(t, vars),
        Literal::Aggregate(g) => {
            if let Err(why) = aggregate_update(g.op, g.ty, &proc_macro2::TokenStream::new(), || 0) {
                return Some(why);
            }
            g.target
                .as_ref()
                .and_then(|t| unsupported_expr(t, vars))
                .or_else(|| g.body.iter().find_map(|b| unsupported_literal(b, vars)))
        }
    }
}

/// Why a rule cannot be compiled, if it cannot.
fn check_rule(program: &Program, rule: &Rule, stratum_of: &[Option<usize>]) -> Option<String> {
    if let Some(why) = rule
        .head
        .args
        .iter()
        .find_map(|e| unsupported_expr(e, &rule.vars))
        .or_else(|| {
            rule.body
                .iter()
                .find_map(|l| unsupported_literal(l, &rule.vars))
        })
    {
        return Some(why);
    }
    let head_stratum = stratum_of[rule.head.rel];
    let recursive = head_stratum.is_some_and(|s| program.strata[s].recursive);
    for l in &rule.body {
        if let Literal::Atom(a) | Literal::Negated(a) = l
            && a.args.len() > MAX_COLUMNS
        {
            return Some(format!(
                "relation `{}` has {} columns; compiled joins index at most {MAX_COLUMNS}",
                program.relations[a.rel].name,
                a.args.len()
            ));
        }
    }
    if recursive {
        if rule.head.args.iter().any(Expr::is_compound) {
            return Some(
                "it computes new values inside a recursion, which may never end; \
                 the interpreter bounds such rules with --max-tuples"
                    .into(),
            );
        }
        let pos = positive_vars(&rule.body);
        for l in &rule.body {
            if let Literal::Compare(c) = l
                && c.op == CmpOp::Eq
            {
                let invents = |side: &Expr, other: &Expr| {
                    matches!(side, Expr::Var(v) if !pos.contains(v)) && other.is_compound()
                };
                if invents(&c.left, &c.right) || invents(&c.right, &c.left) {
                    return Some(
                        "it computes new values inside a recursion, which may never end; \
                         the interpreter bounds such rules with --max-tuples"
                            .into(),
                    );
                }
            }
        }
    }
    if let Some(why) = unorderable(rule) {
        return Some(why);
    }
    for l in &rule.body {
        let Literal::Aggregate(g) = l else { continue };
        if g.outer.len() + 1 > MAX_COLUMNS {
            return Some(format!(
                "the aggregate groups by {} variables; compiled aggregates group by at most {}",
                g.outer.len(),
                MAX_COLUMNS - 1
            ));
        }
        if g.body.iter().any(|b| matches!(b, Literal::Aggregate(_))) {
            return Some("an aggregate nested in an aggregate".into());
        }
        let inner = positive_vars(&g.body);
        if !g.outer.iter().all(|v| inner.contains(v)) {
            let (keys, bound) = key_literals(rule);
            if let Some(v) = g.outer.iter().find(|&&v| !bound[v]) {
                return Some(format!(
                    "the aggregate's group variable `{}` is only bound through another aggregate",
                    rule.vars[*v].name
                ));
            }
            let same = keys.iter().any(|k| match k {
                Lit::Atom { rel, .. } | Lit::Not { rel, .. } => {
                    stratum_of[*rel].is_some() && stratum_of[*rel] == head_stratum
                }
                _ => false,
            });
            if same {
                return Some("the aggregate's groups come from the recursion it is part of".into());
            }
        }
        if let Some(t) = &g.target {
            let mut tv = Vec::new();
            t.vars(&mut tv);
            let mut inside = Vec::new();
            for b in &g.body {
                b.vars(&mut inside);
            }
            if let Some(v) = tv.iter().find(|v| !inside.contains(v)) {
                return Some(format!(
                    "the aggregate's target uses `{}`, which its body does not bind",
                    rule.vars[*v].name
                ));
            }
        }
    }
    None
}

/// Why the rule's body (or an aggregate's) has no evaluation order, if so.
fn unorderable(rule: &Rule) -> Option<String> {
    let try_order = |body: Vec<Lit>, head: Vec<Expr>| {
        let lowered = LoweredRule {
            origin: 0,
            purpose: Purpose::Rule,
            head_rel: 0,
            head,
            body,
            vars: rule.vars.clone(),
            recursive_with: Vec::new(),
        };
        order(&lowered).err()
    };
    let mut body = Vec::new();
    for l in &rule.body {
        match l {
            Literal::Aggregate(g) => {
                let mut args: Vec<Term> = g.outer.iter().map(|&v| Term::Var(v)).collect();
                args.push(Term::Var(g.result));
                body.push(Lit::Atom {
                    rel: usize::MAX,
                    args,
                });
                let mut inner: Vec<Lit> = g.body.iter().filter_map(plain_lit).collect();
                if needs_keys(g) {
                    inner.extend(key_literals(rule).0);
                }
                let head = g.outer.iter().map(|&v| Expr::Var(v)).collect();
                if let Some(why) = try_order(inner, head) {
                    return Some(format!("in its aggregate: {why}"));
                }
            }
            other => body.extend(plain_lit(other)),
        }
    }
    try_order(body, rule.head.args.clone())
}

/// Splits a checked program into stages of crepe rules and aggregate steps.
/// With `per_stratum`, every stratum (and every aggregate body) gets a crepe
/// program of its own, so each relation's time can be measured; otherwise a
/// stage holds every stratum whose inputs are complete, so crepe hashes each
/// relation and builds each index once per stage.
pub fn plan(program: &Program, per_stratum: bool) -> Plan {
    let n = program.relations.len();
    let mut stratum_of: Vec<Option<usize>> = vec![None; n];
    for (s, st) in program.strata.iter().enumerate() {
        for &r in &st.relations {
            stratum_of[r] = Some(s);
        }
    }
    let is_library_rule = |r: &Rule| !program.relations[r.head.rel].is_query;
    let mut derived = vec![false; n];
    for r in program.rules.iter().filter(|r| is_library_rule(r)) {
        derived[r.head.rel] = true;
    }
    let mut out = Plan {
        relations: program
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| PlanRelation {
                name: r.name.clone(),
                types: r.types(),
                role: if r.is_query {
                    Role::Query
                } else if derived[i] {
                    Role::Derived { stage: 0 }
                } else {
                    Role::Base
                },
            })
            .collect(),
        ..Plan::default()
    };

    // Which rules cannot be compiled, and which relations follow them.
    let mut interpreted: Vec<Option<String>> = vec![None; n];
    for (id, rule) in program.rules.iter().enumerate() {
        if !is_library_rule(rule) {
            continue;
        }
        if let Some(reason) = check_rule(program, rule, &stratum_of) {
            out.unsupported.push(Unsupported { rule: id, reason });
        }
    }
    let strata_rules = |s: usize| -> Vec<RuleId> {
        program.strata[s]
            .rules
            .iter()
            .copied()
            .filter(|&r| is_library_rule(&program.rules[r]))
            .collect()
    };
    for (s, st) in program.strata.iter().enumerate() {
        let rules = strata_rules(s);
        let mut reason = None;
        for &r in &rules {
            if let Some(u) = out.unsupported.iter().find(|u| u.rule == r) {
                reason = Some(format!(
                    "rule for `{}` cannot be compiled: {}",
                    program.relations[program.rules[r].head.rel].name, u.reason
                ));
                break;
            }
            let mut deps = Vec::new();
            for l in &program.rules[r].body {
                literal_relations(l, &mut deps);
            }
            if let Some(&d) = deps
                .iter()
                .find(|&&d| interpreted[d].is_some() && !st.relations.contains(&d))
            {
                reason = Some(format!(
                    "depends on `{}`, which is left to the interpreter",
                    program.relations[d].name
                ));
                break;
            }
        }
        if let Some(reason) = reason {
            for &rel in &st.relations {
                if derived[rel] {
                    interpreted[rel] = Some(reason.clone());
                    out.relations[rel].role = Role::Interpreted;
                    out.interpreted.push((rel, reason.clone()));
                }
            }
        }
    }

    // Stages: a stratum runs in the first stage where all it reads is complete.
    let mut phase = vec![0usize; n];
    let mut stages: Vec<Stage> = Vec::new();
    let stage_mut = |stages: &mut Vec<Stage>, p: usize| -> usize {
        while stages.len() <= p {
            stages.push(Stage::default());
        }
        p
    };
    for (s, st) in program.strata.iter().enumerate() {
        let rules = strata_rules(s);
        if rules.is_empty() || st.relations.iter().any(|&r| interpreted[r].is_some()) {
            continue;
        }
        let in_stratum = |r: RelId| st.relations.contains(&r);
        let mut p = 0;
        let mut pending_aggs: Vec<(RuleId, usize, usize)> = Vec::new(); // rule, literal, body phase
        for &r in &rules {
            let rule = &program.rules[r];
            for (li, l) in rule.body.iter().enumerate() {
                match l {
                    Literal::Atom(a) | Literal::Negated(a) if !in_stratum(a.rel) => {
                        p = p.max(phase[a.rel]);
                    }
                    Literal::Aggregate(g) => {
                        let mut deps = Vec::new();
                        for b in &g.body {
                            literal_relations(b, &mut deps);
                        }
                        if needs_keys(g) {
                            for k in key_literals(rule).0 {
                                if let Lit::Atom { rel, .. } | Lit::Not { rel, .. } = k {
                                    deps.push(rel);
                                }
                            }
                        }
                        let bp = deps.iter().map(|&d| phase[d]).max().unwrap_or(0);
                        p = p.max(bp + 1);
                        pending_aggs.push((r, li, bp));
                    }
                    _ => {}
                }
            }
        }
        if per_stratum {
            for agg in pending_aggs.iter_mut() {
                agg.2 = stages.len();
                stages.push(Stage::default());
            }
            p = stages.len();
        }
        for &rel in &st.relations {
            phase[rel] = p;
            if derived[rel] {
                out.relations[rel].role = Role::Derived { stage: p };
            }
        }
        stage_mut(&mut stages, p);
        // Aggregates: helper relations and the rules that fill them.
        let mut agg_of: Vec<(RuleId, usize, usize)> = Vec::new(); // rule, literal, agg id
        for (r, li, bp) in pending_aggs {
            let rule = &program.rules[r];
            let Literal::Aggregate(g) = &rule.body[li] else {
                continue;
            };
            let k = out.aggregates.len();
            let (body_rule, agg) = lower_aggregate(program, rule, r, g, k, bp, &mut out.relations);
            stage_mut(&mut stages, bp);
            stages[bp].rules.push(body_rule);
            stages[bp].aggregates.push(k);
            out.aggregates.push(agg);
            agg_of.push((r, li, k));
        }
        // The stratum's rules, aggregates replaced by lookups.
        for &r in &rules {
            let rule = &program.rules[r];
            let aggs: Vec<(usize, usize)> = agg_of
                .iter()
                .filter(|(ar, _, _)| *ar == r)
                .map(|(_, li, k)| (*li, *k))
                .collect();
            for lowered in lower_rule(rule, r, &aggs, &out.aggregates, &st.relations) {
                stages[p].rules.push(lowered);
            }
        }
    }
    out.stages = stages;
    out
}

fn needs_keys(g: &Aggregate) -> bool {
    let inner = positive_vars(&g.body);
    !g.outer.iter().all(|v| inner.contains(v))
}

/// The helper relations of one aggregate and the rule collecting its body's matches.
fn lower_aggregate(
    program: &Program,
    rule: &Rule,
    origin: RuleId,
    g: &Aggregate,
    k: usize,
    stage: usize,
    relations: &mut Vec<PlanRelation>,
) -> (LoweredRule, AggregatePlan) {
    let mut vars = rule.vars.clone();
    let mut body = Vec::new();
    // A wildcard in a positive atom of the body distinguishes matches like a
    // variable, except where a `sum` adds the distinct bindings of the
    // body's variables (see `Aggregate::distinct_bindings`): there the
    // wildcards stay wildcards, so the body relation holds one row per
    // binding.
    let distinct = g.distinct_bindings(&rule.vars);
    let is_wildcard = |v: VarId| distinct.as_ref().is_some_and(|d| !d.contains(&v));
    for l in &g.body {
        match l {
            Literal::Atom(a) if distinct.is_some() => body.push(Lit::Atom {
                rel: a.rel,
                args: a
                    .args
                    .iter()
                    .map(|t| match t {
                        Term::Var(v) if is_wildcard(*v) => Term::Wildcard,
                        other => other.clone(),
                    })
                    .collect(),
            }),
            Literal::Atom(a) => {
                let mut args = Vec::with_capacity(a.args.len());
                for (i, t) in a.args.iter().enumerate() {
                    args.push(match t {
                        Term::Wildcard => {
                            vars.push(Var {
                                name: format!("$_{}", vars.len()),
                                ty: program.relations[a.rel].columns[i].ty,
                                span: a.span,
                            });
                            Term::Var(vars.len() - 1)
                        }
                        other => other.clone(),
                    });
                }
                body.push(Lit::Atom { rel: a.rel, args });
            }
            other => body.extend(plain_lit(other)),
        }
    }
    if needs_keys(g) {
        body.extend(key_literals(rule).0);
    }
    let mut columns: Vec<VarId> = g.outer.clone();
    let mut locals = Vec::new();
    for l in &body {
        locals.extend(l.vars());
    }
    // Only the body's own variables (not the key literals') are columns.
    let mut inner = Vec::new();
    for l in &g.body {
        l.vars(&mut inner);
    }
    inner.extend(rule.vars.len()..vars.len());
    locals.retain(|v| inner.contains(v) && !g.outer.contains(v));
    locals.sort_unstable();
    locals.dedup();
    columns.extend(locals);
    let body_rel = relations.len();
    relations.push(PlanRelation {
        name: format!("$aggregate{k}_body"),
        types: columns.iter().map(|&v| vars[v].ty).collect(),
        role: Role::AggregateBody { agg: k },
    });
    let result_rel = relations.len();
    let mut result_types: Vec<Type> = g.outer.iter().map(|&v| vars[v].ty).collect();
    result_types.push(g.ty);
    relations.push(PlanRelation {
        name: format!("$aggregate{k}"),
        types: result_types,
        role: Role::AggregateResult { agg: k },
    });
    let lowered = LoweredRule {
        origin,
        purpose: Purpose::AggregateBody(k),
        head_rel: body_rel,
        head: columns.iter().map(|&v| Expr::Var(v)).collect(),
        body,
        vars: vars.clone(),
        recursive_with: Vec::new(),
    };
    let agg = AggregatePlan {
        origin,
        op: g.op,
        target: g.target.clone(),
        ty: g.ty,
        body_rel,
        result_rel,
        group_len: g.outer.len(),
        columns,
        vars,
        stage,
    };
    (lowered, agg)
}

/// A library rule with its aggregates replaced by lookups, plus one variant
/// per combination of empty `count`/`sum` groups.
fn lower_rule(
    rule: &Rule,
    origin: RuleId,
    aggs: &[(usize, usize)],
    plans: &[AggregatePlan],
    stratum: &[RelId],
) -> Vec<LoweredRule> {
    let zeroable: Vec<usize> = aggs
        .iter()
        .filter(|(_, k)| matches!(plans[*k].op, AggOp::Count | AggOp::Sum))
        .map(|(_, k)| *k)
        .collect();
    let mut out = Vec::new();
    for mask in 0u32..(1 << zeroable.len()) {
        let empty: Vec<usize> = zeroable
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect();
        let mut body = Vec::new();
        for (li, l) in rule.body.iter().enumerate() {
            match l {
                Literal::Aggregate(g) => {
                    let Some(&(_, k)) = aggs.iter().find(|(i, _)| *i == li) else {
                        continue;
                    };
                    let group: Vec<Term> = g.outer.iter().map(|&v| Term::Var(v)).collect();
                    let rel = plans[k].result_rel;
                    if empty.contains(&k) {
                        let mut args = group;
                        args.push(Term::Wildcard);
                        body.push(Lit::Not { rel, args });
                        let zero = match g.ty {
                            Type::Float => Value::Float(0.0),
                            _ => Value::Number(0),
                        };
                        body.push(Lit::Compare(Compare {
                            op: CmpOp::Eq,
                            left: Expr::Var(g.result),
                            right: Expr::Const(zero),
                            ty: g.ty,
                            span: g.span,
                        }));
                    } else {
                        let mut args = group;
                        args.push(Term::Var(g.result));
                        body.push(Lit::Atom { rel, args });
                    }
                }
                other => body.extend(plain_lit(other)),
            }
        }
        out.push(LoweredRule {
            origin,
            purpose: if empty.is_empty() {
                Purpose::Rule
            } else {
                Purpose::EmptyGroups(empty)
            },
            head_rel: rule.head.rel,
            head: rule.head.args.clone(),
            body,
            vars: rule.vars.clone(),
            recursive_with: stratum.to_vec(),
        });
    }
    out
}
