//! This module defines what an evaluation reports about itself: time,
//! rounds and tuples per stratum and per rule, rendered as a table in the
//! manner of Soufflé's profiler.

use std::fmt::Write as _;
use std::time::Duration;

/// How a stratum was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StratumMode {
    /// Its relations were cleared and recomputed.
    Scratch,
    /// Semi-naive evaluation continued from the new facts only.
    Continued,
    /// Nothing it reads changed; it was not run.
    Unchanged,
}

/// Figures for one stratum.
#[derive(Clone, Debug)]
pub struct StratumStats {
    /// Position in `Program::strata`.
    pub index: usize,
    /// Names of the relations it derives.
    pub relations: Vec<String>,
    /// How it ran.
    pub mode: StratumMode,
    /// Wall time.
    pub time: Duration,
    /// Fixpoint rounds.
    pub iterations: u32,
    /// New tuples.
    pub tuples: u64,
}

/// Figures for one rule.
#[derive(Clone, Debug)]
pub struct RuleStats {
    /// The rule's id.
    pub rule: usize,
    /// Its stratum's position.
    pub stratum: usize,
    /// The rule as text.
    pub text: String,
    /// Wall time in its joins and merges.
    pub time: Duration,
    /// Rounds in which some version of it ran.
    pub iterations: u32,
    /// Head rows produced before deduplication.
    pub candidates: u64,
    /// New tuples.
    pub tuples: u64,
}

/// One index built on a relation that does not change while it is read.
#[derive(Clone, Debug)]
pub struct IndexStats {
    /// The stratum that needed it.
    pub stratum: usize,
    /// The relation and its key columns, as `name(col, ...)`.
    pub on: String,
    /// Rows indexed.
    pub rows: usize,
    /// Distinct keys.
    pub keys: usize,
    /// Wall time to build it.
    pub time: Duration,
}

/// What [`evaluate`](super::evaluate) reports.
#[derive(Clone, Debug, Default)]
pub struct EvalStats {
    /// Wall time of the whole evaluation.
    pub total_time: Duration,
    /// New tuples over all strata.
    pub tuples: u64,
    /// Rounds used (the global round counter advanced by this much).
    pub rounds: u32,
    /// Per stratum, in evaluation order.
    pub strata: Vec<StratumStats>,
    /// Per rule that ran, in rule order within each stratum.
    pub rules: Vec<RuleStats>,
    /// Indexes built, in build order (the time is part of the stratum's,
    /// not of any rule's).
    pub indexes: Vec<IndexStats>,
    /// Worker threads used for joins.
    pub threads: usize,
}

impl EvalStats {
    /// A table of strata and rules, slowest rules first.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "total {:.3} s, {} new tuples, {} rounds, {} thread(s)",
            self.total_time.as_secs_f64(),
            self.tuples,
            self.rounds,
            self.threads
        );
        let _ = writeln!(
            out,
            "\n{:>9} {:>7} {:>12} {:>9}  stratum",
            "time(s)", "rounds", "tuples", "mode"
        );
        for s in &self.strata {
            if s.mode == StratumMode::Unchanged && s.tuples == 0 && s.time.as_millis() == 0 {
                continue;
            }
            let mode = match s.mode {
                StratumMode::Scratch => "scratch",
                StratumMode::Continued => "continued",
                StratumMode::Unchanged => "unchanged",
            };
            let _ = writeln!(
                out,
                "{:>9.3} {:>7} {:>12} {:>9}  #{} {}",
                s.time.as_secs_f64(),
                s.iterations,
                s.tuples,
                mode,
                s.index,
                s.relations.join(", ")
            );
        }
        let mut rules: Vec<&RuleStats> = self.rules.iter().collect();
        rules.sort_by_key(|r| std::cmp::Reverse(r.time));
        let _ = writeln!(
            out,
            "\n{:>9} {:>7} {:>12} {:>12}  rule",
            "time(s)", "rounds", "candidates", "tuples"
        );
        for r in rules {
            let _ = writeln!(
                out,
                "{:>9.3} {:>7} {:>12} {:>12}  {}",
                r.time.as_secs_f64(),
                r.iterations,
                r.candidates,
                r.tuples,
                r.text
            );
        }
        if !self.indexes.is_empty() {
            let mut indexes: Vec<&IndexStats> = self.indexes.iter().collect();
            indexes.sort_by_key(|x| std::cmp::Reverse(x.time));
            let _ = writeln!(
                out,
                "\n{:>9} {:>12} {:>12}  index built (stratum)",
                "time(s)", "rows", "keys"
            );
            for x in indexes {
                let _ = writeln!(
                    out,
                    "{:>9.3} {:>12} {:>12}  {} (#{})",
                    x.time.as_secs_f64(),
                    x.rows,
                    x.keys,
                    x.on,
                    x.stratum
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_lists_strata_and_rules() {
        let s = EvalStats {
            total_time: Duration::from_millis(1500),
            tuples: 3,
            rounds: 2,
            threads: 1,
            strata: vec![StratumStats {
                index: 0,
                relations: vec!["path".into()],
                mode: StratumMode::Scratch,
                time: Duration::from_millis(1400),
                iterations: 2,
                tuples: 3,
            }],
            rules: vec![RuleStats {
                rule: 0,
                stratum: 0,
                text: "path(x, z) :- path(x, y), edge(y, z).".into(),
                time: Duration::from_millis(1300),
                iterations: 2,
                candidates: 4,
                tuples: 3,
            }],
            indexes: vec![IndexStats {
                stratum: 0,
                on: "edge(y)".into(),
                rows: 4,
                keys: 3,
                time: Duration::from_millis(20),
            }],
        };
        let text = s.render();
        assert!(text.contains("total 1.500 s, 3 new tuples"), "{text}");
        assert!(text.contains("#0 path"), "{text}");
        assert!(text.contains("edge(y) (#0)"), "{text}");
        assert!(
            text.contains("path(x, z) :- path(x, y), edge(y, z)."),
            "{text}"
        );
    }
}
