//! This module defines name resolution: the table of relations (declared,
//! defined by facts, rules or `.input`, or only used), their arities and
//! declared column types, and the `.input`/`.output`/`.printsize` directives.
//!
//! Rules of thumb:
//! - a relation's arity is its declaration's, else that of its first use;
//!   any other use with another arity is an `arity-mismatch`;
//! - a relation used in a body or in `.output`/`.printsize` must be declared,
//!   or have facts, rules or an `.input` (`unknown-relation` otherwise, with
//!   a did-you-mean), because a typo must never read as an empty relation;
//! - declaring a relation twice is fine with the same column types and a
//!   `duplicate-declaration` otherwise;
//! - a relation only named by `.input` has unknown columns: `missing-declaration`.

use crate::diag::Code;
use std::collections::HashMap;

use super::aliases::Aliases;
use super::types::{Slot, Solver, TypeSet, Why};
use crate::diag::{Diagnostic, Span, did_you_mean};
use crate::ir::{self, RelId};
use crate::syntax::ast::{Atom, Decl, Expr, Ident, IoDirective, IoKind, Item, Literal, Module};
use crate::value::Type;

/// What the checker knows about a relation.
pub(super) struct Relation {
    pub(super) name: String,
    /// Its number of columns, once known.
    pub(super) arity: Option<usize>,
    /// Where the arity was fixed (declaration or first use).
    pub(super) arity_span: Option<Span>,
    pub(super) decl: Option<Declared>,
    /// Its first mention.
    pub(super) first_span: Span,
    /// Declared, or has facts, rules or an `.input`.
    pub(super) defined: bool,
    pub(super) is_query: bool,
    /// One type slot per column (after `assign_columns`).
    pub(super) columns: Vec<Slot>,
}

/// A relation's declaration.
pub(super) struct Declared {
    pub(super) span: Span,
    pub(super) attrs: Vec<Attribute>,
    pub(super) eqrel: bool,
}

/// A declared column.
pub(super) struct Attribute {
    pub(super) name: String,
    pub(super) ty: Type,
    pub(super) span: Span,
}

/// The relation table and the program's directives.
#[derive(Default)]
pub(super) struct Table {
    pub(super) relations: Vec<Relation>,
    by_name: HashMap<String, RelId>,
    pub(super) inputs: Vec<ir::Input>,
    pub(super) outputs: Vec<ir::Output>,
    pub(super) printsize: Vec<RelId>,
}

/// Builds the relation table of all modules, reporting name, arity and
/// declaration errors into `diags`.
pub(super) fn resolve(
    modules: &[Module],
    solver: &mut Solver,
    diags: &mut Vec<Diagnostic>,
) -> Table {
    let items = || modules.iter().flat_map(|m| m.items.iter());
    let mut aliases = Aliases::collect(items(), diags);
    let mut table = Table::default();
    for item in items() {
        if let Item::Decl(d) = item {
            table.declare(d, &mut aliases, diags);
        }
    }
    let mut uses = Vec::new();
    for item in items() {
        table.mention_item(item, &mut uses, diags);
    }
    table.report_unknown(&uses, diags);
    table.assign_columns(solver, diags);
    for item in items() {
        if let Item::Io(io) = item {
            table.directive(io, diags);
        }
    }
    table
}

impl Table {
    /// The id of a relation mentioned anywhere in the program.
    pub(super) fn id(&self, name: &str) -> Option<RelId> {
        self.by_name.get(name).copied()
    }

    /// The column slots of `rel` if it has `n` columns (`None` when the
    /// arity is wrong or unknown: that was reported already).
    pub(super) fn columns(&self, rel: RelId, n: usize) -> Option<&[Slot]> {
        let r = &self.relations[rel];
        (r.arity == Some(n) && r.columns.len() == n).then_some(r.columns.as_slice())
    }

    /// Adds the hidden answer relation of a query.
    pub(super) fn add_query(&mut self, name: String, span: Span, columns: Vec<Slot>) -> RelId {
        let id = self.relations.len();
        self.by_name.insert(name.clone(), id);
        self.relations.push(Relation {
            name,
            arity: Some(columns.len()),
            arity_span: Some(span),
            decl: None,
            first_span: span,
            defined: true,
            is_query: true,
            columns,
        });
        id
    }

    fn new_relation(&mut self, name: &Ident) -> RelId {
        let id = self.relations.len();
        self.by_name.insert(name.name.clone(), id);
        self.relations.push(Relation {
            name: name.name.clone(),
            arity: None,
            arity_span: None,
            decl: None,
            first_span: name.span,
            defined: false,
            is_query: false,
            columns: Vec::new(),
        });
        id
    }

    /// `.decl`: the first declaration of a name wins; a later one with other
    /// column types is a `duplicate-declaration`.
    fn declare(&mut self, decl: &Decl, aliases: &mut Aliases, diags: &mut Vec<Diagnostic>) {
        let attrs: Vec<Attribute> = decl
            .attrs
            .iter()
            .map(|a| Attribute {
                name: a.name.name.clone(),
                ty: aliases.attribute_type(&a.ty, diags),
                span: a.name.span.to(a.ty.span),
            })
            .collect();
        report_repeated_attributes(decl, diags);
        let eqrel = decl.qualifiers.iter().any(|q| q.name == "eqrel");
        if eqrel && attrs.len() != 2 {
            diags.push(
                Diagnostic::new(
                    Code::ArityMismatch,
                    format!(
                        "an `eqrel` relation has 2 columns, this one has {}",
                        attrs.len()
                    ),
                    Some(decl.span),
                )
                .with_help("declare an equivalence relation as `.decl same(a: T, b: T) eqrel`"),
            );
        }
        for name in &decl.names {
            self.declare_one(name, decl.span, &attrs, eqrel, diags);
        }
    }

    fn declare_one(
        &mut self,
        name: &Ident,
        span: Span,
        attrs: &[Attribute],
        eqrel: bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        if let Some(id) = self.id(&name.name) {
            let first = self.relations[id]
                .decl
                .as_ref()
                .expect("only declarations are registered so far");
            let same = first.attrs.len() == attrs.len()
                && first.attrs.iter().zip(attrs).all(|(a, b)| a.ty == b.ty);
            if !same {
                diags.push(duplicate(&name.name, name.span, first.span));
            }
            return;
        }
        let id = self.new_relation(name);
        let rel = &mut self.relations[id];
        rel.first_span = span;
        rel.arity = Some(attrs.len());
        rel.arity_span = Some(span);
        rel.defined = true;
        rel.decl = Some(Declared {
            span,
            attrs: attrs
                .iter()
                .map(|a| Attribute {
                    name: a.name.clone(),
                    ty: a.ty,
                    span: a.span,
                })
                .collect(),
            eqrel: eqrel && attrs.len() == 2,
        });
    }

    /// Registers every relation an item mentions.
    fn mention_item(
        &mut self,
        item: &Item,
        uses: &mut Vec<(RelId, Span)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        match item {
            Item::Clause(c) => {
                for head in &c.heads {
                    self.mention_atom(head, true, diags);
                    self.mention_exprs(&head.args, uses, diags);
                }
                for alternative in c.body.iter().flat_map(|b| &b.alternatives) {
                    self.mention_literals(alternative, uses, diags);
                }
            }
            Item::Query(q) => {
                for alternative in &q.body.alternatives {
                    self.mention_literals(alternative, uses, diags);
                }
            }
            Item::Io(io) => {
                for name in &io.relations {
                    let id = self.mention(name, None, diags);
                    match io.kind {
                        IoKind::Input => self.relations[id].defined = true,
                        IoKind::Output | IoKind::PrintSize => uses.push((id, name.span)),
                    }
                }
            }
            Item::Decl(_) | Item::Type(_) => {}
        }
    }

    fn mention_literals(
        &mut self,
        literals: &[Literal],
        uses: &mut Vec<(RelId, Span)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for literal in literals {
            match literal {
                Literal::Atom(a) | Literal::Negated { atom: a, .. } => {
                    let id = self.mention_atom(a, false, diags);
                    uses.push((id, a.name.span));
                    self.mention_exprs(&a.args, uses, diags);
                }
                Literal::Test(a) | Literal::NegatedTest { atom: a, .. } => {
                    self.mention_exprs(&a.args, uses, diags)
                }
                Literal::Bool(..) => {}
                Literal::Compare(c) => {
                    self.mention_exprs([&c.left, &c.right], uses, diags);
                }
            }
        }
    }

    /// Relations used inside aggregates nested in expressions.
    fn mention_exprs<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e Expr>,
        uses: &mut Vec<(RelId, Span)>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for e in exprs {
            match e {
                Expr::Aggregate(a) => {
                    self.mention_literals(&a.body, uses, diags);
                    self.mention_exprs(&a.target, uses, diags);
                }
                Expr::Neg { arg, .. } => self.mention_exprs([arg.as_ref()], uses, diags),
                Expr::Binary { left, right, .. } => {
                    self.mention_exprs([left.as_ref(), right.as_ref()], uses, diags)
                }
                Expr::Call { args, .. } => self.mention_exprs(args, uses, diags),
                _ => {}
            }
        }
    }

    fn mention_atom(&mut self, atom: &Atom, defines: bool, diags: &mut Vec<Diagnostic>) -> RelId {
        let id = self.mention(&atom.name, Some((atom.args.len(), atom.span)), diags);
        if defines {
            self.relations[id].defined = true;
        }
        id
    }

    /// Registers a mention of `name` with `arity` arguments (none for a
    /// directive) and checks the arity.
    fn mention(
        &mut self,
        name: &Ident,
        arity: Option<(usize, Span)>,
        diags: &mut Vec<Diagnostic>,
    ) -> RelId {
        let id = self
            .id(&name.name)
            .unwrap_or_else(|| self.new_relation(name));
        let Some((n, span)) = arity else { return id };
        let rel = &mut self.relations[id];
        match (rel.arity, rel.arity_span) {
            (Some(m), Some(first)) if m != n => diags.push(arity_mismatch(rel, m, n, span, first)),
            (Some(_), _) => {}
            (None, _) => {
                rel.arity = Some(n);
                rel.arity_span = Some(span);
            }
        }
        id
    }

    /// `unknown-relation` for every use of a relation nothing defines.
    fn report_unknown(&self, uses: &[(RelId, Span)], diags: &mut Vec<Diagnostic>) {
        let known = || {
            self.relations
                .iter()
                .filter(|r| r.defined)
                .map(|r| r.name.as_str())
        };
        for &(id, span) in uses {
            let rel = &self.relations[id];
            if rel.defined {
                continue;
            }
            let label = match did_you_mean(&rel.name, known()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "no declaration, fact, rule or `.input` defines it".into(),
            };
            let name = &rel.name;
            diags.push(
                Diagnostic::new(Code::UnknownRelation, format!("relation `{name}` is not defined"), Some(span))
                    .with_label(label)
                    .with_help(format!(
                        "declare it with `.decl {name}(...)`, give it facts or rules, or read it with `.input {name}`"
                    )),
            );
        }
    }

    /// Gives every relation one type slot per column: fixed for declared
    /// columns, open for inferred ones. A relation known only from `.input`
    /// has no known columns: `missing-declaration`.
    fn assign_columns(&mut self, solver: &mut Solver, diags: &mut Vec<Diagnostic>) {
        for rel in &mut self.relations {
            rel.columns = match (&rel.decl, rel.arity) {
                (Some(d), _) => d
                    .attrs
                    .iter()
                    .map(|a| solver.fresh(TypeSet::of(a.ty), Some((a.span, Why::Declared))))
                    .collect(),
                (None, Some(n)) => (0..n).map(|_| solver.any()).collect(),
                (None, None) => {
                    if rel.defined {
                        diags.push(missing_declaration(&rel.name, rel.first_span));
                    }
                    Vec::new()
                }
            };
        }
    }

    /// Turns a directive into IR inputs, outputs or printsize entries.
    fn directive(&mut self, io: &IoDirective, diags: &mut Vec<Diagnostic>) {
        let params = super::io::Params::read(io, diags);
        for name in &io.relations {
            let Some(rel) = self.id(&name.name) else {
                continue;
            };
            let span = io.span;
            match io.kind {
                IoKind::Input => self.inputs.push(ir::Input {
                    rel,
                    filename: params
                        .filename
                        .clone()
                        .unwrap_or_else(|| format!("{}.facts", name.name)),
                    delimiter: params.delimiter,
                    span,
                }),
                IoKind::Output => self.outputs.push(ir::Output {
                    rel,
                    filename: params
                        .filename
                        .clone()
                        .unwrap_or_else(|| format!("{}.csv", name.name)),
                    stdout: params.stdout,
                    delimiter: params.delimiter,
                    span,
                }),
                IoKind::PrintSize => self.printsize.push(rel),
            }
        }
    }
}

fn report_repeated_attributes(decl: &Decl, diags: &mut Vec<Diagnostic>) {
    for (i, a) in decl.attrs.iter().enumerate() {
        if let Some(first) = decl.attrs[..i].iter().find(|b| b.name.name == a.name.name) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateDeclaration,
                    format!("attribute `{}` is declared twice", a.name.name),
                    Some(a.name.span),
                )
                .with_secondary(first.name.span, "first declared here")
                .with_help("give every attribute of a relation its own name"),
            );
        }
    }
}

fn duplicate(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDeclaration,
        format!("relation `{name}` is declared twice with different column types"),
        Some(span),
    )
    .with_label("declared again here")
    .with_secondary(first, "first declared here")
    .with_help("keep one declaration, or rename one of the relations")
}

fn arity_mismatch(
    rel: &Relation,
    expected: usize,
    found: usize,
    at: Span,
    first: Span,
) -> Diagnostic {
    let columns = |n: usize| {
        if n == 1 {
            "1 column".to_string()
        } else {
            format!("{n} columns")
        }
    };
    let arguments = |n: usize| {
        if n == 1 {
            "1 argument".to_string()
        } else {
            format!("{n} arguments")
        }
    };
    let (message, secondary) = if rel.decl.is_some() {
        (
            format!(
                "relation `{}` is declared with {}, but used here with {}",
                rel.name,
                columns(expected),
                arguments(found)
            ),
            format!("declared here with {}", columns(expected)),
        )
    } else {
        (
            format!(
                "relation `{}` was first used with {}, but here with {}",
                rel.name,
                arguments(expected),
                arguments(found)
            ),
            format!("first used here with {}", arguments(expected)),
        )
    };
    Diagnostic::new(Code::ArityMismatch, message, Some(at))
        .with_label(format!("{} here", arguments(found)))
        .with_secondary(first, secondary)
        .with_help(
            "use the same number of arguments everywhere; `_` stands for a value you do not need",
        )
}

fn missing_declaration(name: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::MissingDeclaration,
        format!("relation `{name}` is read with `.input` but its columns are unknown"),
        Some(span),
    )
    .with_help(format!(
        "declare it: `.decl {name}(a: symbol, b: number)` with its real columns"
    ))
}
