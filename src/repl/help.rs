//! This module defines the REPL's help: the language in brief with examples
//! over the report's relations, every command from the command table, and
//! the keys of the line editor.

use super::command::{CommandSpec, all_commands};

const LANGUAGE: &str = "\
Ask with a query, add facts and rules, all in Soufflé's syntax. End each with `.`;
a rule may span several lines (the prompt waits for the final `.`).

  ?- recurring_hotspot(P).                     the places that match, one row each
  ?- recruitment_pipeline(\"Morocco\", T).       constants in quotes; names bind
  ?- operation(O, D), D >= \"2024-01\".          comparisons = != < <= > >=; dates ISO
  ?- arrest(P, _, _), !nationality(P, \"Morocco\").   `_` is anything; `!` is \"not\"
  watch(\"Tangier\").                            a fact: adds it to the session
  hot(P) :- recurring_hotspot(P),              a rule: adds it and prints what changed
            watch(P).
  n_arrests(C, N) :- country(C), N = count : { arrested_in_country(_, C) }.
  .decl watch(place: symbol)                   declare a relation (optional):
                                               types symbol, number, float, date

Names in argument positions are variables; symbols and dates are quoted.
Aggregates: count, sum X, min X, max X : { body }. Functors: cat, strlen, substr,
to_number, to_string, add_months, months_between, year, month; contains(sub, s).
";

const KEYS: &str = "\
Keys: Tab completes commands, relation names and file paths; Up/Down walk the history
(kept between sessions); Ctrl-C clears the line, or cancels a long evaluation and keeps
the session as it was; Ctrl-D leaves.
";

fn usage(spec: &CommandSpec) -> String {
    if spec.args.is_empty() {
        format!(":{}", spec.name)
    } else {
        format!(":{} {}", spec.name, spec.args)
    }
}

/// The whole help: the language, every command, the keys.
pub fn full() -> String {
    let mut out = String::from(LANGUAGE);
    out.push_str("\nCommands:\n");
    let width = all_commands().map(|c| usage(c).len()).max().unwrap_or(0);
    for spec in all_commands() {
        out.push_str(&format!("  {:<width$}  {}\n", usage(spec), spec.summary));
    }
    out.push_str("`:help COMMAND` shows an example.\n\n");
    out.push_str(KEYS);
    out
}

/// One command's help: usage, what it does, an example, other names.
pub fn command(name: &str) -> String {
    let Some(spec) = all_commands().find(|c| c.name == name) else {
        return full();
    };
    let mut out = format!(
        "{}\n  {}\n  example: {}\n",
        usage(spec),
        spec.summary,
        spec.example
    );
    if !spec.aliases.is_empty() {
        let aliases: Vec<String> = spec.aliases.iter().map(|a| format!(":{a}")).collect();
        out.push_str(&format!("  also: {}\n", aliases.join(", ")));
    }
    out
}
