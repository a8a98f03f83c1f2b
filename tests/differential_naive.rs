//! This module defines the differential property test of the interpreter:
//! the shared generator (`support/programs.rs`) writes random stratified programs
//! over the whole language; each goes through the real pipeline (parse,
//! check, evaluate) and through the naive reference evaluator
//! (`support/naive.rs`), and they must agree as `support/agree.rs` defines:
//! identical relations, and the same runtime error where the reference
//! meets one.
//!
//! `SLEUTH_FUZZ_CASES=N` runs N programs of each kind (300 by default);
//! `SLEUTH_DIFF_SEED=S` starts from another seed; `SLEUTH_DIFF_SHOW=1`
//! prints each program.

mod support;

use std::collections::BTreeMap;

use support::agree::agree;
use support::programs::{Options, generate};

fn base_seed() -> u64 {
    support::env_number("SLEUTH_DIFF_SEED", 0x5EED_0000)
}

/// Runs `n` programs from `seed` and returns (derived relations, non-empty
/// ones, programs stopped by a runtime error by code).
fn run(options: &Options, seed: u64, n: u64) -> (usize, usize, BTreeMap<&'static str, usize>) {
    let show = std::env::var_os("SLEUTH_DIFF_SHOW").is_some();
    let (mut derived, mut filled, mut failed) = (0, 0, BTreeMap::new());
    for i in 0..n {
        let text = generate(seed + i, options);
        if show {
            eprintln!("--- program {i}\n{text}");
        }
        // Every other program joins on all cores (0), the rest on one.
        match agree(&text, (i % 2) as usize) {
            Ok(s) => {
                derived += s.derived;
                filled += s.filled;
                if let Some(code) = s.failed {
                    *failed.entry(code).or_default() += 1;
                }
            }
            Err(e) => panic!("program {i} (seed {}, {options:?}):\n{text}\n{e}", seed + i),
        }
    }
    (derived, filled, failed)
}

#[test]
fn random_programs_agree_with_the_naive_evaluator() {
    let n = support::cases(300);
    let (derived, filled, failed) = run(&Options::default(), base_seed(), n);
    eprintln!(
        "{n} random programs agree with the naive evaluator ({filled} of {derived} derived relations non-empty)"
    );
    assert!(
        failed.is_empty(),
        "programs without failing expressions failed: {failed:?}"
    );
    // The programs must compute something, or agreement says little.
    assert!(
        n < 50 || filled * 2 >= derived,
        "only {filled} of {derived} derived relations are non-empty"
    );
}

#[test]
fn runtime_errors_agree_with_the_naive_evaluator() {
    let n = support::cases(300);
    let options = Options {
        errors: true,
        ..Options::default()
    };
    let (derived, filled, codes) = run(&options, base_seed() ^ 0xE770, n);
    let failed: usize = codes.values().sum();
    eprintln!(
        "{n} random programs with failing expressions agree (stopped by an error: {codes:?}; {filled} of {derived} derived relations non-empty)"
    );
    for code in ["division-by-zero", "arithmetic-overflow", "bad-number"] {
        assert!(
            n < 100 || codes.contains_key(code),
            "no program stopped with `{code}`"
        );
    }
    assert!(
        n < 50 || (failed * 10 >= n as usize && failed * 10 <= 9 * n as usize),
        "{failed} of {n} programs stopped by an error: too few or too many to test both outcomes"
    );
}

/// Found by a long run: the reference summed an empty float group to -0.0
/// (Rust's float `Sum` starts there); the sum of an empty group is 0.
#[test]
fn an_empty_float_sum_is_positive_zero() {
    let text = ".decl w(x: float)\n.decl s(x: float)\ns(F) :- F = sum X : { w(X) }.\n";
    agree(text, 1).unwrap_or_else(|e| panic!("{e}"));
    let (program, _) = support::agree::compile(text).expect("checks");
    let rel = program.relation_id("s").expect("s");
    let sums: Vec<_> = support::naive::evaluate(&program).rels[rel]
        .iter()
        .cloned()
        .collect();
    match sums.as_slice() {
        [t] => assert!(
            matches!(t[0], sleuth::Value::Float(x) if x == 0.0 && x.is_sign_positive()),
            "{t:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_generator_covers_every_feature() {
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&generate(
            base_seed() + i,
            &Options {
                errors: i % 2 == 0,
                ..Options::default()
            },
        ));
    }
    for feature in [
        "count :",
        "sum ",
        "min ",
        "max ",
        "mean ",
        "!",
        "not ",
        " % ",
        "<=",
        "_",
        "\"a\"",
        "()",
        "bxor",
        "band",
        "bor",
        "bshl",
        "bshr",
        "bshru",
        "land",
        "lor",
        "lxor",
        "bnot",
        "lnot",
        "^",
        "0x",
        "0b",
        "!(",
        " ; ",
        "contains(",
        "match(",
        "cat(",
        "strlen(",
        "substr(",
        "to_string(",
        "to_number(",
        "to_float(",
        "to_unsigned(",
        "add_months(",
        "months_between(",
        "year(",
        "month(",
        "eqrel",
        ": float",
        ": date",
        ": unsigned",
        ": Code_",
        ".type",
        "true",
        "false",
        "), r",
        " / ",
        "2.25",
    ] {
        assert!(text.contains(feature), "no program uses `{feature}`");
    }
}
