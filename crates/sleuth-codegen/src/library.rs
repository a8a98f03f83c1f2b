//! This module defines the whole build-time compilation of a rule library:
//! parse and check its files with the interpreter's front end, then generate
//! the compiled program. build.rs calls it on rules/*.dl; a rule error comes
//! back rendered against the rule file's own lines, so the build fails
//! pointing at the .dl file, never at generated code.

use super::codegen::{Generated, Options, generate};
use super::hash::library_hash;
use sleuth_front::diag::{Diagnostics, SourceMap};

/// Compiles a rule library given as `(name, text)` files (names as they
/// should appear in diagnostics, e.g. `rules/geography.dl`). Files are taken
/// in name order. On failure, returns every error rendered with its file,
/// line, column and caret.
pub fn compile_library(files: &[(String, String)], options: &Options) -> Result<Generated, String> {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut sources = SourceMap::new();
    let mut modules = Vec::new();
    let mut errors = Diagnostics::default();
    for (name, text) in sorted {
        let id = sources.add(name.clone(), text.clone());
        match sleuth_front::syntax::parse(&sources, id) {
            Ok(m) => modules.push(m),
            Err(d) => errors.0.extend(d.0),
        }
    }
    if !errors.is_empty() {
        return Err(errors.render(&sources));
    }
    let program = sleuth_front::check::check(&sources, &modules).map_err(|d| d.render(&sources))?;
    Ok(generate(&program, &sources, library_hash(files), options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(texts: &[(&str, &str)]) -> Vec<(String, String)> {
        texts
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_broken_rule_fails_at_its_own_file_line_and_column() {
        let lib = files(&[
            (
                "rules/a.dl",
                ".decl edge(x: symbol, y: symbol)\n.input edge\n",
            ),
            (
                "rules/b.dl",
                ".decl path(x: symbol, y: symbol)\npath(X, Y) :- edge(X, Y).\npath(X, Z) :- edg(X, Y), path(Y, Z).\n",
            ),
        ]);
        let err = compile_library(&lib, &Options::in_crate()).expect_err("`edg` is unknown");
        assert!(err.contains("error[unknown-relation]"), "{err}");
        assert!(err.contains("--> rules/b.dl:3:15"), "{err}");
        assert!(
            err.contains("3 | path(X, Z) :- edg(X, Y), path(Y, Z)."),
            "{err}"
        );
    }

    #[test]
    fn a_syntax_error_points_at_the_file() {
        let lib = files(&[("rules/c.dl", "p(X) :- q(X)\nq(1).\n")]);
        let err = compile_library(&lib, &Options::in_crate()).expect_err("missing dot");
        assert!(err.contains("error[syntax]"), "{err}");
        assert!(err.contains("rules/c.dl:"), "{err}");
    }

    #[test]
    fn a_good_library_compiles_with_its_hash() {
        let lib = files(&[(
            "rules/t.dl",
            ".decl edge(x: number, y: number)\n.input edge\n.decl path(x: number, y: number)\npath(X, Y) :- edge(X, Y).\npath(X, Z) :- edge(X, Y), path(Y, Z).\n",
        )]);
        let out = compile_library(&lib, &Options::in_crate()).expect("checks");
        assert!(out.code.contains(&format!("{:#018x}", library_hash(&lib))));
        assert!(out.code.contains("//   rules/t.dl:5"), "{}", out.code);
    }
}
