//! This module defines `--engine dataflow`: the checked program run on
//! differential dataflow over timely dataflow, across worker threads
//! (`-w`) and processes (`-n`, `-p`, `-h`), its IR lowered at run time.
//!
//! ```text
//!  plan      each rule: literal order, binding layouts, join keys
//!            (planner, making a plan)
//!  load      each worker reads its share of every .input file (io::read)
//!  strata    one dataflow per stratum, in an iterative scope: one
//!            variable per relation, joins over arrangements shared per
//!            relation and key, antijoins, reduce for aggregates
//!            (stratum, render, aggregate)
//!  between   processes agree on runtime errors and share new symbols
//!            (exchange, symbols)
//!  gather    sizes summed, output rows gathered on process 0 (run)
//!  cluster   -w, -n, -p, -h as timely's configuration (cluster)
//! ```
//!
//! Rows are `N` packed words (`row::Row`), `N` the smallest of 2, 4, 8
//! or 16 the program needs. Expressions, comparisons and aggregates go
//! through the interpreter's evaluator (`eval::expr`, `eval::aggregate`);
//! symbols are 64-bit hashes with a dictionary per process (`symbols`).

// Diagnostic is the crate's error type by contract; errors are rare and
// leave the closures through a boxed `Stop`.
#![allow(clippy::result_large_err)]

mod aggregate;
mod cluster;
mod exchange;
mod plan;
mod planner;
mod render;
mod row;
mod run;
mod stratum;
mod symbols;

pub use cluster::Cluster;
pub use run::{Gathered, run};

use crate::diag::Diagnostic;
use std::cell::RefCell;
use std::sync::Arc;

/// A runtime error leaving an expression.
type Stop = Box<Diagnostic>;

/// What every operator closure of a worker shares: the process's symbol
/// dictionary and the first runtime error met.
pub(crate) struct Ctx {
    dict: Arc<symbols::Dictionary>,
    error: RefCell<Option<Diagnostic>>,
}

impl Ctx {
    /// Keeps the first error (taken as the evaluator returns it).
    #[allow(clippy::boxed_local)] // the evaluator's errors arrive boxed
    fn fail(&self, e: Stop) {
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(*e);
        }
    }
}
