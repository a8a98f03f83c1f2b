//! This module defines the [`Frame`]: the relations of one compiled run as
//! flat vectors of words (one `u64` per column, rows back to back), indexed
//! as the generated program's relation table. The runner fills the base
//! relations, the generated stages read their inputs from it and write
//! their results back, and the runner hands the results to the database.

use super::fault::{Fault, FaultKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The relations of one compiled run, in their word encoding.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    words: Vec<Vec<u64>>,
    arity: Vec<usize>,
    rows: Vec<usize>,
    /// Time spent inside crepe (`run_with_hasher`), summed over stages.
    pub crepe_time: Duration,
    /// Time inside crepe of each stage, in order.
    pub stage_times: Vec<Duration>,
    /// Set from another thread to stop after the running stage.
    cancel: Option<Arc<AtomicBool>>,
    /// When the run is to stop, after the stage that passes it.
    deadline: Option<Instant>,
}

impl Frame {
    /// An empty frame for relations of these arities.
    pub fn new(arities: &[usize]) -> Frame {
        Frame {
            words: vec![Vec::new(); arities.len()],
            arity: arities.to_vec(),
            rows: vec![0; arities.len()],
            crepe_time: Duration::ZERO,
            stage_times: Vec::new(),
            cancel: None,
            deadline: None,
        }
    }

    /// Stops the run after the stage during which `cancel` is set or
    /// `deadline` passes (a stage itself runs to its fixpoint uninterrupted).
    pub fn stop_when(&mut self, cancel: Option<Arc<AtomicBool>>, deadline: Option<Instant>) {
        self.cancel = cancel;
        self.deadline = deadline;
    }

    /// Called by the generated program after each stage: a
    /// [`FaultKind::Stopped`] fault once the run is to stop.
    pub fn after_stage(&self) -> Result<(), Fault> {
        let cancelled = self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed));
        let late = self.deadline.is_some_and(|d| Instant::now() >= d);
        if cancelled || late {
            return Err(Fault {
                site: u32::MAX,
                kind: FaultKind::Stopped,
            });
        }
        Ok(())
    }

    /// Number of rows of a relation (duplicates included).
    #[cfg(test)]
    pub fn row_count(&self, rel: usize) -> usize {
        self.rows[rel]
    }

    /// Reserves room for `additional` more rows.
    pub fn reserve(&mut self, rel: usize, additional: usize) {
        self.words[rel].reserve(additional * self.arity[rel]);
    }

    /// Appends one row; `row.len()` must be the relation's arity.
    #[inline]
    pub fn push(&mut self, rel: usize, row: &[u64]) {
        debug_assert_eq!(row.len(), self.arity[rel]);
        self.words[rel].extend_from_slice(row);
        self.rows[rel] += 1;
    }

    /// The rows of a relation.
    pub fn rows(&self, rel: usize) -> impl Iterator<Item = &[u64]> + '_ {
        let arity = self.arity[rel];
        let words = &self.words[rel];
        (0..self.rows[rel]).map(move |i| &words[i * arity..(i + 1) * arity])
    }

    /// Removes and returns a relation's words (row-major) and row count.
    pub fn take(&mut self, rel: usize) -> (Vec<u64>, usize) {
        let rows = std::mem::take(&mut self.rows[rel]);
        (std::mem::take(&mut self.words[rel]), rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_order_including_nullary() {
        let mut f = Frame::new(&[2, 0]);
        f.push(0, &[1, 2]);
        f.push(0, &[3, 4]);
        f.push(1, &[]);
        let rows: Vec<&[u64]> = f.rows(0).collect();
        assert_eq!(rows, vec![&[1, 2][..], &[3, 4][..]]);
        assert_eq!(f.rows(1).count(), 1);
        assert_eq!(f.take(0), (vec![1, 2, 3, 4], 2));
        assert_eq!(f.row_count(0), 0);
    }
}
