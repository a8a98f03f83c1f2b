//! Regression tests of the REPL and the workspace under it, each named after
//! what was broken, at the library level (the transcripts in
//! `tests/transcripts/` show the same behaviour as the analyst sees it).

use std::path::PathBuf;

use sleuth::compiled::Engine;
use sleuth::eval::EvalOptions;
use sleuth::repl::{Repl, ReplError};
use sleuth::session::Workspace;

fn workspace() -> Workspace {
    Workspace::builder()
        .builtins()
        .open()
        .expect("the built-in data and rules load")
}

/// Runs one input; returns its result and what it printed.
fn run(repl: &mut Repl, input: &str) -> (Result<(), ReplError>, String) {
    let mut out = Vec::new();
    let r = repl.execute(input, &mut out).map(|_| ());
    (r, String::from_utf8(out).expect("UTF-8"))
}

fn ok(repl: &mut Repl, input: &str) -> String {
    let (r, text) = run(repl, input);
    if let Err(e) = r {
        panic!("`{input}` was rejected:\n{}", e.render());
    }
    text
}

/// The rows of `:profile`'s per-rule table (the lines after its header).
fn rule_rows(profile: &str) -> Vec<&str> {
    profile
        .lines()
        .skip_while(|l| !l.ends_with("  rule"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// Regression (`:profile` after a REPL evaluation showed an empty per-rule
/// table): the REPL's evaluations keep their per-rule statistics.
#[test]
fn profile_after_a_repl_evaluation_lists_its_rules() {
    let mut repl = Repl::new(workspace());
    let opening = ok(&mut repl, ":profile");
    assert!(
        opening.contains("note: this evaluation ran when the workspace opened"),
        "{opening}"
    );
    ok(&mut repl, "hot(P) :- recurring_hotspot(P).");
    let profile = ok(&mut repl, ":profile");
    let rows = rule_rows(&profile);
    assert!(
        rows.iter()
            .any(|r| r.ends_with("hot(P) :- recurring_hotspot(P).")),
        "{profile}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("recurring_hotspot(P) :- cell(")),
        "the library's rules too:\n{profile}"
    );
    assert!(!profile.contains("note:"), "{profile}");
}

/// Regression (under the compiled engine `:profile`'s per-rule table was
/// empty with no note why): it says the library ran compiled.
#[test]
fn profile_under_the_compiled_engine_says_why_rules_are_missing() {
    let options = EvalOptions {
        record_rounds: false,
        ..EvalOptions::default()
    };
    let ws = Workspace::builder()
        .builtins()
        .options(options)
        .engine(Engine::Compiled)
        .open()
        .expect("opens compiled");
    assert!(ws.engine_report().compiled);
    let mut repl = Repl::new(ws);
    let profile = ok(&mut repl, ":profile");
    assert!(
        profile.contains("note: the rule library ran compiled"),
        "{profile}"
    );
    assert!(profile.contains("--engine interpreted"), "{profile}");
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts/fixtures")
        .join(name)
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("repl_regressions")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Everything an analyst can observe of a session.
fn snapshot(ws: &Workspace) -> String {
    let mut out = String::new();
    for r in ws.relations() {
        let id = ws.program().relation_id(&r.name).expect("listed");
        out.push_str(&format!("{r:?} {:?}\n", ws.database().tuples(id)));
    }
    out.push_str(&format!("{:?}\n", ws.session_entries()));
    out.push_str(&format!("{:?}\n{:?}\n", ws.facts(), ws.documents()));
    out.push_str(&format!("{} texts\n", ws.sources().len()));
    out.push_str(&ws.session_text());
    out
}

/// Regression (`:save` then `:load` lost the provenance of JSON loaded in
/// the session: its facts came back ungraded, so certain, the source left
/// `:sources`, and the timeline cited `session`): the saved file keeps the
/// document, and loading it restores source, paragraph and grade, even
/// after the original document has gone.
#[test]
fn save_and_load_keep_the_provenance_of_loaded_data() {
    let dir = scratch("save_load");
    let json = dir.join("report.json");
    std::fs::copy(fixture("extra-report.json"), &json).expect("copy");
    let mut ws = workspace();
    ws.load_data_file(&json).expect("loads");
    ws.submit("<t>", "seen_in(P, Place) :- arrest(P, Place, _).")
        .expect("a rule");
    let saved = dir.join("session.dl");
    ws.save_session(&saved).expect("saves");
    std::fs::remove_file(&json).expect("the document goes away");

    let mut fresh = workspace();
    fresh.load_rules_file(&saved).expect("loads back");
    assert_eq!(fresh.session_entries().len(), 1);
    let doc = fresh
        .documents()
        .iter()
        .find(|d| d.id == "test-extra-report")
        .expect("the source is back");
    assert_eq!(doc.grade.to_string(), "B3");
    assert_eq!(doc.file, json.display().to_string());
    let arrest = fresh
        .facts()
        .iter()
        .find(|f| f.relation == "arrest" && f.values[0].to_string() == "nador-moroccan-1")
        .expect("the arrest is back as a data fact");
    assert_eq!(arrest.provenance.source, "test-extra-report");
    assert_eq!(arrest.provenance.paragraph, 2);
    assert_eq!(arrest.provenance.grade.to_string(), "B3");
    let query = |ws: &mut Workspace| ws.query("?- seen_in(P, \"Nador\").").expect("answers");
    assert_eq!(query(&mut fresh), query(&mut ws));

    let mut repl = Repl::new(fresh);
    let sources = ok(&mut repl, ":sources");
    assert!(sources.contains("test-extra-report"), "{sources}");
    let why = ok(
        &mut repl,
        ":why arrest(\"nador-moroccan-1\", \"Nador\", \"2024-03\")",
    );
    assert!(why.contains("test-extra-report ¶2, graded B3"), "{why}");
    let conf = ok(
        &mut repl,
        ":confidence ?- arrest(\"nador-moroccan-1\", P, D).",
    );
    assert!(!conf.contains("certain"), "{conf}");
    let timeline = ok(&mut repl, ":timeline --place Nador");
    assert!(timeline.contains("¶2 B3"), "{timeline}");
    assert!(!timeline.contains("session"), "{timeline}");

    // Saved again, the document is kept once; loaded twice, once.
    let again = dir.join("again.dl");
    repl.workspace().save_session(&again).expect("saves");
    let text = std::fs::read_to_string(&again).expect("reads");
    assert_eq!(text.matches("// sleuth-data: ").count(), 1, "{text}");
    let before = snapshot(repl.workspace());
    let second = repl
        .workspace_mut()
        .load_rules_file(&saved)
        .expect("a no-op");
    assert_eq!(second.added, 0);
    assert!(!second.notes.is_empty());
    assert_eq!(snapshot(repl.workspace()), before);
}

/// A document kept in a session file that has been damaged is an error at
/// the session file's own line and column, and changes nothing.
#[test]
fn a_damaged_document_in_a_session_file_is_located_and_changes_nothing() {
    let dir = scratch("damaged");
    let mut ws = workspace();
    ws.load_data_file(&fixture("extra-report.json"))
        .expect("loads");
    let saved = dir.join("session.dl");
    ws.save_session(&saved).expect("saves");
    let text = std::fs::read_to_string(&saved).expect("reads");
    let damaged = text.replace("\"grade\": \"B3\"", "\"grade\": \"Q9\"");
    assert_ne!(damaged, text);
    std::fs::write(&saved, &damaged).expect("writes");
    let line = damaged
        .lines()
        .position(|l| l.contains("Q9"))
        .expect("the bad line")
        + 1;
    let mut fresh = workspace();
    let before = snapshot(&fresh);
    let e = fresh.load_rules_file(&saved).expect_err("a bad grade");
    let rendered = e.render();
    assert!(
        rendered.contains(&format!("{}:{line}:", saved.display())),
        "{rendered}"
    );
    assert_eq!(snapshot(&fresh), before);
}

/// Regression (`:load` of the same `.dl` twice said "no change" but listed
/// every entry twice in `:rules`).
#[test]
fn loading_a_rule_file_twice_adds_its_entries_once() {
    let mut ws = workspace();
    let first = ws.load_rules_file(&fixture("watchlist.dl")).expect("loads");
    assert_eq!(first.added, 4);
    let before = snapshot(&ws);
    let second = ws
        .load_rules_file(&fixture("watchlist.dl"))
        .expect("a no-op");
    assert_eq!(second.added, 0);
    assert_eq!(
        second.notes,
        vec![format!(
            "4 entries of {} are already in the session: not added again (`:rules` lists them)",
            fixture("watchlist.dl").display()
        )]
    );
    assert_eq!(snapshot(&ws), before);
}

/// Regression (`:drop`/`:retract` refused because another session rule
/// depends on the relation did not say so): the error names the entry that
/// needs it and what to remove first.
#[test]
fn a_refused_removal_names_the_entry_that_needs_it() {
    let mut ws = workspace();
    ws.submit("<t>", "watch(\"Tangier\").\nnear(P) :- watch(P).")
        .expect("added");
    let before = snapshot(&ws);
    let e = ws.drop_relation("watch").expect_err("near needs watch");
    assert_eq!(e.codes()[0], "entry-in-use");
    let d = &e.diagnostics.0[0];
    assert_eq!(
        d.message,
        "cannot drop `watch`: session entry 2 still uses `watch`"
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("`:retract 2` or `:drop near`")),
        "{d:?}"
    );
    assert_eq!(snapshot(&ws), before);
    let e = ws.retract(1).expect_err("near needs watch");
    assert_eq!(e.codes()[0], "entry-in-use");
    assert!(
        e.render().contains("cannot retract entry 1"),
        "{}",
        e.render()
    );
    assert_eq!(snapshot(&ws), before);
    // Removing the dependent first, then the relation, works.
    ws.drop_relation("near").expect("nothing needs near");
    ws.drop_relation("watch").expect("nothing needs watch now");
}

/// Regression (`:load DIR` was refused though `--data DIR` works): a folder
/// loads as its `.json` documents, all or nothing.
#[test]
fn a_folder_loads_like_data_all_or_nothing() {
    let good = scratch("folder_good");
    std::fs::copy(fixture("extra-report.json"), good.join("a.json")).expect("copy");
    std::fs::write(good.join("notes.txt"), "not data").expect("write");
    let mut ws = workspace();
    let loaded = ws.load_file(&good).expect("a folder of data");
    assert!(loaded.changes.iter().any(|c| c.relation == "arrest"));
    assert!(ws.documents().iter().any(|d| d.id == "test-extra-report"));

    let bad = scratch("folder_bad");
    std::fs::copy(fixture("extra-report.json"), bad.join("a.json")).expect("copy");
    std::fs::copy(fixture("bad.json"), bad.join("b.json")).expect("copy");
    let mut ws = workspace();
    let before = snapshot(&ws);
    ws.load_file(&bad).expect_err("b.json is bad");
    assert_eq!(snapshot(&ws), before, "a.json was not kept either");

    let empty = scratch("folder_empty");
    let e = ws.load_file(&empty).expect_err("no documents");
    assert_eq!(e.codes(), ["no-data-files"]);
    assert_eq!(snapshot(&ws), before);
}

/// Regression (`:load` of a `.dl` with `.input` ignored the `.input`
/// silently): it is refused at the directive, changing nothing.
#[test]
fn input_in_a_loaded_rule_file_is_refused_at_the_directive() {
    let mut ws = workspace();
    let before = snapshot(&ws);
    let path = fixture("with-input.dl");
    let e = ws.load_rules_file(&path).expect_err("has .input");
    assert_eq!(e.codes(), ["input-in-session"]);
    assert!(
        e.render().contains(&format!("{}:3:1", path.display())),
        "{}",
        e.render()
    );
    assert_eq!(snapshot(&ws), before);
}
