//! This module defines how a STIX 2.1 bundle maps back onto sleuth's base
//! schema, with provenance: each `report` becomes a source, the domain
//! objects that stand for sleuth entities become places, theaters,
//! organisations, persons, operations and cells, and each fact is attested
//! by the reports that refer to its object (or, in a bundle sleuth wrote, by
//! the attestations its `x_sleuth_provenance` lists). A fact no report
//! refers to is attested by a source standing for the bundle itself.
//!
//! A bundle from elsewhere is mostly cyber objects (malware, indicators,
//! attack patterns): what fits the schema is mapped (threat actors and
//! intrusion sets as organisations, individuals as persons, locations as
//! places, `attributed-to` between them), the rest is skipped and counted
//! per object type in an [`ImportSummary`].

use std::collections::HashMap;

use crate::diag::{Code, Diagnostic, SourceId, SourceMap, Span};
use crate::grade::{Credibility, Grade, Reliability};
use crate::io::data::base_relation;
use crate::io::data::locate::{JsonPath, locate};
use crate::io::data::{GroundFact, Provenance, SourceDoc};
use crate::value::{Date, Type, Value};

use super::bundle::{Bundle, Object};
use super::map::{Entity, relation_of};
use super::summary::ImportSummary;
use super::time::parse_timestamp;

/// The grade of a report that gives none (no `x_sleuth_grade`, no
/// `confidence`), and of the source standing for a bundle: F3, a source
/// whose reliability cannot be judged, saying what is possibly true.
pub const DEFAULT_GRADE: Grade = Grade {
    reliability: Reliability::F,
    credibility: Credibility::Possible,
};

/// What a bundle maps to.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub sources: Vec<SourceDoc>,
    pub facts: Vec<GroundFact>,
    /// Each entity declared, with the sources declaring it and the index of
    /// its object.
    pub declarations: Vec<(Entity, String, Vec<String>, usize)>,
    /// For each source: the index of the report standing for it (`None`
    /// for the bundle's own source).
    pub reports: Vec<Option<usize>>,
    pub summary: ImportSummary,
}

struct Importer<'a> {
    bundle: &'a Bundle,
    text: &'a str,
    file: SourceId,
    name: &'a str,
    /// The object index of each id (its first version).
    by_id: HashMap<&'a str, usize>,
    /// The entity each object stands for, with its name.
    entities: HashMap<usize, (Entity, String)>,
    /// The sources of the reports referring to each object id.
    referrers: HashMap<&'a str, Vec<usize>>,
    out: Imported,
    /// The index of the bundle's own source, once needed.
    own: Option<usize>,
    /// The index of each source, by id.
    source_at: HashMap<String, usize>,
}

/// Maps a bundle onto sources and facts. `text` is its JSON, registered
/// as `file` named `name`.
pub(crate) fn import(
    bundle: &Bundle,
    sources: &SourceMap,
    file: SourceId,
) -> Result<Imported, Diagnostic> {
    let f = sources.file(file);
    let mut im = Importer {
        bundle,
        text: &f.text,
        file,
        name: &f.name,
        by_id: HashMap::new(),
        entities: HashMap::new(),
        referrers: HashMap::new(),
        out: Imported::default(),
        own: None,
        source_at: HashMap::new(),
    };
    im.index()?;
    im.reports()?;
    for (i, o) in bundle.objects.iter().enumerate() {
        im.object(i, o)?;
    }
    Ok(im.out)
}

/// The path of an object's property.
fn path(i: usize, key: &str) -> JsonPath {
    JsonPath::default().key("objects").index(i).key(key)
}

impl<'a> Importer<'a> {
    fn span(&self, path: &JsonPath) -> Option<Span> {
        locate(self.text, path).map(|l| Span::new(self.file, l.value.0, l.value.1))
    }

    fn error(&self, code: Code, path: &JsonPath, message: String, help: &str) -> Diagnostic {
        Diagnostic::new(code, format!("{path}: {message}"), self.span(path))
            .with_label("here")
            .with_help(help.to_string())
    }

    /// Indexes the objects by id and finds the entity each stands for.
    fn index(&mut self) -> Result<(), Diagnostic> {
        for (i, o) in self.bundle.objects.iter().enumerate() {
            if self.by_id.contains_key(o.id.as_str()) {
                continue;
            }
            self.by_id.insert(&o.id, i);
            let entity = match (&o.x_sleuth_kind, o.ty.as_str()) {
                (Some(kind), _) => Some(Entity::from_name(kind).ok_or_else(|| {
                    self.error(
                        Code::BadValue,
                        &path(i, "x_sleuth_kind"),
                        format!("`{kind}` is no kind of sleuth entity"),
                        "x_sleuth_kind is one of place, theater, organisation, person, operation, cell",
                    )
                })?),
                (None, "location") => Some(Entity::Place),
                (None, "threat-actor" | "intrusion-set") => Some(Entity::Organisation),
                (None, "identity") if o.identity_class.as_deref() == Some("individual") => {
                    Some(Entity::Person)
                }
                _ => None,
            };
            if let (Some(e), Some(name)) = (entity, &o.name) {
                self.entities.insert(i, (e, name.clone()));
            }
        }
        Ok(())
    }

    /// Each report as a source, and which objects it refers to.
    fn reports(&mut self) -> Result<(), Diagnostic> {
        let bundle = self.bundle;
        for (i, o) in bundle.objects.iter().enumerate() {
            if o.ty != "report" || self.by_id.get(o.id.as_str()) != Some(&i) {
                continue;
            }
            let grade = match (&o.x_sleuth_grade, o.confidence) {
                (Some(g), _) => g.0,
                (None, Some(c)) => Grade::new(Reliability::F, credibility_of(c)),
                (None, None) => DEFAULT_GRADE,
            };
            let date = match &o.published {
                Some(p) => Some(self.date(p, &path(i, "published"))?),
                None => None,
            };
            let publisher = o.x_sleuth_publisher.clone().unwrap_or_else(|| {
                o.created_by_ref
                    .as_deref()
                    .and_then(|r| self.by_id.get(r))
                    .and_then(|&j| bundle.objects[j].name.clone())
                    .unwrap_or_else(|| "unknown: the bundle does not say".into())
            });
            let title = o.name.clone().unwrap_or_else(|| o.id.clone());
            let (paragraphs, counting) = match &o.x_sleuth_paragraphs {
                Some(p) => (p.count, p.counting.clone()),
                None => (
                    1,
                    "A STIX report has no paragraphs: paragraph 1 is the whole report.".into(),
                ),
            };
            let description = o.description.clone().unwrap_or_else(|| {
                format!(
                    "STIX report {} from {}; graded {grade}: {}.",
                    o.id,
                    self.name,
                    if o.confidence.is_some() {
                        "credibility from its confidence, reliability not judged"
                    } else {
                        "it gives no confidence"
                    }
                )
            });
            let at = self.out.sources.len();
            let id = o
                .x_sleuth_id
                .clone()
                .unwrap_or_else(|| format!("stix:{}", o.id));
            self.source_at.entry(id.clone()).or_insert(at);
            self.out.sources.push(SourceDoc {
                id,
                title,
                publisher,
                date,
                description,
                grade,
                paragraphs,
                paragraph_counting: counting,
                file: self.name.to_string(),
                relays: o.x_sleuth_relays.clone(),
            });
            self.out.reports.push(Some(i));
            for r in o.object_refs.iter().flatten() {
                self.referrers.entry(r.as_str()).or_default().push(at);
            }
            self.out.summary.map("report");
        }
        Ok(())
    }

    /// A STIX timestamp or sleuth date as a day (or a month).
    fn date(&self, text: &str, at: &JsonPath) -> Result<Date, Diagnostic> {
        parse_timestamp(text).map_err(|e| {
            self.error(
                Code::BadDate,
                at,
                format!("`{text}` is not a date: {e}"),
                "write a STIX timestamp such as \"2024-02-01T00:00:00.000Z\"",
            )
        })
    }

    /// The source standing for the bundle itself (made when first needed).
    fn own_source(&mut self) -> usize {
        if let Some(at) = self.own {
            return at;
        }
        let at = self.out.sources.len();
        self.out.sources.push(SourceDoc {
            id: format!("stix:{}", self.bundle.id),
            title: format!("STIX bundle {}", self.name),
            publisher: "unknown: the bundle does not say".into(),
            date: None,
            description: format!(
                "The objects of the STIX bundle {} that no report of it refers to; graded \
                 {DEFAULT_GRADE}: who made them and how far they can be trusted is not said.",
                self.bundle.id
            ),
            grade: DEFAULT_GRADE,
            paragraphs: 1,
            paragraph_counting: "A STIX bundle has no paragraphs: paragraph 1 is the whole bundle."
                .into(),
            file: self.name.to_string(),
            relays: None,
        });
        self.out.reports.push(None);
        self.own = Some(at);
        at
    }

    /// Who attests the fact object `i` records.
    fn attestations(&mut self, i: usize, o: &Object) -> Result<Vec<Provenance>, Diagnostic> {
        if let Some(list) = &o.x_sleuth_provenance {
            let mut out = Vec::new();
            for (j, a) in list.iter().enumerate() {
                let at = path(i, "x_sleuth_provenance").index(j);
                let found = self.source_at.get(&a.source).map(|&s| &self.out.sources[s]);
                let Some(source) = found else {
                    return Err(self.error(
                        Code::DanglingReference,
                        &at.key("source"),
                        format!("no report of the bundle has the source id `{}`", a.source),
                        "each attestation names a report of the bundle by its x_sleuth_id",
                    ));
                };
                if a.paragraph > source.paragraphs {
                    return Err(self.error(
                        Code::BadParagraph,
                        &at.key("paragraph"),
                        format!(
                            "paragraph {} of `{}`, which has {}",
                            a.paragraph, a.source, source.paragraphs
                        ),
                        "cite a paragraph the report has (its x_sleuth_paragraphs count)",
                    ));
                }
                out.push(Provenance {
                    source: a.source.clone(),
                    paragraph: a.paragraph,
                    grade: a.grade.0,
                    note: a.inferred.clone(),
                });
            }
            return Ok(out);
        }
        let mut by: Vec<usize> = self
            .referrers
            .get(o.id.as_str())
            .cloned()
            .unwrap_or_default();
        by.dedup();
        if by.is_empty() {
            by.push(self.own_source());
        }
        Ok(by
            .into_iter()
            .map(|s| {
                let source = &self.out.sources[s];
                Provenance {
                    source: source.id.clone(),
                    paragraph: source.paragraphs.min(1),
                    grade: source.grade,
                    note: None,
                }
            })
            .collect())
    }

    fn fact(&mut self, relation: &str, values: Vec<Value>, provenance: &[Provenance]) {
        for p in provenance {
            self.out.facts.push(GroundFact {
                relation: relation.to_string(),
                values: values.clone(),
                provenance: p.clone(),
            });
        }
    }

    /// The entity a reference names, or why it names none.
    fn entity_at(&self, reference: Option<&String>) -> Result<(Entity, String), &'static str> {
        let r = reference.ok_or("it lacks a reference")?;
        let i = self
            .by_id
            .get(r.as_str())
            .ok_or("it refers to an object not in the bundle")?;
        self.entities
            .get(i)
            .cloned()
            .ok_or("it refers to an object sleuth does not map")
    }

    fn object(&mut self, i: usize, o: &'a Object) -> Result<(), Diagnostic> {
        let ty = o.ty.as_str();
        if self.by_id.get(o.id.as_str()) != Some(&i) {
            self.out
                .summary
                .skip(ty, "another version of an object read already");
            return Ok(());
        }
        if ty == "report" {
            return Ok(());
        }
        if let Some((e, name)) = self.entities.get(&i).cloned() {
            return self.entity(i, o, e, name);
        }
        match ty {
            "relationship" => self.relationship(i, o),
            "sighting" => self.sighting(i, o),
            "note" if o.x_sleuth_conclusion.is_some() => {
                self.out
                    .summary
                    .skip(ty, "a conclusion: the rules derive it again");
                Ok(())
            }
            "note" if o.x_sleuth_relation.is_some() => self.note(i, o),
            "identity" if o.id == super::ids::stix_id("identity", "sleuth") => {
                self.out
                    .summary
                    .skip(ty, "sleuth itself, the bundle's maker");
                Ok(())
            }
            "extension-definition" => {
                self.out
                    .summary
                    .skip(ty, "the definition of an extension, not a fact");
                Ok(())
            }
            "identity" => {
                self.out.summary.skip(
                    ty,
                    "not an individual: sleuth's organisations are armed groups",
                );
                Ok(())
            }
            "location" | "threat-actor" | "intrusion-set" => {
                self.out.summary.skip(ty, "it has no name");
                Ok(())
            }
            _ => {
                self.out
                    .summary
                    .skip(ty, "sleuth's schema has nothing of this type");
                Ok(())
            }
        }
    }

    fn entity(&mut self, i: usize, o: &Object, e: Entity, name: String) -> Result<(), Diagnostic> {
        let provenance = self.attestations(i, o)?;
        let sleuth = o.x_sleuth_kind.is_some();
        match e {
            Entity::Theater | Entity::Organisation => {
                let relation = e.declared_by().expect("theaters and organisations are");
                self.fact(relation, vec![Value::Symbol(name.clone())], &provenance);
            }
            Entity::Place if !sleuth => {
                let kind = if o.city.is_some() {
                    "city"
                } else if o.administrative_area.is_some() || o.region.is_some() {
                    "region"
                } else {
                    "country"
                };
                self.fact(
                    "place_kind",
                    vec![Value::Symbol(name.clone()), Value::Symbol(kind.into())],
                    &provenance,
                );
            }
            _ => {}
        }
        let sources = if sleuth && o.x_sleuth_provenance.is_none() {
            // A declaration carrying no fact of its own: declared by the
            // reports referring to it.
            let mut by: Vec<String> = self
                .referrers
                .get(o.id.as_str())
                .into_iter()
                .flatten()
                .map(|&s| self.out.sources[s].id.clone())
                .collect();
            by.dedup();
            if by.is_empty() {
                let own = self.own_source();
                by.push(self.out.sources[own].id.clone());
            }
            by
        } else {
            provenance.iter().map(|p| p.source.clone()).collect()
        };
        self.out.declarations.push((e, name, sources, i));
        self.out.summary.map(&o.ty);
        Ok(())
    }

    fn relationship(&mut self, i: usize, o: &Object) -> Result<(), Diagnostic> {
        let ty = o.relationship_type.clone().unwrap_or_default();
        let ends = (
            self.entity_at(o.source_ref.as_ref()),
            self.entity_at(o.target_ref.as_ref()),
        );
        let ((a, an), (b, bn)) = match ends {
            (Ok(a), Ok(b)) => (a, b),
            (Err(why), _) | (_, Err(why)) => {
                self.out
                    .summary
                    .skip("relationship", format!("`{ty}`: {why}"));
                return Ok(());
            }
        };
        let (relation, values) = match relation_of(&ty, a, b) {
            Some(r) => (r, vec![an, bn]),
            // A threat actor attributed to an individual: the person is
            // behind it, read as a member.
            None if ty == "attributed-to" && a == Entity::Organisation && b == Entity::Person => {
                ("member_of", vec![bn, an])
            }
            None => {
                self.out.summary.skip(
                    "relationship",
                    format!(
                        "`{ty}` from {} to {}: no base relation holds it",
                        a.name(),
                        b.name()
                    ),
                );
                return Ok(());
            }
        };
        let provenance = self.attestations(i, o)?;
        self.fact(
            relation,
            values.into_iter().map(Value::Symbol).collect(),
            &provenance,
        );
        self.out.summary.map("relationship");
        Ok(())
    }

    fn sighting(&mut self, i: usize, o: &Object) -> Result<(), Diagnostic> {
        let who = self.entity_at(o.sighting_of_ref.as_ref());
        let at = self.entity_at(o.where_sighted_refs.as_ref().and_then(|w| w.first()));
        let (Ok((Entity::Person, who)), Ok((Entity::Place, at))) = (who, at) else {
            self.out
                .summary
                .skip("sighting", "not of a person at a place: no arrest to read");
            return Ok(());
        };
        if o.x_sleuth_relation
            .as_deref()
            .is_some_and(|r| r != "arrest")
        {
            self.out
                .summary
                .skip("sighting", "a sighting sleuth did not write as an arrest");
            return Ok(());
        }
        let date = match (&o.x_sleuth_date, &o.first_seen) {
            (Some(d), _) => d.0,
            (None, Some(first)) => self.date(first, &path(i, "first_seen"))?,
            (None, None) => {
                self.out.summary.skip("sighting", "no date");
                return Ok(());
            }
        };
        let provenance = self.attestations(i, o)?;
        self.fact(
            "arrest",
            vec![Value::Symbol(who), Value::Symbol(at), Value::Date(date)],
            &provenance,
        );
        self.out.summary.map("sighting");
        Ok(())
    }

    /// A note recording a base fact in `x_sleuth_relation` and
    /// `x_sleuth_values`.
    fn note(&mut self, i: usize, o: &Object) -> Result<(), Diagnostic> {
        let relation = o.x_sleuth_relation.clone().unwrap_or_default();
        let Some(cols) = base_relation(&relation) else {
            return Err(self.error(
                Code::BadValue,
                &path(i, "x_sleuth_relation"),
                format!("`{relation}` is not a base relation"),
                "name one of the base relations of rules/schema.dl",
            ));
        };
        let given = o.x_sleuth_values.as_deref().unwrap_or(&[]);
        if given.len() != cols.len() {
            return Err(self.error(
                Code::BadValue,
                &path(i, "x_sleuth_values"),
                format!(
                    "`{relation}` has {} columns, the note gives {} values",
                    cols.len(),
                    given.len()
                ),
                "give one value per column of the relation",
            ));
        }
        let mut values = Vec::new();
        for (j, ((column, ty), v)) in cols.iter().zip(given).enumerate() {
            let at = path(i, "x_sleuth_values").index(j);
            let value = match (ty, v) {
                (Type::Symbol, serde_json::Value::String(s)) => Value::Symbol(s.clone()),
                (Type::Number, serde_json::Value::Number(n)) if n.as_i64().is_some() => {
                    Value::Number(n.as_i64().expect("checked"))
                }
                (Type::Date, serde_json::Value::String(s)) => Value::Date(self.date(s, &at)?),
                _ => {
                    return Err(self.error(
                        Code::BadValue,
                        &at,
                        format!("`{column}` of `{relation}` holds a {ty}, not {v}"),
                        "symbols and dates are strings, numbers are integers",
                    ));
                }
            };
            values.push(value);
        }
        let provenance = self.attestations(i, o)?;
        self.fact(&relation, values, &provenance);
        self.out.summary.map("note");
        Ok(())
    }
}

/// The credibility STIX 2.1's Admiralty mapping gives a confidence: 80 and
/// above 1, 60-79 2, 40-59 3, 20-39 4, below 20 5.
pub fn credibility_of(confidence: u8) -> Credibility {
    match confidence {
        80.. => Credibility::Confirmed,
        60..=79 => Credibility::Probable,
        40..=59 => Credibility::Possible,
        20..=39 => Credibility::Doubtful,
        _ => Credibility::Improbable,
    }
}
