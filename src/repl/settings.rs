//! This module defines the REPL's settings of the evaluation's bounds:
//! `:limits` shows them, `:set NAME VALUE` changes one for the rest of the
//! session. The names are those of the command line's flags, and the values
//! are written as there (`eval::limit_text`):
//!
//! ```text
//! :set timeout 60s        wall time of one evaluation (`off` for none)
//! :set max-memory 8G      bytes the relations and indexes may hold
//! :set max-tuples 1e8     tuples one evaluation may derive
//! ```
//!
//! A setting only changes how later inputs are evaluated; what the session
//! holds stays as it is.

use std::io::Write;

use super::command::{ArgKind, CommandSpec};
use super::extensions::Extension;
use super::{Repl, ReplError};
use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::eval::EvalOptions;
use crate::eval::limit_text::{
    parse_count, parse_duration, parse_size, show_count, show_duration, show_size,
};
use crate::session;

/// The settings commands, in the order `:help` lists them.
pub static SETTINGS: &[Extension] = &[
    Extension {
        spec: CommandSpec {
            name: "limits",
            aliases: &[],
            args: "",
            summary: "the bounds on each evaluation: time, memory, tuples (change them with :set)",
            example: ":limits",
            arg: ArgKind::Nothing,
        },
        run: limits,
    },
    Extension {
        spec: CommandSpec {
            name: "set",
            aliases: &[],
            args: "timeout|max-memory|max-tuples VALUE",
            summary: "change a bound: `:set timeout 60s`, `:set max-memory 8G`, `:set max-tuples 1e8`, `off` for none",
            example: ":set timeout 60s",
            arg: ArgKind::Words(&["timeout", "max-memory", "max-tuples"]),
        },
        run: set,
    },
    Extension {
        spec: CommandSpec {
            name: "source",
            aliases: &[],
            args: "[ID GRADE | none]",
            summary: "cite the facts typed from now on as from source ID at an Admiralty grade (`none` stops); alone, shows the source in force",
            example: ":source my-notes B3",
            arg: ArgKind::Text,
        },
        run: source,
    },
];

/// `:source`: shows or sets the source of the facts typed from now on.
fn source(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    if arg.is_empty() {
        match repl.workspace().typed_source() {
            Some(s) => writeln!(
                out,
                "facts typed now are cited as {} (typed), graded {} ({}, {})",
                s.id,
                s.grade,
                s.grade.reliability.words(),
                s.grade.credibility.words()
            )?,
            None => writeln!(
                out,
                "facts typed now have no source: they count as certain (`:source ID GRADE` grades them)"
            )?,
        }
        return Ok(());
    }
    match repl.workspace_mut().set_typed_source(arg)? {
        Some(s) => writeln!(
            out,
            "facts typed from now on are cited as {}, graded {}",
            s.id, s.grade
        )?,
        None => writeln!(out, "facts typed from now on have no source")?,
    }
    Ok(())
}

/// One bound an analyst can set.
struct Setting {
    name: &'static str,
    what: &'static str,
    example: &'static str,
    show: fn(&EvalOptions) -> String,
    apply: fn(&mut EvalOptions, &str) -> Result<(), String>,
}

const BOUNDS: &[Setting] = &[
    Setting {
        name: "timeout",
        what: "wall time of one evaluation",
        example: "60s",
        show: |o| show_duration(o.time_limit),
        apply: |o, text| {
            o.time_limit = parse_duration(text)?;
            Ok(())
        },
    },
    Setting {
        name: "max-memory",
        what: "bytes its relations, indexes and symbols may hold",
        example: "8G",
        show: |o| show_size(o.max_memory),
        apply: |o, text| {
            o.max_memory = parse_size(text)?;
            Ok(())
        },
    },
    Setting {
        name: "max-tuples",
        what: "tuples it may derive",
        example: "1e8",
        show: |o| show_count(o.max_tuples),
        apply: |o, text| {
            o.max_tuples = parse_count(text)?;
            Ok(())
        },
    },
];

/// The bounds in force, one per line: name, value, what it bounds.
pub fn show_limits(options: &EvalOptions) -> String {
    let mut out = String::new();
    for s in BOUNDS {
        out.push_str(&format!(
            "{:<11} {:<10} {}\n",
            s.name,
            (s.show)(options),
            s.what
        ));
    }
    out
}

fn rejected(repl: &Repl, code: Code, message: String, help: String) -> ReplError {
    ReplError::Rejected(session::Error {
        diagnostics: Diagnostic::new(code, message, None).with_help(help).into(),
        sources: repl.workspace().sources().clone(),
    })
}

fn limits(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    if !arg.is_empty() {
        return Err(rejected(
            repl,
            Code::UnexpectedArgument,
            "`:limits` takes no argument".to_string(),
            "type `:limits` alone; change a bound with `:set timeout 60s`".to_string(),
        ));
    }
    write!(out, "{}", show_limits(repl.workspace().options()))?;
    Ok(())
}

fn set(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    if arg.is_empty() {
        write!(out, "{}", show_limits(repl.workspace().options()))?;
        return Ok(());
    }
    let (name, value) = match arg.split_once(char::is_whitespace) {
        Some((name, value)) => (name, value.trim()),
        None => (arg, ""),
    };
    let Some(setting) = BOUNDS.iter().find(|s| s.name == name) else {
        let suggestion = did_you_mean(name, BOUNDS.iter().map(|s| s.name))
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        return Err(rejected(
            repl,
            Code::UnknownSetting,
            format!("`{name}` is not a setting"),
            format!(
                "{suggestion}the settings are timeout, max-memory and max-tuples; `:limits` shows them"
            ),
        ));
    };
    if value.is_empty() {
        return Err(rejected(
            repl,
            Code::MissingArgument,
            format!("`:set {name}` needs a value"),
            format!(
                "for example `:set {name} {}`, or `off` for no bound",
                setting.example
            ),
        ));
    }
    let mut options = repl.workspace().options().clone();
    (setting.apply)(&mut options, value).map_err(|message| {
        rejected(
            repl,
            Code::BadArgument,
            message,
            format!("for example `:set {name} {}`", setting.example),
        )
    })?;
    let shown = (setting.show)(&options);
    repl.workspace_mut().set_options(options);
    writeln!(out, "{name}: {shown}")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_shows_what_it_reads() {
        let mut options = EvalOptions::interactive();
        for s in BOUNDS {
            (s.apply)(&mut options, s.example).expect("the example is valid");
            let shown = (s.show)(&options);
            let mut again = EvalOptions::default();
            (s.apply)(&mut again, &shown).expect("what is shown reads back");
            assert_eq!((s.show)(&again), shown, "{}", s.name);
            (s.apply)(&mut again, "off").expect("off");
            assert_eq!((s.show)(&again), "off", "{}", s.name);
        }
    }
}
