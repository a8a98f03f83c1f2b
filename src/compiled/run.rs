//! This module defines how the compiled library runs against a
//! [`Database`]: it checks that the loaded program holds the library it was
//! built from, moves the base relations into a [`Frame`] (symbols re-ranked
//! into the compiled program's ids), runs the generated stages, writes every
//! derived library relation back and marks it complete, so the interpreter
//! only evaluates what is left (ad-hoc rules, rules that could not be
//! compiled).

use super::column::Column;
use super::fault::{Fault, FaultKind};
use super::frame::Frame;
use super::info::{RelationInfo, RelationRole};
use super::signature::rule_signature;
use super::symbols::{self, CONSTANT_BASE, DYNAMIC_BASE, Sym, SymbolTable};
use crate::diag::Code;
use crate::diag::{Diagnostic, Span};
use crate::eval::limits::{At, Limits};
use crate::eval::{Database, EvalOptions};
use crate::ir::{Program, RelId};
use crate::value::{Type, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The generated program's tables and entry point, as the runner needs them.
#[derive(Clone, Copy, Debug)]
pub struct Compiled {
    /// Content hash of its rule library.
    pub rules_hash: u64,
    /// Its relations.
    pub relations: &'static [RelationInfo],
    /// Signatures and locations of its rules.
    pub rules: &'static [super::info::RuleInfo],
    /// Failure sites.
    pub sites: &'static [super::info::Site],
    /// String constants, sorted.
    pub constants: &'static [&'static str],
    /// What it leaves to the interpreter.
    pub interpreted: &'static [super::info::InterpretedInfo],
    /// Library rules it could not compile.
    pub unsupported: &'static [super::info::UnsupportedInfo],
    /// The relations each stage computes.
    pub stages: &'static [&'static [&'static str]],
    /// Runs the stages.
    pub run_stages: fn(&mut Frame) -> Result<(), Fault>,
}

/// What a compiled run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CompiledRun {
    /// Relations of the loaded program the compiled library filled and
    /// marked complete.
    pub produced: Vec<RelId>,
    /// Library relations left to the interpreter, with the reason.
    pub interpreted: Vec<(String, String)>,
    /// Tuples written into the database.
    pub tuples: usize,
    /// Time inside crepe.
    pub crepe_time: Duration,
    /// Each crepe program's relations and time inside crepe, in order.
    pub stages: Vec<(&'static [&'static str], Duration)>,
    /// Time outside crepe: matching, loading, interning, conversion, writing back.
    pub outside_time: Duration,
}

fn mismatch(message: String) -> Diagnostic {
    Diagnostic::new(Code::CompiledMismatch, message, None).with_help(
        "the loaded rules differ from the library sleuth was built with; \
         evaluate with `--engine interpreted`, or rebuild sleuth with these rules",
    )
}

/// Runs the compiled program over `db` (made for `program`), stopping
/// between two stages when `opts`' cancel flag is set or its time is up.
pub fn run_compiled(
    compiled: &Compiled,
    program: &Program,
    db: &mut Database,
    opts: &EvalOptions,
) -> Result<CompiledRun, Diagnostic> {
    let started = Instant::now();
    let limits = Limits::new(opts, compiled.stages.len());
    // A fault left by an earlier use of the runtime on this thread is not ours.
    let _ = super::fault::take();
    // 1. Relations: by name and types.
    let mut runtime_id: Vec<Option<RelId>> = vec![None; compiled.relations.len()];
    for (i, info) in compiled.relations.iter().enumerate() {
        if !matches!(info.role, RelationRole::Base | RelationRole::Derived) {
            continue;
        }
        let Some(r) = program.relation_id(info.name) else {
            return Err(mismatch(format!(
                "the loaded program has no relation `{}`",
                info.name
            )));
        };
        if program.relations[r].types() != info.types {
            return Err(mismatch(format!(
                "relation `{}` has other column types than in the compiled library",
                info.name
            )));
        }
        runtime_id[i] = Some(r);
    }
    // 2. Rules: every compiled rule is in the program, and no other rule
    //    derives a compiled relation.
    let mut by_signature: HashMap<String, usize> = HashMap::new();
    for (id, rule) in program.rules.iter().enumerate() {
        by_signature.insert(rule_signature(program, rule), id);
    }
    let mut rule_ids = Vec::with_capacity(compiled.rules.len());
    for info in compiled.rules {
        match by_signature.get(info.signature) {
            Some(&id) => rule_ids.push(id),
            None => {
                return Err(mismatch(format!(
                    "the loaded program lacks the library rule at {}",
                    info.location
                )));
            }
        }
    }
    let derived: Vec<RelId> = compiled
        .relations
        .iter()
        .zip(&runtime_id)
        .filter(|(info, _)| info.role == RelationRole::Derived)
        .filter_map(|(_, r)| *r)
        .collect();
    for (id, rule) in program.rules.iter().enumerate() {
        if derived.contains(&rule.head.rel) && !rule_ids.contains(&id) {
            return Err(mismatch(format!(
                "a rule outside the library derives `{}`, which the compiled library computes",
                program.relations[rule.head.rel].name
            )));
        }
    }

    // 3. Symbols: every interned string (and those of the program's facts).
    for f in &program.facts {
        for v in &f.values {
            if let Value::Symbol(s) = v {
                db.interner.intern(s).map_err(|m| {
                    Diagnostic::new(Code::SymbolTableFull, m, None)
                        .with_help("use fewer distinct symbols")
                })?;
            }
        }
    }
    let strings: Vec<&str> = (0..db.interner.len() as u32)
        .map(|id| db.interner.resolve(id))
        .collect();
    let (table, to_sym) = SymbolTable::new(compiled.constants, &strings);
    drop(strings);
    let mut ranked_back: Vec<u32> = Vec::new();
    let mut constant_back: Vec<Option<u32>> = vec![None; compiled.constants.len()];
    for (db_id, sym) in to_sym.iter().enumerate() {
        if sym.0 < CONSTANT_BASE {
            let i = sym.0 as usize;
            if ranked_back.len() <= i {
                ranked_back.resize(i + 1, 0);
            }
            ranked_back[i] = db_id as u32;
        } else {
            constant_back[(sym.0 - CONSTANT_BASE) as usize] = Some(db_id as u32);
        }
    }

    // 4. The frame: base relations and the seeds of derived ones.
    let arities: Vec<usize> = compiled.relations.iter().map(|r| r.types.len()).collect();
    let mut frame = Frame::new(&arities);
    let mut row = Vec::new();
    for (i, info) in compiled.relations.iter().enumerate() {
        let Some(r) = runtime_id[i] else { continue };
        let rel = &db.rels[r];
        let k = info.types.len();
        // A derived relation starts from its base facts only: rows a rule
        // derived earlier are derived again, and stale ones must not stay.
        let derived = info.role == RelationRole::Derived;
        let rows = if derived { rel.base_rows } else { rel.len() };
        frame.reserve(i, rows);
        for id in 0..rows {
            row.clear();
            for (c, ty) in info.types.iter().enumerate() {
                let w = if derived {
                    rel.base[id * k + c]
                } else {
                    rel.word(id, c)
                };
                row.push(match ty {
                    Type::Symbol => to_sym[w as usize].to_word(),
                    _ => w,
                });
            }
            frame.push(i, &row);
        }
        for f in program.facts.iter().filter(|f| f.rel == r) {
            row.clear();
            for v in &f.values {
                row.push(match v {
                    Value::Symbol(s) => {
                        let id = db
                            .interner
                            .get(s)
                            .expect("fact symbols were interned above");
                        to_sym[id as usize].to_word()
                    }
                    Value::Number(n) => *n as u64,
                    Value::Float(x) => x.to_bits(),
                    Value::Date(d) => u64::from(d.packed()),
                });
            }
            frame.push(i, &row);
        }
    }

    // 5. Run.
    let guard = symbols::install(table);
    frame.stop_when(opts.cancel.clone(), limits.deadline());
    let result = (compiled.run_stages)(&mut frame);
    let table = guard.finish();
    if let Err(fault) = result {
        if fault.kind == FaultKind::Stopped {
            let stage = frame.stage_times.len().saturating_sub(1);
            let names = compiled
                .stages
                .get(stage)
                .map_or(String::new(), |r| r.join("`, `"));
            let at = At {
                stratum: stage,
                relation: &names,
            };
            if let Err(stop) = limits.check_stage(at) {
                return Err(*stop);
            }
        }
        let span = compiled.sites.get(fault.site as usize).and_then(|site| {
            let rule = &program.rules[*rule_ids.get(site.rule as usize)?];
            Some(Span {
                source: rule.span.source,
                start: rule.span.start + site.start,
                end: rule.span.start + site.end,
            })
        });
        return Err(fault.to_diagnostic(span));
    }

    // 6. Write back.
    let mut back = |sym: Sym, db: &mut Database| -> Result<u64, Diagnostic> {
        let id = if sym.0 < CONSTANT_BASE {
            ranked_back[sym.0 as usize]
        } else if sym.0 < DYNAMIC_BASE && constant_back[(sym.0 - CONSTANT_BASE) as usize].is_some()
        {
            constant_back[(sym.0 - CONSTANT_BASE) as usize].expect("checked")
        } else {
            let id = db.interner.intern(table.text(sym)).map_err(|m| {
                Diagnostic::new(Code::SymbolTableFull, m, None)
                    .with_help("use fewer distinct symbols")
            })?;
            if sym.0 < DYNAMIC_BASE {
                constant_back[(sym.0 - CONSTANT_BASE) as usize] = Some(id);
            }
            id
        };
        Ok(u64::from(id))
    };
    let mut out = CompiledRun::default();
    for (i, info) in compiled.relations.iter().enumerate() {
        if info.role != RelationRole::Derived {
            continue;
        }
        let Some(r) = runtime_id[i] else { continue };
        let (words, rows) = frame.take(i);
        let k = info.types.len();
        // Replace what the relation held (its base facts are kept apart and
        // are among the results).
        db.rels[r].clear();
        db.rels[r].reserve(rows);
        for n in 0..rows {
            row.clear();
            for (w, ty) in words[n * k..n * k + k].iter().zip(info.types) {
                row.push(match ty {
                    Type::Symbol => back(Sym::from_word(*w), db)?,
                    _ => *w,
                });
            }
            if db.rels[r].insert(&row, 0) {
                out.tuples += 1;
            }
        }
        db.mark_complete(r);
        out.produced.push(r);
    }
    out.interpreted = compiled
        .interpreted
        .iter()
        .map(|i| (i.relation.to_string(), i.reason.to_string()))
        .collect();
    out.crepe_time = frame.crepe_time;
    out.stages = compiled
        .stages
        .iter()
        .copied()
        .zip(frame.stage_times.iter().copied())
        .collect();
    out.outside_time = started.elapsed().saturating_sub(frame.crepe_time);
    Ok(out)
}
