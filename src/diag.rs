//! This module defines source locations and diagnostics: every error sleuth
//! reports about a program, a data file or a command is a [`Diagnostic`] with a
//! stable kebab-case code, a primary [`Span`], optional secondary labels, notes
//! and help, rendered with the source line and a caret under the span.
//!
//! This module depends on nothing else in the crate (build.rs includes it).

use std::fmt;

/// Identifies one text registered in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// A byte range `start..end` in one source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The text the range is in.
    pub source: SourceId,
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// A span covering `start..end` of `source`.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both `self` and `other` (same source).
    pub fn to(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One named text: a rule file, a data file, a line typed in the REPL.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, `<repl:3>`, `<query>`).
    pub name: String,
    /// The full text.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(name: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|&e| e - 1)
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches('\r')
    }
}

/// All texts sleuth has read, so spans can be turned into `file:line:col`.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Registers a text and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.files.push(SourceFile::new(name.into(), text.into()));
        SourceId(self.files.len() as u32 - 1)
    }

    /// The file behind an id.
    pub fn file(&self, id: SourceId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let text = &self.file(span.source).text;
        let end = (span.end as usize).min(text.len());
        let start = (span.start as usize).min(end);
        &text[start..end]
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let file = self.file(span.source);
        let (line, col) = file.line_col(span.start as usize);
        format!("{}:{}:{}", file.name, line, col)
    }

    /// Number of registered texts.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no text is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Forgets every text registered after the first `len` (used to roll back
    /// a rejected REPL input so the session stays as it was).
    pub fn truncate(&mut self, len: usize) {
        self.files.truncate(len);
    }
}

/// A problem found in a program, a data file, a command, or at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `arity-mismatch`.
    pub code: &'static str,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where; `None` for errors without a place in a text.
    pub span: Option<Span>,
    /// A label under the primary caret.
    pub label: Option<String>,
    /// Other places that explain the error (e.g. the conflicting declaration).
    pub secondary: Vec<(Span, String)>,
    /// Extra facts, rendered as `= note: ...`.
    pub notes: Vec<String>,
    /// What to do, rendered as `= help: ...`.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, a message and a primary span.
    pub fn new(code: &'static str, message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// Adds a label shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary place.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic the way rustc does:
    ///
    /// ```text
    /// error[unknown-relation]: relation `edg` is not defined
    ///  --> tc.dl:3:19
    ///   |
    /// 3 | path(x, y) :- edg(x, y).
    ///   |               ^^^ did you mean `edge`?
    ///   = help: declare it with `.decl edg(...)` or fix the name
    /// ```
    pub fn render(&self, sources: &SourceMap) -> String {
        let mut out = format!("error[{}]: {}\n", self.code, self.message);
        if let Some(span) = self.span {
            render_snippet(&mut out, sources, span, self.label.as_deref().unwrap_or(""));
        } else if let Some(label) = &self.label {
            out.push_str(&format!("  = {label}\n"));
        }
        for (span, label) in &self.secondary {
            render_snippet(&mut out, sources, *span, label);
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        out
    }
}

fn render_snippet(out: &mut String, sources: &SourceMap, span: Span, label: &str) {
    let file = sources.file(span.source);
    let (line, col) = file.line_col(span.start as usize);
    let (end_line, end_col) = file.line_col(span.end as usize);
    let text = file.line_text(line);
    let width = line.to_string().len();
    let pad = " ".repeat(width);
    let carets = if end_line == line {
        (end_col.saturating_sub(col)).max(1)
    } else {
        (text.chars().count() + 1).saturating_sub(col).max(1)
    };
    out.push_str(&format!("{pad}--> {}:{}:{}\n", file.name, line, col));
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{line} | {text}\n"));
    let lead: String = text
        .chars()
        .take(col - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}")
    };
    out.push_str(&format!("{pad} | {lead}{}{label}\n", "^".repeat(carets)));
}

/// Several diagnostics: a checker collects all of a program's errors before
/// it reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders each diagnostic, separated by blank lines.
    pub fn render(&self, sources: &SourceMap) -> String {
        self.0
            .iter()
            .map(|d| d.render(sources))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The codes, in order (handy in tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.0.iter().map(|d| d.code).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

/// Suggests the known name closest to `name` (edit distance at most a third of
/// its length, at least 1), for did-you-mean hints.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let mut map = SourceMap::new();
        let id = map.add("t.dl", "a(X).\np(X) :- edg(X).\n");
        let d = Diagnostic::new(
            "unknown-relation",
            "relation `edg` is not defined",
            Some(Span::new(id, 14, 17)),
        )
        .with_label("did you mean `edge`?");
        let text = d.render(&map);
        assert!(text.contains(" --> t.dl:2:9"), "{text}");
        assert!(text.contains("2 | p(X) :- edg(X)."), "{text}");
        assert!(text.contains("  |         ^^^ did you mean"), "{text}");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("edg", ["edge", "path"]), Some("edge"));
        assert_eq!(did_you_mean("zzz", ["edge", "path"]), None);
    }
}
