//! This module defines the checker: name resolution and arity, type
//! inference, safety and stratification, lowering parsed modules to the
//! [`ir::Program`](crate::ir::Program) every back end reads.
//!
//! The pipeline, one file per step:
//! - `names`: the relation table, declarations and directives (`aliases`
//!   resolves `.type` names);
//! - `lower`: clauses and queries to the working form (`form`), one rule at
//!   a time (`builder`, `exprs`), emitting type constraints to `types` as it
//!   goes (`functors` types calls; `io` reads directive parameters);
//! - `safety`: every variable read is bound;
//! - `strata`: dependency components in evaluation order;
//! - `emit`: the working form with resolved types becomes the IR;
//! - `verify`: the IR's invariants, checked independently (for tests).
//!
//! Every step runs even when an earlier one found errors, so one call
//! reports all of a program's errors (sorted by place).

mod aliases;
mod builder;
mod emit;
mod exprs;
mod form;
mod functors;
mod io;
mod lower;
mod names;
mod safety;
mod strata;
mod types;
mod verify;

pub use verify::verify;

#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Diagnostics, SourceId, SourceMap};
use crate::ir;
use crate::syntax::{self, ast};

/// Checks parsed modules together (one program: relations are shared by
/// name) and lowers them to the IR, or returns every error found.
pub fn check(sources: &SourceMap, modules: &[ast::Module]) -> Result<ir::Program, Diagnostics> {
    let mut diags = Vec::new();
    let mut solver = types::Solver::new(sources);
    let mut table = names::resolve(modules, &mut solver, &mut diags);
    let lowered = lower::lower_program(modules, &mut table, &mut solver, &mut diags);
    safety::check(&lowered.rules, &mut diags);
    let strata = strata::stratify(&table, &lowered.rules, &mut diags);
    let program = emit::emit(&table, &lowered, strata, &solver, &mut diags);
    diags.append(&mut solver.errors);
    if diags.is_empty() {
        Ok(program)
    } else {
        Err(in_order(diags))
    }
}

/// Parses and checks registered texts: all syntax errors of all texts if
/// any text does not parse, else the result of [`check`].
pub fn check_sources(sources: &SourceMap, ids: &[SourceId]) -> Result<ir::Program, Diagnostics> {
    let mut modules = Vec::with_capacity(ids.len());
    let mut errors = Vec::new();
    for &id in ids {
        match syntax::parse(sources, id) {
            Ok(m) => modules.push(m),
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        check(sources, &modules)
    } else {
        Err(Diagnostics(errors))
    }
}

/// Sorts diagnostics by place and drops repeats (a literal shared by two
/// `;` alternatives is checked twice).
fn in_order(mut diags: Vec<Diagnostic>) -> Diagnostics {
    diags.sort_by_key(|d| (d.span.is_none(), d.span));
    diags.dedup();
    Diagnostics(diags)
}
