//! This module defines the harness's command line, parsed with clap:
//! `cargo bench --bench harness -- [OPTIONS]`.

use crate::datagen::spec::{Size, Workload};
use clap::Parser;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::path::PathBuf;

/// A sleuth-only measurement mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Compiled against interpreted evaluation.
    CompareEngines,
    /// Provenance recording on against off.
    ProvenanceOverhead,
    /// Loading time against the whole run.
    LoadOnly,
}

/// Everything the command line says, settled.
#[derive(Debug)]
pub struct Options {
    /// Workloads to run.
    pub workloads: Vec<Workload>,
    /// Sizes to run.
    pub sizes: Vec<Size>,
    /// Runs per engine and data set.
    pub runs: usize,
    /// A folder of data sets written by gen.py.
    pub data: Option<PathBuf>,
    /// The shared benchmark folder.
    pub shared: Option<PathBuf>,
    /// Peers to run.
    pub peers: Vec<String>,
    /// Smoke run: small, one run, no peers, must be right.
    pub smoke: bool,
    /// Only generate data.
    pub gen_only: bool,
    /// Sleuth-only modes requested.
    pub modes: Vec<Mode>,
    /// Program for `--compare-engines`.
    pub library_program: Option<PathBuf>,
    /// Data for `--compare-engines`.
    pub library_data: Option<PathBuf>,
    /// The sleuth binary to measure, when not the one beside this bench.
    pub sleuth: Option<PathBuf>,
    /// Worker counts of `sleuth run --engine dataflow -w N` columns.
    pub dataflow: Vec<u32>,
    /// Process count of a `sleuth run --engine dataflow -n N` column.
    pub dataflow_processes: Option<u32>,
    /// Per-run time limit in seconds.
    pub timeout_s: u64,
    /// Also write the report to this file.
    pub out: Option<PathBuf>,
}

/// Every peer the harness knows.
pub const ALL_PEERS: [&str; 5] = ["crepe", "ascent", "flowlog", "nemo", "souffle"];

/// The flags as written.
#[derive(Parser, Debug)]
#[command(
    name = "harness",
    override_usage = "cargo bench --bench harness -- [OPTIONS]",
    args_override_self = true,
    about = "Runs sleuth (and the peers that are present) on the benchmark workloads and prints markdown tables."
)]
struct Flags {
    /// Workloads to run
    #[arg(long, value_name = "tc|sg|events|all", default_value = "all",
          value_parser = PossibleValuesParser::new(["tc", "sg", "events", "all"]).map(workloads),
          help_heading = "Selection")]
    workload: Workloads,
    /// Sizes to run (all = small..xlarge; xlarge is events only)
    #[arg(long, value_name = "small|medium|large|xlarge|all", default_value = "large",
          value_parser = PossibleValuesParser::new(["small", "medium", "large", "xlarge", "all"]).map(sizes),
          help_heading = "Selection")]
    size: Sizes,
    /// Runs per engine and data set; the median is reported
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..), help_heading = "Selection")]
    runs: u64,
    /// Events at every size, small to xlarge (sleuth and the peers)
    #[arg(long, conflicts_with_all = ["workload", "size"], help_heading = "Selection")]
    scaling: bool,
    /// Small size of each workload, 1 run, no peers; fails on a wrong answer
    #[arg(long, help_heading = "Selection")]
    smoke: bool,
    /// Read DIR/<workload>-<size>/*.tsv (as written by gen.py --out DIR; also $SLEUTH_BENCH_DATA); sets missing there are generated
    #[arg(long, value_name = "DIR", help_heading = "Data")]
    data: Option<PathBuf>,
    /// Only generate (or find) the selected data sets and print their folders
    #[arg(long, help_heading = "Data")]
    gen_only: bool,
    /// The shared benchmark folder with crepe-ref/, flowlog-ref/ and run_nemo.py (default: $SLEUTH_BENCH_SHARED, else ../shared/bench beside the repository)
    #[arg(long, value_name = "DIR", help_heading = "Peers")]
    shared: Option<PathBuf>,
    /// Comma-separated subset of crepe,ascent,flowlog,nemo,souffle (default all; flowlog runs with -w 1 and -w 2)
    #[arg(long, value_name = "LIST", value_delimiter = ',',
          value_parser = PossibleValuesParser::new(ALL_PEERS), help_heading = "Peers")]
    peers: Option<Vec<String>>,
    /// Sleuth only
    #[arg(long, conflicts_with = "peers", help_heading = "Peers")]
    no_peers: bool,
    /// Also sleuth run --engine dataflow with each of these worker counts (a build with --features dataflow)
    #[arg(
        long,
        value_name = "N,...",
        value_delimiter = ',',
        help_heading = "Peers"
    )]
    dataflow: Vec<u32>,
    /// Also sleuth run --engine dataflow as N processes of one worker on loopback (-n N -p I); time is the slowest process's, memory the largest's
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=16), help_heading = "Peers")]
    dataflow_processes: Option<u32>,
    /// sleuth run --engine compiled vs --engine interpreted
    #[arg(
        long,
        help_heading = "Sleuth measurement modes (each replaces the peer comparison)"
    )]
    compare_engines: bool,
    /// Program for --compare-engines (default benches/programs/events.dl)
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Sleuth measurement modes (each replaces the peer comparison)"
    )]
    library_program: Option<PathBuf>,
    /// Facts for --compare-engines (default the events set of the chosen size)
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Sleuth measurement modes (each replaces the peer comparison)"
    )]
    library_data: Option<PathBuf>,
    /// Recording on (--provenance) vs off (--no-provenance)
    #[arg(
        long,
        help_heading = "Sleuth measurement modes (each replaces the peer comparison)"
    )]
    provenance_overhead: bool,
    /// Fact loading time (from sleuth run --profile) against the whole run
    #[arg(
        long,
        help_heading = "Sleuth measurement modes (each replaces the peer comparison)"
    )]
    load_only: bool,
    /// The sleuth binary to measure (default: $SLEUTH_BIN, else the one cargo bench built), e.g. an older build
    #[arg(long, value_name = "PATH")]
    sleuth: Option<PathBuf>,
    /// Kill a run after SECS seconds
    #[arg(long, value_name = "SECS", default_value_t = 1800,
          value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Also write the report to FILE
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Passed by `cargo bench`; ignored
    #[arg(long, hide = true)]
    bench: bool,
}

/// The workloads one `--workload` names (`all`: every one).
#[derive(Clone, Debug)]
struct Workloads(Vec<Workload>);

/// The sizes one `--size` names (`all`: every one).
#[derive(Clone, Debug)]
struct Sizes(Vec<Size>);

fn workloads(name: String) -> Workloads {
    Workloads(match Workload::parse(&name) {
        Some(w) => vec![w],
        None => Workload::ALL.to_vec(),
    })
}

fn sizes(name: String) -> Sizes {
    Sizes(match Size::parse(&name) {
        Some(s) => vec![s],
        None => Size::ALL.to_vec(),
    })
}

/// A path from the environment, when the flag is not given.
fn from_env(flag: Option<PathBuf>, var: &str) -> Option<PathBuf> {
    flag.or_else(|| std::env::var_os(var).map(PathBuf::from))
}

/// Parses the process's arguments; prints help or a usage error and exits
/// when asked to or when they are wrong.
pub fn parse() -> Options {
    settle(Flags::parse())
}

/// Settles the flags: a later `--workload` or `--size` replaces an earlier
/// one; `--scaling` and `--smoke` fix the selection.
fn settle(f: Flags) -> Options {
    let mut o = Options {
        workloads: f.workload.0,
        sizes: f.size.0,
        runs: usize::try_from(f.runs).unwrap_or(usize::MAX),
        data: from_env(f.data, "SLEUTH_BENCH_DATA"),
        shared: from_env(f.shared, "SLEUTH_BENCH_SHARED"),
        peers: match f.peers {
            Some(list) => list,
            None => ALL_PEERS.iter().map(|p| p.to_string()).collect(),
        },
        smoke: f.smoke,
        gen_only: f.gen_only,
        modes: [
            (f.compare_engines, Mode::CompareEngines),
            (f.provenance_overhead, Mode::ProvenanceOverhead),
            (f.load_only, Mode::LoadOnly),
        ]
        .into_iter()
        .filter_map(|(on, mode)| on.then_some(mode))
        .collect(),
        library_program: f.library_program,
        library_data: f.library_data,
        sleuth: from_env(f.sleuth, "SLEUTH_BIN"),
        dataflow: f.dataflow,
        dataflow_processes: f.dataflow_processes,
        timeout_s: f.timeout,
        out: f.out,
    };
    if f.no_peers {
        o.peers.clear();
    }
    if f.scaling {
        o.workloads = vec![Workload::Events];
        o.sizes = Size::ALL.to_vec();
    }
    if o.smoke {
        o.sizes = vec![Size::Small];
        o.workloads = Workload::ALL.to_vec();
        o.runs = 1;
        o.peers.clear();
        o.modes.clear();
    }
    o
}
