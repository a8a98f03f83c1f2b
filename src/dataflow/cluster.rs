//! This module defines where a dataflow run's workers are ([`Cluster`],
//! from `-w`, `-n`, `-p` and `-h`) and the timely configuration it makes.

use crate::diag::{Code, Diagnostic};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use timely::{CommunicationConfig, WorkerConfig};

/// Where a run's workers are: `workers` threads in each of `processes`
/// processes, this one being `process`; the processes' addresses are the
/// first lines of `hosts` (`host:port`), or `localhost` ports from 2101.
#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// Worker threads per process (`-w`).
    pub workers: usize,
    /// Processes (`-n`).
    pub processes: usize,
    /// This process's index (`-p`).
    pub process: usize,
    /// The host file (`-h`).
    pub hosts: Option<PathBuf>,
    /// Set once every process is connected and the workers start.
    pub started: Arc<AtomicBool>,
}

/// The timely configuration of `cluster`.
pub fn config(cluster: &Cluster) -> Result<timely::Config, Diagnostic> {
    let workers = cluster.workers.max(1);
    let processes = cluster.processes.max(1);
    if cluster.process >= processes {
        return Err(Diagnostic::new(
            Code::BadArgument,
            format!("-p {} is not below -n {processes}", cluster.process),
            None,
        )
        .with_help("number the processes 0 to n-1"));
    }
    let communication = if processes > 1 {
        let addresses = match &cluster.hosts {
            Some(file) => {
                let text = std::fs::read_to_string(file).map_err(|e| {
                    Diagnostic::new(
                        Code::UnreadableFile,
                        format!("cannot read the host file {}: {e}", file.display()),
                        None,
                    )
                })?;
                // (line number, address), blank lines skipped.
                let lines: Vec<(usize, String)> = text
                    .lines()
                    .enumerate()
                    .map(|(n, l)| (n + 1, l.trim()))
                    .filter(|(_, l)| !l.is_empty())
                    .take(processes)
                    .map(|(n, l)| (n, l.to_string()))
                    .collect();
                if lines.len() < processes {
                    return Err(Diagnostic::new(
                        Code::BadArgument,
                        format!(
                            "the host file {} has {} host:port line{}, -n asks for {processes}",
                            file.display(),
                            lines.len(),
                            if lines.len() == 1 { "" } else { "s" }
                        ),
                        None,
                    )
                    .with_help("give one host:port line per process, in process order"));
                }
                if let Some((n, line)) = lines.iter().find(|(_, l)| {
                    l.rsplit_once(':')
                        .is_none_or(|(host, port)| host.is_empty() || port.parse::<u16>().is_err())
                }) {
                    return Err(Diagnostic::new(
                        Code::BadArgument,
                        format!("{}:{}: `{line}` is not host:port", file.display(), n),
                        None,
                    )
                    .with_help(
                        "write each process's address as host:port, such as 10.0.0.2:2101",
                    ));
                }
                lines.into_iter().map(|(_, address)| address).collect()
            }
            None => (0..processes)
                .map(|i| format!("localhost:{}", 2101 + i))
                .collect(),
        };
        CommunicationConfig::Cluster {
            threads: workers,
            process: cluster.process,
            addresses,
            report: false,
            zerocopy: false,
        }
    } else if workers > 1 {
        CommunicationConfig::Process(workers)
    } else {
        CommunicationConfig::Thread
    };
    Ok(timely::Config {
        communication,
        worker: WorkerConfig::default(),
    })
}
