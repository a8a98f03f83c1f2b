//! The status line of a long evaluation: shown on a terminal, never in a
//! pipe. Regression test for a defect: an evaluation of several seconds
//! showed nothing until it ended.
//!
//! Both tests run the same evaluation, which takes a few seconds in a debug
//! build (600,000 rounds); the terminal test shows that it is long enough
//! to be reported, so the piped test's silence is the pipe's doing. No time
//! is asserted.

use std::path::PathBuf;
use std::process::Command;

use rexpect::error::Error;
use rexpect::session::spawn_command;

const PROGRAM: &str = ".decl n(x: number)\n.printsize n\nn(0).\nn(X + 1) :- n(X), X < 600000.\n";

fn program(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let path = dir.join("slow.dl");
    std::fs::write(&path, PROGRAM).expect("written");
    path
}

#[test]
fn piped_output_carries_no_progress() {
    let path = program("progress_piped");
    let out = Command::new(env!("CARGO_BIN_EXE_sleuth"))
        .arg("run")
        .arg(&path)
        .output()
        .expect("sleuth runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\t600001\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "nothing on stderr"
    );
}

#[test]
fn a_terminal_sees_the_stratum_and_the_tuples() -> Result<(), Error> {
    let path = program("progress_terminal");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sleuth"));
    cmd.arg("run").arg(&path).env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(120_000))?;
    p.exp_string("evaluating stratum 1 of 1 (n)")?;
    p.exp_string("tuples derived")?;
    p.exp_string("600001")?;
    p.exp_eof()?;
    Ok(())
}
