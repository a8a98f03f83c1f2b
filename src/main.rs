//! The `sleuth` command line: a thin shell over the library.

mod cli;

/// Large tables get transparent huge pages (see `sleuth::memory`).
#[global_allocator]
static ALLOC: sleuth::memory::HugePageAlloc = sleuth::memory::HugePageAlloc;

use std::process::ExitCode;

use cli::args::{self, Command};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
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
            Ok(e) => sleuth::repl::error::output_failure(&e),
            Err(e) => sleuth::Diagnostic::new(Code::Internal, format!("{e:#}"), None),
        },
    }
}

fn dispatch(command: Command) -> anyhow::Result<bool> {
    match command {
        Command::Help => {
            print!("{}", args::USAGE);
            Ok(true)
        }
        Command::Version => {
            println!("sleuth {}", env!("CARGO_PKG_VERSION"));
            Ok(true)
        }
        Command::Run {
            program,
            facts,
            output,
            format,
            eval,
        } => cli::run(&program, &facts, output.as_deref(), format, &eval),
        Command::Query {
            inputs,
            format,
            text,
            eval,
        } => cli::query(&inputs, format, &text, &eval),
        Command::Check { inputs, plan } => cli::check_rules(&inputs, plan),
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
    }
}
