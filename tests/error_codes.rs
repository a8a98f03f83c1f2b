//! The error codes' one table (`sleuth::diag::Code`) against the README's
//! error table: every code is documented once with the table's meaning, no
//! row names a code that does not exist, and codes are unique. The data
//! guide's table (data/README.md) may list a subset, but only real codes.

use std::collections::BTreeMap;
use std::path::Path;

use sleuth::diag::Code;

/// The rows `| \`code\` | meaning |` of the first table headed `| code | HEADER |`.
fn table(file: &str, header: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .expect("the README is readable");
    let start = text
        .find(&format!("| code | {header} |\n|---|---|\n"))
        .unwrap_or_else(|| panic!("{file} has no error table"));
    text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let (code, meaning) = l
                .trim_matches('|')
                .split_once('|')
                .unwrap_or_else(|| panic!("a row of two cells: {l}"));
            let code = code.trim().trim_matches('`').to_string();
            (code, meaning.trim().replace("\\|", "|"))
        })
        .collect()
}

#[test]
fn the_readme_documents_every_code_once_with_its_meaning() {
    let rows = table("README.md", "meaning");
    let mut documented: BTreeMap<&str, &str> = BTreeMap::new();
    for (code, meaning) in &rows {
        assert!(
            documented.insert(code, meaning).is_none(),
            "README.md lists `{code}` twice"
        );
        assert!(
            Code::parse(code).is_some(),
            "README.md lists `{code}`, which is not a code (a stale row?)"
        );
    }
    for &code in Code::ALL {
        match documented.get(code.as_str()) {
            None => panic!("README.md's error table lacks `{code}`"),
            Some(meaning) => assert_eq!(
                *meaning,
                code.meaning(),
                "README.md's meaning of `{code}` differs from crates/sleuth-front/src/diag/code.rs"
            ),
        }
    }
    assert_eq!(rows.len(), Code::ALL.len());
}

#[test]
fn the_data_guide_lists_only_real_codes_once() {
    let rows = table("data/README.md", "what is wrong");
    assert!(!rows.is_empty());
    let mut seen = std::collections::BTreeSet::new();
    for (code, _) in &rows {
        assert!(
            Code::parse(code).is_some(),
            "data/README.md lists `{code}`, not a code"
        );
        assert!(seen.insert(code), "data/README.md lists `{code}` twice");
    }
}
