//! Tests of the rule library's text that need no engine: rules/schema.dl
//! declares exactly the base relations the data loader fills, every relation a
//! rule uses is declared, the relations analysts rely on exist with their
//! arity, and every declaration and rule says what it means in a comment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sleuth::io::data::BASE_RELATIONS;

/// The functors and aggregate keywords that look like atoms in rule text.
const NOT_RELATIONS: &[&str] = &[
    "cat",
    "strlen",
    "substr",
    "contains",
    "to_number",
    "to_string",
    "to_float",
    "min",
    "max",
    "add_months",
    "months_between",
    "year",
    "month",
    "count",
    "sum",
];

fn rule_files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "dl"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// `.decl name(a: t, b: u)` -> (name, [(a, t), (b, u)]).
fn parse_decl(line: &str) -> (String, Vec<(String, String)>) {
    let rest = line
        .trim()
        .strip_prefix(".decl")
        .expect("a .decl line")
        .trim();
    let (name, args) = rest.split_once('(').expect("an argument list");
    let args = args.trim_end().strip_suffix(')').expect("closed");
    let columns = args
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            let (n, t) = a.split_once(':').expect("attr: type");
            (n.trim().to_string(), t.trim().to_string())
        })
        .collect();
    (name.trim().to_string(), columns)
}

fn declarations() -> BTreeMap<String, (String, Vec<(String, String)>)> {
    let mut decls = BTreeMap::new();
    for (file, text) in rule_files() {
        for line in text.lines().filter(|l| l.trim_start().starts_with(".decl")) {
            let (name, cols) = parse_decl(line);
            let previous = decls.insert(name.clone(), (file.clone(), cols));
            assert!(previous.is_none(), "{name} is declared twice");
        }
    }
    decls
}

/// Rule lines: neither comments, nor declarations, nor blank.
fn rules() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (file, text) in rule_files() {
        for line in text.lines() {
            let t = line.trim();
            if !(t.is_empty() || t.starts_with("//") || t.starts_with('.')) {
                out.push((file.clone(), t.to_string()));
            }
        }
    }
    out
}

/// The names written just before a `(` outside string literals.
fn atoms(rule: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut word = String::new();
    let mut in_string = false;
    for c in rule.chars() {
        if c == '"' {
            in_string = !in_string;
        }
        if in_string {
            word.clear();
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            if c == '(' && !word.is_empty() && !NOT_RELATIONS.contains(&word.as_str()) {
                names.push(word.clone());
            }
            word.clear();
        }
    }
    names
}

#[test]
fn schema_declares_exactly_the_base_relations_of_the_data_format() {
    let decls = declarations();
    let in_schema: Vec<(&String, &Vec<(String, String)>)> = decls
        .iter()
        .filter(|(_, (file, _))| file == "schema.dl")
        .map(|(name, (_, cols))| (name, cols))
        .collect();
    assert_eq!(in_schema.len(), BASE_RELATIONS.len());
    for (name, columns) in BASE_RELATIONS {
        let (file, cols) = decls
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is not declared"));
        assert_eq!(file, "schema.dl", "{name}");
        let expected: Vec<(String, String)> = columns
            .iter()
            .map(|(n, t)| (n.to_string(), t.name().to_string()))
            .collect();
        assert_eq!(cols, &expected, "{name}");
    }
}

#[test]
fn the_relations_analysts_rely_on_exist_with_their_arity() {
    let decls = declarations();
    let required = [
        ("within", 2),
        ("cell_country", 2),
        ("active_in", 2),
        ("recruitment_pipeline", 2),
        ("multi_theater_fighter", 1),
        ("multi_theater_origin", 1),
        ("recurring_hotspot", 1),
        ("joint_operation", 3),
        ("cells_per_operation", 2),
        ("escalation", 2),
        ("theater_arrest_without_home_record", 1),
        ("senior_foreign_member", 2),
        ("source", 2),
        ("located_in", 2),
        ("theater_area", 2),
        ("arrest", 3),
        ("fighter_flow", 2),
        ("fighter_relocation", 2),
        ("person_group", 2),
        ("recruiting_for", 2),
        ("cell_linked_to", 2),
        ("org_cell_country", 2),
        ("headcount", 2),
        ("arrested_at_least", 2),
    ];
    for (name, arity) in required {
        let (_, cols) = decls
            .get(name)
            .unwrap_or_else(|| panic!("{name} is missing"));
        assert_eq!(cols.len(), arity, "{name}");
    }
    let cells = &decls["cells_per_operation"].1;
    assert_eq!(cells[1].1, "number");
    assert_eq!(decls["person_group"].1[1].1, "number");
}

#[test]
fn every_relation_a_rule_uses_is_declared_and_every_derived_one_has_a_rule() {
    let decls = declarations();
    let mut heads = BTreeSet::new();
    for (file, rule) in rules() {
        assert!(rule.ends_with('.'), "{file}: one rule per line: {rule}");
        for name in atoms(&rule) {
            assert!(
                decls.contains_key(&name),
                "{file}: `{name}` is not declared: {rule}"
            );
        }
        let head = atoms(&rule).into_iter().next().expect("a head");
        heads.insert(head);
    }
    for (name, (file, _)) in &decls {
        // schema.dl and provenance.dl declare what the data fills.
        if file != "schema.dl" && file != "provenance.dl" {
            assert!(
                heads.contains(name),
                "{file}: {name} is declared but never derived"
            );
        } else {
            assert!(
                !heads.contains(name),
                "{name} is filled from the data but a rule derives it"
            );
        }
    }
}

#[test]
fn every_declaration_and_rule_says_what_it_means() {
    for (file, text) in rule_files() {
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        assert!(
            lines[0].starts_with("//"),
            "{file} opens with what it is about"
        );
        for (i, line) in lines.iter().enumerate() {
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let above = if i == 0 { "" } else { lines[i - 1] };
            assert!(
                above.starts_with("// ") && above.len() > 12,
                "{file}:{}: `{line}` needs a one-line comment above it",
                i + 1
            );
        }
    }
}
