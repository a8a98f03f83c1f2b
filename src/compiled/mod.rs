//! This module defines the library's rule program compiled to native code
//! with crepe at build time, and the runtime the generated program calls.
//! The code generator build.rs runs over rules/*.dl is the crate
//! `sleuth-codegen`.
//!
//! - `engine`: which engine answers ([`Engine`]) and [`evaluate`], which
//!   runs the compiled library and leaves the rest to the interpreter;
//! - `symbols`, `column`, `ops`, `fault`, `frame`, `table`: what the
//!   generated code runs on (`ops` calls [`crate::ir::functors`] for what
//!   each operation means);
//! - `rules_hash`: the rule library's content hash.

// Errors are the crate's `Diagnostic`, returned whole as everywhere else.
#![allow(clippy::result_large_err)]

pub(crate) mod column;
pub(crate) mod engine;
pub(crate) mod fault;
pub(crate) mod frame;
pub(crate) mod fxhash;
pub(crate) mod info;
// The generated program calls the operations its rules use; the others are
// there for rules that use them, so one unused today is not dead.
#[allow(dead_code)]
pub(crate) mod ops;
pub(crate) mod run;
pub(crate) mod symbols;
pub(crate) mod table;

#[cfg(test)]
mod faults_agree;

pub(crate) use sleuth_codegen::{hash, signature};

mod generated_program {
    include!(concat!(env!("OUT_DIR"), "/compiled_rules.rs"));

    /// The generated library's tables and entry point.
    pub(super) fn library() -> super::run::Compiled {
        super::run::Compiled {
            rules_hash: generated::RULES_HASH,
            relations: generated::RELATIONS,
            rules: generated::RULES,
            sites: generated::SITES,
            constants: generated::CONSTANTS,
            interpreted: generated::INTERPRETED,
            unsupported: generated::UNSUPPORTED,
            stages: generated::STAGES,
            run_stages: generated::run_stages,
        }
    }
}

pub use engine::{Engine, EngineRun, evaluate};
pub use run::CompiledRun;

use crate::diag::Diagnostic;
use crate::eval::{Database, EvalOptions};
use crate::ir::Program;

/// The content hash of the rule library sleuth was built with (see [`hash`]).
pub(crate) fn rules_hash() -> u64 {
    generated_program::library().rules_hash
}

/// Whether these rule files (name or path, text) are the library sleuth was
/// built with, so the compiled program may stand in for them.
pub fn matches<N: AsRef<str>, T: AsRef<str>>(rule_files: &[(N, T)]) -> bool {
    hash::library_hash(rule_files) == rules_hash()
}

/// Runs the compiled library over `db`, made for `program` (the library's
/// rules plus any others): fills every library relation it compiles and
/// marks it complete, so [`eval::evaluate`](crate::eval::evaluate) then runs
/// only the rest. Fails with `compiled-mismatch` when `program` does not hold
/// the library as built, or with the interpreter's error for a failing
/// operation (`division-by-zero`, `arithmetic-overflow`, `bad-number`).
/// Never stops early; see [`run_with`].
pub fn run(program: &Program, db: &mut Database) -> Result<CompiledRun, Diagnostic> {
    run_with(program, db, &EvalOptions::default())
}

/// [`run`], stopping between two of the compiled program's stages with
/// `interrupted` when `opts`' cancel flag is set or `time-limit` once its
/// time is up (a stage runs to its fixpoint uninterrupted; the tuple and
/// memory bounds are the interpreter's).
pub fn run_with(
    program: &Program,
    db: &mut Database,
    opts: &EvalOptions,
) -> Result<CompiledRun, Diagnostic> {
    run::run_compiled(&generated_program::library(), program, db, opts)
}

/// Library relations the compiled program leaves to the interpreter, with
/// the reason (empty when the whole library compiles).
pub fn left_to_interpreter() -> Vec<(&'static str, &'static str)> {
    generated_program::library()
        .interpreted
        .iter()
        .map(|i| (i.relation, i.reason))
        .collect()
}

/// Library rules that could not be compiled: `file:line` and the reason.
pub fn unsupported_rules() -> Vec<(&'static str, &'static str)> {
    generated_program::library()
        .unsupported
        .iter()
        .map(|u| (u.location, u.reason))
        .collect()
}

/// Names of the library relations the compiled program computes.
pub fn compiled_relations() -> Vec<&'static str> {
    generated_program::library()
        .relations
        .iter()
        .filter(|r| r.role == info::RelationRole::Derived)
        .map(|r| r.name)
        .collect()
}
