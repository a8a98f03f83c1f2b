//! This module defines the sleuth-only measurement modes: compiled vs interpreted, provenance recording
//! on vs off, and fact loading time.
//!
//! Each mode first asks `sleuth run --help` whether the flag it needs exists; when it does not,
//! the mode says so ("sleuth has no flag X yet") and fails, instead of timing something else.

use crate::cli::{Mode, Options};
use crate::datagen::spec::{Size, Workload};
use crate::report::{self, summarize};
use crate::run::engines::Engine;
use crate::run::{Outcome, Verdict};
use crate::{Context, Resolved};
use std::fmt::Write;
use std::path::PathBuf;

/// Runs the requested modes; returns the report and whether everything was right.
pub fn run(ctx: &Context, options: &Options) -> (String, bool) {
    let mut text = format!(
        "## sleuth measurement modes\n\n{}",
        report::machine::describe(&ctx.repo)
    );
    let mut ok = true;
    for mode in &options.modes {
        let (section, good) = match mode {
            Mode::CompareEngines => compare_engines(ctx, options),
            Mode::ProvenanceOverhead => provenance_overhead(ctx, options),
            Mode::LoadOnly => load_only(ctx, options),
        };
        text.push_str(&section);
        ok &= good;
    }
    (text, ok)
}

/// "N runs", for headings.
fn runs(n: usize) -> String {
    if n == 1 {
        "1 run".to_string()
    } else {
        format!("{n} runs")
    }
}

/// Million facts per second, when the time is long enough to mean something.
fn rate(facts: u64, seconds: f64) -> String {
    if seconds < 0.005 {
        "—".to_string()
    } else {
        format!("{:.1}", facts as f64 / seconds / 1e6)
    }
}

/// A failed mode's section.
fn unavailable(title: &str, why: &str) -> (String, bool) {
    eprintln!("{title}: {why}");
    (format!("\n### {title}\n\nnot measured: {why}\n"), false)
}

/// The data sets of the selected workloads and sizes.
fn data_sets(ctx: &Context, options: &Options) -> Result<Vec<Resolved>, String> {
    let mut sets = Vec::new();
    for &size in &options.sizes {
        for &workload in &options.workloads {
            if let Some(r) = crate::resolve(ctx, options, workload, size)? {
                sets.push(r);
            }
        }
    }
    Ok(sets)
}

/// A problem line for an outcome that did not count, if it did not.
fn problem(o: &Outcome, what: &str) -> Option<String> {
    match &o.verdict {
        Verdict::Wrong(d) => Some(format!("- WRONG ANSWER: {} on {what}: {d}\n", o.engine)),
        Verdict::Failed(d) => Some(format!("- FAILED: {} on {what}: {d}\n", o.engine)),
        _ => None,
    }
}

/// Both outcomes printed the same sizes (or one of them failed, which is reported anyway).
fn agree(a: &Outcome, b: &Outcome) -> Option<String> {
    let (Some(x), Some(y)) = (&a.counts, &b.counts) else {
        return None;
    };
    (x != y).then(|| {
        format!(
            "- WRONG ANSWER: {} and {} print different sizes: {x:?} vs {y:?}\n",
            a.engine, b.engine
        )
    })
}

/// `--compare-engines`: the same program and facts through `--engine compiled` and
/// `--engine interpreted`, with the share of the compiled run spent loading facts when the
/// profile reports it.
fn compare_engines(ctx: &Context, options: &Options) -> (String, bool) {
    let title = "Compiled vs interpreted";
    if let Err(why) = crate::sleuth_flag(ctx, crate::ENGINE_FLAG) {
        return unavailable(title, &why);
    }
    let profiled = crate::sleuth_flag(ctx, crate::PROFILE_FLAG).is_ok();
    let program = options
        .library_program
        .clone()
        .unwrap_or_else(|| ctx.program(Workload::Events));
    let size = options.sizes.last().copied().unwrap_or(Size::Large);
    let resolved = match &options.library_data {
        Some(dir) => given_set(dir),
        None => crate::resolve(ctx, options, Workload::Events, size)
            .and_then(|r| r.ok_or("no events set".into())),
    };
    let resolved = match resolved {
        Ok(r) => r,
        Err(e) => return unavailable(title, &e),
    };
    // A known answer applies only to the workload's own program.
    let resolved = if program == ctx.program(Workload::Events) {
        resolved
    } else {
        Resolved {
            known: None,
            ..resolved
        }
    };
    let mut extra = Vec::new();
    if profiled {
        extra.push(crate::PROFILE_FLAG);
    }
    let mut outcomes = Vec::new();
    for path in [crate::ENGINE_COMPILED, crate::ENGINE_INTERPRETED] {
        let mut flags = vec![crate::ENGINE_FLAG, path];
        flags.extend(&extra);
        let engine = Engine::sleuth(path, &ctx.sleuth, &flags);
        let load = profiled.then_some(crate::PROFILE_LOAD_PREFIX);
        let o = crate::series(ctx, &engine, options.runs, &resolved, load, &program);
        outcomes.push(o);
    }
    let mut out = format!(
        "\n### {title}\n\nprogram {}, facts {} ({} facts), median of {}{}\n\n\
         | path | median s | min–max s | peak RSS MiB | CPU s | load s | share outside evaluation |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
        program.display(),
        resolved.data.dir.display(),
        resolved.data.facts,
        runs(options.runs),
        if profiled {
            ", with --profile"
        } else {
            "; sleuth has no --profile yet, so no load split"
        },
    );
    let mut problems = String::new();
    for o in &outcomes {
        match summarize(&o.samples) {
            Some(s) => {
                let (load, share) = match s.load_s {
                    Some(l) => (format!("{l:.2}"), format!("{:.0}%", 100.0 * l / s.median_s)),
                    None => (String::new(), String::new()),
                };
                let _ = writeln!(
                    out,
                    "| {} | {:.2} | {:.2}–{:.2} | {:.0} | {:.2} | {load} | {share} |",
                    o.engine, s.median_s, s.min_s, s.max_s, s.rss_mib, s.cpu_s
                );
            }
            None => {
                let _ = writeln!(out, "| {} | **FAILED** | | | | | |", o.engine);
            }
        }
        problems.extend(problem(o, "the library workload"));
    }
    problems.extend(agree(&outcomes[0], &outcomes[1]));
    if let (Some(c), Some(i)) = (
        summarize(&outcomes[0].samples),
        summarize(&outcomes[1].samples),
    ) {
        let _ = writeln!(
            out,
            "\ncompiled ÷ interpreted, time: {:.2}; memory: {:.2}",
            c.median_s / i.median_s,
            c.rss_mib / i.rss_mib
        );
    }
    let ok = problems.is_empty();
    if !ok {
        out.push_str(&format!("\n{problems}"));
    }
    (out, ok)
}

/// A data set given by folder, for `--library-data`.
fn given_set(dir: &std::path::Path) -> Result<Resolved, String> {
    let info = crate::run::expected::inspect(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let known = crate::run::expected::lookup(info.fingerprint);
    Ok(Resolved {
        data: report::DataSet {
            workload: Workload::Events,
            size: Size::Large,
            dir: PathBuf::from(dir),
            source: "given folder".into(),
            facts: info.facts,
            known: known.is_some(),
        },
        known,
    })
}

/// `--provenance-overhead`: recording on (`--provenance`) against off (`--no-provenance`), per
/// workload and size; the target allows at most 25% more time.
fn provenance_overhead(ctx: &Context, options: &Options) -> (String, bool) {
    let title = "Provenance recording overhead";
    for flag in [crate::PROVENANCE_ON_FLAG, crate::PROVENANCE_OFF_FLAG] {
        if let Err(why) = crate::sleuth_flag(ctx, flag) {
            return unavailable(title, &why);
        }
    }
    let sets = match data_sets(ctx, options) {
        Ok(s) => s,
        Err(e) => return unavailable(title, &e),
    };
    let on = Engine::sleuth("recording on", &ctx.sleuth, &[crate::PROVENANCE_ON_FLAG]);
    let off = Engine::sleuth("recording off", &ctx.sleuth, &[crate::PROVENANCE_OFF_FLAG]);
    let mut out = format!(
        "\n### {title}\n\nmedian of {}; budget: recording costs at most 25% more time\n\n\
         | workload | size | on s | off s | time overhead | on RSS MiB | off RSS MiB | memory overhead |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
        runs(options.runs)
    );
    let mut problems = String::new();
    for r in &sets {
        let program = ctx.program(r.data.workload);
        let a = crate::series(ctx, &on, options.runs, r, None, &program);
        let b = crate::series(ctx, &off, options.runs, r, None, &program);
        let what = format!("{}-{}", r.data.workload, r.data.size);
        problems.extend(problem(&a, &what));
        problems.extend(problem(&b, &what));
        problems.extend(agree(&a, &b));
        let (Some(x), Some(y)) = (summarize(&a.samples), summarize(&b.samples)) else {
            let _ = writeln!(
                out,
                "| {} | {} | **FAILED** | | | | | |",
                r.data.workload, r.data.size
            );
            continue;
        };
        let overhead = 100.0 * (x.median_s / y.median_s - 1.0);
        let flag = if overhead > 25.0 {
            " **over budget**"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.2} | {overhead:+.0}%{flag} | {:.0} | {:.0} | {:+.0}% |",
            r.data.workload,
            r.data.size,
            x.median_s,
            y.median_s,
            x.rss_mib,
            y.rss_mib,
            100.0 * (x.rss_mib / y.rss_mib - 1.0)
        );
    }
    let ok = problems.is_empty();
    if !ok {
        out.push_str(&format!("\n{problems}"));
    }
    (out, ok)
}

/// `--load-only`: the seconds `sleuth run --profile` reports for loading facts, against the
/// whole run's wall time.
fn load_only(ctx: &Context, options: &Options) -> (String, bool) {
    let title = "Fact loading";
    if let Err(why) = crate::sleuth_flag(ctx, crate::PROFILE_FLAG) {
        return unavailable(title, &why);
    }
    let sets = match data_sets(ctx, options) {
        Ok(s) => s,
        Err(e) => return unavailable(title, &e),
    };
    let engine = Engine::sleuth("sleuth --profile", &ctx.sleuth, &[crate::PROFILE_FLAG]);
    let mut out = format!(
        "\n### {title}\n\nmedian of {} of `sleuth run {}`; load = its `{}` line\n\n\
         | workload | size | facts | load s | whole run s | load share | million facts loaded per s |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
        runs(options.runs),
        crate::PROFILE_FLAG,
        crate::PROFILE_LOAD_PREFIX
    );
    let mut problems = String::new();
    for r in &sets {
        let program = ctx.program(r.data.workload);
        let o = crate::series(
            ctx,
            &engine,
            options.runs,
            r,
            Some(crate::PROFILE_LOAD_PREFIX),
            &program,
        );
        let what = format!("{}-{}", r.data.workload, r.data.size);
        problems.extend(problem(&o, &what));
        let Some(s) = summarize(&o.samples) else {
            let _ = writeln!(
                out,
                "| {} | {} | {} | **FAILED** | | | |",
                r.data.workload, r.data.size, r.data.facts
            );
            continue;
        };
        match s.load_s {
            Some(load) => {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {load:.3} | {:.2} | {:.0}% | {} |",
                    r.data.workload,
                    r.data.size,
                    r.data.facts,
                    s.median_s,
                    100.0 * load / s.median_s,
                    rate(r.data.facts, load)
                );
            }
            None => {
                problems.push_str(&format!(
                    "- {what}: `sleuth run {}` printed no line starting with `{}`\n",
                    crate::PROFILE_FLAG,
                    crate::PROFILE_LOAD_PREFIX
                ));
            }
        }
    }
    let ok = problems.is_empty();
    if !ok {
        out.push_str(&format!("\n{problems}"));
    }
    (out, ok)
}
