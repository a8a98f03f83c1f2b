//! This module defines the harness's command line: `cargo bench --bench harness -- [OPTIONS]`.

use crate::datagen::spec::{Size, Workload};
use std::path::PathBuf;

/// Usage text printed by `--help` and after a bad argument.
pub const USAGE: &str = "\
usage: cargo bench --bench harness -- [OPTIONS]

Runs sleuth (and the peers that are present) on the benchmark workloads and prints markdown tables.

selection:
  --workload tc|sg|events|all   workloads to run (default all)
  --size small|medium|large|xlarge|all
                                sizes to run (default large; all = small..xlarge, xlarge is events only)
  --runs N                      runs per engine and data set (default 3); the median is reported
  --scaling                     events at every size, small to xlarge (sleuth and the peers)
  --smoke                       small size of each workload, 1 run, no peers; fails on a wrong answer

data:
  --data DIR                    read DIR/<workload>-<size>/*.tsv (as written by gen.py --out DIR);
                                also taken from $SLEUTH_BENCH_DATA. Sets missing there are generated.
  --gen-only                    only generate (or find) the selected data sets and print their folders

peers:
  --shared DIR                  the shared benchmark folder with crepe-ref/ and run_nemo.py
                                (default: $SLEUTH_BENCH_SHARED, else ../shared/bench beside the repository)
  --peers LIST                  comma-separated subset of crepe,ascent,nemo,souffle (default all)
  --no-peers                    sleuth only

sleuth measurement modes (sleuth only; each replaces the peer comparison):
  --compare-engines             sleuth run --engine compiled vs --engine interpreted
      --library-program FILE    program to run (default benches/programs/events.dl)
      --library-data DIR        facts to run it on (default the events set of the chosen size)
  --provenance-overhead         recording on (--provenance) vs off (--no-provenance)
  --load-only                   fact loading time (from sleuth run --profile) against the whole run

other:
  --sleuth PATH                 the sleuth binary to measure (default: the one cargo bench built;
                                also $SLEUTH_BIN), e.g. an older build for before/after figures
  --timeout SECS                kill a run after SECS seconds (default 1800)
  --out FILE                    also write the report to FILE
  --help                        this text
";

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

/// Everything the command line says.
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
    /// Per-run time limit in seconds.
    pub timeout_s: u64,
    /// Also write the report here.
    pub out: Option<PathBuf>,
    /// Print usage and stop.
    pub help: bool,
}

/// Every peer the harness knows.
pub const ALL_PEERS: [&str; 4] = ["crepe", "ascent", "nemo", "souffle"];

fn value<'a>(
    args: &mut impl Iterator<Item = &'a String>,
    flag: &str,
) -> Result<&'a String, String> {
    args.next().ok_or_else(|| format!("{flag} needs a value"))
}

/// Parses the arguments after `--` (cargo's own `--bench` is accepted and ignored).
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        workloads: Workload::ALL.to_vec(),
        sizes: vec![Size::Large],
        runs: 3,
        data: std::env::var_os("SLEUTH_BENCH_DATA").map(PathBuf::from),
        shared: std::env::var_os("SLEUTH_BENCH_SHARED").map(PathBuf::from),
        peers: ALL_PEERS.iter().map(|p| p.to_string()).collect(),
        smoke: false,
        gen_only: false,
        modes: Vec::new(),
        library_program: None,
        library_data: None,
        sleuth: std::env::var_os("SLEUTH_BIN").map(PathBuf::from),
        timeout_s: 1800,
        out: None,
        help: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--workload" => {
                let v = value(&mut args, arg)?;
                o.workloads = match v.as_str() {
                    "all" => Workload::ALL.to_vec(),
                    name => {
                        vec![Workload::parse(name).ok_or(format!("unknown workload {name:?}"))?]
                    }
                };
            }
            "--size" => {
                let v = value(&mut args, arg)?;
                o.sizes = match v.as_str() {
                    "all" => Size::ALL.to_vec(),
                    name => vec![Size::parse(name).ok_or(format!("unknown size {name:?}"))?],
                };
            }
            "--runs" => {
                let v = value(&mut args, arg)?;
                o.runs = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--runs {v:?}: need N >= 1"))?;
            }
            "--scaling" => {
                o.workloads = vec![Workload::Events];
                o.sizes = Size::ALL.to_vec();
            }
            "--smoke" => o.smoke = true,
            "--data" => o.data = Some(value(&mut args, arg)?.into()),
            "--gen-only" => o.gen_only = true,
            "--shared" => o.shared = Some(value(&mut args, arg)?.into()),
            "--peers" => {
                let v = value(&mut args, arg)?;
                o.peers = v
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = o.peers.iter().find(|p| !ALL_PEERS.contains(&p.as_str())) {
                    return Err(format!(
                        "unknown peer {bad:?} (known: {})",
                        ALL_PEERS.join(", ")
                    ));
                }
            }
            "--no-peers" => o.peers.clear(),
            "--compare-engines" => o.modes.push(Mode::CompareEngines),
            "--provenance-overhead" => o.modes.push(Mode::ProvenanceOverhead),
            "--load-only" => o.modes.push(Mode::LoadOnly),
            "--library-program" => o.library_program = Some(value(&mut args, arg)?.into()),
            "--library-data" => o.library_data = Some(value(&mut args, arg)?.into()),
            "--sleuth" => o.sleuth = Some(value(&mut args, arg)?.into()),
            "--timeout" => {
                let v = value(&mut args, arg)?;
                o.timeout_s = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--timeout {v:?}"))?;
            }
            "--out" => o.out = Some(value(&mut args, arg)?.into()),
            "--help" | "-h" => o.help = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.smoke {
        o.sizes = vec![Size::Small];
        o.workloads = Workload::ALL.to_vec();
        o.runs = 1;
        o.peers.clear();
        o.modes.clear();
    }
    Ok(o)
}
