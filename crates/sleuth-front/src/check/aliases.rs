//! This module defines `.type` aliases: a subtype (`.type Place <: symbol`)
//! or an equivalent type (`.type Score = number`) stands for its base type.
//!
//! Rules of thumb: every alias resolves to a built-in type through at most
//! 64 other aliases (`unknown-type` for a cycle or an unknown name); a union
//! (`.type T = A | B`) is accepted when its members have one base type;
//! defining a name twice differently is a `duplicate-declaration`.

use crate::diag::Code;
use std::collections::HashMap;

use crate::diag::{Diagnostic, did_you_mean};
use crate::syntax::ast::{Ident, Item, TypeDecl};
use crate::value::Type;

/// The `.type` aliases of a program, resolved to built-in types on demand.
pub(super) struct Aliases<'m> {
    decls: HashMap<&'m str, &'m TypeDecl>,
    resolved: HashMap<String, Result<Type, Unresolved>>,
}

#[derive(Clone, Copy, Debug)]
enum Unresolved {
    Unknown,
    Cycle,
    Mixed,
}

/// How many aliases deep a type may be defined.
const MAX_ALIAS_DEPTH: usize = 64;

impl<'m> Aliases<'m> {
    /// Collects the `.type` directives and reports those that do not resolve.
    pub(super) fn collect(
        items: impl Iterator<Item = &'m Item>,
        diags: &mut Vec<Diagnostic>,
    ) -> Aliases<'m> {
        let mut aliases = Aliases {
            decls: HashMap::new(),
            resolved: HashMap::new(),
        };
        let mut order = Vec::new();
        for item in items {
            let Item::Type(t) = item else { continue };
            match aliases.decls.get(t.name.name.as_str()) {
                Some(first)
                    if first
                        .of
                        .iter()
                        .map(|i| &i.name)
                        .ne(t.of.iter().map(|i| &i.name)) =>
                {
                    diags.push(
                        Diagnostic::new(
                            Code::DuplicateDeclaration,
                            format!("type `{}` is defined twice differently", t.name.name),
                            Some(t.name.span),
                        )
                        .with_secondary(first.name.span, "first defined here")
                        .with_help("keep one definition"),
                    );
                }
                Some(_) => {}
                None => {
                    aliases.decls.insert(&t.name.name, t);
                    order.push(t);
                }
            }
        }
        for t in order {
            aliases.validate(t, diags);
        }
        aliases
    }

    fn validate(&mut self, t: &TypeDecl, diags: &mut Vec<Diagnostic>) {
        for member in &t.of {
            if Type::from_name(&member.name).is_none()
                && !self.decls.contains_key(member.name.as_str())
            {
                diags.push(self.unknown_type(member));
            }
        }
        let message = match self.resolve(&t.name.name, 0) {
            Err(Unresolved::Cycle) => format!(
                "type `{}` is defined through itself (or through more than {MAX_ALIAS_DEPTH} aliases)",
                t.name.name
            ),
            Err(Unresolved::Mixed) => {
                format!("union type `{}` mixes different base types", t.name.name)
            }
            _ => return,
        };
        let code = if message.contains("union") {
            Code::Unsupported
        } else {
            Code::UnknownType
        };
        diags.push(
            Diagnostic::new(code, message, Some(t.span)).with_help(
                "define every type as an alias of `symbol`, `number`, `float` or `date`",
            ),
        );
    }

    fn resolve(&mut self, name: &str, depth: usize) -> Result<Type, Unresolved> {
        if let Some(t) = Type::from_name(name) {
            return Ok(t);
        }
        if let Some(done) = self.resolved.get(name) {
            return *done;
        }
        let Some(decl) = self.decls.get(name).copied() else {
            return Err(Unresolved::Unknown);
        };
        if depth > MAX_ALIAS_DEPTH {
            return Err(Unresolved::Cycle);
        }
        let mut result = Err(Unresolved::Unknown);
        for member in &decl.of {
            let t = self.resolve(&member.name, depth + 1);
            result = match (result, t) {
                (_, Err(e)) => Err(e),
                (Err(Unresolved::Unknown), Ok(t)) => Ok(t),
                (Ok(a), Ok(b)) if a == b => Ok(a),
                (Ok(_), Ok(_)) => Err(Unresolved::Mixed),
                (Err(e), Ok(_)) => Err(e),
            };
            if result.is_err() && !matches!(result, Err(Unresolved::Unknown)) {
                break;
            }
        }
        self.resolved.insert(name.to_string(), result);
        result
    }

    /// The type an attribute names; an unknown name is an `unknown-type`
    /// (a broken alias was reported at its `.type`). Falls back to `symbol`.
    pub(super) fn attribute_type(&mut self, ty: &Ident, diags: &mut Vec<Diagnostic>) -> Type {
        match self.resolve(&ty.name, 0) {
            Ok(t) => t,
            Err(Unresolved::Unknown) if !self.decls.contains_key(ty.name.as_str()) => {
                diags.push(self.unknown_type(ty));
                Type::Symbol
            }
            Err(_) => Type::Symbol,
        }
    }

    fn unknown_type(&self, ty: &Ident) -> Diagnostic {
        let builtin = ["symbol", "number", "unsigned", "float", "date"];
        let known = builtin.into_iter().chain(self.decls.keys().copied());
        let label = match did_you_mean(&ty.name, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "not a type".into(),
        };
        Diagnostic::new(Code::UnknownType, format!("unknown type `{}`", ty.name), Some(ty.span))
            .with_label(label)
            .with_help("the types are `symbol`, `number`, `unsigned`, `float`, `date` and names defined with `.type`")
    }
}
