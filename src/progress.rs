//! This module defines how long work tells its caller how it is going: a
//! [`Progress`] observer that the evaluator (through
//! [`EvalOptions::progress`](crate::eval::EvalOptions::progress)) and the
//! fact loaders call while they run (when a stratum starts, and otherwise
//! at most every `REPORT_EVERY`), and once when they end.
//!
//! The library only calls the observer; it never draws anything. The `sleuth`
//! binary installs one that draws a status line on standard error when that
//! is a terminal, so scripts, pipes and library callers see nothing. Without
//! an observer nothing is measured or called: the evaluator does not even
//! read the clock for it.

use std::fmt;
use std::time::{Duration, Instant};

/// Told how long work is going. Implementations are called from the thread
/// doing the work and must return quickly.
pub trait Progress: Send + Sync + fmt::Debug {
    /// An evaluation is under way.
    fn evaluating(&self, at: &Evaluating<'_>);
    /// Facts are being loaded.
    fn loading(&self, at: &Loading<'_>);
    /// The work last reported on ended, finished or failed: clear whatever
    /// shows it.
    fn finished(&self);
}

/// Where an evaluation stands.
#[derive(Clone, Copy, Debug)]
pub struct Evaluating<'a> {
    /// The stratum being evaluated, counted from 1.
    pub stratum: usize,
    /// Strata in the program.
    pub strata: usize,
    /// The relations that stratum derives.
    pub relations: &'a [String],
    /// Rounds run in that stratum so far.
    pub rounds: u32,
    /// Tuples the evaluation has derived so far.
    pub tuples: u64,
    /// Time since the evaluation began.
    pub elapsed: Duration,
}

/// Where a load stands.
#[derive(Clone, Copy, Debug)]
pub struct Loading<'a> {
    /// The file being read.
    pub file: &'a str,
    /// Files read completely so far.
    pub files_done: usize,
    /// Files to read.
    pub files: usize,
    /// Rows (facts) read so far.
    pub rows: u64,
    /// Time since the load began.
    pub elapsed: Duration,
}

/// The least time between two reports of one piece of work.
pub(crate) const REPORT_EVERY: Duration = Duration::from_millis(100);

/// Paces the reports of one piece of work: [`Reporter::due`] says when the
/// next one is wanted, and dropping the reporter tells the observer that the
/// work ended (however it ended).
#[derive(Debug)]
pub(crate) struct Reporter<'a> {
    progress: Option<&'a dyn Progress>,
    started: Instant,
    next: Instant,
}

impl<'a> Reporter<'a> {
    /// A reporter for work starting now; `None` reports nothing and costs
    /// nothing.
    pub fn new(progress: Option<&'a dyn Progress>) -> Reporter<'a> {
        let now = Instant::now();
        Reporter {
            progress,
            started: now,
            next: now,
        }
    }

    /// The observer and the time since the work began, when a report is
    /// due (at most once per [`REPORT_EVERY`]).
    #[inline]
    pub fn due(&mut self) -> Option<(&'a dyn Progress, Duration)> {
        let progress = self.progress?;
        let now = Instant::now();
        if now < self.next {
            return None;
        }
        self.next = now + REPORT_EVERY;
        Some((progress, now - self.started))
    }

    /// [`Reporter::due`] at once, whenever the last report was: for the
    /// start of a new step (a stratum), which is worth a report of its own.
    #[inline]
    pub fn now(&mut self) -> Option<(&'a dyn Progress, Duration)> {
        if self.progress.is_some() {
            self.next = self.started;
        }
        self.due()
    }
}

impl Drop for Reporter<'_> {
    fn drop(&mut self) {
        if let Some(progress) = self.progress {
            progress.finished();
        }
    }
}
