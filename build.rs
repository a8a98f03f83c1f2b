//! Build script: embeds data/*.json and rules/*.dl into the binary, so that
//! `sleuth` with no flags works from any folder.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
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
