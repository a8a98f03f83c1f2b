//! This module defines the picture commands of the `sleuth` binary:
//! `timeline` (dated events by month), `graph` (a query's answers as a link
//! chart in DOT, GraphML or SVG) and `report` (the one-page HTML report).
//! Each opens the workspace its flags name, draws through `sleuth::viz`,
//! writes files atomically, and returns whether it succeeded.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use sleuth::diag::{Diagnostic, SourceMap};
use sleuth::viz::{self, TextOptions};

use super::args::{GraphCommand, ReportCommand, TimelineCommand};
use super::open_workspace;

fn report_error(d: Diagnostic) -> Result<bool> {
    eprint!("{}", d.render(&SourceMap::new()));
    Ok(false)
}

/// `sleuth timeline`.
pub fn timeline(cmd: &TimelineCommand) -> Result<bool> {
    let Some(ws) = open_workspace(&cmd.inputs, &cmd.eval) else {
        return Ok(false);
    };
    let args = cmd.args();
    let timeline = match viz::timeline(&ws, &args.filter) {
        Ok(t) => t,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    let options = TextOptions {
        bars: args.bars.unwrap_or_else(|| std::io::stdout().is_terminal()),
        notes: args.notes,
    };
    print!("{}", viz::render_text_with(&timeline, options));
    Ok(true)
}

/// `sleuth graph`.
pub fn graph(cmd: &GraphCommand) -> Result<bool> {
    let args = match cmd.args() {
        Ok(args) => args,
        Err(message) => {
            return report_error(
                Diagnostic::new(
                    sleuth::diag::Code::BadArgument,
                    format!("`sleuth graph`: {message}"),
                    None,
                )
                .with_help("see `sleuth graph --help`"),
            );
        }
    };
    let Some(mut ws) = open_workspace(&cmd.inputs, &cmd.eval) else {
        return Ok(false);
    };
    let chart = match viz::graph(&mut ws, &args.query, &args.options()) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    if chart.is_empty() {
        eprintln!("note: the query has no answers: the chart is empty");
    }
    if let Some(omission) = chart.omission() {
        eprintln!("note: {omission}; raise --max-nodes to see them");
    }
    let text = match viz::chart_text(&chart, args.format) {
        Ok(text) => text,
        Err(e) => {
            return report_error(
                Diagnostic::new(e.code(), e.to_string(), None).with_help(e.help()),
            );
        }
    };
    match &args.out {
        Some(path) => {
            if let Err(d) = viz::write_atomic(path, text.as_bytes()) {
                return report_error(d);
            }
            eprintln!("wrote {}: {}", path.display(), chart.describe());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(true)
}

/// `sleuth report`.
pub fn report(cmd: &ReportCommand) -> Result<bool> {
    let Some(ws) = open_workspace(&cmd.inputs, &cmd.eval) else {
        return Ok(false);
    };
    let explain = viz::proof_explainer(&ws);
    let options = viz::ReportOptions {
        graphviz: !cmd.no_graphviz,
        explain: Some(&explain),
        ..viz::ReportOptions::default()
    };
    let html = viz::report_html(&ws, &options);
    match &cmd.out {
        Some(path) => {
            if let Err(d) = viz::write_atomic(path, html.as_bytes()) {
                return report_error(d);
            }
            eprintln!("wrote {}", path.display());
        }
        None => std::io::stdout().lock().write_all(html.as_bytes())?,
    }
    Ok(true)
}
