//! This module defines an SVG drawing of a chart that needs no Graphviz: a
//! deterministic two-column layout. Nodes that only start edges (origins,
//! hubs) and lone nodes stand on the left, sorted by kind then label; every
//! other node stands on the right, sorted by kind then by the mean row of
//! the left nodes pointing to it; edges run left to right (an edge
//! between two nodes of the right column bends out to the right), their
//! labels written along them where they overlap no other label. A legend
//! of the kinds drawn closes the picture. For the recruitment pipelines
//! this is origin countries on the left and theaters on the right.

use std::fmt::Write as _;

use super::super::escape::escape_xml;
use super::super::kinds::Kind;
use super::Chart;

const PITCH: i64 = 34;
const NODE_H: i64 = 24;
const CHAR_W: i64 = 7;
const MARGIN: i64 = 20;
const GAP: i64 = 200;
const TOP: i64 = 56;
const LEGEND_H: i64 = 40;
/// The width of a character of an edge's text (9 px type).
const EDGE_CHAR_W: i64 = 5;
/// Edge labels are written along the edges up to this many edges.
const MAX_EDGE_TEXTS: usize = 30;

/// The chart drawn as a standalone SVG document.
pub fn layout_svg(chart: &Chart) -> String {
    let mut has_in = vec![false; chart.nodes.len()];
    let mut has_out = vec![false; chart.nodes.len()];
    for e in &chart.edges {
        has_out[e.from] = true;
        has_in[e.to] = true;
    }
    let order = |ids: &mut Vec<usize>| {
        ids.sort_by(|&a, &b| {
            let (na, nb) = (&chart.nodes[a], &chart.nodes[b]);
            (na.kind, &na.label, a).cmp(&(nb.kind, &nb.label, b))
        })
    };
    let (mut left, mut right): (Vec<usize>, Vec<usize>) =
        (0..chart.nodes.len()).partition(|&i| !has_in[i]);
    order(&mut left);
    // The right column follows the left: each node at the mean row of the
    // left nodes pointing to it (fewer crossings), within its kind.
    let mut row_of = vec![usize::MAX; chart.nodes.len()];
    for (row, &i) in left.iter().enumerate() {
        row_of[i] = row;
    }
    let mut pull = vec![(0usize, 0usize); chart.nodes.len()];
    for e in chart.edges.iter().filter(|e| row_of[e.from] != usize::MAX) {
        pull[e.to].0 += row_of[e.from];
        pull[e.to].1 += 1;
    }
    let centre = |i: usize| match pull[i] {
        (_, 0) => usize::MAX,
        (sum, n) => sum * 1000 / n,
    };
    right.sort_by(|&a, &b| {
        let (na, nb) = (&chart.nodes[a], &chart.nodes[b]);
        (na.kind, centre(a), &na.label, a).cmp(&(nb.kind, centre(b), &nb.label, b))
    });
    let width_of = |ids: &[usize]| {
        ids.iter()
            .map(|&i| chart.nodes[i].label.chars().count() as i64 * CHAR_W + 28)
            .max()
            .unwrap_or(0)
            .max(60)
    };
    let (wl, wr) = (width_of(&left), width_of(&right));
    let xl = MARGIN;
    let xr = MARGIN + wl + GAP;
    let rows = left.len().max(right.len()) as i64;
    let title_w = chart.title.chars().count() as i64 * CHAR_W + 2 * MARGIN;
    let width = if right.is_empty() {
        xl + wl + MARGIN
    } else {
        xr + wr + 3 * MARGIN
    }
    .max(title_w)
    .max(360);
    let height = TOP + rows.max(1) * PITCH + LEGEND_H;
    // Where each node stands: its column's x, its width and its centre y.
    let mut at = vec![(0i64, 0i64, 0i64); chart.nodes.len()];
    for (ids, x, w) in [(&left, xl, wl), (&right, xr, wr)] {
        let offset = (rows - ids.len() as i64) * PITCH / 2;
        for (row, &i) in ids.iter().enumerate() {
            at[i] = (x, w, TOP + offset + row as i64 * PITCH + NODE_H / 2);
        }
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" font-family=\"Helvetica, Arial, sans-serif\">",
        escape_xml(&chart.title)
    );
    let _ = writeln!(out, "<title>{}</title>", escape_xml(&chart.title));
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555555\"/></marker></defs>\n");
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        escape_xml(&chart.title)
    );
    let labels: Vec<&str> = chart.edges.iter().map(|e| e.label.as_str()).collect();
    let shared = labels.first().filter(|l| labels.iter().all(|x| x == *l));
    let caption = if chart.is_empty() {
        "no answers: the chart is empty".to_string()
    } else {
        let mut c = format!(
            "{} node{}, {} edge{}",
            chart.nodes.len(),
            if chart.nodes.len() == 1 { "" } else { "s" },
            chart.edges.len(),
            if chart.edges.len() == 1 { "" } else { "s" }
        );
        if let Some(l) = shared {
            c.push_str(&format!(": {l}"));
        }
        if let Some(o) = chart.omission() {
            c.push_str(&format!("; {o}"));
        }
        c
    };
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"40\" font-size=\"11\" fill=\"#555555\">{}</text>",
        escape_xml(&caption)
    );
    let mut placed: Vec<[i64; 4]> = Vec::new();
    for e in &chart.edges {
        let (x1, w1, y1) = at[e.from];
        let (x2, w2, y2) = at[e.to];
        let path = if x1 == x2 {
            let bend = x1 + w1.max(w2) + 50;
            format!(
                "M {} {y1} C {bend} {y1}, {bend} {y2}, {} {y2}",
                x1 + w1,
                x2 + w2
            )
        } else {
            format!("M {} {y1} L {x2} {y2}", x1 + w1)
        };
        let _ = writeln!(
            out,
            "<path d=\"{path}\" fill=\"none\" stroke=\"#555555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"><title>{}</title></path>",
            escape_xml(&format!(
                "{} → {}: {}",
                chart.nodes[e.from].label, chart.nodes[e.to].label, e.label
            ))
        );
        if shared.is_none() && chart.edges.len() <= MAX_EDGE_TEXTS && x1 != x2 {
            let (x, y) = place_edge_text(&mut placed, (x1 + w1, y1), (x2, y2), &e.label);
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{y}\" font-size=\"9\" fill=\"#555555\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                escape_xml(&e.label)
            );
        }
    }
    for (i, node) in chart.nodes.iter().enumerate() {
        let (x, w, cy) = at[i];
        let _ = writeln!(
            out,
            "<g class=\"node {}\"><title>{}</title>{}<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{}</text></g>",
            node.kind.name(),
            escape_xml(&format!("{}: {}", node.kind, node.label)),
            shape(node.kind, x, cy - NODE_H / 2, w, NODE_H),
            x + w / 2,
            cy + 4,
            escape_xml(&node.label)
        );
    }
    let mut kinds: Vec<Kind> = chart.nodes.iter().map(|n| n.kind).collect();
    kinds.sort();
    kinds.dedup();
    let y = height - LEGEND_H / 2 - 6;
    for (k, kind) in Kind::ALL.iter().filter(|k| kinds.contains(k)).enumerate() {
        let x = MARGIN + k as i64 * 120;
        let _ = writeln!(
            out,
            "<g class=\"legend\">{}<text x=\"{}\" y=\"{}\" font-size=\"11\">{}</text></g>",
            shape(*kind, x, y, 28, 14),
            x + 34,
            y + 11,
            kind.name()
        );
    }
    out.push_str("</svg>\n");
    out
}

/// Where an edge's text goes: the first point along the edge, from its
/// middle outwards, where it overlaps no text placed before (the middle
/// when every point does); the text's box is added to `placed`.
fn place_edge_text(
    placed: &mut Vec<[i64; 4]>,
    (xa, ya): (i64, i64),
    (xb, yb): (i64, i64),
    text: &str,
) -> (i64, i64) {
    let half = text.chars().count() as i64 * EDGE_CHAR_W / 2;
    let at = |tenths: i64| {
        (
            xa + (xb - xa) * tenths / 10,
            ya + (yb - ya) * tenths / 10 - 3,
        )
    };
    let bounds = |(x, y): (i64, i64)| [x - half, y - 9, x + half, y + 2];
    let overlaps = |b: &[i64; 4]| {
        placed
            .iter()
            .any(|p| b[0] < p[2] && p[0] < b[2] && b[1] < p[3] && p[1] < b[3])
    };
    let spot = [5, 4, 6, 3, 7, 2, 8]
        .into_iter()
        .map(at)
        .find(|&xy| !overlaps(&bounds(xy)))
        .unwrap_or_else(|| at(5));
    placed.push(bounds(spot));
    spot
}

/// The outline of a node of a kind in the box at (x, y) of size w × h.
fn shape(kind: Kind, x: i64, y: i64, w: i64, h: i64) -> String {
    let fill = kind.color();
    let stroke = "stroke=\"#333333\"";
    match kind {
        Kind::Place => format!(
            "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" fill=\"{fill}\" {stroke}/>",
            x + w / 2,
            y + h / 2,
            w / 2,
            h / 2
        ),
        Kind::Theater => {
            let d = h / 2;
            format!(
                "<polygon points=\"{},{} {},{} {},{} {},{} {},{} {},{}\" fill=\"{fill}\" {stroke}/>",
                x,
                y + d,
                x + d,
                y,
                x + w - d,
                y,
                x + w,
                y + d,
                x + w - d,
                y + h,
                x + d,
                y + h
            )
        }
        Kind::Value => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\" stroke=\"#999999\" stroke-dasharray=\"3 2\"/>"
        ),
        Kind::Country => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\" {stroke} stroke-width=\"2\"/>"
        ),
        Kind::Person | Kind::Row => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{}\" fill=\"{fill}\" {stroke}/>",
            h / 2
        ),
        _ => format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"3\" fill=\"{fill}\" {stroke}/>"
        ),
    }
}
