//! This module defines the driver of a dataflow run: each worker's phases
//! (load its share, distinct base relations, one dataflow per stratum,
//! errors agreed and symbols shared after each), and what process 0 gets
//! back: the gathered relations in a [`Database`] and the summed sizes.

use super::Ctx;
use super::cluster::{Cluster, config};
use super::exchange::{To, agree, share};
use super::plan::RulePlan;
use super::planner::{pack, plan_rule};
use super::row::{Row, width_for};
use super::stratum::{distinct_all, run_stratum};
use super::symbols::{self, Dictionary};
use crate::diag::{Code, Diagnostic};
use crate::eval::Database;
use crate::io::read::{Field, read_share};
use crate::ir::{Program, RelId};
use crate::value::{Date, Type, Value};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use timely::worker::Worker;

/// What process 0 gets back.
pub struct Gathered {
    /// The relations asked for, whole.
    pub db: Database,
    /// The number of tuples of every relation asked for and every
    /// `.printsize` relation, summed over all workers.
    pub sizes: HashMap<RelId, u64>,
}

/// Everything a worker needs, shared by the workers of a process.
pub struct Job {
    /// The checked program.
    pub program: Program,
    /// One plan per rule.
    pub plans: Vec<RulePlan>,
    /// Where `.input` files are.
    pub facts: PathBuf,
    /// The process's symbol dictionary.
    pub dict: Arc<Dictionary>,
    /// The relations gathered on process 0.
    pub gather: Vec<RelId>,
    /// Processes in the run.
    pub processes: usize,
}

/// Runs `program` over the `.input` files in `facts` on `cluster`; process
/// 0 gets the relations `gather` and the sizes, the others `None`. Every
/// process returns the same runtime error.
pub fn run(
    program: &Program,
    facts: &Path,
    cluster: &Cluster,
    gather: &[RelId],
) -> Result<Option<Gathered>, Diagnostic> {
    let dict = Arc::new(Dictionary::default());
    let collision = RefCell::new(None);
    let mut plans = Vec::new();
    {
        // Constants are known to every process: not sent.
        let word = |s: &str| {
            let w = symbols::id(s);
            if let Err(d) = dict.learn(w, s, false) {
                collision.borrow_mut().get_or_insert(d);
            }
            w
        };
        for rule in &program.rules {
            plans.push(plan_rule(rule, &word).map_err(|e| *e)?);
        }
    }
    if let Some(d) = collision.take() {
        return Err(d);
    }
    let widest = program
        .relations
        .iter()
        .map(|r| r.arity())
        .chain(plans.iter().map(RulePlan::width))
        .max()
        .unwrap_or(0);
    let Some(width) = width_for(widest) else {
        return Err(Diagnostic::new(
            Code::Unsupported,
            format!("--engine dataflow runs rows of at most 16 words; this program needs {widest}"),
            None,
        )
        .with_help("split the widest relation or rule, or use --engine interpreted"));
    };
    let job = Arc::new(Job {
        program: program.clone(),
        plans,
        facts: facts.to_path_buf(),
        dict: Arc::clone(&dict),
        gather: gather.to_vec(),
        processes: cluster.processes.max(1),
    });
    let config = config(cluster)?;
    let rows = match width {
        2 => execute::<2>(config, job, cluster),
        4 => execute::<4>(config, job, cluster),
        8 => execute::<8>(config, job, cluster),
        _ => execute::<16>(config, job, cluster),
    }?;
    let Some((rows, sizes)) = rows else {
        return Ok(None);
    };
    let mut db = Database::new(program);
    for (rel, words) in rows {
        let types = program.relations[rel].types();
        for row in words.chunks(types.len().max(1)) {
            let values: Vec<Value> = types
                .iter()
                .zip(row)
                .map(|(ty, &w)| unpack(w, *ty, &dict))
                .collect();
            db.insert(rel, &values)?;
        }
        if types.is_empty() && !words.is_empty() {
            db.insert(rel, &[])?;
        }
    }
    Ok(Some(Gathered { db, sizes }))
}

fn unpack(w: u64, ty: Type, dict: &Dictionary) -> Value {
    match ty {
        Type::Symbol => Value::Symbol(dict.text(w).unwrap_or("").to_string()),
        Type::Number => Value::Number(w as i64),
        Type::Float => Value::Float(f64::from_bits(w)),
        Type::Date => Value::Date(Date::from_packed(w as u32)),
    }
}

/// The gathered rows (flat words per relation) and sizes.
type Result0 = Option<(Vec<(RelId, Vec<u64>)>, HashMap<RelId, u64>)>;

fn execute<const N: usize>(
    config: timely::Config,
    job: Arc<Job>,
    cluster: &Cluster,
) -> Result<Result0, Diagnostic> {
    let started = Arc::clone(&cluster.started);
    let guards = timely::execute(config, move |worker| {
        started.store(true, Ordering::SeqCst);
        work::<N>(worker, &job)
    })
    .map_err(|e| {
        Diagnostic::new(
            Code::PeerLost,
            format!("cannot start the dataflow workers: {e}"),
            None,
        )
    })?;
    let mut first = None;
    for result in guards.join() {
        match result {
            Ok(Ok(Some(rows))) => first = Some(rows),
            Ok(Ok(None)) => {}
            Ok(Err(d)) => return Err(d),
            Err(panic) => {
                return Err(Diagnostic::new(
                    Code::PeerLost,
                    format!("a dataflow worker stopped: {panic}"),
                    None,
                ));
            }
        }
    }
    Ok(first)
}

/// One worker's run.
fn work<const N: usize>(worker: &mut Worker, job: &Job) -> Result<Result0, Diagnostic> {
    let program = &job.program;
    let n = program.relations.len();
    let mut rels: Vec<Vec<Row<N>>> = vec![Vec::new(); n];
    let loaded = load(worker, job, &mut rels);
    agree(worker, loaded.err())?;
    share_symbols(worker, job);
    // Base rows as sets (a relation with rules gets its own in its stratum).
    let mut base: Vec<Vec<Row<N>>> = vec![Vec::new(); n];
    let derived: BTreeSet<RelId> = program.rules.iter().map(|r| r.head.rel).collect();
    for r in 0..n {
        if derived.contains(&r) {
            base[r] = std::mem::take(&mut rels[r]);
        }
    }
    distinct_all(worker, &mut rels);
    // Rows here per relation (a relation no rule reads and none gathers is
    // only counted).
    let mut local: Vec<u64> = rels.iter().map(|r| r.len() as u64).collect();
    for stratum in &program.strata {
        let ctx = Rc::new(Ctx {
            dict: Arc::clone(&job.dict),
            error: RefCell::new(None),
        });
        let out = run_stratum::<N>(worker, job, stratum, &rels, &mut base, &ctx);
        for (r, rows, count) in out {
            rels[r] = rows;
            local[r] = count;
        }
        agree(worker, ctx.error.borrow_mut().take())?;
        share_symbols(worker, job);
    }
    // Sizes of everything gathered or printed, summed on the first worker.
    let mut counted: Vec<RelId> = job.gather.clone();
    counted.extend(&program.printsize);
    counted.sort_unstable();
    counted.dedup();
    let counts = share(
        worker,
        counted.iter().map(|&r| (r, local[r])).collect(),
        To::First,
    );
    let mut rows: Vec<(u32, Row<N>)> = Vec::new();
    for &r in &job.gather {
        rows.extend(rels[r].iter().map(|row| (r as u32, *row)));
    }
    let rows = share(worker, rows, To::First);
    if worker.index() != 0 {
        return Ok(None);
    }
    let mut sizes: HashMap<RelId, u64> = HashMap::new();
    for (r, c) in counts {
        *sizes.entry(r).or_default() += c;
    }
    let mut flat: HashMap<RelId, Vec<u64>> = HashMap::new();
    for (r, row) in rows {
        let arity = program.relations[r as usize].arity();
        let words = flat.entry(r as usize).or_default();
        words.extend(&row.0[..arity]);
        if arity == 0 {
            words.push(0);
        }
    }
    Ok(Some((flat.into_iter().collect(), sizes)))
}

/// This worker's share of every `.input` file and of the program's facts.
fn load<const N: usize>(
    worker: &Worker,
    job: &Job,
    rels: &mut [Vec<Row<N>>],
) -> Result<(), Diagnostic> {
    let (me, all) = (worker.index(), worker.peers());
    let program = &job.program;
    let word = |s: &str| job.dict.add(s);
    for (i, fact) in program.facts.iter().enumerate() {
        if i % all == me {
            let mut words = Vec::with_capacity(fact.values.len());
            for v in &fact.values {
                words.push(match v {
                    Value::Symbol(s) => word(s)?,
                    other => pack(other, &|_| 0),
                });
            }
            rels[fact.rel].push(Row::of(words));
        }
    }
    for input in &program.inputs {
        let rel = &mut rels[input.rel];
        read_share(program, input, &job.facts, (me, all), &mut |fields| {
            let mut row = Row::default();
            for (slot, f) in row.0.iter_mut().zip(fields) {
                *slot = match f {
                    Field::Word(w) => *w,
                    Field::Symbol(s) => job.dict.add(s)?,
                };
            }
            rel.push(row);
            Ok(())
        })?;
    }
    Ok(())
}

/// Sends the symbols this process made to the other processes.
fn share_symbols(worker: &mut Worker, job: &Job) {
    if job.processes < 2 {
        return;
    }
    // One worker per process sends its process's entries; every process's
    // first worker records what arrives.
    let workers = worker.peers() / job.processes;
    let first_here = worker.index().is_multiple_of(workers);
    let mine = if first_here {
        job.dict.take_fresh()
    } else {
        Vec::new()
    };
    let all = share(worker, mine, To::Everyone);
    if first_here {
        for (w, s) in all {
            // A collision shows where the symbol is used again.
            let _ = job.dict.learn(w, &s, false);
        }
    }
}
