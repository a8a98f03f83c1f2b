//! sleuth's code generator: turns a checked rule library into the Rust text
//! of a compiled program of `crepe!` stages. sleuth's build script runs it on
//! `rules/*.dl`; sleuth itself uses the library hash and rule signatures at
//! run time to find the compiled program's rules in the program it loaded.
//!
//! ```text
//!  rules/*.dl ──library──▶ ir::Program ──plan──▶ stages of lowered rules ──codegen──▶ tokens ──layout──▶ Rust text
//! ```
//!
//! - [`library`]: parse, check and generate a whole library (what build.rs calls);
//! - [`plan`]: splits the library into crepe stages and aggregate steps, and
//!   finds what must stay with the interpreter;
//! - [`lowered`], [`order`]: the rules after aggregates are split off, and
//!   the order their literals run in;
//! - [`codegen`], [`emit_expr`], [`names`]: the Rust tokens, and
//!   [`layout`]: the text they are laid out as;
//! - [`hash`], [`signature`]: the library's content hash and each rule's
//!   signature, shared with the runtime.
#![deny(missing_docs)]
// Errors are the front end's `Diagnostic`, returned whole as everywhere else.
#![allow(clippy::result_large_err)]

pub mod codegen;
#[cfg(test)]
mod codegen_tests;
pub mod emit_expr;
pub mod hash;
pub mod layout;
pub mod library;
pub mod lowered;
pub mod names;
pub mod order;
pub mod plan;
pub mod signature;
#[cfg(test)]
mod testkit;
