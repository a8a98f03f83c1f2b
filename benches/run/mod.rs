//! This module defines repeated, checked runs of one engine on one data set.
//!
//! Every run's printed relation sizes are compared with the known answer before its time
//! counts: a wrong answer stops the series and is reported, never timed.

pub mod child;
pub mod engines;
pub mod expected;
pub mod output;

use child::Measured;
use output::Counts;
use std::process::Command;
use std::time::Duration;

/// One timed run.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The seconds the comparison uses: process wall time, or the engine's own reasoning
    /// time where its process does more than read and evaluate (see `engines::Timing`).
    pub timed_s: f64,
    /// Process wall seconds.
    pub wall_s: f64,
    /// Process CPU seconds (user + system).
    pub cpu_s: f64,
    /// Peak resident set size in MiB.
    pub rss_mib: f64,
    /// Seconds spent loading facts, where the engine reports it.
    pub load_s: Option<f64>,
}

/// How a series of runs ended.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Every run printed the known answer.
    Right,
    /// No known answer for this data set; the sizes are compared across engines instead.
    Unchecked,
    /// A run printed other sizes than the known answer.
    Wrong(String),
    /// A run could not be started, crashed, exited non-zero or timed out.
    Failed(String),
}

impl Verdict {
    /// Whether the runs' times may be reported.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Right | Verdict::Unchecked)
    }
}

/// The result of one engine's series on one data set.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Engine label as shown in tables.
    pub engine: String,
    /// The timed runs (empty unless the verdict is ok).
    pub samples: Vec<Sample>,
    /// Sizes printed by the first run.
    pub counts: Option<Counts>,
    /// How the series ended.
    pub verdict: Verdict,
}

/// Describes how `got` differs from `want` (only the relations in `want` are compared).
pub fn differences(want: &Counts, got: &Counts) -> Option<String> {
    let wrong: Vec<String> = want
        .iter()
        .filter(|(name, n)| got.get(*name) != Some(n))
        .map(|(name, n)| match got.get(name) {
            Some(g) => format!("{name}: printed {g}, expected {n}"),
            None => format!("{name}: not printed, expected {n}"),
        })
        .collect();
    if wrong.is_empty() {
        None
    } else {
        Some(wrong.join("; "))
    }
}

/// The last lines of a child's stderr, for a failure message.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return "(no output)".to_string();
    }
    let start = lines.len().saturating_sub(6);
    lines[start..].join("\n    ")
}

/// Why a finished child does not count, if it does not.
fn failure(m: &Measured, timeout: Duration) -> Option<String> {
    if m.timed_out {
        return Some(format!("killed after the {} s timeout", timeout.as_secs()));
    }
    match m.exit {
        child::Exit::Code(0) => None,
        child::Exit::Code(code) => Some(format!("exit status {code}: {}", tail(&m.stderr))),
        child::Exit::Signal(signal) => {
            Some(format!("killed by signal {signal}: {}", tail(&m.stderr)))
        }
    }
}

/// What a series needs besides the command.
pub struct Series<'a> {
    /// Engine label.
    pub engine: String,
    /// How many runs.
    pub runs: usize,
    /// The known answer, if any.
    pub expected: Option<&'a Counts>,
    /// Per-run time limit.
    pub timeout: Duration,
    /// Which seconds the comparison uses.
    pub timing: engines::Timing,
    /// The profile line prefix whose seconds are the load time, if loading is reported.
    pub load_prefix: Option<&'a str>,
}

/// Runs `make_commands()` (one command a process of a run) `series.runs` times, checking
/// each run's answer.
pub fn repeat(series: &Series<'_>, mut make_commands: impl FnMut() -> Vec<Command>) -> Outcome {
    let mut outcome = Outcome {
        engine: series.engine.clone(),
        samples: Vec::new(),
        counts: None,
        verdict: if series.expected.is_some() {
            Verdict::Right
        } else {
            Verdict::Unchecked
        },
    };
    for run in 1..=series.runs {
        let m = match child::measure_group(make_commands(), series.timeout) {
            Ok(m) => m,
            Err(e) => {
                outcome.verdict = Verdict::Failed(format!("could not run: {e}"));
                break;
            }
        };
        if let Some(why) = failure(&m, series.timeout) {
            outcome.verdict = Verdict::Failed(why);
            break;
        }
        let text = format!("{}\n{}", m.stdout, m.stderr);
        let counts = output::counts(&m.stdout);
        if counts.is_empty() {
            outcome.verdict =
                Verdict::Failed(format!("printed no relation sizes: {}", tail(&text)));
            break;
        }
        let reference = series.expected.or(outcome.counts.as_ref());
        if let Some(diff) = reference.and_then(|want| differences(want, &counts)) {
            let against = if series.expected.is_some() {
                "known answer"
            } else {
                "run 1"
            };
            outcome.verdict = Verdict::Wrong(format!("run {run} vs {against}: {diff}"));
            outcome.counts = Some(counts);
            break;
        }
        let timed_s = match series.timing {
            engines::Timing::Process => Some(m.wall_s),
            engines::Timing::Reported(key) => output::reported_seconds(&text, key),
        };
        let Some(timed_s) = timed_s else {
            outcome.verdict = Verdict::Failed("did not print its reasoning time".to_string());
            break;
        };
        outcome.samples.push(Sample {
            timed_s,
            wall_s: m.wall_s,
            cpu_s: m.cpu_s,
            rss_mib: m.max_rss_kib as f64 / 1024.0,
            load_s: series
                .load_prefix
                .and_then(|p| output::prefixed_seconds(&text, p)),
        });
        outcome.counts.get_or_insert(counts);
    }
    if !outcome.verdict.is_ok() {
        outcome.samples.clear();
    }
    outcome
}
