//! This module defines the commands of the `sleuth` binary: the batch ones
//! (`run`, `query`, `check`) and the REPL's shell ([`repl`]). Each parses its
//! inputs through the library, prints results on standard output and
//! diagnostics on standard error, and returns whether it succeeded.

pub mod args;
pub mod bounds;
pub mod dataflow;
pub mod explain;
pub mod progress;
pub mod repl;
pub mod viz;
pub mod whatif;

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use sleuth::diag::{Code, Diagnostic};
use sleuth::eval::{self, Database, EvalOptions};
use sleuth::io::format::{self, Format};
use sleuth::io::tsv;
use sleuth::provenance;
use sleuth::session::Workspace;
use sleuth::{SourceMap, check, syntax};

use args::{ClusterFlags, EvalFlags, Inputs};

/// Evaluation options: `base` (the command's default bounds) with the
/// command line's flags applied. The one place the flags map onto
/// [`EvalOptions`]: `--max-tuples N`, `--max-memory SIZE` (0: no bound),
/// `--timeout DURATION` (0: no bound), `--profile`, `--provenance`.
pub fn eval_options(flags: &EvalFlags, base: EvalOptions, record_by_default: bool) -> EvalOptions {
    let mut options = EvalOptions {
        profile: flags.profile,
        record_rounds: flags.recording().unwrap_or(record_by_default),
        progress: progress::on_stderr(),
        ..base
    };
    if let Some(max) = flags.max_tuples {
        options.max_tuples = max;
    }
    if let Some(bytes) = flags.max_memory {
        options.max_memory = bytes;
    }
    if let Some(limit) = flags.timeout {
        options.time_limit = (!limit.is_zero()).then_some(limit);
    }
    options
}

/// Opens the workspace the inputs name: the built-in data/ and rules/
/// (unless `--no-builtin-data` / `--no-builtin-rules` leave them out),
/// then the `--data` and `--rules` files. Reports a failure on standard
/// error and returns `None`.
///
/// Derivation rounds are recorded by default (explanations need them), which
/// leaves the library to the interpreter; [`open_workspace_for_answers`] is
/// for commands that only answer.
pub fn open_workspace(inputs: &Inputs, flags: &EvalFlags) -> Option<Workspace> {
    open(inputs, flags, true)
}

/// Opens the workspace for a command that only answers queries: nothing is
/// recorded unless `--provenance` asks, so the compiled library can run.
/// Says once on standard error when the library could not run compiled.
pub fn open_workspace_for_answers(inputs: &Inputs, flags: &EvalFlags) -> Option<Workspace> {
    let ws = open(inputs, flags, false)?;
    if let Some(note) = &ws.engine_report().note {
        eprintln!("note: {note}");
    }
    Some(ws)
}

fn open(inputs: &Inputs, flags: &EvalFlags, record_by_default: bool) -> Option<Workspace> {
    if let Some(d) = dataflow::only_for_run(flags) {
        eprint!("{}", d.render(&SourceMap::new()));
        return None;
    }
    // The commands that open a workspace serve an analyst waiting for the
    // answer; they start from the library's interactive bounds.
    let options = eval_options(flags, EvalOptions::interactive(), record_by_default);
    let inputs = inputs.to_library();
    match Workspace::builder()
        .inputs(inputs.clone())
        .options(options)
        .engine(flags.engine)
        .open()
    {
        Ok(ws) => {
            note_matches(&ws);
            note_stix(&ws);
            Some(ws)
        }
        Err(e) => {
            eprint!("{}", e.render());
            note_builtins(&inputs);
            None
        }
    }
}

/// Says how many names of loaded ACLED exports may be declared names under
/// another spelling (never merged; `sleuth matches` lists them).
fn note_matches(ws: &Workspace) {
    let n = ws.possible_matches().len();
    if n > 0 {
        eprintln!(
            "note: {n} possible match{} between names in ACLED events and declared ones, not merged \
             (`sleuth matches` lists them)",
            if n == 1 { "" } else { "es" }
        );
    }
}

/// Says what each STIX bundle loaded mapped onto the schema and what it
/// left out, per object type.
fn note_stix(ws: &Workspace) {
    for (name, summary) in ws.stix_imports() {
        eprintln!("note: STIX bundle {name}: {}", summary.text());
    }
}

/// After an error, says that the built-ins were loaded beside the files
/// given, since a clash with them (a relation declared twice, an id given
/// twice) is then the likely cause.
fn note_builtins(inputs: &sleuth::session::Inputs) {
    if inputs.mixes_builtins_with_files() {
        eprintln!(
            "note: the built-in data/ and rules/ were loaded before the files given; \
             --no-builtin-data and --no-builtin-rules leave them out"
        );
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
    cluster: &ClusterFlags,
) -> Result<bool> {
    let text = match std::fs::read_to_string(program) {
        Ok(text) => text,
        Err(e) => {
            let d = Diagnostic::new(
                Code::UnreadableFile,
                format!("cannot read program `{}`: {e}", program.display()),
                None,
            );
            eprint!("{}", d.render(&SourceMap::new()));
            return Ok(false);
        }
    };
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
    if let Some(d) = dataflow::bad_cluster(flags, cluster) {
        eprint!("{}", d.render(&sources));
        return Ok(false);
    }
    if flags.engine == sleuth::compiled::Engine::Dataflow {
        return dataflow::run(&checked, &sources, facts, output, format, flags, cluster);
    }
    let mut db = Database::new(&checked);
    // A batch run keeps the library's default bounds; it asks nothing after
    // the evaluation, so an index goes as soon as no later stratum reads it.
    let options = EvalOptions {
        keep_indexes: false,
        ..eval_options(flags, EvalOptions::default(), false)
    };
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
    if !write_results(
        &checked,
        &sources,
        &db,
        &|rel| db.len(rel) as u64,
        output,
        format,
    )? {
        return Ok(false);
    }
    if flags.profile {
        eprintln!("load\t{:.3}s\t{} facts", loaded.as_secs_f64(), load.tuples);
        eprint!("{}", stats.render());
    }
    Ok(true)
}

/// Writes a run's `.printsize` counts (`size` gives each) and `.output`
/// relations (from `db`) as `format` says: TSV files in `output` (standard
/// output for `None`), or one JSON document. Returns false after reporting
/// an error.
pub fn write_results(
    checked: &sleuth::ir::Program,
    sources: &SourceMap,
    db: &Database,
    size: &dyn Fn(sleuth::ir::RelId) -> u64,
    output: Option<&Path>,
    format: Format,
) -> Result<bool> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        // One JSON document: each `.output` relation's rows under its name,
        // and the `.printsize` counts under `.printsize`, a key no relation
        // can have.
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
            if !checked.printsize.is_empty() {
                let sizes: serde_json::Map<String, serde_json::Value> = checked
                    .printsize
                    .iter()
                    .map(|&rel| (checked.relations[rel].name.clone(), size(rel).into()))
                    .collect();
                object.insert(".printsize".to_string(), serde_json::Value::Object(sizes));
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&serde_json::Value::Object(object))?
            )?;
        }
        _ => {
            for &rel in &checked.printsize {
                writeln!(out, "{}\t{}", checked.relations[rel].name, size(rel))?;
            }
            let written = match output {
                Some(dir) => tsv::write_outputs(
                    checked,
                    db,
                    tsv::OutputTarget::Dir(dir.to_path_buf(), &mut out),
                ),
                None => tsv::write_outputs(checked, db, tsv::OutputTarget::Writer(&mut out)),
            };
            if let Err(d) = written {
                eprint!("{}", d.render(sources));
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// What `sleuth query` adds to its answers: `--confidence`,
/// `--min-confidence`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnswerSupport {
    /// Whether each answer's confidence and count of independent sources
    /// are shown.
    pub shown: bool,
    /// The lowest confidence kept, as written.
    pub min: Option<String>,
}

/// `sleuth query`: answers the query ending the text over the workspace.
pub fn query(
    inputs: &Inputs,
    format: Format,
    text: &str,
    flags: &EvalFlags,
    support: AnswerSupport,
) -> Result<bool> {
    let min = match support.min.as_deref().map(provenance::MinConfidence::parse) {
        None => None,
        Some(Ok(min)) => Some(min),
        Some(Err(mut d)) => {
            d.message = format!("--min-confidence: {}", d.message);
            eprint!("{}", d.render(&SourceMap::new()));
            return Ok(false);
        }
    };
    let Some(mut ws) = open_workspace_for_answers(inputs, flags) else {
        return Ok(false);
    };
    let answers = if support.shown {
        provenance::query_with_support(&mut ws, text, min)
    } else {
        ws.query(text)
    };
    match answers {
        Ok(answers) => {
            write!(
                std::io::stdout().lock(),
                "{}",
                format::render(&answers.columns, &answers.rows, format)
            )?;
            if flags.profile {
                eprint!("{}", ws.profile_report());
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
    let inputs = inputs.to_library();
    match Workspace::builder().inputs(inputs.clone()).check() {
        Ok(program) => {
            let rules = program.rules.len();
            let relations = program.relations.iter().filter(|r| !r.is_query).count();
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "ok: {rules} rules over {relations} relations in {} strata",
                program.strata.len()
            )?;
            if plan {
                write!(out, "{}", eval::plan_text(&program))?;
            }
            Ok(true)
        }
        Err(e) => {
            eprint!("{}", e.render());
            let n = e.diagnostics.0.len();
            eprintln!("{n} error{} found", if n == 1 { "" } else { "s" });
            note_builtins(&inputs);
            Ok(false)
        }
    }
}

/// `sleuth conflicts`: the single-valued fields the loaded documents give
/// differently, read from the data alone (no rules are run).
pub fn conflicts(c: &args::ConflictsCommand) -> Result<bool> {
    let mut loader = sleuth::io::data::DataLoader::new();
    let mut sources = SourceMap::new();
    if let Err(d) = loader.load_inputs(&mut sources, !c.no_builtin_data, &c.data) {
        eprint!("{}", d.render(&sources));
        return Ok(false);
    }
    let found = loader.data().conflicts();
    let text = match c.format {
        Format::Json => sleuth::io::conflicts::json(&found),
        _ => sleuth::io::conflicts::text(&found),
    };
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(true)
}

/// `sleuth matches`: the names ACLED events spell like a place or an
/// organisation another source declares, read from the data alone.
pub fn matches(c: &args::MatchesCommand) -> Result<bool> {
    let mut loader = sleuth::io::data::DataLoader::new();
    let mut sources = SourceMap::new();
    if let Err(d) = loader.load_inputs(&mut sources, !c.no_builtin_data, &c.data) {
        eprint!("{}", d.render(&sources));
        return Ok(false);
    }
    let found = sleuth::io::acled::possible_matches(&loader.data().facts);
    let text = sleuth::io::acled::matches_text(&found);
    write!(std::io::stdout().lock(), "{text}")?;
    Ok(true)
}

/// `sleuth export`: the loaded sources, facts and main conclusions as a
/// STIX 2.1 bundle (see [`sleuth::io::stix`]).
pub fn export(c: &args::ExportCommand) -> Result<bool> {
    if c.eval.no_provenance || c.eval.engine == sleuth::compiled::Engine::Compiled {
        eprintln!(
            "note: the export records derivations with the interpreter, so that each \
             conclusion carries its proof; --no-provenance and --engine compiled are ignored"
        );
    }
    // Each conclusion's note carries its proof, which needs the rounds.
    let flags = args::EvalFlags {
        provenance: true,
        no_provenance: false,
        engine: sleuth::compiled::Engine::Auto,
        ..c.eval.clone()
    };
    let Some(ws) = open_workspace(&c.inputs, &flags) else {
        return Ok(false);
    };
    let text = sleuth::io::stix::export(&ws);
    match &c.out {
        Some(path) => {
            if let Err(d) = sleuth::viz::write_atomic(path, text.as_bytes()) {
                eprint!("{}", d.render(ws.sources()));
                return Ok(false);
            }
            eprintln!("wrote {}", path.display());
        }
        None => write!(std::io::stdout().lock(), "{text}")?,
    }
    Ok(true)
}

/// `sleuth repl`: the analyst's session (see [`repl`]).
pub fn repl(inputs: &Inputs, flags: &EvalFlags) -> Result<bool> {
    repl::run(inputs, flags)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn bound_flags_map_onto_the_evaluation_options() {
        let base = EvalOptions {
            time_limit: Some(Duration::from_secs(30)),
            max_memory: 1 << 30,
            ..EvalOptions::default()
        };
        let untouched = eval_options(&EvalFlags::default(), base.clone(), true);
        assert_eq!(untouched.time_limit, Some(Duration::from_secs(30)));
        assert_eq!(untouched.max_memory, 1 << 30);
        assert_eq!(untouched.max_tuples, base.max_tuples);
        assert!(untouched.record_rounds);
        let flags = EvalFlags {
            max_tuples: Some(10),
            max_memory: Some(0),
            timeout: Some(Duration::ZERO),
            no_provenance: true,
            ..EvalFlags::default()
        };
        let none = eval_options(&flags, base.clone(), true);
        assert_eq!(none.max_tuples, 10);
        assert_eq!(none.max_memory, 0, "0 means no memory bound");
        assert_eq!(none.time_limit, None, "0 means no time bound");
        assert!(!none.record_rounds);
        let flags = EvalFlags {
            max_memory: Some(512 << 20),
            timeout: Some(Duration::from_millis(500)),
            ..EvalFlags::default()
        };
        let set = eval_options(&flags, base, false);
        assert_eq!(set.max_memory, 512 << 20);
        assert_eq!(set.time_limit, Some(Duration::from_millis(500)));
        assert!(!set.record_rounds);
    }
}
