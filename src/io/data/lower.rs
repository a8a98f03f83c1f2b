//! This module defines how a parsed data document becomes base facts: it
//! walks the document's entities in order and records each fact with its
//! provenance. Declarations and references are checked in `declare`, and
//! paragraphs, grades and inference notes resolved in `provenance`.

use crate::diag::Code;
use crate::diag::{Diagnostic, SourceId, SourceMap, Span};
use crate::grade::Grade;
use crate::value::Value;

use super::attested::{Attested, GradeText, IsoDate, Name};
use super::dataset::{DataSet, GroundFact, SourceDoc};
use super::format::{CellEntry, Document};
use super::locate::{JsonPath, locate};
use super::provenance::Ctx;
use super::registry::{Kind, Registry};

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
            relays: source.relays.clone(),
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

/// The state of lowering one document.
pub(super) struct Lowering<'a> {
    pub sources: &'a SourceMap,
    pub file: SourceId,
    pub text: &'a str,
    pub source_id: String,
    pub default: Grade,
    pub count: u32,
    pub facts: Vec<GroundFact>,
}

impl Lowering<'_> {
    // ---- locations and messages ----

    pub(super) fn span_at(&self, path: &JsonPath, want_key: bool) -> Option<Span> {
        let found = locate(self.text, path)?;
        let (start, end) = match found.key {
            Some(key) if want_key => key,
            _ => found.value,
        };
        Some(Span::new(self.file, start, end))
    }

    pub(super) fn error(&self, code: Code, path: &JsonPath, message: String) -> Diagnostic {
        let span = self.span_at(path, false);
        let mut d = Diagnostic::new(code, format!("{path}: {message}"), span);
        if span.is_none() {
            d = d.with_note(format!("in {}", self.sources.file(self.file).name));
        }
        d
    }

    pub(super) fn location(&self, path: &JsonPath) -> String {
        match self.span_at(path, false) {
            Some(span) => self.sources.location(span),
            None => format!("{} at {path}", self.sources.file(self.file).name),
        }
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

    /// Enters an entity with its own provenance fields.
    fn entity(
        &self,
        outer: &Ctx,
        path: &JsonPath,
        paragraph: Option<u32>,
        grade: &Option<GradeText>,
        inferred: &Option<String>,
    ) -> Result<Ctx, Diagnostic> {
        let grade = grade.map(|g| g.0);
        self.enter(outer, path, paragraph, grade, inferred.as_deref())
    }

    /// Checks what a name field refers to; returns the provenance of its value.
    fn named(
        &self,
        reg: &Registry,
        ctx: &Ctx,
        a: &Attested<Name>,
        path: &JsonPath,
        refers: Refers,
    ) -> Result<Ctx, Diagnostic> {
        let at = value_path(a, path);
        match refers {
            Refers::Nothing => {}
            Refers::To(kinds) => self.reference(reg, kinds, &a.value.0, &at)?,
            Refers::Country => self.country(reg, &a.value.0, &at)?,
        }
        self.value_ctx(ctx, a, path)
    }

    /// Records `relation(subject, value)` for a name field.
    #[allow(clippy::too_many_arguments)] // the fact's parts, each named at the call
    fn link(
        &mut self,
        reg: &Registry,
        ctx: &Ctx,
        relation: &str,
        subject: &str,
        a: &Attested<Name>,
        path: &JsonPath,
        refers: Refers,
    ) -> Result<(), Diagnostic> {
        let value_ctx = self.named(reg, ctx, a, path, refers)?;
        self.fact(relation, vec![sym(subject), name(a)], &[&value_ctx])
    }

    /// Records `relation(subject, value)` for each value of a list field.
    #[allow(clippy::too_many_arguments)] // as `link`, for a list
    pub(super) fn links(
        &mut self,
        reg: &Registry,
        ctx: &Ctx,
        relation: &str,
        subject: &str,
        list: &[Attested<Name>],
        path: &JsonPath,
        refers: Refers,
    ) -> Result<(), Diagnostic> {
        for (j, a) in list.iter().enumerate() {
            self.link(reg, ctx, relation, subject, a, &path.index(j), refers)?;
        }
        Ok(())
    }

    fn places(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, p) in doc.places.iter().enumerate() {
            let path = root_path("places", i);
            let ctx = self.entity(root, &path, Some(p.paragraph), &p.grade, &p.inferred)?;
            let kind = path.key("kind");
            self.link(
                reg,
                &ctx,
                "place_kind",
                &p.id,
                &p.kind,
                &kind,
                Refers::Nothing,
            )?;
            if let Some(inside) = &p.inside {
                let at = path.key("in");
                self.link(reg, &ctx, "located_in", &p.id, inside, &at, PLACE)?;
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
            let ctx = self.entity(root, &path, Some(t.paragraph), &t.grade, &t.inferred)?;
            self.fact("theater", vec![sym(&t.id)], &[&ctx])?;
            let areas = path.key("areas");
            self.links(reg, &ctx, "theater_area", &t.id, &t.areas, &areas, PLACE)?;
        }
        for (i, o) in doc.organisations.iter().enumerate() {
            let path = root_path("organisations", i);
            let ctx = self.entity(root, &path, Some(o.paragraph), &o.grade, &o.inferred)?;
            self.fact("organisation", vec![sym(&o.id)], &[&ctx])?;
            let theaters = path.key("theaters");
            self.links(
                reg,
                &ctx,
                "org_theater",
                &o.id,
                &o.theaters,
                &theaters,
                THEATER,
            )?;
            if let Some(parent) = &o.part_of {
                let at = path.key("part_of");
                self.link(reg, &ctx, "branch_of", &o.id, parent, &at, ORGANISATION)?;
            }
        }
        Ok(())
    }

    fn persons(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, p) in doc.persons.iter().enumerate() {
            let path = root_path("persons", i);
            let ctx = self.entity(root, &path, Some(p.paragraph), &p.grade, &p.inferred)?;
            let id = &p.id;
            if let Some(nat) = &p.nationality {
                let at = path.key("nationality");
                self.link(reg, &ctx, "nationality", id, nat, &at, Refers::Country)?;
            }
            let at = path.key("member_of");
            self.links(reg, &ctx, "member_of", id, &p.member_of, &at, ORGANISATION)?;
            if let Some(rank) = &p.rank {
                let at = path.key("rank");
                self.link(reg, &ctx, "rank", id, rank, &at, Refers::Nothing)?;
            }
            let at = path.key("travel_intent");
            self.links(
                reg,
                &ctx,
                "travel_intent",
                id,
                &p.travel_intent,
                &at,
                TARGET,
            )?;
            let at = path.key("contacts");
            self.links(
                reg,
                &ctx,
                "contact_with",
                id,
                &p.contacts,
                &at,
                ORGANISATION,
            )?;
            self.person_group_and_roles(reg, &ctx, p, &path)?;
        }
        Ok(())
    }

    fn operations(&mut self, doc: &Document, reg: &Registry, root: &Ctx) -> Result<(), Diagnostic> {
        for (i, op) in doc.operations.iter().enumerate() {
            let path = root_path("operations", i);
            let ctx = self.entity(root, &path, Some(op.paragraph), &op.grade, &op.inferred)?;
            let id = &op.id;
            let date_ctx = self.value_ctx(&ctx, &op.date, &path.key("date"))?;
            self.fact("operation", vec![sym(id), date(&op.date)], &[&date_ctx])?;
            let at = path.key("conducted_by");
            self.links(
                reg,
                &ctx,
                "conducted_by",
                id,
                &op.conducted_by,
                &at,
                Refers::Country,
            )?;
            let at = path.key("seized");
            self.links(reg, &ctx, "seized", id, &op.seized, &at, Refers::Nothing)?;
            for (j, cell) in op.cells.iter().enumerate() {
                self.cell(reg, &ctx, id, cell, &path.key("cells").index(j))?;
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
        let ctx = self.entity(op_ctx, path, cell.paragraph, &cell.grade, &cell.inferred)?;
        let id = &cell_id(op, cell);
        self.link(
            reg,
            &ctx,
            "cell",
            id,
            &cell.place,
            &path.key("place"),
            PLACE,
        )?;
        self.fact("dismantled", vec![sym(id), sym(op)], &[&ctx])?;
        let at = path.key("activities");
        self.links(
            reg,
            &ctx,
            "cell_activity",
            id,
            &cell.activities,
            &at,
            Refers::Nothing,
        )?;
        let at = path.key("targets");
        self.links(reg, &ctx, "cell_target", id, &cell.targets, &at, TARGET)?;
        self.cell_links(reg, &ctx, id, cell, path)
    }

    fn arrests_and_flows(
        &mut self,
        doc: &Document,
        reg: &Registry,
        root: &Ctx,
    ) -> Result<(), Diagnostic> {
        for (i, a) in doc.arrests.iter().enumerate() {
            let path = root_path("arrests", i);
            let ctx = self.entity(root, &path, Some(a.paragraph), &a.grade, &a.inferred)?;
            let place_ctx = self.named(reg, &ctx, &a.place, &path.key("place"), PLACE)?;
            let date_ctx = self.value_ctx(&ctx, &a.date, &path.key("date"))?;
            for (j, person) in a.persons.iter().enumerate() {
                let at = path.key("persons").index(j);
                let person_ctx = self.named(reg, &ctx, person, &at, PERSON)?;
                let values = vec![name(person), name(&a.place), date(&a.date)];
                self.fact("arrest", values, &[&person_ctx, &place_ctx, &date_ctx])?;
            }
        }
        for (i, f) in doc.fighter_flows.iter().enumerate() {
            let path = root_path("fighter_flows", i);
            let ctx = self.entity(root, &path, Some(f.paragraph), &f.grade, &f.inferred)?;
            let origin_ctx = self.named(reg, &ctx, &f.origin, &path.key("origin"), PLACE)?;
            let theater_ctx = self.named(reg, &ctx, &f.theater, &path.key("theater"), THEATER)?;
            let values = vec![name(&f.origin), name(&f.theater)];
            self.fact("fighter_flow", values, &[&origin_ctx, &theater_ctx])?;
        }
        Ok(())
    }
}

/// What a name field must refer to.
#[derive(Clone, Copy)]
pub(super) enum Refers {
    /// Free text (a kind, an activity, a rank, an item).
    Nothing,
    /// A declared id of one of these kinds.
    To(&'static [Kind]),
    /// A declared place whose kind is `country`.
    Country,
}

const PLACE: Refers = Refers::To(&[Kind::Place]);
const THEATER: Refers = Refers::To(&[Kind::Theater]);
pub(super) const ORGANISATION: Refers = Refers::To(&[Kind::Organisation]);
const PERSON: Refers = Refers::To(&[Kind::Person]);
/// A destination or target: a theater, or a place.
pub(super) const TARGET: Refers = Refers::To(&[Kind::Theater, Kind::Place]);

pub(super) fn root_path(section: &str, index: usize) -> JsonPath {
    JsonPath::default().key(section).index(index)
}

/// Where the value itself is: inside `{"value": ...}` when written with detail.
pub(super) fn value_path<T>(a: &Attested<T>, path: &JsonPath) -> JsonPath {
    match a.detail {
        Some(_) => path.key("value"),
        None => path.clone(),
    }
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
