//! This module defines the code generator: a pure function from a checked
//! rule library ([`ir::Program`](sleuth_front::ir::Program)) and its sources to the
//! Rust text of a compiled program, written as tokens with `quote` and laid
//! out by [`layout`](super::layout). build.rs calls it on rules/*.dl and
//! writes the text into OUT_DIR, where the `compiled` module includes it.
//!
//! The text holds, inside one private module `generated`:
//! - tables describing it (relations and roles, compiled rules, failure
//!   sites, what is left to the interpreter and why, string constants);
//! - one `crepe!` program per stage (see [`plan`](super::plan)), every rule
//!   under a comment with its Datalog text and `file:line`;
//! - one plain Rust function per aggregate, grouping the matches of its body;
//! - `run_stages`, which moves relations between a `Frame` (sleuth's `compiled::frame`)
//!   and the stages in order.

use super::emit_expr::{
    Constants, ExprHost, ExprWriter, Fallible, aggregate_update, num, rust_type, var_ident,
};
use super::layout::{self, Clause, CrepeProgram, CrepeRule};
use super::lowered::{Lit, LoweredRule, PlanRel, Purpose};
use super::names::{Registry, constant_name};
use super::order::{ScanArg, Step, order};
use super::plan::{Plan, Role, plan};
use super::signature::rule_signature;
use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote};
use sleuth_front::diag::{SourceMap, Span};
use sleuth_front::ir::{AggOp, Expr, Literal, Program, RuleId, Term};
use sleuth_front::value::{Type, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Where the generated code finds the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Path of the `compiled` module (`crate::compiled` inside sleuth).
    pub runtime: String,
    /// Path of the `value` module (`crate::value` inside sleuth).
    pub value: String,
    /// One crepe program per stratum (the default) rather than per stage
    /// (see [`plan`](super::plan::plan)): each relation's time inside crepe
    /// is measured apart, and everything a stratum only reads comes from
    /// prebuilt indexes instead of crepe's own, which is faster.
    pub per_stratum: bool,
}

impl Options {
    /// The paths for code included inside the sleuth crate.
    pub fn in_crate() -> Options {
        Options {
            runtime: "crate::compiled".into(),
            value: "crate::value".into(),
            per_stratum: true,
        }
    }
}

/// A library rule left to the interpreter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// `file:line` of the rule.
    pub location: String,
    /// Why it cannot be compiled.
    pub reason: String,
}

/// The generated program.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    /// The Rust source text.
    pub code: String,
    /// The plan it implements.
    pub plan: Plan,
    /// Rules that could not be compiled.
    pub skipped: Vec<Skipped>,
    /// Relations left to the interpreter (name, reason), those rules and all
    /// that depends on them.
    pub interpreted: Vec<(String, String)>,
}

struct Gen<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
    plan: &'a Plan,
    structs: Vec<Ident>,
    constants: Constants,
    /// Relations each stage computes (crepe relations there).
    computed: Vec<BTreeSet<PlanRel>>,
    /// Lookup patterns (bound columns) each relation read as an input needs.
    modes: BTreeMap<PlanRel, BTreeSet<Vec<usize>>>,
    rule_table: Vec<RuleId>,
    sites: Vec<(u32, u32, u32)>,
    current: RuleId,
}

impl ExprHost for Gen<'_> {
    fn site(&mut self, span: Span) -> u32 {
        let rule = self.rule_index(self.current);
        let base = self.program.rules[self.current].span.start;
        self.sites.push((
            rule,
            span.start.saturating_sub(base),
            span.end.saturating_sub(base),
        ));
        self.sites.len() as u32 - 1
    }

    fn constant(&mut self, text: &str) -> Ident {
        self.constants
            .name(text)
            .expect("every string constant of a compiled rule was collected")
    }
}

fn collect_constants(plan: &Plan) -> Constants {
    fn from_expr(e: &Expr, out: &mut Vec<String>) {
        match e {
            Expr::Const(Value::Symbol(s)) => out.push(s.clone()),
            Expr::Const(_) | Expr::Var(_) => {}
            Expr::Neg { arg, .. } => from_expr(arg, out),
            Expr::Binary { left, right, .. } => {
                from_expr(left, out);
                from_expr(right, out);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| from_expr(a, out)),
        }
    }
    let mut out = Vec::new();
    for stage in &plan.stages {
        for rule in &stage.rules {
            rule.head.iter().for_each(|e| from_expr(e, &mut out));
            for l in &rule.body {
                match l {
                    Lit::Atom { args, .. } | Lit::Not { args, .. } => {
                        for t in args {
                            if let Term::Const(Value::Symbol(s)) = t {
                                out.push(s.clone());
                            }
                        }
                    }
                    Lit::Compare(c) => {
                        from_expr(&c.left, &mut out);
                        from_expr(&c.right, &mut out);
                    }
                    Lit::Test(t) => t.args.iter().for_each(|a| from_expr(a, &mut out)),
                }
            }
        }
    }
    for agg in &plan.aggregates {
        if let Some(t) = &agg.target {
            from_expr(t, &mut out);
        }
    }
    Constants::new(out)
}

impl<'a> Gen<'a> {
    fn rule_index(&mut self, rule: RuleId) -> u32 {
        match self.rule_table.iter().position(|&r| r == rule) {
            Some(i) => i as u32,
            None => {
                self.rule_table.push(rule);
                self.rule_table.len() as u32 - 1
            }
        }
    }

    fn location(&self, span: Span) -> String {
        let loc = self.sources.location(span);
        // file:line, without the column
        match loc.rfind(':') {
            Some(i) => loc[..i].to_string(),
            None => loc,
        }
    }

    /// The rule's source text as comment lines, then its location and `note`.
    fn rule_comment(&self, origin: RuleId, note: &str) -> Vec<String> {
        let rule = &self.program.rules[origin];
        let mut out: Vec<String> = self
            .sources
            .snippet(rule.span)
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        out.push(format!("  {}{note}", self.location(rule.span)));
        out
    }

    fn term(&mut self, vars: &[sleuth_front::ir::Var], t: &Term) -> TokenStream {
        match t {
            Term::Var(v) => var_ident(vars, *v).into_token_stream(),
            Term::Const(c) => {
                let mut temps = 0;
                ExprWriter::new(self, vars, &mut temps).constant(c)
            }
            Term::Wildcard => quote!(_),
        }
    }

    /// One crepe rule of stage `s`.
    fn crepe_rule(&mut self, s: usize, rule: &LoweredRule) -> CrepeRule {
        self.current = rule.origin;
        let ordered = order(rule).expect("the planner only keeps rules that can be ordered");
        let vars = &rule.vars;
        let mut clauses = vec![Clause::Expr(quote!(Inputs(env__)))];
        let mut temps = 0usize;
        for step in &ordered.steps {
            match step {
                Step::Scan { rel, args } if !self.computed[s].contains(rel) => {
                    // An input: look its tuples up in the prebuilt index.
                    let mode = scan_mode(args);
                    let mut keys = Vec::new();
                    let mut pattern = Vec::new();
                    let mut bound = Vec::new();
                    for a in args {
                        match a {
                            ScanArg::Bind(v) => {
                                let v = var_ident(vars, *v);
                                pattern.push(quote!(#v));
                                bound.push(v);
                            }
                            ScanArg::Bound(v) => {
                                keys.push(var_ident(vars, *v).into_token_stream());
                                pattern.push(quote!(_));
                            }
                            ScanArg::Const(c) => {
                                keys.push(self.term(vars, &Term::Const(c.clone())));
                                pattern.push(quote!(_));
                            }
                            ScanArg::Wild => pattern.push(quote!(_)),
                        }
                    }
                    let source = if mode.is_empty() {
                        let t = table_field(*rel);
                        quote!(env__.#t.rows())
                    } else {
                        let (i, k) = (index_field(*rel, &mode), tuple(&keys));
                        quote!(env__.#i.get(&#k))
                    };
                    let pattern = tuple(&pattern);
                    clauses.push(Clause::For(quote!(&#pattern), source));
                    if !bound.is_empty() {
                        // crepe does not see variables bound by `for`; name them again.
                        let bound = tuple(&bound);
                        clauses.push(Clause::Let(bound.clone(), bound));
                    }
                }
                Step::Not { rel, args } if !self.computed[s].contains(rel) => {
                    let mode = not_mode(args);
                    let keys: Vec<TokenStream> = args
                        .iter()
                        .filter(|t| !matches!(t, Term::Wildcard))
                        .map(|t| self.term(vars, t))
                        .collect();
                    clauses.push(Clause::Expr(if mode.is_empty() {
                        let t = table_field(*rel);
                        quote!((env__.#t.is_empty()))
                    } else {
                        let (i, k) = (index_field(*rel, &mode), tuple(&keys));
                        quote!((env__.#i.get(&#k).is_empty()))
                    }));
                }
                Step::Scan { rel, args } => {
                    let args: Vec<TokenStream> = args
                        .iter()
                        .map(|a| match a {
                            ScanArg::Bind(v) | ScanArg::Bound(v) => {
                                var_ident(vars, *v).into_token_stream()
                            }
                            ScanArg::Const(c) => self.term(vars, &Term::Const(c.clone())),
                            ScanArg::Wild => quote!(_),
                        })
                        .collect();
                    let name = &self.structs[*rel];
                    clauses.push(Clause::Expr(quote!(#name(#(#args),*))));
                }
                Step::SameAs(a, b) => {
                    let (a, b) = (var_ident(vars, *a), var_ident(vars, *b));
                    clauses.push(Clause::Expr(quote!((#a == #b))));
                }
                Step::Guard(c) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.compare(c);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(Clause::Expr(text));
                }
                Step::Bind(v, e) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.expr(e);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(Clause::Let(var_ident(vars, *v).into_token_stream(), text));
                }
                Step::Test(t) => {
                    let mut w = ExprWriter::new(self, vars, &mut temps);
                    let text = w.test(t);
                    let pending = std::mem::take(&mut w.pending);
                    push_fallible(&mut clauses, pending);
                    clauses.push(Clause::Expr(text));
                }
                Step::Not { rel, args } => {
                    let args: Vec<TokenStream> = args.iter().map(|t| self.term(vars, t)).collect();
                    let name = &self.structs[*rel];
                    clauses.push(Clause::Expr(quote!(!#name(#(#args),*))));
                }
            }
        }
        let mut w = ExprWriter::new(self, vars, &mut temps);
        let head: Vec<TokenStream> = rule.head.iter().map(|e| w.expr(e)).collect();
        let pending = std::mem::take(&mut w.pending);
        push_fallible(&mut clauses, pending);
        let note = match &rule.purpose {
            Purpose::Rule => String::new(),
            Purpose::EmptyGroups(ks) => format!(
                " (variant: aggregate{} over an empty group give{} 0)",
                ks.iter().map(|k| format!(" #{k}")).collect::<String>(),
                if ks.len() == 1 { "s" } else { "" }
            ),
            Purpose::AggregateBody(k) => format!(" (matches of aggregate #{k}'s body)"),
        };
        let name = &self.structs[rule.head_rel];
        CrepeRule {
            comment: self.rule_comment(rule.origin, &note),
            head: quote!(#name(#(#head),*)),
            clauses,
        }
    }

    /// The tuple struct crepe keeps a relation's tuples in.
    fn struct_decl(&self, rel: PlanRel) -> TokenStream {
        let name = &self.structs[rel];
        let types = self.plan.relations[rel].types.iter().map(|&t| rust_type(t));
        quote!(pub struct #name(#(pub #types),*);)
    }

    /// Stage `s`: its crepe program's module (with a placeholder where the
    /// program goes), its runner and its aggregate steps; and the program.
    fn stage(&mut self, s: usize) -> (TokenStream, CrepeProgram) {
        let plan = self.plan;
        let stage = &plan.stages[s];
        let computed = self.computed[s].clone();
        let derived: Vec<PlanRel> = computed
            .iter()
            .copied()
            .filter(|&r| matches!(plan.relations[r].role, Role::Derived { .. }))
            .collect();
        let outputs: Vec<PlanRel> = computed.iter().copied().collect();

        let mut program = CrepeProgram::default();
        program.comment("Everything the stage reads but does not compute, as tables and indexes.");
        program.relation(
            Some("input"),
            quote!(
                pub struct Inputs<'a>(pub &'a Env);
            ),
        );
        for &rel in &outputs {
            program.relation(Some("output"), self.struct_decl(rel));
        }
        program.blank();
        for &rel in &derived {
            let cols = columns(plan.relations[rel].types.len());
            let (name, t, row) = (&self.structs[rel], table_field(rel), tuple(&cols));
            program.rule(CrepeRule {
                comment: vec![format!(
                    "`{}` keeps the tuples it already had (facts, loaded data).",
                    plan.relations[rel].name
                )],
                head: quote!(#name(#(#cols),*)),
                clauses: vec![
                    Clause::Expr(quote!(Inputs(env__))),
                    Clause::For(quote!(&#row), quote!(env__.#t.rows())),
                ],
            });
        }
        for r in &stage.rules {
            let rule = self.crepe_rule(s, r);
            program.rule(rule);
        }

        let module = format_ident!("stage_{s}");
        let placeholder = CrepeProgram::placeholder(s);
        let doc = format!(" Stage {s} of the compiled library.");
        let runner = format_ident!("run_stage_{s}");
        let loads: Vec<TokenStream> = derived.iter().map(|&r| self.load_table(r)).collect();
        let outs: Vec<Ident> = outputs.iter().map(|r| format_ident!("out_{r}")).collect();
        let stores: Vec<TokenStream> = derived.iter().map(|&rel| {
            let cols = columns(plan.relations[rel].types.len());
            let (name, t, row) = (&self.structs[rel], table_field(rel), tuple(&cols));
            let (out, id, indexes) = (format_ident!("out_{rel}"), num(rel), indexes_fn(rel));
            quote! {
                env.#t = Table::new(#out.into_iter().map(|#module::#name(#(#cols),*)| #row).collect());
                frame.take(#id);
                frame.reserve(#id, env.#t.len());
                for &#row in env.#t.rows() {
                    frame.push(#id, &[#(#cols.to_word()),*]);
                }
                #indexes(env);
            }
        }).collect();
        let steps = stage.aggregates.iter().map(|&k| {
            let step = format_ident!("aggregate_{k}");
            let body = format_ident!("out_{}", plan.aggregates[k].body_rel);
            quote!(#step(&#body, env)?;)
        });
        let aggregates: Vec<TokenStream> = stage
            .aggregates
            .iter()
            .map(|&k| self.aggregate(k, s))
            .collect();
        let items = quote! {
            #[doc = #doc]
            mod #module {
                use super::*;
                ::crepe::crepe! { #placeholder }
            }

            fn #runner(env: &mut Env, frame: &mut Frame) -> Result<(), Fault> {
                #(#loads)*
                let started = ::std::time::Instant::now();
                let (#(#outs,)*) = {
                    let mut runtime = #module::Crepe::new();
                    runtime.extend([#module::Inputs(&*env)]);
                    runtime.run_with_hasher::<FxBuild>()
                };
                let elapsed = started.elapsed();
                frame.crepe_time += elapsed;
                frame.stage_times.push(elapsed);
                if let Some(fault) = fault::take() {
                    return Err(fault);
                }
                #(#stores)*
                #(#steps)*
                frame.after_stage()
            }

            #(#aggregates)*
        };
        (items, program)
    }

    /// Aggregate step `k` of stage `s`: groups the matches of its body.
    fn aggregate(&mut self, k: usize, s: usize) -> TokenStream {
        let plan = self.plan;
        let agg = &plan.aggregates[k];
        self.current = agg.origin;
        let vars = &agg.vars;
        let group: Vec<Ident> = agg.columns[..agg.group_len]
            .iter()
            .map(|&v| var_ident(vars, v))
            .collect();
        let group_types = agg.columns[..agg.group_len]
            .iter()
            .map(|&v| rust_type(vars[v].ty));
        let cols: Vec<Ident> = agg.columns.iter().map(|&v| var_ident(vars, v)).collect();
        let key = quote!((#(#group,)*));
        let key_type = quote!((#(#group_types,)*));
        let acc_type = match agg.op {
            AggOp::Count => quote!(i64),
            _ => rust_type(agg.ty),
        };
        let mut temps = 0usize;
        let mut value = TokenStream::new();
        if let Some(target) = &agg.target {
            let mut w = ExprWriter::new(self, vars, &mut temps);
            let text = w.expr(target);
            for Fallible { temp, call, site } in std::mem::take(&mut w.pending) {
                let site = num(site as usize);
                value.extend(quote! {
                    let Some(#temp) = #call else {
                        return Err(fault::take_or(#site));
                    };
                });
            }
            value.extend(quote!(let value: #acc_type = #text;));
        }
        let span = self.program.rules[agg.origin]
            .body
            .iter()
            .find_map(|l| match l {
                Literal::Aggregate(g) if g.op == agg.op && g.target == agg.target => Some(g.span),
                _ => None,
            })
            .unwrap_or(self.program.rules[agg.origin].span);
        let update = match aggregate_update(agg.op, agg.ty, &key, || self.site(span)) {
            Ok(tokens) => tokens,
            // The planner keeps such aggregates out of compiled rules.
            Err(why) => quote!(compile_error!(#why);),
        };
        let grouped_by: Vec<String> = group.iter().map(Ident::to_string).collect();
        let note = format!(
            " (aggregate #{k}: `{}` grouped by {})",
            agg.op.name(),
            if group.is_empty() {
                "nothing".to_string()
            } else {
                grouped_by.join(", ")
            }
        );
        let docs = self
            .rule_comment(agg.origin, &note)
            .into_iter()
            .map(|l| format!(" {l}"));
        let module = format_ident!("stage_{s}");
        let body = &self.structs[agg.body_rel];
        let step = format_ident!("aggregate_{k}");
        let result = agg.result_rel;
        let (t, indexes) = (table_field(result), indexes_fn(result));
        let fields = tuple(&[group.clone(), vec![format_ident!("acc")]].concat());
        quote! {
            #(#[doc = #docs])*
            fn #step(body: &FxHashSet<#module::#body>, env: &mut Env) -> Result<(), Fault> {
                let mut groups: FxHashMap<#key_type, #acc_type> = FxHashMap::default();
                for &#module::#body(#(#cols),*) in body {
                    #value
                    #update
                }
                env.#t = Table::new(groups.into_iter().map(|(#key, acc)| #fields).collect());
                #indexes(env);
                Ok(())
            }
        }
    }

    /// The row type of a relation's table: a tuple of its column types.
    fn row_type(&self, rel: PlanRel) -> TokenStream {
        let types: Vec<TokenStream> = self.plan.relations[rel]
            .types
            .iter()
            .map(|&t| rust_type(t))
            .collect();
        tuple(&types)
    }

    /// Reads a relation's rows from the frame into its table.
    fn load_table(&self, rel: PlanRel) -> TokenStream {
        let n = self.plan.relations[rel].types.len();
        let cols: Vec<TokenStream> = (0..n)
            .map(|i| {
                let i = num(i);
                quote!(Column::from_word(r[#i]))
            })
            .collect();
        let r = if n == 0 {
            format_ident!("_r")
        } else {
            format_ident!("r")
        };
        let (t, id, row) = (table_field(rel), num(rel), tuple(&cols));
        quote!(env.#t = Table::new(frame.rows(#id).map(|#r| #row).collect());)
    }

    /// The function building every index of a relation from its table.
    fn index_builder(&self, rel: PlanRel) -> TokenStream {
        let doc = format!(" Indexes of `{}`.", self.plan.relations[rel].name);
        let t = table_field(rel);
        let builds = self
            .modes
            .get(&rel)
            .into_iter()
            .flatten()
            .filter(|mode| !mode.is_empty())
            .map(|mode| {
                let i = index_field(rel, mode);
                let key: Vec<TokenStream> = mode
                    .iter()
                    .map(|&c| {
                        let c = num(c);
                        quote!(t.#c)
                    })
                    .collect();
                let key = tuple(&key);
                quote!(env.#i = Index::build(env.#t.rows(), |t| #key);)
            });
        let f = indexes_fn(rel);
        quote! {
            #[doc = #doc]
            fn #f(env: &mut Env) {
                #(#builds)*
            }
        }
    }
}

/// The columns an input scan looks up by (bound variables and constants).
fn scan_mode(args: &[ScanArg]) -> Vec<usize> {
    args.iter()
        .enumerate()
        .filter(|(_, a)| matches!(a, ScanArg::Bound(_) | ScanArg::Const(_)))
        .map(|(i, _)| i)
        .collect()
}

/// The columns a negated input atom looks up by (all but wildcards).
fn not_mode(args: &[Term]) -> Vec<usize> {
    args.iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t, Term::Wildcard))
        .map(|(i, _)| i)
        .collect()
}

fn table_field(rel: PlanRel) -> Ident {
    format_ident!("t_{rel}")
}

fn index_field(rel: PlanRel, mode: &[usize]) -> Ident {
    let cols: Vec<String> = mode.iter().map(|c| c.to_string()).collect();
    format_ident!("i_{rel}_{}", cols.join("_"))
}

fn indexes_fn(rel: PlanRel) -> Ident {
    format_ident!("indexes_{rel}")
}

/// `c0, c1, ...`: names for a relation's columns.
fn columns(n: usize) -> Vec<Ident> {
    (0..n).map(|i| format_ident!("c{i}")).collect()
}

/// A Rust tuple expression, pattern or type (`(a,)` for one element).
fn tuple<T: ToTokens>(items: &[T]) -> TokenStream {
    match items {
        [one] => quote!((#one,)),
        _ => quote!((#(#items),*)),
    }
}

fn push_fallible(clauses: &mut Vec<Clause>, pending: Vec<Fallible>) {
    for Fallible { temp, call, .. } in pending {
        clauses.push(Clause::Let(quote!(Some(#temp)), call));
    }
}

/// The name of a column type's variant of `Type`.
fn type_variant(t: Type) -> Ident {
    format_ident!(
        "{}",
        match t {
            Type::Symbol => "Symbol",
            Type::Number => "Number",
            Type::Float => "Float",
            Type::Date => "Date",
        }
    )
}

/// The name of a relation role's variant of `RelationRole`.
fn role_variant(role: &Role) -> Ident {
    format_ident!(
        "{}",
        match role {
            Role::Base => "Base",
            Role::Derived { .. } => "Derived",
            Role::Interpreted => "Interpreted",
            Role::Query => "Query",
            Role::AggregateBody { .. } => "AggregateBody",
            Role::AggregateResult { .. } => "AggregateResult",
        }
    )
}

/// The comment at the top of the generated file.
const HEADER: &str = "\
// The rule library compiled to crepe. Generated by build.rs from the
// checked rules; do not edit: change the .dl files instead.
//
// Generated code: names follow the Datalog program, and crepe's expansion is
// not written for lints.

";

/// Generates the compiled program of a checked rule library. `rules_hash` is
/// the library's content hash (embedded so the program can tell whether
/// loaded rules are its own).
pub fn generate(
    program: &Program,
    sources: &SourceMap,
    rules_hash: u64,
    options: &Options,
) -> Generated {
    let plan = plan(program, options.per_stratum);
    let mut registry = Registry::new();
    let structs: Vec<Ident> = plan
        .relations
        .iter()
        .map(|r| format_ident!("{}", registry.struct_name(&r.name)))
        .collect();
    // What each stage computes, and how the others' relations are read.
    let computed: Vec<BTreeSet<PlanRel>> = plan
        .stages
        .iter()
        .map(|st| st.rules.iter().map(|r| r.head_rel).collect())
        .collect();
    let mut modes: BTreeMap<PlanRel, BTreeSet<Vec<usize>>> = BTreeMap::new();
    for (s, st) in plan.stages.iter().enumerate() {
        for r in &st.rules {
            let ordered = order(r).expect("the planner only keeps rules that can be ordered");
            for step in &ordered.steps {
                match step {
                    Step::Scan { rel, args } if !computed[s].contains(rel) => {
                        modes.entry(*rel).or_default().insert(scan_mode(args));
                    }
                    Step::Not { rel, args } if !computed[s].contains(rel) => {
                        modes.entry(*rel).or_default().insert(not_mode(args));
                    }
                    _ => {}
                }
            }
        }
    }
    let mut gen_ = Gen {
        program,
        sources,
        plan: &plan,
        structs,
        computed,
        modes,
        constants: collect_constants(&plan),
        rule_table: Vec::new(),
        sites: Vec::new(),
        current: 0,
    };
    let mut stages = TokenStream::new();
    let mut programs = Vec::new();
    for s in 0..plan.stages.len() {
        let (items, program) = gen_.stage(s);
        stages.extend(items);
        programs.push(program);
    }
    // Every compiled library rule is in the rule table, even without sites.
    for stage in &plan.stages {
        for r in &stage.rules {
            gen_.rule_index(r.origin);
        }
    }

    let skipped: Vec<Skipped> = plan
        .unsupported
        .iter()
        .map(|u| Skipped {
            location: gen_.location(program.rules[u.rule].span),
            reason: u.reason.clone(),
        })
        .collect();
    let interpreted: Vec<(String, String)> = plan
        .interpreted
        .iter()
        .map(|(r, why)| (program.relations[*r].name.clone(), why.clone()))
        .collect();

    let rt: TokenStream = options
        .runtime
        .parse()
        .expect("the runtime's path is a Rust path");
    let value: TokenStream = options
        .value
        .parse()
        .expect("the value module's path is a Rust path");
    let hash = syn::LitInt::new(
        &format!("{rules_hash:#018x}"),
        proc_macro2::Span::call_site(),
    );
    let relations = plan.relations.iter().map(|r| {
        let name = &r.name;
        let types = r.types.iter().map(|&t| type_variant(t));
        let role = role_variant(&r.role);
        quote!(RelationInfo { name: #name, types: &[#(Type::#types),*], role: RelationRole::#role })
    });
    let rules = gen_.rule_table.iter().map(|&r| {
        let signature = rule_signature(program, &program.rules[r]);
        let location = gen_.location(program.rules[r].span);
        quote!(RuleInfo { signature: #signature, location: #location })
    });
    let sites = gen_.sites.iter().map(|&(rule, start, end)| {
        let (rule, start, end) = (num(rule as usize), num(start as usize), num(end as usize));
        quote!(Site { rule: #rule, start: #start, end: #end })
    });
    let left = interpreted
        .iter()
        .map(|(name, why)| quote!(InterpretedInfo { relation: #name, reason: #why }));
    let unsupported = skipped.iter().map(|s| {
        let (location, reason) = (&s.location, &s.reason);
        quote!(UnsupportedInfo { location: #location, reason: #reason })
    });
    let stage_names = plan.stages.iter().map(|stage| {
        let mut names: Vec<&str> = stage
            .rules
            .iter()
            .map(|r| plan.relations[r.head_rel].name.as_str())
            .collect();
        names.dedup();
        quote!(&[#(#names),*])
    });
    let constants = &gen_.constants.texts;
    let constant_decls = constants.iter().enumerate().map(|(k, t)| {
        let (name, k) = (format_ident!("{}", constant_name(t, k)), num(k));
        quote!(const #name: Sym = Sym::constant(#k);)
    });
    // Base relations read by some stage: their tables and indexes first.
    let base_loads = gen_
        .modes
        .keys()
        .copied()
        .filter(|&r| plan.relations[r].role == Role::Base)
        .map(|rel| {
            let (load, indexes) = (gen_.load_table(rel), indexes_fn(rel));
            quote!(#load #indexes(env);)
        });
    let runners = (0..plan.stages.len()).map(|s| format_ident!("run_stage_{s}"));
    // The tables and indexes.
    let mut with_table: BTreeSet<PlanRel> = gen_.modes.keys().copied().collect();
    for (i, r) in plan.relations.iter().enumerate() {
        if matches!(r.role, Role::Derived { .. }) {
            with_table.insert(i);
        }
    }
    let mut fields = TokenStream::new();
    for &rel in &with_table {
        let (t, row) = (table_field(rel), gen_.row_type(rel));
        fields.extend(quote!(pub #t: Table<#row>,));
        for mode in gen_.modes.get(&rel).into_iter().flatten() {
            if mode.is_empty() {
                continue;
            }
            let key: Vec<TokenStream> = mode
                .iter()
                .map(|&col| rust_type(plan.relations[rel].types[col]))
                .collect();
            let (i, key) = (index_field(rel, mode), tuple(&key));
            fields.extend(quote!(pub #i: Index<#key, #row>,));
        }
    }
    let index_builders = with_table.iter().map(|&rel| gen_.index_builder(rel));

    let items = quote! {
        /// The compiled library: tables, one crepe program per stage, aggregate steps.
        #[allow(dead_code, unused, non_camel_case_types, non_snake_case, clippy::all)]
        mod generated {
            use #rt::column::{Column, Flt};
            use #rt::fault::{self, Fault};
            use #rt::frame::Frame;
            use #rt::fxhash::{FxBuild, FxHashMap, FxHashSet};
            use #rt::info::{InterpretedInfo, RelationInfo, RelationRole, RuleInfo, Site, UnsupportedInfo};
            use #rt::ops as rt;
            use #rt::symbols::Sym;
            use #rt::table::{Index, Table};
            use #value::{Date, Type};

            /// Content hash of the rule library this program was generated from.
            pub const RULES_HASH: u64 = #hash;

            /// Relations: the library's (by id), then helpers.
            pub static RELATIONS: &[RelationInfo] = &[#(#relations),*];

            /// The library rules compiled, by signature.
            pub static RULES: &[RuleInfo] = &[#(#rules),*];

            /// Where an operation can fail: rule and byte range within it.
            pub static SITES: &[Site] = &[#(#sites),*];

            /// Relations left to the interpreter, and why.
            pub static INTERPRETED: &[InterpretedInfo] = &[#(#left),*];

            /// Library rules that could not be compiled, and why.
            pub static UNSUPPORTED: &[UnsupportedInfo] = &[#(#unsupported),*];

            /// The relations each stage computes (helpers start with `$`).
            pub static STAGES: &[&[&str]] = &[#(#stage_names),*];

            /// The library's string constants, sorted: constant k is `Sym::constant(k)`.
            pub static CONSTANTS: &[&str] = &[#(#constants),*];

            #(#constant_decls)*

            /// Runs every stage and aggregate step over `frame`, in order.
            pub fn run_stages(frame: &mut Frame) -> Result<(), Fault> {
                let mut env = Env::default();
                let env = &mut env;
                #(#base_loads)*
                #(#runners(env, frame)?;)*
                Ok(())
            }

            /// What the crepe programs read without computing it: a table per
            /// relation, an index per lookup pattern. Handed to crepe by reference,
            /// so it compares and hashes by identity.
            #[derive(Default)]
            pub struct Env {
                #fields
            }

            impl PartialEq for Env {
                fn eq(&self, other: &Env) -> bool {
                    ::std::ptr::eq(self, other)
                }
            }

            impl Eq for Env {}

            impl ::std::hash::Hash for Env {
                fn hash<H: ::std::hash::Hasher>(&self, _: &mut H) {}
            }

            #(#index_builders)*

            #stages
        }
    };
    Generated {
        code: layout::file(HEADER, items, programs),
        plan,
        skipped,
        interpreted,
    }
}
