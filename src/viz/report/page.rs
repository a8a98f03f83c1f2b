//! This module defines the report's page: its frame and style, the sources,
//! the pipeline chart and a table per conclusion.

use std::fmt::Write as _;

use crate::session::Workspace;

use super::super::base::tuples;
use super::super::chart::{
    ChartOptions, layout_svg, relation_chart, render_svg_with_graphviz, to_dot,
};
use super::super::escape::escape_xml;
use super::super::timeline::{TimelineFilter, timeline};
use super::timeline_html::timeline_table;
use super::{CONCLUSIONS, Conclusion, ReportOptions};

const STYLE: &str = "\
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
tr.month th { background: #fafafa; font-weight: normal; }
.bar { display: inline-block; height: 0.8em; background: #4a6fa5; vertical-align: middle; }
td.date { white-space: nowrap; font-family: monospace; }
td.inferred { color: #a05a00; }
td.cite { white-space: nowrap; }
.note { color: #a05a00; font-size: 0.85em; margin-top: 0.2em; }
.persons { color: #555; font-size: 0.85em; }
.meaning { color: #444; }
.none { color: #777; font-style: italic; }
figure { margin: 1em 0; overflow-x: auto; }
figcaption { color: #555; font-size: 0.9em; }
code { background: #f3f3f3; padding: 0 0.2em; }
";

/// The whole page.
pub(super) fn page(ws: &Workspace, options: &ReportOptions<'_>) -> String {
    let title = escape_xml(&options.title);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
    let _ = writeln!(out, "<title>{title}</title>");
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<header>\n<h1>{title}</h1>");
    let present: Vec<&Conclusion> = CONCLUSIONS
        .iter()
        .filter(|c| ws.program().relation_id(c.relation).is_some())
        .collect();
    let _ = writeln!(
        out,
        "<p>{} source report{}, {} base facts, {} conclusions drawn by {} rules.</p>",
        ws.documents().len(),
        if ws.documents().len() == 1 { "" } else { "s" },
        ws.facts().len(),
        present.len(),
        ws.rule_count()
    );
    out.push_str("<nav><a href=\"#sources\">Sources</a><a href=\"#timeline\">Timeline</a><a href=\"#pipelines\">Pipelines</a><a href=\"#conclusions\">Conclusions</a></nav>\n</header>\n");
    sources(&mut out, ws);
    out.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    out.push_str("<p class=\"meaning\">Every dated event, month by month, with the paragraph and Admiralty grade it rests on. <span class=\"note\">~</span> marks a date the report leaves to inference; the note says what was inferred and why.</p>\n");
    match timeline(ws, &TimelineFilter::default()) {
        Ok(t) => out.push_str(&timeline_table(&t)),
        Err(e) => {
            let _ = writeln!(out, "<p class=\"none\">{}</p>", escape_xml(&e.render()));
        }
    }
    out.push_str("</section>\n");
    pipelines(&mut out, ws, options);
    out.push_str("<section id=\"conclusions\">\n<h2>Conclusions</h2>\n");
    for c in &present {
        conclusion(&mut out, ws, c, options);
    }
    out.push_str("</section>\n");
    out.push_str("<footer>\n<p class=\"meaning\">Grades are Admiralty grades: a letter for the source's reliability (A completely reliable to F cannot be judged) and a digit for the information's credibility (1 confirmed to 6 cannot be judged). An inferred value is one step less credible than what the source states.</p>\n</footer>\n");
    out.push_str("</body>\n</html>\n");
    out
}

fn sources(out: &mut String, ws: &Workspace) {
    out.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n");
    if ws.documents().is_empty() {
        out.push_str("<p class=\"none\">No source report is loaded.</p>\n</section>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr><th>Id</th><th>Title</th><th>Publisher</th><th>Grade</th></tr></thead>\n<tbody>\n");
    for doc in ws.documents() {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}<details><summary>About this source</summary>{}</details></td><td>{}</td><td>{} ({})</td></tr>",
            escape_xml(&doc.id),
            escape_xml(&doc.title),
            escape_xml(&doc.description),
            escape_xml(&doc.publisher),
            doc.grade,
            escape_xml(&doc.grade.words())
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn pipelines(out: &mut String, ws: &Workspace, options: &ReportOptions<'_>) {
    out.push_str("<section id=\"pipelines\">\n<h2>Recruitment pipelines</h2>\n");
    let Some(chart) = relation_chart(ws, "recruitment_pipeline", &ChartOptions::default()) else {
        out.push_str("<p class=\"none\">These rules define no <code>recruitment_pipeline</code> relation.</p>\n</section>\n");
        return;
    };
    let graphviz = if options.graphviz {
        render_svg_with_graphviz(&to_dot(&chart))
            .ok()
            .and_then(|svg| inline_svg(&svg))
    } else {
        None
    };
    let (svg, by) = match graphviz {
        Some(svg) => (svg, "Graphviz"),
        None => (layout_svg(&chart), "sleuth's two-column layout"),
    };
    let _ = writeln!(
        out,
        "<figure>\n{}<figcaption>Origin countries and the theaters they feed ({} pipeline{}), drawn by {by}.</figcaption>\n</figure>",
        svg.trim_end().to_string() + "\n",
        chart.edges.len(),
        if chart.edges.len() == 1 { "" } else { "s" }
    );
    out.push_str("</section>\n");
}

/// Graphviz's SVG without its XML declaration, doctype and comments, to sit
/// inside HTML; `None` when it holds no `<svg` element.
fn inline_svg(svg: &str) -> Option<String> {
    let start = svg.find("<svg")?;
    let mut body = String::new();
    let mut rest = &svg[start..];
    while let Some(open) = rest.find("<!--") {
        body.push_str(&rest[..open]);
        let close = rest[open..].find("-->")? + open + 3;
        rest = &rest[close..];
    }
    body.push_str(rest);
    Some(body)
}

fn conclusion(out: &mut String, ws: &Workspace, c: &Conclusion, options: &ReportOptions<'_>) {
    let program = ws.program();
    let Some(rel) = program.relation_id(c.relation) else {
        return;
    };
    let columns: Vec<&str> = program.relations[rel]
        .columns
        .iter()
        .map(|col| col.name.as_str())
        .collect();
    let rows = tuples(ws, c.relation, columns.len());
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>{} <small><code>{}</code></small></h3>\n<p class=\"meaning\">{}</p>",
        escape_xml(c.relation),
        escape_xml(c.title),
        escape_xml(c.relation),
        escape_xml(c.meaning)
    );
    if rows.is_empty() {
        out.push_str("<p class=\"none\">None found.</p>\n</section>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr>");
    for col in &columns {
        let _ = write!(out, "<th>{}</th>", escape_xml(&col.replace('_', " ")));
    }
    if options.explain.is_some() {
        out.push_str("<th>Why</th><th>Confidence</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &rows {
        out.push_str("<tr>");
        for v in row {
            let _ = write!(out, "<td>{}</td>", escape_xml(&v.to_string()));
        }
        if let Some(explain) = options.explain {
            match explain(c.relation, row) {
                Some(x) => {
                    let _ = write!(
                        out,
                        "<td>{}</td><td>{}</td>",
                        x.html,
                        escape_xml(&x.confidence)
                    );
                }
                None => out.push_str("<td></td><td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    let n = rows.len();
    let _ = writeln!(
        out,
        "</tbody>\n</table>\n<p class=\"meaning\">{n} row{}.</p>\n</section>",
        if n == 1 { "" } else { "s" }
    );
}
