//! This module defines [`WhyNot`]: why a fact does not hold. For each rule
//! that could derive it, the rule's body is matched in the order it is
//! written, with the fact's constants bound in the head; the answer is the
//! first literal that fails for the binding that got furthest (the closest
//! miss), with that binding and the literals that held before it. For a
//! relation no rule derives, the stored facts closest to it are listed.

use super::ExplainOptions;
use super::build::{eval_expr, one_line, outer_vars, rule_ref, test_text};
use super::context::Context;
use super::exec::{Flow, Instance, Limits, Visitor, admit_all};
use super::proof::{Binding, RuleRef, Tuple};
use super::target::{Arg, Target};
use crate::diag::Diagnostic;
use crate::eval::exec::{Ctx, Scratch};
use crate::eval::plan::Step;
use crate::ir::{Expr, Literal, RelId, Rule, RuleId, Term};
use crate::value::Value;

/// Why a fact does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyNot {
    /// The fact asked about, as Datalog (variables and `_` allowed).
    pub fact: String,
    /// The stored tuples that match it (when it holds after all).
    pub holds: Vec<Tuple>,
    /// One attempt per rule deriving the relation.
    pub attempts: Vec<Attempt>,
    /// For a relation no rule derives: the stored facts agreeing with the
    /// most constants of the fact.
    pub closest: Vec<Tuple>,
    /// How the text form words the next question to ask.
    pub follow_up: super::FollowUp,
}

/// How one rule fails to derive the fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The rule.
    pub rule: RuleRef,
    /// What stops it.
    pub outcome: Outcome,
    /// The closest binding: the variables bound when it stopped.
    pub bindings: Vec<Binding>,
    /// The body literals that held for that binding, instantiated.
    pub held: Vec<String>,
    /// Whether the search was stopped by its work bound (the closest miss
    /// shown is the closest found).
    pub exhausted: bool,
}

/// What stops a rule from deriving the fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The rule's head cannot produce the fact.
    Head {
        /// Why, in words.
        reason: String,
    },
    /// A body literal fails.
    Fails {
        /// Its position in the body.
        literal: usize,
        /// As written.
        text: String,
        /// With the closest binding's values.
        instantiated: String,
        /// Why it fails, in words.
        reason: String,
        /// For an atom of a derived relation: the fact to ask `whynot` next.
        next: Option<String>,
    },
    /// The body holds, but the head computes other values.
    Differs {
        /// A tuple the rule does derive there.
        derived: Tuple,
    },
    /// The rule derives the fact.
    Derives,
}

/// The furthest a rule's body got.
struct Furthest<'a> {
    /// Target words per head column (`None`: open).
    words: &'a [Option<u64>],
    /// Groups of head columns a repeated variable of the fact ties together.
    ties: &'a [Vec<usize>],
    head: &'a [crate::eval::plan::CExpr],
    best_k: Option<usize>,
    best: Option<Vec<u64>>,
    derived: Option<Vec<u64>>,
    derives: bool,
}

impl Visitor for Furthest<'_> {
    fn reached(&mut self, k: usize, regs: &[u64]) {
        if self.best_k.is_none_or(|b| k > b) {
            self.best_k = Some(k);
            self.best = Some(regs.to_vec());
        }
    }

    fn complete(
        &mut self,
        ctx: &Ctx,
        sc: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        let mut words = Vec::with_capacity(self.head.len());
        for e in self.head {
            words.push(inst.eval(e, ctx, sc)?);
        }
        let fits = words
            .iter()
            .zip(self.words)
            .all(|(w, t)| t.is_none_or(|t| t == *w))
            && self
                .ties
                .iter()
                .all(|g| g.iter().all(|&i| words[i] == words[g[0]]));
        if fits {
            self.derives = true;
            return Ok(Flow::Stop);
        }
        if self.derived.is_none() {
            self.derived = Some(words);
        }
        Ok(Flow::Continue)
    }
}

/// Explains why the target does not hold.
pub(crate) fn whynot(
    cx: &mut Context<'_>,
    target: &Target,
    opts: &ExplainOptions,
) -> Result<WhyNot, Diagnostic> {
    let rel = target.rel;
    let relation = cx.program.relations[rel].name.clone();
    let fact = format!(
        "{relation}({})",
        target
            .args
            .iter()
            .map(|a| match a {
                Arg::Value(v) => v.to_datalog(),
                Arg::Var(n) => n.clone(),
                Arg::Wildcard => "_".into(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let words: Vec<Option<u64>> = target
        .args
        .iter()
        .map(|a| match a {
            Arg::Value(v) => Some(cx.word(v)),
            _ => None,
        })
        .collect();
    let mut ties: Vec<Vec<usize>> = Vec::new();
    for (i, a) in target.args.iter().enumerate() {
        if let Arg::Var(n) = a {
            match ties
                .iter_mut()
                .find(|g| target.args[g[0]] == Arg::Var(n.clone()))
            {
                Some(g) => g.push(i),
                None => ties.push(vec![i]),
            }
        }
    }
    ties.retain(|g| g.len() > 1);
    let holds = matching(cx, rel, &words, &ties, opts.aggregate_limit);
    let mut attempts = Vec::new();
    for rule_id in cx.rules_of[rel].clone() {
        attempts.push(attempt(cx, rule_id, &words, &ties, opts)?);
    }
    let closest = if cx.rules_of[rel].is_empty() && holds.is_empty() {
        closest(cx, rel, &words, 5)
    } else {
        Vec::new()
    };
    Ok(WhyNot {
        fact,
        holds,
        attempts,
        closest,
        follow_up: opts.follow_up,
    })
}

fn tuple_of(cx: &Context<'_>, rel: RelId, id: u32) -> Tuple {
    Tuple {
        relation: cx.program.relations[rel].name.clone(),
        values: cx.values((rel, id)),
    }
}

/// Stored tuples matching the fact's constants and repeated variables, the
/// first `limit` in value order (as a query's answers are listed).
fn matching(
    cx: &Context<'_>,
    rel: RelId,
    words: &[Option<u64>],
    ties: &[Vec<usize>],
    limit: usize,
) -> Vec<Tuple> {
    let r = &cx.db.rels[rel];
    let ids = (0..r.len() as u32).filter(|&id| {
        let row = r.row(id as usize);
        row.iter()
            .zip(words)
            .all(|(w, t)| t.is_none_or(|t| t == *w))
            && ties.iter().all(|g| g.iter().all(|&i| row[i] == row[g[0]]))
    });
    first_in_order(cx, rel, ids, limit)
}

/// The tuples of `ids`, sorted by value, the first `limit` of them: the
/// order rows were stored in is the order they were derived in, which
/// means nothing to the reader.
fn first_in_order(
    cx: &Context<'_>,
    rel: RelId,
    ids: impl Iterator<Item = u32>,
    limit: usize,
) -> Vec<Tuple> {
    let mut tuples: Vec<Tuple> = ids.map(|id| tuple_of(cx, rel, id)).collect();
    tuples.sort_by(|a, b| a.values.cmp(&b.values));
    tuples.truncate(limit);
    tuples
}

/// Stored tuples agreeing with the most constants (at least one).
fn closest(cx: &Context<'_>, rel: RelId, words: &[Option<u64>], limit: usize) -> Vec<Tuple> {
    let r = &cx.db.rels[rel];
    let score = |id: u32| {
        r.row(id as usize)
            .iter()
            .zip(words)
            .filter(|(w, t)| **t == Some(**w))
            .count()
    };
    let best = (0..r.len() as u32).map(score).max().unwrap_or(0);
    if best == 0 {
        return Vec::new();
    }
    let ids = (0..r.len() as u32).filter(|&id| score(id) == best);
    first_in_order(cx, rel, ids, limit)
}

fn attempt(
    cx: &mut Context<'_>,
    rule_id: RuleId,
    words: &[Option<u64>],
    ties: &[Vec<usize>],
    opts: &ExplainOptions,
) -> Result<Attempt, Diagnostic> {
    let program = cx.program;
    let rule = &program.rules[rule_id];
    let rref = rule_ref(cx, rule_id);
    let named = |v: usize| !rule.vars[v].name.starts_with('$');
    let Some((frame, bound)) = cx.bind_head(rule_id, words) else {
        return Ok(Attempt {
            rule: rref,
            outcome: Outcome::Head {
                reason: head_mismatch(cx, rule, words),
            },
            bindings: Vec::new(),
            held: Vec::new(),
            exhausted: false,
        });
    };
    let plan = cx.plan_written(rule_id, bound)?;
    let head = cx.head(rule_id)?;
    let visitor = Furthest {
        words,
        ties,
        head: &head,
        best_k: None,
        best: None,
        derived: None,
        derives: false,
    };
    let limits = Limits {
        admit: &admit_all,
        confidence: None,
        keep: opts.aggregate_limit,
        budget: opts.search_budget,
    };
    let start = frame.regs.clone();
    let searched = cx.search(&plan.steps, frame, &limits, visitor)?;
    let (mut visitor, exhausted) = (searched.visitor, searched.exhausted);
    let k = visitor.best_k.unwrap_or(0);
    let best = visitor.best.take().unwrap_or(start);
    let bound_now = &plan.bound_before[k.min(plan.bound_before.len() - 1)];
    let outer = outer_vars(rule);
    let bindings = outer
        .iter()
        .filter(|&&v| bound_now[v] && named(v))
        .map(|&v| Binding {
            name: rule.vars[v].name.clone(),
            value: cx.value(best[v], rule.vars[v].ty),
        })
        .collect();
    let mut held = Vec::new();
    for (i, &pos) in plan.lits[..k.min(plan.lits.len())].iter().enumerate() {
        held.push(instantiate(
            cx,
            rule,
            pos,
            &best,
            &plan.bound_before[i + 1],
        )?);
    }
    let outcome = if visitor.derives {
        Outcome::Derives
    } else if let Some(w) = visitor.derived.take() {
        let rel = rule.head.rel;
        Outcome::Differs {
            derived: Tuple {
                relation: program.relations[rel].name.clone(),
                values: w
                    .iter()
                    .zip(&cx.db.rels[rel].types)
                    .map(|(&w, &t)| cx.value(w, t))
                    .collect(),
            },
        }
    } else if let Some(step) = plan.steps.get(k) {
        let pos = plan.lits[k];
        failure(cx, rule, pos, step, &best, &plan.bound_before[k], opts)?
    } else {
        Outcome::Head {
            reason: "the search stopped before the body was matched".to_string(),
        }
    };
    Ok(Attempt {
        rule: rref,
        outcome,
        bindings,
        held,
        exhausted,
    })
}

fn head_mismatch(cx: &Context<'_>, rule: &Rule, words: &[Option<u64>]) -> String {
    let types = &cx.db.rels[rule.head.rel].types;
    let mut seen: Vec<(usize, u64)> = Vec::new();
    for (i, (a, w)) in rule.head.args.iter().zip(words).enumerate() {
        let Some(w) = *w else { continue };
        let column = &cx.program.relations[rule.head.rel].columns[i].name;
        match a {
            Expr::Const(c) => {
                return format!(
                    "its head gives {column} = {}, not {}",
                    c.to_datalog(),
                    cx.value(w, types[i]).to_datalog()
                );
            }
            Expr::Var(v) => match seen.iter().find(|(sv, _)| sv == v) {
                Some((_, sw)) if *sw != w => {
                    return format!(
                        "its head uses {} for two columns, which would be both {} and {}",
                        rule.vars[*v].name,
                        cx.value(*sw, types[i]).to_datalog(),
                        cx.value(w, types[i]).to_datalog()
                    );
                }
                _ => seen.push((*v, w)),
            },
            _ => {}
        }
    }
    "its head cannot produce this fact".to_string()
}

/// A body literal with the bound variables replaced by their values.
fn instantiate(
    cx: &mut Context<'_>,
    rule: &Rule,
    pos: usize,
    regs: &[u64],
    bound: &[bool],
) -> Result<String, Diagnostic> {
    let term = |cx: &Context<'_>, t: &Term| match t {
        Term::Var(v) if bound[*v] => cx.value(regs[*v], rule.vars[*v].ty).to_datalog(),
        Term::Var(v) if rule.vars[*v].name.starts_with('$') => "_".to_string(),
        Term::Var(v) => rule.vars[*v].name.clone(),
        Term::Const(c) => c.to_datalog(),
        Term::Wildcard => "_".to_string(),
    };
    Ok(match &rule.body[pos] {
        Literal::Atom(a) | Literal::Negated(a) => {
            let args: Vec<String> = a.args.iter().map(|t| term(cx, t)).collect();
            let bang = if matches!(rule.body[pos], Literal::Negated(_)) {
                "!"
            } else {
                ""
            };
            format!(
                "{bang}{}({})",
                cx.program.relations[a.rel].name,
                args.join(", ")
            )
        }
        Literal::Compare(c) => {
            let text = one_line(cx.sources.snippet(c.span));
            let side = |cx: &mut Context<'_>, e: &Expr| -> Result<Option<Value>, Diagnostic> {
                let mut vs = Vec::new();
                e.vars(&mut vs);
                if vs.iter().all(|v| bound[*v]) {
                    eval_expr(cx, rule, e, regs).map(Some)
                } else {
                    Ok(None)
                }
            };
            match (side(cx, &c.left)?, side(cx, &c.right)?) {
                (Some(l), Some(r)) => format!(
                    "{text}  ({} {} {})",
                    l.to_datalog(),
                    c.op.symbol(),
                    r.to_datalog()
                ),
                _ => text,
            }
        }
        Literal::Test(t) => test_text(cx, t),
        Literal::Aggregate(ag) => one_line(cx.sources.snippet(ag.span)),
    })
}

/// Why the step a closest binding stopped at fails.
fn failure(
    cx: &mut Context<'_>,
    rule: &Rule,
    pos: usize,
    step: &Step,
    best: &[u64],
    bound: &[bool],
    opts: &ExplainOptions,
) -> Result<Outcome, Diagnostic> {
    let text = match &rule.body[pos] {
        Literal::Atom(a) | Literal::Negated(a) => one_line(cx.sources.snippet(a.span)),
        Literal::Compare(c) => one_line(cx.sources.snippet(c.span)),
        Literal::Test(t) => test_text(cx, t),
        Literal::Aggregate(ag) => one_line(cx.sources.snippet(ag.span)),
    };
    let instantiated = instantiate(cx, rule, pos, best, bound)?;
    let mut next = None;
    let reason = match (&rule.body[pos], step) {
        (Literal::Atom(a), _) => {
            let derived = !cx.rules_of[a.rel].is_empty();
            if derived {
                next = Some(instantiated.clone());
            }
            format!(
                "no {} tuple matches {instantiated}",
                if derived { "derived" } else { "stored" }
            )
        }
        (Literal::Negated(a), _) => {
            let words: Vec<Option<u64>> = a
                .args
                .iter()
                .map(|t| match t {
                    Term::Var(v) => Some(best[*v]),
                    Term::Const(c) => Some(cx.word(c)),
                    Term::Wildcard => None,
                })
                .collect();
            match matching(cx, a.rel, &words, &[], 1).pop() {
                Some(t) => format!("{t} holds"),
                None => "the negated fact holds".to_string(),
            }
        }
        (Literal::Compare(c), _) => {
            let left = eval_expr(cx, rule, &c.left, best)?;
            let right = eval_expr(cx, rule, &c.right, best)?;
            format!(
                "{} {} {} is false",
                left.to_datalog(),
                c.op.symbol(),
                right.to_datalog()
            )
        }
        (Literal::Test(t), _) => {
            let mut args = Vec::new();
            for e in &t.args {
                args.push(eval_expr(cx, rule, e, best)?.to_datalog());
            }
            let call = format!("{}({})", t.predicate.name(), args.join(", "));
            if t.negated {
                format!("{call} is true")
            } else {
                format!("{call} is false")
            }
        }
        (Literal::Aggregate(ag), Step::Aggregate(step)) => {
            let limits = Limits {
                admit: &admit_all,
                confidence: None,
                keep: opts.aggregate_limit,
                budget: opts.search_budget,
            };
            match cx.aggregate(step, best, &limits)? {
                None => format!("the group of {} is empty", ag.op.name()),
                Some(f) => {
                    let value = cx.value(f.value, ag.ty);
                    let wanted = cx.value(best[ag.result], ag.ty);
                    format!(
                        "{} is {} over {} match{}, not {}",
                        ag.op.name(),
                        value.to_datalog(),
                        f.total,
                        if f.total == 1 { "" } else { "es" },
                        wanted.to_datalog()
                    )
                }
            }
        }
        _ => "it fails".to_string(),
    };
    Ok(Outcome::Fails {
        literal: pos,
        text,
        instantiated,
        reason,
        next,
    })
}
