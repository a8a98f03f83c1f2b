//! This module defines the graph workloads' data: a random digraph (tc) and a layered random forest (sg).

use super::relation::Relation;
use super::rng::Rng;
use std::collections::BTreeSet;

/// `edge(x, y)`: `edges` distinct random edges over `nodes` nodes, no self loops.
pub fn tc(rng: &mut Rng, nodes: usize, edges: usize) -> Vec<Relation> {
    let mut set = BTreeSet::new();
    while set.len() < edges {
        let a = rng.below(nodes) as u32;
        let b = rng.below(nodes) as u32;
        if a != b {
            set.insert([a, b]);
        }
    }
    vec![Relation::from_rows(
        "edge",
        &["", ""],
        set.into_iter().collect(),
    )]
}

/// `parent(p, c)`: `roots` roots in layer 0, then `layers` layers of `width` nodes; each
/// node of layer k >= 1 gets one uniformly random parent in layer k - 1.
pub fn sg(rng: &mut Rng, roots: usize, layers: usize, width: usize) -> Vec<Relation> {
    let mut parent = Vec::with_capacity(layers * width);
    let mut previous: Vec<u32> = (0..roots as u32).collect();
    let mut next = roots as u32;
    for _ in 0..layers {
        let current: Vec<u32> = (next..next + width as u32).collect();
        next += width as u32;
        for &child in &current {
            parent.push([rng.choose(&previous), child]);
        }
        previous = current;
    }
    vec![Relation::from_rows("parent", &["", ""], parent)]
}
