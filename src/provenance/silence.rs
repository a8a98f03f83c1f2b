//! This module defines which tuples rest on silence: those with no
//! derivation free of an assumed absence of an event. It is a fixpoint over
//! the rules like the confidences' (`fixpoint`), over two values:
//!
//! ```text
//! grounded(base fact)     = true
//! grounded(rule instance) = its rule negates no relation about events, and
//!                           every tuple its positive atoms match, or an
//!                           aggregate in it counted, is grounded
//! grounded(tuple)         = some instance deriving it is grounded
//! ```
//!
//! A tuple that is not grounded rests on silence: every way the loaded facts
//! give it assumes that an event the sources do not record did not happen.
//! A query's answer rests on silence when no binding of the query's body
//! that gives it is grounded (a query that negates a relation about events
//! has none).

use super::Explainer;
use super::assumptions::absence_kind_in;
use super::citations::Citations;
use super::context::{Context, PlanKey};
use super::exec::{Flow, Frame, Instance, Limits, Visitor, admit_all};
use super::fixpoint::instance_confidence;
use crate::diag::Diagnostic;
use crate::eval::exec::{Ctx, Scratch};
use crate::eval::plan::{CExpr, Step};
use crate::io::data::FactKind;
use crate::ir::{Literal, RelId, Rule, RuleId};
use crate::session::{Answers, Error};

/// Which tuples are grounded, computed for the relations asked about (and
/// those they rest on), kept for the explainer's workspace state.
#[derive(Default)]
pub(crate) struct Grounded {
    grounded: Vec<Option<Vec<bool>>>,
}

/// `1000` for a grounded row, `0` otherwise: the value the confidences'
/// instance rule (the weakest premise) combines into "all grounded".
fn as_value(grounded: &[Option<Vec<bool>>], rel: RelId, id: u32) -> u16 {
    match grounded.get(rel).and_then(|g| g.as_ref()) {
        Some(rows) if rows.get(id as usize).copied().unwrap_or(false) => 1000,
        _ => 0,
    }
}

/// Whether a body negates a relation about events (aggregate bodies
/// included).
fn negates_an_event(cx: &Context<'_>, body: &[Literal]) -> bool {
    body.iter().any(|l| match l {
        Literal::Negated(a) => absence_kind_in(cx.program, cx.db, a.rel) == FactKind::Event,
        Literal::Aggregate(ag) => negates_an_event(cx, &ag.body),
        _ => false,
    })
}

/// Collects the head rows of grounded instances.
struct Collect<'a> {
    value: &'a dyn Fn(RelId, u32) -> u16,
    head: &'a [CExpr],
    rel: RelId,
    found: Vec<u32>,
    words: Vec<u64>,
}

impl Visitor for Collect<'_> {
    fn complete(
        &mut self,
        ctx: &Ctx,
        sc: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        if instance_confidence(self.value, inst) > 0 {
            self.words.clear();
            for e in self.head {
                let w = inst.eval(e, ctx, sc)?;
                self.words.push(w);
            }
            if let Some(id) = ctx.rels[self.rel].find(&self.words) {
                self.found.push(id);
            }
        }
        Ok(Flow::Continue)
    }
}

/// Stops at the first grounded instance.
struct AnyGrounded<'a> {
    value: &'a dyn Fn(RelId, u32) -> u16,
    found: bool,
}

impl Visitor for AnyGrounded<'_> {
    fn complete(
        &mut self,
        _: &Ctx,
        _: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        if instance_confidence(self.value, inst) > 0 {
            self.found = true;
            return Ok(Flow::Stop);
        }
        Ok(Flow::Continue)
    }
}

impl Grounded {
    /// Whether a row is grounded (false when not computed).
    pub(crate) fn is_grounded(&self, rel: RelId, id: u32) -> bool {
        as_value(&self.grounded, rel, id) > 0
    }

    /// Computes `rel` and every relation it rests on.
    pub(crate) fn ensure(
        &mut self,
        cx: &mut Context<'_>,
        cites: &Citations,
        rel: RelId,
    ) -> Result<(), Diagnostic> {
        let n = cx.program.relations.len();
        if self.grounded.len() < n {
            self.grounded.resize(n, None);
        }
        if self.grounded[rel].is_some() {
            return Ok(());
        }
        let cone = super::fixpoint::cone(cx, rel);
        for &r in &cone {
            if cx.stratum[r] == usize::MAX && self.grounded[r].is_none() {
                self.grounded[r] = Some(vec![true; cx.db.len(r)]);
            }
        }
        for s in 0..cx.program.strata.len() {
            let stratum = &cx.program.strata[s];
            if stratum
                .relations
                .iter()
                .any(|r| cone.contains(r) && self.grounded[*r].is_none())
            {
                self.stratum(cx, cites, s)?;
            }
        }
        Ok(())
    }

    fn stratum(
        &mut self,
        cx: &mut Context<'_>,
        cites: &Citations,
        s: usize,
    ) -> Result<(), Diagnostic> {
        let stratum = &cx.program.strata[s];
        let rels = stratum.relations.clone();
        let rules: Vec<RuleId> = stratum
            .rules
            .iter()
            .copied()
            .filter(|&r| !negates_an_event(cx, &cx.program.rules[r].body))
            .collect();
        for &rel in &rels {
            let rows = (0..cx.db.len(rel) as u32)
                .map(|id| cites.is_base(rel, id))
                .collect();
            self.grounded[rel] = Some(rows);
        }
        let mut delta: Vec<(RelId, u32)> = Vec::new();
        for &rule in &rules {
            let plan = cx.plan(PlanKey::Free(rule))?;
            let r = &cx.program.rules[rule];
            let frame = Frame::new(r.vars.len(), r.body.len());
            self.instances(cx, rule, &plan, frame, &mut delta)?;
        }
        while !delta.is_empty() {
            let mut current = std::mem::take(&mut delta);
            current.sort_unstable();
            current.dedup();
            for &rule in &rules {
                let positions: Vec<(usize, RelId)> = cx.program.rules[rule]
                    .body
                    .iter()
                    .enumerate()
                    .filter_map(|(p, l)| match l {
                        Literal::Atom(a) if rels.contains(&a.rel) => Some((p, a.rel)),
                        _ => None,
                    })
                    .collect();
                for (pos, rel) in positions {
                    let plan = cx.plan(PlanKey::Pinned(rule, pos))?;
                    for &(r, id) in &current {
                        if r != rel {
                            continue;
                        }
                        let Some(frame) = cx.pin(rule, pos, id) else {
                            continue;
                        };
                        self.instances(cx, rule, &plan, frame, &mut delta)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Marks the head rows of a rule's grounded instances from a frame,
    /// adding those newly grounded to `delta`.
    fn instances(
        &mut self,
        cx: &mut Context<'_>,
        rule: RuleId,
        steps: &[Step],
        frame: Frame,
        delta: &mut Vec<(RelId, u32)>,
    ) -> Result<(), Diagnostic> {
        let head = cx.head(rule)?;
        let rel = cx.program.rules[rule].head.rel;
        let grounded = &self.grounded;
        let value = |r: RelId, id: u32| as_value(grounded, r, id);
        let visitor = Collect {
            value: &value,
            head: &head,
            rel,
            found: Vec::new(),
            words: Vec::new(),
        };
        let limits = Limits {
            admit: &admit_all,
            confidence: Some(&value),
            keep: 0,
            budget: u64::MAX,
        };
        let found = cx.search(steps, frame, &limits, visitor)?.visitor.found;
        let rows = self.grounded[rel]
            .as_mut()
            .expect("the stratum's relations are set up first");
        for id in found {
            if !rows[id as usize] {
                rows[id as usize] = true;
                delta.push((rel, id));
            }
        }
        Ok(())
    }
}

/// See [`Explainer::answers_resting_on_silence`]: for each answer, whether
/// no grounded binding of the query's body gives it.
pub(super) fn answers(
    ex: &mut Explainer<'_>,
    rule: &Rule,
    columns: &[usize],
    answers: &Answers,
) -> Result<Vec<bool>, Diagnostic> {
    let mut rels = Vec::new();
    positive_reads(&rule.body, &mut rels);
    let Explainer {
        cx,
        cites,
        grounded,
        ..
    } = &mut *ex;
    if negates_an_event(cx, &rule.body) {
        return Ok(vec![true; answers.rows.len()]);
    }
    for &r in &rels {
        grounded.ensure(cx, cites, r)?;
    }
    let mut bound = vec![false; rule.vars.len()];
    for &v in columns {
        bound[v] = true;
    }
    let plan = cx.plan_rule(rule, bound, None)?;
    let value = |r: RelId, id: u32| as_value(&grounded.grounded, r, id);
    let limits = Limits {
        admit: &admit_all,
        confidence: Some(&value),
        keep: 0,
        budget: u64::MAX,
    };
    let mut out = Vec::with_capacity(answers.rows.len());
    for row in &answers.rows {
        let mut frame = Frame::new(rule.vars.len(), rule.body.len());
        for (&v, value) in columns.iter().zip(row) {
            frame.regs[v] = cx.word(value);
        }
        let visitor = AnyGrounded {
            value: &value,
            found: false,
        };
        let found = cx.search(&plan, frame, &limits, visitor)?.visitor.found;
        out.push(!found);
    }
    Ok(out)
}

fn positive_reads(body: &[Literal], out: &mut Vec<RelId>) {
    for l in body {
        match l {
            Literal::Atom(a) => out.push(a.rel),
            Literal::Aggregate(ag) => positive_reads(&ag.body, out),
            _ => {}
        }
    }
}

/// Turns an error of the search into the explainer's error type.
pub(super) fn internal(ex: &Explainer<'_>, d: Diagnostic) -> Error {
    Error {
        diagnostics: d.into(),
        sources: ex.ws.sources().clone(),
    }
}
