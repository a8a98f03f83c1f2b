//! Build script: embeds data/*.json and rules/*.dl into the binary, so that
//! `sleuth` with no flags works from any folder, and compiles the rule
//! library (rules/*.dl) into a crepe program. The library is parsed and
//! checked with the same front end the interpreter uses (the crate
//! `sleuth-front`, through `sleuth-codegen`); a rule error fails the build
//! with the rule file's own line and column; the generated program goes to
//! `$OUT_DIR/compiled_rules.rs`, which `src/compiled/mod.rs` includes.

use sleuth_codegen::{codegen, library};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn embed() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for (name, dir, ext) in [("DATA", "data", "json"), ("RULES", "rules", "dl")] {
        let files = list(&Path::new(&root).join(dir), ext);
        println!("cargo:rerun-if-changed={dir}");
        writeln!(
            code,
            "/// Every `{dir}/*.{ext}` file at build time: (name, text)."
        )
        .expect("write to String");
        writeln!(code, "pub const {name}: &[(&str, &str)] = &[").expect("write to String");
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let shown = format!(
                "{dir}/{}",
                file.file_name()
                    .expect("listed files have names")
                    .to_string_lossy()
            );
            writeln!(
                code,
                "    ({shown:?}, include_str!({:?})),",
                file.display().to_string()
            )
            .expect("write to String");
        }
        writeln!(code, "];").expect("write to String");
    }
    std::fs::write(Path::new(&out).join("embedded_files.rs"), code).expect("OUT_DIR is writable");
}

/// The files of `dir` with extension `ext`, sorted by name.
fn list(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The rule files, sorted by name, as (name shown in diagnostics, text).
fn read_rules(dir: &Path) -> Vec<(String, String)> {
    list(dir, "dl")
        .into_iter()
        .map(|path| {
            let name = format!(
                "rules/{}",
                path.file_name()
                    .expect("listed files have names")
                    .to_string_lossy()
            );
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                eprintln!("error: cannot read {name}: {e}");
                std::process::exit(1)
            });
            (name, text)
        })
        .collect()
}

fn compile_rules() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let files = read_rules(&root.join("rules"));
    let generated = match library::compile_library(&files, &codegen::Options::in_crate()) {
        Ok(g) => g,
        Err(rendered) => {
            eprintln!("{rendered}");
            eprintln!("error: the rule library in rules/ does not check; fix the rule above");
            std::process::exit(1);
        }
    };
    for s in &generated.skipped {
        println!(
            "cargo:warning=the rule at {} is left to the interpreter: {}",
            s.location, s.reason
        );
    }
    let path = out.join("compiled_rules.rs");
    if let Err(e) = std::fs::write(&path, generated.code) {
        eprintln!("error: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

fn main() {
    embed();
    compile_rules();
}
