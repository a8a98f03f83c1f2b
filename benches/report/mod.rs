//! This module defines the markdown report: one comparison table per size, the scaling table, problems.

pub mod machine;

use crate::datagen::spec::{Size, Workload};
use crate::run::{Outcome, Sample, Verdict};
use std::fmt::Write;
use std::path::PathBuf;

/// One data set as measured.
pub struct DataSet {
    /// Workload.
    pub workload: Workload,
    /// Size.
    pub size: Size,
    /// Where the facts are.
    pub dir: PathBuf,
    /// Who wrote them (`gen.py`, this harness's generator, ...).
    pub source: String,
    /// Number of base facts.
    pub facts: u64,
    /// Whether the right answer is known (else engines are compared with each other).
    pub known: bool,
}

/// Every engine's outcome on one data set.
pub struct Measurement {
    /// The data set.
    pub data: DataSet,
    /// One outcome per engine, sleuth first.
    pub outcomes: Vec<Outcome>,
}

/// The median of a non-empty list.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Summary of a series' samples.
pub struct Summary {
    /// Median of the timed seconds.
    pub median_s: f64,
    /// Fastest run.
    pub min_s: f64,
    /// Slowest run.
    pub max_s: f64,
    /// Highest peak RSS over the runs, MiB.
    pub rss_mib: f64,
    /// Median CPU seconds.
    pub cpu_s: f64,
    /// Median load seconds, where reported.
    pub load_s: Option<f64>,
}

/// Summarises samples; `None` when there are none.
pub fn summarize(samples: &[Sample]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let timed: Vec<f64> = samples.iter().map(|s| s.timed_s).collect();
    let loads: Vec<f64> = samples.iter().filter_map(|s| s.load_s).collect();
    Some(Summary {
        median_s: median(timed.clone()),
        min_s: timed.iter().copied().fold(f64::INFINITY, f64::min),
        max_s: timed.iter().copied().fold(0.0, f64::max),
        rss_mib: samples.iter().map(|s| s.rss_mib).fold(0.0, f64::max),
        cpu_s: median(samples.iter().map(|s| s.cpu_s).collect()),
        load_s: (!loads.is_empty()).then(|| median(loads)),
    })
}

/// The table cell for a failed series.
fn verdict_cell(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Wrong(_) => "**WRONG ANSWER**",
        Verdict::Failed(_) => "**FAILED**",
        Verdict::Right | Verdict::Unchecked => "",
    }
}

/// One comparison table per size, with ratios to the first outcome (sleuth).
pub fn comparison(measurements: &[Measurement], runs: usize) -> String {
    let mut out = String::new();
    let mut sizes: Vec<Size> = measurements.iter().map(|m| m.data.size).collect();
    sizes.dedup();
    for size in sizes {
        let plural = if runs == 1 { "run" } else { "runs" };
        let _ = writeln!(out, "\n### {size} (median of {runs} {plural})\n");
        out.push_str(
            "| workload | engine | median s | min–max s | peak RSS MiB | CPU s | \
             sleuth ÷ engine, time | sleuth ÷ engine, RSS |\n\
             |---|---|---:|---:|---:|---:|---:|---:|\n",
        );
        for m in measurements.iter().filter(|m| m.data.size == size) {
            let base = m.outcomes.first().and_then(|o| summarize(&o.samples));
            for o in &m.outcomes {
                let name = match (&o.verdict, o.engine.as_str()) {
                    (_, "nemo") => "nemo †".to_string(),
                    _ => o.engine.clone(),
                };
                let Some(s) = summarize(&o.samples) else {
                    let _ = writeln!(
                        out,
                        "| {} | {name} | {} | | | | | |",
                        m.data.workload,
                        verdict_cell(&o.verdict)
                    );
                    continue;
                };
                let (time_ratio, rss_ratio) = match &base {
                    Some(b) => (
                        format!("{:.2}", b.median_s / s.median_s),
                        format!("{:.2}", b.rss_mib / s.rss_mib),
                    ),
                    None => ("—".to_string(), "—".to_string()),
                };
                let _ = writeln!(
                    out,
                    "| {} | {name} | {:.2} | {:.2}–{:.2} | {:.0} | {:.2} | {time_ratio} | {rss_ratio} |",
                    m.data.workload, s.median_s, s.min_s, s.max_s, s.rss_mib, s.cpu_s
                );
            }
        }
    }
    if measurements
        .iter()
        .flat_map(|m| &m.outcomes)
        .any(|o| o.engine == "nemo")
    {
        out.push_str(
            "\n† Nemo's time is the reasoning time `run_nemo.py` reports (includes reading the TSV \
             files); its process also starts Python and counts results by iterating them in Python, \
             which is not evaluation. Its RSS is the whole Python process.\n",
        );
    }
    out
}

/// Growth factor `now / before`, formatted.
fn growth(now: f64, before: Option<f64>) -> String {
    match before {
        Some(b) if b > 0.0 => format!("×{:.1}", now / b),
        _ => "".to_string(),
    }
}

/// Scaling of each engine over the event sizes measured: time, memory, output and their growth.
pub fn scaling(measurements: &[Measurement]) -> Option<String> {
    let events: Vec<&Measurement> = measurements
        .iter()
        .filter(|m| m.data.workload == Workload::Events)
        .collect();
    if events.len() < 2 {
        return None;
    }
    let mut engines: Vec<&str> = Vec::new();
    for o in events.iter().flat_map(|m| &m.outcomes) {
        if !engines.contains(&o.engine.as_str()) {
            engines.push(&o.engine);
        }
    }
    let mut out = String::from(
        "\n### Scaling: events\n\n\
         | engine | size | base facts | output tuples | median s | growth | peak RSS MiB | growth | output growth |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for engine in engines {
        let mut before: Option<(f64, f64, f64)> = None;
        for m in &events {
            let Some(o) = m.outcomes.iter().find(|o| o.engine == engine) else {
                continue;
            };
            let Some(s) = summarize(&o.samples) else {
                let _ = writeln!(
                    out,
                    "| {engine} | {} | {} | | {} | | | | |",
                    m.data.size,
                    m.data.facts,
                    verdict_cell(&o.verdict)
                );
                before = None;
                continue;
            };
            let output: u64 = o.counts.as_ref().map(|c| c.values().sum()).unwrap_or(0);
            let _ = writeln!(
                out,
                "| {engine} | {} | {} | {output} | {:.2} | {} | {:.0} | {} | {} |",
                m.data.size,
                m.data.facts,
                s.median_s,
                growth(s.median_s, before.map(|b| b.0)),
                s.rss_mib,
                growth(s.rss_mib, before.map(|b| b.1)),
                growth(output as f64, before.map(|b| b.2)),
            );
            before = Some((s.median_s, s.rss_mib, output as f64));
        }
    }
    Some(out)
}

/// The data sets measured: where they came from and whether their answer is known.
pub fn data_sets(measurements: &[Measurement]) -> String {
    let mut out = String::from(
        "\n### Data\n\n| data set | facts | source | answer checked against |\n|---|---:|---|---|\n",
    );
    for m in measurements {
        let d = &m.data;
        let check = if d.known {
            "known sizes"
        } else {
            "the engines' agreement (no known sizes)"
        };
        let _ = writeln!(
            out,
            "| {}-{} | {} | {} | {check} |",
            d.workload, d.size, d.facts, d.source
        );
    }
    out
}

/// Every wrong answer and failure, in full; `None` when there is none.
pub fn problems(measurements: &[Measurement]) -> Option<String> {
    let mut out = String::new();
    for m in measurements {
        for o in &m.outcomes {
            let (what, detail) = match &o.verdict {
                Verdict::Wrong(d) => ("WRONG ANSWER", d),
                Verdict::Failed(d) => ("FAILED", d),
                _ => continue,
            };
            let _ = writeln!(
                out,
                "- {what}: {} on {}-{}: {detail}",
                o.engine, m.data.workload, m.data.size
            );
        }
    }
    (!out.is_empty()).then(|| format!("\n### Problems\n\n{out}"))
}
