//! This module defines Tab completion: command names after `:`, relation
//! names in Datalog text and after `:schema`, `:drop` and `:retract`, the
//! words a command takes (`:format json`), and the place where a file path
//! starts after `:load` and `:save` (the line editor completes paths).

use super::command::{ArgKind, BUILTINS, all_commands};
use super::input::is_command;

/// What completes the text before the cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the completed word starts.
    pub start: usize,
    /// Replacements for `line[start..pos]`, sorted.
    pub candidates: Vec<String>,
    /// Whether the word is a file path (the caller completes it).
    pub path: bool,
}

/// Completes `line` at byte offset `pos` given the relation names in force.
pub fn complete(line: &str, pos: usize, relations: &[String]) -> Completion {
    let pos = floor_char_boundary(line, pos);
    let before = &line[..pos];
    let trimmed = before.trim_start();
    let lead = before.len() - trimmed.len();
    if !is_command(trimmed) {
        if before.matches('"').count() % 2 == 1 {
            return Completion {
                start: pos,
                ..Completion::default()
            };
        }
        return words(before, relations.iter().map(String::as_str));
    }
    let Some(space) = trimmed.find(char::is_whitespace) else {
        let prefix = &trimmed[1..];
        let mut candidates: Vec<String> = all_commands()
            .filter(|c| c.name.starts_with(prefix))
            .map(|c| format!(":{}", c.name))
            .collect();
        candidates.sort();
        return Completion {
            start: lead,
            candidates,
            path: false,
        };
    };
    let name = &trimmed[1..space];
    let Some(spec) = all_commands().find(|c| c.name == name || c.aliases.contains(&name)) else {
        return Completion {
            start: pos,
            ..Completion::default()
        };
    };
    match spec.arg {
        ArgKind::Path => {
            let arg = &trimmed[space..];
            Completion {
                start: pos - arg.trim_start().len(),
                candidates: Vec::new(),
                path: true,
            }
        }
        ArgKind::Relation => words(before, relations.iter().map(String::as_str)),
        ArgKind::Words(list) => words(before, list.iter().copied()),
        ArgKind::Text if spec.name == "help" => words(before, BUILTINS.iter().map(|c| c.name)),
        ArgKind::Text => words(before, relations.iter().map(String::as_str)),
        ArgKind::Nothing => Completion {
            start: pos,
            ..Completion::default()
        },
    }
}

/// Completes the identifier ending `before` from `known`.
fn words<'a>(before: &str, known: impl Iterator<Item = &'a str>) -> Completion {
    let word_len = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>();
    let start = before.len() - word_len;
    let word = &before[start..];
    let mut candidates: Vec<String> = known
        .filter(|k| k.starts_with(word))
        .map(str::to_string)
        .collect();
    candidates.sort();
    candidates.dedup();
    Completion {
        start,
        candidates,
        path: false,
    }
}

fn floor_char_boundary(s: &str, mut pos: usize) -> usize {
    pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels() -> Vec<String> {
        ["recurring_hotspot", "recruitment_pipeline", "arrest"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn completes_commands_relations_words_and_paths() {
        let c = |line: &str| complete(line, line.len(), &rels());
        assert_eq!(c(":sc").candidates, vec![":schema"]);
        assert_eq!(c(":r").candidates, vec![":relations", ":retract", ":rules"]);
        assert_eq!(c(":schema recu").candidates, vec!["recurring_hotspot"]);
        assert_eq!(c(":schema recu").start, 8);
        assert_eq!(c("?- rec").candidates.len(), 2);
        assert_eq!(
            c("?- arrest(P, L, D), recurr").candidates,
            vec!["recurring_hotspot"]
        );
        assert_eq!(c(":format j").candidates, vec!["json"]);
        assert_eq!(c(":help lo").candidates, vec!["load"]);
        assert!(c("?- arrest(\"rec").candidates.is_empty());
        let load = c(":load data/mo");
        assert!(load.path);
        assert_eq!(load.start, 6);
        assert!(c(":relations ").candidates.is_empty());
    }
}
