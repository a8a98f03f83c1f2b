//! This module defines what stops an evaluation before its fixpoint, and the
//! one place each stop is checked and worded:
//!
//! | bound | [`EvalOptions`] field | code | checked |
//! |---|---|---|---|
//! | the cancel flag (Ctrl-C) | `cancel` | `interrupted` | every round, and every 16k rows a join visits |
//! | wall time | `time_limit` | `time-limit` | every round, and every 16k rows a join visits |
//! | tuples derived | `max_tuples` | `tuple-limit` | after each batch of candidates is merged |
//! | bytes held | `max_memory` | `memory-limit` | after each merge, and after a stratum builds its indexes |
//!
//! A join only reads: the relations grow when its candidates are merged, so
//! what grows (tuples, bytes) is checked at the merges, and what passes on
//! its own (time, a Ctrl-C) is also checked inside long joins. The clock is
//! read only when a time limit is set.
//!
//! The bytes are those the evaluation holds in its tables, as
//! [`Database::heap_bytes`](super::Database::heap_bytes) counts them: rows,
//! their deduplication sets, recorded rounds, indexes and symbols, at their
//! allocated capacity. They are kept as a running total (recounted when a
//! stratum starts, then adjusted by each merge), so a check costs a
//! comparison. Not counted: a join's candidate buffer (at most a million
//! rows per join thread before it is merged) and what the caller holds
//! besides the database (the parsed program, loaded documents, a copy kept
//! to roll back to).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::EvalOptions;
use super::exec::Stop;
use super::limit_text::{human_bytes, human_duration, show_count, show_duration, show_size};
use crate::diag::{Code, Diagnostic};

/// The codes of the errors that stop an evaluation early, leaving partial
/// results (a caller that keeps state rolls back).
pub const STOP_CODES: [Code; 4] = [
    Code::Interrupted,
    Code::TimeLimit,
    Code::TupleLimit,
    Code::MemoryLimit,
];

/// Whether an error code is one of [`STOP_CODES`].
pub fn is_stop(code: Code) -> bool {
    STOP_CODES.contains(&code)
}

const RUNAWAY_NOTE: &str = "a rule that makes new values from old ones, such as `n(X + 1) :- n(X).`, never reaches a fixpoint";

/// The bounds of one evaluation, fixed when it starts.
#[derive(Debug)]
pub struct Limits<'a> {
    cancel: Option<&'a AtomicBool>,
    started: Instant,
    time_limit: Option<Duration>,
    deadline: Option<Instant>,
    max_tuples: u64,
    max_memory: u64,
    strata: usize,
}

/// Where the evaluation was when it stopped, for the message.
#[derive(Clone, Copy, Debug)]
pub struct At<'a> {
    /// The stratum's index.
    pub stratum: usize,
    /// The relation being derived (or the stratum's relations).
    pub relation: &'a str,
}

impl<'a> Limits<'a> {
    /// The bounds of `opts`, for an evaluation of `strata` strata starting now.
    pub fn new(opts: &'a EvalOptions, strata: usize) -> Limits<'a> {
        let started = Instant::now();
        Limits {
            cancel: opts.cancel.as_deref(),
            started,
            time_limit: opts.time_limit,
            deadline: opts.time_limit.and_then(|t| started.checked_add(t)),
            max_tuples: opts.max_tuples,
            max_memory: opts.max_memory,
            strata,
        }
    }

    /// No bounds and no cancel flag: for a search that is bounded otherwise
    /// (the explainer's own budget).
    pub fn unbounded() -> Limits<'static> {
        Limits {
            cancel: None,
            started: Instant::now(),
            time_limit: None,
            deadline: None,
            max_tuples: u64::MAX,
            max_memory: 0,
            strata: 1,
        }
    }

    fn place(&self, at: At<'_>) -> String {
        format!(
            "while deriving `{}` (stratum {} of {})",
            at.relation,
            at.stratum + 1,
            self.strata
        )
    }

    /// Fails with `interrupted` when the cancel flag is set, or `time-limit`
    /// once the time is up.
    #[inline]
    pub fn check_running(&self, at: At<'_>) -> Result<(), Stop> {
        self.check_time(at, true)
    }

    /// [`Limits::check_running`] between two stages of the compiled rule
    /// library, whose rules cannot run away: a stop there says so.
    pub fn check_stage(&self, at: At<'_>) -> Result<(), Stop> {
        self.check_time(at, false)
    }

    /// When the time is up, if there is a bound.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    #[inline]
    fn check_time(&self, at: At<'_>, may_run_away: bool) -> Result<(), Stop> {
        if let Some(c) = self.cancel
            && c.load(Ordering::Relaxed)
        {
            return Err(Box::new(
                Diagnostic::new(
                    Code::Interrupted,
                    format!("evaluation interrupted {}", self.place(at)),
                    None,
                )
                .with_help("the results computed so far are incomplete; run the evaluation again"),
            ));
        }
        if let Some(deadline) = self.deadline
            && Instant::now() >= deadline
        {
            return Err(Box::new(self.time_up(at, may_run_away)));
        }
        Ok(())
    }

    fn time_up(&self, at: At<'_>, may_run_away: bool) -> Diagnostic {
        let limit = self.time_limit.unwrap_or_default();
        let raised = show_duration(Some((limit * 2).max(Duration::from_secs(1))));
        let raise = format!(
            "raise the limit: `--timeout {raised}` on the command line, `:set timeout {raised}` in the REPL (`off` for none)"
        );
        let d = Diagnostic::new(
            Code::TimeLimit,
            format!(
                "evaluation stopped after {}, at the time limit of {}, {}",
                human_duration(self.started.elapsed()),
                show_duration(Some(limit)),
                self.place(at)
            ),
            None,
        );
        if may_run_away {
            d.with_note(RUNAWAY_NOTE).with_help(format!(
                "bound the recursion with a comparison (`X < 100`), or {raise}"
            ))
        } else {
            d.with_note(
                "the compiled rule library always reaches its fixpoint, in a time that grows with the facts",
            )
            .with_help(raise)
        }
    }

    /// Fails with `tuple-limit` once more than the bound of tuples were
    /// derived, or `memory-limit` once the tables hold more than the bound
    /// of bytes. `len` is the size of the relation being derived.
    #[inline]
    pub fn check_growth(
        &self,
        derived: u64,
        held: u64,
        at: At<'_>,
        len: usize,
    ) -> Result<(), Stop> {
        if derived > self.max_tuples {
            let raised = show_count(self.max_tuples.saturating_mul(10).max(1000));
            return Err(Box::new(
                Diagnostic::new(
                    Code::TupleLimit,
                    format!(
                        "evaluation stopped after deriving {derived} tuples, over the limit of {}: relation `{}` keeps growing ({len} tuples; stratum {} of {})",
                        show_count(self.max_tuples),
                        at.relation,
                        at.stratum + 1,
                        self.strata
                    ),
                    None,
                )
                .with_note(RUNAWAY_NOTE)
                .with_help(format!(
                    "bound the recursion with a comparison (`X < 100`), or raise the limit: `--max-tuples {raised}` on the command line, `:set max-tuples {raised}` in the REPL (`off` for none)"
                )),
            ));
        }
        if self.max_memory > 0 && held > self.max_memory {
            return Err(Box::new(self.memory_full(held, at, len)));
        }
        Ok(())
    }

    /// Fails with `memory-limit` once the tables hold more than the bound.
    pub fn check_memory(&self, held: u64, at: At<'_>, len: usize) -> Result<(), Stop> {
        if self.max_memory > 0 && held > self.max_memory {
            return Err(Box::new(self.memory_full(held, at, len)));
        }
        Ok(())
    }

    fn memory_full(&self, held: u64, at: At<'_>, len: usize) -> Diagnostic {
        let raised = show_size(raise_size(self.max_memory));
        Diagnostic::new(
            Code::MemoryLimit,
            format!(
                "evaluation stopped holding {} in relations and indexes, over the memory limit of {}, {} ({len} tuples so far)",
                human_bytes(held),
                show_size(self.max_memory),
                self.place(at)
            ),
            None,
        )
        .with_note(RUNAWAY_NOTE)
        .with_help(format!(
            "bound the recursion with a comparison (`X < 100`), or raise the limit: `--max-memory {raised}` on the command line, `:set max-memory {raised}` in the REPL (`off` for none)"
        ))
    }
}

/// Twice a size, rounded up to a whole number of mebibytes (gibibytes from
/// one up), so that the suggestion reads well.
fn raise_size(bytes: u64) -> u64 {
    let doubled = bytes.saturating_mul(2);
    let unit: u64 = if doubled >= 1 << 30 { 1 << 30 } else { 1 << 20 };
    doubled.div_ceil(unit).saturating_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::limit_text::{parse_count, parse_duration, parse_size};

    fn help_value(d: &Diagnostic, flag: &str) -> String {
        let help = d.help.as_deref().expect("a help");
        let after = help.split(flag).nth(1).expect("the flag is named");
        after.split('`').next().expect("a value").trim().to_string()
    }

    #[test]
    fn each_stop_names_where_it_was_and_how_to_raise_it() {
        let opts = EvalOptions {
            max_tuples: 100,
            max_memory: 1 << 20,
            time_limit: Some(Duration::ZERO),
            ..EvalOptions::default()
        };
        let limits = Limits::new(&opts, 3);
        let at = At {
            stratum: 1,
            relation: "n",
        };
        let time = limits.check_running(at).expect_err("no time at all");
        assert_eq!(time.code, "time-limit");
        assert!(
            time.message.contains("`n` (stratum 2 of 3)"),
            "{}",
            time.message
        );
        let value = help_value(&time, "--timeout");
        assert!(parse_duration(&value).is_ok(), "{value}");
        assert!(time.help.as_deref().unwrap_or("").contains(":set timeout"));

        let tuples = limits.check_growth(101, 0, at, 101).expect_err("over");
        assert_eq!(tuples.code, "tuple-limit");
        assert_eq!(parse_count(&help_value(&tuples, "--max-tuples")), Ok(1000));
        assert!(
            limits.check_growth(100, 1 << 20, at, 100).is_ok(),
            "at the bounds"
        );

        let memory = limits
            .check_growth(1, (1 << 20) + 1, at, 7)
            .expect_err("over");
        assert_eq!(memory.code, "memory-limit");
        assert!(memory.message.contains("limit of 1M"), "{}", memory.message);
        assert_eq!(
            parse_size(&help_value(&memory, "--max-memory")),
            Ok(2 << 20)
        );
        assert!(
            memory
                .help
                .as_deref()
                .unwrap_or("")
                .contains(":set max-memory 2M")
        );
    }

    #[test]
    fn no_bound_never_stops() {
        let opts = EvalOptions {
            max_tuples: u64::MAX,
            ..EvalOptions::default()
        };
        let limits = Limits::new(&opts, 1);
        let at = At {
            stratum: 0,
            relation: "n",
        };
        assert!(limits.check_running(at).is_ok());
        assert!(limits.check_growth(u64::MAX - 1, u64::MAX, at, 0).is_ok());
    }

    #[test]
    fn suggested_sizes_are_round() {
        assert_eq!(raise_size(4 << 30), 8 << 30);
        assert_eq!(raise_size(1000), 1 << 20);
        assert_eq!(raise_size(600 << 20), 2 << 30);
    }
}
