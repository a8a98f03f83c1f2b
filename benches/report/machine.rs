//! This module defines the description of the machine and the moment a benchmark ran on.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// The first `key : value` value of `/proc/<file>` whose key is `key`.
fn proc_field(file: &str, key: &str) -> Option<String> {
    let text = fs::read_to_string(Path::new("/proc").join(file)).ok()?;
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The first line a command prints, if it runs.
fn first_line(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_string)
}

/// Today's UTC date and time as `YYYY-MM-DD HH:MM UTC` (civil-from-days, proleptic Gregorian).
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// A markdown list describing the machine, the date and the build measured.
pub fn describe(repository: &Path) -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpu = proc_field("cpuinfo", "model name").unwrap_or_else(|| "unknown".into());
    let memory = proc_field("meminfo", "MemTotal")
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let rustc = first_line("rustc", &["-V"], repository).unwrap_or_else(|| "unknown".into());
    let commit = first_line("git", &["rev-parse", "--short", "HEAD"], repository)
        .unwrap_or_else(|| "unknown".into());
    let dirty = first_line("git", &["status", "--porcelain"], repository).is_some();
    format!(
        "- date: {}\n- machine: {cores} cores, {cpu}, {memory} memory, Linux {kernel}\n\
         - build: sleuth at commit {commit}{}, {rustc}\n",
        now_utc(),
        if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        },
    )
}
