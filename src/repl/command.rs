//! This module defines what the analyst can type: a [`Command`] parsed from
//! one input by the plain function [`parse_command`], and the table of
//! commands ([`BUILTINS`], then [`EXTENSIONS`]) that
//! `:help`, completion and did-you-mean read.

use crate::diag::Code;
use std::ops::Range;
use std::path::PathBuf;

use super::extensions::{EXTENSIONS, Extension};
use super::input::is_command;
use crate::diag::did_you_mean;
use crate::io::format::Format;

/// What a command's argument is, for completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// No argument.
    Nothing,
    /// A relation name.
    Relation,
    /// A file path.
    Path,
    /// One of these words.
    Words(&'static [&'static str]),
    /// Free text (a fact, a query).
    Text,
}

/// How a command is named, used and explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandSpec {
    /// Its name without the colon: `load`.
    pub name: &'static str,
    /// Other names it answers to: `q` for `quit`.
    pub aliases: &'static [&'static str],
    /// Its argument as shown in help: `FILE`, `[on|off]`, or empty.
    pub args: &'static str,
    /// One line saying what it does.
    pub summary: &'static str,
    /// An example of its use.
    pub example: &'static str,
    /// What its argument is.
    pub arg: ArgKind,
}

/// The built-in commands, in the order `:help` lists them.
pub const BUILTINS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        aliases: &["h", "?"],
        args: "[COMMAND]",
        summary: "this help, or one command's",
        example: ":help load",
        arg: ArgKind::Text,
    },
    CommandSpec {
        name: "relations",
        aliases: &[],
        args: "",
        summary: "every relation: arity, tuples, and whether it is base, derived, from this session or provenance",
        example: ":relations",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "schema",
        aliases: &[],
        args: "REL",
        summary: "a relation's columns and types, and the rules that define it (file:line)",
        example: ":schema recurring_hotspot",
        arg: ArgKind::Relation,
    },
    CommandSpec {
        name: "load",
        aliases: &[],
        args: "FILE",
        summary: "load a .json data document, a folder of them (as --data), or a .dl rule file, all or nothing; what the session already has is not added again",
        example: ":load extra-report.json",
        arg: ArgKind::Path,
    },
    CommandSpec {
        name: "rules",
        aliases: &[],
        args: "",
        summary: "the session's own declarations, facts and rules, numbered",
        example: ":rules",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "retract",
        aliases: &[],
        args: "N | FACT.",
        summary: "remove session entry N (see :rules), or a fact the session added",
        example: ":retract hot(\"Tangier\").",
        arg: ArgKind::Text,
    },
    CommandSpec {
        name: "drop",
        aliases: &[],
        args: "REL",
        summary: "remove every session fact, rule and declaration of a relation",
        example: ":drop hot",
        arg: ArgKind::Relation,
    },
    CommandSpec {
        name: "save",
        aliases: &[],
        args: "FILE",
        summary: "write the session's rules and facts, and the data documents it loaded, to a .dl file (load it back with :load)",
        example: ":save session.dl",
        arg: ArgKind::Path,
    },
    CommandSpec {
        name: "format",
        aliases: &[],
        args: "[table|json|csv]",
        summary: "how answers are printed",
        example: ":format csv",
        arg: ArgKind::Words(&["table", "json", "csv"]),
    },
    CommandSpec {
        name: "timing",
        aliases: &[],
        args: "[on|off]",
        summary: "print how long each query or change took",
        example: ":timing on",
        arg: ArgKind::Words(&["on", "off"]),
    },
    CommandSpec {
        name: "sources",
        aliases: &[],
        args: "",
        summary: "the source documents behind the facts, with their Admiralty grades",
        example: ":sources",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "conflicts",
        aliases: &[],
        args: "",
        summary: "fields the sources give differently (both values are facts), with each source",
        example: ":conflicts",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "matches",
        aliases: &[],
        args: "",
        summary: "names ACLED events spell like a declared place or organisation (possible matches, not merged)",
        example: ":matches",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "profile",
        aliases: &[],
        args: "",
        summary: "time, rounds and tuples per stratum and rule of the last evaluation, and the indexes it built",
        example: ":profile",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "plan",
        aliases: &[],
        args: "",
        summary: "the evaluation plan over the session's facts: strata, rule versions, join order and indexes",
        example: ":plan",
        arg: ArgKind::Nothing,
    },
    CommandSpec {
        name: "quit",
        aliases: &["q", "exit"],
        args: "",
        summary: "leave (Ctrl-D does too)",
        example: ":quit",
        arg: ArgKind::Nothing,
    },
];

/// Every command: the built-ins, then the extensions.
pub fn all_commands() -> impl Iterator<Item = &'static CommandSpec> {
    BUILTINS.iter().chain(EXTENSIONS.iter().map(|e| &e.spec))
}

/// What `:retract` removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retraction {
    /// The session entry with this number (see `:rules`).
    Entry(usize),
    /// The session fact written so, ending with `.`.
    Fact(String),
}

/// One parsed input.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Nothing (a blank line).
    Empty,
    /// A text starting with `?-`: queries, answered without changing the
    /// session (it may also hold facts and rules, which are added).
    Query(String),
    /// Declarations, facts and rules to add to the session.
    Clauses(String),
    /// `:help`, or `:help COMMAND` (the command's name, without colon).
    Help(Option<String>),
    /// `:relations`.
    Relations,
    /// `:schema REL`.
    Schema(String),
    /// `:load FILE`.
    Load(PathBuf),
    /// `:rules`.
    Rules,
    /// `:retract N` or `:retract FACT.`.
    Retract(Retraction),
    /// `:drop REL`.
    Drop(String),
    /// `:save FILE`.
    Save(PathBuf),
    /// `:format FORMAT`, or `:format` to show the current one.
    Format(Option<Format>),
    /// `:timing on|off`, or `:timing` to show the current setting.
    Timing(Option<bool>),
    /// `:sources`.
    Sources,
    /// `:conflicts`.
    Conflicts,
    /// `:matches`.
    Matches,
    /// `:profile`.
    Profile,
    /// `:plan`.
    Plan,
    /// `:quit`.
    Quit,
    /// A command from `EXTENSIONS`, with its argument text.
    Extension(&'static Extension, String),
}

/// Why a line is not a command, with the byte range of `input` to point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandError {
    /// Stable kebab-case code: `unknown-command`, `missing-argument`,
    /// `unexpected-argument`, `bad-argument`.
    pub code: Code,
    /// What is wrong.
    pub message: String,
    /// The offending part of the input.
    pub at: Range<usize>,
    /// Shown under the caret (a did-you-mean).
    pub label: Option<String>,
    /// What to do.
    pub help: String,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(label) = &self.label {
            write!(f, " ({label})")?;
        }
        Ok(())
    }
}

/// Parses one input (see [`InputBuffer`](crate::repl::InputBuffer) for where inputs end).
pub fn parse_command(input: &str) -> Result<Command, CommandError> {
    parse_command_with(input, EXTENSIONS)
}

/// [`parse_command`] with another table of extensions (for tests).
pub fn parse_command_with(
    input: &str,
    extensions: &'static [Extension],
) -> Result<Command, CommandError> {
    let lead = input.len() - input.trim_start().len();
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(Command::Empty);
    }
    if !is_command(trimmed) {
        return Ok(if trimmed.starts_with("?-") {
            Command::Query(input.to_string())
        } else {
            Command::Clauses(input.to_string())
        });
    }
    let name_len = trimmed[1..]
        .find(char::is_whitespace)
        .map_or(trimmed.len(), |i| i + 1);
    let name = &trimmed[1..name_len];
    let arg = trimmed[name_len..].trim();
    let arg_start = lead + trimmed.len() - trimmed[name_len..].trim_start().len();
    let arg_at = arg_start..arg_start + arg.len();
    let name_at = lead..lead + name_len;
    let named = |s: &CommandSpec| s.name == name || s.aliases.contains(&name);
    let builtin = BUILTINS.iter().find(|s| named(s));
    if builtin.is_none()
        && let Some(ext) = extensions.iter().find(|e| named(&e.spec))
    {
        return Ok(Command::Extension(ext, arg.to_string()));
    }
    let Some(spec) = builtin else {
        let names = BUILTINS
            .iter()
            .chain(extensions.iter().map(|e| &e.spec))
            .map(|s| s.name);
        return Err(CommandError {
            code: Code::UnknownCommand,
            message: format!("`:{name}` is not a command"),
            at: name_at,
            label: did_you_mean(name, names).map(|s| format!("did you mean `:{s}`?")),
            help: "`:help` lists every command".to_string(),
        });
    };
    let arg = Arg {
        spec,
        text: arg,
        at: arg_at,
        name_at,
    };
    Ok(match spec.name {
        "help" => {
            if arg.text.is_empty() {
                Command::Help(None)
            } else {
                let wanted = arg.text.trim_start_matches(':');
                let known = BUILTINS
                    .iter()
                    .chain(extensions.iter().map(|e| &e.spec))
                    .find(|s| s.name == wanted || s.aliases.contains(&wanted));
                match known {
                    Some(s) => Command::Help(Some(s.name.to_string())),
                    None => {
                        let names = BUILTINS
                            .iter()
                            .chain(extensions.iter().map(|e| &e.spec))
                            .map(|s| s.name);
                        return Err(CommandError {
                            code: Code::UnknownCommand,
                            message: format!("`:{wanted}` is not a command"),
                            at: arg.at,
                            label: did_you_mean(wanted, names)
                                .map(|s| format!("did you mean `{s}`?")),
                            help: "`:help` lists every command".to_string(),
                        });
                    }
                }
            }
        }
        "relations" => arg.none(Command::Relations)?,
        "rules" => arg.none(Command::Rules)?,
        "sources" => arg.none(Command::Sources)?,
        "conflicts" => arg.none(Command::Conflicts)?,
        "matches" => arg.none(Command::Matches)?,
        "profile" => arg.none(Command::Profile)?,
        "plan" => arg.none(Command::Plan)?,
        "quit" => arg.none(Command::Quit)?,
        "schema" => Command::Schema(arg.name()?),
        "drop" => Command::Drop(arg.name()?),
        "load" => Command::Load(arg.path()?),
        "save" => Command::Save(arg.path()?),
        "retract" => {
            let text = arg.required()?;
            match text.parse::<usize>() {
                Ok(n) => Command::Retract(Retraction::Entry(n)),
                Err(_) if text.chars().all(|c| c.is_ascii_digit()) => {
                    return Err(arg.bad("the entry number is too large"));
                }
                Err(_) => {
                    let mut fact = text.to_string();
                    if !fact.ends_with('.') {
                        fact.push('.');
                    }
                    Command::Retract(Retraction::Fact(fact))
                }
            }
        }
        "format" => Command::Format(match arg.text {
            "" => None,
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => return Err(arg.bad("expected table, json or csv")),
        }),
        "timing" => Command::Timing(match arg.text {
            "" => None,
            "on" => Some(true),
            "off" => Some(false),
            _ => return Err(arg.bad("expected on or off")),
        }),
        other => {
            return Err(CommandError {
                code: Code::Internal,
                message: format!("`:{other}` is listed but has no parser"),
                at: arg.name_at,
                label: None,
                help: "report this; the other commands work".to_string(),
            });
        }
    })
}

/// A command's argument, for the checks shared by several commands.
struct Arg<'a> {
    spec: &'static CommandSpec,
    text: &'a str,
    at: Range<usize>,
    name_at: Range<usize>,
}

impl Arg<'_> {
    fn none(&self, command: Command) -> Result<Command, CommandError> {
        if self.text.is_empty() {
            Ok(command)
        } else {
            Err(CommandError {
                code: Code::UnexpectedArgument,
                message: format!("`:{}` takes no argument", self.spec.name),
                at: self.at.clone(),
                label: None,
                help: format!("type `{}` alone", self.spec.example),
            })
        }
    }

    fn required(&self) -> Result<&str, CommandError> {
        if self.text.is_empty() {
            Err(CommandError {
                code: Code::MissingArgument,
                message: format!(
                    "`:{}` needs {}",
                    self.spec.name,
                    match self.spec.arg {
                        ArgKind::Relation => "a relation name",
                        ArgKind::Path => "a file name",
                        _ => "an argument",
                    }
                ),
                at: self.name_at.clone(),
                label: None,
                help: format!("for example `{}`", self.spec.example),
            })
        } else {
            Ok(self.text)
        }
    }

    fn name(&self) -> Result<String, CommandError> {
        let text = self.required()?;
        let ok = text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if ok {
            Ok(text.to_string())
        } else {
            Err(self.bad("expected a relation name"))
        }
    }

    fn path(&self) -> Result<PathBuf, CommandError> {
        let text = self.required()?;
        let unquoted = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
            .map(str::to_string)
            .unwrap_or_else(|| unescape(text));
        Ok(expand_home(&unquoted))
    }

    fn bad(&self, what: &str) -> CommandError {
        CommandError {
            code: Code::BadArgument,
            message: format!("`:{} {}`: {what}", self.spec.name, self.text),
            at: self.at.clone(),
            label: None,
            help: format!("for example `{}`", self.spec.example),
        }
    }
}

/// A path as the line editor completes it: `my\\ file.dl` is `my file.dl`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// `~/x` as a path under the home folder.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::extensions::Extension;

    static TEST_EXTENSIONS: &[Extension] = &[Extension {
        spec: CommandSpec {
            name: "why",
            aliases: &[],
            args: "FACT",
            summary: "why a fact holds",
            example: ":why hot(\"Tangier\")",
            arg: ArgKind::Text,
        },
        run: |_, _, _| Ok(()),
    }];

    #[test]
    fn command_table() {
        use Command::*;
        let ok: Vec<(&str, Command)> = vec![
            ("", Empty),
            ("   ", Empty),
            ("?- hot(P).", Query("?- hot(P).".into())),
            ("hot(P) :- q(P).", Clauses("hot(P) :- q(P).".into())),
            (".decl a(x: number)", Clauses(".decl a(x: number)".into())),
            (":- oops.", Clauses(":- oops.".into())),
            (":help", Help(None)),
            (":h", Help(None)),
            (":help load", Help(Some("load".into()))),
            (":help :q", Help(Some("quit".into()))),
            (":relations", Relations),
            ("  :relations  ", Relations),
            (
                ":schema recurring_hotspot",
                Schema("recurring_hotspot".into()),
            ),
            (":load data/x.json", Load("data/x.json".into())),
            (":load \"my data.json\"", Load("my data.json".into())),
            (":load my\\ data.json", Load("my data.json".into())),
            (":rules", Rules),
            (":retract 2", Retract(Retraction::Entry(2))),
            (
                ":retract hot(\"Tangier\").",
                Retract(Retraction::Fact("hot(\"Tangier\").".into())),
            ),
            (
                ":retract hot(\"Tangier\")",
                Retract(Retraction::Fact("hot(\"Tangier\").".into())),
            ),
            (":drop hot", Drop("hot".into())),
            (":save s.dl", Save("s.dl".into())),
            (
                ":format json",
                Format(Some(crate::io::format::Format::Json)),
            ),
            (":format", Format(None)),
            (":timing on", Timing(Some(true))),
            (":timing off", Timing(Some(false))),
            (":sources", Sources),
            (":conflicts", Conflicts),
            (":matches", Matches),
            (":profile", Profile),
            (":plan", Plan),
            (":quit", Quit),
            (":q", Quit),
            (":exit", Quit),
        ];
        for (line, expected) in ok {
            assert_eq!(parse_command(line), Ok(expected), "{line:?}");
        }
        let errors: Vec<(&str, &str, Range<usize>, Option<&str>)> = vec![
            (
                ":fromat json",
                "unknown-command",
                0..7,
                Some("did you mean `:format`?"),
            ),
            (":zzzzzz", "unknown-command", 0..7, None),
            (
                ":help lod",
                "unknown-command",
                6..9,
                Some("did you mean `load`?"),
            ),
            (":schema", "missing-argument", 0..7, None),
            (":load", "missing-argument", 0..5, None),
            (":relations all", "unexpected-argument", 11..14, None),
            (":format xml", "bad-argument", 8..11, None),
            (":timing maybe", "bad-argument", 8..13, None),
            (":schema 9lives", "bad-argument", 8..14, None),
            (
                ":retract 99999999999999999999999",
                "bad-argument",
                9..32,
                None,
            ),
        ];
        for (line, code, at, label) in errors {
            let e = parse_command(line).expect_err(line);
            assert_eq!(
                (e.code.as_str(), e.at.clone(), e.label.as_deref()),
                (code, at, label),
                "{line:?}"
            );
        }
    }

    #[test]
    fn extensions_are_commands_too() {
        let got = parse_command_with(":why hot(\"Tangier\")", TEST_EXTENSIONS).expect("parses");
        match got {
            Command::Extension(ext, arg) => {
                assert_eq!(ext.spec.name, "why");
                assert_eq!(arg, "hot(\"Tangier\")");
            }
            other => panic!("{other:?}"),
        }
        let e = parse_command_with(":whi x", TEST_EXTENSIONS).expect_err("unknown");
        assert_eq!(e.label.as_deref(), Some("did you mean `:why`?"));
    }
}
