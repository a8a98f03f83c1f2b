//! This module defines how a saved session keeps the data documents loaded
//! during it: each document whole, in comment lines of the `.dl` file, so
//! that `:load` restores its facts with their sources, paragraphs and
//! grades, even when the original file has moved or changed since.
//!
//! ```text
//! // sleuth-data: fixtures/extra-report.json
//! //| {
//! //|   "source": { "id": "test-extra-report", ... },
//! //| }
//! ```
//!
//! Comments keep the file a valid Datalog text for any reader; only
//! `:load` reads the documents. A document is parsed where it stands in the
//! session file, so an error in it names the file's own line and column.

use super::Workspace;

/// The line that starts a kept document, followed by its name.
const HEADER: &str = "// sleuth-data: ";
/// What starts each line of a kept document.
const LINE: &str = "//|";

/// A data document to load: its name (the path it was loaded from) and
/// text, and, when it is read from elsewhere, the name and text to parse so
/// that errors point there.
pub(super) struct Document {
    pub(super) name: String,
    pub(super) text: String,
    pub(super) parse_as: Option<(String, String)>,
}

/// A text with its runs of whitespace made one space, for comparing
/// entries as written.
pub(super) fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The documents of a session as comment lines (see the module's doc).
pub(super) fn write_documents(documents: &[(String, String)]) -> String {
    if documents.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n// The data documents loaded in the session, whole: `:load` restores their facts\n\
         // with their sources, paragraphs and grades.\n",
    );
    for (name, text) in documents {
        out.push_str(HEADER);
        out.push_str(&name.replace(['\n', '\r'], " "));
        out.push('\n');
        for line in text.lines() {
            out.push_str(LINE);
            if !line.is_empty() {
                out.push(' ');
                out.push_str(line);
            }
            out.push('\n');
        }
    }
    out
}

/// The documents kept in a session file's text named `file`: each with its
/// text, parsed as the file's text with everything but the document blanked
/// out (so line and column numbers are the file's).
fn read_documents(file: &str, text: &str) -> Vec<Document> {
    // Each document's name and the byte ranges of its lines in `text`.
    let mut found: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    let mut open = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(name) = bare.strip_prefix(HEADER) {
            found.push((name.trim().to_string(), Vec::new()));
            open = true;
        } else if let (true, Some(rest), Some((_, ranges))) =
            (open, bare.strip_prefix(LINE), found.last_mut())
        {
            let content = rest.strip_prefix(' ').unwrap_or(rest);
            ranges.push((start + bare.len() - content.len(), start + bare.len()));
        } else {
            open = false;
        }
    }
    found
        .into_iter()
        .map(|(name, ranges)| {
            let doc: String = ranges
                .iter()
                .map(|&(a, b)| format!("{}\n", &text[a..b]))
                .collect();
            let mut masked: Vec<u8> = text
                .bytes()
                .map(|b| if b == b'\n' { b'\n' } else { b' ' })
                .collect();
            for &(a, b) in &ranges {
                masked[a..b].copy_from_slice(&text.as_bytes()[a..b]);
            }
            let masked = String::from_utf8(masked).expect("whole lines copied into ASCII blanks");
            // An ACLED export is read as CSV under its own name (its errors
            // name its lines as kept in the session file).
            let parse_as = (!crate::io::acled::is_csv(&name)).then(|| (file.to_string(), masked));
            Document {
                name,
                text: doc,
                parse_as,
            }
        })
        .collect()
}

impl Workspace {
    /// The documents kept in the session file `file` (its text `text`) that
    /// the session has not loaded yet, and the names of those it has (same
    /// name and text).
    pub(super) fn kept_documents(&self, file: &str, text: &str) -> (Vec<Document>, Vec<String>) {
        let mut fresh = Vec::new();
        let mut already = Vec::new();
        for doc in read_documents(file, text) {
            let loaded = self
                .session_documents
                .iter()
                .any(|(name, text)| *name == doc.name && text.lines().eq(doc.text.lines()));
            if loaded {
                already.push(doc.name);
            } else {
                fresh.push(doc);
            }
        }
        (fresh, already)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_written_are_read_back_whole_and_in_place() {
        let docs = vec![
            (
                "a.json".to_string(),
                "{\n  \"x\": 1,\n\n  \"y\": \"é\"\n}\n".to_string(),
            ),
            ("b.json".to_string(), "{}\n".to_string()),
        ];
        let file = format!("fact(1).\n{}", write_documents(&docs));
        let read = read_documents("s.dl", &file);
        assert_eq!(read.len(), 2);
        for (doc, (name, text)) in read.iter().zip(&docs) {
            assert_eq!((&doc.name, &doc.text), (name, text));
            let (as_name, masked) = doc.parse_as.as_ref().expect("read from the file");
            assert_eq!(as_name, "s.dl");
            assert_eq!(masked.len(), file.len(), "offsets are the file's");
            assert_eq!(masked.lines().count(), file.lines().count());
            let parsed: serde_json::Value = serde_json::from_str(masked).expect("JSON");
            let original: serde_json::Value = serde_json::from_str(text).expect("JSON");
            assert_eq!(parsed, original);
        }
        // The first document's `"x"` is where it is in the file.
        let masked = &read[0].parse_as.as_ref().expect("located").1;
        let at = masked.find("\"x\"").expect("x");
        assert_eq!(&file[at..at + 3], "\"x\"");
    }

    #[test]
    fn a_file_without_documents_has_none() {
        assert!(read_documents("s.dl", "a(1).\n// a comment\n").is_empty());
        assert_eq!(write_documents(&[]), "");
    }
}
