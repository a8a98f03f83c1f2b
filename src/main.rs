//! The `sleuth` command line: a thin shell over the library.

mod cli;

/// Large tables get transparent huge pages (see `sleuth::memory`).
#[global_allocator]
static ALLOC: sleuth::memory::HugePageAlloc = sleuth::memory::HugePageAlloc;

use std::process::ExitCode;

use clap::Parser;
use cli::args::{Cli, Command};

fn main() -> ExitCode {
    // Where the C library has no such setting, blocks are simply kept as before.
    let _ = sleuth::memory::return_freed_blocks();
    // Arguments are read as OS strings: one that is not UTF-8 is a usage
    // error where text is expected, and a path otherwise.
    let command = match Cli::try_parse_from(std::env::args_os()) {
        Ok(cli) => cli.command,
        Err(e) => {
            // `--help` and `--version` print to standard output and succeed;
            // a usage error exits 1, like every other error.
            let usage_error = e.use_stderr();
            if let Err(io) = e.print() {
                eprintln!("error: cannot print: {io}");
            }
            return if usage_error {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match dispatch(command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprint!("{}", failure(e).render(&sleuth::SourceMap::new()));
            ExitCode::FAILURE
        }
    }
}

/// The diagnostic of an error no command reported itself: a diagnostic
/// passed up as it is, a failed write to standard output, or a fault.
fn failure(e: anyhow::Error) -> sleuth::Diagnostic {
    use sleuth::diag::Code;
    match e.downcast::<sleuth::Diagnostic>() {
        Ok(d) => d,
        Err(e) => match e.downcast::<std::io::Error>() {
            Ok(e) => sleuth::repl::output_failure(&e),
            Err(e) => sleuth::Diagnostic::new(Code::Internal, format!("{e:#}"), None),
        },
    }
}

fn dispatch(command: Option<Command>) -> anyhow::Result<bool> {
    let Some(command) = command else {
        return cli::repl(&Default::default(), &Default::default());
    };
    match command {
        Command::Run {
            program,
            facts,
            output,
            format,
            eval,
            cluster,
            help: _,
        } => cli::run(
            &program,
            &facts,
            cli::args::output_dir(&output),
            format,
            &eval,
            &cluster,
        ),
        Command::Query {
            inputs,
            format,
            confidence,
            min_confidence,
            text,
            eval,
        } => cli::query(
            &inputs,
            format,
            &text,
            &eval,
            cli::AnswerSupport {
                shown: confidence || min_confidence.is_some(),
                min: min_confidence,
            },
        ),
        Command::Check {
            mut inputs,
            plan,
            files,
        } => {
            inputs.rules.extend(files);
            cli::check_rules(&inputs, plan)
        }
        Command::Explain {
            inputs,
            explain,
            fact,
            eval,
        } => cli::explain::explain(&inputs, &explain, &fact, &eval),
        Command::Repl { inputs, eval } => cli::repl(&inputs, &eval),
        Command::Timeline(c) => cli::viz::timeline(&c),
        Command::Graph(c) => cli::viz::graph(&c),
        Command::Report(c) => cli::viz::report(&c),
        Command::Conflicts(c) => cli::conflicts(&c),
        Command::Whatif(c) => cli::whatif::whatif(&c),
        Command::Matches(c) => cli::matches(&c),
        Command::Export(c) => cli::export(&c),
    }
}
