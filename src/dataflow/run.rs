//! This module defines the driver of a dataflow run: the timely
//! configuration from `-w`, `-n`, `-p` and `-h`, each worker's phases
//! (load its share, distinct base relations, one dataflow per stratum,
//! errors agreed and symbols shared after each), and what process 0 gets
//! back: the gathered relations in a [`Database`] and the summed sizes.

use super::Ctx;
use super::exchange::{To, agree, share};
use super::plan::{RulePlan, pack, plan_rule};
use super::render::{self, Coll, Rels};
use super::row::{Row, width_for};
use super::symbols::{self, Dictionary};
use crate::diag::{Code, Diagnostic};
use crate::eval::Database;
use crate::io::read::{Field, read_share};
use crate::ir::{Program, RelId};
use crate::value::{Date, Type, Value};
use differential_dataflow::input::Input;
use differential_dataflow::operators::iterate::VecVariable;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use timely::order::Product;
use timely::worker::Worker;
use timely::{CommunicationConfig, WorkerConfig};

/// Where a run's workers are: `workers` threads in each of `processes`
/// processes, this one being `process`; the processes' addresses are the
/// first lines of `hosts` (`host:port`), or `localhost` ports from 2101.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// Worker threads per process (`-w`).
    pub workers: usize,
    /// Processes (`-n`).
    pub processes: usize,
    /// This process's index (`-p`).
    pub process: usize,
    /// The host file (`-h`).
    pub hosts: Option<PathBuf>,
    /// Set once every process is connected and the workers start.
    pub started: Arc<AtomicBool>,
}

/// What process 0 gets back.
pub struct Gathered {
    /// The relations asked for, whole.
    pub db: Database,
    /// The number of tuples of every relation asked for and every
    /// `.printsize` relation, summed over all workers.
    pub sizes: HashMap<RelId, u64>,
}

fn config(cluster: &Cluster) -> Result<timely::Config, Diagnostic> {
    let workers = cluster.workers.max(1);
    let processes = cluster.processes.max(1);
    if cluster.process >= processes {
        return Err(Diagnostic::new(
            Code::PeerLost,
            format!("-p {} is not below -n {processes}", cluster.process),
            None,
        )
        .with_help("number the processes 0 to n-1"));
    }
    let communication = if processes > 1 {
        let addresses = match &cluster.hosts {
            Some(file) => {
                let text = std::fs::read_to_string(file).map_err(|e| {
                    Diagnostic::new(
                        Code::UnreadableFile,
                        format!("cannot read the host file {}: {e}", file.display()),
                        None,
                    )
                })?;
                let lines: Vec<String> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .take(processes)
                    .map(String::from)
                    .collect();
                if lines.len() < processes {
                    return Err(Diagnostic::new(
                        Code::PeerLost,
                        format!(
                            "the host file {} names {} processes, -n asks for {processes}",
                            file.display(),
                            lines.len()
                        ),
                        None,
                    )
                    .with_help("give one host:port line per process, in process order"));
                }
                lines
            }
            None => (0..processes)
                .map(|i| format!("localhost:{}", 2101 + i))
                .collect(),
        };
        CommunicationConfig::Cluster {
            threads: workers,
            process: cluster.process,
            addresses,
            report: false,
            zerocopy: false,
        }
    } else if workers > 1 {
        CommunicationConfig::Process(workers)
    } else {
        CommunicationConfig::Thread
    };
    Ok(timely::Config {
        communication,
        worker: WorkerConfig::default(),
    })
}

/// Everything a worker needs, shared by the workers of a process.
struct Job {
    program: Program,
    plans: Vec<RulePlan>,
    facts: PathBuf,
    dict: Arc<Dictionary>,
    gather: Vec<RelId>,
    processes: usize,
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

/// Makes every relation's rows a set, spread over the workers.
fn distinct_all<const N: usize>(worker: &mut Worker, rels: &mut [Vec<Row<N>>]) {
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
fn run_stratum<const N: usize>(
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
