//! Valid programs check without error, lower to IR that passes
//! `check::verify`, and have the strata, types and directives they should.
//! The programs mirror the benchmark workloads (transitive closure, same
//! generation, an event-analysis program) and a tour of the language.

use sleuth::check::{check_sources, verify};
use sleuth::ir::Program;
use sleuth::{SourceMap, Type};

fn checked(text: &str) -> Program {
    let mut sources = SourceMap::new();
    let id = sources.add("program.dl", text);
    let program = match check_sources(&sources, &[id]) {
        Ok(p) => p,
        Err(e) => panic!("unexpected errors:\n{}", e.render(&sources)),
    };
    if let Err(e) = verify(&program) {
        panic!("invariant broken: {e}");
    }
    program
}

fn stratum_names(p: &Program) -> Vec<Vec<String>> {
    p.strata
        .iter()
        .map(|s| {
            s.relations
                .iter()
                .map(|r| p.relations[*r].name.clone())
                .collect()
        })
        .collect()
}

fn position(p: &Program, name: &str) -> usize {
    let id = p.relation_id(name).expect("relation exists");
    p.strata
        .iter()
        .position(|s| s.relations.contains(&id))
        .expect("derived relation has a stratum")
}

#[test]
fn transitive_closure_benchmark_shape() {
    let p = checked(
        "// reachability\n.decl edge(x:number, y:number)\n.input edge(filename=\"edge.tsv\")\n\
         .decl path(x:number, y:number)\n.printsize path\n\
         path(x, y) :- edge(x, y).\npath(x, z) :- path(x, y), edge(y, z).\n",
    );
    assert_eq!(stratum_names(&p), [["path"]]);
    assert!(p.strata[0].recursive);
    assert_eq!(p.inputs[0].filename, "edge.tsv");
    assert_eq!(p.printsize.len(), 1);
}

#[test]
fn same_generation_benchmark_shape() {
    let p = checked(
        ".decl parent(p:number, c:number)\n.input parent(filename=\"parent.tsv\")\n\
         .decl sg(x:number, y:number)\n.printsize sg\n\
         sg(x, y) :- parent(p, x), parent(p, y), x != y.\n\
         sg(x, y) :- parent(a, x), sg(a, b), parent(b, y).\n",
    );
    assert_eq!(stratum_names(&p), [["sg"]]);
    assert_eq!(p.strata[0].rules, [0, 1]);
}

#[test]
fn event_analysis_benchmark_shape() {
    let p = checked(
        ".decl cell(cell:symbol, city:symbol)\n.input cell(filename=\"cell.tsv\")\n\
         .decl city_country(city:symbol, country:symbol)\n.input city_country(filename=\"city_country.tsv\")\n\
         .decl recruits_for(cell:symbol, theater:symbol)\n.input recruits_for(filename=\"recruits_for.tsv\")\n\
         .decl arrested(person:symbol, place:symbol, month:number)\n.input arrested(filename=\"arrested.tsv\")\n\
         .decl nationality(person:symbol, country:symbol)\n.input nationality(filename=\"nationality.tsv\")\n\
         .decl place_theater(place:symbol, theater:symbol)\n.input place_theater(filename=\"place_theater.tsv\")\n\
         .decl flow(from:symbol, to:symbol)\n.input flow(filename=\"flow.tsv\")\n\
         .decl pipeline(country:symbol, theater:symbol)\n\
         pipeline(co, t) :- cell(c, city), city_country(city, co), recruits_for(c, t).\n\
         .decl reach(a:symbol, b:symbol)\n\
         reach(a, b) :- flow(a, b).\nreach(a, c) :- reach(a, b), flow(b, c).\n\
         .decl in_theater(person:symbol, theater:symbol)\n\
         in_theater(p, t) :- arrested(p, pl, _), place_theater(pl, t).\n\
         .decl linked(p:symbol, q:symbol)\n\
         linked(p, q) :- arrested(p, pl, m), arrested(q, pl, m), p != q.\n\
         .decl connected(p:symbol, q:symbol)\n\
         connected(p, q) :- linked(p, q).\nconnected(p, r) :- connected(p, q), linked(q, r).\n\
         .decl arrested_in(person:symbol, country:symbol)\n\
         arrested_in(p, co) :- arrested(p, pl, _), city_country(pl, co).\n\
         .decl undetected(person:symbol)\n\
         undetected(p) :- in_theater(p, _), nationality(p, co), !arrested_in(p, co).\n\
         .printsize pipeline\n.printsize reach\n.printsize connected\n.printsize undetected\n",
    );
    assert!(position(&p, "arrested_in") < position(&p, "undetected"));
    assert!(position(&p, "in_theater") < position(&p, "undetected"));
    assert!(position(&p, "linked") < position(&p, "connected"));
    assert_eq!(p.inputs.len(), 7);
    assert_eq!(p.printsize.len(), 4);
    let recursive: Vec<String> = p
        .strata
        .iter()
        .filter(|s| s.recursive)
        .map(|s| p.relations[s.relations[0]].name.clone())
        .collect();
    assert_eq!(recursive, ["reach", "connected"]);
}

#[test]
fn a_tour_of_the_language_checks() {
    let p = checked(
        r#"
// Types, aliases and qualifiers.
.type Person <: symbol
.type Month = date
.decl member(p: Person, cell: symbol) btree
.decl seen(p: Person, place: symbol, m: Month)
.decl weight(p: Person, w: float)
.decl same_cell(a: Person, b: Person) eqrel
.pragma "legacy"

/* facts, including nullary and dates */
member("ahmed", "c1"). member("badr", "c1"). member("chakib", "c2").
seen("ahmed", "Tangier", "2024-02"). seen("badr", "Tetouan", "2024-03-15").
weight("ahmed", 2). weight("badr", 0.5).
ready().

same_cell(A, B) :- member(A, C), member(B, C).
size(C, N) :- member(_, C), N = count : { member(_, C) }.
heavy(C, S) :- member(_, C), S = sum W : { member(P, C), weight(P, W) }.
first(P, M) :- seen(P, _, _), M = min D : seen(P, _, D).
recent(P) :- seen(P, _, M), M >= "2024-03", year(M) = 2024, month(M) > 2.
later(P, L) :- seen(P, _, M), L = add_months(M, 3), months_between(M, L) = 3.
tag(P, T) :- member(P, C), T = cat(P, "@", C), strlen(T) > 3, contains("@", T).
short(P, S) :- member(P, _), S = substr(P, 0, 2).
number(P, N) :- member(P, _), N = to_number("42") + -1 * (2 ^ 3) % 5.
label(P, L) :- weight(P, W), L = to_string(W), to_float(1) < W.
biggest(M) :- size(_, N), M = max(N, 1, 2).
lonely(P) :- member(P, _), not same_cell(P, "chakib").
either(P) :- member(P, "c1") ; member(P, "c2").
both(P), seen_member(P) :- member(P, _), seen(P, _, _).
.output size, recent
.output heavy(IO=file, filename="heavy.tsv")
.printsize either
?- size(C, N), N > 1.
"#,
    );
    let rel = |name: &str| &p.relations[p.relation_id(name).expect("exists")];
    assert_eq!(rel("heavy").types(), [Type::Symbol, Type::Float]);
    assert_eq!(rel("first").types(), [Type::Symbol, Type::Date]);
    assert_eq!(rel("later").types(), [Type::Symbol, Type::Date]);
    assert_eq!(rel("number").types(), [Type::Symbol, Type::Number]);
    assert_eq!(rel("label").types(), [Type::Symbol, Type::Symbol]);
    assert_eq!(rel("ready").arity(), 0);
    assert_eq!(
        p.outputs
            .iter()
            .map(|o| o.filename.as_str())
            .collect::<Vec<_>>(),
        ["size.csv", "recent.csv", "heavy.tsv"]
    );
    assert_eq!(p.queries[0].columns, ["C", "N"]);
    assert!(position(&p, "same_cell") < position(&p, "lonely"));
}
