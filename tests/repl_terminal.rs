//! The real line editor, driven through a pseudo-terminal: the banner, a
//! rule typed over two lines, Tab completion, Ctrl-C at the prompt, Ctrl-C
//! cancelling a long evaluation with the session left as it was, `:quit`,
//! and the history file written to the user's state folder.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use rexpect::error::Error;
use rexpect::session::{PtySession, spawn_command};

/// Every expectation fails after this long instead of hanging.
const TIMEOUT_MS: u64 = 10_000;

const PROMPT: &str = "sleuth> ";

fn start(dir: &PathBuf) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sleuth"));
    cmd.current_dir(dir)
        .env("TERM", "xterm")
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"));
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("sleuth starts in a pseudo-terminal")
}

/// Types a line, waits for `expect` in the output and then for the next
/// prompt (input typed before the prompt could be read as part of the last
/// line's keys).
fn ask(p: &mut PtySession, line: &str, expect: &str) -> Result<(), Error> {
    p.send_line(line)?;
    p.exp_string(expect)?;
    p.exp_string(PROMPT)?;
    Ok(())
}

/// Sends Ctrl-C until the evaluation reports it was interrupted (a first one
/// sent before the editor handed the terminal back would be read as a key).
fn interrupt(p: &mut PtySession) -> Result<(), Error> {
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(300));
        p.send_control('c')?;
        match p.exp_string("error[interrupted]") {
            Ok(_) => return Ok(()),
            Err(Error::Timeout { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    panic!("Ctrl-C did not interrupt the evaluation");
}

#[test]
fn the_line_editor_reads_clauses_completes_and_cancels() -> Result<(), Error> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("repl_terminal");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let mut p = start(&dir);
    p.exp_string("derived relations, loaded in")?;
    p.exp_string(PROMPT)?;

    // A rule over two lines: the first line alone is not run.
    p.send_line("hot(P) :-")?;
    ask(&mut p, "    recurring_hotspot(P).", "hot/1: 3 tuples (+3)")?;
    ask(&mut p, "?- hot(P).", "3 rows")?;

    // Tab completes the command and the relation name.
    p.send(":sche\t")?;
    p.send(" recurring_hot\t")?;
    ask(&mut p, "", "declared at rules/cells.dl")?;

    // Ctrl-C at the prompt drops the half-typed line.
    p.send("?- this is never run")?;
    p.flush()?;
    p.exp_string("never run")?;
    p.send_control('c')?;
    p.exp_string(PROMPT)?;
    ask(&mut p, "?- hot(\"Tangier\").", "yes")?;

    // Ctrl-C cancels a long evaluation; the session is as it was.
    ask(&mut p, "n(0).", "n/1: 1 tuple (+1)")?;
    p.send_line("n(X + 1) :- n(X), X < 100000000.")?;
    interrupt(&mut p)?;
    p.exp_string("nothing changed")?;
    p.exp_string(PROMPT)?;
    ask(&mut p, "?- n(X).", "1 row")?;
    ask(&mut p, ":rules", "2  n(0).")?;

    p.send_line(":quit")?;
    p.exp_eof()?;
    let history = std::fs::read_to_string(dir.join("state/sleuth/history"))
        .expect("history is kept in the state folder");
    assert!(history.contains("recurring_hotspot(P)."), "{history}");
    Ok(())
}

#[test]
fn history_that_cannot_be_kept_is_a_warning() -> Result<(), Error> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("repl_terminal_no_history");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    // The state "folder" is a file, so the history folder cannot be made.
    std::fs::write(dir.join("state"), "not a folder").expect("write");
    let mut p = start(&dir);
    p.exp_string("warning: cannot create")?;
    p.exp_string(PROMPT)?;
    ask(&mut p, "?- recurring_hotspot(\"Tangier\").", "yes")?;
    p.send_line(":quit")?;
    p.exp_string("warning: cannot save history")?;
    p.exp_eof()?;
    Ok(())
}
