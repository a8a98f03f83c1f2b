//! This module defines sleuth's benchmark harness: it runs `sleuth run` and its peers on the shared
//! workloads, checks every answer, and prints median wall time and peak memory as markdown.
//!
//! `cargo bench --bench harness -- --help` lists the options; benches/README.md says how to
//! reproduce the published tables. The pipeline, top to bottom:
//!
//! ```text
//!  cli::parse ─▶ data sets (datagen::ensure, or gen.py's folders) ─▶ run::repeat per engine
//!             ─▶ checked against run::expected (or the engines' agreement) ─▶ report tables
//! ```

// Flags of `sleuth run` the measurement modes rely on. Adjust here when the CLI settles.
/// Chooses the evaluation path: `--engine compiled|interpreted`.
const ENGINE_FLAG: &str = "--engine";
/// The value of `ENGINE_FLAG` for the crepe-compiled rule library.
const ENGINE_COMPILED: &str = "compiled";
/// The value of `ENGINE_FLAG` for the interpreter.
const ENGINE_INTERPRETED: &str = "interpreted";
/// Switches provenance recording on. Both are passed explicitly, so the
/// comparison holds whichever is the default.
const PROVENANCE_ON_FLAG: &str = "--provenance";
/// Switches provenance recording off.
const PROVENANCE_OFF_FLAG: &str = "--no-provenance";
/// Makes `sleuth run` print its profile.
const PROFILE_FLAG: &str = "--profile";
/// The profile line that reports fact loading starts with this word, then the seconds.
const PROFILE_LOAD_PREFIX: &str = "load";

mod cli;
#[path = "gen/mod.rs"]
mod datagen;
mod modes;
mod report;
mod run;

use datagen::spec::{Size, Workload};
use report::{DataSet, Measurement};
use run::engines::{Engine, PeerPlaces};
use run::expected::{self, Known};
use run::{Outcome, Series, Verdict};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Where things are, resolved once.
pub struct Context {
    /// The repository (the package's manifest folder).
    pub repo: PathBuf,
    /// Cargo's target folder.
    pub target: PathBuf,
    /// benches/programs.
    pub programs: PathBuf,
    /// The sleuth binary to measure.
    pub sleuth: PathBuf,
    /// Per-run time limit.
    pub timeout: Duration,
}

impl Context {
    fn new(options: &cli::Options) -> Context {
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => repo.join(dir),
            None => repo.join("target"),
        };
        Context {
            programs: repo.join("benches").join("programs"),
            sleuth: options
                .sleuth
                .clone()
                .unwrap_or_else(|| sleuth_binary(&target)),
            target,
            repo,
            timeout: Duration::from_secs(options.timeout_s),
        }
    }

    /// The `.dl` program of a workload.
    pub fn program(&self, workload: Workload) -> PathBuf {
        self.programs.join(format!("{workload}.dl"))
    }
}

/// The sleuth binary: the one Cargo built for this bench (`CARGO_BIN_EXE_sleuth`, set when a
/// bench target is compiled), else the one in this executable's profile folder, else
/// `<target>/release/sleuth`.
fn sleuth_binary(target: &Path) -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_sleuth") {
        return PathBuf::from(path);
    }
    // This executable is <target>/<profile>/deps/harness-<hash>.
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("sleuth")));
    match beside {
        Some(path) if path.exists() => path,
        _ => target.join("release").join("sleuth"),
    }
}

/// Why sleuth cannot be measured, if it cannot.
pub fn sleuth_missing(ctx: &Context) -> Option<String> {
    (!ctx.sleuth.exists()).then(|| {
        format!(
            "no sleuth binary at {}: `cargo bench` builds it, or run `cargo build --release --bin sleuth`",
            ctx.sleuth.display()
        )
    })
}

/// Whether `text` names `flag` as a whole word (so `--provenance` is not found in `--no-provenance`).
fn mentions(text: &str, flag: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(flag).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + flag.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

/// Whether `sleuth run` accepts `flag`, judged by its usage text (`sleuth run --help`, then
/// `sleuth --help`).
pub fn sleuth_flag(ctx: &Context, flag: &str) -> Result<(), String> {
    if let Some(why) = sleuth_missing(ctx) {
        return Err(why);
    }
    let mut usage = String::new();
    for args in [&["run", "--help"][..], &["--help"][..]] {
        let help = std::process::Command::new(&ctx.sleuth)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("could not run {}: {e}", ctx.sleuth.display()))?;
        usage.push_str(&String::from_utf8_lossy(&help.stdout));
        usage.push_str(&String::from_utf8_lossy(&help.stderr));
    }
    if mentions(&usage, flag) {
        Ok(())
    } else {
        Err(format!(
            "sleuth has no flag {flag} yet (its --help does not list it)"
        ))
    }
}

/// A data set ready to run, with its known answer if any.
pub struct Resolved {
    /// The data set's description.
    pub data: DataSet,
    /// Its known answer.
    pub known: Option<&'static Known>,
}

/// Finds the facts of `(workload, size)`: in the `--data` folder when it has them, else
/// generated (once) under `<target>/bench-data/`. `Ok(None)` when the set does not exist.
pub fn resolve(
    ctx: &Context,
    options: &cli::Options,
    workload: Workload,
    size: Size,
) -> Result<Option<Resolved>, String> {
    let name = format!("{workload}-{size}");
    let given = options
        .data
        .as_ref()
        .map(|d| d.join(&name))
        .filter(|d| d.is_dir());
    let (dir, source) = match given {
        Some(dir) => (dir, "given folder".to_string()),
        None => {
            if let Some(root) = &options.data {
                eprintln!(
                    "note: {} has no {name}/; using the harness's own generator",
                    root.display()
                );
            }
            let cache = ctx.target.join("bench-data");
            std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
            match datagen::ensure(&cache, workload, size) {
                Ok(Some(dir)) => (dir, datagen::GENERATOR_VERSION.to_string()),
                Ok(None) => return Ok(None),
                Err(e) => return Err(format!("generating {name}: {e}")),
            }
        }
    };
    let info = expected::inspect(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let known = expected::lookup(info.fingerprint);
    if known.is_none() {
        eprintln!(
            "note: {name} at {} (fingerprint {:#018x}) has no known answer; engines are checked against each other",
            dir.display(),
            info.fingerprint
        );
    }
    Ok(Some(Resolved {
        data: DataSet {
            workload,
            size,
            dir,
            source: known.map(|k| k.source.to_string()).unwrap_or(source),
            facts: info.facts,
            known: known.is_some(),
        },
        known,
    }))
}

/// Marks the outcomes that disagree with the others when no answer is known: the largest
/// group of agreeing engines wins if it is the only largest; otherwise all disagree.
fn cross_check(outcomes: &mut [Outcome]) {
    let answers: Vec<(usize, run::output::Counts)> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.verdict.is_ok())
        .filter_map(|(i, o)| Some((i, o.counts.clone()?)))
        .collect();
    let support = |c: &run::output::Counts| answers.iter().filter(|(_, d)| d == c).count();
    let best = answers.iter().map(|(_, c)| support(c)).max().unwrap_or(0);
    let leaders: Vec<&run::output::Counts> = {
        let mut l: Vec<&run::output::Counts> = answers
            .iter()
            .map(|(_, c)| c)
            .filter(|c| support(c) == best)
            .collect();
        l.dedup();
        l
    };
    let majority = (leaders.len() == 1).then(|| leaders[0].clone());
    for (i, counts) in &answers {
        let agrees = majority.as_ref() == Some(counts);
        if !agrees {
            let detail = match &majority {
                Some(m) => {
                    run::differences(m, counts).unwrap_or_else(|| "other relations printed".into())
                }
                None => format!(
                    "no majority among the engines; this one printed {}",
                    counts
                        .iter()
                        .map(|(n, c)| format!("{n}={c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            outcomes[*i].verdict =
                Verdict::Wrong(format!("disagrees with the other engines: {detail}"));
            outcomes[*i].samples.clear();
        }
    }
}

/// Prints one line of progress for an outcome.
fn progress(workload: Workload, size: Size, o: &Outcome) {
    match (&o.verdict, report::summarize(&o.samples)) {
        (v, Some(s)) if v.is_ok() => {
            eprintln!(
                "  {workload}-{size} {}: {:.2} s, {:.0} MiB",
                o.engine, s.median_s, s.rss_mib
            )
        }
        (Verdict::Wrong(d), _) => eprintln!("  {workload}-{size} {}: WRONG ANSWER: {d}", o.engine),
        (Verdict::Failed(d), _) => eprintln!("  {workload}-{size} {}: FAILED: {d}", o.engine),
        _ => {}
    }
}

/// Runs one engine's series on a data set.
pub fn series(
    ctx: &Context,
    engine: &Engine,
    runs: usize,
    r: &Resolved,
    load_prefix: Option<&str>,
    program: &Path,
) -> Outcome {
    let expected = r.known.map(Known::counts);
    let s = Series {
        engine: engine.name.clone(),
        runs,
        expected: expected.as_ref(),
        timeout: ctx.timeout,
        timing: engine.timing,
        load_prefix,
    };
    run::repeat(&s, || {
        let mut commands = engine.commands(r.data.workload, program, &r.data.dir);
        for c in &mut commands {
            c.current_dir(&ctx.repo);
        }
        commands
    })
}

/// The default mode: sleuth beside the peers, per size and workload.
fn compare(ctx: &Context, options: &cli::Options) -> (String, bool) {
    let peer_names: Vec<&str> = options.peers.iter().map(String::as_str).collect();
    let shared = options.shared.clone().or_else(|| {
        let default = ctx.repo.join("..").join("shared").join("bench");
        default.is_dir().then_some(default)
    });
    let peers = if peer_names.is_empty() {
        None
    } else {
        Some(run::engines::discover(
            &PeerPlaces {
                shared: shared.as_deref(),
                build: &ctx.target.join("peers"),
                programs: &ctx.programs,
                workloads: &options.workloads,
            },
            &peer_names,
        ))
    };
    let sleuth = Engine::sleuth("sleuth", &ctx.sleuth, &[]);
    // `--dataflow 1,2`: the dataflow engine at each worker count.
    let dataflow: Vec<Engine> =
        options
            .dataflow
            .iter()
            .map(|w| {
                let w = w.to_string();
                Engine::sleuth(
                    &format!("sleuth dataflow -w {w}"),
                    &ctx.sleuth,
                    &["--engine", "dataflow", "-w", &w],
                )
            })
            .chain(options.dataflow_processes.map(|n| {
                Engine::sleuth_processes(&format!("sleuth dataflow -n {n}"), &ctx.sleuth, n)
            }))
            .collect();
    let missing = sleuth_missing(ctx);
    let mut measurements = Vec::new();
    let mut ok = true;
    for &size in &options.sizes {
        for &workload in &options.workloads {
            let resolved = match resolve(ctx, options, workload, size) {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(e) => {
                    eprintln!("error: {e}");
                    ok = false;
                    continue;
                }
            };
            if options.smoke && resolved.known.is_none() {
                eprintln!("error: the smoke run needs known sizes for {workload}-{size}");
                ok = false;
            }
            let program = ctx.program(workload);
            let mut outcomes = vec![match &missing {
                Some(why) => Outcome {
                    engine: "sleuth".into(),
                    samples: vec![],
                    counts: None,
                    verdict: Verdict::Failed(why.clone()),
                },
                None => series(ctx, &sleuth, options.runs, &resolved, None, &program),
            }];
            progress(workload, size, &outcomes[0]);
            for engine in &dataflow {
                let o = series(ctx, engine, options.runs, &resolved, None, &program);
                progress(workload, size, &o);
                outcomes.push(o);
            }
            for peer in peers.iter().flat_map(|p| &p.present) {
                let o = series(ctx, peer, options.runs, &resolved, None, &program);
                progress(workload, size, &o);
                outcomes.push(o);
            }
            if resolved.known.is_none() {
                cross_check(&mut outcomes);
            }
            ok &= outcomes.iter().all(|o| o.verdict.is_ok());
            measurements.push(Measurement {
                data: resolved.data,
                outcomes,
            });
        }
    }

    let mut text = format!(
        "## sleuth benchmark{}\n\n",
        if options.smoke { " (smoke)" } else { "" }
    );
    text.push_str(&report::machine::describe(&ctx.repo));
    if options.sleuth.is_some() {
        text.push_str(&format!(
            "- sleuth binary measured: {}\n",
            ctx.sleuth.display()
        ));
    }
    text.push_str(
        "- measured: wall time of each whole `sleuth run` process (start, read the TSV facts, evaluate, \
         print sizes, exit) and its peak RSS from wait4(2); the peers the same way on the same files\n",
    );
    text.push_str(&report::comparison(&measurements, options.runs));
    if let Some(scaling) = report::scaling(&measurements) {
        text.push_str(&scaling);
    }
    text.push_str(&report::data_sets(&measurements));
    if let Some(peers) = peers.as_ref().filter(|p| !p.absent.is_empty()) {
        text.push_str("\n### Peers not present\n\n");
        for a in &peers.absent {
            text.push_str(&format!("- {}: {}\n", a.name, a.how));
        }
    }
    if let Some(problems) = report::problems(&measurements) {
        text.push_str(&problems);
    }
    (text, ok)
}

fn main() -> ExitCode {
    let options = cli::parse();
    let ctx = Context::new(&options);
    if options.gen_only {
        let mut ok = true;
        for &workload in &options.workloads {
            for &size in &options.sizes {
                match resolve(&ctx, &options, workload, size) {
                    Ok(Some(r)) => println!(
                        "{workload}-{size}\t{}\t{} facts",
                        r.data.dir.display(),
                        r.data.facts
                    ),
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("error: {e}");
                        ok = false;
                    }
                }
            }
        }
        return if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let (text, ok) = if options.modes.is_empty() {
        compare(&ctx, &options)
    } else {
        modes::run(&ctx, &options)
    };
    println!("{text}");
    if let Some(path) = &options.out
        && let Err(e) = std::fs::write(path, &text)
    {
        eprintln!("error: writing {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("\nbenchmark FAILED: see above (a wrong answer is never timed)");
        ExitCode::FAILURE
    }
}
