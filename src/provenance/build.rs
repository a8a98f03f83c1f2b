//! This module defines how a proof is rebuilt on demand, without recursion.
//!
//! To explain tuple `t` of relation `R`, first derived in round `r`: find a
//! rule with head `R` and a body instance that yields `t` using, for positive
//! atoms of `R`'s own stratum, only tuples first derived in rounds before `r`
//! (tuples of lower strata are complete before `R`'s stratum starts), then
//! explain its premises the same way. Rounds fall strictly along every path,
//! so the proof is finite, and its height is the least the evaluation
//! allows. Among the admissible instances the strongest (highest weakest
//! premise) is shown.
//!
//! The strongest proof instead admits only premises at least as confident as
//! the tuple, and among equally confident ones those that reached their
//! confidence earlier (see `fixpoint`): it follows the derivation that gives
//! the conclusion its confidence.

use std::collections::HashMap;
use std::rc::Rc;

use super::ExplainOptions;
use super::assumptions::Absences;
use super::citations::Citations;
use super::confidence::Confidence;
use super::context::{Context, PlanKey};
use super::exec::{Flow, Frame, Instance, Limits, RowId, Visitor};
use super::fixpoint::{Confidences, instance_confidence};
use super::proof::{Binding, CutReason, Node, NodeKind, Proof, RuleRef, Tuple};
use crate::diag::Diagnostic;
use crate::eval::exec::{Ctx, Scratch};
use crate::eval::expr::eval;
use crate::eval::plan::CExpr;
use crate::ir::{Expr, Literal, RelId, Rule, RuleId, Term, VarId};

/// A rule instance chosen to derive a tuple.
struct Derivation {
    rule: RuleId,
    frame: Frame,
}

/// Builds proofs over one context.
pub(crate) struct Builder<'a, 'w> {
    pub cx: &'a mut Context<'w>,
    pub conf: &'a Confidences,
    pub cites: &'a Citations,
    pub opts: &'a ExplainOptions,
    nodes: Vec<Node>,
    memo: HashMap<RowId, Option<Rc<Derivation>>>,
    absences: &'a mut Absences,
}

/// The variables of a rule written outside aggregates, in order.
pub(crate) fn outer_vars(rule: &Rule) -> Vec<VarId> {
    let mut vs = Vec::new();
    for a in &rule.head.args {
        a.vars(&mut vs);
    }
    for l in &rule.body {
        match l {
            Literal::Aggregate(ag) => {
                vs.push(ag.result);
                vs.extend(&ag.outer);
            }
            other => other.vars(&mut vs),
        }
    }
    vs.sort_unstable();
    vs.dedup();
    vs
}

/// A rule as a proof cites it.
pub(crate) fn rule_ref(cx: &Context<'_>, id: RuleId) -> RuleRef {
    let rule = &cx.program.rules[id];
    let (file, line) = cx.location(rule.span);
    RuleRef {
        id,
        file,
        line,
        text: one_line(cx.sources.snippet(rule.span)),
    }
}

/// Text on one line, runs of white space as one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A test as written, with its `!` when negated (the test's span starts at
/// its name).
pub(crate) fn test_text(cx: &Context<'_>, t: &crate::ir::Test) -> String {
    let bang = if t.negated { "!" } else { "" };
    format!("{bang}{}", one_line(cx.sources.snippet(t.span)))
}

/// Evaluates an expression of a rule for a frame's registers.
pub(crate) fn eval_expr(
    cx: &mut Context<'_>,
    rule: &Rule,
    e: &Expr,
    regs: &[u64],
) -> Result<crate::value::Value, Diagnostic> {
    let ce = cx.expr(rule, e)?;
    let w = eval(&ce, regs, &cx.db.interner, &mut cx.scratch).map_err(|d| *d)?;
    Ok(cx.value(w, e.ty(&rule.vars)))
}

/// Picks the best instance found so far.
struct Best<'a> {
    conf: &'a dyn Fn(RelId, u32) -> u16,
    head: &'a [CExpr],
    words: &'a [u64],
    /// Head arguments that are not plain variables must compute the row.
    check: &'a [usize],
    target: u16,
    best: Option<(u16, Frame)>,
}

impl Visitor for Best<'_> {
    fn complete(
        &mut self,
        ctx: &Ctx,
        sc: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        for &i in self.check {
            if inst.eval(&self.head[i], ctx, sc)? != self.words[i] {
                return Ok(Flow::Continue);
            }
        }
        let value = instance_confidence(self.conf, inst);
        if self.best.as_ref().is_none_or(|(b, _)| value > *b) {
            self.best = Some((value, inst.to_frame()));
        }
        Ok(if value >= self.target {
            Flow::Stop
        } else {
            Flow::Continue
        })
    }
}

impl<'a, 'w> Builder<'a, 'w> {
    /// A builder; the confidences of the relations explained must be
    /// computed. What absences assume is kept in `absences` for the next
    /// proof of the same workspace state.
    pub(crate) fn new(
        cx: &'a mut Context<'w>,
        conf: &'a Confidences,
        cites: &'a Citations,
        opts: &'a ExplainOptions,
        absences: &'a mut Absences,
    ) -> Self {
        Builder {
            cx,
            conf,
            cites,
            opts,
            nodes: Vec::new(),
            memo: HashMap::new(),
            absences,
        }
    }

    fn confidence(&self, (rel, id): RowId) -> Confidence {
        Confidence::from_raw(self.conf.get(rel, id))
    }

    fn tuple(&self, row: RowId) -> Tuple {
        Tuple {
            relation: self.cx.program.relations[row.0].name.clone(),
            values: self.cx.values(row),
        }
    }

    fn round(&self, (rel, id): RowId) -> Option<u32> {
        self.cx.db.rels[rel]
            .rounds
            .as_ref()
            .and_then(|r| r.get(id as usize).copied())
    }

    fn is_leaf(&self, row: RowId) -> bool {
        if self.cx.rules_of[row.0].is_empty() {
            return true;
        }
        if self.opts.strongest {
            self.cites.is_base(row.0, row.1)
                && self.cites.confidence(row.0, row.1).permille() >= self.conf.get(row.0, row.1)
        } else {
            self.round(row) == Some(0)
        }
    }

    fn push(
        &mut self,
        kind: NodeKind,
        confidence: Option<Confidence>,
        literal: Option<usize>,
    ) -> usize {
        self.nodes.push(Node {
            kind,
            confidence,
            independent_sources: None,
            literal,
            children: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// The proof of one stored row.
    pub(crate) fn build(mut self, root: RowId) -> Result<Proof, Diagnostic> {
        let placeholder = NodeKind::Match { index: 0 };
        self.push(placeholder.clone(), None, None);
        let mut work: Vec<(usize, RowId, usize)> = vec![(0, root, 0)];
        while let Some((n, row, depth)) = work.pop() {
            let tuple = self.tuple(row);
            let confidence = Some(self.confidence(row));
            self.nodes[n].confidence = confidence;
            if self.is_leaf(row) {
                self.nodes[n].kind = NodeKind::Fact {
                    tuple,
                    citations: self.cites.of(row.0, row.1),
                };
                continue;
            }
            if depth >= self.opts.max_depth {
                self.nodes[n].kind = NodeKind::Cut {
                    tuple,
                    reason: CutReason::Depth(self.opts.max_depth),
                };
                continue;
            }
            if self.nodes.len() >= self.opts.max_nodes {
                self.nodes[n].kind = NodeKind::Cut {
                    tuple,
                    reason: CutReason::Size(self.opts.max_nodes),
                };
                continue;
            }
            let Some(d) = self.derivation(row)? else {
                self.nodes[n].kind = NodeKind::Unexplained { tuple };
                continue;
            };
            let rule_id = d.rule;
            let program = self.cx.program;
            let rule = &program.rules[rule_id];
            let bindings: Vec<Binding> = outer_vars(rule)
                .into_iter()
                .filter(|&v| !rule.vars[v].name.starts_with('$'))
                .map(|v| Binding {
                    name: rule.vars[v].name.clone(),
                    value: self.cx.value(d.frame.regs[v], rule.vars[v].ty),
                })
                .collect();
            self.nodes[n].kind = NodeKind::Derived {
                tuple,
                rule: rule_ref(self.cx, rule_id),
                bindings,
            };
            let mut children = Vec::new();
            let mut pending = Vec::new();
            for pos in 0..rule.body.len() {
                self.premise(rule_id, pos, &d.frame, depth, &mut children, &mut pending)?;
            }
            self.nodes[n].children = children;
            // Explain the first premise first (the stack pops the last).
            work.extend(pending.into_iter().rev());
        }
        // A whole proof that assumes no absence of an event grounds its
        // conclusion; otherwise (or when parts are cut) the explainer asks
        // whether another derivation does.
        let grounded = !self.nodes.iter().any(|n| match &n.kind {
            NodeKind::Absent(a) => a.is_event(),
            NodeKind::Cut { .. } | NodeKind::Unexplained { .. } => true,
            _ => false,
        });
        Ok(Proof {
            nodes: self.nodes,
            strongest: self.opts.strongest,
            grounded,
        })
    }

    /// Adds the node of body literal `pos` of a rule instance.
    fn premise(
        &mut self,
        rule_id: RuleId,
        pos: usize,
        frame: &Frame,
        depth: usize,
        children: &mut Vec<usize>,
        pending: &mut Vec<(usize, RowId, usize)>,
    ) -> Result<(), Diagnostic> {
        let program = self.cx.program;
        let rule = &program.rules[rule_id];
        let placeholder = NodeKind::Match { index: 0 };
        match &rule.body[pos] {
            Literal::Atom(_) => {
                if let Some(row) = frame.rows[pos] {
                    let c = self.push(placeholder, None, Some(pos));
                    children.push(c);
                    pending.push((c, row, depth + 1));
                }
            }
            Literal::Negated(a) => {
                let values = a
                    .args
                    .iter()
                    .map(|t| match t {
                        Term::Var(v) => Some(self.cx.value(frame.regs[*v], rule.vars[*v].ty)),
                        Term::Const(c) => Some(c.clone()),
                        Term::Wildcard => None,
                    })
                    .collect();
                let assumption = self
                    .absences
                    .assumption(program, self.cx.db, self.cites, a.rel, values);
                let kind = NodeKind::Absent(assumption);
                children.push(self.push(kind, None, Some(pos)));
            }
            Literal::Compare(c) => {
                let left = eval_expr(self.cx, rule, &c.left, &frame.regs)?;
                let right = eval_expr(self.cx, rule, &c.right, &frame.regs)?;
                let kind = NodeKind::Comparison {
                    text: one_line(self.cx.sources.snippet(c.span)),
                    op: c.op,
                    left,
                    right,
                };
                children.push(self.push(kind, None, Some(pos)));
            }
            Literal::Test(t) => {
                let mut args = Vec::new();
                for e in &t.args {
                    args.push(eval_expr(self.cx, rule, e, &frame.regs)?);
                }
                let kind = NodeKind::Test {
                    text: test_text(self.cx, t),
                    args,
                };
                children.push(self.push(kind, None, Some(pos)));
            }
            Literal::Aggregate(ag) => {
                let Some(found) = &frame.aggs[pos] else {
                    return Ok(());
                };
                let group = ag
                    .outer
                    .iter()
                    .filter(|&&v| !rule.vars[v].name.starts_with('$'))
                    .map(|&v| Binding {
                        name: rule.vars[v].name.clone(),
                        value: self.cx.value(frame.regs[v], rule.vars[v].ty),
                    })
                    .collect();
                let kind = NodeKind::Aggregate {
                    text: one_line(self.cx.sources.snippet(ag.span)),
                    op: ag.op,
                    group,
                    result: self.cx.value(found.value, ag.ty),
                    total: found.total,
                };
                let weakest = Some(Confidence::from_raw(found.weakest));
                let a = self.push(kind, weakest, Some(pos));
                children.push(a);
                let atoms = ag
                    .body
                    .iter()
                    .filter(|l| matches!(l, Literal::Atom(_)))
                    .count();
                let mut inner = Vec::new();
                for (i, m) in found.matches.iter().enumerate() {
                    if atoms == 1 {
                        for &(_, row) in m {
                            let c = self.push(placeholder.clone(), None, None);
                            inner.push(c);
                            pending.push((c, row, depth + 1));
                        }
                    } else {
                        let mnode = self.push(NodeKind::Match { index: i + 1 }, None, None);
                        inner.push(mnode);
                        let mut kids = Vec::new();
                        for &(_, row) in m {
                            let c = self.push(placeholder.clone(), None, None);
                            kids.push(c);
                            pending.push((c, row, depth + 1));
                        }
                        self.nodes[mnode].children = kids;
                    }
                }
                self.nodes[a].children = inner;
            }
        }
        Ok(())
    }

    /// The rule instance that explains a derived row, chosen once per row.
    fn derivation(&mut self, row: RowId) -> Result<Option<Rc<Derivation>>, Diagnostic> {
        if let Some(d) = self.memo.get(&row) {
            return Ok(d.clone());
        }
        let mut found = None;
        if self.opts.strongest {
            found = self.search(row, true)?;
        }
        if found.is_none() {
            found = self.search(row, false)?;
        }
        let found = found.map(Rc::new);
        self.memo.insert(row, found.clone());
        Ok(found)
    }

    fn search(
        &mut self,
        (rel, id): RowId,
        strongest: bool,
    ) -> Result<Option<Derivation>, Diagnostic> {
        let target = self.conf.get(rel, id);
        let round = self.round((rel, id));
        if !strongest && round.is_none() {
            return Ok(None);
        }
        let round = round.unwrap_or(0);
        let stamp = self.conf.stamp(rel, id);
        let stratum = self.cx.stratum.clone();
        let own = stratum[rel];
        let db = self.cx.db;
        let conf = self.conf;
        let admit_rounds = |q: RelId, qid: u32| {
            stratum[q] != own
                || db.rels[q]
                    .rounds
                    .as_ref()
                    .and_then(|r| r.get(qid as usize))
                    .is_some_and(|&qr| qr < round)
        };
        let admit_strong = |q: RelId, qid: u32| {
            let c = conf.get(q, qid);
            c >= target && (stratum[q] != own || c > target || conf.stamp(q, qid) < stamp)
        };
        let admit: &dyn Fn(RelId, u32) -> bool = if strongest {
            &admit_strong
        } else {
            &admit_rounds
        };
        let words: Vec<u64> = self.cx.row((rel, id)).to_vec();
        let open: Vec<Option<u64>> = words.iter().map(|&w| Some(w)).collect();
        let lookup = |q: RelId, qid: u32| conf.get(q, qid);
        let mut best: Option<(u16, RuleId, Frame)> = None;
        for rule_id in self.cx.rules_of[rel].clone() {
            let Some((frame, _)) = self.cx.bind_head(rule_id, &open) else {
                continue;
            };
            let plan = self.cx.plan(PlanKey::Head(rule_id))?;
            let head = self.cx.head(rule_id)?;
            let check: Vec<usize> = self.cx.program.rules[rule_id]
                .head
                .args
                .iter()
                .enumerate()
                .filter(|(_, a)| !matches!(a, Expr::Var(_) | Expr::Const(_)))
                .map(|(i, _)| i)
                .collect();
            let visitor = Best {
                conf: &lookup,
                head: &head,
                words: &words,
                check: &check,
                target,
                best: None,
            };
            let limits = Limits {
                admit,
                confidence: Some(&lookup),
                keep: self.opts.aggregate_limit,
                budget: self.opts.search_budget,
            };
            let visitor = self.cx.search(&plan, frame, &limits, visitor)?.visitor;
            if let Some((value, frame)) = visitor.best
                && best.as_ref().is_none_or(|(b, _, _)| value > *b)
            {
                best = Some((value, rule_id, frame));
            }
            if best.as_ref().is_some_and(|(b, _, _)| *b >= target) {
                break;
            }
        }
        Ok(match best {
            Some((value, rule, frame)) if !strongest || value >= target => {
                Some(Derivation { rule, frame })
            }
            _ => None,
        })
    }
}
