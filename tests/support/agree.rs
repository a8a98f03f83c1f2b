//! This module defines the agreement of the real pipeline (parse, check,
//! evaluate) with the reference evaluator on one program text.
//!
//! - The reference met no runtime error: the evaluation succeeds and every
//!   relation is identical, from one evaluation and from the facts loaded in
//!   two batches (the second evaluation continues from the first, recording
//!   derivation rounds, folding every aggregate's groups in one pass).
//! - The reference met a *certain* error (in a head, the body holding): the
//!   evaluation fails with one of the codes the reference met.
//! - The reference met only body errors: the evaluation fails with one of
//!   those codes, or succeeds with the reference's (lenient) relations.
//! - The reference met no error: the evaluation must not fail. The
//!   generator writes expressions that may fail only in heads, and keeps
//!   the values that survive them small, so no body expression can fail in
//!   an order the reference did not try.
//!
//! Every `eqrel` relation also comes out reflexive on its members,
//! symmetric and transitive.

use std::collections::BTreeSet;

use sleuth::eval::{self, Database, EvalOptions};
use sleuth::ir::Program;
use sleuth::{SourceMap, check, syntax};

use super::naive::{self, Tuple};

/// What one program did.
#[derive(Debug, Default)]
pub struct Stats {
    /// Derived relations.
    pub derived: usize,
    /// Derived relations the reference filled.
    pub filled: usize,
    /// The code of the runtime error the evaluation stopped at (as
    /// allowed).
    pub failed: Option<&'static str>,
}

/// Parses and checks `text` as one file; `Err` renders the diagnostics.
pub fn compile(text: &str) -> Result<(Program, SourceMap), String> {
    let mut sources = SourceMap::new();
    let id = sources.add("random.dl", text.to_string());
    let program = syntax::parse(&sources, id)
        .and_then(|m| check::check(&sources, &[m]))
        .map_err(|d| format!("rejected:\n{}", d.render(&sources)))?;
    check::verify(&program).map_err(|e| format!("IR invariant broken: {e}"))?;
    Ok((program, sources))
}

/// Runs `text` both ways (the real evaluator with `threads` worker
/// threads); `Err` describes the first disagreement.
pub fn agree(text: &str, threads: usize) -> Result<Stats, String> {
    let (program, sources) = compile(text)?;
    let reference = naive::evaluate(&program);
    let mut db = Database::new(&program);
    db.load_program_facts(&program)
        .map_err(|d| d.render(&sources))?;
    // One evaluation as a batch run does it (each index dropped after the
    // last stratum that reads its relation), then two that keep them.
    let options = EvalOptions {
        max_tuples: 1_000_000,
        threads,
        keep_indexes: false,
        ..EvalOptions::default()
    };
    let derived: Vec<usize> = program
        .strata
        .iter()
        .flat_map(|s| s.relations.iter().copied())
        .collect();
    let filled = derived
        .iter()
        .filter(|&&r| !reference.rels[r].is_empty())
        .count();
    let mut stats = Stats {
        derived: derived.len(),
        filled,
        failed: None,
    };
    let codes: Vec<&str> = reference.failures.iter().map(|f| f.code).collect();
    let certain = reference.failures.iter().any(|f| f.certain);
    match eval::evaluate(&program, &mut db, &options) {
        Err(d) => {
            if !codes.contains(&d.code.as_str()) {
                return Err(format!(
                    "evaluation failed with `{}`, the reference met {:?}:\n{}",
                    d.code,
                    reference.failures,
                    d.render(&sources)
                ));
            }
            stats.failed = reference
                .failures
                .iter()
                .map(|f| f.code)
                .find(|&c| c == d.code);
            return Ok(stats);
        }
        Ok(_) if certain => {
            return Err(format!(
                "evaluation succeeded, the reference met {:?}",
                reference.failures
            ));
        }
        Ok(_) => {}
    }
    compare_all(&program, &db, &reference.rels, "one evaluation")?;
    equivalences(text, &program, &db)?;
    if !codes.is_empty() {
        return Ok(stats);
    }
    // The same facts in two batches. The first batch is a program of its
    // own, checked against the reference too; when that one fails at run
    // time there is nothing to continue from.
    let (first, second): (Vec<_>, Vec<_>) = program
        .facts
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 3 != 1);
    let mut part = program.clone();
    part.facts = first.iter().map(|(_, f)| f.clone()).collect();
    let part_reference = naive::evaluate(&part);
    if !part_reference.failures.is_empty() {
        return Ok(stats);
    }
    let mut db = Database::new(&program);
    let options = EvalOptions {
        record_rounds: true,
        fold_groups_after: 0,
        keep_indexes: true,
        ..options
    };
    for (k, batch) in [first, second].into_iter().enumerate() {
        for (_, f) in batch {
            db.insert(f.rel, &f.values)
                .map_err(|d| d.render(&sources))?;
        }
        eval::evaluate(&program, &mut db, &options)
            .map_err(|d| format!("evaluation in two batches failed:\n{}", d.render(&sources)))?;
        if k == 0 {
            compare_all(
                &program,
                &db,
                &part_reference.rels,
                "the first of two batches",
            )?;
        }
    }
    compare_all(&program, &db, &reference.rels, "two batches")?;
    Ok(stats)
}

/// Compares every relation of `db` with the reference's.
pub fn compare_all(
    program: &Program,
    db: &Database,
    expected: &[BTreeSet<Tuple>],
    how: &str,
) -> Result<(), String> {
    for (rel, want) in expected.iter().enumerate() {
        if program.relations[rel].is_query {
            continue;
        }
        let got: BTreeSet<Tuple> = db.tuples(rel).into_iter().collect();
        if &got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(want).collect();
            return Err(format!(
                "{how}: relation `{}` differs\n  missing (the reference has them): {missing:?}\n  extra (the reference lacks them): {extra:?}",
                program.relations[rel].name
            ));
        }
    }
    Ok(())
}

/// The relations `text` declares `eqrel`.
pub fn eqrel_names(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with(".decl ") && l.trim_end().ends_with(" eqrel"))
        .filter_map(|l| l[6..].split('(').next().map(str::to_string))
        .collect()
}

/// Every `eqrel` relation is an equivalence on the values it holds.
fn equivalences(text: &str, program: &Program, db: &Database) -> Result<(), String> {
    for name in eqrel_names(text) {
        let rel = program
            .relation_id(&name)
            .ok_or_else(|| format!("no relation `{name}`"))?;
        let pairs: BTreeSet<Tuple> = db.tuples(rel).into_iter().collect();
        for p in &pairs {
            let (a, b) = (&p[0], &p[1]);
            let missing = [vec![a.clone(), a.clone()], vec![b.clone(), a.clone()]]
                .into_iter()
                .find(|t| !pairs.contains(t));
            if let Some(t) = missing {
                return Err(format!("eqrel `{name}` holds {p:?} but not {t:?}"));
            }
            for q in pairs.iter().filter(|q| &q[0] == b) {
                let t = vec![a.clone(), q[1].clone()];
                if !pairs.contains(&t) {
                    return Err(format!(
                        "eqrel `{name}` holds {p:?} and {q:?} but not {t:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}
