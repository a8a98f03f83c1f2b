//! The HTML report: well-formed, self-contained (nothing fetched), holding
//! the timeline, the pipeline chart as inline SVG and every conclusion as a
//! table, with text escaped and an optional explanation provider.

#[path = "viz/support.rs"]
mod support;

use sleuth::Value;
use sleuth::session::Workspace;
use sleuth::viz::{self, CONCLUSIONS, ReportOptions, RowExplanation};
use support::{dot_installed, listing, root, scratch, sleuth_inputs, workspace, xml};

fn own_layout() -> ReportOptions<'static> {
    ReportOptions {
        graphviz: false,
        ..ReportOptions::default()
    }
}

/// The section with this id.
fn section<'a, 'i>(doc: &'a roxmltree::Document<'i>, id: &str) -> roxmltree::Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.has_tag_name("section") && n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("a section `{id}`"))
}

/// The text of a node and its descendants.
fn text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The cells of each body row of the first table in a node.
fn table_rows(node: roxmltree::Node<'_, '_>) -> Vec<Vec<String>> {
    let tbody = node
        .descendants()
        .find(|n| n.has_tag_name("tbody"))
        .expect("a table body");
    tbody
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| tr.children().filter(|c| c.is_element()).map(text).collect())
        .collect()
}

/// Fails on anything that would reach the network: scripts, stylesheets,
/// frames, or any src/href/xlink:href that is not a fragment.
fn assert_self_contained(html: &str) {
    let doc = xml(html);
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            ![
                "script", "link", "iframe", "img", "object", "embed", "image"
            ]
            .contains(&tag),
            "no <{tag}> element"
        );
        for attr in node.attributes() {
            if ["src", "href"].contains(&attr.name()) {
                let v = attr.value();
                assert!(
                    v.starts_with('#'),
                    "{}={v} points outside the page",
                    attr.name()
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("@import") && !lower.contains("url(http"),
        "no CSS fetches"
    );
    for scheme in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!lower.contains(scheme), "{scheme}");
    }
}

#[test]
fn the_report_is_well_formed_and_self_contained() {
    let html = viz::report_html(&workspace(), &own_layout());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_self_contained(&html);
    let doc = xml(&html);
    assert_eq!(doc.root_element().tag_name().name(), "html");
    assert!(doc.descendants().any(|n| n.has_tag_name("style")));
}

#[test]
fn the_report_holds_every_conclusion_as_a_table() {
    let html = viz::report_html(&workspace(), &own_layout());
    let doc = xml(&html);
    for c in CONCLUSIONS {
        let s = section(&doc, c.relation);
        assert!(text(s).contains(c.title), "{} has its title", c.relation);
    }
    let column = |id: &str| -> Vec<String> {
        table_rows(section(&doc, id))
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    };
    assert_eq!(
        column("recurring_hotspot"),
        ["Inezgane", "Tangier", "Tetouan"]
    );
    assert_eq!(column("multi_theater_origin"), ["Morocco"]);
    assert_eq!(
        table_rows(section(&doc, "joint_operation")),
        [["op-2023-01", "Morocco", "Spain"]]
    );
    assert_eq!(
        table_rows(section(&doc, "recruitment_pipeline")),
        [
            ["Morocco", "Sahel"],
            ["Morocco", "Somalia"],
            ["Spain", "Sahel"],
            ["Syria", "Somalia"],
        ]
    );
    assert_eq!(
        table_rows(section(&doc, "senior_foreign_member")),
        [
            ["ofin-moroccan-1", "Islamic State in Somalia"],
            ["ofin-syrian-1", "Islamic State in Somalia"],
        ]
    );
    assert_eq!(column("theater_arrest_without_home_record").len(), 6);
    assert!(text(section(&doc, "multi_theater_fighter")).contains("None found."));
    // Column headers come from the rule library's declarations.
    let headers: Vec<String> = section(&doc, "hotspot_revisit")
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .map(text)
        .collect();
    assert_eq!(headers, ["place", "earlier op", "later op", "months"]);
}

#[test]
fn the_report_holds_the_timeline_with_inferred_dates_marked() {
    let html = viz::report_html(&workspace(), &own_layout());
    let doc = xml(&html);
    let timeline = section(&doc, "timeline");
    let rows: Vec<roxmltree::Node<'_, '_>> = timeline
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .collect();
    let months: Vec<String> = rows
        .iter()
        .filter(|r| r.attribute("class") == Some("month"))
        .map(|r| text(*r)[..7].to_string())
        .collect();
    assert_eq!(
        months,
        [
            "2023-01", "2023-03", "2023-10", "2023-11", "2024-01", "2024-02"
        ]
    );
    let dates: Vec<String> = timeline
        .descendants()
        .filter(|n| {
            n.has_tag_name("td") && n.attribute("class").is_some_and(|c| c.starts_with("date"))
        })
        .map(text)
        .collect();
    assert_eq!(
        dates,
        [
            "~2023-01", "2023-01", "2023-03", "~2023-03", "~2023-03", "~2023-03", "2023-10",
            "~2023-11", "2024-01", "2024-02", "~2024-02"
        ]
    );
    let body = text(timeline);
    assert!(body.contains(
        "arrests at Almskad (Somalia): at least 6 persons: 4 of Morocco, at least 2 unknown nationality"
    ));
    assert!(body.contains("~ inferred: Only the month, November, is given."));
    assert!(body.contains("¶10 C3"));
}

#[test]
fn the_report_draws_the_pipelines_as_inline_svg() {
    let html = viz::report_html(&workspace(), &own_layout());
    let doc = xml(&html);
    let figure = section(&doc, "pipelines");
    let svg = figure
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .expect("an inline svg");
    let nodes: Vec<String> = svg
        .descendants()
        .filter(|n| {
            n.has_tag_name("g") && n.attribute("class").is_some_and(|c| c.starts_with("node "))
        })
        .map(|g| {
            g.children()
                .filter(|c| c.has_tag_name("text"))
                .map(text)
                .collect()
        })
        .collect();
    assert_eq!(nodes, ["Morocco", "Sahel", "Somalia", "Spain", "Syria"]);
    assert_eq!(
        svg.descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
            .count(),
        4
    );
    assert!(text(figure).contains("drawn by sleuth's two-column layout"));
}

#[test]
fn the_report_with_graphviz_is_self_contained_too() {
    if !dot_installed() {
        println!(
            "note: Graphviz's `dot` is not installed; skipping the Graphviz report test (.ci/run installs it)"
        );
        return;
    }
    let html = viz::report_html(&workspace(), &ReportOptions::default());
    assert_self_contained(&html);
    assert!(!html.contains("<?xml") && !html.contains("<!DOCTYPE svg"));
    let doc = xml(&html);
    assert!(text(section(&doc, "pipelines")).contains("drawn by Graphviz"));
}

#[test]
fn an_explanation_provider_adds_why_and_confidence_columns() {
    let explain = |relation: &str, row: &[Value]| -> Option<RowExplanation> {
        (relation == "recurring_hotspot").then(|| RowExplanation {
            html: format!(
                "<em>two operations hit {}</em>",
                viz::escape_xml(&row[0].to_string())
            ),
            confidence: "likely <0.71>".to_string(),
            ..RowExplanation::default()
        })
    };
    let options = ReportOptions {
        graphviz: false,
        explain: Some(&explain),
        ..ReportOptions::default()
    };
    let html = viz::report_html(&workspace(), &options);
    let doc = xml(&html);
    let rows = table_rows(section(&doc, "recurring_hotspot"));
    assert_eq!(
        rows[1],
        ["Tangier", "likely <0.71>", "two operations hit Tangier"]
    );
    assert!(html.contains("<em>two operations hit Tangier</em>"));
    assert!(html.contains("likely &lt;0.71&gt;"));
    // Rows the provider leaves alone get empty cells.
    let rows = table_rows(section(&doc, "multi_theater_origin"));
    assert_eq!(rows, [["Morocco", "", ""]]);
}

#[test]
fn every_text_from_the_data_is_escaped() {
    let dir = scratch("report-escaping");
    let doc = r#"{
  "source": { "id": "x</td><script>alert(1)</script>", "title": "A & B <i>report</i>",
              "publisher": "\"P\"", "description": "<img src=http://x>", "grade": "B2",
              "paragraphs": { "count": 2, "counting": "1 and 2." } },
  "places": [ { "id": "<Here>", "kind": "country", "paragraph": 1 } ],
  "persons": [ { "id": "p&1", "nationality": "<Here>", "paragraph": 1 } ],
  "arrests": [ { "place": "<Here>", "date": "2024-05", "persons": ["p&1"], "paragraph": 2 } ]
}"#;
    std::fs::write(dir.join("odd.json"), doc).expect("write");
    let ws = Workspace::builder()
        .data([&dir])
        .rules([root().join("rules")])
        .open()
        .expect("loads");
    let html = viz::report_html(&ws, &own_layout());
    assert_self_contained(&html);
    assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<Here>"));
    assert!(html.contains("A &amp; B &lt;i&gt;report&lt;/i&gt;"));
    let parsed = xml(&html);
    assert!(text(section(&parsed, "timeline")).contains("arrest at <Here>: 1 person of <Here>"));
}

#[test]
fn the_command_line_writes_the_report_atomically() {
    let dir = scratch("report-cli");
    let out = sleuth_inputs(
        &["report", "--no-graphviz", "--out", "report.html"],
        &dir,
        false,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.join("report.html")).expect("written");
    let ws = workspace();
    let explain = viz::proof_explainer(&ws);
    let explained = ReportOptions {
        explain: Some(&explain),
        ..own_layout()
    };
    assert_eq!(html, viz::report_html(&ws, &explained));
    // Each conclusion comes with its proof down to the paragraphs.
    assert!(html.contains("<details><summary>proof</summary>"));
    assert!(
        html.contains("recurring_hotspot(&quot;Tangier&quot;)")
            || html.contains("recurring_hotspot(\"Tangier\")")
    );
    assert!(html.contains("morocco-sahel-recruitment ¶5"));
    let before = listing(&dir);
    let out = sleuth_inputs(&["report", "--out", "missing/report.html"], &dir, false);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[unwritable-output]"));
    assert_eq!(listing(&dir), before);
}

#[test]
fn an_empty_workspace_gives_a_complete_page() {
    let ws = Workspace::empty();
    let t = viz::timeline(&ws, &viz::TimelineFilter::default()).expect("no filter");
    assert_eq!(viz::render_text(&t, true), "timeline: no dated events\n");
    let html = viz::report_html(&ws, &own_layout());
    assert_self_contained(&html);
    let doc = xml(&html);
    assert!(text(section(&doc, "timeline")).contains("No dated events."));
    assert!(text(section(&doc, "pipelines")).contains("no recruitment_pipeline relation"));
}

/// The class attribute's words of an element.
fn has_class(node: roxmltree::Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|w| w == class))
}

#[test]
fn defect_16_runs_of_empty_months_take_one_line_and_a_strip_shows_the_tempo() {
    let html = viz::report_html(&workspace(), &own_layout());
    let doc = xml(&html);
    let timeline = section(&doc, "timeline");
    let gaps: Vec<String> = timeline
        .descendants()
        .filter(|n| n.has_tag_name("tr") && has_class(*n, "gap"))
        .map(text)
        .collect();
    assert_eq!(
        gaps,
        [
            "2023-02: no events",
            "2023-04 … 2023-09: no events",
            "2023-12: no events"
        ]
    );
    assert!(!text(timeline).contains("0 events"));
    // The strip still has a column for every month, empty ones included.
    let strip: Vec<String> = timeline
        .descendants()
        .filter(|n| has_class(*n, "tm"))
        .map(|n| n.attribute("title").expect("a title").to_string())
        .collect();
    assert_eq!(strip.len(), 14);
    assert_eq!(strip[0], "2023-01: 2 events");
    assert_eq!(strip[5], "2023-06: 0 events");
    assert_eq!(strip[13], "2024-02: 2 events");
}

#[test]
fn defect_16_the_pipeline_chart_labels_each_pipeline_with_its_confidence() {
    let explain = |relation: &str, row: &[Value]| -> Option<RowExplanation> {
        (relation == "recruitment_pipeline").then(|| RowExplanation {
            html: String::new(),
            confidence: if row[0].to_string() == "Spain" {
                "roughly even chance (0.50)".to_string()
            } else {
                "likely (0.60)".to_string()
            },
            ..RowExplanation::default()
        })
    };
    let options = ReportOptions {
        graphviz: false,
        explain: Some(&explain),
        ..ReportOptions::default()
    };
    let html = viz::report_html(&workspace(), &options);
    let doc = xml(&html);
    let figure = section(&doc, "pipelines");
    let edges: Vec<String> = figure
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
        .map(text)
        .collect();
    assert_eq!(edges.len(), 4);
    assert!(edges.contains(&"Spain → Sahel: roughly even chance (0.50)".to_string()));
    assert!(edges.contains(&"Morocco → Somalia: likely (0.60)".to_string()));
    // Written on the chart, not only in the tooltips.
    let written: Vec<String> = figure
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("font-size") == Some("9"))
        .map(text)
        .collect();
    assert_eq!(written.len(), 4);
    assert!(written.contains(&"roughly even chance (0.50)".to_string()));
    assert!(text(figure).contains("each labelled with how sure we are of it"));
    // Without explanations the chart names the relation, as before.
    let plain = viz::report_html(&workspace(), &own_layout());
    assert!(!plain.contains("likely (0.60)"));
}

#[test]
fn defect_16_proofs_wrap_to_the_page_and_tables_turn_into_cards_on_a_phone() {
    let ws = workspace();
    let explain = viz::proof_explainer(&ws);
    let options = ReportOptions {
        explain: Some(&explain),
        ..own_layout()
    };
    let html = viz::report_html(&ws, &options);
    // No preformatted block: each proof line wraps, hanging past its branches.
    assert!(!html.contains("<pre"));
    assert!(html.contains(".pl { white-space: pre-wrap; overflow-wrap: anywhere; }"));
    let doc = xml(&html);
    let hotspots = section(&doc, "recurring_hotspot");
    let lines: Vec<roxmltree::Node<'_, '_>> = hotspots
        .descendants()
        .filter(|n| has_class(*n, "pl"))
        .collect();
    assert!(lines.len() > 10);
    let branch = lines
        .iter()
        .find(|l| text(**l).starts_with("├─ cell("))
        .expect("a branch of the proof");
    assert_eq!(
        branch.attribute("style"),
        Some("padding-left: 5ch; text-indent: -5ch")
    );
    // The confidence comes before the proof, and every cell says what it
    // is for the narrow-screen cards.
    let headers: Vec<String> = hotspots
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .map(text)
        .collect();
    assert_eq!(headers, ["place", "Confidence", "Why"]);
    let labels: Vec<&str> = hotspots
        .descendants()
        .find(|n| n.has_tag_name("tbody"))
        .expect("a body")
        .descendants()
        .filter(|n| n.has_tag_name("td"))
        .take(3)
        .map(|n| n.attribute("data-label").expect("a label"))
        .collect();
    assert_eq!(labels, ["place", "confidence", "why"]);
    assert!(html.contains("@media (max-width: 40em)"));
}
