//! This module defines how the fact an analyst asks about is read: with the
//! real front end, as the query `?- R(...)` checked against declarations of
//! the workspace's relations. So constants take their column's type (a
//! quoted ISO date in a date column is a date), and a misspelt relation,
//! a wrong arity or a wrong type gets the checker's own message.

use crate::diag::Code;
use crate::diag::{Diagnostic, Diagnostics, SourceId, SourceMap, Span};
use crate::ir::{self, CmpOp, Expr, Literal, RelId, Term};
use crate::session::{Error, Workspace};
use crate::value::Value;
use crate::{check, syntax};

/// One argument of the fact asked about.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arg {
    /// A constant.
    Value(Value),
    /// A named variable (allowed by `whynot`).
    Var(String),
    /// `_`.
    Wildcard,
}

/// The fact asked about, resolved against the workspace.
pub(crate) struct Target {
    /// The relation in the workspace's program.
    pub rel: RelId,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// The texts, with the fact's text last (for error messages).
    pub sources: SourceMap,
    /// Where the fact is in `sources`.
    pub span: Span,
}

impl Target {
    /// The constants, when every argument is one.
    pub(crate) fn ground(&self) -> Option<Vec<Value>> {
        self.args
            .iter()
            .map(|a| match a {
                Arg::Value(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    /// An error about the fact, pointing at it.
    pub(crate) fn error(&self, d: Diagnostic) -> Error {
        Error {
            diagnostics: Diagnostics(vec![d]),
            sources: self.sources.clone(),
        }
    }
}

/// The declarations of every relation of a program, as Datalog.
pub(crate) fn declarations(program: &ir::Program) -> String {
    let mut out = String::new();
    for r in program.relations.iter().filter(|r| !r.is_query) {
        let cols: Vec<String> = r
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("c{i}: {}", c.ty.name()))
            .collect();
        out.push_str(&format!(".decl {}({})\n", r.name, cols.join(", ")));
    }
    out
}

/// Points the checker's labels on the generated declarations at the real
/// ones, and gives an unknown relation a help line that fits a question.
fn relocate(
    mut d: Diagnostic,
    sources: &SourceMap,
    decls: SourceId,
    program: &ir::Program,
) -> Diagnostic {
    let visible: Vec<&ir::Relation> = program.relations.iter().filter(|r| !r.is_query).collect();
    let real = |span: Span| {
        if span.source != decls {
            return Some(span);
        }
        let (line, _) = sources.file(decls).line_col(span.start as usize);
        visible.get(line - 1).and_then(|r| r.span)
    };
    d.secondary = d
        .secondary
        .into_iter()
        .filter_map(|(span, label)| real(span).map(|s| (s, label)))
        .collect();
    if d.code == "unknown-relation" {
        d.help = Some("check the relation's name: the rule library declares the relations (rules/schema.dl the base ones)".into());
    }
    d
}

/// The text of the atom asked about: `R(...)`, `?- R(...).` and a final `.`
/// are all accepted.
pub(crate) fn atom_text(text: &str) -> &str {
    let t = text.trim();
    let t = t.strip_prefix("?-").unwrap_or(t).trim();
    t.strip_suffix('.').unwrap_or(t).trim_end()
}

/// Reads the fact asked about. `what` names the command in messages.
pub(crate) fn parse(ws: &Workspace, text: &str, what: &str) -> Result<Target, Error> {
    let mut sources = ws.sources().clone();
    let decls = sources.add("<relations>", declarations(ws.program()));
    let atom = atom_text(text);
    let query = sources.add(format!("<{what}>"), format!("?- {atom}."));
    let span = Span::new(query, 3, 3 + atom.len());
    let program = ws.program();
    let fail = |d: Diagnostics, sources: &SourceMap| Error {
        diagnostics: Diagnostics(
            d.0.into_iter()
                .map(|d| relocate(d, sources, decls, program))
                .collect(),
        ),
        sources: sources.clone(),
    };
    let one_fact = |sources: &SourceMap, found: &str| {
        fail(
            Diagnostic::new(
                Code::NotAFact,
                format!("`{what}` takes one fact, but this is {found}"),
                Some(span),
            )
            .with_help(format!(
                "write one atom with constant arguments, e.g. `{what} recurring_hotspot(\"Tangier\")`"
            ))
            .into(),
            sources,
        )
    };
    if atom.is_empty() {
        return Err(one_fact(&sources, "empty"));
    }
    let modules = [
        syntax::parse(&sources, decls).map_err(|d| fail(d, &sources))?,
        syntax::parse(&sources, query).map_err(|d| fail(d, &sources))?,
    ];
    let checked = check::check(&sources, &modules).map_err(|d| fail(d, &sources))?;
    let [q] = checked.queries.as_slice() else {
        return Err(one_fact(&sources, "not a query"));
    };
    let rule = &checked.rules[q.rule];
    let mut atoms = rule.body.iter().filter_map(|l| match l {
        Literal::Atom(a) => Some(a),
        _ => None,
    });
    let (Some(a), None) = (atoms.next(), atoms.next()) else {
        return Err(one_fact(&sources, "not a single atom"));
    };
    // A flattened constant expression is `$v = constant`.
    let constant_of = |v: usize| {
        rule.body.iter().find_map(|l| match l {
            Literal::Compare(c) if c.op == CmpOp::Eq => match (&c.left, &c.right) {
                (Expr::Var(x), Expr::Const(k)) | (Expr::Const(k), Expr::Var(x)) if *x == v => {
                    Some(k.clone())
                }
                _ => None,
            },
            _ => None,
        })
    };
    let others = rule.body.iter().filter(|l| match l {
        Literal::Atom(_) => false,
        Literal::Compare(c) => !matches!((&c.left, &c.right),
            (Expr::Var(x), Expr::Const(_)) | (Expr::Const(_), Expr::Var(x)) if rule.vars[*x].name.starts_with('$')),
        _ => true,
    });
    if others.count() > 0 {
        return Err(one_fact(&sources, "more than an atom"));
    }
    let args = a
        .args
        .iter()
        .map(|t| match t {
            Term::Const(v) => Arg::Value(v.clone()),
            Term::Wildcard => Arg::Wildcard,
            Term::Var(v) => match constant_of(*v) {
                Some(k) => Arg::Value(k),
                None if rule.vars[*v].name.starts_with('$') => Arg::Wildcard,
                None => Arg::Var(rule.vars[*v].name.clone()),
            },
        })
        .collect();
    let name = &checked.relations[a.rel].name;
    let rel = ws.program().relation_id(name).ok_or_else(|| {
        fail(
            Diagnostic::new(
                Code::UnknownRelation,
                format!("relation `{name}` is not defined"),
                Some(span),
            )
            .with_help("list the relations with `:relations`")
            .into(),
            &sources,
        )
    })?;
    Ok(Target {
        rel,
        args,
        sources,
        span,
    })
}
