//! This module defines the library's rule program compiled to native code
//! with crepe at build time: the code generator build.rs runs over
//! rules/*.dl, and the runtime the generated program calls.
//!
//! - [`plan`]: splits the library into crepe stages and aggregate steps,
//!   and finds what must stay with the interpreter;
//! - [`codegen`]: writes the Rust text of the compiled program;
//! - [`symbols`], [`column`], [`ops`], [`functors`], [`fault`], [`frame`]:
//!   what the generated code runs on;
//! - [`hash`]: the rule library's content hash.

pub mod codegen;
#[cfg(test)]
mod codegen_tests;
pub mod column;
pub mod emit_expr;
pub mod fault;
pub mod frame;
pub mod functors;
pub mod fxhash;
pub mod hash;
pub mod info;
pub mod lowered;
pub mod names;
pub mod ops;
pub mod order;
pub mod plan;
pub mod signature;
pub mod symbols;
#[cfg(test)]
pub mod testkit;
