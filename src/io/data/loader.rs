//! This module defines [`DataLoader`], which reads data documents one after
//! another into one [`DataSet`]. Each document loads whole or not at all: on
//! any error the loader stays exactly as it was, and the error names the
//! file, the line and column, and the JSON path of the bad value.
//!
//! Documents of different sources merge: an id several of them declare is one
//! entity, each fact keeps one attestation per document, and a single-valued
//! field they give differently is a conflict ([`DataSet::conflicts`]). A
//! document whose source is already loaded is not read again: with the same
//! JSON it is a no-op, with other JSON an error.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Code, Diagnostic, SourceId, SourceMap, Span};

use super::attested::split_code;
use super::dataset::DataSet;
use super::format::Document;
use super::locate::{JsonPath, locate, locate_repeated_key, offset_of};
use super::lower::lower;
use super::registry::Registry;

/// Reads data documents into one data set, checking ids and references
/// across all the documents it has read.
#[derive(Clone, Debug, Default)]
pub struct DataLoader {
    pub(super) data: DataSet,
    pub(super) registry: Registry,
    /// The JSON of each loaded document and the name it was loaded as, by
    /// source id, to tell a document loaded again from a changed one.
    /// (Shared: a bundle's JSON stands for each of its sources.)
    pub(super) loaded: BTreeMap<String, (String, Arc<serde_json::Value>)>,
    /// What each STIX bundle loaded gave and left out, with its name.
    pub(super) stix: Vec<(String, crate::io::stix::ImportSummary)>,
}

impl DataLoader {
    /// A loader that has read nothing.
    pub fn new() -> DataLoader {
        DataLoader::default()
    }

    /// Everything loaded so far.
    pub fn data(&self) -> &DataSet {
        &self.data
    }

    /// What each STIX bundle loaded so far mapped and skipped, with the
    /// name it was loaded as, in load order.
    pub fn stix_imports(&self) -> &[(String, crate::io::stix::ImportSummary)] {
        &self.stix
    }

    /// Everything loaded, by value.
    pub fn into_data(self) -> DataSet {
        self.data
    }

    /// Loads one document from its text. `name` is how diagnostics name it
    /// (a path). The text is registered in `sources`, so the diagnostic can
    /// be rendered with its line and caret. Returns the facts of this
    /// document; the loader keeps them too. On error nothing is loaded.
    ///
    /// A document whose source id is already loaded gives nothing new: when
    /// its JSON is the same (whitespace and layout aside) it returns an empty
    /// data set ([`DataLoader::is_loaded_again`] tells it apart); when it
    /// differs it is a `duplicate-source` error.
    pub fn load_str(
        &mut self,
        sources: &mut SourceMap,
        name: &str,
        text: &str,
    ) -> Result<DataSet, Diagnostic> {
        if crate::io::acled::is_csv(name) {
            return self.load_acled(sources, name, text);
        }
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(text)
            && crate::io::stix::is_bundle(&json)
        {
            return self.load_stix(sources, name, text, json);
        }
        let file = sources.add(name, text);
        let doc = parse(sources, file)?;
        // The text parsed as a document just above, so it is JSON.
        let json: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        if let Some((first, before)) = self.loaded.get(&doc.source.id) {
            if **before == json {
                return Ok(DataSet::default());
            }
            return Err(changed_source(sources, file, &doc.source.id, first));
        }
        let mut registry = self.registry.clone();
        let loaded = lower(&doc, sources, file, &mut registry)?;
        self.registry = registry;
        self.loaded
            .insert(doc.source.id.clone(), (name.to_string(), Arc::new(json)));
        self.data.extend(loaded.clone());
        Ok(loaded)
    }

    /// Whether `text` is a document this loader has already read, with the
    /// same JSON: loading it again adds nothing.
    pub fn is_loaded_again(&self, text: &str) -> bool {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
            return false;
        };
        json.get("source")
            .and_then(|s| s.get("id"))
            .and_then(|id| id.as_str())
            .and_then(|id| self.loaded.get(id))
            .is_some_and(|(_, before)| **before == json)
    }

    /// Loads one document from a file.
    pub fn load_file(
        &mut self,
        sources: &mut SourceMap,
        path: &Path,
    ) -> Result<DataSet, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| unreadable(path, &e))?;
        self.load_str(sources, &path.display().to_string(), &text)
    }

    /// Loads every `*.json` file of a folder, in name order, then its `*.csv`
    /// files (ACLED exports, see [`crate::io::acled`]), as one unit: on an
    /// error in any of them, nothing from the folder is loaded.
    pub fn load_dir(&mut self, sources: &mut SourceMap, dir: &Path) -> Result<DataSet, Diagnostic> {
        let entries = std::fs::read_dir(dir).map_err(|e| unreadable(dir, &e))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| unreadable(dir, &e))?.path();
            let ext = path.extension().and_then(|e| e.to_str());
            if matches!(ext, Some("json" | "csv")) && path.is_file() {
                paths.push(path);
            }
        }
        // Reports first, so the places they declare are the ones events name.
        paths.sort_by_key(|p| (p.extension().is_some_and(|e| e == "csv"), p.clone()));
        self.load_all(|loader| {
            let mut all = DataSet::default();
            for path in &paths {
                all.extend(loader.load_file(sources, path)?);
            }
            Ok(all)
        })
    }

    /// Loads a file (a `.csv` file as an ACLED export), or every `*.json`
    /// and `*.csv` file of a folder (see [`DataLoader::load_dir`]).
    pub fn load_path(
        &mut self,
        sources: &mut SourceMap,
        path: &Path,
    ) -> Result<DataSet, Diagnostic> {
        if path.is_dir() {
            self.load_dir(sources, path)
        } else {
            self.load_file(sources, path)
        }
    }

    /// Loads the documents built into sleuth (see [`super::embedded`]), as one unit.
    pub fn load_embedded(&mut self, sources: &mut SourceMap) -> Result<DataSet, Diagnostic> {
        self.load_all(|loader| {
            let mut all = DataSet::default();
            for (name, text) in super::embedded() {
                all.extend(loader.load_str(sources, name, text)?);
            }
            Ok(all)
        })
    }

    /// Loads the built-in documents (when `builtin`) and then each path (a
    /// file, or a folder of `*.json` files), as `--data` does, as one unit:
    /// on an error nothing is loaded.
    pub fn load_inputs(
        &mut self,
        sources: &mut SourceMap,
        builtin: bool,
        paths: &[std::path::PathBuf],
    ) -> Result<DataSet, Diagnostic> {
        self.load_all(|loader| {
            let mut all = DataSet::default();
            if builtin {
                all.extend(loader.load_embedded(sources)?);
            }
            for path in paths {
                all.extend(loader.load_path(sources, path)?);
            }
            Ok(all)
        })
    }

    /// Runs several loads as one: restores the loader if any fails.
    pub(super) fn load_all(
        &mut self,
        load: impl FnOnce(&mut DataLoader) -> Result<DataSet, Diagnostic>,
    ) -> Result<DataSet, Diagnostic> {
        let before = self.clone();
        load(self).inspect_err(|_| *self = before)
    }
}

/// A document of a source already loaded, with other content.
fn changed_source(sources: &SourceMap, file: SourceId, id: &str, first: &str) -> Diagnostic {
    let text = &sources.file(file).text;
    let path = JsonPath::default().key("source").key("id");
    let span = locate(text, &path).map(|l| Span::new(file, l.value.0, l.value.1));
    Diagnostic::new(
        Code::DuplicateSource,
        format!(
            "source.id: the source `{id}` is already loaded, from `{first}`, with other content"
        ),
        span,
    )
    .with_label("this source is loaded already")
    .with_note(format!("first loaded from {first}"))
    .with_help(
        "a source is loaded once: if this is another report, give it its own source id; \
         if it is a corrected version of the same one, load it instead of the first \
         (in a new session, or with --no-builtin-data for a built-in document)",
    )
}

fn unreadable(path: &Path, err: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::UnreadableFile,
        format!("cannot read data `{}`: {err}", path.display()),
        None,
    )
    .with_help("check the path given with --data (a JSON file or a folder of them)")
}

/// Parses the document, turning serde's errors into diagnostics.
fn parse(sources: &SourceMap, file: SourceId) -> Result<Document, Diagnostic> {
    parse_json(sources, file)
}

/// Parses a JSON file as a `T` (a data document, a STIX bundle), turning
/// serde's errors into diagnostics located by their JSON path.
pub(super) fn parse_json<T: serde::de::DeserializeOwned>(
    sources: &SourceMap,
    file: SourceId,
) -> Result<T, Diagnostic> {
    let text = &sources.file(file).text;
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| serde_error(sources, file, JsonPath::from_serde(e.path()), e.inner()))?;
    de.end()
        .map_err(|e| serde_error(sources, file, JsonPath::default(), &e))?;
    Ok(doc)
}

fn serde_error(
    sources: &SourceMap,
    file: SourceId,
    path: JsonPath,
    err: &serde_json::Error,
) -> Diagnostic {
    use serde_json::error::Category;
    let text = &sources.file(file).text;
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let at_position = || {
        let offset = offset_of(text, err.line(), err.column());
        let end = text[offset..]
            .chars()
            .next()
            .map_or(offset, |c| offset + c.len_utf8());
        Span::new(file, offset, end)
    };
    if matches!(
        err.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        let help = if err.classify() == Category::Eof {
            "the document ends too early: close every `{`, `[` and string"
        } else {
            "fix the JSON syntax here (a missing comma, quote, colon or bracket is the usual cause)"
        };
        return Diagnostic::new(
            Code::BadJson,
            format!("malformed JSON: {message}"),
            Some(at_position()),
        )
        .with_label("here")
        .with_help(help);
    }
    if path.is_root()
        && let Some(kind) = not_an_object(text)
    {
        return Diagnostic::new(
            Code::BadDocument,
            format!("this JSON document is {kind}, not a data document"),
            Some(at_start(text, file)),
        )
        .with_label("a data document starts with `{`")
        .with_help(
            "a data document is one JSON object with a `source` member and lists such as \
             `places`, `organisations`, `persons` and `operations` (data/README.md describes them)",
        );
    }
    // A data error: locate the value the path points at.
    let (code, detail) = match split_code(&message)
        .and_then(|(c, rest)| Some((Code::parse(c)?, rest)))
    {
        Some((code, rest)) => (code, rest.to_string()),
        None if message.starts_with("unknown field") => (Code::UnknownField, message.clone()),
        None if message.starts_with("missing field") => (Code::MissingField, message.clone()),
        None if message.starts_with("duplicate field") => (Code::DuplicateField, message.clone()),
        None => (Code::BadValue, message.clone()),
    };
    let located = (!path.is_root()).then(|| locate(text, &path)).flatten();
    let repeated = (code == Code::DuplicateField)
        .then(|| locate_repeated_key(text, &path, &quoted(&detail)))
        .flatten();
    let span = match located {
        _ if repeated.is_some() => {
            let (s, e) = repeated.expect("checked just above");
            Span::new(file, s, e)
        }
        Some(l) if code == Code::UnknownField || code == Code::DuplicateField => {
            let (s, e) = l.key.unwrap_or(l.value);
            Span::new(file, s, e)
        }
        Some(l) if code == Code::MissingField => Span::new(file, l.value.0, l.value.0 + 1),
        Some(l) => Span::new(file, l.value.0, l.value.1),
        None => at_position(),
    };
    let (message, label, help) = describe(code, &path, &detail);
    Diagnostic::new(code, message, Some(span))
        .with_label(label)
        .with_help(help)
}

/// What a JSON document that is not an object is (`an array` ...), or `None`
/// for an object.
fn not_an_object(text: &str) -> Option<&'static str> {
    match text.trim_start().bytes().next()? {
        b'{' => None,
        b'[' => Some("an array"),
        b'"' => Some("a string"),
        b't' | b'f' => Some("a boolean"),
        b'n' => Some("null"),
        _ => Some("a number"),
    }
}

/// The first character of the document's value.
fn at_start(text: &str, file: SourceId) -> Span {
    let start = text.len() - text.trim_start().len();
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    Span::new(file, start, end)
}

/// The first name in backquotes of a serde message (the field it is about).
fn quoted(detail: &str) -> String {
    detail.split('`').nth(1).unwrap_or("").to_string()
}

/// The message, label and help of a data error found while parsing.
fn describe(code: Code, path: &JsonPath, detail: &str) -> (String, String, String) {
    match code {
        Code::UnknownField => {
            let field = quoted(detail);
            let allowed = detail
                .split_once("expected ")
                .map(|(_, rest)| rest.replace("one of ", ""))
                .unwrap_or_else(|| "no fields".into());
            (
                format!("unknown field `{field}` in {}", parent(path)),
                "not a field of this entry".into(),
                format!(
                    "the fields allowed here are {allowed}; remove `{field}` or fix its spelling"
                ),
            )
        }
        Code::MissingField => {
            let field = quoted(detail);
            (
                format!("{path}: missing field `{field}`"),
                format!("this entry needs `{field}`"),
                format!("add `{field}` to this entry (data/README.md describes every entry)"),
            )
        }
        Code::DuplicateField => {
            let field = quoted(detail);
            (
                format!("{path}: field `{field}` is written twice"),
                "written again here".into(),
                "keep one of the two".into(),
            )
        }
        Code::BadDate => (
            format!("{path}: {detail}"),
            "not an ISO month or day".into(),
            "write dates as \"YYYY-MM\" (a month) or \"YYYY-MM-DD\" (a day)".into(),
        ),
        Code::BadGrade => (
            format!("{path}: {detail}"),
            "not an Admiralty grade".into(),
            "grades are a reliability letter A-F and a credibility digit 1-6, like \"B2\"".into(),
        ),
        _ => (
            format!("{path}: {}", plain_kinds(detail)),
            "unexpected value".into(),
            "give this field the kind of value data/README.md describes for it".into(),
        ),
    }
}

/// serde's message with the names of its kinds of values in the document's
/// words: `expected struct SourceEntry` becomes `expected an object`, `a
/// sequence` becomes `a list`.
fn plain_kinds(detail: &str) -> String {
    let mut out = detail.replace("a sequence", "a list");
    while let Some(at) = out.find("struct ") {
        let name_end = out[at + 7..]
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .map_or(out.len(), |i| at + 7 + i);
        out.replace_range(at..name_end, "an object");
    }
    out
}

/// Names the entry a path's last field belongs to.
fn parent(path: &JsonPath) -> String {
    let mut segs = path.0.clone();
    segs.pop();
    let p = JsonPath(segs);
    if p.is_root() {
        "the document".into()
    } else {
        format!("`{p}`")
    }
}
