//! This module defines [`Confidences`]: the confidence of every tuple of the
//! evaluated database, computed as a fixpoint over the rules. The same
//! fixpoint counts independent sources and decides which tuples rest on
//! silence (see [`Measure`]).
//!
//! ```text
//! conf(base fact)     = its best grade's number (ungraded facts: 1000, "certain")
//! conf(rule instance) = min over its positive premises, and over every tuple an
//!                       aggregate in it counted (negations and comparisons: no effect)
//! conf(tuple)         = max(conf as a base fact, max over its rule instances)
//! ```
//!
//! Strata are computed in order, each semi-naively: a first pass over every
//! instance of its rules, then passes over the instances that use a tuple
//! whose confidence rose in the previous pass, until none rises. Values only
//! rise and come from a finite set (the grades present), so this ends.
//!
//! Each rise is stamped with a counter. When a tuple reaches its final value,
//! the instance that gave it used premises that either have a higher value or
//! already had their final value, with an earlier stamp; the strongest proof
//! follows exactly those premises and so is finite.

use super::citations::Citations;
use super::context::{Context, PlanKey};
use super::exec::{Flow, Frame, Instance, Limits, Visitor, admit_all};
use crate::diag::Diagnostic;
use crate::eval::exec::{Ctx, Scratch};
use crate::eval::plan::{CExpr, Step};
use crate::ir::{Literal, RelId, RuleId};
use crate::session::Workspace;

/// The confidence of tuples of one workspace state (one
/// [`Workspace::generation`]), computed for the relations asked about (and
/// those they rest on), kept for reuse.
pub struct Confidences {
    generation: u64,
    /// What is computed: confidences, or counts of independent sources.
    measure: Measure,
    conf: Vec<Vec<u16>>,
    stamp: Vec<Vec<u32>>,
    done: Vec<bool>,
    counter: u32,
}

/// What a [`Confidences`] table holds for each tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Its confidence in thousandths.
    Confidence,
    /// How many independent sources support it (distinct origins), in the
    /// same max-min semiring: a base fact's count is its attestations'
    /// distinct origins; a rule instance's is its weakest premise's; a
    /// tuple's is its best instance's. `NO_SOURCE` (1000) for a tuple no
    /// source supports.
    Origins,
    /// Whether it is grounded (1000) or rests on silence (0), in the same
    /// semiring over two values: a base fact is grounded; a rule instance
    /// is when its rule negates no relation about events and its premises
    /// are; a tuple is when one of its instances is (see `silence`).
    Grounded,
}

impl Confidences {
    /// An empty table for the workspace's current state.
    pub(crate) fn new(ws: &Workspace) -> Confidences {
        Confidences::of(ws, Measure::Confidence)
    }

    /// An empty table of `measure` for the workspace's current state.
    pub(crate) fn of(ws: &Workspace, measure: Measure) -> Confidences {
        let n = ws.program().relations.len();
        Confidences {
            generation: ws.generation(),
            measure,
            conf: vec![Vec::new(); n],
            stamp: vec![Vec::new(); n],
            done: vec![false; n],
            counter: 0,
        }
    }

    /// Whether the table was made for the workspace's current state (a
    /// change to the workspace makes it stale).
    pub fn is_current(&self, ws: &Workspace) -> bool {
        self.generation == ws.generation()
    }

    /// The confidence of a row (0 when not computed).
    pub(crate) fn get(&self, rel: RelId, id: u32) -> u16 {
        self.conf
            .get(rel)
            .and_then(|c| c.get(id as usize))
            .copied()
            .unwrap_or(0)
    }

    /// When a row reached its final confidence.
    pub(crate) fn stamp(&self, rel: RelId, id: u32) -> u32 {
        self.stamp
            .get(rel)
            .and_then(|c| c.get(id as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Computes the confidence of `rel` and every relation it rests on.
    pub(crate) fn ensure(
        &mut self,
        cx: &mut Context<'_>,
        cites: &Citations,
        rel: RelId,
    ) -> Result<(), Diagnostic> {
        if self.done[rel] {
            return Ok(());
        }
        let cone = cone(cx, rel);
        for &r in &cone {
            if cx.stratum[r] == usize::MAX && !self.done[r] {
                self.base_relation(cx, cites, r);
            }
        }
        for s in 0..cx.program.strata.len() {
            let stratum = &cx.program.strata[s];
            if stratum
                .relations
                .iter()
                .any(|r| cone.contains(r) && !self.done[*r])
            {
                self.stratum(cx, cites, s)?;
            }
        }
        Ok(())
    }

    fn next_stamp(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    /// A base row's value.
    fn base_value(&self, cites: &Citations, rel: RelId, id: u32) -> u16 {
        match self.measure {
            Measure::Confidence => cites.confidence(rel, id).permille(),
            Measure::Origins => cites.origins(rel, id),
            Measure::Grounded => 1000,
        }
    }

    fn base_relation(&mut self, cx: &Context<'_>, cites: &Citations, rel: RelId) {
        let n = cx.db.len(rel);
        self.conf[rel] = (0..n as u32)
            .map(|id| self.base_value(cites, rel, id))
            .collect();
        self.stamp[rel] = vec![0; n];
        self.done[rel] = true;
    }

    fn stratum(
        &mut self,
        cx: &mut Context<'_>,
        cites: &Citations,
        s: usize,
    ) -> Result<(), Diagnostic> {
        let stratum = &cx.program.strata[s];
        let rels = stratum.relations.clone();
        let mut rules = stratum.rules.clone();
        if self.measure == Measure::Grounded {
            // An instance of a rule that negates an event is never grounded.
            rules.retain(|&r| !super::silence::negates_an_event(cx, &cx.program.rules[r].body));
        }
        for &rel in &rels {
            let n = cx.db.len(rel);
            self.conf[rel] = vec![0; n];
            self.stamp[rel] = vec![0; n];
            for id in 0..n as u32 {
                if cites.is_base(rel, id) {
                    self.conf[rel][id as usize] = self.base_value(cites, rel, id);
                    self.stamp[rel][id as usize] = self.next_stamp();
                }
            }
        }
        // First pass: every instance of every rule.
        let mut delta: Vec<(RelId, u32)> = Vec::new();
        for &rule in &rules {
            let plan = cx.plan(PlanKey::Free(rule))?;
            let frame = Frame::new(
                cx.program.rules[rule].vars.len(),
                cx.program.rules[rule].body.len(),
            );
            let found = self.instances(cx, rule, &plan, frame)?;
            self.apply(found, &mut delta);
        }
        // Then the instances using a tuple whose confidence rose.
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
                        let found = self.instances(cx, rule, &plan, frame)?;
                        self.apply(found, &mut delta);
                    }
                }
            }
        }
        for &rel in &rels {
            self.done[rel] = true;
        }
        Ok(())
    }

    /// Every instance of a rule from a frame: (head row, confidence).
    fn instances(
        &self,
        cx: &mut Context<'_>,
        rule: RuleId,
        steps: &[Step],
        frame: Frame,
    ) -> Result<Vec<(RelId, u32, u16)>, Diagnostic> {
        let head = cx.head(rule)?;
        let rel = cx.program.rules[rule].head.rel;
        let conf = |r: RelId, id: u32| self.get(r, id);
        let visitor = Collect {
            conf: &conf,
            head: &head,
            rel,
            found: Vec::new(),
            words: Vec::new(),
        };
        let limits = Limits {
            admit: &admit_all,
            confidence: Some(&conf),
            keep: 0,
            budget: u64::MAX,
        };
        Ok(cx.search(steps, frame, &limits, visitor)?.visitor.found)
    }

    fn apply(&mut self, found: Vec<(RelId, u32, u16)>, delta: &mut Vec<(RelId, u32)>) {
        for (rel, id, value) in found {
            if value > self.conf[rel][id as usize] {
                self.conf[rel][id as usize] = value;
                let stamp = self.next_stamp();
                self.stamp[rel][id as usize] = stamp;
                delta.push((rel, id));
            }
        }
    }
}

/// Collects each instance's head row and confidence.
struct Collect<'a> {
    conf: &'a dyn Fn(RelId, u32) -> u16,
    head: &'a [CExpr],
    rel: RelId,
    found: Vec<(RelId, u32, u16)>,
    words: Vec<u64>,
}

impl Visitor for Collect<'_> {
    fn complete(
        &mut self,
        ctx: &Ctx,
        sc: &mut Scratch,
        inst: &Instance<'_>,
    ) -> Result<Flow, Diagnostic> {
        let value = instance_confidence(self.conf, inst);
        if value > 0 {
            self.words.clear();
            for e in self.head {
                let w = inst.eval(e, ctx, sc)?;
                self.words.push(w);
            }
            if let Some(id) = ctx.rels[self.rel].find(&self.words) {
                self.found.push((self.rel, id, value));
            }
        }
        Ok(Flow::Continue)
    }
}

/// The confidence of a rule instance: the weakest of its premises (1000
/// when it has none).
pub(crate) fn instance_confidence(conf: &dyn Fn(RelId, u32) -> u16, inst: &Instance<'_>) -> u16 {
    let atoms = inst.rows.iter().flatten().map(|&(r, id)| conf(r, id));
    let aggs = inst.aggs.iter().flatten().map(|a| a.weakest);
    atoms.chain(aggs).min().unwrap_or(1000)
}

/// The relations `rel` rests on through positive atoms (aggregate bodies
/// included), `rel` first.
pub(super) fn cone(cx: &Context<'_>, rel: RelId) -> Vec<RelId> {
    let mut seen = vec![false; cx.program.relations.len()];
    let mut out = vec![rel];
    seen[rel] = true;
    let mut i = 0;
    while i < out.len() {
        let r = out[i];
        i += 1;
        for &rule in &cx.rules_of[r] {
            let mut reads = Vec::new();
            positive_reads(&cx.program.rules[rule].body, &mut reads);
            for q in reads {
                if !seen[q] {
                    seen[q] = true;
                    out.push(q);
                }
            }
        }
    }
    out
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
