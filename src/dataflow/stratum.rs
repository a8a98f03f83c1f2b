//! This module defines the dataflows a worker runs over its rows: the
//! distinct base relations, and one stratum to its fixpoint in an
//! iterative scope (one variable per relation, the rules rendered by
//! `render`), its relations' rows coming back to the worker.

use super::Ctx;
use super::render::{self, Coll, Rels};
use super::row::Row;
use super::run::Job;
use crate::ir::RelId;
use differential_dataflow::input::Input;
use differential_dataflow::operators::iterate::VecVariable;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use timely::order::Product;
use timely::worker::Worker;

/// Makes every relation's rows a set, spread over the workers.
pub fn distinct_all<const N: usize>(worker: &mut Worker, rels: &mut [Vec<Row<N>>]) {
    let out: Vec<Rc<RefCell<Vec<Row<N>>>>> = (0..rels.len()).map(|_| Rc::default()).collect();
    let inputs: Vec<Vec<Row<N>>> = rels.iter_mut().map(std::mem::take).collect();
    let sinks = out.clone();
    let probe = worker.dataflow::<u32, _, _>(move |scope| {
        let probe = timely::dataflow::ProbeHandle::new();
        for (rows, sink) in inputs.into_iter().zip(sinks) {
            let (_input, coll) = scope.new_collection_from(rows);
            coll.distinct()
                .inspect(move |(row, _, diff)| {
                    if *diff > 0 {
                        sink.borrow_mut().push(*row);
                    }
                })
                .probe_with(&probe);
        }
        probe
    });
    while !probe.done() {
        worker.step();
    }
    for (r, rows) in out.into_iter().enumerate() {
        rels[r] = rows.take();
    }
}

/// A relation's rows leaving a stratum on this worker.
#[derive(Default)]
struct Leaving<const N: usize> {
    /// Whether the rows are kept (a later rule reads them, or they are
    /// gathered), or only counted.
    keep: bool,
    /// Rows added.
    rows: Vec<Row<N>>,
    /// Rows removed (never expected: every stratum is monotone).
    gone: Vec<Row<N>>,
    /// Rows added less rows removed.
    count: i64,
}

type Sink<const N: usize> = Rc<RefCell<Leaving<N>>>;

/// The rows added less the rows removed.
fn net_rows<const N: usize>((mut rows, gone): (Vec<Row<N>>, Vec<Row<N>>)) -> Vec<Row<N>> {
    if gone.is_empty() {
        return rows;
    }
    let mut gone = gone;
    rows.sort_unstable();
    gone.sort_unstable();
    let mut gone = gone.into_iter().peekable();
    rows.retain(|row| {
        while gone.next_if(|g| g < row).is_some() {}
        gone.next_if(|g| g == row).is_none()
    });
    rows
}

/// Runs one stratum to its fixpoint; returns its relations' rows here.
pub fn run_stratum<const N: usize>(
    worker: &mut Worker,
    job: &Job,
    stratum: &crate::ir::Stratum,
    rels: &[Vec<Row<N>>],
    base: &mut [Vec<Row<N>>],
    ctx: &Rc<Ctx>,
) -> Vec<(RelId, Vec<Row<N>>, u64)> {
    let program = &job.program;
    let inside: BTreeSet<RelId> = stratum.relations.iter().copied().collect();
    let mut read_anywhere = BTreeSet::new();
    for rule in &program.rules {
        rule.body
            .iter()
            .for_each(|l| relations_of(l, &mut read_anywhere));
    }
    let keep = |r: RelId| read_anywhere.contains(&r) || job.gather.contains(&r);
    let mut reads = BTreeSet::new();
    for &r in &stratum.rules {
        program.rules[r]
            .body
            .iter()
            .for_each(|l| relations_of(l, &mut reads));
    }
    let outside: Vec<RelId> = reads.difference(&inside).copied().collect();
    let arity: Vec<usize> = program.relations.iter().map(|r| r.arity()).collect();
    let sinks: Vec<(RelId, Sink<N>)> = stratum
        .relations
        .iter()
        .map(|&r| {
            let state = Leaving {
                keep: keep(r),
                ..Leaving::default()
            };
            (r, Rc::new(RefCell::new(state)))
        })
        .collect();
    let first = worker.index() == 0;
    // Every worker must build the same operators in the same order: the
    // maps below are ordered.
    let probe = worker.dataflow::<u32, _, _>(|outer| {
        let probe = timely::dataflow::ProbeHandle::new();
        let mut colls = BTreeMap::new();
        for &r in &outside {
            colls.insert(r, outer.new_collection_from(rels[r].clone()).1);
        }
        let mut bases = BTreeMap::new();
        for &r in &stratum.relations {
            bases.insert(r, outer.new_collection_from(std::mem::take(&mut base[r])).1);
        }
        let unit = outer
            .new_collection_from(if first {
                vec![Row::<N>::default()]
            } else {
                Vec::new()
            })
            .1;
        outer.iterative::<u32, _, _>(|inner| {
            let mut entered: BTreeMap<RelId, Coll<N>> = colls
                .into_iter()
                .map(|(r, c)| (r, c.enter(inner)))
                .collect();
            let mut variables = Vec::new();
            for &r in &stratum.relations {
                let (var, coll) = VecVariable::new(inner, Product::new(0, 1));
                entered.insert(r, coll);
                variables.push((r, var));
            }
            let mut scope_rels = Rels::new(entered, unit.enter(inner), arity);
            let mut derived: BTreeMap<RelId, Vec<Coll<N>>> = BTreeMap::new();
            for &r in &stratum.rules {
                let plan = &job.plans[r];
                let rows = render::rule(plan, &mut scope_rels, ctx);
                derived.entry(plan.head).or_default().push(rows);
            }
            for (r, var) in variables {
                let mut parts = derived.remove(&r).unwrap_or_default();
                parts.push(bases.remove(&r).expect("a base per relation").enter(inner));
                let next = differential_dataflow::collection::concatenate(inner, parts).distinct();
                var.set(next.clone());
                let sink = Rc::clone(&sinks.iter().find(|(s, _)| *s == r).expect("a sink").1);
                // Every stratum is monotone (negation and aggregates read
                // lower strata only), so `distinct` only adds rows; a
                // retraction, were there one, is taken out afterwards.
                next.leave(outer)
                    .inspect(move |(row, _, diff)| {
                        let mut sink = sink.borrow_mut();
                        sink.count += *diff as i64;
                        match *diff {
                            _ if !sink.keep => {}
                            d if d > 0 => sink.rows.push(*row),
                            d if d < 0 => sink.gone.push(*row),
                            _ => {}
                        }
                    })
                    .probe_with(&probe);
            }
        });
        probe
    });
    while !probe.done() {
        worker.step();
    }
    sinks
        .into_iter()
        .map(|(r, sink)| {
            let leaving = sink.take();
            let count = leaving.count.max(0) as u64;
            (r, net_rows((leaving.rows, leaving.gone)), count)
        })
        .collect()
}

/// The relations a literal reads.
fn relations_of(l: &crate::ir::Literal, out: &mut BTreeSet<RelId>) {
    use crate::ir::Literal;
    match l {
        Literal::Atom(a) | Literal::Negated(a) => {
            out.insert(a.rel);
        }
        Literal::Aggregate(g) => g.body.iter().for_each(|b| relations_of(b, out)),
        Literal::Compare(_) | Literal::Test(_) => {}
    }
}
