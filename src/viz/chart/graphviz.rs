//! This module defines SVG rendering through Graphviz's `dot` program, when
//! it is installed: the DOT text goes to `dot -Tsvg` on its standard input
//! and the SVG comes back on its standard output.

use crate::diag::Code;
use std::io::Write;
use std::process::{Command, Stdio};

/// Why Graphviz could not render a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphvizError {
    /// `dot` is not on the PATH.
    NotInstalled,
    /// `dot` ran and failed, with what it said.
    Failed(String),
}

impl GraphvizError {
    /// The stable code of the error.
    pub fn code(&self) -> Code {
        match self {
            GraphvizError::NotInstalled => Code::GraphvizMissing,
            GraphvizError::Failed(_) => Code::GraphvizFailed,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            GraphvizError::NotInstalled => {
                "install Graphviz (`apt-get install graphviz` on Debian or Ubuntu, `brew install graphviz` on macOS), or write DOT or GraphML instead (--format dot|graphml)"
            }
            GraphvizError::Failed(_) => {
                "write the chart as DOT (--format dot) and run `dot -Tsvg` on it to see Graphviz's complaint"
            }
        }
    }
}

impl std::fmt::Display for GraphvizError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GraphvizError::NotInstalled => {
                f.write_str("rendering SVG needs Graphviz's `dot`, which is not installed")
            }
            GraphvizError::Failed(why) => write!(f, "Graphviz's `dot` failed: {}", why.trim()),
        }
    }
}

impl std::error::Error for GraphvizError {}

/// Renders DOT text to SVG with `dot -Tsvg`.
pub fn render_svg_with_graphviz(dot: &str) -> Result<String, GraphvizError> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GraphvizError::NotInstalled,
            _ => GraphvizError::Failed(format!("cannot start `dot`: {e}")),
        })?;
    let mut stdin = child.stdin.take().expect("stdin was piped");
    let input = dot.to_string();
    // Write from another thread while the output is read, so that neither
    // side can fill its pipe and block the other.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| GraphvizError::Failed(format!("cannot read its output: {e}")))?;
    let written = writer.join();
    if !output.status.success() {
        let errors = String::from_utf8_lossy(&output.stderr);
        return Err(GraphvizError::Failed(if errors.trim().is_empty() {
            format!("it exited with {}", output.status)
        } else {
            errors.into_owned()
        }));
    }
    if !matches!(written, Ok(Ok(()))) {
        return Err(GraphvizError::Failed(
            "it did not read its input".to_string(),
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| GraphvizError::Failed("its output is not UTF-8".to_string()))
}
