//! This module defines the arguments `sleuth graph` and `:graph` share:
//! the query, where the chart goes, its format and its size bound; and the
//! chart's text in a format.

use std::path::PathBuf;

use super::super::output::ChartFormat;
use super::{Chart, ChartOptions, DEFAULT_MAX_NODES, GraphvizError};
use super::{render_svg_with_graphviz, to_dot, to_graphml};

/// What to draw, in which format, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphArgs {
    /// The query text, or a relation's name.
    pub query: String,
    /// `--out FILE`; `None` for standard output (or the REPL's screen).
    pub out: Option<PathBuf>,
    /// From `--format`, `--svg`, or the extension of `--out`; DOT otherwise.
    pub format: ChartFormat,
    /// `--max-nodes N`.
    pub max_nodes: usize,
}

/// Flags as written, before the format is settled.
#[derive(Default)]
struct Flags {
    out: Option<PathBuf>,
    format: Option<ChartFormat>,
    svg: bool,
    max_nodes: Option<usize>,
}

impl Flags {
    /// Takes one flag; `Ok(false)` when `arg` is not one.
    fn take(
        &mut self,
        arg: &str,
        value: &mut dyn FnMut() -> Result<String, String>,
    ) -> Result<bool, String> {
        match arg {
            "--out" | "-o" => self.out = Some(PathBuf::from(value()?)),
            "--format" => {
                let v = value()?;
                self.format = Some(
                    ChartFormat::parse(&v)
                        .ok_or_else(|| format!("`--format {v}`: expected dot, graphml or svg"))?,
                );
            }
            "--svg" => self.svg = true,
            "--max-nodes" => {
                let v = value()?;
                self.max_nodes = Some(
                    v.replace('_', "")
                        .parse()
                        .map_err(|_| format!("`--max-nodes {v}`: expected a whole number"))?,
                );
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn finish(self, query: Option<String>) -> Result<GraphArgs, String> {
        let query = query
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| format!("a chart needs a query: {}", GraphArgs::USAGE))?;
        let format = match (self.format, self.svg) {
            (Some(ChartFormat::Svg) | None, true) => ChartFormat::Svg,
            (Some(f), true) => {
                return Err(format!("`--svg` contradicts `--format {}`", f.name()));
            }
            (Some(f), false) => f,
            (None, false) => match &self.out {
                Some(path) if path.extension().is_some() => ChartFormat::from_path(path)
                    .ok_or_else(|| {
                        format!(
                            "cannot tell the chart's format from `{}`: name it .dot, .graphml or .svg, or give --format dot|graphml|svg",
                            path.display()
                        )
                    })?,
                _ => ChartFormat::Dot,
            },
        };
        Ok(GraphArgs {
            query,
            out: self.out,
            format,
            max_nodes: self.max_nodes.unwrap_or(DEFAULT_MAX_NODES),
        })
    }
}

impl GraphArgs {
    /// The usage line.
    pub const USAGE: &'static str =
        "[--out FILE] [--format dot|graphml|svg] [--svg] [--max-nodes N] 'QUERY'";

    /// Settles flags already parsed (by the command line's own parser):
    /// the format from `format`, `svg` or the extension of `out`.
    pub fn from_flags(
        query: String,
        out: Option<PathBuf>,
        format: Option<ChartFormat>,
        svg: bool,
        max_nodes: Option<usize>,
    ) -> Result<GraphArgs, String> {
        Flags {
            out,
            format,
            svg,
            max_nodes,
        }
        .finish(Some(query))
    }

    /// Parses command-line arguments: flags in any order and one query.
    pub fn parse(args: &[String]) -> Result<GraphArgs, String> {
        let mut flags = Flags::default();
        let mut query = None;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("`{arg}` needs a value"))
            };
            if flags.take(arg, &mut value)? {
                continue;
            }
            if query.is_none() && !arg.starts_with("--") {
                query = Some(arg.clone());
            } else {
                return Err(format!(
                    "unexpected argument `{arg}`: expected {}",
                    GraphArgs::USAGE
                ));
            }
        }
        flags.finish(query)
    }

    /// Parses a REPL line: flags first, then the query as written (spaces
    /// and all): `--out p.graphml ?- recruitment_pipeline(O, T).` A file
    /// name with spaces is quoted.
    pub fn parse_line(line: &str) -> Result<GraphArgs, String> {
        let mut flags = Flags::default();
        let mut rest = line.trim_start();
        loop {
            rest = rest.trim_start();
            if !(rest.starts_with("--") || rest.starts_with("-o ")) {
                break;
            }
            let (flag, after) = next_word(rest)?;
            rest = after;
            let mut value = || {
                let (v, after) = next_word(rest)?;
                rest = after;
                if v.is_empty() {
                    Err(format!("`{flag}` needs a value"))
                } else {
                    Ok(v)
                }
            };
            if !flags.take(&flag, &mut value)? {
                return Err(format!(
                    "unknown flag `{flag}`: expected {}",
                    GraphArgs::USAGE
                ));
            }
        }
        flags.finish(Some(rest.trim().to_string()))
    }

    /// The chart options these arguments ask for.
    pub fn options(&self) -> ChartOptions {
        ChartOptions {
            max_nodes: self.max_nodes,
        }
    }
}

/// The first word of a text (double or single quotes group words) and
/// what follows it.
fn next_word(text: &str) -> Result<(String, &str), String> {
    let text = text.trim_start();
    let mut word = String::new();
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => return Ok((word, &text[i..])),
            (None, c) => word.push(c),
        }
    }
    match quote {
        Some(q) => Err(format!("unclosed {q} quote")),
        None => Ok((word, "")),
    }
}

/// The chart in a format: DOT, GraphML, or SVG rendered by Graphviz.
pub fn chart_text(chart: &Chart, format: ChartFormat) -> Result<String, GraphvizError> {
    match format {
        ChartFormat::Dot => Ok(to_dot(chart)),
        ChartFormat::GraphMl => Ok(to_graphml(chart)),
        ChartFormat::Svg => render_svg_with_graphviz(&to_dot(chart)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn the_format_comes_from_flags_or_the_extension() {
        let format = |a: &[&str]| GraphArgs::parse(&args(a)).map(|g| g.format);
        assert_eq!(format(&["q"]), Ok(ChartFormat::Dot));
        assert_eq!(
            format(&["q", "--out", "c.graphml"]),
            Ok(ChartFormat::GraphMl)
        );
        assert_eq!(format(&["q", "--out", "c.svg"]), Ok(ChartFormat::Svg));
        assert_eq!(format(&["q", "--svg", "--out", "c"]), Ok(ChartFormat::Svg));
        assert_eq!(
            format(&["q", "--format", "graphml", "--out", "c.dot"]),
            Ok(ChartFormat::GraphMl)
        );
        assert!(format(&["q", "--out", "c.png"]).is_err());
        assert!(format(&["q", "--svg", "--format", "dot"]).is_err());
        assert!(format(&["q", "--max-nodes", "many"]).is_err());
        assert!(format(&["q", "r"]).is_err());
        assert!(format(&[]).is_err());
    }

    #[test]
    fn a_repl_line_takes_flags_then_the_query_verbatim() {
        let g = GraphArgs::parse_line("--out 'my chart.graphml' --max-nodes 9 ?- p(X, Y), q(Y).")
            .expect("parses");
        assert_eq!(g.out, Some(PathBuf::from("my chart.graphml")));
        assert_eq!(g.format, ChartFormat::GraphMl);
        assert_eq!(g.max_nodes, 9);
        assert_eq!(g.query, "?- p(X, Y), q(Y).");
        let plain = GraphArgs::parse_line("  recruitment_pipeline ").expect("parses");
        assert_eq!(
            (plain.query.as_str(), plain.out),
            ("recruitment_pipeline", None)
        );
        assert!(GraphArgs::parse_line("--out").is_err());
        assert!(GraphArgs::parse_line("--colour red ?- p(X).").is_err());
        assert!(GraphArgs::parse_line("--svg").is_err());
    }
}
