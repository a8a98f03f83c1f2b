//! This module defines how sleuth writes a STIX 2.1 bundle: each source as
//! a `report`, each entity as a domain object, each base fact as one object
//! carrying every attestation of it (see `map` for which object), and the
//! rule library's main conclusions as `note`s with their proof, shortened.
//!
//! The output is a function of the data alone: ids are UUIDv5 names of
//! sleuth's ids (`ids`), timestamps are the sources' dates (an undated
//! source's is the latest date its facts give; an object's `created` is the
//! earliest date of the sources that give it, a conclusion's the latest of
//! all), objects come in a fixed order, so exporting twice gives the same
//! bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::grade::Grade;
use crate::io::data::attested::{GradeText, IsoDate};
use crate::io::data::{GroundFact, Provenance, SourceDoc};
use crate::value::{Date, Value};

use super::bundle::{Attestation, Bundle, Object, Paragraphs};
use super::country;
use super::ids::stix_id;
use super::map::{Col, Entity, columns, relationship_type};
use super::time::{end_of, timestamp};

/// The name of sleuth's extension, and the text of its definition.
pub const EXTENSION_NAME: &str = "sleuth provenance";

const EXTENSION_SCHEMA: &str = "Top-level properties written by sleuth (its README, section STIX 2.1): \
x_sleuth_provenance (each attestation of the fact the object records: source id, paragraph, \
Admiralty grade, and for an inferred value the note saying why), x_sleuth_kind (the sleuth \
entity a domain object stands for), x_sleuth_relation and x_sleuth_values (a base fact), \
x_sleuth_conclusion (a derived relation), x_sleuth_date (a month or a day), and on a report \
x_sleuth_id, x_sleuth_grade, x_sleuth_publisher, x_sleuth_paragraphs and x_sleuth_relays.";

/// The top-level properties of sleuth's extension.
pub const EXTENSION_PROPERTIES: &[&str] = &[
    "x_sleuth_provenance",
    "x_sleuth_kind",
    "x_sleuth_relation",
    "x_sleuth_values",
    "x_sleuth_conclusion",
    "x_sleuth_date",
    "x_sleuth_id",
    "x_sleuth_grade",
    "x_sleuth_publisher",
    "x_sleuth_paragraphs",
    "x_sleuth_relays",
];

/// One conclusion of the rule library to export: a derived tuple, its
/// proof in words and its confidence.
#[derive(Clone, Debug, PartialEq)]
pub struct ConclusionRow {
    /// The derived relation.
    pub relation: String,
    /// The tuple.
    pub values: Vec<Value>,
    /// Why it holds, as `:why` prints it (shortened on export).
    pub why: String,
    /// Its confidence in thousandths, `None` when it cannot be judged or
    /// rests on no graded fact.
    pub permille: Option<u16>,
}

/// Lines of a proof a conclusion's note keeps.
const PROOF_LINES: usize = 24;

/// The bundle of these sources, facts and conclusions, as JSON text.
pub fn bundle_json(
    sources: &[SourceDoc],
    facts: &[GroundFact],
    conclusions: &[ConclusionRow],
) -> String {
    let bundle = Exporter::new(sources, facts).bundle(conclusions);
    let mut text = serde_json::to_string_pretty(&bundle).expect("a bundle is plain JSON");
    text.push('\n');
    text
}

/// One fact and its attestations.
struct FactEntry<'a> {
    relation: &'a str,
    values: &'a [Value],
    text: String,
    provenance: Vec<&'a Provenance>,
}

struct Exporter<'a> {
    sources: &'a [SourceDoc],
    facts: Vec<FactEntry<'a>>,
    entities: BTreeMap<Entity, BTreeSet<String>>,
    /// Each source's date.
    dates: HashMap<&'a str, Date>,
    /// The areas directly containing each place (`located_in`) and
    /// covered by each theater (`theater_area`).
    containers: country::Containers<'a>,
    /// The persons standing for groups.
    groups: HashSet<&'a str>,
    /// The earliest and latest source dates.
    first: Option<Date>,
    last: Option<Date>,
    identity: String,
    extension: String,
}

impl<'a> Exporter<'a> {
    fn new(sources: &'a [SourceDoc], all: &'a [GroundFact]) -> Exporter<'a> {
        let mut facts: Vec<FactEntry<'a>> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        let ids: HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
        for f in all {
            if !ids.contains(f.provenance.source.as_str()) {
                continue;
            }
            let text = f.to_datalog();
            let i = *at.entry(text.clone()).or_insert_with(|| {
                facts.push(FactEntry {
                    relation: &f.relation,
                    values: &f.values,
                    text,
                    provenance: Vec::new(),
                });
                facts.len() - 1
            });
            if !facts[i].provenance.contains(&&f.provenance) {
                facts[i].provenance.push(&f.provenance);
            }
        }
        let mut entities: BTreeMap<Entity, BTreeSet<String>> = BTreeMap::new();
        for f in &facts {
            for (col, v) in columns(f.relation).unwrap_or(&[]).iter().zip(f.values) {
                if let (Col::Is(e), Value::Symbol(s)) = (col, v) {
                    entities.entry(*e).or_default().insert(s.clone());
                }
            }
        }
        // An area that is no theater is a place.
        for f in &facts {
            for (col, v) in columns(f.relation).unwrap_or(&[]).iter().zip(f.values) {
                if let (Col::Area, Value::Symbol(s)) = (col, v)
                    && !entities
                        .get(&Entity::Theater)
                        .is_some_and(|t| t.contains(s))
                {
                    entities.entry(Entity::Place).or_default().insert(s.clone());
                }
            }
        }
        // A source's date, or the latest date its facts give (a report is
        // written no earlier than the last event it tells of).
        let mut dates: HashMap<&str, Date> = HashMap::new();
        for f in all {
            for v in &f.values {
                if let Value::Date(d) = v {
                    let at = dates.entry(f.provenance.source.as_str()).or_insert(*d);
                    *at = (*at).max(*d);
                }
            }
        }
        for s in sources {
            if let Some(d) = s.date {
                dates.insert(s.id.as_str(), d);
            }
        }
        dates.retain(|id, _| ids.contains(id));
        let mut containers: HashMap<(Entity, &str), Vec<&str>> = HashMap::new();
        let mut groups = HashSet::new();
        for f in &facts {
            match (f.relation, f.values) {
                ("located_in", [Value::Symbol(a), Value::Symbol(b)]) => {
                    containers.entry((Entity::Place, a)).or_default().push(b)
                }
                ("theater_area", [Value::Symbol(a), Value::Symbol(b)]) => {
                    containers.entry((Entity::Theater, a)).or_default().push(b)
                }
                ("person_group", [Value::Symbol(p), _]) => {
                    groups.insert(p.as_str());
                }
                _ => {}
            }
        }
        Exporter {
            sources,
            facts,
            entities,
            containers,
            groups,
            first: dates.values().min().copied(),
            last: dates.values().max().copied(),
            dates,
            identity: stix_id("identity", "sleuth"),
            extension: stix_id("extension-definition", "sleuth-provenance"),
        }
    }

    /// The entity a value in this column stands for, if any.
    fn entity<'v>(&self, col: Col, value: &'v Value) -> Option<(Entity, &'v str)> {
        let Value::Symbol(s) = value else { return None };
        let has = |e: Entity| self.entities.get(&e).is_some_and(|set| set.contains(s));
        let e = match col {
            Col::Is(e) => e,
            Col::Area if has(Entity::Theater) => Entity::Theater,
            Col::Area => Entity::Place,
            Col::MaybeOrganisation if has(Entity::Organisation) => Entity::Organisation,
            _ => return None,
        };
        Some((e, s.as_str()))
    }

    fn entity_id(e: Entity, name: &str) -> String {
        stix_id(e.stix_type(), &format!("{}:{name}", e.name()))
    }

    /// The earliest date of these sources (the earliest of all when none
    /// has one), as a STIX timestamp.
    fn created<'s>(&self, sources: impl Iterator<Item = &'s str>) -> String {
        let date = sources
            .filter_map(|s| self.dates.get(s).copied())
            .min()
            .or(self.first);
        date.map_or_else(|| "1970-01-01T00:00:00.000Z".to_string(), timestamp)
    }

    /// A new object of this type and id, made on this date, using sleuth's
    /// extension when `extended`.
    fn object(&self, ty: &str, id: String, created: String, extended: bool) -> Object {
        Object {
            ty: ty.to_string(),
            spec_version: Some("2.1".into()),
            id,
            created_by_ref: Some(self.identity.clone()),
            modified: Some(created.clone()),
            created: Some(created),
            extensions: extended.then(|| {
                BTreeMap::from([(
                    self.extension.clone(),
                    serde_json::json!({"extension_type": "toplevel-property-extension"}),
                )])
            }),
            ..Object::default()
        }
    }

    fn bundle(&self, conclusions: &[ConclusionRow]) -> Bundle {
        let created = self.created(std::iter::empty());
        let mut identity = self.object("identity", self.identity.clone(), created.clone(), false);
        identity.name = Some("sleuth".into());
        identity.identity_class = Some("system".into());
        identity.description = Some(
            "sleuth, a Datalog engine for intelligence analysts: facts traced to their source \
             paragraph and graded, conclusions with their proof"
                .into(),
        );
        let mut extension = self.object(
            "extension-definition",
            self.extension.clone(),
            created.clone(),
            false,
        );
        extension.name = Some(EXTENSION_NAME.into());
        extension.schema = Some(EXTENSION_SCHEMA.into());
        extension.version = Some("1.0".into());
        extension.extension_types = Some(vec!["toplevel-property-extension".into()]);
        extension.description = Some(
            "Where each fact comes from (source, paragraph, Admiralty grade, inference note) \
             and which sleuth fact or entity each object records"
                .into(),
        );
        extension.extension_properties =
            Some(EXTENSION_PROPERTIES.iter().map(|p| p.to_string()).collect());
        let mut refs: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let mut entity_sources: HashMap<String, BTreeSet<&str>> = HashMap::new();
        let mut fact_objects = Vec::new();
        let mut declarations: HashMap<(Entity, &str), &FactEntry> = HashMap::new();
        for f in &self.facts {
            let cols = columns(f.relation).unwrap_or(&[]);
            let named: Vec<String> = cols
                .iter()
                .zip(f.values)
                .filter_map(|(c, v)| self.entity(*c, v))
                .map(|(e, n)| Self::entity_id(e, n))
                .collect();
            let sources: BTreeSet<&str> = f.provenance.iter().map(|p| p.source.as_str()).collect();
            for id in &named {
                entity_sources
                    .entry(id.clone())
                    .or_default()
                    .extend(sources.iter().copied());
            }
            let declared = Entity::ALL
                .into_iter()
                .find(|e| e.declared_by() == Some(f.relation));
            let id = match (declared, f.values) {
                (Some(e), [Value::Symbol(name)]) => {
                    declarations.insert((e, name.as_str()), f);
                    Self::entity_id(e, name)
                }
                _ => {
                    let object = self.fact_object(f, cols, &named);
                    let id = object.id.clone();
                    fact_objects.push(object);
                    id
                }
            };
            for s in &sources {
                let set = refs.entry(s).or_default();
                set.insert(id.clone());
                set.extend(named.iter().cloned());
            }
        }
        let mut objects = vec![identity, extension];
        for s in self.sources {
            objects.push(self.report(s, refs.get(s.id.as_str())));
        }
        for (e, names) in &self.entities {
            for name in names {
                let id = Self::entity_id(*e, name);
                let sources = entity_sources.get(&id).cloned().unwrap_or_default();
                let created = self.created(sources.into_iter());
                let mut o = self.object(e.stix_type(), id, created, true);
                o.name = Some(name.clone());
                o.x_sleuth_kind = Some(e.name().into());
                match e {
                    Entity::Place | Entity::Theater => {
                        let (country, region) = country::where_is(*e, name, &self.containers);
                        o.country = country;
                        o.region = region;
                    }
                    Entity::Organisation => o.resource_level = Some("organization".into()),
                    Entity::Person if self.groups.contains(name.as_str()) => {
                        o.resource_level = Some("team".into())
                    }
                    Entity::Person => o.resource_level = Some("individual".into()),
                    Entity::Cell => o.resource_level = Some("team".into()),
                    Entity::Operation => {}
                }
                if let Some(f) = declarations.get(&(*e, name.as_str())) {
                    o.confidence = confidence(&f.provenance);
                    o.x_sleuth_provenance = Some(attestations(&f.provenance));
                }
                objects.push(o);
            }
        }
        objects.extend(fact_objects);
        for c in conclusions {
            objects.push(self.conclusion(c));
        }
        let ids: Vec<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        Bundle {
            ty: "bundle".into(),
            id: stix_id("bundle", &ids.join("\n")),
            objects,
        }
    }

    fn report(&self, s: &SourceDoc, refs: Option<&BTreeSet<String>>) -> Object {
        let created = self.created(std::iter::once(s.id.as_str()));
        let id = stix_id("report", &format!("source:{}", s.id));
        let mut o = self.object("report", id, created.clone(), true);
        o.name = Some(s.title.clone());
        o.description = Some(s.description.clone());
        o.report_types = Some(vec!["threat-report".into()]);
        o.published = Some(created);
        let refs: Vec<String> = refs.map_or_else(Vec::new, |r| r.iter().cloned().collect());
        o.object_refs = Some(if refs.is_empty() {
            vec![self.identity.clone()]
        } else {
            refs
        });
        o.confidence = grade_confidence(s.grade);
        o.x_sleuth_id = Some(s.id.clone());
        o.x_sleuth_grade = Some(GradeText(s.grade));
        o.x_sleuth_publisher = Some(s.publisher.clone());
        o.x_sleuth_paragraphs = Some(Paragraphs {
            count: s.paragraphs,
            counting: s.paragraph_counting.clone(),
        });
        o.x_sleuth_relays = s.relays.clone();
        o
    }

    /// The object recording one fact (not a declaration).
    fn fact_object(&self, f: &FactEntry, cols: &[Col], named: &[String]) -> Object {
        let created = self.created(f.provenance.iter().map(|p| p.source.as_str()));
        let ends: Vec<Option<(Entity, &str)>> = cols
            .iter()
            .zip(f.values)
            .map(|(c, v)| self.entity(*c, v))
            .collect();
        let mut o = match (relationship_type(f.relation), ends.as_slice()) {
            (Some(ty), [Some(a), Some(b)]) => {
                let mut o = self.object(
                    "relationship",
                    stix_id("relationship", &f.text),
                    created,
                    true,
                );
                o.relationship_type = Some(ty.into());
                o.source_ref = Some(Self::entity_id(a.0, a.1));
                o.target_ref = Some(Self::entity_id(b.0, b.1));
                o.description = Some(f.text.clone());
                o
            }
            _ => match (f.relation, ends.as_slice(), f.values) {
                ("arrest", [Some(who), Some(at), None], [_, _, Value::Date(d)]) => {
                    let mut o =
                        self.object("sighting", stix_id("sighting", &f.text), created, true);
                    o.sighting_of_ref = Some(Self::entity_id(who.0, who.1));
                    o.where_sighted_refs = Some(vec![Self::entity_id(at.0, at.1)]);
                    o.first_seen = Some(timestamp(*d));
                    o.last_seen = Some(end_of(*d));
                    o.description = Some(f.text.clone());
                    o.x_sleuth_relation = Some(f.relation.into());
                    o.x_sleuth_date = Some(IsoDate(*d));
                    o
                }
                _ => {
                    let mut o = self.object("note", stix_id("note", &f.text), created, true);
                    o.summary = Some(f.text.clone());
                    o.content = Some(format!(
                        "{}: {}",
                        f.relation,
                        f.values
                            .iter()
                            .map(Value::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    let mut about: Vec<String> = named.to_vec();
                    about.dedup();
                    if about.is_empty() {
                        about = f
                            .provenance
                            .iter()
                            .map(|p| stix_id("report", &format!("source:{}", p.source)))
                            .collect();
                    }
                    o.object_refs = Some(about);
                    o.x_sleuth_relation = Some(f.relation.into());
                    o.x_sleuth_values = Some(f.values.iter().map(json_value).collect());
                    o
                }
            },
        };
        o.confidence = confidence(&f.provenance);
        o.x_sleuth_provenance = Some(attestations(&f.provenance));
        o
    }

    /// A conclusion's note.
    fn conclusion(&self, c: &ConclusionRow) -> Object {
        let args: Vec<String> = c.values.iter().map(Value::to_datalog).collect();
        let text = format!("{}({})", c.relation, args.join(", "));
        let created = self
            .last
            .map_or_else(|| "1970-01-01T00:00:00.000Z".to_string(), timestamp);
        let mut o = self.object(
            "note",
            stix_id("note", &format!("conclusion:{text}")),
            created,
            true,
        );
        o.summary = Some(text.clone());
        o.content = Some(shorten(&c.why, &text));
        let mut about: Vec<String> = c
            .values
            .iter()
            .filter_map(|v| match v {
                Value::Symbol(s) => Entity::ALL
                    .into_iter()
                    .find(|e| self.entities.get(e).is_some_and(|set| set.contains(s)))
                    .map(|e| Self::entity_id(e, s)),
                _ => None,
            })
            .collect();
        about.dedup();
        if about.is_empty() {
            about.push(self.identity.clone());
        }
        o.object_refs = Some(about);
        o.confidence = c.permille.map(|p| ((u32::from(p) + 5) / 10) as u8);
        o.x_sleuth_conclusion = Some(c.relation.clone());
        o.x_sleuth_values = Some(c.values.iter().map(json_value).collect());
        o
    }
}

/// The attestations in the extension's shape.
fn attestations(provenance: &[&Provenance]) -> Vec<Attestation> {
    provenance
        .iter()
        .map(|p| Attestation {
            source: p.source.clone(),
            paragraph: p.paragraph,
            grade: GradeText(p.grade),
            inferred: p.note.clone(),
        })
        .collect()
}

/// STIX's 0-100 confidence of the best attestation, `None` when no grade
/// can be judged.
fn confidence(provenance: &[&Provenance]) -> Option<u8> {
    provenance
        .iter()
        .filter_map(|p| grade_confidence(p.grade))
        .max()
}

/// A grade's confidence on STIX's 0-100 scale (sleuth's thousandths,
/// rounded), `None` when it cannot be judged.
pub(crate) fn grade_confidence(grade: Grade) -> Option<u8> {
    grade
        .is_judged()
        .then(|| ((grade.confidence_permille() + 5) / 10) as u8)
}

/// A value as JSON: symbols and dates as strings, numbers as numbers.
fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Symbol(s) => serde_json::Value::from(s.as_str()),
        Value::Number(n) => serde_json::Value::from(*n),
        Value::Float(x) => serde_json::Value::from(*x),
        Value::Date(d) => serde_json::Value::from(d.to_string()),
    }
}

/// A proof cut to its first lines, saying how to see the rest.
fn shorten(why: &str, fact: &str) -> String {
    let lines: Vec<&str> = why.lines().collect();
    let mut out = lines
        .iter()
        .take(PROOF_LINES)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    if lines.len() > PROOF_LINES {
        out.push_str(&format!(
            "\n... ({} more lines: `sleuth explain '{fact}'` gives the whole proof)",
            lines.len() - PROOF_LINES
        ));
    }
    out
}
