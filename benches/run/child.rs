//! This module defines how one child process is run and measured: wall time, CPU time and peak RSS.
//!
//! Wall time runs from just before `spawn` to the moment the child has exited (observed with
//! `waitid(WNOWAIT)`, which leaves the child unreaped). The child is then reaped with
//! `wait4`, whose `rusage` gives the child's own peak resident set size (`ru_maxrss`, KiB on
//! Linux) and CPU time, exactly, without sampling. A watchdog kills a child that outlives
//! the timeout; it can only signal a child that has not been reaped yet, so it never
//! reaches a recycled process id.

use std::io::{self, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status code.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
}

/// One measured run of a child process.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Wall seconds from spawn to exit.
    pub wall_s: f64,
    /// User plus system CPU seconds of the child.
    pub cpu_s: f64,
    /// Peak resident set size of the child, in KiB.
    pub max_rss_kib: u64,
    /// How the child ended.
    pub exit: Exit,
    /// Whether the watchdog killed it.
    pub timed_out: bool,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
}

/// Reads a pipe to the end on its own thread, so a chatty child never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error only truncates the captured text; the exit status still tells.
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Converts a `timeval` to seconds.
fn seconds(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}

/// Runs `command` to the end (stdin closed, stdout and stderr captured) and measures it.
pub fn measure(command: &mut Command, timeout: Duration) -> io::Result<Measured> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id() as libc::pid_t;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());

    // `None` while the child runs; `Some(killed)` once it has exited or been killed.
    let state: Arc<Mutex<Option<bool>>> = Arc::new(Mutex::new(None));
    let watchdog = {
        let state = Arc::clone(&state);
        thread::spawn(move || {
            loop {
                thread::sleep(Duration::from_millis(50));
                let mut state = state.lock().expect("the watchdog lock is never poisoned");
                if state.is_some() {
                    return;
                }
                if started.elapsed() >= timeout {
                    // SAFETY: `pid` is our unreaped child (reaping happens only after
                    // `state` is set under this lock), so the id cannot have been reused.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    *state = Some(true);
                    return;
                }
            }
        })
    };

    // Wait for the exit without reaping, so the watchdog's pid stays valid.
    loop {
        // SAFETY: `info` is a plain C struct that waitid fills in.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if r == 0 {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let wall_s = started.elapsed().as_secs_f64();
    let timed_out = {
        let mut state = state.lock().expect("the watchdog lock is never poisoned");
        *state.get_or_insert(false)
    };

    let mut status: libc::c_int = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
    let _ = watchdog.join();
    let exit = if libc::WIFSIGNALED(status) {
        Exit::Signal(libc::WTERMSIG(status))
    } else {
        Exit::Code(libc::WEXITSTATUS(status))
    };
    Ok(Measured {
        wall_s,
        cpu_s: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss as u64,
        exit,
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Runs the processes of one multi-process run side by side and measures them as one: the
/// wall time and peak RSS of the slowest and the largest process, the CPU time of all, the
/// first failure's exit, and the outputs in process order.
pub fn measure_group(commands: Vec<Command>, timeout: Duration) -> io::Result<Measured> {
    let runs: Vec<thread::JoinHandle<io::Result<Measured>>> = commands
        .into_iter()
        .map(|mut c| thread::spawn(move || measure(&mut c, timeout)))
        .collect();
    let mut group: Option<Measured> = None;
    for run in runs {
        let m = run
            .join()
            .map_err(|_| io::Error::other("a measuring thread panicked"))??;
        group = Some(match group {
            None => m,
            Some(g) => Measured {
                wall_s: g.wall_s.max(m.wall_s),
                cpu_s: g.cpu_s + m.cpu_s,
                max_rss_kib: g.max_rss_kib.max(m.max_rss_kib),
                exit: if g.exit == Exit::Code(0) {
                    m.exit
                } else {
                    g.exit
                },
                timed_out: g.timed_out || m.timed_out,
                stdout: g.stdout + &m.stdout,
                stderr: g.stderr + &m.stderr,
            },
        });
    }
    group.ok_or_else(|| io::Error::other("a run of no processes"))
}
