//! This module defines the benchmark's workloads and sizes: their names, shapes, parameters and seeds.
//!
//! The shapes and sizes are those of the shared reference generator (`gen.py`), plus `xlarge`
//! for events (ten times `large`) for the scaling run.

use std::fmt;

/// One of the three benchmark workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    /// Transitive closure over a random digraph.
    Tc,
    /// Same generation over a layered random forest.
    Sg,
    /// Counter-terrorism style event analysis with recursion and negation.
    Events,
}

impl Workload {
    /// Every workload, in report order.
    pub const ALL: [Workload; 3] = [Workload::Tc, Workload::Sg, Workload::Events];

    /// The workload's name, as used in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Tc => "tc",
            Workload::Sg => "sg",
            Workload::Events => "events",
        }
    }

    /// Parses a workload name.
    pub fn parse(text: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == text)
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One of the data set sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Size {
    /// Seconds or less for every engine; used by the smoke run.
    Small,
    /// About ten times small.
    Medium,
    /// The size the targets are stated for.
    Large,
    /// Events only: ten times large (10M persons, about 21M facts), for the scaling run.
    Xlarge,
}

impl Size {
    /// Every size, in growing order.
    pub const ALL: [Size; 4] = [Size::Small, Size::Medium, Size::Large, Size::Xlarge];

    /// The size's name, as used in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
            Size::Xlarge => "xlarge",
        }
    }

    /// Parses a size name.
    pub fn parse(text: &str) -> Option<Size> {
        Size::ALL.into_iter().find(|s| s.name() == text)
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The parameters of one data set.
#[derive(Clone, Copy, Debug)]
pub enum Params {
    /// Random digraph: `nodes` nodes, `edges` distinct edges, no self loops.
    Tc {
        /// Number of nodes.
        nodes: usize,
        /// Number of distinct edges.
        edges: usize,
    },
    /// Layered forest: `roots` roots, then `layers` layers of `width` nodes, each with one
    /// random parent in the layer above.
    Sg {
        /// Nodes in layer 0.
        roots: usize,
        /// Layers below the roots.
        layers: usize,
        /// Nodes per layer below the roots.
        width: usize,
    },
    /// Event data scaled by the number of persons.
    Events {
        /// Number of persons.
        persons: usize,
    },
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Params::Tc { nodes, edges } => write!(f, "n={nodes}, m={edges}"),
            Params::Sg {
                roots,
                layers,
                width,
            } => {
                write!(f, "roots={roots}, layers={layers}, width={width}")
            }
            Params::Events { persons } => write!(f, "persons={persons}"),
        }
    }
}

/// The parameters of `(workload, size)`, or `None` where that data set does not exist
/// (`xlarge` is defined for events only).
pub fn params(workload: Workload, size: Size) -> Option<Params> {
    use Size::*;
    let p = match (workload, size) {
        (Workload::Tc, Small) => Params::Tc {
            nodes: 1_000,
            edges: 1_300,
        },
        (Workload::Tc, Medium) => Params::Tc {
            nodes: 3_000,
            edges: 3_900,
        },
        (Workload::Tc, Large) => Params::Tc {
            nodes: 8_000,
            edges: 10_400,
        },
        (Workload::Sg, Small) => Params::Sg {
            roots: 20,
            layers: 8,
            width: 1_000,
        },
        (Workload::Sg, Medium) => Params::Sg {
            roots: 40,
            layers: 10,
            width: 4_000,
        },
        (Workload::Sg, Large) => Params::Sg {
            roots: 50,
            layers: 12,
            width: 8_000,
        },
        (Workload::Events, Small) => Params::Events { persons: 10_000 },
        (Workload::Events, Medium) => Params::Events { persons: 100_000 },
        (Workload::Events, Large) => Params::Events { persons: 1_000_000 },
        (Workload::Events, Xlarge) => Params::Events {
            persons: 10_000_000,
        },
        (Workload::Tc | Workload::Sg, Xlarge) => return None,
    };
    Some(p)
}

/// The fixed seed of `(workload, size)`.
pub fn seed(workload: Workload, size: Size) -> u64 {
    let w = match workload {
        Workload::Tc => 1,
        Workload::Sg => 2,
        Workload::Events => 3,
    };
    let s = match size {
        Size::Small => 1,
        Size::Medium => 2,
        Size::Large => 3,
        Size::Xlarge => 4,
    };
    0x5EED_0000 + w * 1000 + 100 + s
}
