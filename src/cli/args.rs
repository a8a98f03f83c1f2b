//! This module defines the command line's grammar: a plain function from
//! arguments to a [`Command`], tested with a table.

use std::path::PathBuf;

use sleuth::io::format::Format;

/// Which evaluation path to use for the rule library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Compiled when the library matches the build, interpreted otherwise.
    Auto,
    /// Force the crepe-compiled library.
    Compiled,
    /// Force the interpreter.
    Interpreted,
}

/// Options shared by the commands that evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalFlags {
    /// Bound on derived tuples.
    pub max_tuples: Option<u64>,
    /// Print a profile after evaluating.
    pub profile: bool,
    /// Which path evaluates the library.
    pub engine: Engine,
    /// `--provenance` / `--no-provenance`: record derivation rounds for
    /// explanations. `None` takes the command's default (on for the
    /// workspace commands, off for `run`).
    pub provenance: Option<bool>,
}

impl Default for EvalFlags {
    fn default() -> EvalFlags {
        EvalFlags {
            max_tuples: None,
            profile: false,
            engine: Engine::Auto,
            provenance: None,
        }
    }
}

/// Data and rule files (none given: the embedded data/ and rules/).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    /// `--data PATH` (repeatable).
    pub data: Vec<PathBuf>,
    /// `--rules PATH` (repeatable).
    pub rules: Vec<PathBuf>,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `sleuth run PROGRAM.dl [-F DIR] [-D DIR|-] [--format tsv|json]`.
    Run {
        /// The program.
        program: PathBuf,
        /// `-F`: where `.input` files are read.
        facts: PathBuf,
        /// `-D`: where `.output` files go; `None` means standard output.
        output: Option<PathBuf>,
        /// tsv or json.
        format: Format,
        /// Evaluation flags.
        eval: EvalFlags,
    },
    /// `sleuth query [--data P]... [--rules P]... [--format F] 'TEXT'`.
    Query {
        /// Data and rules.
        inputs: Inputs,
        /// table, json or csv.
        format: Format,
        /// The facts, rules and query.
        text: String,
        /// Evaluation flags.
        eval: EvalFlags,
    },
    /// `sleuth check [--rules P]... [--plan]`.
    Check {
        /// Rule files (data is not needed to check).
        inputs: Inputs,
        /// Print the evaluation plan.
        plan: bool,
    },
    /// `sleuth repl [--data P]... [--rules P]...` (also: no arguments).
    Repl {
        /// Data and rules.
        inputs: Inputs,
        /// Evaluation flags.
        eval: EvalFlags,
    },
    /// `sleuth explain [--data P]... [--rules P]... [--format text|json|dot]
    /// [--whynot] [--strongest] [--depth N] 'FACT'`.
    Explain {
        /// Data and rules.
        inputs: Inputs,
        /// What to print and how.
        explain: ExplainFlags,
        /// The fact.
        fact: String,
        /// Evaluation flags.
        eval: EvalFlags,
    },
    /// `sleuth timeline [--data P]... [filters]`.
    Timeline(super::viz::TimelineCommand),
    /// `sleuth graph [--data P]... [--out FILE] [--format F] 'QUERY'`.
    Graph(super::viz::GraphCommand),
    /// `sleuth report [--data P]... [--out FILE.html]`.
    Report(super::viz::ReportCommand),
    /// `sleuth help` or `--help`.
    Help,
    /// `sleuth --version`.
    Version,
}

/// Options of `sleuth explain`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainFlags {
    /// text, json or dot.
    pub format: sleuth::provenance::Format,
    /// Explain why the fact does not hold.
    pub whynot: bool,
    /// Show the derivation behind the confidence, not the shortest proof.
    pub strongest: bool,
    /// Rule steps shown before the proof is cut.
    pub depth: Option<usize>,
}

impl Default for ExplainFlags {
    fn default() -> ExplainFlags {
        ExplainFlags {
            format: sleuth::provenance::Format::Text,
            whynot: false,
            strongest: false,
            depth: None,
        }
    }
}

/// The usage text.
pub const USAGE: &str = "\
sleuth: a Datalog engine for analysts

USAGE:
    sleuth                                   open the REPL over the built-in data/ and rules/
    sleuth repl [--data P]... [--rules P]...  open the REPL over other files
    sleuth run PROGRAM.dl [-F DIR] [-D DIR|-] [--format tsv|json] [--profile]
                                             run a Soufflé-style program
    sleuth query [--data P]... [--rules P]... [--format table|json|csv] 'TEXT'
                                             answer the `?-` query ending TEXT
    sleuth check [--rules P]... [--plan]     check rules without running them
    sleuth explain [--data P]... [--rules P]... [--format text|json|dot] [--whynot] [--strongest] [--depth N] 'FACT'
                                             why FACT holds (or not), down to the report paragraphs
    sleuth timeline [--data P]... [--place P] [--country C] [--theater T] [--from YYYY-MM] [--to YYYY-MM] [--notes] [--bars|--no-bars]
                                             the dated events month by month, with their sources
    sleuth graph [--data P]... [--out FILE] [--format dot|graphml|svg] [--svg] [--max-nodes N] 'QUERY'
                                             draw a query's answers as a link chart
    sleuth report [--data P]... [--out FILE.html] [--no-graphviz]
                                             the one-page HTML report

OPTIONS:
    --data PATH        a JSON data file or a directory of them (repeatable)
    --rules PATH       a .dl rule file or a directory of them (repeatable)
    --max-tuples N     stop a run that derives more than N tuples
    --engine E         compiled | interpreted (default: compiled when the rules match the build)
    --profile          print time, iterations and tuples per stratum and rule
    --no-provenance    do not record derivations (explanations need them; `run` records only with --provenance)
";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, String> {
    let Some(first) = args.first() else {
        return Ok(Command::Repl {
            inputs: Inputs::default(),
            eval: EvalFlags::default(),
        });
    };
    let rest = &args[1..];
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "run" => parse_run(rest),
        "query" => parse_query(rest),
        "check" => parse_check(rest),
        "explain" => parse_explain(rest),
        "timeline" => super::viz::parse_timeline(rest),
        "graph" => super::viz::parse_graph(rest),
        "report" => super::viz::parse_report(rest),
        "repl" => {
            let mut inputs = Inputs::default();
            let mut eval = EvalFlags::default();
            let mut it = Flags::new(rest);
            while let Some(arg) = it.next() {
                if !(inputs_flag(&mut it, arg, &mut inputs)? || eval_flag(&mut it, arg, &mut eval)?)
                {
                    return Err(unexpected(arg, "repl"));
                }
            }
            Ok(Command::Repl { inputs, eval })
        }
        other => Err(format!(
            "unknown command `{other}`: expected run, query, check, explain, repl, timeline, graph or report (see `sleuth --help`)"
        )),
    }
}

fn parse_run(args: &[String]) -> Result<Command, String> {
    let mut program = None;
    let mut facts = PathBuf::from(".");
    let mut output = Some(PathBuf::from("."));
    let mut format = Format::Tsv;
    let mut eval = EvalFlags::default();
    let mut it = Flags::new(args);
    while let Some(arg) = it.next() {
        match arg {
            "-F" | "--facts" => facts = PathBuf::from(it.value(arg)?),
            "-D" | "--output" => {
                let v = it.value(arg)?;
                output = (v != "-").then(|| PathBuf::from(v));
            }
            "--format" => {
                format = match it.value(arg)? {
                    "tsv" => Format::Tsv,
                    "json" => Format::Json,
                    other => return Err(format!("`--format {other}`: run writes tsv or json")),
                }
            }
            _ if eval_flag(&mut it, arg, &mut eval)? => {}
            _ if !arg.starts_with('-') && program.is_none() => program = Some(PathBuf::from(arg)),
            _ => return Err(unexpected(arg, "run")),
        }
    }
    let program = program.ok_or("`sleuth run` needs a program: sleuth run PROGRAM.dl [-F DIR]")?;
    Ok(Command::Run {
        program,
        facts,
        output,
        format,
        eval,
    })
}

fn parse_query(args: &[String]) -> Result<Command, String> {
    let mut inputs = Inputs::default();
    let mut format = Format::Table;
    let mut eval = EvalFlags::default();
    let mut text: Option<String> = None;
    let mut it = Flags::new(args);
    while let Some(arg) = it.next() {
        match arg {
            "--format" => {
                format = match Format::parse(it.value(arg)?) {
                    Some(Format::Tsv) | None => {
                        return Err("`--format` takes table, json or csv".to_string());
                    }
                    Some(f) => f,
                }
            }
            _ if inputs_flag(&mut it, arg, &mut inputs)? || eval_flag(&mut it, arg, &mut eval)? => {
            }
            _ if text.is_none() && !arg.starts_with("--") => text = Some(arg.to_string()),
            _ => return Err(unexpected(arg, "query")),
        }
    }
    let text =
        text.ok_or("`sleuth query` needs a query, e.g. sleuth query '?- recurring_hotspot(P).'")?;
    Ok(Command::Query {
        inputs,
        format,
        text,
        eval,
    })
}

fn parse_check(args: &[String]) -> Result<Command, String> {
    let mut inputs = Inputs::default();
    let mut plan = false;
    let mut it = Flags::new(args);
    while let Some(arg) = it.next() {
        match arg {
            "--plan" => plan = true,
            _ if inputs_flag(&mut it, arg, &mut inputs)? => {}
            _ if !arg.starts_with('-') => inputs.rules.push(PathBuf::from(arg)),
            _ => return Err(unexpected(arg, "check")),
        }
    }
    Ok(Command::Check { inputs, plan })
}

fn parse_explain(args: &[String]) -> Result<Command, String> {
    let mut inputs = Inputs::default();
    let mut explain = ExplainFlags::default();
    let mut eval = EvalFlags::default();
    let mut fact: Option<String> = None;
    let mut it = Flags::new(args);
    while let Some(arg) = it.next() {
        match arg {
            "--format" => {
                let v = it.value(arg)?;
                explain.format = sleuth::provenance::Format::parse(v)
                    .ok_or_else(|| format!("`--format {v}`: explain prints text, json or dot"))?;
            }
            "--whynot" => explain.whynot = true,
            "--strongest" => explain.strongest = true,
            "--depth" => {
                let v = it.value(arg)?;
                explain.depth = Some(
                    v.parse()
                        .map_err(|_| format!("`--depth {v}`: expected a whole number"))?,
                );
            }
            _ if inputs_flag(&mut it, arg, &mut inputs)? || eval_flag(&mut it, arg, &mut eval)? => {
            }
            _ if fact.is_none() && !arg.starts_with("--") => fact = Some(arg.to_string()),
            _ => return Err(unexpected(arg, "explain")),
        }
    }
    let fact = fact.ok_or(
        "`sleuth explain` needs a fact, e.g. sleuth explain 'recurring_hotspot(\"Tangier\")'",
    )?;
    Ok(Command::Explain {
        inputs,
        explain,
        fact,
        eval,
    })
}

fn inputs_flag(it: &mut Flags<'_>, arg: &str, inputs: &mut Inputs) -> Result<bool, String> {
    match arg {
        "--data" => inputs.data.push(PathBuf::from(it.value(arg)?)),
        "--rules" => inputs.rules.push(PathBuf::from(it.value(arg)?)),
        _ => return Ok(false),
    }
    Ok(true)
}

fn eval_flag(it: &mut Flags<'_>, arg: &str, eval: &mut EvalFlags) -> Result<bool, String> {
    match arg {
        "--profile" => eval.profile = true,
        "--provenance" => eval.provenance = Some(true),
        "--no-provenance" => eval.provenance = Some(false),
        "--max-tuples" => {
            let v = it.value(arg)?;
            eval.max_tuples = Some(
                v.replace('_', "")
                    .parse()
                    .map_err(|_| format!("`--max-tuples {v}`: expected a whole number"))?,
            );
        }
        "--engine" => {
            eval.engine = match it.value(arg)? {
                "compiled" => Engine::Compiled,
                "interpreted" => Engine::Interpreted,
                "auto" => Engine::Auto,
                other => {
                    return Err(format!(
                        "`--engine {other}`: expected compiled, interpreted or auto"
                    ));
                }
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn unexpected(arg: &str, command: &str) -> String {
    format!("unexpected argument `{arg}` for `sleuth {command}` (see `sleuth --help`)")
}

/// Walks arguments, taking flag values.
struct Flags<'a> {
    args: &'a [String],
    next: usize,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String]) -> Flags<'a> {
        Flags { args, next: 0 }
    }

    fn next(&mut self) -> Option<&'a str> {
        let arg = self.args.get(self.next)?;
        self.next += 1;
        Some(arg.as_str())
    }

    fn value(&mut self, flag: &str) -> Result<&'a str, String> {
        self.next().ok_or_else(|| format!("`{flag}` needs a value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn table_of_command_lines() {
        let cases: Vec<(&str, Result<Command, ()>)> = vec![
            (
                "",
                Ok(Command::Repl {
                    inputs: Inputs::default(),
                    eval: EvalFlags::default(),
                }),
            ),
            ("--help", Ok(Command::Help)),
            (
                "run tc.dl -F facts -D -",
                Ok(Command::Run {
                    program: "tc.dl".into(),
                    facts: "facts".into(),
                    output: None,
                    format: Format::Tsv,
                    eval: EvalFlags::default(),
                }),
            ),
            (
                "query --data d --rules r --format json ?-p(X).",
                Ok(Command::Query {
                    inputs: Inputs {
                        data: vec!["d".into()],
                        rules: vec!["r".into()],
                    },
                    format: Format::Json,
                    text: "?-p(X).".into(),
                    eval: EvalFlags::default(),
                }),
            ),
            (
                "check --rules r --plan",
                Ok(Command::Check {
                    inputs: Inputs {
                        data: vec![],
                        rules: vec!["r".into()],
                    },
                    plan: true,
                }),
            ),
            (
                "explain --format dot --whynot --depth 3 p(1)",
                Ok(Command::Explain {
                    inputs: Inputs::default(),
                    explain: ExplainFlags {
                        format: sleuth::provenance::Format::Dot,
                        whynot: true,
                        strongest: false,
                        depth: Some(3),
                    },
                    fact: "p(1)".into(),
                    eval: EvalFlags::default(),
                }),
            ),
            ("explain", Err(())),
            ("explain --format table p(1)", Err(())),
            ("explain --depth x p(1)", Err(())),
            ("run", Err(())),
            ("run a.dl --format xml", Err(())),
            ("query", Err(())),
            ("query --max-tuples ten ?-p(X).", Err(())),
            ("frobnicate", Err(())),
            ("run a.dl -F", Err(())),
        ];
        for (line, expected) in cases {
            let got = parse(&args(line));
            match expected {
                Ok(cmd) => assert_eq!(got, Ok(cmd), "{line}"),
                Err(()) => assert!(got.is_err(), "{line} should be rejected, got {got:?}"),
            }
        }
    }
}
