//! This module defines the benchmark's own deterministic data generator and its on-disk cache.
//!
//! `ensure` returns a directory `<cache>/<workload>-<size>/` holding one `<relation>.tsv` per
//! base relation (tab-separated, no header), generating it on first use. A `MANIFEST` file
//! beside the facts records the generator version, parameters and row counts; a directory
//! whose manifest names another version is generated anew.

mod events;
mod graphs;
mod relation;
mod rng;
pub mod spec;

use relation::Relation;
use rng::Rng;
use spec::{Params, Size, Workload};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Names this generator in each manifest; bump it whenever the output changes, and measure
/// the expected counts of the changed data sets again.
pub const GENERATOR_VERSION: &str = "sleuth-bench-gen 1";

/// The name of the manifest file written beside generated facts.
pub const MANIFEST: &str = "MANIFEST";

/// Generates the base relations of `(workload, size)` in memory.
fn generate(workload: Workload, size: Size) -> Option<Vec<Relation>> {
    let mut rng = Rng::new(spec::seed(workload, size));
    let relations = match spec::params(workload, size)? {
        Params::Tc { nodes, edges } => graphs::tc(&mut rng, nodes, edges),
        Params::Sg {
            roots,
            layers,
            width,
        } => graphs::sg(&mut rng, roots, layers, width),
        Params::Events { persons } => events::events(&mut rng, persons),
    };
    Some(relations)
}

/// Whether `dir` holds facts written by this version of the generator.
fn is_current(dir: &Path) -> bool {
    fs::read_to_string(dir.join(MANIFEST))
        .map(|text| text.lines().next() == Some(&format!("generator\t{GENERATOR_VERSION}")))
        .unwrap_or(false)
}

/// The directory of `(workload, size)` under `cache`, generated there unless it already
/// holds this generator's output. `Ok(None)` when the data set does not exist (tc/sg xlarge).
/// Writes into a temporary sibling and renames it, so an interrupted run leaves no half data set.
pub fn ensure(cache: &Path, workload: Workload, size: Size) -> io::Result<Option<PathBuf>> {
    let dir = cache.join(format!("{workload}-{size}"));
    if is_current(&dir) {
        return Ok(Some(dir));
    }
    let Some(params) = spec::params(workload, size) else {
        return Ok(None);
    };
    let started = std::time::Instant::now();
    let relations = generate(workload, size).expect("params exist, so the data set does");
    let partial = cache.join(format!("{workload}-{size}.partial"));
    if partial.exists() {
        fs::remove_dir_all(&partial)?;
    }
    fs::create_dir_all(&partial)?;
    let mut manifest = format!("generator\t{GENERATOR_VERSION}\nparams\t{params}\n");
    let mut facts = 0;
    for relation in &relations {
        relation.write(&partial)?;
        manifest.push_str(&format!("{}\t{}\n", relation.name, relation.len()));
        facts += relation.len();
    }
    fs::write(partial.join(MANIFEST), manifest)?;
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::rename(&partial, &dir)?;
    eprintln!(
        "generated {workload}-{size} ({params}): {facts} facts in {:.1} s -> {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(Some(dir))
}
