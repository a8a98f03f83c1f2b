//! This module defines the REPL's help: the language in brief with examples
//! over the report's relations, every command from the command table, and
//! the keys of the line editor.

use super::command::{CommandSpec, all_commands};

const LANGUAGE: &str = "\
Ask with a query, add facts and rules, all in Soufflé's syntax. End each
with `.`; a rule may span several lines (the prompt waits for the final `.`).

  ?- recurring_hotspot(P).               the places that match, one row each
  ?- recruitment_pipeline(\"Morocco\", T). constants in quotes; names bind
  ?- operation(O, D), D >= \"2024-01\".    comparisons = != < <= > >=; ISO dates
  ?- arrest(P, _, _), !nationality(P, \"Morocco\").
                                         `_` is anything; `!` is \"not\"
  watch(\"Tangier\").                      a fact: adds it to the session
  hot(P) :- recurring_hotspot(P),        a rule: adds it and prints what
            watch(P).                    changed
  n_arrests(C, N) :- country(C), N = count : { arrested_in_country(_, C) }.
  .decl watch(place: symbol)             declare a relation (optional): types
                                         symbol, number, float, date

Names in argument positions are variables; symbols and dates are quoted.
Aggregates: count, sum X, min X, max X : { body }. Functors: cat, strlen,
substr, to_number, to_string, add_months, months_between (whole months),
year, month; contains(sub, s).

Silence is not evidence: `!R(...)` holds when no such fact was loaded. :why
lists each absence a proof relies on as an assumption (event or background,
with the sources searched), and marks a conclusion that rests on the absence
of an event \"assumes no recorded event\"; so does :confidence.

Confidence (`:confidence`, `:why`): a grade's credibility takes its STIX 2.1
Admiralty number (1 0.90, 2 0.70, 3 0.50, 4 0.30, 5 0.10), moved towards even
odds by the source's reliability (A keeps it all, C half, E none), in ICD 203
words: C2 is likely (0.60), C3 roughly even chance (0.50); a grade with F or 6
cannot be judged. Groups of people the report does not count (person_group)
make counts of arrested people lower bounds: ?- arrested_at_least(C, N).
";

/// Provenance as data, with the README's worked examples (a test checks
/// that each example line here is part of one there, and those run as tests).
const PROVENANCE: &str = "\
Provenance is data: for each base relation R, R_attested has R's columns,
then source, paragraph, grade and inferred (the note; \"\" when stated), one
row per attestation; also source_origin(source, origin) (relays share an
origin) and grade_confidence(grade, permille).

  arrest_origin(P, Pl, D, O) :- arrest_attested(P, Pl, D, S, _, _, _),
      source_origin(S, O).
  ?- arrest(P, Pl, D), N = count : { arrest_origin(P, Pl, D, _) }, N >= 2.
                                  facts with two independent sources
  stated_member(P, O) :- member_of_attested(P, O, _, _, _, \"\").
  ?- member_of(P, O), !stated_member(P, O).
                                  facts resting only on inferred values
  supports(S, \"arrest\", P) :- arrest_attested(P, _, _, S, _, _, _).
  ?- supports(\"invented-corroboration\", R, F).
                                  everything a source supports
  :confidence --min likely ?- recruitment_pipeline(C, T).
                                  answers at least that confident, with
                                  how many independent sources support each
  :source my-notes B3             the facts typed next are cited as from
                                  my-notes, graded B3 (:source none stops)
";

const KEYS: &str = "\
Keys: Tab completes commands, relation names and file paths; Up/Down walk
the history (kept between sessions); Ctrl-C clears the line, or cancels a
long evaluation and keeps the session as it was; Ctrl-D leaves.
";

/// Every line of the help is shorter than this, so that it does not wrap in
/// an 80-column terminal.
pub const WIDTH: usize = 80;

/// The widest usage that keeps its summary beside it; longer usages get a
/// line of their own.
const USAGE_COLUMN: usize = 22;

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
    let width = all_commands()
        .map(|c| usage(c).chars().count())
        .filter(|&n| n <= USAGE_COLUMN)
        .max()
        .unwrap_or(0);
    let indent = " ".repeat(2 + width + 2);
    for spec in all_commands() {
        let usage = usage(spec);
        if usage.chars().count() <= width {
            let first = format!("  {usage:<width$}  ");
            out.push_str(&wrap(spec.summary, &first, &indent));
        } else {
            out.push_str(&wrap(&usage, "  ", "      "));
            out.push_str(&wrap(spec.summary, &indent, &indent));
        }
    }
    out.push_str("`:help COMMAND` shows an example.\n\n");
    out.push_str(PROVENANCE);
    out.push('\n');
    out.push_str(KEYS);
    out
}

/// `text` in lines shorter than [`WIDTH`], broken at spaces: the first line
/// starts with `first`, the others with `rest`.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        let fits = line.chars().count() + 1 + word.chars().count() < WIDTH;
        if !empty && !fits {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// One command's help: usage, what it does, an example, other names.
pub fn command(name: &str) -> String {
    let Some(spec) = all_commands().find(|c| c.name == name) else {
        return full();
    };
    let mut out = wrap(&usage(spec), "", "    ");
    out.push_str(&wrap(spec.summary, "  ", "  "));
    out.push_str(&wrap(spec.example, "  example: ", "    "));
    if !spec.aliases.is_empty() {
        let aliases: Vec<String> = spec.aliases.iter().map(|a| format!(":{a}")).collect();
        out.push_str(&format!("  also: {}\n", aliases.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_wide(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| l.chars().count() >= WIDTH)
            .map(str::to_string)
            .collect()
    }

    /// Regression (`:help` wraps in an 80-column terminal): every line of
    /// the help, and of each command's, is shorter than 80 columns.
    #[test]
    fn help_fits_in_80_columns() {
        assert_eq!(too_wide(&full()), Vec::<String>::new());
        for spec in all_commands() {
            assert_eq!(too_wide(&command(spec.name)), Vec::<String>::new());
        }
    }

    #[test]
    fn help_lists_every_command_and_its_whole_summary() {
        let help = full();
        let words: Vec<&str> = help.split_whitespace().collect();
        for spec in all_commands() {
            assert!(help.contains(&format!(":{}", spec.name)), "{}", spec.name);
            let summary: Vec<&str> = spec.summary.split_whitespace().collect();
            assert!(
                words
                    .windows(summary.len())
                    .any(|w| w == summary.as_slice()),
                "{}",
                spec.summary
            );
        }
    }

    /// The help says what `!` assumes, with the mark answers carry.
    #[test]
    fn help_explains_assumptions_of_absence_and_their_mark() {
        let help = full().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("Silence is not evidence"), "{help}");
        assert!(
            help.contains(&format!("\"{}\"", crate::provenance::SILENCE_MARK)),
            "{help}"
        );
    }

    /// The provenance examples of the help are the README's, which
    /// `tests/provenance_data.rs` runs: each example line (a rule or a
    /// query, cut from its comment) is in the README's section.
    #[test]
    fn provenance_examples_are_the_readme_ones() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## Provenance as data")
            .nth(1)
            .expect("the README has the section");
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let section = flat(section);
        let mut examples = 0;
        let mut clause = String::new();
        // Code starts in the third or seventh column; comments further right.
        let indent = |l: &str| l.len() - l.trim_start().len();
        for line in PROVENANCE
            .lines()
            .filter(|l| l.starts_with("  ") && indent(l) < 10)
        {
            let code = line.trim_start().split("   ").next().unwrap_or("").trim();
            if code.is_empty() || code.starts_with(':') {
                continue;
            }
            clause.push_str(code);
            clause.push(' ');
            if code.ends_with('.') {
                assert!(
                    section.contains(&flat(&clause)),
                    "not in the README: {clause}"
                );
                examples += 1;
                clause.clear();
            }
        }
        assert_eq!(examples, 6);
    }

    #[test]
    fn wrap_breaks_at_spaces_with_an_indent() {
        let long = "word ".repeat(30);
        let text = wrap(long.trim(), "  first ", "    ");
        assert!(text.lines().count() > 1);
        assert!(text.lines().all(|l| l.chars().count() < WIDTH));
        assert!(text.lines().skip(1).all(|l| l.starts_with("    word")));
    }
}
