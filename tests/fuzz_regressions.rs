//! Regression tests for what the coverage-guided fuzz targets (`fuzz/`)
//! found. Each test is named after the defect and says which target found
//! it; the minimized inputs are kept under `fuzz/regressions/TARGET/`.

use sleuth::repl::Repl;
use sleuth::session::Workspace;

/// Found next to the `printers` target's crash (a table cell of 65,536 or
/// more characters, `io::format::table`): the REPL's own listings pad their
/// columns the same way, so `:relations` panicked with "Formatting argument
/// out of range" once a relation's name was that long.
#[test]
fn relations_listing_with_a_name_of_65536_characters_does_not_panic() {
    let name = "r".repeat(70_000);
    let mut repl = Repl::new(Workspace::empty());
    let mut out = Vec::new();
    repl.execute(&format!("{name}(1)."), &mut out)
        .expect("a fact with a long relation name is accepted");
    out.clear();
    repl.execute(":relations", &mut out)
        .expect(":relations lists it");
    let listing = String::from_utf8(out).expect("UTF-8");
    let row = listing
        .lines()
        .find(|l| l.starts_with(&name))
        .expect("a row for the relation");
    assert_eq!(
        row.split_whitespace().collect::<Vec<_>>(),
        [name.as_str(), "1", "1", "session"]
    );
}
