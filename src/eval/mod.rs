//! This module defines the semi-naive bottom-up interpreter over
//! [`ir::Program`](crate::ir::Program).
//!
//! ```text
//!  Database::new(&program)          one relation per program relation
//!  db.load_program_facts(&program)  facts written in the program
//!  io::tsv::read_inputs(..)         .input files
//!  evaluate(&program, &mut db, &opts) -> EvalStats
//!  db.len(rel) / db.tuples(rel) / db.sorted_rows(rel) / db.round_of(rel, tuple)
//! ```
//!
//! Strata run in order; each runs its rules to a fixpoint. Values are packed
//! into machine words (`pack`); each relation keeps its rows in one flat
//! store of 32-bit words while its values fit, 64-bit after (`rows`), with a
//! hash set of row ids (`rowset`, `relation`); joins read rows through
//! indexes on the bound columns (`index`, whose key tables are sized from
//! an estimate of their keys, `distinct`) in an order chosen per rule
//! version (`plan`) and executed by `exec`; the driver (`fixpoint`)
//! merges each round's candidate rows, deduplicating against what is known,
//! with the fresh memory a merge writes faulted in on a second core (`fresh`).
//!
//! # API
//!
//! - [`Database::new`], [`Database::insert`] (type-checked, returns whether
//!   new), [`Database::load_program_facts`], `io::tsv::read_inputs`.
//! - [`evaluate`] with [`EvalOptions`] (the bounds `max_tuples`,
//!   `max_memory`, `time_limit` and the `cancel` flag, checked in `limits`;
//!   `record_rounds`, `profile`, `threads`, a `progress` observer) returns
//!   [`EvalStats`] (per stratum and, when profiling, per rule;
//!   [`EvalStats::render`] prints the table). [`EvalOptions::default`] suits
//!   batch runs; [`EvalOptions::interactive`] stops a runaway question within
//!   seconds.
//! - Reading: [`Database::len`], [`Database::contains`], [`Database::tuples`]
//!   (owned, sorted), [`Database::rows`] / [`Database::sorted_rows`] (borrowed
//!   [`RowRef`]s whose [`Field`]s print without allocating),
//!   [`Database::matching`] (a pattern with wildcards), and
//!   [`Database::round_of`] (provenance rounds when recorded).
//! - [`Database::mark_complete`]: rules deriving that relation are skipped.
//! - [`Database::adopt`]: follow a program that grew (a REPL session's new
//!   relations and rules) without reloading data.
//! - [`plan_text`]: every rule's versions, join order and indexes;
//!   [`plan_text_over`] as planned over a database's facts.
//!
//! A second [`evaluate`] after more base facts were inserted continues
//! semi-naively from the new facts, except for strata that read a changed
//! relation under negation or aggregation (or a relation that was recomputed),
//! which are recomputed from scratch.
//!
//! On error (a runtime error, a limit, an interruption) the database
//! holds partial results; a caller that needs the previous state keeps a clone
//! of the database and restores it. The next [`evaluate`] of a database whose
//! evaluation failed recomputes every derived relation from its base facts.

// Diagnostic is the crate's error type by contract; errors are rare and leave
// the hot paths through a boxed `exec::Stop`.
#![allow(clippy::result_large_err)]

pub(crate) mod aggregate;
pub(crate) mod ahead;
pub(crate) mod database;
pub(crate) mod distinct;
pub(crate) mod exec;
pub(crate) mod expr;
pub(crate) mod fixpoint;
pub(crate) mod fresh;
pub(crate) mod hash;
pub(crate) mod index;
pub(crate) mod intern;
pub mod limit_text;
pub(crate) mod limits;
pub(crate) mod pack;
pub(crate) mod plan;
pub(crate) mod prefetch;
pub(crate) mod relation;
pub(crate) mod rows;
pub(crate) mod rowset;
pub(crate) mod show;
pub(crate) mod stats;

pub use database::{Database, Field, RowRef};
pub use fixpoint::evaluate;
pub use show::plan_text;
pub use show::plan_text_over;
pub use stats::{EvalStats, IndexStats, RuleStats, StratumMode, StratumStats};

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::progress::Progress;

/// How [`evaluate`] runs.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Stop with `tuple-limit` once more than this many tuples have been
    /// derived in one evaluation (the CLI's `--max-tuples`); `u64::MAX` means
    /// no bound.
    pub max_tuples: u64,
    /// Set it to `true` from another thread to stop with `interrupted`.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Record for every tuple the round it was first derived in
    /// ([`Database::round_of`]).
    pub record_rounds: bool,
    /// Collect per-rule timings ([`EvalStats::rules`]); strata are always timed.
    pub profile: bool,
    /// Threads joining chunks of a rule's outer loop side by side (merging
    /// stays on one thread); 0, the default, means one per core (at most 8).
    /// 1 keeps everything on the calling thread.
    pub threads: usize,
    /// Distinct groups an aggregate works out one at a time while a rule
    /// version runs, before it folds all of its groups in one pass over its
    /// body (16 by default; 0 folds at the first group).
    pub fold_groups_after: u32,
    /// Stop with `memory-limit` once the evaluation's relations, indexes and
    /// symbols hold more than this many bytes (the CLI's `--max-memory`; see
    /// `limits` for what is counted); 0 means no bound.
    pub max_memory: u64,
    /// Stop with `time-limit` once one evaluation has run this long (the CLI's
    /// `--timeout`); `None` means no bound.
    pub time_limit: Option<Duration>,
    /// Told a few times a second how the evaluation is going (stratum,
    /// tuples, time), and when it ends; `None` costs nothing.
    pub progress: Option<Arc<dyn Progress>>,
    /// Keep every index built on a lower stratum's relation after the
    /// evaluation, for the questions that follow (the default). `false`
    /// drops each once no later stratum reads its relation: a batch run
    /// that only writes its results then holds less at its peak.
    pub keep_indexes: bool,
}

/// [`EvalOptions::interactive`]'s bound on derived tuples.
pub(crate) const INTERACTIVE_MAX_TUPLES: u64 = 5_000_000;
/// [`EvalOptions::interactive`]'s bound on the bytes the tables hold.
pub(crate) const INTERACTIVE_MAX_MEMORY: u64 = 4 << 30;
/// [`EvalOptions::interactive`]'s bound on one evaluation's wall time.
pub(crate) const INTERACTIVE_TIME_LIMIT: Duration = Duration::from_secs(30);

impl EvalOptions {
    /// Bounds for a person waiting at a prompt (`sleuth query`, `explain`,
    /// the REPL, a [`Workspace`](crate::session::Workspace)): a question that
    /// never reaches a fixpoint stops within seconds with an error saying
    /// how to raise the bound, while the rule library over the report and
    /// questions over millions of facts run well inside them.
    /// [`EvalOptions::default`] keeps the large bound of batch runs.
    pub fn interactive() -> EvalOptions {
        EvalOptions {
            max_tuples: INTERACTIVE_MAX_TUPLES,
            max_memory: INTERACTIVE_MAX_MEMORY,
            time_limit: Some(INTERACTIVE_TIME_LIMIT),
            ..EvalOptions::default()
        }
    }
}

impl Default for EvalOptions {
    /// The bounds of a batch run (`sleuth run`): 200 million derived tuples,
    /// no bound on memory or time.
    fn default() -> EvalOptions {
        EvalOptions {
            max_tuples: 200_000_000,
            cancel: None,
            record_rounds: false,
            profile: false,
            threads: 0,
            fold_groups_after: 16,
            max_memory: 0,
            time_limit: None,
            progress: None,
            keep_indexes: true,
        }
    }
}
