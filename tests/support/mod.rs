//! This module is the test binaries' shared support for random programs:
//! [`rng`] the deterministic random numbers, [`programs`] the generator of random
//! stratified programs over the whole language, [`naive`] the reference
//! evaluator that runs a checked program by nested loops, and [`agree`] the
//! comparison of the real pipeline with it. A test binary includes it with
//! `mod support;` and uses the parts it needs.
#![allow(dead_code)] // each test binary uses a different part

pub mod agree;
pub mod naive;
pub mod programs;
pub mod rng;

/// A number from the environment variable `name`, or `default`.
pub fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// How many random cases a property test runs: `SLEUTH_FUZZ_CASES` when
/// set (for long runs), else the test's own `default`.
pub fn cases(default: u64) -> u64 {
    env_number("SLEUTH_FUZZ_CASES", default)
}
