//! This module defines the commands of the `sleuth` binary: the batch ones
//! (`run`, `query`, `check`) and the REPL's shell ([`repl`]). Each parses its
//! inputs through the library, prints results on standard output and
//! diagnostics on standard error, and returns whether it succeeded.

pub mod args;
pub mod explain;
pub mod progress;
pub mod repl;
pub mod viz;

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use sleuth::eval::{self, Database, EvalOptions};
use sleuth::io::format::{self, Format};
use sleuth::io::tsv;
use sleuth::session::Workspace;
use sleuth::{SourceMap, check, syntax};

use args::{Engine, EvalFlags, Inputs};

/// Evaluation options from the command line's flags, over the bounds of a
/// batch run.
pub fn eval_options(flags: &EvalFlags, record_by_default: bool) -> EvalOptions {
    options_over(EvalOptions::default(), flags, record_by_default)
}

/// The command line's flags over `base` (batch or interactive bounds), with
/// a status line on standard error when it is a terminal.
fn options_over(base: EvalOptions, flags: &EvalFlags, record_by_default: bool) -> EvalOptions {
    let mut options = EvalOptions {
        profile: flags.profile,
        record_rounds: flags.provenance.unwrap_or(record_by_default),
        progress: progress::on_stderr(),
        ..base
    };
    if let Some(max) = flags.max_tuples {
        options.max_tuples = max;
    }
    options
}

/// Opens the workspace the inputs name: the embedded data/ and rules/ when
/// neither is given, otherwise exactly the given files.
///
/// Derivation rounds are recorded by default (explanations need them), which
/// leaves the library to the interpreter; [`open_workspace_for_answers`] is
/// for commands that only answer.
pub fn open_workspace(
    inputs: &Inputs,
    flags: &EvalFlags,
) -> Result<Workspace, sleuth::session::Error> {
    open(inputs, flags, true)
}

/// Opens the workspace for a command that only answers queries: nothing is
/// recorded unless `--provenance` asks, so the compiled library can run.
/// Says once on standard error when the library could not run compiled.
pub fn open_workspace_for_answers(
    inputs: &Inputs,
    flags: &EvalFlags,
) -> Result<Workspace, sleuth::session::Error> {
    let ws = open(inputs, flags, false)?;
    if let Some(note) = &ws.engine_report().note {
        eprintln!("note: {note}");
    }
    Ok(ws)
}

fn open(
    inputs: &Inputs,
    flags: &EvalFlags,
    record_by_default: bool,
) -> Result<Workspace, sleuth::session::Error> {
    let options = options_over(EvalOptions::interactive(), flags, record_by_default);
    let engine = match flags.engine {
        Engine::Auto => sleuth::compiled::Engine::Auto,
        Engine::Compiled => sleuth::compiled::Engine::Compiled,
        Engine::Interpreted => sleuth::compiled::Engine::Interpreted,
    };
    if inputs.data.is_empty() && inputs.rules.is_empty() {
        Workspace::embedded_on(options, engine)
    } else {
        Workspace::open_on(&inputs.data, &inputs.rules, options, engine)
    }
}

/// `sleuth run`: a Soufflé-style batch run. Returns false after reporting an
/// error.
pub fn run(
    program: &Path,
    facts: &Path,
    output: Option<&Path>,
    format: Format,
    flags: &EvalFlags,
) -> Result<bool> {
    let text = std::fs::read_to_string(program)
        .with_context(|| format!("cannot read program `{}`", program.display()))?;
    let mut sources = SourceMap::new();
    let id = sources.add(program.display().to_string(), text);
    let checked = syntax::parse(&sources, id).and_then(|m| check::check(&sources, &[m]));
    let checked = match checked {
        Ok(p) => p,
        Err(diags) => {
            eprint!("{}", diags.render(&sources));
            return Ok(false);
        }
    };
    let mut db = Database::new(&checked);
    let options = eval_options(flags, false);
    let started = std::time::Instant::now();
    if let Err(d) = db.load_program_facts(&checked) {
        eprint!("{}", d.render(&sources));
        return Ok(false);
    }
    let load = match tsv::read_inputs_with(&checked, &mut db, facts, options.progress.as_deref()) {
        Ok(load) => load,
        Err(d) => {
            eprint!("{}", d.render(&sources));
            return Ok(false);
        }
    };
    let loaded = started.elapsed();
    let stats = match eval::evaluate(&checked, &mut db, &options) {
        Ok(stats) => stats,
        Err(d) => {
            eprint!("{}", d.render(&sources));
            return Ok(false);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for &rel in &checked.printsize {
        writeln!(out, "{}\t{}", checked.relations[rel].name, db.len(rel))?;
    }
    match format {
        Format::Json => {
            let mut object = serde_json::Map::new();
            for o in &checked.outputs {
                let rows: Vec<serde_json::Value> = db
                    .tuples(o.rel)
                    .iter()
                    .map(|row| {
                        serde_json::Value::Array(row.iter().map(format::json_value).collect())
                    })
                    .collect();
                object.insert(
                    checked.relations[o.rel].name.clone(),
                    serde_json::Value::Array(rows),
                );
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&serde_json::Value::Object(object))?
            )?;
        }
        _ => {
            let written = match output {
                Some(dir) => tsv::write_outputs(
                    &checked,
                    &db,
                    tsv::OutputTarget::Dir(dir.to_path_buf(), &mut out),
                ),
                None => tsv::write_outputs(&checked, &db, tsv::OutputTarget::Writer(&mut out)),
            };
            if let Err(d) = written {
                eprint!("{}", d.render(&sources));
                return Ok(false);
            }
        }
    }
    if flags.profile {
        eprintln!("load\t{:.3}s\t{} facts", loaded.as_secs_f64(), load.tuples);
        eprint!("{}", stats.render());
    }
    Ok(true)
}

/// `sleuth query`: answers the query ending the text over the workspace.
pub fn query(inputs: &Inputs, format: Format, text: &str, flags: &EvalFlags) -> Result<bool> {
    let mut ws = match open_workspace_for_answers(inputs, flags) {
        Ok(ws) => ws,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    match ws.query(text) {
        Ok(answers) => {
            print!(
                "{}",
                format::render(&answers.columns, &answers.rows, format)
            );
            if flags.profile {
                eprint!("{}", ws.stats().render());
            }
            Ok(true)
        }
        Err(e) => {
            eprint!("{}", e.render());
            Ok(false)
        }
    }
}

/// `sleuth check`: checks the rules (and the data, when given) without
/// evaluating; reports every error.
pub fn check_rules(inputs: &Inputs, plan: bool) -> Result<bool> {
    match Workspace::check_only(&inputs.data, &inputs.rules) {
        Ok(program) => {
            let rules = program.rules.len();
            let relations = program.relations.iter().filter(|r| !r.is_query).count();
            println!(
                "ok: {rules} rules over {relations} relations in {} strata",
                program.strata.len()
            );
            if plan {
                print!("{}", eval::plan_text(&program));
            }
            Ok(true)
        }
        Err(e) => {
            eprint!("{}", e.render());
            let n = e.diagnostics.0.len();
            eprintln!("{n} error{} found", if n == 1 { "" } else { "s" });
            Ok(false)
        }
    }
}

/// `sleuth repl`: the analyst's session (see [`repl`]).
pub fn repl(inputs: &Inputs, flags: &EvalFlags) -> Result<bool> {
    repl::run(inputs, flags)
}
