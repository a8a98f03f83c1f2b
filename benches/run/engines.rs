//! This module defines the engines the harness runs — sleuth and its peers — and how each is found and invoked.
//!
//! Peers, each on the same fact files as sleuth:
//! - crepe 0.2 and Ascent 0.8: the shared `crepe-ref` crate's `crepe_bench` and `ascent_bench`,
//!   built here with `cargo build --release --target-dir <target>/peers`;
//! - FlowLog (differential dataflow): the shared `flowlog-ref` crate's `tc`, `sg` and `events`
//!   binaries, built here with `cargo build --release --target-dir <target>/peers/flowlog`, run
//!   with one worker and with two (`-w 1`, `-w 2`);
//! - Nemo: the shared `run_nemo.py` with the `.rls` programs, when `import nmo_python` works;
//! - Soufflé: interpreted (`souffle -F DIR X.dl`) and compiled (`souffle -o BIN X.dl`, then
//!   `BIN -F DIR`) when a `souffle` binary is on PATH.

use crate::datagen::spec::Workload;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Which seconds stand for an engine's time in the comparison.
#[derive(Clone, Copy, Debug)]
pub enum Timing {
    /// The wall time of the whole process: start, read facts, evaluate, print sizes, exit.
    Process,
    /// A `key<TAB>seconds` line the engine prints: used for Nemo, whose process also
    /// starts Python and iterates every result tuple in Python to count it.
    Reported(&'static str),
}

/// How to invoke one engine.
#[derive(Clone, Debug)]
enum Invoke {
    /// `sleuth run PROGRAM.dl -F DIR [extra...]`.
    Sleuth {
        binary: PathBuf,
        extra: Vec<OsString>,
    },
    /// `BINARY WORKLOAD DIR` (the crepe-ref binaries).
    Reference { binary: PathBuf },
    /// `<dir>/<workload> DIR -w WORKERS` (the flowlog-ref binaries).
    FlowLog { dir: PathBuf, workers: u32 },
    /// `python3 run_nemo.py PROGRAM.rls DIR`.
    Nemo { script: PathBuf },
    /// `souffle -F DIR PROGRAM.dl`.
    SouffleInterpreted,
    /// `<dir>/<workload> -F DIR`, compiled beforehand.
    SouffleCompiled { dir: PathBuf },
}

/// An engine the harness can run.
#[derive(Clone, Debug)]
pub struct Engine {
    /// Label in tables.
    pub name: String,
    /// Which seconds count.
    pub timing: Timing,
    /// How many processes make one run: more than one for sleuth's dataflow engine across
    /// processes (`-n N -p I`, one worker each, on timely's default localhost ports).
    pub processes: u32,
    invoke: Invoke,
}

impl Engine {
    /// sleuth itself, with `extra` flags after `-F DIR`.
    pub fn sleuth(name: &str, binary: &Path, extra: &[&str]) -> Engine {
        Engine {
            name: name.to_string(),
            timing: Timing::Process,
            processes: 1,
            invoke: Invoke::Sleuth {
                binary: binary.to_path_buf(),
                extra: extra.iter().map(OsString::from).collect(),
            },
        }
    }

    /// sleuth's dataflow engine as `processes` processes of one worker each.
    pub fn sleuth_processes(name: &str, binary: &Path, processes: u32) -> Engine {
        Engine {
            processes,
            ..Engine::sleuth(name, binary, &["--engine", "dataflow", "-w", "1"])
        }
    }

    /// The commands of one run, one a process: `command`, with `-n N -p I` for each
    /// process of a multi-process run.
    pub fn commands(&self, workload: Workload, program: &Path, data: &Path) -> Vec<Command> {
        if self.processes <= 1 {
            return vec![self.command(workload, program, data)];
        }
        (0..self.processes)
            .map(|i| {
                let mut c = self.command(workload, program, data);
                c.arg("-n")
                    .arg(self.processes.to_string())
                    .arg("-p")
                    .arg(i.to_string());
                c
            })
            .collect()
    }

    /// The command that runs `program` (a `.dl` file; Nemo uses the `.rls` beside it)
    /// on the facts in `data`.
    fn command(&self, workload: Workload, program: &Path, data: &Path) -> Command {
        match &self.invoke {
            Invoke::Sleuth { binary, extra } => {
                let mut c = Command::new(binary);
                c.arg("run").arg(program).arg("-F").arg(data).args(extra);
                c
            }
            Invoke::Reference { binary } => {
                let mut c = Command::new(binary);
                c.arg(workload.name()).arg(data);
                c
            }
            Invoke::FlowLog { dir, workers } => {
                let mut c = Command::new(dir.join(workload.name()));
                c.arg(data).arg("-w").arg(workers.to_string());
                c
            }
            Invoke::Nemo { script } => {
                let mut c = Command::new("python3");
                c.arg(script).arg(program.with_extension("rls")).arg(data);
                c
            }
            Invoke::SouffleInterpreted => {
                let mut c = Command::new("souffle");
                c.arg("-F").arg(data).arg(program);
                c
            }
            Invoke::SouffleCompiled { dir } => {
                let mut c = Command::new(dir.join(workload.name()));
                c.arg("-F").arg(data);
                c
            }
        }
    }
}

/// A peer that is not there, and how to get it.
#[derive(Clone, Debug)]
pub struct Absent {
    /// Peer name.
    pub name: &'static str,
    /// Why it is missing and what to do.
    pub how: String,
}

/// The peers found for this run.
pub struct Peers {
    /// Peers that will run.
    pub present: Vec<Engine>,
    /// Peers that will not, with how to get them.
    pub absent: Vec<Absent>,
}

/// Where the peers live and are built.
pub struct PeerPlaces<'a> {
    /// The shared benchmark folder (`crepe-ref/`, `run_nemo.py`), if found.
    pub shared: Option<&'a Path>,
    /// A writable folder for peer builds (`<target>/peers`).
    pub build: &'a Path,
    /// The folder with the `.dl` programs, for compiling Soufflé programs.
    pub programs: &'a Path,
    /// The workloads that will run (Soufflé compiles only these).
    pub workloads: &'a [Workload],
}

/// Whether `command` runs and exits with status 0 (output discarded).
fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Builds the crepe-ref crate (quick when already built) and returns its two binaries.
fn reference_binaries(shared: &Path, build: &Path) -> Result<[PathBuf; 2], String> {
    let manifest = shared.join("crepe-ref").join("Cargo.toml");
    if !manifest.exists() {
        return Err(format!("{} not found", manifest.display()));
    }
    eprintln!("building the crepe/Ascent references (once; a few minutes the first time)...");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(build)
        .stdin(Stdio::null())
        .status();
    match built {
        Ok(s) if s.success() => {}
        Ok(s) => return Err(format!("cargo build of crepe-ref failed ({s})")),
        Err(e) => return Err(format!("could not run cargo: {e}")),
    }
    let release = build.join("release");
    Ok([release.join("crepe_bench"), release.join("ascent_bench")])
}

/// Builds the flowlog-ref crate (quick when already built) and returns the folder of its
/// binaries, one per workload.
fn flowlog_binaries(shared: &Path, build: &Path) -> Result<PathBuf, String> {
    let manifest = shared.join("flowlog-ref").join("Cargo.toml");
    if !manifest.exists() {
        return Err(format!("{} not found", manifest.display()));
    }
    eprintln!("building the FlowLog reference (once; a few minutes the first time)...");
    let target = build.join("flowlog");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .stdin(Stdio::null())
        .status();
    match built {
        Ok(s) if s.success() => Ok(target.join("release")),
        Ok(s) => Err(format!("cargo build of flowlog-ref failed ({s})")),
        Err(e) => Err(format!("could not run cargo: {e}")),
    }
}

/// Compiles each workload's program with Soufflé into `dir`, unless already there.
fn compile_souffle(programs: &Path, dir: &Path, workloads: &[Workload]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for w in workloads {
        let binary = dir.join(w.name());
        if binary.exists() {
            continue;
        }
        eprintln!("compiling {w}.dl with souffle -o ...");
        let program = programs.join(format!("{w}.dl"));
        let ok = succeeds(Command::new("souffle").arg("-o").arg(&binary).arg(&program));
        if !ok || !binary.exists() {
            return Err(format!(
                "souffle -o {} {} failed",
                binary.display(),
                program.display()
            ));
        }
    }
    Ok(())
}

/// Finds (and builds where needed) the peers named in `wanted`.
pub fn discover(places: &PeerPlaces<'_>, wanted: &[&str]) -> Peers {
    let mut peers = Peers {
        present: Vec::new(),
        absent: Vec::new(),
    };
    let wants = |name: &str| wanted.contains(&name);
    let no_shared = "the shared benchmark folder was not found: pass --shared DIR \
                     (the folder with crepe-ref/, flowlog-ref/ and run_nemo.py)";

    if wants("crepe") || wants("ascent") {
        let built = match places.shared {
            Some(shared) => reference_binaries(shared, places.build),
            None => Err(no_shared.to_string()),
        };
        for (i, name) in [(0, "crepe"), (1, "ascent")] {
            if !wants(name) {
                continue;
            }
            match &built {
                Ok(binaries) => peers.present.push(Engine {
                    name: name.to_string(),
                    timing: Timing::Process,
                    processes: 1,
                    invoke: Invoke::Reference {
                        binary: binaries[i].clone(),
                    },
                }),
                Err(why) => peers.absent.push(Absent {
                    name,
                    how: why.clone(),
                }),
            }
        }
    }

    if wants("flowlog") {
        let built = match places.shared {
            Some(shared) => flowlog_binaries(shared, places.build),
            None => Err(no_shared.to_string()),
        };
        match built {
            Ok(dir) => {
                for workers in [1, 2] {
                    peers.present.push(Engine {
                        name: format!("flowlog-w{workers}"),
                        timing: Timing::Process,
                        processes: 1,
                        invoke: Invoke::FlowLog {
                            dir: dir.clone(),
                            workers,
                        },
                    });
                }
            }
            Err(why) => peers.absent.push(Absent {
                name: "flowlog",
                how: why,
            }),
        }
    }

    if wants("nemo") {
        let script = places.shared.map(|s| s.join("run_nemo.py"));
        let importable = succeeds(Command::new("python3").args(["-c", "import nmo_python"]));
        match script {
            Some(script) if importable && script.exists() => peers.present.push(Engine {
                name: "nemo".to_string(),
                timing: Timing::Reported("time_reason_s"),
                processes: 1,
                invoke: Invoke::Nemo { script },
            }),
            Some(_) if !importable => peers.absent.push(Absent {
                name: "nemo",
                how: "`python3 -c 'import nmo_python'` fails: pip install nemo-python".to_string(),
            }),
            _ => peers.absent.push(Absent {
                name: "nemo",
                how: no_shared.to_string(),
            }),
        }
    }

    if wants("souffle") {
        if succeeds(Command::new("souffle").arg("--version")) {
            peers.present.push(Engine {
                name: "souffle-interpreted".to_string(),
                timing: Timing::Process,
                processes: 1,
                invoke: Invoke::SouffleInterpreted,
            });
            let dir = places.build.join("souffle");
            match compile_souffle(places.programs, &dir, places.workloads) {
                Ok(()) => peers.present.push(Engine {
                    name: "souffle-compiled".to_string(),
                    timing: Timing::Process,
                    processes: 1,
                    invoke: Invoke::SouffleCompiled { dir },
                }),
                Err(why) => peers.absent.push(Absent {
                    name: "souffle-compiled",
                    how: why,
                }),
            }
        } else {
            peers.absent.push(Absent {
                name: "souffle",
                how: "no `souffle` on PATH: install Soufflé 2.x (a release package or a source \
                      build, see souffle-lang.github.io) and rerun"
                    .to_string(),
            });
        }
    }
    peers
}
