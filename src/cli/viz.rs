//! This module defines the picture commands of the `sleuth` binary:
//! `timeline` (dated events by month), `graph` (a query's answers as a link
//! chart in DOT, GraphML or SVG) and `report` (the one-page HTML report).
//! Each parses its own arguments, draws through `sleuth::viz`, writes
//! files atomically, and returns whether it succeeded.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Result;
use sleuth::diag::{Diagnostic, SourceMap};
use sleuth::viz::{self, GraphArgs, TextOptions, TimelineArgs};

use super::args::{Command, EvalFlags, Inputs};
use super::open_workspace;

/// `sleuth timeline`: the filter and how to draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineCommand {
    /// Data and rules.
    pub inputs: Inputs,
    /// Filter, notes, bars.
    pub args: TimelineArgs,
}

/// `sleuth graph`: what to draw and where.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphCommand {
    /// Data and rules.
    pub inputs: Inputs,
    /// The query, output, format and bound.
    pub args: GraphArgs,
}

/// `sleuth report`: where the page goes.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportCommand {
    /// Data and rules.
    pub inputs: Inputs,
    /// `--out FILE.html`; standard output when absent.
    pub out: Option<PathBuf>,
    /// `--no-graphviz` turns this off: draw the chart with sleuth's own
    /// layout even when Graphviz is installed.
    pub graphviz: bool,
}

/// Takes `--data P` and `--rules P` out of the arguments.
fn split_inputs(args: &[String]) -> Result<(Inputs, Vec<String>), String> {
    let mut inputs = Inputs::default();
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let list = match arg.as_str() {
            "--data" => &mut inputs.data,
            "--rules" => &mut inputs.rules,
            _ => {
                rest.push(arg.clone());
                continue;
            }
        };
        let value = it.next().ok_or_else(|| format!("`{arg}` needs a value"))?;
        list.push(PathBuf::from(value));
    }
    Ok((inputs, rest))
}

/// Parses `sleuth timeline ...`.
pub fn parse_timeline(args: &[String]) -> Result<Command, String> {
    let (inputs, rest) = split_inputs(args)?;
    let args = TimelineArgs::parse(&rest)?;
    Ok(Command::Timeline(TimelineCommand { inputs, args }))
}

/// Parses `sleuth graph ...`.
pub fn parse_graph(args: &[String]) -> Result<Command, String> {
    let (inputs, rest) = split_inputs(args)?;
    let args = GraphArgs::parse(&rest).map_err(|e| format!("`sleuth graph`: {e}"))?;
    Ok(Command::Graph(GraphCommand { inputs, args }))
}

/// Parses `sleuth report ...`.
pub fn parse_report(args: &[String]) -> Result<Command, String> {
    let (inputs, rest) = split_inputs(args)?;
    let mut out = None;
    let mut graphviz = true;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out" | "-o" => {
                let v = it.next().ok_or_else(|| format!("`{arg}` needs a value"))?;
                out = Some(PathBuf::from(v));
            }
            "--no-graphviz" => graphviz = false,
            other => {
                return Err(format!(
                    "unexpected argument `{other}` for `sleuth report` (see `sleuth --help`)"
                ));
            }
        }
    }
    Ok(Command::Report(ReportCommand {
        inputs,
        out,
        graphviz,
    }))
}

fn report_error(d: Diagnostic) -> Result<bool> {
    eprint!("{}", d.render(&SourceMap::new()));
    Ok(false)
}

/// `sleuth timeline`.
pub fn timeline(cmd: &TimelineCommand) -> Result<bool> {
    let ws = match open_workspace(&cmd.inputs, &EvalFlags::default()) {
        Ok(ws) => ws,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    let timeline = match viz::timeline(&ws, &cmd.args.filter) {
        Ok(t) => t,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    let options = TextOptions {
        bars: cmd
            .args
            .bars
            .unwrap_or_else(|| std::io::stdout().is_terminal()),
        notes: cmd.args.notes,
    };
    print!("{}", viz::render_text_with(&timeline, options));
    Ok(true)
}

/// `sleuth graph`.
pub fn graph(cmd: &GraphCommand) -> Result<bool> {
    let mut ws = match open_workspace(&cmd.inputs, &EvalFlags::default()) {
        Ok(ws) => ws,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    let args = &cmd.args;
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
    let ws = match open_workspace(&cmd.inputs, &EvalFlags::default()) {
        Ok(ws) => ws,
        Err(e) => {
            eprint!("{}", e.render());
            return Ok(false);
        }
    };
    let explain = viz::proof_explainer(&ws);
    let options = viz::ReportOptions {
        graphviz: cmd.graphviz,
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

#[cfg(test)]
mod tests {
    use super::*;
    use sleuth::viz::ChartFormat;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn graph_takes_inputs_then_its_own_arguments() {
        let parsed = parse_graph(&args(&["--rules", "r", "q", "--out", "c.graphml"]));
        let Ok(Command::Graph(g)) = parsed else {
            panic!("not a graph command: {parsed:?}");
        };
        assert_eq!(g.inputs.rules, vec![PathBuf::from("r")]);
        assert_eq!(g.args.query, "q");
        assert_eq!(g.args.format, ChartFormat::GraphMl);
        assert!(parse_graph(&args(&["--out", "c.png", "q"])).is_err());
    }

    #[test]
    fn inputs_and_filters_parse() {
        let parsed = parse_timeline(&args(&[
            "--data", "d", "--place", "Morocco", "--to", "2024-01",
        ]));
        let Ok(Command::Timeline(t)) = parsed else {
            panic!("not a timeline command: {parsed:?}");
        };
        assert_eq!(t.inputs.data, vec![PathBuf::from("d")]);
        assert_eq!(t.args.filter.place.as_deref(), Some("Morocco"));
        assert!(parse_timeline(&args(&["--data"])).is_err());
        let parsed = parse_report(&args(&["--out", "r.html", "--no-graphviz"]));
        let Ok(Command::Report(r)) = parsed else {
            panic!("not a report command: {parsed:?}");
        };
        assert_eq!(r.out, Some(PathBuf::from("r.html")));
        assert!(!r.graphviz);
        assert!(parse_report(&args(&["--colour"])).is_err());
    }
}
