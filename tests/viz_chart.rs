//! Link charts: the recruitment pipelines as DOT and GraphML (well-formed,
//! nodes and edges exactly as expected), kinds read from the base
//! relations, the rules for wide answers, the size bound, empty charts,
//! unwritable outputs, and SVG through Graphviz when it is installed.

#[path = "viz/support.rs"]
mod support;

use sleuth::viz::{self, ChartOptions, Kind};
use support::{
    dot_installed, golden, listing, root, scratch, sleuth, sleuth_inputs, workspace, xml,
};

const PIPELINES: &str = "?- recruitment_pipeline(Origin, Theater).";

fn pipelines() -> viz::Chart {
    let mut ws = workspace();
    viz::graph(&mut ws, PIPELINES, &ChartOptions::default()).expect("the query runs")
}

/// (kind, label) of every node, and (from label, to label, edge label) of
/// every edge.
type Shape = (Vec<(String, String)>, Vec<(String, String, String)>);

/// The nodes and edges a GraphML document declares, checked against its
/// key declarations.
fn graphml_shape(text: &str) -> Shape {
    let doc = xml(text);
    let graphml = doc.root_element();
    assert_eq!(graphml.tag_name().name(), "graphml");
    assert_eq!(
        graphml.tag_name().namespace(),
        Some("http://graphml.graphdrawing.org/xmlns")
    );
    let keys: Vec<(String, String, String)> = graphml
        .children()
        .filter(|n| n.has_tag_name("key"))
        .map(|k| {
            (
                k.attribute("id").expect("key id").to_string(),
                k.attribute("for").expect("key for").to_string(),
                k.attribute("attr.name").expect("key name").to_string(),
            )
        })
        .collect();
    for wanted in [
        ("label", "node", "label"),
        ("kind", "node", "kind"),
        ("edge_label", "edge", "label"),
    ] {
        assert!(
            keys.iter()
                .any(|k| (k.0.as_str(), k.1.as_str(), k.2.as_str()) == wanted),
            "key {wanted:?} declared in {keys:?}"
        );
    }
    let graph = graphml
        .children()
        .find(|n| n.has_tag_name("graph"))
        .expect("a graph");
    assert_eq!(graph.attribute("edgedefault"), Some("directed"));
    let data = |n: roxmltree::Node<'_, '_>, key: &str| {
        n.children()
            .find(|d| d.has_tag_name("data") && d.attribute("key") == Some(key))
            .and_then(|d| d.text())
            .unwrap_or_default()
            .to_string()
    };
    let mut labels = std::collections::HashMap::new();
    let mut nodes = Vec::new();
    for n in graph.children().filter(|n| n.has_tag_name("node")) {
        let id = n.attribute("id").expect("node id").to_string();
        let label = data(n, "label");
        assert!(
            labels.insert(id, label.clone()).is_none(),
            "node ids are unique"
        );
        nodes.push((data(n, "kind"), label));
    }
    let edges = graph
        .children()
        .filter(|n| n.has_tag_name("edge"))
        .map(|e| {
            let end = |a: &str| labels[e.attribute(a).expect("edge end")].clone();
            (end("source"), end("target"), data(e, "edge_label"))
        })
        .collect();
    (nodes, edges)
}

fn strings(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn the_pipeline_chart_has_exactly_the_origins_theaters_and_pipelines() {
    let chart = pipelines();
    let (nodes, edges) = graphml_shape(&viz::to_graphml(&chart));
    let mut nodes = nodes;
    nodes.sort();
    assert_eq!(
        nodes,
        strings(&[
            ("country", "Morocco"),
            ("country", "Spain"),
            ("country", "Syria"),
            ("theater", "Sahel"),
            ("theater", "Somalia"),
        ])
    );
    let pipeline = |a: &str, b: &str| {
        (
            a.to_string(),
            b.to_string(),
            "recruitment_pipeline".to_string(),
        )
    };
    assert_eq!(
        edges,
        [
            pipeline("Morocco", "Sahel"),
            pipeline("Morocco", "Somalia"),
            pipeline("Spain", "Sahel"),
            pipeline("Syria", "Somalia"),
        ]
    );
}

#[test]
fn the_pipeline_chart_matches_its_golden_dot_and_graphml() {
    let chart = pipelines();
    golden("pipelines.dot", &viz::to_dot(&chart));
    golden("pipelines.graphml", &viz::to_graphml(&chart));
    golden("pipelines.svg", &viz::layout_svg(&chart));
    xml(&viz::layout_svg(&chart));
}

#[test]
fn the_dot_text_is_well_formed() {
    let dot = viz::to_dot(&pipelines());
    let body: Vec<&str> = dot.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(body.first(), Some(&"digraph sleuth {"));
    assert_eq!(body.last(), Some(&"}"));
    let declared: Vec<&str> = body
        .iter()
        .map(|l| l.trim_start())
        .filter(|l| l.starts_with('n') && l[1..].starts_with(|c: char| c.is_ascii_digit()))
        .filter(|l| !l.contains("->"))
        .map(|l| l.split(' ').next().expect("a node id"))
        .collect();
    assert_eq!(declared.len(), 5);
    for line in body.iter().filter(|l| l.contains("->")) {
        let ends: Vec<&str> = line.trim().split(' ').collect();
        assert!(
            declared.contains(&ends[0]) && declared.contains(&ends[2]),
            "{line}"
        );
        assert!(
            line.ends_with("[label=\"recruitment_pipeline\"];"),
            "{line}"
        );
    }
    // Every quote is closed on every line.
    for line in &body {
        let unescaped = line.replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
}

#[test]
fn a_name_that_is_a_country_and_a_theater_takes_its_column_kind() {
    let mut ws = workspace();
    let chart = viz::graph(
        &mut ws,
        "?- theater_country(T, C).",
        &ChartOptions::default(),
    )
    .expect("the query runs");
    let ids: Vec<&str> = chart.nodes.iter().map(|n| n.id.as_str()).collect();
    assert!(
        ids.contains(&"theater:Somalia") && ids.contains(&"country:Somalia"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"theater:Sahel") && ids.contains(&"country:Mali"),
        "{ids:?}"
    );
    let kinds = |q: &str| -> Vec<(Kind, String)> {
        let mut ws = workspace();
        viz::graph(&mut ws, q, &ChartOptions::default())
            .expect("the query runs")
            .nodes
            .into_iter()
            .map(|n| (n.kind, n.label))
            .collect()
    };
    assert_eq!(
        kinds("?- member_of(P, \"Islamic State in Somalia\"), rank(P, R)."),
        [
            (Kind::Person, "ofin-moroccan-1".to_string()),
            (Kind::Value, "senior".to_string()),
            (Kind::Person, "ofin-syrian-1".to_string()),
        ]
    );
    assert_eq!(
        kinds("?- dismantled(C, \"op-2023-03\"), cell(C, P), P = \"Tetouan\"."),
        [
            (Kind::Cell, "op-2023-03/Tetouan".to_string()),
            (Kind::Place, "Tetouan".to_string()),
        ]
    );
}

#[test]
fn a_relation_name_stands_for_all_its_tuples() {
    let mut ws = workspace();
    let by_name = viz::graph(&mut ws, "recruitment_pipeline", &ChartOptions::default())
        .expect("a relation's name is a query");
    let by_query = pipelines();
    assert_eq!(by_name.nodes, by_query.nodes);
    assert_eq!(by_name.edges, by_query.edges);
    let whole = viz::relation_chart(&ws, "recruitment_pipeline", &ChartOptions::default())
        .expect("the relation exists");
    assert_eq!(whole.edges, by_query.edges);
    assert!(viz::relation_chart(&ws, "no_such_relation", &ChartOptions::default()).is_none());
}

#[test]
fn wide_answers_become_labelled_edges_or_hubs() {
    let mut ws = workspace();
    // Two entities and a number: one edge per answer, the number in its label.
    let strength = viz::graph(
        &mut ws,
        "?- pipeline_strength(C, T, N).",
        &ChartOptions::default(),
    )
    .expect("runs");
    assert_eq!(strength.nodes.len(), 5);
    let morocco_sahel: Vec<&str> = strength
        .edges
        .iter()
        .filter(|e| {
            strength.nodes[e.from].label == "Morocco" && strength.nodes[e.to].label == "Sahel"
        })
        .map(|e| e.label.as_str())
        .collect();
    assert_eq!(morocco_sahel, ["pipeline_strength (N=2)"]);
    // Three entities: a hub per answer, edges labelled by column.
    let revisits = viz::graph(
        &mut ws,
        "?- hotspot_revisit(P, Earlier, Later, M).",
        &ChartOptions::default(),
    )
    .expect("runs");
    let hubs: Vec<&str> = revisits
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Row)
        .map(|n| n.label.as_str())
        .collect();
    // Each hub says which answer it is: the first entity's value is enough
    // to tell these apart.
    assert_eq!(
        hubs,
        [
            "hotspot_revisit: Inezgane (M=3)",
            "hotspot_revisit: Tangier (M=3)",
            "hotspot_revisit: Tetouan (M=7)"
        ]
    );
    assert_eq!(revisits.edges.len(), 9);
    let labels: Vec<&str> = revisits
        .edges
        .iter()
        .take(3)
        .map(|e| e.label.as_str())
        .collect();
    assert_eq!(labels, ["P", "Earlier", "Later"]);
    // Two atoms: each edge names the atom joining its two variables.
    let arrests = viz::graph(
        &mut ws,
        "?- nationality(P, C), arrest(P, L, _).",
        &ChartOptions::default(),
    )
    .expect("runs");
    let hubs: Vec<&str> = arrests
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Row)
        .map(|n| n.label.as_str())
        .collect();
    assert!(hubs.contains(&"nationality, arrest: sale-moroccan-1"));
    assert!(hubs.iter().all(|h| h.starts_with("nationality, arrest: ")));
}

#[test]
fn defect_16_hubs_of_wide_answers_have_distinct_informative_labels() {
    let mut ws = workspace();
    // Entities only, the first column repeating: the key grows until every
    // hub is told apart.
    let chart = viz::graph(
        &mut ws,
        "?- operation_place(O, P), place_country(P, C).",
        &ChartOptions::default(),
    )
    .expect("runs");
    let hubs: Vec<&str> = chart
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Row)
        .map(|n| n.label.as_str())
        .collect();
    assert!(hubs.len() > 3);
    let distinct: std::collections::BTreeSet<&&str> = hubs.iter().collect();
    assert_eq!(distinct.len(), hubs.len(), "{hubs:?}");
    assert!(
        hubs.contains(&"operation_place, place_country: op-2023-01, Almaeria"),
        "{hubs:?}"
    );
    // The command line writes the same labels.
    let dir = scratch("graph-hubs");
    let out = sleuth_inputs(
        &[
            "graph",
            "--format",
            "dot",
            "?- hotspot_revisit(P, E, L, _).",
        ],
        &dir,
        false,
    );
    assert!(out.status.success());
    let dot = String::from_utf8_lossy(&out.stdout);
    for place in ["Inezgane", "Tangier", "Tetouan"] {
        assert!(
            dot.contains(&format!("label=\"hotspot_revisit: {place}\", shape=note")),
            "{dot}"
        );
    }
}

#[test]
fn the_size_bound_says_what_it_left_out() {
    let mut ws = workspace();
    let chart = viz::graph(&mut ws, PIPELINES, &ChartOptions { max_nodes: 3 }).expect("runs");
    assert_eq!(chart.nodes.len(), 3);
    assert_eq!(chart.edges.len(), 2);
    assert_eq!((chart.omitted_answers, chart.omitted_nodes), (2, 2));
    assert_eq!(
        chart.omission().as_deref(),
        Some("the chart is bounded at 3 nodes: 2 more nodes from 2 answers were left out")
    );
    assert!(viz::to_dot(&chart).contains("// the chart is bounded at 3 nodes"));
    let out = sleuth_inputs(&["graph", "--max-nodes", "3", PIPELINES], &root(), false);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 more nodes from 2 answers were left out; raise --max-nodes"),
        "{stderr}"
    );
    assert!(pipelines().omission().is_none());
}

#[test]
fn a_query_without_answers_draws_an_empty_chart_and_says_so() {
    let mut ws = workspace();
    let chart = viz::graph(
        &mut ws,
        "?- recruitment_pipeline(\"Mali\", T).",
        &ChartOptions::default(),
    )
    .expect("runs");
    assert!(chart.is_empty());
    assert!(chart.nodes.is_empty() && chart.edges.is_empty());
    assert!(viz::to_dot(&chart).contains("// the query has no answers: the chart is empty"));
    let (nodes, edges) = graphml_shape(&viz::to_graphml(&chart));
    assert!(nodes.is_empty() && edges.is_empty());
    assert!(viz::layout_svg(&chart).contains("no answers: the chart is empty"));
    xml(&viz::layout_svg(&chart));

    let dir = scratch("empty-chart");
    let out = sleuth(
        &[
            "graph",
            "--out",
            "empty.graphml",
            "?- recruitment_pipeline(\"Mali\", T).",
        ],
        &dir,
        false,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the query has no answers: the chart is empty"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(dir.join("empty.graphml")).expect("written");
    assert_eq!(graphml_shape(&written), (vec![], vec![]));
}

#[test]
fn a_bad_query_is_an_error() {
    let mut ws = workspace();
    let err = viz::graph(
        &mut ws,
        "?- recruitment_pipelin(O, T).",
        &ChartOptions::default(),
    )
    .expect_err("an unknown relation");
    assert_eq!(err.codes(), ["unknown-relation"]);
    let out = sleuth_inputs(&["graph", "?- recruitment_pipelin(O, T)."], &root(), false);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[unknown-relation]"));
}

#[test]
fn text_is_escaped_in_every_format() {
    let mut ws = workspace();
    let chart = viz::graph(
        &mut ws,
        "?- X = \"<b>\\\"Tom\\\" & 'Jerry'</b>\", Y = \"a\\\\b\".",
        &ChartOptions::default(),
    )
    .expect("runs");
    assert_eq!(chart.nodes[0].label, "<b>\"Tom\" & 'Jerry'</b>");
    let (nodes, _) = graphml_shape(&viz::to_graphml(&chart));
    assert_eq!(nodes[0].1, "<b>\"Tom\" & 'Jerry'</b>");
    let svg = viz::layout_svg(&chart);
    let doc = xml(&svg);
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("<b>\"Tom\" & 'Jerry'</b>"))
    );
    let dot = viz::to_dot(&chart);
    assert!(dot.contains(r#"label="<b>\"Tom\" & 'Jerry'</b>""#), "{dot}");
    assert!(dot.contains(r#"label="a\\b""#), "{dot}");
}

#[test]
fn an_unwritable_output_is_an_error_that_changes_nothing() {
    let dir = scratch("unwritable");
    std::fs::create_dir(dir.join("folder")).expect("mkdir");
    std::fs::write(dir.join("keep.dot"), "old").expect("write");
    let before = listing(&dir);
    for target in ["missing/chart.dot", "folder", ""] {
        let out = sleuth(&["graph", "--out", target, PIPELINES], &dir, false);
        assert!(!out.status.success(), "{target}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error[unwritable-output]"),
            "{target}: {stderr}"
        );
        assert_eq!(listing(&dir), before, "{target}");
        assert!(listing(&dir.join("folder")).is_empty());
    }
    let err = viz::write_atomic(&dir.join("missing").join("x.dot"), b"x").expect_err("no folder");
    assert_eq!(err.code, "unwritable-output");
    // A good path replaces the file whole and leaves no temporary file.
    viz::write_atomic(&dir.join("keep.dot"), b"new").expect("writable");
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.dot")).expect("read"),
        "new"
    );
    assert_eq!(listing(&dir), before);
}

#[test]
fn svg_without_graphviz_says_how_to_install_it_and_writes_nothing() {
    let dir = scratch("no-graphviz");
    std::fs::write(dir.join("chart.svg"), "old").expect("write");
    let out = sleuth_inputs(
        &["graph", "--svg", "--out", "chart.svg", PIPELINES],
        &dir,
        true,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[graphviz-missing]"), "{stderr}");
    assert!(
        stderr.contains("apt-get install graphviz") && stderr.contains("brew install graphviz"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("chart.svg")).expect("read"),
        "old"
    );
    assert_eq!(listing(&dir), ["chart.svg"]);
}

#[test]
fn svg_with_graphviz_renders_the_pipelines() {
    if !dot_installed() {
        println!(
            "note: Graphviz's `dot` is not installed; skipping the SVG rendering test (.ci/run installs it)"
        );
        return;
    }
    let svg = viz::render_svg_with_graphviz(&viz::to_dot(&pipelines())).expect("dot renders");
    let doc = xml(&svg);
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["Morocco", "Spain", "Syria", "Sahel", "Somalia"] {
        assert!(texts.contains(&label), "{label} drawn");
    }
    let countries = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("node country"))
        .count();
    assert_eq!(countries, 3);
    let dir = scratch("graphviz");
    let out = sleuth_inputs(&["graph", "--out", "chart.svg", PIPELINES], &dir, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.join("chart.svg")).expect("written");
    assert_eq!(xml(&written).root_element().tag_name().name(), "svg");
}

#[test]
fn the_own_layout_draws_every_kind_of_chart_as_valid_svg() {
    let mut ws = workspace();
    for query in [
        "?- located_in(P, A).",
        "?- hotspot_revisit(P, A, B, M).",
        "?- recurring_hotspot(P).",
        "?- operation(O, D).",
        "?- within(P, A), P = A.",
    ] {
        let chart = viz::graph(&mut ws, query, &ChartOptions::default()).expect("runs");
        let svg = viz::layout_svg(&chart);
        let doc = xml(&svg);
        let drawn = doc
            .descendants()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node ")))
            .count();
        assert_eq!(drawn, chart.nodes.len(), "{query}");
        let arrows = doc
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
            .count();
        assert_eq!(arrows, chart.edges.len(), "{query}");
    }
}
