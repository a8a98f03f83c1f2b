//! This module defines how the binary shows long work: one status line on
//! standard error, drawn by `indicatif` and rewritten in place, saying what
//! is being loaded (file, rows) or evaluated (stratum k of n, tuples, time).
//! It appears once the work has run for about a second, and is cleared when
//! the work ends. It is installed only when standard error is a terminal, so
//! pipes, scripts and the tests' goldens never see it.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sleuth::eval::limit_text::human_duration;
use sleuth::progress::{Evaluating, Loading, Progress};

/// Work shorter than this shows nothing.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The status line, drawn while some work runs.
#[derive(Debug, Default)]
pub struct StatusLine {
    bar: Mutex<Option<ProgressBar>>,
}

/// A status line on standard error when it is a terminal; nothing otherwise.
pub fn on_stderr() -> Option<Arc<dyn Progress>> {
    std::io::stderr()
        .is_terminal()
        .then(|| Arc::new(StatusLine::default()) as Arc<dyn Progress>)
}

impl StatusLine {
    fn show(&self, elapsed: Duration, message: String) {
        if elapsed < SHOW_AFTER {
            return;
        }
        let mut slot = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        let bar = slot.get_or_insert_with(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"),
            );
            // The spinner keeps turning while a long join has nothing new
            // to report.
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        bar.set_message(message);
    }
}

impl Progress for StatusLine {
    fn evaluating(&self, at: &Evaluating<'_>) {
        let mut relations = at.relations.iter().take(3).cloned().collect::<Vec<_>>();
        if at.relations.len() > 3 {
            relations.push("...".to_string());
        }
        self.show(
            at.elapsed,
            format!(
                "evaluating stratum {} of {} ({}): {} tuples derived, round {}, {}",
                at.stratum,
                at.strata,
                relations.join(", "),
                thousands(at.tuples),
                at.rounds,
                human_duration(at.elapsed)
            ),
        );
    }

    fn loading(&self, at: &Loading<'_>) {
        self.show(
            at.elapsed,
            format!(
                "loading {} (file {} of {}): {} rows, {}",
                at.file,
                at.files_done + 1,
                at.files,
                thousands(at.rows),
                human_duration(at.elapsed)
            ),
        );
    }

    fn finished(&self) {
        let mut slot = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = slot.take() {
            bar.finish_and_clear();
        }
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn short_work_shows_nothing() {
        let line = StatusLine::default();
        line.loading(&Loading {
            file: "edge.facts",
            files_done: 0,
            files: 1,
            rows: 10,
            elapsed: Duration::from_millis(10),
        });
        assert!(line.bar.lock().expect("not poisoned").is_none());
        line.finished();
    }
}
