//! This module defines the printed forms of explanations: an indented tree
//! (`text`), a JSON tree of nodes (`json`) and a Graphviz digraph (`dot`),
//! for proofs and for `whynot` answers. Proofs are walked with explicit
//! stacks, so a deep proof cannot overflow the call stack.

mod dot;
mod json;
mod text;
mod whynot;

pub use dot::render_dot;
pub use json::render_json;
pub use text::render_text;

use super::proof::Proof;
use super::whynot::WhyNot;

/// How an explanation is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An indented tree.
    Text,
    /// A JSON tree of nodes.
    Json,
    /// A Graphviz digraph.
    Dot,
}

impl Format {
    /// Parses `text`, `json` or `dot`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "dot" => Some(Format::Dot),
            _ => None,
        }
    }
}

/// A proof in the given format.
pub fn render(proof: &Proof, format: Format) -> String {
    match format {
        Format::Text => render_text(proof),
        Format::Json => render_json(proof),
        Format::Dot => render_dot(proof),
    }
}

/// A `whynot` answer in the given format.
pub fn render_whynot(w: &WhyNot, format: Format) -> String {
    match format {
        Format::Text => whynot::text(w),
        Format::Json => whynot::json(w),
        Format::Dot => whynot::dot(w),
    }
}
