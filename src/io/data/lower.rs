//! This module defines how a parsed data document becomes base facts: ids are
//! declared (no duplicates, across files too), references are checked (no
//! cell in an undeclared place, no arrest of an undeclared person), and each
//! fact gets its provenance: the paragraph and grade written at the value or
//! inherited from the entity around it, and, for an inferred value, the note
//! and a lower credibility.

use crate::diag::{Diagnostic, SourceId, SourceMap, Span, did_you_mean};
use crate::grade::Grade;
use crate::value::Value;

use super::attested::{Attested, IsoDate, Name};
use super::dataset::{DataSet, GroundFact, Provenance, SourceDoc};
use super::format::{CellEntry, Document};
use super::locate::{JsonPath, locate};
use super::registry::{IdInfo, Kind, Registry};

/// Turns one parsed document into facts, declaring its ids in `registry`.
/// On error the caller throws `registry` away.
pub(crate) fn lower(
    doc: &Document,
    sources: &SourceMap,
    file: SourceId,
    registry: &mut Registry,
) -> Result<DataSet, Diagnostic> {
    let mut lw = Lowering {
        sources,
        file,
        text: &sources.file(file).text,
        source_id: doc.source.id.clone(),
        default: doc.source.grade.0,
        count: doc.source.paragraphs.count,
        facts: Vec::new(),
    };
    lw.declare_all(doc, registry)?;
    lw.check_cycles(doc, registry)?;
    lw.facts_of(doc, registry)?;
    let source = &doc.source;
    Ok(DataSet {
        sources: vec![SourceDoc {
            id: source.id.clone(),
            title: source.title.clone(),
            publisher: source.publisher.clone(),
            date: source.date.map(|d| d.0),
            description: source.description.clone(),
            grade: source.grade.0,
            paragraphs: source.paragraphs.count,
            paragraph_counting: source.paragraphs.counting.clone(),
            file: sources.file(file).name.clone(),
        }],
        facts: lw.facts,
    })
}

/// The id a cell gets when the document gives none: `operation/place`.
pub(crate) fn cell_id(op: &str, cell: &CellEntry) -> String {
    cell.id
        .clone()
        .unwrap_or_else(|| format!("{op}/{}", cell.place.value.0))
}

struct Lowering<'a> {
    sources: &'a SourceMap,
    file: SourceId,
    text: &'a str,
    source_id: String,
    default: Grade,
    count: u32,
    facts: Vec<GroundFact>,
}

/// The provenance in force at one place of the document: what the enclosing
/// entities and the value itself say.
#[derive(Clone)]
struct Ctx {
    depth: usize,
    paragraph: u32,
    paragraph_depth: usize,
    /// The nearest explicit grade, the depth it was given at and its path.
    grade: Option<(Grade, usize, JsonPath)>,
    /// The inference notes in force and the depth of the innermost one.
    notes: Vec<String>,
    note_depth: usize,
}

/// A fact's resolved provenance, before it is combined with others.
struct Resolved {
    paragraph: u32,
    paragraph_depth: usize,
    grade: Grade,
    notes: Vec<String>,
}

impl<'a> Lowering<'a> {
    // ---- locations and messages ----

    fn span_at(&self, path: &JsonPath, want_key: bool) -> Option<Span> {
        let found = locate(self.text, path)?;
        let (start, end) = match found.key {
            Some(key) if want_key => key,
            _ => found.value,
        };
        Some(Span::new(self.file, start, end))
    }

    fn error(&self, code: &'static str, path: &JsonPath, message: String) -> Diagnostic {
        let span = self.span_at(path, false);
        let mut d = Diagnostic::new(code, format!("{path}: {message}"), span);
        if span.is_none() {
            d = d.with_note(format!("in {}", self.sources.file(self.file).name));
        }
        d
    }

    fn location(&self, path: &JsonPath) -> String {
        match self.span_at(path, false) {
            Some(span) => self.sources.location(span),
            None => format!("{} at {path}", self.sources.file(self.file).name),
        }
    }

    // ---- pass 1: declarations ----

    fn declare(
        &self,
        registry: &mut Registry,
        kind: Kind,
        id: &str,
        path: &JsonPath,
        place: Option<(&str, Option<&str>)>,
    ) -> Result<(), Diagnostic> {
        let info = IdInfo {
            location: self.location(path),
            place_kind: place.map(|(k, _)| k.to_string()),
            inside: place.and_then(|(_, inside)| inside.map(str::to_string)),
        };
        registry.declare(kind, id, info).map_err(|first| {
            self.error(
                "duplicate-id",
                path,
                format!("the {} id `{id}` is declared twice", kind.name()),
            )
            .with_label("declared again here")
            .with_note(format!("first declared at {}", first.location))
            .with_help(
                "ids must be unique across all loaded data files: rename one, or keep one declaration and refer to it",
            )
        })
    }

    fn declare_all(&self, doc: &Document, registry: &mut Registry) -> Result<(), Diagnostic> {
        let root = JsonPath::default();
        let src = root.key("source").key("id");
        self.declare(registry, Kind::Source, &doc.source.id, &src, None)?;
        for (i, p) in doc.places.iter().enumerate() {
            let path = root.key("places").index(i).key("id");
            let inside = p.inside.as_ref().map(|a| a.value.0.as_str());
            let place = Some((p.kind.value.0.as_str(), inside));
            self.declare(registry, Kind::Place, &p.id, &path, place)?;
        }
        for (i, t) in doc.theaters.iter().enumerate() {
            let path = root.key("theaters").index(i).key("id");
            self.declare(registry, Kind::Theater, &t.id, &path, None)?;
        }
        for (i, o) in doc.organisations.iter().enumerate() {
            let path = root.key("organisations").index(i).key("id");
            self.declare(registry, Kind::Organisation, &o.id, &path, None)?;
        }
        for (i, p) in doc.persons.iter().enumerate() {
            let path = root.key("persons").index(i).key("id");
            self.declare(registry, Kind::Person, &p.id, &path, None)?;
        }
        for (i, op) in doc.operations.iter().enumerate() {
            let op_path = root.key("operations").index(i);
            self.declare(registry, Kind::Operation, &op.id, &op_path.key("id"), None)?;
            for (j, cell) in op.cells.iter().enumerate() {
                let cell_path = op_path.key("cells").index(j);
                let path = match cell.id {
                    Some(_) => cell_path.key("id"),
                    None => value_path(&cell.place, &cell_path.key("place")),
                };
                let id = cell_id(&op.id, cell);
                self.declare(registry, Kind::Cell, &id, &path, None)?;
            }
        }
        Ok(())
    }

    // ---- containment cycles ----

    fn check_cycles(&self, doc: &Document, registry: &Registry) -> Result<(), Diagnostic> {
        for (i, p) in doc.places.iter().enumerate() {
            let mut seen = vec![p.id.as_str()];
            let mut at = p.id.as_str();
            while let Some(next) = registry
                .get(Kind::Place, at)
                .and_then(|i| i.inside.as_deref())
            {
                if next == p.id {
                    let path = root_path("places", i).key("in");
                    let path = match &p.inside {
                        Some(a) => value_path(a, &path),
                        None => path,
                    };
                    return Err(self
                        .error(
                            "containment-cycle",
                            &path,
                            format!(
                                "`{}` ends up inside itself: {} -> {}",
                                p.id,
                                seen.join(" -> "),
                                p.id
                            ),
                        )
                        .with_label("this closes the loop")
                        .with_help("a place's `in` names the larger area that contains it; fix the chain so it ends at a country"));
                }
                if seen.contains(&next) {
                    break;
                }
                seen.push(next);
                at = next;
            }
        }
        Ok(())
    }

    // ---- references ----

    fn reference(
        &self,
        registry: &Registry,
        kinds: &[Kind],
        name: &str,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        if kinds.iter().any(|&k| registry.get(k, name).is_some()) {
            return Ok(());
        }
        let what = kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" or ");
        let where_ = kinds
            .iter()
            .map(|k| k.section())
            .collect::<Vec<_>>()
            .join(" or ");
        let mut d = self.error(
            "dangling-reference",
            path,
            format!("`{name}` is not a declared {what}"),
        );
        d = match did_you_mean(name, registry.names(kinds)) {
            Some(close) => d.with_label(format!("did you mean `{close}`?")),
            None => d.with_label(format!("no {what} has this id")),
        };
        Err(d.with_help(format!(
            "declare it in {where_} (in this file or one loaded before it) or fix the name"
        )))
    }

    fn country(&self, registry: &Registry, name: &str, path: &JsonPath) -> Result<(), Diagnostic> {
        self.reference(registry, &[Kind::Place], name, path)?;
        let kind = registry
            .get(Kind::Place, name)
            .and_then(|i| i.place_kind.as_deref())
            .unwrap_or("place");
        if kind == "country" {
            return Ok(());
        }
        Err(self
            .error(
                "wrong-kind",
                path,
                format!("`{name}` is a {kind}, not a country"),
            )
            .with_label("a country is expected here")
            .with_help("name the country (a place whose `kind` is \"country\")"))
    }

    // ---- provenance ----

    fn root_ctx(&self) -> Ctx {
        Ctx {
            depth: 0,
            paragraph: 0,
            paragraph_depth: 0,
            grade: None,
            notes: Vec::new(),
            note_depth: 0,
        }
    }

    /// Enters an entity or a value with its own provenance fields.
    fn enter(
        &self,
        outer: &Ctx,
        path: &JsonPath,
        paragraph: Option<u32>,
        grade: Option<Grade>,
        inferred: Option<&str>,
    ) -> Result<Ctx, Diagnostic> {
        let mut ctx = outer.clone();
        ctx.depth += 1;
        if let Some(p) = paragraph {
            if p > self.count {
                return Err(self
                    .error(
                        "bad-paragraph",
                        &path.key("paragraph"),
                        format!("paragraph {p} does not exist: the source has {} body paragraphs", self.count),
                    )
                    .with_label("out of range")
                    .with_help(format!(
                        "cite 1..={} (0 for the headline), counted as the source's `paragraphs.counting` says",
                        self.count
                    )));
            }
            ctx.paragraph = p;
            ctx.paragraph_depth = ctx.depth;
        }
        if let Some(g) = grade {
            ctx.grade = Some((g, ctx.depth, path.key("grade")));
        }
        if let Some(note) = inferred {
            if note.trim().is_empty() {
                return Err(self
                    .error(
                        "empty-note",
                        &path.key("inferred"),
                        "an inferred value needs a note saying what was inferred and why".into(),
                    )
                    .with_help("write the reasoning, e.g. \"the year is not stated; ...\""));
            }
            ctx.notes.push(note.to_string());
            ctx.note_depth = ctx.depth;
        }
        Ok(ctx)
    }

    /// The provenance of an attested value inside `outer`.
    fn value_ctx<T>(
        &self,
        outer: &Ctx,
        a: &Attested<T>,
        path: &JsonPath,
    ) -> Result<Ctx, Diagnostic> {
        match &a.detail {
            None => Ok(outer.clone()),
            Some(d) => self.enter(outer, path, d.paragraph, d.grade, d.inferred.as_deref()),
        }
    }

    fn resolve(&self, ctx: &Ctx) -> Result<Resolved, Diagnostic> {
        let explicit = ctx.grade.as_ref();
        let grade = match (&ctx.notes[..], explicit) {
            ([], g) => g.map_or(self.default, |g| g.0),
            (_, Some((g, depth, _))) if *depth >= ctx.note_depth => *g,
            (_, g) => g.map_or(self.default, |g| g.0).lowered(),
        };
        if !ctx.notes.is_empty()
            && let Some((g, _, path)) = explicit
            && grade == *g
            && !grade.credibility.is_weaker_than(self.default.credibility)
            && grade.credibility != crate::grade::Credibility::CannotBeJudged
        {
            return Err(self
                .error(
                    "inferred-grade",
                    path,
                    format!(
                        "an inferred value is graded {grade}, as credible as the source's default {}",
                        self.default
                    ),
                )
                .with_label("credibility must be lower than the source's")
                .with_help(format!(
                    "give a credibility digit above {} (or leave `grade` out: an inferred value gets one step lower by itself)",
                    self.default.credibility.digit()
                )));
        }
        Ok(Resolved {
            paragraph: ctx.paragraph,
            paragraph_depth: ctx.paragraph_depth,
            grade,
            notes: ctx.notes.clone(),
        })
    }

    /// Records a fact whose values come from the parts `ctxs`: it cites the
    /// most specific paragraph, takes the weakest grade and every note.
    fn fact(
        &mut self,
        relation: &str,
        values: Vec<Value>,
        ctxs: &[&Ctx],
    ) -> Result<(), Diagnostic> {
        let mut best: Option<Resolved> = None;
        let mut notes: Vec<String> = Vec::new();
        for ctx in ctxs {
            let r = self.resolve(ctx)?;
            for n in &r.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            best = Some(match best {
                None => r,
                Some(b) => Resolved {
                    paragraph: if r.paragraph_depth > b.paragraph_depth {
                        r.paragraph
                    } else {
                        b.paragraph
                    },
                    paragraph_depth: b.paragraph_depth.max(r.paragraph_depth),
                    grade: if r.grade.confidence_permille() < b.grade.confidence_permille() {
                        r.grade
                    } else {
                        b.grade
                    },
                    notes: Vec::new(),
                },
            });
        }
        let best = best.expect("every fact has at least one part");
        self.facts.push(GroundFact {
            relation: relation.to_string(),
            values,
            provenance: Provenance {
                source: self.source_id.clone(),
                paragraph: best.paragraph,
                grade: best.grade,
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            },
        });
        Ok(())
    }

    // ---- pass 2: facts ----

    fn facts_of(&mut self, doc: &Document, reg: &Registry) -> Result<(), Diagnostic> {
        let root = self.root_ctx();
        let src = doc.source.id.clone();
        self.fact("source", vec![sym(&src), sym(&doc.source.title)], &[&root])?;
        self.places(doc, reg, &root)?;
        self.theaters_and_organisations(doc, reg, &root)?;
        self.persons(doc, reg, &root)?;
        self.operations(doc, reg, &root)?;
        self.arrests_and_flows(doc, reg, &root)
    }

    fn places(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, p) in doc.places.iter().enumerate() {
            let path = root_path("places", i);
            let ctx = self.enter(
                root,
                &path,
                Some(p.paragraph),
                grade(&p.grade),
                p.inferred.as_deref(),
            )?;
            let kind_ctx = self.value_ctx(&ctx, &p.kind, &path.key("kind"))?;
            self.fact("place_kind", vec![sym(&p.id), name(&p.kind)], &[&kind_ctx])?;
            if let Some(inside) = &p.inside {
                let in_path = path.key("in");
                self.reference(
                    reg,
                    &[Kind::Place],
                    &inside.value.0,
                    &value_path(inside, &in_path),
                )?;
                let in_ctx = self.value_ctx(&ctx, inside, &in_path)?;
                self.fact("located_in", vec![sym(&p.id), name(inside)], &[&in_ctx])?;
            }
        }
        Ok(())
    }

    fn theaters_and_organisations(
        &mut self,
        doc: &Document,
        reg: &Registry,
        root: &Ctx,
    ) -> Result<(), Diagnostic> {
        for (i, t) in doc.theaters.iter().enumerate() {
            let path = root_path("theaters", i);
            let ctx = self.enter(
                root,
                &path,
                Some(t.paragraph),
                grade(&t.grade),
                t.inferred.as_deref(),
            )?;
            self.fact("theater", vec![sym(&t.id)], &[&ctx])?;
            for (j, area) in t.areas.iter().enumerate() {
                let p = path.key("areas").index(j);
                self.reference(reg, &[Kind::Place], &area.value.0, &value_path(area, &p))?;
                let actx = self.value_ctx(&ctx, area, &p)?;
                self.fact("theater_area", vec![sym(&t.id), name(area)], &[&actx])?;
            }
        }
        for (i, o) in doc.organisations.iter().enumerate() {
            let path = root_path("organisations", i);
            let ctx = self.enter(
                root,
                &path,
                Some(o.paragraph),
                grade(&o.grade),
                o.inferred.as_deref(),
            )?;
            self.fact("organisation", vec![sym(&o.id)], &[&ctx])?;
            for (j, t) in o.theaters.iter().enumerate() {
                let p = path.key("theaters").index(j);
                self.reference(reg, &[Kind::Theater], &t.value.0, &value_path(t, &p))?;
                let tctx = self.value_ctx(&ctx, t, &p)?;
                self.fact("org_theater", vec![sym(&o.id), name(t)], &[&tctx])?;
            }
            if let Some(parent) = &o.part_of {
                let p = path.key("part_of");
                self.reference(
                    reg,
                    &[Kind::Organisation],
                    &parent.value.0,
                    &value_path(parent, &p),
                )?;
                let pctx = self.value_ctx(&ctx, parent, &p)?;
                self.fact("branch_of", vec![sym(&o.id), name(parent)], &[&pctx])?;
            }
        }
        Ok(())
    }

    fn persons(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, p) in doc.persons.iter().enumerate() {
            let path = root_path("persons", i);
            let ctx = self.enter(
                root,
                &path,
                Some(p.paragraph),
                grade(&p.grade),
                p.inferred.as_deref(),
            )?;
            let id = sym(&p.id);
            if let Some(nat) = &p.nationality {
                let np = path.key("nationality");
                self.country(reg, &nat.value.0, &value_path(nat, &np))?;
                let nctx = self.value_ctx(&ctx, nat, &np)?;
                self.fact("nationality", vec![id.clone(), name(nat)], &[&nctx])?;
            }
            for (j, org) in p.member_of.iter().enumerate() {
                let op = path.key("member_of").index(j);
                self.reference(
                    reg,
                    &[Kind::Organisation],
                    &org.value.0,
                    &value_path(org, &op),
                )?;
                let octx = self.value_ctx(&ctx, org, &op)?;
                self.fact("member_of", vec![id.clone(), name(org)], &[&octx])?;
            }
            if let Some(rank) = &p.rank {
                let rctx = self.value_ctx(&ctx, rank, &path.key("rank"))?;
                self.fact("rank", vec![id.clone(), name(rank)], &[&rctx])?;
            }
            for (j, area) in p.travel_intent.iter().enumerate() {
                let ap = path.key("travel_intent").index(j);
                self.reference(
                    reg,
                    &[Kind::Theater, Kind::Place],
                    &area.value.0,
                    &value_path(area, &ap),
                )?;
                let actx = self.value_ctx(&ctx, area, &ap)?;
                self.fact("travel_intent", vec![id.clone(), name(area)], &[&actx])?;
            }
            for (j, org) in p.contacts.iter().enumerate() {
                let op = path.key("contacts").index(j);
                self.reference(
                    reg,
                    &[Kind::Organisation],
                    &org.value.0,
                    &value_path(org, &op),
                )?;
                let octx = self.value_ctx(&ctx, org, &op)?;
                self.fact("contact_with", vec![id.clone(), name(org)], &[&octx])?;
            }
        }
        Ok(())
    }

    fn operations(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, op) in doc.operations.iter().enumerate() {
            let path = root_path("operations", i);
            let ctx = self.enter(
                root,
                &path,
                Some(op.paragraph),
                grade(&op.grade),
                op.inferred.as_deref(),
            )?;
            let id = sym(&op.id);
            let dctx = self.value_ctx(&ctx, &op.date, &path.key("date"))?;
            self.fact("operation", vec![id.clone(), date(&op.date)], &[&dctx])?;
            for (j, c) in op.conducted_by.iter().enumerate() {
                let cp = path.key("conducted_by").index(j);
                self.country(reg, &c.value.0, &value_path(c, &cp))?;
                let cctx = self.value_ctx(&ctx, c, &cp)?;
                self.fact("conducted_by", vec![id.clone(), name(c)], &[&cctx])?;
            }
            for (j, item) in op.seized.iter().enumerate() {
                let sctx = self.value_ctx(&ctx, item, &path.key("seized").index(j))?;
                self.fact("seized", vec![id.clone(), name(item)], &[&sctx])?;
            }
            for (j, cell) in op.cells.iter().enumerate() {
                self.cell(reg, &ctx, &op.id, cell, &path.key("cells").index(j))?;
            }
        }
        Ok(())
    }

    fn cell(
        &mut self,
        reg: &Registry,
        op_ctx: &Ctx,
        op: &str,
        cell: &CellEntry,
        path: &JsonPath,
    ) -> Result<(), Diagnostic> {
        let ctx = self.enter(
            op_ctx,
            path,
            cell.paragraph,
            grade(&cell.grade),
            cell.inferred.as_deref(),
        )?;
        let id = sym(&cell_id(op, cell));
        let pp = path.key("place");
        self.reference(
            reg,
            &[Kind::Place],
            &cell.place.value.0,
            &value_path(&cell.place, &pp),
        )?;
        let pctx = self.value_ctx(&ctx, &cell.place, &pp)?;
        self.fact("cell", vec![id.clone(), name(&cell.place)], &[&pctx])?;
        self.fact("dismantled", vec![id.clone(), sym(op)], &[&ctx])?;
        for (j, a) in cell.activities.iter().enumerate() {
            let actx = self.value_ctx(&ctx, a, &path.key("activities").index(j))?;
            self.fact("cell_activity", vec![id.clone(), name(a)], &[&actx])?;
        }
        for (j, t) in cell.targets.iter().enumerate() {
            let tp = path.key("targets").index(j);
            self.reference(
                reg,
                &[Kind::Theater, Kind::Place],
                &t.value.0,
                &value_path(t, &tp),
            )?;
            let tctx = self.value_ctx(&ctx, t, &tp)?;
            self.fact("cell_target", vec![id.clone(), name(t)], &[&tctx])?;
        }
        Ok(())
    }

    fn arrests_and_flows(
        &mut self,
        doc: &Document,
        reg: &Registry,
        root: &Ctx,
    ) -> Result<(), Diagnostic> {
        for (i, a) in doc.arrests.iter().enumerate() {
            let path = root_path("arrests", i);
            let ctx = self.enter(
                root,
                &path,
                Some(a.paragraph),
                grade(&a.grade),
                a.inferred.as_deref(),
            )?;
            let pp = path.key("place");
            self.reference(
                reg,
                &[Kind::Place],
                &a.place.value.0,
                &value_path(&a.place, &pp),
            )?;
            let place_ctx = self.value_ctx(&ctx, &a.place, &pp)?;
            let date_ctx = self.value_ctx(&ctx, &a.date, &path.key("date"))?;
            for (j, person) in a.persons.iter().enumerate() {
                let pp = path.key("persons").index(j);
                self.reference(
                    reg,
                    &[Kind::Person],
                    &person.value.0,
                    &value_path(person, &pp),
                )?;
                let person_ctx = self.value_ctx(&ctx, person, &pp)?;
                self.fact(
                    "arrest",
                    vec![name(person), name(&a.place), date(&a.date)],
                    &[&person_ctx, &place_ctx, &date_ctx],
                )?;
            }
        }
        for (i, f) in doc.fighter_flows.iter().enumerate() {
            let path = root_path("fighter_flows", i);
            let ctx = self.enter(
                root,
                &path,
                Some(f.paragraph),
                grade(&f.grade),
                f.inferred.as_deref(),
            )?;
            let op = path.key("origin");
            self.reference(
                reg,
                &[Kind::Place],
                &f.origin.value.0,
                &value_path(&f.origin, &op),
            )?;
            let tp = path.key("theater");
            self.reference(
                reg,
                &[Kind::Theater],
                &f.theater.value.0,
                &value_path(&f.theater, &tp),
            )?;
            let octx = self.value_ctx(&ctx, &f.origin, &op)?;
            let tctx = self.value_ctx(&ctx, &f.theater, &tp)?;
            self.fact(
                "fighter_flow",
                vec![name(&f.origin), name(&f.theater)],
                &[&octx, &tctx],
            )?;
        }
        Ok(())
    }
}

fn root_path(section: &str, index: usize) -> JsonPath {
    JsonPath::default().key(section).index(index)
}

/// Where the value itself is: inside `{"value": ...}` when written with detail.
fn value_path<T>(a: &Attested<T>, path: &JsonPath) -> JsonPath {
    match a.detail {
        Some(_) => path.key("value"),
        None => path.clone(),
    }
}

fn grade(g: &Option<super::attested::GradeText>) -> Option<Grade> {
    g.map(|g| g.0)
}

fn sym(s: &str) -> Value {
    Value::Symbol(s.to_string())
}

fn name(a: &Attested<Name>) -> Value {
    Value::Symbol(a.value.0.clone())
}

fn date(a: &Attested<IsoDate>) -> Value {
    Value::Date(a.value.0)
}
