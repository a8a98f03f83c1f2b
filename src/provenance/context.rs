//! This module defines the context every explanation runs in: the checked
//! program, the evaluated database, each relation's stratum and rules, the
//! compiled bodies (cached per rule and per set of bound variables), and the
//! conversions between packed words and values.

use std::collections::HashMap;
use std::rc::Rc;

use super::exec::{Exec, Frame, Indexes, RowId};
use super::steps::{Compiler, Plan, Strategy};
use crate::diag::{Diagnostic, SourceMap, Span};
use crate::eval::Database;
use crate::eval::exec::Scratch;
use crate::eval::expr::eval;
use crate::eval::pack::pack_existing;
use crate::eval::plan::CExpr;
use crate::ir::{self, Expr, Literal, RelId, RuleId, Term};
use crate::value::{Date, Type, Value};

/// Which compiled form of a rule's body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PlanKey {
    /// Join order, head variables bound (to explain a given tuple).
    Head(RuleId),
    /// Join order, nothing bound (to enumerate every instance).
    Free(RuleId),
    /// Join order, the atom at this position already matched.
    Pinned(RuleId, usize),
    /// Source order, these variables bound (for `whynot`).
    Source(RuleId, Vec<bool>),
}

/// The program, its evaluated database and what explanations cache.
pub(crate) struct Context<'w> {
    /// The checked program.
    pub program: &'w ir::Program,
    /// Its evaluated relations.
    pub db: &'w Database,
    /// Texts, for rule locations.
    pub sources: &'w SourceMap,
    /// Each relation's stratum (`usize::MAX` for a relation in none).
    pub stratum: Vec<usize>,
    /// The rules deriving each relation.
    pub rules_of: Vec<Vec<RuleId>>,
    /// Indexes built so far.
    pub indexes: Indexes,
    /// Temporary symbols made by functors.
    pub scratch: Scratch,
    plans: HashMap<PlanKey, Rc<Plan>>,
    heads: HashMap<RuleId, Rc<Vec<CExpr>>>,
}

impl<'w> Context<'w> {
    /// A context over an evaluated program.
    pub(crate) fn new(program: &'w ir::Program, db: &'w Database, sources: &'w SourceMap) -> Self {
        let mut stratum = vec![usize::MAX; program.relations.len()];
        for (i, s) in program.strata.iter().enumerate() {
            for &r in &s.relations {
                stratum[r] = i;
            }
        }
        let mut rules_of = vec![Vec::new(); program.relations.len()];
        for (i, r) in program.rules.iter().enumerate() {
            rules_of[r.head.rel].push(i);
        }
        Context {
            program,
            db,
            sources,
            stratum,
            rules_of,
            indexes: Indexes::default(),
            scratch: Scratch::default(),
            plans: HashMap::new(),
            heads: HashMap::new(),
        }
    }

    /// The compiled body for a key (compiled once).
    pub(crate) fn plan(&mut self, key: PlanKey) -> Result<Rc<Plan>, Diagnostic> {
        if let Some(p) = self.plans.get(&key) {
            return Ok(p.clone());
        }
        let (rule_id, bound, strategy, skip) = match &key {
            PlanKey::Head(r) => (*r, self.head_bound(*r), Strategy::Join, None),
            PlanKey::Free(r) => (
                *r,
                vec![false; self.program.rules[*r].vars.len()],
                Strategy::Join,
                None,
            ),
            PlanKey::Pinned(r, pos) => (*r, self.atom_bound(*r, *pos), Strategy::Join, Some(*pos)),
            PlanKey::Source(r, b) => (*r, b.clone(), Strategy::Source, None),
        };
        let rule = &self.program.rules[rule_id];
        let plan = Compiler {
            rule,
            interner: &self.db.interner,
            scratch: &mut self.scratch,
        }
        .plan(&bound, strategy, skip)?;
        self.indexes.ensure(self.db, &plan.indexes);
        let plan = Rc::new(plan);
        self.plans.insert(key, plan.clone());
        Ok(plan)
    }

    /// The head's expressions, compiled.
    pub(crate) fn head(&mut self, rule_id: RuleId) -> Rc<Vec<CExpr>> {
        if let Some(h) = self.heads.get(&rule_id) {
            return h.clone();
        }
        let rule = &self.program.rules[rule_id];
        let mut c = Compiler {
            rule,
            interner: &self.db.interner,
            scratch: &mut self.scratch,
        };
        let head = Rc::new(rule.head.args.iter().map(|e| c.expr(e)).collect::<Vec<_>>());
        self.heads.insert(rule_id, head.clone());
        head
    }

    /// Variables bound by matching the head (its plain variable arguments).
    fn head_bound(&self, rule_id: RuleId) -> Vec<bool> {
        let rule = &self.program.rules[rule_id];
        let mut bound = vec![false; rule.vars.len()];
        for a in &rule.head.args {
            if let Expr::Var(v) = a {
                bound[*v] = true;
            }
        }
        bound
    }

    fn atom_bound(&self, rule_id: RuleId, pos: usize) -> Vec<bool> {
        let rule = &self.program.rules[rule_id];
        let mut bound = vec![false; rule.vars.len()];
        if let Some(Literal::Atom(a)) = rule.body.get(pos) {
            for t in &a.args {
                if let Term::Var(v) = t {
                    bound[*v] = true;
                }
            }
        }
        bound
    }

    /// A frame with the head's variables bound to a row's words, or `None`
    /// when the head cannot produce the row (a constant or a repeated
    /// variable disagrees). `words[i]` is `None` for a column left open.
    pub(crate) fn bind_head(
        &self,
        rule_id: RuleId,
        words: &[Option<u64>],
    ) -> Option<(Frame, Vec<bool>)> {
        let rule = &self.program.rules[rule_id];
        let mut frame = Frame::new(rule.vars.len(), rule.body.len());
        let mut bound = vec![false; rule.vars.len()];
        for (a, w) in rule.head.args.iter().zip(words) {
            let Some(w) = *w else { continue };
            match a {
                Expr::Var(v) => {
                    if bound[*v] && frame.regs[*v] != w {
                        return None;
                    }
                    frame.regs[*v] = w;
                    bound[*v] = true;
                }
                Expr::Const(c) if pack_existing(c, &self.db.interner) != Some(w) => return None,
                _ => {}
            }
        }
        Some((frame, bound))
    }

    /// A frame with the atom at `pos` matched to row `id`, or `None` when
    /// the row does not fit the atom.
    pub(crate) fn pin(&self, rule_id: RuleId, pos: usize, id: u32) -> Option<Frame> {
        let rule = &self.program.rules[rule_id];
        let Some(Literal::Atom(a)) = rule.body.get(pos) else {
            return None;
        };
        let row = self.db.rels[a.rel].row(id as usize);
        let mut frame = Frame::new(rule.vars.len(), rule.body.len());
        let mut seen = vec![false; rule.vars.len()];
        for (t, &w) in a.args.iter().zip(row) {
            match t {
                Term::Var(v) => {
                    if seen[*v] && frame.regs[*v] != w {
                        return None;
                    }
                    frame.regs[*v] = w;
                    seen[*v] = true;
                }
                Term::Const(c) if pack_existing(c, &self.db.interner) != Some(w) => return None,
                _ => {}
            }
        }
        frame.rows[pos] = Some((a.rel, id));
        Some(frame)
    }

    /// A value as a word; a symbol the database never saw gets a temporary id.
    pub(crate) fn word(&mut self, v: &Value) -> u64 {
        match v {
            Value::Symbol(s) => self.scratch.make_sym(&self.db.interner, s),
            other => pack_existing(other, &self.db.interner).expect("only symbols need interning"),
        }
    }

    /// The words of a row.
    pub(crate) fn row(&self, (rel, id): RowId) -> &'w [u64] {
        self.db.rels[rel].row(id as usize)
    }

    /// The values of a row.
    pub(crate) fn values(&self, (rel, id): RowId) -> Vec<Value> {
        let types = &self.db.rels[rel].types;
        self.row((rel, id))
            .iter()
            .zip(types)
            .map(|(&w, &ty)| self.value(w, ty))
            .collect()
    }

    /// A word as a value (temporary symbols included).
    pub(crate) fn value(&self, w: u64, ty: Type) -> Value {
        match ty {
            Type::Symbol => Value::Symbol(self.scratch.sym(&self.db.interner, w).to_string()),
            Type::Number => Value::Number(w as i64),
            Type::Float => Value::Float(f64::from_bits(w)),
            Type::Date => Value::Date(Date::from_packed(w as u32)),
        }
    }

    /// `file` and 1-based line of a span.
    pub(crate) fn location(&self, span: Span) -> (String, usize) {
        let file = self.sources.file(span.source);
        (file.name.clone(), file.line_col(span.start as usize).0)
    }

    /// The head row a complete instance produces, if stored.
    pub(crate) fn head_row(
        exec: &mut Exec<'_>,
        rel: RelId,
        head: &[CExpr],
        frame: &Frame,
    ) -> Result<Option<u32>, Diagnostic> {
        let mut words = Vec::with_capacity(head.len());
        for e in head {
            words.push(eval(e, &frame.regs, &exec.db.interner, exec.scratch).map_err(|d| *d)?);
        }
        Ok(exec.db.rels[rel].find(&words))
    }

    /// An executor over this context's database.
    pub(crate) fn exec<'s>(
        &'s mut self,
        admit: &'s dyn Fn(RelId, u32) -> bool,
        confidence: Option<&'s dyn Fn(RelId, u32) -> u16>,
        keep: usize,
        budget: u64,
    ) -> Exec<'s> {
        Exec {
            db: self.db,
            indexes: &self.indexes,
            scratch: &mut self.scratch,
            admit,
            confidence,
            keep,
            budget,
            exhausted: false,
        }
    }
}
