//! This module defines how pictures reach files: the chart formats and
//! their file extensions, and a write that replaces a file whole or leaves
//! everything as it was (a temporary file in the same folder, then a
//! rename).

use crate::diag::Code;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// A format a chart is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFormat {
    /// Graphviz DOT.
    Dot,
    /// GraphML (XML).
    GraphMl,
    /// SVG rendered by Graphviz.
    Svg,
}

impl ChartFormat {
    /// Parses `dot`, `graphml` or `svg`.
    pub fn parse(name: &str) -> Option<ChartFormat> {
        match name.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(ChartFormat::Dot),
            "graphml" => Some(ChartFormat::GraphMl),
            "svg" => Some(ChartFormat::Svg),
            _ => None,
        }
    }

    /// The format's name as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            ChartFormat::Dot => "dot",
            ChartFormat::GraphMl => "graphml",
            ChartFormat::Svg => "svg",
        }
    }

    /// The format a file's extension names (`.dot`, `.gv`, `.graphml`,
    /// `.svg`), if any.
    pub fn from_path(path: &Path) -> Option<ChartFormat> {
        ChartFormat::parse(path.extension()?.to_str()?)
    }
}

/// Writes `contents` to `path` whole, or fails leaving `path` and its
/// folder as they were: the text goes to a temporary file beside `path`,
/// which is then renamed over it.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Diagnostic> {
    let fail = |why: String| {
        Diagnostic::new(
            Code::UnwritableOutput,
            format!("cannot write `{}`: {why}", path.display()),
            None,
        )
        .with_help("give --out a file in a folder that exists and that you may write to")
    };
    if path.is_dir() {
        return Err(fail("it is a folder".to_string()));
    }
    let name = path
        .file_name()
        .ok_or_else(|| fail("it names no file".to_string()))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(fail(format!(
            "the folder `{}` does not exist",
            folder.display()
        )));
    }
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(contents)?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        fail(e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_names_and_extensions() {
        assert_eq!(ChartFormat::parse("GraphML"), Some(ChartFormat::GraphMl));
        assert_eq!(
            ChartFormat::from_path(Path::new("a/b.gv")),
            Some(ChartFormat::Dot)
        );
        assert_eq!(
            ChartFormat::from_path(Path::new("b.svg")),
            Some(ChartFormat::Svg)
        );
        assert_eq!(ChartFormat::from_path(Path::new("b.png")), None);
        assert_eq!(ChartFormat::from_path(Path::new("b")), None);
    }
}
