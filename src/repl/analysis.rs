//! This module defines the REPL's analysis commands, each a thin shell over
//! a library module: `:why` and `:whynot` (provenance), `:confidence`
//! (answers with how far each can be trusted), `:timeline` and `:graph`
//! (viz), `:whatif` (what changes without a source or a fact, in
//! `whatif.rs`) and `:export` (a STIX 2.1 bundle, `io::stix`). They read the session and never change what it holds.

use crate::diag::Code;
use std::io::{IsTerminal, Write};

use super::command::{ArgKind, CommandSpec};
use super::extensions::Extension;
use super::{Repl, ReplError};
use crate::diag::Diagnostic;
use crate::io::format;
use crate::provenance::{self, ExplainOptions};
use crate::session;
use crate::viz;

/// The analysis commands, in the order `:help` lists them.
pub static ANALYSIS: &[Extension] = &[
    Extension {
        spec: CommandSpec {
            name: "why",
            aliases: &["explain"],
            args: "FACT",
            summary: "why a fact holds: the proof down to the report's paragraphs, with its confidence, then the absences it assumes, apart from the evidence",
            example: ":why recurring_hotspot(\"Tangier\")",
            arg: ArgKind::Relation,
        },
        run: why,
    },
    Extension {
        spec: CommandSpec {
            name: "whynot",
            aliases: &[],
            args: "FACT",
            summary: "why a fact does not hold: for each rule, the first body atom that fails",
            example: ":whynot recurring_hotspot(\"Sale\")",
            arg: ArgKind::Relation,
        },
        run: whynot,
    },
    Extension {
        spec: CommandSpec {
            name: "confidence",
            aliases: &["conf"],
            args: "[--min WORDS|NUMBER] QUERY",
            summary: "a query's answers with the confidence of each (ICD 203 words) and how many independent sources support it; --min keeps those at least that confident; an assumption column marks answers that rest on the absence of an event",
            example: ":confidence --min likely ?- recruitment_pipeline(C, T).",
            arg: ArgKind::Text,
        },
        run: confidence,
    },
    Extension {
        spec: CommandSpec {
            name: "timeline",
            aliases: &[],
            args: "[--place P] [--country C] [--theater T] [--from D] [--to D] [--notes]",
            summary: "the dated events month by month, with their paragraphs; ~ marks inferred dates",
            example: ":timeline --country Morocco",
            arg: ArgKind::Text,
        },
        run: timeline,
    },
    Extension {
        spec: CommandSpec {
            name: "graph",
            aliases: &[],
            args: "[--out FILE] [--format dot|graphml|svg] QUERY",
            summary: "a query's answers as a link chart (Graphviz DOT, GraphML or SVG)",
            example: ":graph --out pipelines.graphml recruitment_pipeline",
            arg: ArgKind::Text,
        },
        run: graph,
    },
    Extension {
        spec: CommandSpec {
            name: "whatif",
            aliases: &[],
            args: "[--without SOURCE]... [--retract FACT]... [--add FACT]... [--format text|json]",
            summary: "what is lost, gained or changes in confidence without a source, with base facts retracted or facts added; the session is unchanged",
            example: ":whatif --retract arrest(\"sale-moroccan-1\", \"Sale\", \"2024-02\")",
            arg: ArgKind::Text,
        },
        run: super::whatif::run,
    },
    Extension {
        spec: CommandSpec {
            name: "export",
            aliases: &[],
            args: "FILE",
            summary: "write the loaded sources, facts and main conclusions as a STIX 2.1 bundle",
            example: ":export report-stix.json",
            arg: ArgKind::Path,
        },
        run: export,
    },
];

/// A rejected command line, as a diagnostic over the session's texts.
pub(super) fn usage(repl: &Repl, code: Code, message: String, help: &str) -> ReplError {
    ReplError::Rejected(session::Error {
        diagnostics: Diagnostic::new(code, message, None).with_help(help).into(),
        sources: repl.workspace().sources().clone(),
    })
}

fn fact_argument<'a>(repl: &Repl, arg: &'a str, command: &str) -> Result<&'a str, ReplError> {
    if arg.is_empty() {
        return Err(usage(
            repl,
            Code::MissingArgument,
            format!("`:{command}` needs a fact"),
            &format!("for example `:{command} recurring_hotspot(\"Tangier\")`"),
        ));
    }
    Ok(arg)
}

fn why(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let fact = fact_argument(repl, arg, "why")?;
    let proof = provenance::why(repl.workspace(), fact, &ExplainOptions::default())?;
    write!(out, "{}", provenance::render_text(&proof))?;
    Ok(())
}

fn whynot(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let fact = fact_argument(repl, arg, "whynot")?;
    let answer = provenance::whynot(repl.workspace(), fact, &ExplainOptions::default())?;
    write!(
        out,
        "{}",
        provenance::render_whynot(&answer, provenance::Format::Text)
    )?;
    Ok(())
}

fn confidence(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let (min, query) = match min_option(arg) {
        Some((min, query)) => {
            let min = provenance::MinConfidence::parse(min).map_err(|d| {
                ReplError::Rejected(session::Error {
                    diagnostics: d.into(),
                    sources: repl.workspace().sources().clone(),
                })
            })?;
            (Some(min), query)
        }
        None => (None, arg),
    };
    if !query.trim_start().starts_with("?-") {
        return Err(usage(
            repl,
            Code::MissingArgument,
            "`:confidence` needs a query".to_string(),
            "for example `:confidence ?- recruitment_pipeline(C, T).` or `:confidence --min likely ?- recruitment_pipeline(C, T).`",
        ));
    }
    let answers = repl.workspace_mut().query(query)?;
    let table = provenance::answers_with_support(repl.workspace(), query, &answers, min)?;
    write!(
        out,
        "{}",
        format::render(&table.columns, &table.rows, repl.format())
    )?;
    Ok(())
}

/// `--min WORDS ?- ...` or `--min=WORDS ?- ...`: the bound's text and the
/// query; `None` without `--min`.
fn min_option(arg: &str) -> Option<(&str, &str)> {
    let rest = arg.trim_start().strip_prefix("--min")?;
    let rest = rest.strip_prefix('=').unwrap_or(rest);
    Some(match rest.find("?-") {
        Some(at) => (rest[..at].trim(), &rest[at..]),
        None => (rest.trim(), ""),
    })
}

fn timeline(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let args = viz::TimelineArgs::parse_line(arg)
        .map_err(|m| usage(repl, Code::BadArgument, m, viz::TimelineArgs::USAGE))?;
    let timeline = viz::timeline(repl.workspace(), &args.filter)?;
    let options = viz::TextOptions {
        bars: args.bars.unwrap_or_else(|| std::io::stdout().is_terminal()),
        notes: args.notes,
    };
    write!(out, "{}", viz::render_text_with(&timeline, options))?;
    Ok(())
}

fn export(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    if arg.is_empty() {
        return Err(usage(
            repl,
            Code::MissingArgument,
            "`:export` needs a file".into(),
            "for example `:export report-stix.json`",
        ));
    }
    let path = std::path::Path::new(arg);
    let text = crate::io::stix::export(repl.workspace());
    viz::write_atomic(path, text.as_bytes()).map_err(|d| {
        ReplError::Rejected(session::Error {
            diagnostics: d.into(),
            sources: repl.workspace().sources().clone(),
        })
    })?;
    writeln!(out, "STIX 2.1 bundle written to {}", path.display())?;
    Ok(())
}

fn graph(repl: &mut Repl, arg: &str, out: &mut dyn Write) -> Result<(), ReplError> {
    let args = viz::GraphArgs::parse_line(arg)
        .map_err(|m| usage(repl, Code::BadArgument, m, viz::GraphArgs::USAGE))?;
    let chart = viz::graph(repl.workspace_mut(), &args.query, &args.options())?;
    let text = viz::chart_text(&chart, args.format)
        .map_err(|e| usage(repl, e.code(), e.to_string(), e.help()))?;
    match &args.out {
        Some(path) => {
            viz::write_atomic(path, text.as_bytes()).map_err(|d| {
                ReplError::Rejected(session::Error {
                    diagnostics: d.into(),
                    sources: repl.workspace().sources().clone(),
                })
            })?;
            writeln!(out, "{} written to {}", chart.describe(), path.display())?;
        }
        // Every format says in itself when the chart is empty.
        None => write!(out, "{text}")?,
    }
    Ok(())
}
