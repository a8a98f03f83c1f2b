//! This module defines the choice between the compiled library and the
//! interpreter (`--engine compiled|interpreted`, or automatic): one call that
//! evaluates a program over a database the way the command line asks, and
//! says which path ran and why.

use super::run::CompiledRun;
use crate::diag::Code;
use crate::diag::Diagnostic;
use crate::eval::{Database, EvalOptions, EvalStats};
use crate::ir::Program;

/// Which evaluation path to take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The compiled library when the loaded rules are the ones sleuth was
    /// built with (and no derivation rounds are recorded), else the interpreter.
    #[default]
    Auto,
    /// The compiled library for the library's relations, the interpreter for
    /// the rest; an error if the loaded rules are not the built library.
    Compiled,
    /// The interpreter for everything.
    Interpreted,
    /// Differential dataflow across workers and processes (`sleuth run`
    /// only, with the `dataflow` feature; see `sleuth::dataflow`). Other
    /// paths reject it before evaluating, and read it as `Interpreted`.
    Dataflow,
}

impl Engine {
    /// Parses `compiled`, `interpreted` or `auto` (the `--engine` values).
    pub fn from_name(name: &str) -> Option<Engine> {
        match name {
            "auto" => Some(Engine::Auto),
            "compiled" => Some(Engine::Compiled),
            "interpreted" => Some(Engine::Interpreted),
            "dataflow" => Some(Engine::Dataflow),
            _ => None,
        }
    }
}

/// What an evaluation did.
#[derive(Clone, Debug, Default)]
pub struct EngineRun {
    /// The compiled library's part, when it ran.
    pub compiled: Option<CompiledRun>,
    /// The interpreter's statistics (it always runs, for whatever is left).
    pub stats: EvalStats,
    /// Why the automatic choice fell back to the interpreter, to tell the
    /// user once.
    pub note: Option<String>,
}

/// Evaluates `program` over `db`: the library's relations through the
/// compiled program when `engine` allows it, then everything left through
/// the interpreter. `rule_files` are the rule library's files as loaded
/// (`--rules`, or the embedded rules/; name or path, and text), compared with
/// the library sleuth was built with; ad-hoc rules (a query's text, REPL
/// input) are not among them: they are in `program` and always go through
/// the interpreter, over the relations the compiled library produced.
pub fn evaluate<N: AsRef<str>, T: AsRef<str>>(
    program: &Program,
    db: &mut Database,
    opts: &EvalOptions,
    engine: Engine,
    rule_files: &[(N, T)],
) -> Result<EngineRun, Diagnostic> {
    let mut out = EngineRun::default();
    let compiled = match engine {
        Engine::Interpreted | Engine::Dataflow => None,
        Engine::Compiled => {
            if !super::matches(rule_files) {
                return Err(Diagnostic::new(
                    Code::CompiledMismatch,
                    "the loaded rules are not the library sleuth was built with",
                    None,
                )
                .with_help("use `--engine interpreted`, or rebuild sleuth with these rules"));
            }
            if opts.record_rounds {
                out.note = Some(
                    "the compiled library records no derivation rounds; \
                     explanations of its relations need `--engine interpreted`"
                        .into(),
                );
            }
            Some(super::run_with(program, db, opts)?)
        }
        Engine::Auto if opts.record_rounds => {
            out.note = Some(
                "derivation rounds are recorded only by the interpreter; evaluating with it".into(),
            );
            None
        }
        Engine::Auto if !super::matches(rule_files) => {
            out.note = Some(
                "the loaded rules differ from the library sleuth was built with; \
                 evaluating them with the interpreter"
                    .into(),
            );
            None
        }
        Engine::Auto => match super::run_with(program, db, opts) {
            Ok(run) => Some(run),
            Err(d) if d.code == "compiled-mismatch" => {
                out.note = Some(format!("{}; evaluating with the interpreter", d.message));
                None
            }
            Err(d) => return Err(d),
        },
    };
    out.compiled = compiled;
    out.stats = crate::eval::evaluate(program, db, opts)?;
    Ok(out)
}
