//! This module defines the command line's grammar, with clap's derive API:
//! one [`Command`] per subcommand, the flags the commands share
//! ([`Inputs`], [`EvalFlags`]) and the usage line of each command, which
//! `--help` and the README both show.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::{OsStringValueParser, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use sleuth::compiled::Engine;
use sleuth::io::format::Format;
use sleuth::value::Date;
use sleuth::viz::ChartFormat;

use super::bounds;

/// The flags naming the data and rules, as they appear in usage lines.
macro_rules! inputs_usage {
    () => {
        "[--data P]... [--rules P]... [--no-builtin-data] [--no-builtin-rules]"
    };
}

/// The resource-bound flags, as they appear in usage lines.
macro_rules! bounds_usage {
    () => {
        "[--max-tuples N] [--max-memory SIZE] [--timeout DURATION]"
    };
}

/// The usage line of each command (`--help` prints it; the README's
/// command-line section shows the same lines, which a test checks).
pub mod usage {
    /// `sleuth repl`.
    pub const REPL: &str = concat!("sleuth repl ", inputs_usage!(), " ", bounds_usage!());
    /// `sleuth run`.
    pub const RUN: &str = concat!(
        "sleuth run PROGRAM.dl [-F DIR] [-D DIR|-] [--format tsv|json] [--profile] ",
        bounds_usage!(),
        " [--engine dataflow [-w N] [-n N -p I [-h HOSTFILE]]]"
    );
    /// `sleuth query`.
    pub const QUERY: &str = concat!(
        "sleuth query ",
        inputs_usage!(),
        " [--format table|json|csv] [--confidence] [--min-confidence WORDS|NUMBER] ",
        bounds_usage!(),
        " 'TEXT'"
    );
    /// `sleuth check`.
    pub const CHECK: &str = concat!("sleuth check ", inputs_usage!(), " [--plan] [RULES.dl]...");
    /// `sleuth explain`.
    pub const EXPLAIN: &str = concat!(
        "sleuth explain ",
        inputs_usage!(),
        " [--format text|json|dot] [--whynot] [--strongest] [--depth N] ",
        bounds_usage!(),
        " 'FACT'"
    );
    /// `sleuth timeline`.
    pub const TIMELINE: &str = concat!(
        "sleuth timeline ",
        inputs_usage!(),
        " [--place P] [--country C] [--theater T] [--from YYYY-MM] [--to YYYY-MM] [--notes] [--bars|--no-bars] ",
        bounds_usage!()
    );
    /// `sleuth graph`.
    pub const GRAPH: &str = concat!(
        "sleuth graph ",
        inputs_usage!(),
        " [--out FILE] [--format dot|graphml|svg] [--svg] [--max-nodes N] ",
        bounds_usage!(),
        " 'QUERY'"
    );
    /// `sleuth report`.
    pub const REPORT: &str = concat!(
        "sleuth report ",
        inputs_usage!(),
        " [--out FILE.html] [--no-graphviz] ",
        bounds_usage!()
    );
    /// `sleuth conflicts`: reads data only, so it takes no rules and runs
    /// no evaluation.
    pub const CONFLICTS: &str =
        "sleuth conflicts [--data P]... [--no-builtin-data] [--format text|json]";
    /// `sleuth whatif`.
    pub const WHATIF: &str = concat!(
        "sleuth whatif ",
        inputs_usage!(),
        " [--without SOURCE]... [--retract FACT]... [--add FACT]... [--format text|json] ",
        bounds_usage!()
    );
    /// `sleuth matches`: reads data only, like `conflicts`.
    pub const MATCHES: &str = "sleuth matches [--data P]... [--no-builtin-data]";
    /// `sleuth export`.
    pub const EXPORT: &str = concat!(
        "sleuth export --format stix ",
        inputs_usage!(),
        " [--out FILE] ",
        bounds_usage!()
    );
    /// Every command's line, in the order `--help` lists them.
    pub const ALL: [&str; 12] = [
        REPL, RUN, QUERY, CHECK, EXPLAIN, TIMELINE, GRAPH, REPORT, CONFLICTS, WHATIF, MATCHES,
        EXPORT,
    ];
}

const TOP_USAGE: &str = "sleuth                open the REPL over the built-in data/ and rules/
       sleuth COMMAND ...    (sleuth COMMAND --help for its flags)";

/// `sleuth --help` after the list of commands: each command's usage line,
/// what the built-ins are, and the exit status.
fn top_after_help() -> String {
    let mut text = String::from("Usage of each command:\n");
    for line in usage::ALL {
        text.push_str(&format!("  {line}\n"));
    }
    text.push_str(
        "\nThe built-in data/ and rules/ are loaded first, then any --data and --rules files;\n\
         --no-builtin-data and --no-builtin-rules leave the built-ins out.\n\
         Exit status: 0 on success, 1 on any error (usage errors included).",
    );
    text
}

/// The whole command line.
#[derive(Parser, Debug, PartialEq)]
#[command(
    name = "sleuth",
    version,
    about = "sleuth: a Datalog engine for analysts",
    override_usage = TOP_USAGE,
    after_help = top_after_help()
)]
pub struct Cli {
    /// What to do; none opens the REPL over the built-in data/ and rules/.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the command line asks for.
#[derive(Subcommand, Clone, Debug, PartialEq)]
pub enum Command {
    /// Open the REPL (also `sleuth` alone)
    #[command(override_usage = usage::REPL)]
    Repl {
        /// Data and rules.
        #[command(flatten)]
        inputs: Inputs,
        /// Evaluation flags.
        #[command(flatten)]
        eval: EvalFlags,
    },
    /// Run a Soufflé-style program
    #[command(override_usage = usage::RUN, disable_help_flag = true)]
    Run {
        /// The program
        #[arg(value_name = "PROGRAM.dl")]
        program: PathBuf,
        /// Where `.input` files are read
        #[arg(short = 'F', long = "facts", value_name = "DIR", default_value = ".")]
        facts: PathBuf,
        /// Where `.output` files go; `-` for standard output
        #[arg(short = 'D', long = "output", value_name = "DIR|-", default_value = ".",
              value_parser = any_path())]
        output: PathBuf,
        /// How outputs are written: tsv files, or one JSON document on standard output
        #[arg(long, value_name = "tsv|json", default_value = "tsv",
              value_parser = named(&["tsv", "json"], Format::parse))]
        format: Format,
        /// Evaluation flags.
        #[command(flatten)]
        eval: EvalFlags,
        /// Where `--engine dataflow` runs.
        #[command(flatten)]
        cluster: ClusterFlags,
        /// Print help (`-h` names the host file here)
        #[arg(long, action = clap::ArgAction::Help)]
        help: Option<bool>,
    },
    /// Answer the `?-` query ending TEXT
    #[command(override_usage = usage::QUERY)]
    Query {
        /// Data and rules.
        #[command(flatten)]
        inputs: Inputs,
        /// How answers are printed
        #[arg(long, value_name = "table|json|csv", default_value = "table",
              value_parser = named(&["table", "json", "csv"], Format::parse))]
        format: Format,
        /// Add each answer's confidence and how many independent sources support it
        #[arg(long)]
        confidence: bool,
        /// Keep the answers at least this confident: ICD 203 words (likely) or a number from 0 to 1 (implies --confidence)
        #[arg(long, value_name = "WORDS|NUMBER")]
        min_confidence: Option<String>,
        /// Facts and rules for this query, then one `?-` query
        #[arg(value_name = "TEXT")]
        text: String,
        /// Evaluation flags.
        #[command(flatten)]
        eval: EvalFlags,
    },
    /// Check rules (and data) without running them
    #[command(override_usage = usage::CHECK)]
    Check {
        /// Data and rules.
        #[command(flatten)]
        inputs: Inputs,
        /// Print the evaluation plan
        #[arg(long)]
        plan: bool,
        /// More rule files (as with --rules)
        #[arg(value_name = "RULES.dl")]
        files: Vec<PathBuf>,
    },
    /// Why FACT holds (or not), down to the report paragraphs
    #[command(override_usage = usage::EXPLAIN)]
    Explain {
        /// Data and rules.
        #[command(flatten)]
        inputs: Inputs,
        /// What to print and how.
        #[command(flatten)]
        explain: ExplainFlags,
        /// The fact, e.g. 'recurring_hotspot("Tangier")'
        #[arg(value_name = "FACT")]
        fact: String,
        /// Evaluation flags.
        #[command(flatten)]
        eval: EvalFlags,
    },
    /// The dated events month by month, with their sources
    #[command(override_usage = usage::TIMELINE)]
    Timeline(TimelineCommand),
    /// Draw a query's answers as a link chart
    #[command(override_usage = usage::GRAPH)]
    Graph(GraphCommand),
    /// The one-page HTML report
    #[command(override_usage = usage::REPORT)]
    Report(ReportCommand),
    /// What changes without a source, with facts retracted or added
    #[command(override_usage = usage::WHATIF)]
    Whatif(WhatifCommand),
    /// The single-valued fields the loaded sources give differently
    #[command(override_usage = usage::CONFLICTS)]
    Conflicts(ConflictsCommand),
    /// Names ACLED events spell like a declared place or organisation
    #[command(override_usage = usage::MATCHES)]
    Matches(MatchesCommand),
    /// Write the sources, facts and main conclusions as a STIX 2.1 bundle
    #[command(override_usage = usage::EXPORT)]
    Export(ExportCommand),
}

/// `sleuth export`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct ExportCommand {
    /// Data and rules.
    #[command(flatten)]
    pub inputs: Inputs,
    /// The format written: a STIX 2.1 bundle (JSON)
    #[arg(long, value_name = "stix", value_parser = PossibleValuesParser::new(["stix"]))]
    pub format: String,
    /// Write the bundle to FILE (default: standard output)
    #[arg(short = 'o', long, value_name = "FILE", value_parser = any_path())]
    pub out: Option<PathBuf>,
    /// Evaluation flags.
    #[command(flatten)]
    pub eval: EvalFlags,
}

/// `sleuth matches`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct MatchesCommand {
    /// A data file (JSON, or an ACLED export .csv) or a folder of them, loaded after the built-in data (repeatable)
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Leave out the built-in data/: only the --data files are loaded
    #[arg(long)]
    pub no_builtin_data: bool,
}

/// `sleuth conflicts`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct ConflictsCommand {
    /// A JSON data file or a folder of them, loaded after the built-in data (repeatable)
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Leave out the built-in data/: only the --data files are loaded
    #[arg(long)]
    pub no_builtin_data: bool,
    /// How the conflicts are printed: an aligned table, or a JSON array
    #[arg(long, value_name = "text|json", default_value = "text",
          value_parser = named(&["text", "json"], conflicts_format))]
    pub format: Format,
}

/// `text` is the aligned table, `json` the JSON array.
fn conflicts_format(name: &str) -> Option<Format> {
    match name {
        "text" => Some(Format::Table),
        "json" => Some(Format::Json),
        _ => None,
    }
}

/// Data and rule files: added to the built-in data/ and rules/ unless
/// these are left out.
#[derive(Args, Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    /// A JSON data file or a folder of them, loaded after the built-in data (repeatable)
    #[arg(long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// A .dl rule file or a folder of them, loaded after the built-in rules (repeatable)
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in data/: only the --data files are loaded
    #[arg(long)]
    pub no_builtin_data: bool,
    /// Leave out the built-in rules/: only the --rules files are loaded
    #[arg(long)]
    pub no_builtin_rules: bool,
}

impl Inputs {
    /// The library's view of these flags (the one place they map onto it).
    pub fn to_library(&self) -> sleuth::session::Inputs {
        sleuth::session::Inputs {
            data: self.data.clone(),
            rules: self.rules.clone(),
            builtin_data: !self.no_builtin_data,
            builtin_rules: !self.no_builtin_rules,
        }
    }
}

/// Options shared by the commands that evaluate.
#[derive(Args, Clone, Debug, Default, PartialEq)]
pub struct EvalFlags {
    /// Stop an evaluation that derives more than N tuples (2e7, 20_000_000; 0: no bound)
    #[arg(long, value_name = "N", value_parser = bounds::parse_count)]
    pub max_tuples: Option<u64>,
    /// Stop an evaluation whose relations and indexes outgrow SIZE (512M, 4G, 1.5G, bytes; 0: no bound)
    #[arg(long, value_name = "SIZE", value_parser = bounds::parse_size)]
    pub max_memory: Option<u64>,
    /// Stop an evaluation that runs longer than DURATION (10s, 2m, 500ms, 1m30s, seconds; 0: no bound)
    #[arg(long, value_name = "DURATION", value_parser = bounds::parse_duration)]
    pub timeout: Option<Duration>,
    /// Print time, rounds and tuples per stratum and rule
    #[arg(long)]
    pub profile: bool,
    /// Which path evaluates the rule library (default: compiled when the rules match the build)
    #[arg(long, value_name = "auto|compiled|interpreted|dataflow", default_value = "auto",
          value_parser = named(&["auto", "compiled", "interpreted", "dataflow"], Engine::from_name))]
    pub engine: Engine,
    /// Record derivation rounds, which explanations need (the default, except for `run`)
    #[arg(long, overrides_with = "no_provenance")]
    pub provenance: bool,
    /// Do not record derivation rounds
    #[arg(long, overrides_with = "provenance")]
    pub no_provenance: bool,
}

impl EvalFlags {
    /// `--provenance` / `--no-provenance` (the last one given wins); `None`
    /// takes the command's default.
    pub fn recording(&self) -> Option<bool> {
        match (self.provenance, self.no_provenance) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// Where `sleuth run --engine dataflow` runs: timely dataflow's own flags.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct ClusterFlags {
    /// Worker threads per process (--engine dataflow)
    #[arg(short = 'w', long = "workers", value_name = "N", default_value = "1",
          value_parser = count::<usize>)]
    pub workers: usize,
    /// Processes (--engine dataflow)
    #[arg(short = 'n', long = "processes", value_name = "N", default_value = "1",
          value_parser = count::<usize>)]
    pub processes: usize,
    /// This process's index, 0 to N-1 (--engine dataflow)
    #[arg(short = 'p', long = "process", value_name = "I", default_value = "0",
          value_parser = count::<usize>)]
    pub process: usize,
    /// The processes' host:port lines, in order (--engine dataflow; default localhost:2101, 2102, ...)
    #[arg(short = 'h', long = "hostfile", value_name = "HOSTFILE")]
    pub hosts: Option<PathBuf>,
}

impl Default for ClusterFlags {
    fn default() -> Self {
        ClusterFlags {
            workers: 1,
            processes: 1,
            process: 0,
            hosts: None,
        }
    }
}

/// Options of `sleuth explain`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct ExplainFlags {
    /// How the explanation is printed
    #[arg(long, value_name = "text|json|dot", default_value = "text",
          value_parser = named(&["text", "json", "dot"], sleuth::provenance::Format::parse))]
    pub format: sleuth::provenance::Format,
    /// Explain why the fact does not hold
    #[arg(long)]
    pub whynot: bool,
    /// Show the derivation behind the confidence, not the shortest proof
    #[arg(long)]
    pub strongest: bool,
    /// Rule steps shown before the proof is cut
    #[arg(long, value_name = "N", value_parser = count::<usize>)]
    pub depth: Option<usize>,
}

/// `sleuth timeline`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct TimelineCommand {
    /// Data and rules.
    #[command(flatten)]
    pub inputs: Inputs,
    /// Events at P or anywhere within it
    #[arg(long, value_name = "P")]
    pub place: Option<String>,
    /// Events in C, operations C conducted, arrests of C's nationals
    #[arg(long, value_name = "C")]
    pub country: Option<String>,
    /// Events in T's areas
    #[arg(long, value_name = "T")]
    pub theater: Option<String>,
    /// Events on or after this month or day
    #[arg(long, value_name = "YYYY-MM", value_parser = date)]
    pub from: Option<Date>,
    /// Events on or before this month or day
    #[arg(long, value_name = "YYYY-MM", value_parser = date)]
    pub to: Option<Date>,
    /// Print what was inferred and why under each inferred event
    #[arg(long)]
    pub notes: bool,
    /// Draw the tempo bars (the default in a terminal)
    #[arg(long, overrides_with = "no_bars")]
    pub bars: bool,
    /// Do not draw the tempo bars
    #[arg(long, overrides_with = "bars")]
    pub no_bars: bool,
    /// Evaluation flags.
    #[command(flatten)]
    pub eval: EvalFlags,
}

impl TimelineCommand {
    /// The library's timeline arguments.
    pub fn args(&self) -> sleuth::viz::TimelineArgs {
        sleuth::viz::TimelineArgs {
            filter: sleuth::viz::TimelineFilter {
                place: self.place.clone(),
                country: self.country.clone(),
                theater: self.theater.clone(),
                from: self.from,
                to: self.to,
            },
            notes: self.notes,
            bars: match (self.bars, self.no_bars) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        }
    }
}

/// `sleuth graph`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct GraphCommand {
    /// Data and rules.
    #[command(flatten)]
    pub inputs: Inputs,
    /// Write the chart to FILE (its extension can give the format)
    #[arg(short = 'o', long, value_name = "FILE", value_parser = any_path())]
    pub out: Option<PathBuf>,
    /// The chart's format (default: from --out's extension, else dot)
    #[arg(long, value_name = "dot|graphml|svg",
          value_parser = named(&["dot", "graphml", "svg"], ChartFormat::parse))]
    pub format: Option<ChartFormat>,
    /// SVG rendered by Graphviz
    #[arg(long)]
    pub svg: bool,
    /// Bound the chart at N nodes (default 500)
    #[arg(long, value_name = "N", value_parser = count::<usize>)]
    pub max_nodes: Option<usize>,
    /// A `?- ...` query, or a relation's name for all its tuples
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// Evaluation flags.
    #[command(flatten)]
    pub eval: EvalFlags,
}

impl GraphCommand {
    /// The library's chart arguments; an error when the flags contradict
    /// each other or the format cannot be told.
    pub fn args(&self) -> Result<sleuth::viz::GraphArgs, String> {
        sleuth::viz::GraphArgs::from_flags(
            self.query.clone(),
            self.out.clone(),
            self.format,
            self.svg,
            self.max_nodes,
        )
    }
}

/// `sleuth report`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct ReportCommand {
    /// Data and rules.
    #[command(flatten)]
    pub inputs: Inputs,
    /// Write the page to FILE.html (default: standard output)
    #[arg(short = 'o', long, value_name = "FILE.html", value_parser = any_path())]
    pub out: Option<PathBuf>,
    /// Draw the chart with sleuth's own layout even when Graphviz is installed
    #[arg(long)]
    pub no_graphviz: bool,
    /// Evaluation flags.
    #[command(flatten)]
    pub eval: EvalFlags,
}

/// `sleuth whatif`.
#[derive(Args, Clone, Debug, PartialEq)]
pub struct WhatifCommand {
    /// Data and rules.
    #[command(flatten)]
    pub inputs: Inputs,
    /// Leave out every attestation of this source (repeatable); a fact another source attests stays
    #[arg(long, value_name = "SOURCE")]
    pub without: Vec<String>,
    /// Leave out this base fact, every attestation of it (repeatable), e.g. 'arrest("x", "Sale", "2024-02")'
    #[arg(long, value_name = "FACT")]
    pub retract: Vec<String>,
    /// Add this fact, ungraded (repeatable)
    #[arg(long, value_name = "FACT")]
    pub add: Vec<String>,
    /// How the changes are printed
    #[arg(long, value_name = "text|json", default_value = "text",
          value_parser = PossibleValuesParser::new(["text", "json"]))]
    pub format: String,
    /// Evaluation flags.
    #[command(flatten)]
    pub eval: EvalFlags,
}

impl WhatifCommand {
    /// The library's scenario.
    pub fn scenario(&self) -> sleuth::whatif::Scenario {
        sleuth::whatif::Scenario {
            without: self.without.clone(),
            retract: self.retract.clone(),
            add: self.add.clone(),
        }
    }
}

/// A value out of a fixed list of names, mapped onto the library's type by
/// its own parser (so each name means one thing, in one place).
fn named<T: Clone + Send + Sync + 'static>(
    names: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(names.iter().copied())
        .map(move |name| parse(&name).expect("clap admits only the listed names"))
}

/// A whole number; underscores group digits (`200_000_000`).
fn count<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// Where `run` writes its outputs: `None` (standard output) for `-D -`.
pub fn output_dir(output: &Path) -> Option<&Path> {
    (output != Path::new("-")).then_some(output)
}

/// A path to write, taken as given (even empty): writing it reports what
/// is wrong with it.
fn any_path() -> impl TypedValueParser<Value = PathBuf> {
    OsStringValueParser::new().map(PathBuf::from)
}

/// An ISO month or day.
fn date(text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("sleuth").chain(line.split_whitespace()))
    }

    fn command(line: &str) -> Command {
        parse(line)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
            .command
            .unwrap_or_else(|| panic!("{line}: no command"))
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn table_of_command_lines() {
        assert_eq!(parse("").expect("no arguments").command, None);
        assert_eq!(
            command("run tc.dl -F facts -D -"),
            Command::Run {
                program: "tc.dl".into(),
                facts: "facts".into(),
                output: "-".into(),
                format: Format::Tsv,
                eval: EvalFlags::default(),
                cluster: ClusterFlags::default(),
                help: None,
            }
        );
        assert_eq!(
            command("query --data d --rules=r --format json ?-p(X)."),
            Command::Query {
                inputs: Inputs {
                    data: vec!["d".into()],
                    rules: vec!["r".into()],
                    ..Inputs::default()
                },
                format: Format::Json,
                confidence: false,
                min_confidence: None,
                text: "?-p(X).".into(),
                eval: EvalFlags::default(),
            }
        );
        assert_eq!(
            command("query --min-confidence=likely ?-p(X)."),
            Command::Query {
                inputs: Inputs::default(),
                format: Format::Table,
                confidence: false,
                min_confidence: Some("likely".into()),
                text: "?-p(X).".into(),
                eval: EvalFlags::default(),
            }
        );
        assert_eq!(
            command("check --rules r --plan"),
            Command::Check {
                inputs: Inputs {
                    rules: vec!["r".into()],
                    ..Inputs::default()
                },
                plan: true,
                files: vec![],
            }
        );
        assert_eq!(
            command("explain --format=dot --whynot --depth 3 p(1)"),
            Command::Explain {
                inputs: Inputs::default(),
                explain: ExplainFlags {
                    format: sleuth::provenance::Format::Dot,
                    whynot: true,
                    strongest: false,
                    depth: Some(3),
                },
                fact: "p(1)".into(),
                eval: EvalFlags::default(),
            }
        );
        for bad in [
            "explain",
            "explain --format table p(1)",
            "explain --depth x p(1)",
            "run",
            "run a.dl --format xml",
            "query",
            "query --format tsv ?-p(X).",
            "query --max-tuples ten ?-p(X).",
            "query --timeout 10x ?-p(X).",
            "query --max-memory lots ?-p(X).",
            "frobnicate",
            "run a.dl -F",
            "report --colour",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn shared_flags_parse_on_every_evaluating_command() {
        let eval = EvalFlags {
            max_tuples: Some(1000),
            max_memory: Some(512 << 20),
            timeout: Some(Duration::from_secs(10)),
            profile: false,
            engine: Engine::Interpreted,
            provenance: false,
            no_provenance: true,
        };
        let flags = "--max-tuples 1_000 --max-memory=512M --timeout 10s --engine interpreted --provenance --no-provenance";
        let inputs = "--data d --no-builtin-data --no-builtin-rules";
        let expected_inputs = Inputs {
            data: vec!["d".into()],
            rules: vec![],
            no_builtin_data: true,
            no_builtin_rules: true,
        };
        for line in [
            format!("repl {inputs} {flags}"),
            format!("query {inputs} {flags} ?-p(X)."),
            format!("explain {inputs} {flags} p(1)"),
            format!("timeline {inputs} {flags}"),
            format!("graph {inputs} {flags} p"),
            format!("report {inputs} {flags}"),
            format!("whatif {inputs} {flags} --without s"),
        ] {
            let (got_inputs, got_eval) = match command(&line) {
                Command::Repl { inputs, eval }
                | Command::Query { inputs, eval, .. }
                | Command::Explain { inputs, eval, .. } => (inputs, eval),
                Command::Timeline(c) => (c.inputs, c.eval),
                Command::Graph(c) => (c.inputs, c.eval),
                Command::Report(c) => (c.inputs, c.eval),
                Command::Whatif(c) => (c.inputs, c.eval),
                other => panic!("{line}: {other:?}"),
            };
            assert_eq!(got_inputs, expected_inputs, "{line}");
            assert_eq!(got_eval, eval, "{line}");
            assert_eq!(got_eval.recording(), Some(false), "{line}");
        }
        let Command::Run { eval, .. } = command(&format!("run p.dl {flags}")) else {
            panic!("not run");
        };
        assert_eq!(eval, eval.clone());
        assert_eq!(eval.timeout, Some(Duration::from_secs(10)));
    }

    #[test]
    fn picture_commands_build_the_library_arguments() {
        let Command::Graph(g) = command("graph --rules r q --out c.graphml") else {
            panic!("not graph");
        };
        assert_eq!(g.inputs.rules, vec![PathBuf::from("r")]);
        let args = g.args().expect("settles");
        assert_eq!(args.query, "q");
        assert_eq!(args.format, ChartFormat::GraphMl);
        let Command::Graph(g) = command("graph --out c.png q") else {
            panic!("not graph");
        };
        assert!(g.args().is_err());
        let Command::Timeline(t) =
            command("timeline --data d --place Morocco --to 2024-01 --no-bars")
        else {
            panic!("not timeline");
        };
        let args = t.args();
        assert_eq!(args.filter.place.as_deref(), Some("Morocco"));
        assert_eq!(args.bars, Some(false));
        assert!(parse("timeline --from 2023-13").is_err());
        let Command::Report(r) = command("report --out r.html --no-graphviz") else {
            panic!("not report");
        };
        assert_eq!(r.out, Some(PathBuf::from("r.html")));
        assert!(r.no_graphviz);
        let Command::Conflicts(c) = command("conflicts --data d --no-builtin-data --format json")
        else {
            panic!("not conflicts");
        };
        assert_eq!(c.data, [PathBuf::from("d")]);
        assert!(c.no_builtin_data);
        assert_eq!(c.format, Format::Json);
        assert!(parse("conflicts --format csv").is_err());
        let Command::Whatif(w) =
            command("whatif --without a --without b --retract f(1) --add g(2) --format json")
        else {
            panic!("not whatif");
        };
        let scenario = w.scenario();
        assert_eq!(scenario.without, vec!["a", "b"]);
        assert_eq!(scenario.retract, vec!["f(1)"]);
        assert_eq!(scenario.add, vec!["g(2)"]);
        assert_eq!(w.format, "json");
        assert!(parse("whatif --format dot --without a").is_err());
    }

    #[test]
    fn matches_reads_data_only() {
        let Command::Matches(m) = command("matches --data e.csv") else {
            panic!("not matches");
        };
        assert_eq!(m.data, [PathBuf::from("e.csv")]);
    }

    #[test]
    fn every_command_has_help_and_mistypes_get_suggestions() {
        for name in [
            "repl",
            "run",
            "query",
            "check",
            "explain",
            "timeline",
            "graph",
            "report",
            "conflicts",
            "whatif",
            "matches",
        ] {
            let e = parse(&format!("{name} --help")).expect_err("help is an early exit");
            assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{name}");
            let text = e.to_string();
            assert!(text.contains(&format!("Usage: sleuth {name}")), "{text}");
        }
        let e = parse("qurey ?-p(X).").expect_err("mistyped command");
        assert!(e.to_string().contains("query"), "{e}");
        let e = parse("query --fromat json ?-p(X).").expect_err("mistyped flag");
        assert!(e.to_string().contains("--format"), "{e}");
    }

    #[test]
    fn usage_lines_show_the_inputs_and_the_bounds() {
        for line in usage::ALL {
            // `check` and `conflicts` evaluate nothing, so have no bounds;
            // `conflicts` reads data only.
            let data_only =
                line.starts_with("sleuth conflicts") || line.starts_with("sleuth matches");
            let evaluates = !line.starts_with("sleuth check") && !data_only;
            assert!(line.contains("[--max-tuples N]") || !evaluates, "{line}");
            if data_only {
                assert!(line.contains("[--data P]... [--no-builtin-data]"), "{line}");
            } else if !line.starts_with("sleuth run") {
                assert!(
                    line.contains("[--no-builtin-data] [--no-builtin-rules]"),
                    "{line}"
                );
            }
            assert!(top_after_help().contains(line), "{line}");
        }
    }

    /// The README's command-line section shows each command's usage line as
    /// `--help` prints it.
    #[test]
    fn readme_shows_every_usage_line() {
        let readme = include_str!("../../README.md");
        for line in usage::ALL {
            assert!(readme.contains(line), "README lacks `{line}`");
        }
    }
}
