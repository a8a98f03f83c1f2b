//! This module defines `sleuth run --engine dataflow`: the flags the
//! engine does not take, the run itself through [`sleuth::dataflow`]
//! (with the `dataflow` feature), and what keeps a process from hanging
//! when a worker or a peer is gone: a lost connection ends the process
//! with `peer-lost`, and so does a cluster that has not connected within
//! [`CONNECT_TIMEOUT`]; a failed worker ends it with `internal`.

use std::path::Path;
#[cfg(feature = "dataflow")]
use std::time::Duration;

use anyhow::Result;
use sleuth::SourceMap;
use sleuth::compiled::Engine;
use sleuth::diag::{Code, Diagnostic};
use sleuth::io::format::Format;
use sleuth::ir::Program;

use super::args::{ClusterFlags, EvalFlags};

/// How long the processes of a run have to find each other.
#[cfg(feature = "dataflow")]
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

/// The error for `--engine dataflow` on a command other than `run`.
pub fn only_for_run(flags: &EvalFlags) -> Option<Diagnostic> {
    (flags.engine == Engine::Dataflow).then(|| {
        Diagnostic::new(
            Code::Unsupported,
            "--engine dataflow runs programs with `sleuth run` only",
            None,
        )
        .with_help(
            "explanations, why-not, confidence and the REPL need the whole database on one machine: use --engine auto",
        )
    })
}

/// Flags of the dataflow engine that cannot work as given: `-w`, `-n`,
/// `-p` or `-h` without `--engine dataflow` (they would be ignored), no
/// workers or processes, or a process index past the last process.
pub fn bad_cluster(flags: &EvalFlags, cluster: &ClusterFlags) -> Option<Diagnostic> {
    let bad = |message: String, help: &str| {
        Some(Diagnostic::new(Code::BadArgument, message, None).with_help(help.to_string()))
    };
    let given = cluster.workers != 1
        || cluster.processes != 1
        || cluster.process != 0
        || cluster.hosts.is_some();
    if flags.engine != Engine::Dataflow && given {
        return bad(
            "-w, -n, -p and -h are the dataflow engine's flags, and this run is not on it".into(),
            "add --engine dataflow, or drop them",
        );
    }
    if cluster.workers == 0 || cluster.processes == 0 {
        let flag = if cluster.workers == 0 { "-w" } else { "-n" };
        return bad(
            format!("{flag} 0: a run needs at least one"),
            "give 1 or more",
        );
    }
    if cluster.process >= cluster.processes {
        return bad(
            format!(
                "-p {} is not below -n {}",
                cluster.process, cluster.processes
            ),
            "number the processes 0 to n-1, the same -n on each",
        );
    }
    None
}

/// What `--engine dataflow` does not do, as an error.
fn unsupported(flags: &EvalFlags) -> Option<Diagnostic> {
    let what = if flags.recording() == Some(true) {
        "--provenance"
    } else if flags.max_tuples.is_some() {
        "--max-tuples"
    } else {
        return None;
    };
    Some(
        Diagnostic::new(
            Code::Unsupported,
            format!("{what} is not supported with --engine dataflow"),
            None,
        )
        .with_help(format!(
            "drop {what}, or run with --engine interpreted on one machine"
        )),
    )
}

fn fail(d: &Diagnostic, sources: &SourceMap) -> Result<bool> {
    eprint!("{}", d.render(sources));
    Ok(false)
}

/// Runs the checked program on differential dataflow; process 0 writes
/// the results as the interpreter's run does. Returns false after
/// reporting an error.
pub fn run(
    checked: &Program,
    sources: &SourceMap,
    facts: &Path,
    output: Option<&Path>,
    format: Format,
    flags: &EvalFlags,
    cluster: &ClusterFlags,
) -> Result<bool> {
    if let Some(d) = unsupported(flags) {
        return fail(&d, sources);
    }
    #[cfg(feature = "dataflow")]
    return evaluate(checked, sources, facts, output, format, flags, cluster);
    #[cfg(not(feature = "dataflow"))]
    {
        let _ = (checked, facts, output, format, cluster);
        let d = Diagnostic::new(
            Code::Unsupported,
            "this sleuth was built without --engine dataflow",
            None,
        )
        .with_help("build it with `cargo build --release --features dataflow`");
        fail(&d, sources)
    }
}

#[cfg(feature = "dataflow")]
fn evaluate(
    checked: &Program,
    sources: &SourceMap,
    facts: &Path,
    output: Option<&Path>,
    format: Format,
    flags: &EvalFlags,
    cluster: &ClusterFlags,
) -> Result<bool> {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    let started = Arc::new(AtomicBool::new(false));
    exit_when_a_worker_stops(Arc::clone(&started), cluster.processes > 1);
    let on = sleuth::dataflow::Cluster {
        workers: cluster.workers,
        processes: cluster.processes,
        process: cluster.process,
        hosts: cluster.hosts.clone(),
        started,
    };
    let gather: Vec<_> = checked.outputs.iter().map(|o| o.rel).collect();
    let began = std::time::Instant::now();
    let chatter = ChatterToStderr::new(cluster.processes > 1);
    let gathered = sleuth::dataflow::run(checked, facts, &on, &gather);
    drop(chatter);
    let gathered = match gathered {
        Ok(g) => g,
        Err(d) => return fail(&d, sources),
    };
    if flags.profile {
        eprintln!("dataflow\t{:.3}s", began.elapsed().as_secs_f64());
    }
    match gathered {
        Some(g) => super::write_results(
            checked,
            sources,
            &g.db,
            &|rel| g.sizes.get(&rel).copied().unwrap_or(0),
            output,
            format,
        ),
        None => Ok(true),
    }
}

/// Ends the process when a worker thread panics, which would leave the
/// other workers waiting: with `peer-lost` when timely's connection to a
/// peer failed (its network threads panic), else `internal`. With several
/// processes, also when they have not all connected within
/// [`CONNECT_TIMEOUT`].
#[cfg(feature = "dataflow")]
fn exit_when_a_worker_stops(started: std::sync::Arc<std::sync::atomic::AtomicBool>, cluster: bool) {
    use std::sync::atomic::Ordering;

    fn stop(code: Code, message: String) -> ! {
        let d = Diagnostic::new(code, message, None);
        eprint!("{}", d.render(&SourceMap::new()));
        std::process::exit(1);
    }
    std::panic::set_hook(Box::new(|info| {
        let why = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("a worker stopped");
        if why.contains("timely communication error") {
            stop(
                Code::PeerLost,
                format!("a process of this run is gone: {why}"),
            )
        } else {
            stop(Code::Internal, format!("a dataflow worker failed: {why}"))
        }
    }));
    if cluster {
        std::thread::spawn(move || {
            std::thread::sleep(CONNECT_TIMEOUT);
            if !started.load(Ordering::SeqCst) {
                stop(
                    Code::PeerLost,
                    "the processes did not all connect within 60 s (check -n, -p and the host file)"
                        .to_string(),
                );
            }
        });
    }
}

/// While it lives, standard output goes to standard error: timely prints
/// its connection progress ("awaiting connections") on standard output,
/// where the run's results go.
#[cfg(feature = "dataflow")]
struct ChatterToStderr {
    #[cfg(target_os = "linux")]
    saved: Option<i32>,
}

#[cfg(feature = "dataflow")]
impl ChatterToStderr {
    fn new(on: bool) -> Self {
        #[cfg(target_os = "linux")]
        {
            use std::io::Write;
            let _ = std::io::stdout().flush();
            // SAFETY: dup and dup2 on the process's own standard streams;
            // the saved descriptor is restored and closed on drop.
            let saved = on.then(|| unsafe { libc::dup(1) }).filter(|&fd| fd >= 0);
            if saved.is_some() {
                unsafe { libc::dup2(2, 1) };
            }
            ChatterToStderr { saved }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = on;
            ChatterToStderr {}
        }
    }
}

#[cfg(feature = "dataflow")]
impl Drop for ChatterToStderr {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(fd) = self.saved.take() {
            use std::io::Write;
            let _ = std::io::stdout().flush();
            // SAFETY: `fd` is the descriptor `new` saved.
            unsafe {
                libc::dup2(fd, 1);
                libc::close(fd);
            }
        }
    }
}
