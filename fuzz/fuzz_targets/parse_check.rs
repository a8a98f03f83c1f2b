//! Fuzz target: the parser and the checker on arbitrary text, the way a
//! rule file reaches them (`check::check_sources`).
//!
//! For each input: no panic, no hang; a program that checks passes
//! `check::verify`; a rejected one has at least one diagnostic, each with a
//! help line and a span inside the text on character boundaries, and the
//! diagnostics render.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sleuth::SourceMap;
use sleuth::check::{check_sources, verify};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.dl", text);
    match check_sources(&sources, &[id]) {
        Ok(program) => {
            if let Err(e) = verify(&program) {
                panic!("a checked program breaks an invariant: {e}");
            }
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "rejected without a diagnostic");
            for d in &diags.0 {
                assert!(d.help.is_some(), "diagnostic without help: {d}");
                if let Some(span) = d.span {
                    let (s, e) = (span.start as usize, span.end as usize);
                    assert!(
                        s <= e
                            && e <= text.len()
                            && text.is_char_boundary(s)
                            && text.is_char_boundary(e),
                        "span {s}..{e} outside the text in {d}"
                    );
                }
            }
            assert!(!diags.render(&sources).is_empty(), "empty rendering");
        }
    }
});
