//! Fuzz target: the JSON data loader on arbitrary bytes (read as UTF-8,
//! invalid sequences replaced, as a text editor would show them).
//!
//! Each input is loaded twice: by a fresh loader, and by a loader that has
//! already read the built-in data (so references to its ids resolve and its
//! ids clash). For each load: no panic, no hang; a rejected document has a
//! diagnostic with a help line and a span inside the text, and leaves the
//! loader's data as it was; an accepted one gives facts of base relations
//! with one value of the column's type per column, written back as Datalog
//! facts that parse.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sleuth::SourceMap;
use sleuth::io::data::{DataLoader, base_relation};
use sleuth::syntax::parse;

fn embedded_loader() -> &'static (DataLoader, SourceMap) {
    static LOADER: OnceLock<(DataLoader, SourceMap)> = OnceLock::new();
    LOADER.get_or_init(|| {
        let mut sources = SourceMap::new();
        let mut loader = DataLoader::new();
        loader
            .load_embedded(&mut sources)
            .expect("the built-in data loads");
        (loader, sources)
    })
}

fn load(mut loader: DataLoader, mut sources: SourceMap, text: &str) {
    let before = loader.data().clone();
    match loader.load_str(&mut sources, "fuzz.json", text) {
        Err(d) => {
            assert!(d.help.is_some(), "diagnostic without help: {d}");
            if let Some(span) = d.span {
                let file = &sources.file(span.source).text;
                let (s, e) = (span.start as usize, span.end as usize);
                assert!(
                    s <= e
                        && e <= file.len()
                        && file.is_char_boundary(s)
                        && file.is_char_boundary(e),
                    "span {s}..{e} outside the text in {d}"
                );
            }
            assert!(!d.render(&sources).is_empty(), "empty rendering");
            assert!(
                loader.data() == &before,
                "a rejected document changed the loader's data: {d}"
            );
        }
        Ok(loaded) => {
            let mut datalog = String::new();
            for fact in &loaded.facts {
                let columns = base_relation(&fact.relation)
                    .unwrap_or_else(|| panic!("fact of an unknown relation: {fact:?}"));
                assert_eq!(columns.len(), fact.values.len(), "wrong arity: {fact:?}");
                for ((name, ty), v) in columns.iter().zip(&fact.values) {
                    assert_eq!(*ty, v.ty(), "column {name} of {fact:?}");
                }
                datalog.push_str(&fact.to_datalog());
                datalog.push('\n');
            }
            let mut facts = SourceMap::new();
            let id = facts.add("facts.dl", datalog);
            if let Err(e) = parse(&facts, id) {
                panic!(
                    "loaded facts written as Datalog do not parse:\n{}",
                    e.render(&facts)
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    load(DataLoader::new(), SourceMap::new(), &text);
    let (loader, sources) = embedded_loader();
    load(loader.clone(), sources.clone(), &text);
});
