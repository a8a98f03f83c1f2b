//! This module defines the differential test of the evaluator: random small
//! stratified programs (positive atoms, recursion, mutual recursion, negation
//! of lower strata, comparisons, constants, wildcards) run by the semi-naive
//! engine and by a naive reference evaluator written here (nested loops to a
//! fixpoint over sets of tuples) must give identical relations, both from
//! scratch and after more base facts arrive between two evaluations.

mod eval_support;

use eval_support::*;
use sleuth::eval::{Database, EvalOptions, evaluate};
use sleuth::ir::*;
use sleuth::value::{Type, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const VALUES: i64 = 5;

struct Case {
    p: P,
    /// (relation, level); base relations have level 0 and no rules.
    rels: Vec<(RelId, usize, usize)>,
    bases: Vec<RelId>,
}

fn gen_case(rng: &mut Rng) -> Case {
    let mut p = P::new();
    let mut rels = Vec::new();
    let mut bases = Vec::new();
    for i in 0..1 + rng.below(3) {
        let arity = 1 + rng.below(2);
        let r = p.rel(&format!("b{i}"), &vec![Type::Number; arity]);
        for _ in 0..rng.below(10) {
            let vals = (0..arity)
                .map(|_| num(rng.below(VALUES as usize) as i64))
                .collect();
            p.fact(r, vals);
        }
        rels.push((r, 0, arity));
        bases.push(r);
    }
    for i in 0..1 + rng.below(4) {
        let arity = 1 + rng.below(2);
        let level = 1 + rng.below(3);
        let r = p.rel(&format!("d{i}"), &vec![Type::Number; arity]);
        rels.push((r, level, arity));
    }
    let derived: Vec<(RelId, usize, usize)> = rels.iter().copied().filter(|r| r.1 > 0).collect();
    for &(head, level, arity) in &derived {
        for _ in 0..1 + rng.below(3) {
            gen_rule(&mut p, rng, &rels, head, level, arity);
        }
    }
    Case { p, rels, bases }
}

fn gen_rule(
    p: &mut P,
    rng: &mut Rng,
    rels: &[(RelId, usize, usize)],
    head: RelId,
    level: usize,
    arity: usize,
) {
    let mut r = R::new();
    let nvars = 1 + rng.below(4);
    let vars: Vec<VarId> = (0..nvars)
        .map(|i| r.var(&format!("v{i}"), Type::Number))
        .collect();
    let mut bound: BTreeSet<VarId> = BTreeSet::new();
    let mut body = Vec::new();
    let positive: Vec<&(RelId, usize, usize)> = rels.iter().filter(|x| x.1 <= level).collect();
    for _ in 0..1 + rng.below(3) {
        let &&(rel, _, a) = &positive[rng.below(positive.len())];
        let args: Vec<Term> = (0..a)
            .map(|_| match rng.below(10) {
                0 => Term::Wildcard,
                1 => c(num(rng.below(VALUES as usize) as i64)),
                _ => {
                    let x = vars[rng.below(nvars)];
                    bound.insert(x);
                    t(x)
                }
            })
            .collect();
        body.push(p.atom(rel, args));
    }
    if bound.is_empty() {
        // Make sure some variable is bound.
        let &(rel, _, a) = positive[0];
        let args = (0..a).map(|_| t(vars[0])).collect();
        body.push(p.atom(rel, args));
        bound.insert(vars[0]);
    }
    let bound: Vec<VarId> = bound.into_iter().collect();
    let pick = |rng: &mut Rng| bound[rng.below(bound.len())];
    if rng.chance(40) {
        let op = [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ][rng.below(6)];
        let left = v(pick(rng));
        let right = if rng.chance(50) {
            v(pick(rng))
        } else {
            e(num(rng.below(VALUES as usize) as i64))
        };
        body.push(p.cmp(op, left, right, Type::Number));
    }
    let lower: Vec<&(RelId, usize, usize)> = rels.iter().filter(|x| x.1 < level).collect();
    if rng.chance(40) && !lower.is_empty() {
        let &&(rel, _, a) = &lower[rng.below(lower.len())];
        let args = (0..a)
            .map(|_| match rng.below(6) {
                0 => Term::Wildcard,
                1 => c(num(rng.below(VALUES as usize) as i64)),
                _ => t(pick(rng)),
            })
            .collect();
        body.push(p.neg(rel, args));
    }
    // An aggregate over a lower relation, grouped by variables bound here.
    let mut pool = bound.clone();
    if rng.chance(30) && !lower.is_empty() {
        let &&(rel, _, a) = &lower[rng.below(lower.len())];
        let local = r.var("loc", Type::Number);
        let result = r.var("agg", Type::Number);
        let mut outer = Vec::new();
        let args = (0..a)
            .map(|_| match rng.below(5) {
                0 => Term::Wildcard,
                1 => c(num(rng.below(VALUES as usize) as i64)),
                2 => t(local),
                _ => {
                    let x = pick(rng);
                    if !outer.contains(&x) {
                        outer.push(x);
                    }
                    t(x)
                }
            })
            .collect();
        let op = [AggOp::Count, AggOp::Sum, AggOp::Min, AggOp::Max][rng.below(4)];
        let inner = p.atom(rel, args);
        let uses_local = matches!(&inner, Literal::Atom(at) if at.args.contains(&t(local)));
        let target = match op {
            AggOp::Count => None,
            _ if uses_local => Some(v(local)),
            _ => Some(e(num(2))),
        };
        let span = p.span();
        body.push(Literal::Aggregate(Aggregate {
            result,
            op,
            target,
            body: vec![inner],
            outer,
            ty: Type::Number,
            span,
        }));
        pool.push(result);
    }
    let pick = |rng: &mut Rng| pool[rng.below(pool.len())];
    // Shuffle the body so the planner, not the generator, picks the order.
    for i in (1..body.len()).rev() {
        body.swap(i, rng.below(i + 1));
    }
    let head_args = (0..arity)
        .map(|_| {
            if rng.chance(15) {
                e(num(rng.below(VALUES as usize) as i64))
            } else {
                v(pick(rng))
            }
        })
        .collect();
    let mut r = r.head(head, head_args);
    for l in body {
        r = r.lit(l);
    }
    // Unused variables are fine for the engine but confuse no one: keep them.
    p.rule(r);
}

type Tuples = BTreeSet<Vec<i64>>;

/// The reference: every rule by nested loops over whole relations, stratum
/// by stratum, until nothing changes.
fn naive(prog: &Program, facts: &[(RelId, Vec<i64>)]) -> BTreeMap<RelId, Tuples> {
    let mut db: BTreeMap<RelId, Tuples> = (0..prog.relations.len())
        .map(|r| (r, Tuples::new()))
        .collect();
    for (rel, t) in facts {
        db.get_mut(rel).expect("relation").insert(t.clone());
    }
    for stratum in &prog.strata {
        loop {
            let mut added = false;
            for &rid in &stratum.rules {
                let rule = &prog.rules[rid];
                let mut out = Vec::new();
                let atoms: Vec<&Atom> = rule
                    .body
                    .iter()
                    .filter_map(|l| {
                        if let Literal::Atom(a) = l {
                            Some(a)
                        } else {
                            None
                        }
                    })
                    .collect();
                let mut env: Vec<Option<i64>> = vec![None; rule.vars.len()];
                join(&db, rule, &atoms, &mut env, &mut out);
                for t in out {
                    added |= db.get_mut(&rule.head.rel).expect("relation").insert(t);
                }
            }
            if !added {
                break;
            }
        }
    }
    db
}

/// An aggregate's value for the bindings in `env`, or `None` when `min` or
/// `max` sees no match.
fn aggregate(db: &BTreeMap<RelId, Tuples>, ag: &Aggregate, env: &[Option<i64>]) -> Option<i64> {
    let Literal::Atom(a) = &ag.body[0] else {
        panic!("generated aggregates have one atom")
    };
    let mut values = Vec::new();
    for t in &db[&a.rel] {
        let mut local = env.to_vec();
        let ok = a.args.iter().zip(t).all(|(arg, &w)| match arg {
            Term::Var(x) => match local[*x] {
                Some(b) => b == w,
                None => {
                    local[*x] = Some(w);
                    true
                }
            },
            Term::Const(Value::Number(c)) => *c == w,
            _ => true,
        });
        if ok {
            values.push(ag.target.as_ref().map_or(0, |e| value(e, &local)));
        }
    }
    match ag.op {
        AggOp::Count => Some(values.len() as i64),
        AggOp::Sum => Some(values.iter().sum()),
        AggOp::Min => values.into_iter().min(),
        AggOp::Max => values.into_iter().max(),
        AggOp::Mean => unreachable!("the generator makes no `mean` (it is float-valued)"),
    }
}

fn value(e: &Expr, env: &[Option<i64>]) -> i64 {
    match e {
        Expr::Var(x) => env[*x].expect("bound"),
        Expr::Const(Value::Number(n)) => *n,
        other => panic!("unexpected expression {other:?}"),
    }
}

fn join(
    db: &BTreeMap<RelId, Tuples>,
    rule: &Rule,
    atoms: &[&Atom],
    env: &mut Vec<Option<i64>>,
    out: &mut Vec<Vec<i64>>,
) {
    let Some((a, rest)) = atoms.split_first() else {
        // Aggregates first: comparisons and the head may read their results.
        let mut env = env.clone();
        for l in &rule.body {
            if let Literal::Aggregate(ag) = l {
                match aggregate(db, ag, &env) {
                    Some(n) => env[ag.result] = Some(n),
                    None => return,
                }
            }
        }
        let env = &env;
        for l in &rule.body {
            let ok = match l {
                Literal::Aggregate(_) => true,
                Literal::Atom(_) => true,
                Literal::Compare(c) => {
                    let (x, y) = (value(&c.left, env), value(&c.right, env));
                    match c.op {
                        CmpOp::Eq => x == y,
                        CmpOp::Ne => x != y,
                        CmpOp::Lt => x < y,
                        CmpOp::Le => x <= y,
                        CmpOp::Gt => x > y,
                        CmpOp::Ge => x >= y,
                    }
                }
                Literal::Negated(n) => !db[&n.rel].iter().any(|t| {
                    n.args.iter().zip(t).all(|(arg, &w)| match arg {
                        Term::Var(x) => env[*x] == Some(w),
                        Term::Const(Value::Number(c)) => *c == w,
                        _ => true,
                    })
                }),
                other => panic!("unexpected literal {other:?}"),
            };
            if !ok {
                return;
            }
        }
        out.push(rule.head.args.iter().map(|e| value(e, env)).collect());
        return;
    };
    for t in &db[&a.rel] {
        let saved = env.clone();
        let ok = a.args.iter().zip(t).all(|(arg, &w)| match arg {
            Term::Var(x) => match env[*x] {
                Some(b) => b == w,
                None => {
                    env[*x] = Some(w);
                    true
                }
            },
            Term::Const(Value::Number(c)) => *c == w,
            _ => true,
        });
        if ok {
            join(db, rule, rest, env, out);
        }
        *env = saved;
    }
}

fn engine_tuples(db: &Database, rel: RelId) -> Tuples {
    db.tuples(rel)
        .into_iter()
        .map(|t| {
            t.into_iter()
                .map(|v| {
                    if let Value::Number(n) = v {
                        n
                    } else {
                        panic!("number")
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn semi_naive_agrees_with_naive_on_random_programs() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut recursive, mut negated, mut aggregated, mut derived) = (0, 0, 0, 0usize);
    for case_no in 0..300 {
        let mut case = gen_case(&mut rng);
        let prog = case.p.stratify().clone();
        let mut facts: Vec<(RelId, Vec<i64>)> = prog
            .facts
            .iter()
            .map(|f| {
                (
                    f.rel,
                    f.values
                        .iter()
                        .map(|v| if let Value::Number(n) = v { *n } else { 0 })
                        .collect(),
                )
            })
            .collect();
        let mut db = Database::new(&prog);
        db.load_program_facts(&prog).expect("facts fit");
        let opts = EvalOptions {
            record_rounds: case_no % 3 == 0,
            ..EvalOptions::default()
        };
        evaluate(&prog, &mut db, &opts).expect("evaluates");
        let expected = naive(&prog, &facts);
        recursive += usize::from(prog.strata.iter().any(|s| s.recursive));
        aggregated += usize::from(
            prog.rules
                .iter()
                .any(|r| r.body.iter().any(|l| matches!(l, Literal::Aggregate(_)))),
        );
        negated += usize::from(
            prog.rules
                .iter()
                .any(|r| r.body.iter().any(|l| matches!(l, Literal::Negated(_)))),
        );
        derived += prog
            .rules
            .iter()
            .map(|r| expected[&r.head.rel].len())
            .sum::<usize>();
        let show = || sleuth::eval::plan_text(&prog);
        for &(rel, _, _) in &case.rels {
            assert_eq!(
                engine_tuples(&db, rel),
                expected[&rel],
                "case {case_no}, relation {}\n{}",
                prog.relations[rel].name,
                show()
            );
        }
        // More base facts, then evaluate again (continuing or recomputing).
        for _ in 0..1 + rng.below(4) {
            let rel = case.bases[rng.below(case.bases.len())];
            let arity = prog.relations[rel].arity();
            let t: Vec<i64> = (0..arity)
                .map(|_| rng.below(VALUES as usize) as i64)
                .collect();
            db.insert(rel, &t.iter().map(|&n| num(n)).collect::<Vec<_>>())
                .expect("typed");
            facts.push((rel, t));
        }
        evaluate(&prog, &mut db, &opts).expect("evaluates again");
        let expected = naive(&prog, &facts);
        for &(rel, _, _) in &case.rels {
            assert_eq!(
                engine_tuples(&db, rel),
                expected[&rel],
                "case {case_no} after new facts, relation {}\n{}",
                prog.relations[rel].name,
                show()
            );
        }
        case.rels.clear();
    }
    // The generator must exercise what the test claims to test.
    assert!(
        recursive > 100 && negated > 50 && aggregated > 50 && derived > 1000,
        "{recursive} {negated} {aggregated} {derived}"
    );
}
