//! This module defines how an explanation words the next question to ask:
//! as a REPL command (`:whynot FACT`) or as a command line
//! (`sleuth explain --whynot 'FACT'`), so that each front end suggests
//! what its user can type.

/// Where the user asks the next question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FollowUp {
    /// In the REPL: `:why FACT`, `:whynot FACT`.
    #[default]
    Repl,
    /// On the command line: `sleuth explain 'FACT'`,
    /// `sleuth explain --whynot 'FACT'`.
    CommandLine,
}

impl FollowUp {
    /// How to ask for the proof of `fact`.
    pub fn why(self, fact: &str) -> String {
        match self {
            FollowUp::Repl => format!(":why {fact}"),
            FollowUp::CommandLine => format!("sleuth explain {}", shell_quote(fact)),
        }
    }

    /// How to ask why `fact` does not hold.
    pub fn whynot(self, fact: &str) -> String {
        match self {
            FollowUp::Repl => format!(":whynot {fact}"),
            FollowUp::CommandLine => format!("sleuth explain --whynot {}", shell_quote(fact)),
        }
    }

    /// The command that explains a fact, without the fact.
    pub fn why_command(self) -> &'static str {
        match self {
            FollowUp::Repl => ":why",
            FollowUp::CommandLine => "sleuth explain",
        }
    }
}

/// `fact` in single quotes for a POSIX shell (a quote inside becomes `'\''`).
fn shell_quote(fact: &str) -> String {
    format!("'{}'", fact.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_front_end_gets_its_own_syntax() {
        let fact = r#"recurring_hotspot("Sale")"#;
        assert_eq!(
            FollowUp::Repl.whynot(fact),
            r#":whynot recurring_hotspot("Sale")"#
        );
        assert_eq!(
            FollowUp::CommandLine.whynot(fact),
            r#"sleuth explain --whynot 'recurring_hotspot("Sale")'"#
        );
        assert_eq!(
            FollowUp::CommandLine.why(r#"p("it's")"#),
            r#"sleuth explain 'p("it'\''s")'"#
        );
    }
}
