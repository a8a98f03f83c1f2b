//! sleuth's front end: everything between `.dl` text and the checked program
//! every back end reads. The interpreter and the explainer (in `sleuth`) and
//! the code generator (`sleuth-codegen`, run by sleuth's build script) all
//! depend on it, so a rule means the same to each of them.
//!
//! ```text
//!  .dl text ──syntax──▶ ast::Module ──check──▶ ir::Program
//! ```
//!
//! - [`syntax`]: lexer, parser and AST with spans.
//! - [`check`]: names and arity, type inference, safety, stratification; lowers to [`ir`].
//! - [`ir`]: the checked program, and what its expressions, functors and
//!   aggregates mean ([`ir::functors`]).
//! - [`diag`]: spans, source map, error codes and rendered diagnostics.
//! - [`value`]: types, values and dates.
#![deny(missing_docs)]

pub mod check;
pub mod diag;
pub mod ir;
pub mod syntax;
pub mod value;

pub use diag::{Diagnostic, Diagnostics, SourceId, SourceMap, Span};
pub use value::{Date, Type, Value};
