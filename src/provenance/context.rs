//! This module defines the context every explanation runs in: the checked
//! program, the evaluated database, each relation's stratum and rules, the
//! bodies planned by the evaluator's planner (cached per rule and per set of
//! bound variables), and the conversions between packed words and values.

use std::collections::HashMap;
use std::rc::Rc;

use super::exec::{self, AggMatch, Frame, Indexes, Limits, RowId, Searched, Visitor};
use crate::diag::{Diagnostic, SourceMap, Span};
use crate::eval::Database;
use crate::eval::exec::Scratch;
use crate::eval::pack::pack_existing;
use crate::eval::plan::{
    AggStep, CExpr, IndexReq, PlanEnv, Step, Symbols, WrittenPlan, compile_expr, plan_body,
    plan_written,
};
use crate::eval::rows::RowWords;
use crate::ir::{self, Expr, Literal, RelId, Rule, RuleId, Term};
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
    /// Temporary symbols: constants the database does not hold, and
    /// strings made by functors.
    pub scratch: Scratch,
    /// The indexes the plans read, by request position.
    indexes: Indexes<'w>,
    reqs: Vec<IndexReq>,
    sizes: Vec<usize>,
    plans: HashMap<PlanKey, Rc<Vec<Step>>>,
    written: HashMap<(RuleId, Vec<bool>), Rc<WrittenPlan>>,
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
            scratch: Scratch::default(),
            indexes: Indexes::default(),
            reqs: Vec::new(),
            sizes: (0..db.rels.len()).map(|r| db.len(r)).collect(),
            plans: HashMap::new(),
            written: HashMap::new(),
            heads: HashMap::new(),
        }
    }

    /// The planned body for a key (planned once).
    pub(crate) fn plan(&mut self, key: PlanKey) -> Result<Rc<Vec<Step>>, Diagnostic> {
        if let Some(p) = self.plans.get(&key) {
            return Ok(p.clone());
        }
        let (rule_id, bound, skip) = match &key {
            PlanKey::Head(r) => (*r, self.head_bound(*r), None),
            PlanKey::Free(r) => (*r, vec![false; self.program.rules[*r].vars.len()], None),
            PlanKey::Pinned(r, pos) => (*r, self.atom_bound(*r, *pos), Some(*pos)),
        };
        let program = self.program;
        let plan = Rc::new(self.plan_rule(&program.rules[rule_id], bound, skip)?);
        self.plans.insert(key, plan.clone());
        Ok(plan)
    }

    /// Plans a rule's body (all literals but `skip`) in join order with
    /// `bound` variables bound, and readies the indexes it reads.
    pub(crate) fn plan_rule(
        &mut self,
        rule: &Rule,
        bound: Vec<bool>,
        skip: Option<usize>,
    ) -> Result<Vec<Step>, Diagnostic> {
        let Context {
            db,
            scratch,
            indexes,
            reqs,
            sizes,
            ..
        } = self;
        let db: &'w Database = db;
        let indexed = |r: RelId, cols: &[usize]| indexes.has(db, r, cols);
        let env = PlanEnv {
            in_stratum: &|_| false,
            sizes: Some(sizes),
            indexed: &indexed,
        };
        let symbols = Symbols::Temporary(&db.interner, scratch);
        let steps = plan_body(rule, bound, skip, &env, symbols, reqs)?;
        indexes.ensure(db, reqs);
        Ok(steps)
    }

    /// A rule's body planned in written order with `bound` variables bound
    /// (for `whynot`), planned once.
    pub(crate) fn plan_written(
        &mut self,
        rule_id: RuleId,
        bound: Vec<bool>,
    ) -> Result<Rc<WrittenPlan>, Diagnostic> {
        let key = (rule_id, bound);
        if let Some(p) = self.written.get(&key) {
            return Ok(p.clone());
        }
        let Context {
            program,
            db,
            scratch,
            indexes,
            reqs,
            ..
        } = self;
        let db: &'w Database = db;
        let env = PlanEnv {
            in_stratum: &|_| false,
            sizes: None,
            indexed: &|_, _| false,
        };
        let symbols = Symbols::Temporary(&db.interner, scratch);
        let plan = plan_written(&program.rules[rule_id], key.1.clone(), &env, symbols, reqs)?;
        indexes.ensure(db, reqs);
        let plan = Rc::new(plan);
        self.written.insert(key, plan.clone());
        Ok(plan)
    }

    /// Runs planned steps from a frame's bindings.
    pub(crate) fn search<V: Visitor>(
        &mut self,
        steps: &[Step],
        frame: Frame,
        limits: &Limits<'_>,
        visitor: V,
    ) -> Result<Searched<V>, Diagnostic> {
        exec::search(
            self.db,
            &self.indexes,
            &mut self.scratch,
            steps,
            frame,
            limits,
            visitor,
        )
    }

    /// An aggregate's value and matches for a binding.
    pub(crate) fn aggregate(
        &mut self,
        ag: &AggStep,
        regs: &[u64],
        limits: &Limits<'_>,
    ) -> Result<Option<AggMatch>, Diagnostic> {
        exec::aggregate(self.db, &self.indexes, &mut self.scratch, ag, regs, limits)
    }

    /// An expression of a rule, compiled over its registers.
    pub(crate) fn expr(&mut self, rule: &Rule, e: &Expr) -> Result<CExpr, Diagnostic> {
        compile_expr(
            rule,
            e,
            Symbols::Temporary(&self.db.interner, &mut self.scratch),
        )
    }

    /// The head's expressions, compiled.
    pub(crate) fn head(&mut self, rule_id: RuleId) -> Result<Rc<Vec<CExpr>>, Diagnostic> {
        if let Some(h) = self.heads.get(&rule_id) {
            return Ok(h.clone());
        }
        let program = self.program;
        let rule = &program.rules[rule_id];
        let head = rule
            .head
            .args
            .iter()
            .map(|e| self.expr(rule, e))
            .collect::<Result<Vec<_>, _>>()?;
        let head = Rc::new(head);
        self.heads.insert(rule_id, head.clone());
        Ok(head)
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
        for (t, w) in a.args.iter().zip(row) {
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
    pub(crate) fn row(&self, (rel, id): RowId) -> RowWords {
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
}
