//! This module defines the report's page: its frame and style, the sources,
//! the pipeline chart (each pipeline labelled with its confidence) and a
//! table per conclusion (its values, then the confidence, then the proof).
//! The style fits the page to the window: proofs wrap inside their cell,
//! and on a narrow screen (under 40em) each table row becomes a card of
//! labelled fields.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::session::Workspace;

use super::super::base::tuples;
use super::super::chart::{
    Chart, ChartOptions, layout_svg, relation_chart, render_svg_with_graphviz, to_dot,
};
use super::super::escape::escape_xml;
use super::super::timeline::{TimelineFilter, timeline};
use super::conflicts_html::conflicts_section;
use super::timeline_html::timeline_table;
use super::{CONCLUSIONS, Conclusion, ReportOptions};

const STYLE: &str = "\
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 code { overflow-wrap: anywhere; }
nav a { margin-right: 1em; display: inline-block; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; }
tr.month th { background: #fafafa; font-weight: normal; }
tr.gap th { background: #fff; color: #777; font-weight: normal; font-style: italic; font-size: 0.9em; }
.bar { display: inline-block; height: 0.8em; background: #4a6fa5; vertical-align: middle; }
.tempo { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 2px; margin: 0.5em 0 1em; }
.tm { display: flex; flex-direction: column; align-items: center; justify-content: flex-end; width: 1.9em; height: 5.2em; }
.tb { width: 1.3em; background: #4a6fa5; }
.tl { font-size: 0.7em; color: #555; font-family: monospace; }
.ty { font-size: 0.65em; color: #555; height: 1.2em; }
td.date { white-space: nowrap; font-family: monospace; }
td.inferred { color: #a05a00; }
td.conflict, td.date.conflict { color: #b00020; }
td.cite { white-space: nowrap; }
td.short, td.conf { white-space: nowrap; }
.note { color: #a05a00; font-size: 0.85em; margin-top: 0.2em; }
.persons { color: #555; font-size: 0.85em; }
.meaning { color: #444; }
.none { color: #777; font-style: italic; }
.proof { font-family: monospace; font-size: 0.8em; margin-top: 0.3em; }
.silence { display: block; color: #b35c00; font-size: 0.85em; font-style: italic; }
.assumes { margin: 0.2em 0; color: #6b4a00; font-size: 0.85em; overflow-wrap: anywhere; }
.pl { white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 1em 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
code { background: #f3f3f3; padding: 0 0.2em; }
@media (max-width: 40em) {
  body { margin: 1em auto; padding: 0 0.6em; }
  table.rows, table.rows tbody, table.rows tr, table.rows td { display: block; }
  table.rows thead { display: none; }
  table.rows tr { border: 1px solid #ddd; margin-bottom: 0.6em; }
  table.rows td { display: inline-block; border: none; white-space: normal; padding: 0.2em 0.6em; }
  table.rows td.why, table.rows td.long { display: block; }
  table.rows td::before { content: attr(data-label) \": \"; color: #555; font-size: 0.85em; }
}
";

/// Values up to this many characters are kept on one line in the tables.
const SHORT_VALUE: usize = 24;

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
    let conflicts = ws.conflicts();
    let conflicts_link = if conflicts.is_empty() {
        ""
    } else {
        "<a href=\"#conflicts\">Conflicts</a>"
    };
    let _ = writeln!(
        out,
        "<nav><a href=\"#sources\">Sources</a>{conflicts_link}<a href=\"#timeline\">Timeline</a><a href=\"#pipelines\">Pipelines</a><a href=\"#conclusions\">Conclusions</a></nav>\n</header>"
    );
    sources(&mut out, ws);
    out.push_str(&conflicts_section(&conflicts));
    out.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    out.push_str("<p class=\"meaning\">Every dated event, month by month, with the paragraph and Admiralty grade it rests on. <span class=\"note\">~</span> marks a date the report leaves to inference; the note says what was inferred and why.</p>\n");
    if !conflicts.is_empty() {
        out.push_str("<p class=\"meaning\"><span class=\"note\">!</span> marks an event the sources date differently: it is shown at each date.</p>\n");
    }
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
    out.push_str("<table class=\"rows\">\n<thead><tr><th>Id</th><th>Title</th><th>Publisher</th><th>Grade</th></tr></thead>\n<tbody>\n");
    for doc in ws.documents() {
        let _ = writeln!(
            out,
            "<tr><td data-label=\"id\"><code>{}</code></td><td class=\"long\" data-label=\"title\">{}<details><summary>About this source</summary>{}</details></td><td data-label=\"publisher\">{}</td><td data-label=\"grade\">{} ({})</td></tr>",
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
    let Some(mut chart) = relation_chart(ws, "recruitment_pipeline", &ChartOptions::default())
    else {
        out.push_str("<p class=\"none\">These rules define no <code>recruitment_pipeline</code> relation.</p>\n</section>\n");
        return;
    };
    let confident = label_with_confidence(ws, &mut chart, options);
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
        "<figure>\n{}<figcaption>Origin countries and the theaters they feed ({} pipeline{}{}), drawn by {by}.</figcaption>\n</figure>",
        svg.trim_end().to_string() + "\n",
        chart.edges.len(),
        if chart.edges.len() == 1 { "" } else { "s" },
        if confident {
            ", each labelled with how sure we are of it"
        } else {
            ""
        }
    );
    out.push_str("</section>\n");
}

/// Labels each pipeline of the chart with its confidence (`likely
/// (0.71)`), from the explanation provider; whether there was one.
fn label_with_confidence(ws: &Workspace, chart: &mut Chart, options: &ReportOptions<'_>) -> bool {
    let Some(explain) = options.explain else {
        return false;
    };
    let mut confidence: HashMap<(String, String), String> = HashMap::new();
    for row in tuples(ws, "recruitment_pipeline", chart.columns.len()) {
        if let (Some(x), [from, to]) = (explain("recruitment_pipeline", &row), row.as_slice()) {
            // A pipeline that rests on silence says so on its edge too.
            let label = if x.rests_on_silence {
                format!("{}, {}", x.confidence, crate::provenance::SILENCE_MARK)
            } else {
                x.confidence
            };
            confidence.insert((from.to_string(), to.to_string()), label);
        }
    }
    for edge in &mut chart.edges {
        let key = (
            chart.nodes[edge.from].label.clone(),
            chart.nodes[edge.to].label.clone(),
        );
        if let Some(c) = confidence.get(&key) {
            edge.label = c.clone();
        }
    }
    true
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
    let headers: Vec<String> = columns.iter().map(|c| c.replace('_', " ")).collect();
    out.push_str("<table class=\"rows\">\n<thead><tr>");
    for h in &headers {
        let _ = write!(out, "<th>{}</th>", escape_xml(h));
    }
    if options.explain.is_some() {
        out.push_str("<th>Confidence</th><th>Why</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &rows {
        out.push_str("<tr>");
        for (v, h) in row.iter().zip(&headers) {
            let v = v.to_string();
            // Short values (ids, names, numbers) stay on one line.
            let class = if v.chars().count() <= SHORT_VALUE {
                " class=\"short\""
            } else {
                " class=\"long\""
            };
            let _ = write!(
                out,
                "<td{class} data-label=\"{}\">{}</td>",
                escape_xml(h),
                escape_xml(&v)
            );
        }
        if let Some(explain) = options.explain {
            let x = explain(c.relation, row).unwrap_or_default();
            // A conclusion that rests on the absence of an event is marked
            // beside its confidence, so it never reads as a stated fact.
            let silence = if x.rests_on_silence {
                format!(
                    "<span class=\"silence\">{}</span>",
                    escape_xml(crate::provenance::SILENCE_MARK)
                )
            } else {
                String::new()
            };
            let _ = write!(
                out,
                "<td class=\"conf\" data-label=\"confidence\">{}{silence}</td><td class=\"why\" data-label=\"why\">{}</td>",
                escape_xml(&x.confidence),
                x.html
            );
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
