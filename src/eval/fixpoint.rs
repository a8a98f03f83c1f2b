//! This module defines the driver: strata in order, each to a fixpoint by
//! semi-naive rounds. In a round every rule version whose delta atom has new
//! rows runs, chunk by chunk over its outer loop; each chunk's candidate rows
//! are merged into the head relation right away (rows appended during a round
//! lie past `delta_end`, so the round does not see them), which keeps the
//! candidate buffer small.

use super::EvalOptions;
use super::database::{Database, index_is_current};
use super::exec::{Ctx, HeadSink, IndexView, Scratch, Stop, run, scan_outer};
use super::index::StaticIndex;
use super::intern::TEMP_BIT;
use super::limits::{At, Limits};
use super::plan::{IndexReq, PlanEnv, RulePlan, Step, Version, plan_rule};
use super::show::rule_text;
use super::stats::{EvalStats, IndexStats, RuleStats, StratumMode, StratumStats};
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::ir::{self, Literal, RelId};
use crate::progress::{Evaluating, Reporter};
use crate::value::Type;
use std::time::Instant;

/// Rows of the outer loop joined before their candidates are merged.
const CHUNK: usize = 4096;
/// Candidate rows a worker buffers before it pauses for a merge.
const PAUSE_ROWS: usize = 1 << 18;

/// Evaluates `program`'s rules over `db` to a fixpoint.
///
/// Runtime errors are diagnostics: `division-by-zero`, `arithmetic-overflow`,
/// `bad-number`, and the early stops of `limits`:
/// `tuple-limit` (more than `opts.max_tuples` tuples derived),
/// `memory-limit` (the tables hold more than `opts.max_memory` bytes),
/// `time-limit` (`opts.time_limit` passed) and `interrupted` (the cancel flag
/// was set). After an error the database holds partial results (see the
/// [module docs](super)). `opts.progress` hears how it goes, and that it
/// ended.
pub fn evaluate(
    program: &ir::Program,
    db: &mut Database,
    opts: &EvalOptions,
) -> Result<EvalStats, Diagnostic> {
    let t0 = Instant::now();
    if db.rels.len() != program.relations.len() {
        return Err(Diagnostic::new(
            Code::Internal,
            "the database was made for another program",
            None,
        )
        .with_help("make the database with Database::new(&program) for the program evaluated"));
    }
    let mut scratch_all = !db.evaluated;
    if opts.record_rounds && !db.rounds_on {
        for r in &mut db.rels {
            r.rounds = Some(vec![0; r.len()]);
        }
        db.rounds_on = true;
        scratch_all = true;
    }
    db.evaluated = false;
    let start_round = db.round;
    let threads = match opts.threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8),
        n => n.min(64),
    };
    let limits = Limits::new(opts, program.strata.len());
    let mut run = Run {
        threads,
        program,
        opts,
        stats: EvalStats {
            threads,
            ..EvalStats::default()
        },
        reset: vec![false; db.rels.len()],
        derived: 0,
        scratch_all,
        hashes: Vec::new(),
        limits: &limits,
        held: 0,
        reporter: Reporter::new(opts.progress.as_deref()),
        stratum: 0,
        stratum_relations: Vec::new(),
        stratum_rounds: 0,
    };
    let last_read = (!opts.keep_indexes).then(|| last_read_by(program, db.rels.len()));
    for (si, stratum) in program.strata.iter().enumerate() {
        run.stratum(db, si, stratum)?;
        if let Some(last) = &last_read {
            db.static_indexes
                .retain(|(r, _), _| last[*r].is_some_and(|s| s > si));
        }
    }
    for r in &mut db.rels {
        r.stable_end = r.len();
        r.old_end = r.len();
        r.delta_end = r.len();
    }
    db.evaluated = true;
    db.rules_seen = program.rules.len();
    run.stats.rounds = db.round - start_round;
    run.stats.total_time = t0.elapsed();
    run.stats.tuples = run.derived;
    Ok(run.stats)
}

/// One join thread's buffers, reused across chunks.
#[derive(Default)]
struct Worker {
    sc: Scratch,
    buf: Vec<u64>,
    rows: usize,
    regs: Vec<u64>,
}

struct Run<'a> {
    threads: usize,
    program: &'a ir::Program,
    opts: &'a EvalOptions,
    stats: EvalStats,
    /// Relations cleared and recomputed in this evaluation.
    reset: Vec<bool>,
    derived: u64,
    scratch_all: bool,
    hashes: Vec<u64>,
    limits: &'a Limits<'a>,
    /// Bytes the database holds: counted when a stratum starts, then kept up
    /// to date by the merges.
    held: u64,
    reporter: Reporter<'a>,
    /// The stratum running, its relations and its rounds so far (for the
    /// progress reports and the messages of the limits).
    stratum: usize,
    stratum_relations: Vec<String>,
    stratum_rounds: u32,
}

/// For every relation, the last stratum whose rules read it (positively,
/// negated or under an aggregate), if any: its indexes serve no stratum after.
fn last_read_by(program: &ir::Program, relations: usize) -> Vec<Option<usize>> {
    let mut last = vec![None; relations];
    for (si, stratum) in program.strata.iter().enumerate() {
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for &r in &stratum.rules {
            body_reads(&program.rules[r].body, &mut pos, &mut neg, false);
        }
        for r in pos.into_iter().chain(neg) {
            last[r] = Some(si);
        }
    }
    last
}

fn body_reads(
    lits: &[Literal],
    positive: &mut Vec<RelId>,
    negative: &mut Vec<RelId>,
    in_agg: bool,
) {
    for l in lits {
        match l {
            Literal::Atom(a) if in_agg => negative.push(a.rel),
            Literal::Atom(a) => positive.push(a.rel),
            Literal::Negated(a) => negative.push(a.rel),
            Literal::Aggregate(ag) => body_reads(&ag.body, positive, negative, true),
            _ => {}
        }
    }
}

impl Run<'_> {
    fn stratum(
        &mut self,
        db: &mut Database,
        si: usize,
        stratum: &ir::Stratum,
    ) -> Result<(), Diagnostic> {
        let t0 = Instant::now();
        let program = self.program;
        let rules: Vec<usize> = stratum
            .rules
            .iter()
            .copied()
            .filter(|&r| !db.complete[program.rules[r].head.rel])
            .collect();
        if rules.is_empty() {
            return Ok(());
        }
        let mut own: Vec<RelId> = rules.iter().map(|&r| program.rules[r].head.rel).collect();
        own.sort_unstable();
        own.dedup();
        let (mut pos, mut neg) = (Vec::new(), Vec::new());
        for &r in &rules {
            body_reads(&program.rules[r].body, &mut pos, &mut neg, false);
        }
        pos.retain(|r| !own.contains(r));
        neg.retain(|r| !own.contains(r));
        let changed = |db: &Database, r: &RelId| db.rels[*r].len() > db.rels[*r].stable_end;
        let scratch = self.scratch_all
            || rules.iter().any(|&r| r >= db.rules_seen)
            || neg.iter().any(|r| self.reset[*r] || changed(db, r))
            || pos.iter().any(|r| self.reset[*r]);
        let mut stat = StratumStats {
            index: si,
            relations: own.iter().map(|&r| db.names[r].clone()).collect(),
            mode: if scratch {
                StratumMode::Scratch
            } else {
                StratumMode::Continued
            },
            time: Default::default(),
            iterations: 0,
            tuples: 0,
        };
        if !scratch && !pos.iter().chain(&own).any(|r| changed(db, r)) {
            stat.mode = StratumMode::Unchanged;
            self.stats.strata.push(stat);
            return Ok(());
        }
        self.stratum = si;
        self.stratum_relations.clone_from(&stat.relations);
        self.stratum_rounds = 0;
        let own_names = stat.relations.join(", ");
        let at = At {
            stratum: si,
            relation: &own_names,
        };
        if scratch {
            for &r in &own {
                let rel = &mut db.rels[r];
                rel.clear();
                let base = std::mem::take(&mut rel.base);
                let k = rel.arity;
                for i in 0..rel.base_rows {
                    rel.insert(&base[i * k..i * k + k], 0);
                }
                rel.base = base;
                self.reset[r] = true;
            }
        }
        for &r in pos.iter().chain(&neg).chain(&own) {
            let rel = &mut db.rels[r];
            rel.old_end = if scratch {
                0
            } else {
                rel.stable_end.min(rel.len())
            };
            rel.delta_end = rel.len();
        }

        // Plan every rule and build the indexes the plans need.
        let sizes: Vec<usize> = db.rels.iter().map(|r| r.len()).collect();
        let in_stratum = |r: RelId| own.contains(&r);
        let (rels, static_indexes) = (&db.rels, &db.static_indexes);
        let indexed = |r: RelId, cols: &[usize]| index_is_current(static_indexes, rels, r, cols);
        let env = PlanEnv {
            in_stratum: &in_stratum,
            sizes: Some(&sizes),
            indexed: &indexed,
        };
        let mut reqs: Vec<IndexReq> = Vec::new();
        let mut plans = Vec::with_capacity(rules.len());
        for &r in &rules {
            plans.push(plan_rule(program, r, &env, &mut db.interner, &mut reqs)?);
        }
        // Only build the indexes of versions that can run in this evaluation:
        // a version reading a lower relation as delta runs only when that
        // relation gained rows since the last evaluation.
        let mut used = vec![false; reqs.len()];
        for p in &plans {
            mark_used(&p.full.steps, &mut used);
            for (v, &(_, rel)) in p.deltas.iter().zip(&p.atoms) {
                if own.contains(&rel) || (!scratch && changed(db, &rel)) {
                    mark_used(&v.steps, &mut used);
                }
            }
        }
        let slots = prepare_indexes(
            program,
            db,
            &reqs,
            &used,
            si,
            self.threads,
            &mut self.stats.indexes,
        );
        self.held = db.heap_bytes() as u64;
        let own_len = own.iter().map(|&r| db.rels[r].len()).sum();
        self.limits
            .check_memory(self.held, at, own_len)
            .map_err(|d| *d)?;
        let mut rule_stats: Vec<RuleStats> = plans
            .iter()
            .map(|p| RuleStats {
                rule: p.rule,
                stratum: si,
                text: rule_text(program, &program.rules[p.rule]),
                time: Default::default(),
                iterations: 0,
                candidates: 0,
                tuples: 0,
            })
            .collect();
        let reads_own = plans
            .iter()
            .any(|p| p.atoms.iter().any(|(_, r)| own.contains(r)));
        let mut workers: Vec<Worker> = (0..self.threads).map(|_| Worker::default()).collect();
        let mut first = true;
        loop {
            self.limits.check_running(at).map_err(|d| *d)?;
            self.report();
            db.round += 1;
            stat.iterations += 1;
            self.stratum_rounds = stat.iterations;
            for (p, rs) in plans.iter().zip(&mut rule_stats) {
                let versions = versions_to_run(db, p, first && scratch);
                if versions.is_empty() {
                    continue;
                }
                let tr = Instant::now();
                rs.iterations += 1;
                for v in versions {
                    self.run_version(db, p, v, &reqs, &slots, &mut workers, rs)?;
                }
                rs.time += tr.elapsed();
            }
            first = false;
            // Advance the semi-naive ranges.
            let mut more = false;
            for &r in pos.iter().chain(&neg) {
                let rel = &mut db.rels[r];
                rel.old_end = rel.len();
                rel.delta_end = rel.len();
            }
            for &r in &own {
                let rel = &mut db.rels[r];
                rel.old_end = rel.delta_end;
                rel.delta_end = rel.len();
                more |= rel.delta_end > rel.old_end;
            }
            if !more || !reads_own {
                break;
            }
        }
        for &r in &own {
            db.rels[r].dyn_indexes.clear();
        }
        stat.tuples = rule_stats.iter().map(|r| r.tuples).sum();
        stat.time = t0.elapsed();
        self.stats.strata.push(stat);
        if self.opts.profile {
            self.stats.rules.extend(rule_stats);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // the round's shared state
    fn run_version(
        &mut self,
        db: &mut Database,
        p: &RulePlan,
        v: &Version,
        reqs: &[IndexReq],
        slots: &[usize],
        workers: &mut [Worker],
        rs: &mut RuleStats,
    ) -> Result<(), Diagnostic> {
        // The outer scan is split into chunks (joined by the workers side by
        // side); anything else runs in one go on the first worker.
        let (outer, rest, lo, hi) = match v.steps.split_first() {
            Some((
                Step::Scan {
                    lit,
                    rel,
                    source,
                    cols,
                },
                rest,
            )) => {
                let (lo, hi) = super::exec::range(&db.rels[*rel], *source);
                (Some(((*lit, *rel), cols.as_slice())), rest, lo, hi)
            }
            _ => (None, &v.steps[..], 0, 1),
        };
        for w in workers.iter_mut() {
            w.sc.clear_cache();
        }
        // Ranges of the outer loop still to join: fresh chunks from `next`,
        // plus the rest of any chunk whose worker paused on a full buffer.
        let mut next = lo;
        let mut pending: Vec<(usize, usize)> = Vec::new();
        while next < hi || !pending.is_empty() {
            let mut chunks: Vec<(usize, usize)> = Vec::new();
            while chunks.len() < workers.len() {
                if let Some(c) = pending.pop() {
                    chunks.push(c);
                } else if next < hi {
                    // Several workers take bigger chunks, to spread the cost
                    // of starting threads over more work.
                    let chunk = if workers.len() > 1 { CHUNK * 4 } else { CHUNK };
                    let end = if outer.is_some() {
                        (next + chunk).min(hi)
                    } else {
                        hi
                    };
                    chunks.push((next, end));
                    next = end;
                } else {
                    break;
                }
            }
            {
                let views = views(db, reqs, slots);
                let ctx = Ctx {
                    rels: &db.rels,
                    indexes: &views,
                    interner: &db.interner,
                    limits: self.limits,
                    at: At {
                        stratum: self.stratum,
                        relation: &db.names[p.head],
                    },
                    fold_groups_after: self.opts.fold_groups_after,
                };
                let job = |w: &mut Worker, (a, b): (usize, usize)| -> Result<usize, Stop> {
                    w.buf.clear();
                    w.regs.clear();
                    w.regs.resize(p.nvars.max(1), 0);
                    let mut sink = HeadSink {
                        args: &p.head_args,
                        out: &mut w.buf,
                        rows: 0,
                        pause_at: PAUSE_ROWS,
                    };
                    let res = match outer {
                        Some((rel, cols)) => scan_outer(
                            &ctx,
                            rel,
                            cols,
                            a,
                            b,
                            rest,
                            &mut w.regs,
                            &mut w.sc,
                            &mut sink,
                        ),
                        None => run(&ctx, rest, &mut w.regs, &mut w.sc, &mut sink).map(|()| b),
                    };
                    w.rows = sink.rows;
                    res
                };
                let (first, others) = workers.split_at_mut(1);
                let results: Vec<Result<usize, Stop>> = if chunks.len() == 1 {
                    vec![job(&mut first[0], chunks[0])]
                } else {
                    std::thread::scope(|scope| {
                        let handles: Vec<_> = others
                            .iter_mut()
                            .zip(&chunks[1..])
                            .map(|(w, &c)| scope.spawn(move || job(w, c)))
                            .collect();
                        let mut results = vec![job(&mut first[0], chunks[0])];
                        for h in handles {
                            results.push(h.join().unwrap_or_else(|_| {
                                Err(Box::new(Diagnostic::new(
                                    Code::Internal,
                                    "a join worker thread panicked",
                                    None,
                                )))
                            }));
                        }
                        results
                    })
                };
                for (r, &(_, b)) in results.into_iter().zip(&chunks) {
                    let resume = r.map_err(|d| *d)?;
                    if resume < b {
                        pending.push((resume, b));
                    }
                }
            }
            for w in workers.iter_mut().take(chunks.len()) {
                rs.candidates += w.rows as u64;
                rs.tuples += self.merge(db, p.head, &mut w.buf, w.rows, &mut w.sc)?;
            }
            self.report();
        }
        Ok(())
    }

    /// Tells the progress observer where the evaluation stands, when a
    /// report is due (or at once, when a stratum starts).
    #[inline]
    fn report(&mut self) {
        let due = if self.stratum_rounds == 0 {
            self.reporter.now()
        } else {
            self.reporter.due()
        };
        if let Some((progress, elapsed)) = due {
            progress.evaluating(&Evaluating {
                stratum: self.stratum + 1,
                strata: self.program.strata.len(),
                relations: &self.stratum_relations,
                rounds: self.stratum_rounds,
                tuples: self.derived,
                elapsed,
            });
        }
    }

    fn merge(
        &mut self,
        db: &mut Database,
        head: RelId,
        buf: &mut [u64],
        rows: usize,
        sc: &mut Scratch,
    ) -> Result<u64, Diagnostic> {
        let round = db.round;
        let Database {
            rels,
            interner,
            names,
            ..
        } = db;
        let rel = &mut rels[head];
        let held_before = rel.heap_bytes() + interner.heap_bytes();
        let k = rel.arity;
        if !sc.temps.is_empty() {
            let sym_cols: Vec<usize> = (0..k).filter(|&c| rel.types[c] == Type::Symbol).collect();
            for row in buf.chunks_exact_mut(k.max(1)) {
                for &c in &sym_cols {
                    let id = row[c] as u32;
                    if id & TEMP_BIT != 0 {
                        let s = &sc.temps[(id & !TEMP_BIT) as usize];
                        row[c] = u64::from(interner.intern(s).map_err(|m| {
                            Diagnostic::new(Code::SymbolTableFull, m, None)
                                .with_help("use fewer distinct symbols")
                        })?);
                    }
                }
            }
            sc.clear_temps();
        }
        let new = rel.insert_batch(buf, rows, round, &mut self.hashes, self.threads) as u64;
        self.derived += new;
        let held_after = rel.heap_bytes() + interner.heap_bytes();
        self.held = (self.held + held_after as u64).saturating_sub(held_before as u64);
        let at = At {
            stratum: self.stratum,
            relation: &names[head],
        };
        self.limits
            .check_growth(self.derived, self.held, at, rel.len())
            .map_err(|d| *d)?;
        Ok(new)
    }
}

/// The versions of a rule to run this round, given the current ranges.
fn versions_to_run<'p>(
    db: &Database,
    p: &'p RulePlan,
    first_scratch_round: bool,
) -> Vec<&'p Version> {
    if p.atoms.is_empty() {
        return if first_scratch_round {
            vec![&p.full]
        } else {
            Vec::new()
        };
    }
    let rels = &db.rels;
    let all_nonempty = p.atoms.iter().all(|&(_, r)| rels[r].delta_end > 0);
    if !all_nonempty {
        return Vec::new();
    }
    if p.atoms.iter().all(|&(_, r)| rels[r].old_end == 0) {
        return vec![&p.full];
    }
    p.deltas
        .iter()
        .zip(&p.atoms)
        .filter(|&(v, &(_, r))| {
            rels[r].delta_end > rels[r].old_end
                && v.old_atoms.iter().all(|pos| {
                    let rel = p.atoms.iter().find(|a| a.0 == *pos).map_or(r, |a| a.1);
                    rels[rel].old_end > 0
                })
        })
        .map(|(v, _)| v)
        .collect()
}

/// Creates dynamic indexes and (re)builds stale static ones (noting each
/// build in `built`); returns, per request, the dynamic index's slot in its
/// relation (unused for static).
fn prepare_indexes(
    program: &ir::Program,
    db: &mut Database,
    reqs: &[IndexReq],
    used: &[bool],
    stratum: usize,
    threads: usize,
    built: &mut Vec<IndexStats>,
) -> Vec<usize> {
    let mut slots = Vec::with_capacity(reqs.len());
    for (req, &used) in reqs.iter().zip(used) {
        if !used {
            slots.push(usize::MAX);
        } else if req.dynamic {
            slots.push(db.rels[req.rel].add_dyn_index(&req.cols));
        } else {
            let rel = &db.rels[req.rel];
            let key = (req.rel, req.cols.clone());
            if !index_is_current(&db.static_indexes, &db.rels, req.rel, &req.cols) {
                let t0 = Instant::now();
                let ix = StaticIndex::build_with(
                    rel.rows(),
                    rel.arity,
                    rel.len(),
                    &req.cols,
                    rel.version,
                    threads,
                );
                let decl = &program.relations[req.rel];
                let cols: Vec<&str> = req
                    .cols
                    .iter()
                    .map(|&c| decl.columns.get(c).map_or("?", |a| a.name.as_str()))
                    .collect();
                built.push(IndexStats {
                    stratum,
                    on: format!("{}({})", decl.name, cols.join(", ")),
                    rows: rel.len(),
                    keys: ix.groups(),
                    time: t0.elapsed(),
                });
                db.static_indexes.insert(key, ix);
            }
            slots.push(0);
        }
    }
    slots
}

fn views<'a>(db: &'a Database, reqs: &[IndexReq], slots: &[usize]) -> Vec<IndexView<'a>> {
    reqs.iter()
        .zip(slots)
        .map(|(req, &slot)| {
            if slot == usize::MAX {
                IndexView::Unused
            } else if req.dynamic {
                IndexView::Dyn(&db.rels[req.rel].dyn_indexes[slot])
            } else {
                IndexView::Static(
                    db.static_indexes
                        .get(&(req.rel, req.cols.clone()))
                        .expect("prepared before the round"),
                )
            }
        })
        .collect()
}

/// Marks the indexes a list of steps reads.
fn mark_used(steps: &[Step], used: &mut [bool]) {
    for s in steps {
        match s {
            Step::Lookup { index, .. } => used[*index] = true,
            Step::NotExists { index: Some(i), .. } => used[*i] = true,
            Step::Aggregate(a) => {
                mark_used(&a.steps, used);
                if let Some(g) = &a.grouped {
                    mark_used(g, used);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceMap, check, syntax};

    fn program(text: &str) -> ir::Program {
        let mut sources = SourceMap::new();
        let id = sources.add("t.dl", text.to_string());
        syntax::parse(&sources, id)
            .and_then(|m| check::check(&sources, &[m]))
            .expect("a valid program")
    }

    #[test]
    fn a_batch_run_drops_each_index_after_the_last_stratum_that_reads_its_relation() {
        // `two` reads `e` through an index; `three` reads `two` only, so
        // `e`'s index is spent after `two`'s stratum; `two`'s is spent too.
        let p = program(
            ".decl e(x: number, y: number)
             .decl two(x: number, z: number)
             .decl three(x: number, w: number)
             e(1, 2). e(2, 3). e(3, 4). e(4, 5). e(5, 6).
             two(x, z) :- e(x, y), e(y, z).
             three(x, w) :- two(x, y), two(y, w).",
        );
        assert!(p.strata.len() >= 2);
        for keep in [true, false] {
            let mut db = Database::new(&p);
            db.load_program_facts(&p).expect("facts");
            let opts = EvalOptions {
                keep_indexes: keep,
                ..EvalOptions::default()
            };
            evaluate(&p, &mut db, &opts).expect("evaluates");
            let rel = |name: &str| p.relations.iter().position(|r| r.name == name);
            let (two, three) = (rel("two").expect("two"), rel("three").expect("three"));
            assert_eq!(db.rels[two].len(), 4);
            assert_eq!(db.rels[three].len(), 2, "three(1, 5) and three(2, 6)");
            assert_eq!(
                db.static_indexes.is_empty(),
                !keep,
                "kept: {keep}, indexes: {:?}",
                db.static_indexes.keys().collect::<Vec<_>>()
            );
        }
    }
}
