//! This module defines the report's section on conflicts: each single-valued
//! field the loaded sources give differently (an operation's date, a place's
//! country ...), with every value and the source, paragraph and grade it
//! rests on. Both values are facts, so conclusions may rest on either.

use std::fmt::Write as _;

use super::super::escape::escape_xml;
use crate::io::data::Conflict;

/// The section, or nothing when the sources agree.
pub(super) fn conflicts_section(conflicts: &[Conflict]) -> String {
    let mut out = String::new();
    if conflicts.is_empty() {
        return out;
    }
    out.push_str("<section id=\"conflicts\">\n<h2>Conflicts between sources</h2>\n");
    out.push_str("<p class=\"meaning\">Fields that hold one value but that the loaded sources give differently. Nothing silently wins: every value is kept as a fact, with its own source, so the rules see each and a conclusion resting on one cites it. Events dated differently appear on the timeline at each date.</p>\n");
    out.push_str("<table class=\"rows conflicts\">\n<thead><tr><th>Entity</th><th>Field</th><th>Value</th><th>Source</th><th>Grade</th></tr></thead>\n<tbody>\n");
    for c in conflicts {
        let n = c.values.len();
        for (i, v) in c.values.iter().enumerate() {
            let head = if i == 0 {
                format!(
                    "<td rowspan=\"{n}\" data-label=\"entity\">{} <code>{}</code></td><td rowspan=\"{n}\" data-label=\"field\">{}</td>",
                    escape_xml(&c.kind),
                    escape_xml(&c.entity),
                    escape_xml(&c.field)
                )
            } else {
                String::new()
            };
            let note = match &v.inferred {
                Some(n) => format!("<div class=\"note\">~ inferred: {}</div>", escape_xml(n)),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "<tr>{head}<td class=\"conflict\" data-label=\"value\">{}{note}</td><td data-label=\"source\">{} ¶{}</td><td data-label=\"grade\">{}</td></tr>",
                escape_xml(&v.value.to_string()),
                escape_xml(&v.source),
                v.paragraph,
                v.grade
            );
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}
