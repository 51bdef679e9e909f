//! Evaluates Terraform expressions as `terraform plan` would, keeping the chain of places each value
//! came through. What Terraform knows only after apply (data sources, computed attributes, impure
//! functions) is an unknown value with the reason, and stays unknown through every operator,
//! template, function and collection built from it: never a guess, never a fallback.
//!
//! The evaluator works on `hcl-edit`'s syntax trees. An evaluation has a budget, shared by a whole
//! root: a bound on the steps taken and on the size of every value built along the way. A value
//! past it is unknown with that reason.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{
    BinaryOperator, Expression as EditExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};

use super::decl::{CallDecl, Expr, ResourceDecl, Simple, SyntaxTrees};
use super::functions;
use super::module::ModuleDef;
pub use super::value::{Reason, Value};
use super::value::{equal, number_string, weight};
use crate::model::{ProviderConfig, Via};
use crate::source::Span;

/// A value and where it came from, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub value: Value,
    pub chain: Vec<Via>,
}

type MemberChain = Option<Vec<Via>>;

/// A `locals` entry.
pub struct LocalDef<'a> {
    pub expr: &'a Expr,
}

/// Which instance of a repeated block an expression is evaluated for.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Repetition {
    /// A block without `count` or `for_each`.
    #[default]
    Single,
    /// `count.index`.
    Count(u64),
    /// `each.key` and `each.value`.
    Each { key: String, value: Value },
    /// A block whose `count` or `for_each` is unknown: why.
    Unknown(Reason),
}

impl Repetition {
    /// The instance key as Terraform writes it in an address: `[0]`, `["a"]`.
    pub fn address_suffix(&self) -> String {
        match self {
            Repetition::Single => String::new(),
            Repetition::Count(i) => format!("[{i}]"),
            Repetition::Each { key, .. } => format!("[{}]", serde_json::Value::from(key.as_str())),
            Repetition::Unknown(_) => "[*]".to_owned(),
        }
    }
}

/// The instances of a block with `count` or `for_each`.
#[derive(Debug, Clone, PartialEq)]
pub enum Instances {
    /// Neither: one instance.
    Single,
    /// The instances, in Terraform's order (indexes, or keys sorted).
    Known(Vec<Repetition>),
    /// `count` or `for_each` is unknown: why.
    Unknown(Reason),
}

/// Instances beyond this many are not evaluated one by one.
pub const MAX_INSTANCES: usize = 1024;

/// Child module instances, as a module call's `module.<name>` reference needs them.
pub trait Children<'s> {
    /// The scope of the instance `rep` of `call`, made by `parent`.
    fn child(
        &'s self,
        parent: &Scope<'s>,
        call: &'s CallDecl,
        rep: &Repetition,
    ) -> Result<Rc<Scope<'s>>, Reason>;
}

/// Bounds that keep hostile Terraform from taking the linter down: a chain of locals deeper than
/// this, more evaluation steps than this in one root, or a value heavier than this (string bytes
/// plus elements) anywhere in an evaluation is unknown instead. Real configurations stay far below.
const MAX_LOCAL_DEPTH: usize = 256;
pub const MAX_VALUE_WEIGHT: usize = 1_000_000;
const MAX_STEPS: u64 = 4_000_000;
/// Expression evaluations nested inside each other, across references.
const MAX_EVAL_DEPTH: usize = 1_000;

/// The evaluation budget of one root, shared by its module instances.
#[derive(Default)]
pub struct Budget {
    steps: Cell<u64>,
    exhausted: Cell<bool>,
    /// How deeply expression evaluations nest right now.
    depth: Cell<usize>,
}

impl Budget {
    fn spend(&self, steps: u64) -> bool {
        let total = self.steps.get().saturating_add(steps);
        self.steps.set(total);
        if total > MAX_STEPS {
            self.exhausted.set(true);
        }
        !self.exhausted.get()
    }
}

fn over_steps() -> Value {
    Value::Unknown(format!(
        "evaluating it takes more than {MAX_STEPS} steps, more than yunlint spends on one root"
    ))
}

pub fn too_large() -> Value {
    Value::Unknown(format!(
        "a value computed on the way is too large to evaluate statically (more than {MAX_VALUE_WEIGHT} bytes or elements)"
    ))
}

/// The names an expression can refer to in one module instance.
pub struct Scope<'a> {
    pub vars: BTreeMap<String, Result<Val, Reason>>,
    pub locals: BTreeMap<String, LocalDef<'a>>,
    pub path_module: String,
    /// The address prefix of the module instance (`module.app["a"].`).
    pub prefix: String,
    /// How deeply the module instance nests.
    pub depth: usize,
    /// The module's declarations, for references to resources, data sources and module calls.
    module: Option<&'a ModuleDef<'a>>,
    children: Option<&'a dyn Children<'a>>,
    /// Each provider configuration the instance sees, by key (`alicloud.dr`).
    pub providers: RefCell<BTreeMap<String, ProviderSlot>>,
    budget: Rc<Budget>,
    /// The pass's syntax trees, when the scope is part of one.
    trees: Option<&'a SyntaxTrees>,
    cache: RefCell<BTreeMap<String, Result<Val, Reason>>>,
    /// `(local, member)` → the member's chain, computed once.
    member_chains: RefCell<BTreeMap<(String, String), MemberChain>>,
    evaluating: RefCell<BTreeSet<String>>,
    instances: RefCell<BTreeMap<String, Instances>>,
    child_scopes: RefCell<BTreeMap<String, Result<Rc<Scope<'a>>, Reason>>>,
}

/// A provider configuration as a module instance sees it: its region and its identity.
#[derive(Clone)]
pub struct ProviderSlot {
    pub region: Result<Val, Reason>,
    pub config: ProviderConfigs,
}

/// A configuration's identity as resources with a region of their own see it, and as the others
/// do (whose unresolved region is then the configuration's problem).
#[derive(Clone)]
pub struct ProviderConfigs {
    own_region: Arc<ProviderConfig>,
    inherited_region: Arc<ProviderConfig>,
}

impl ProviderConfigs {
    pub fn new(address: String, span: Span, declared: bool) -> Self {
        let own = ProviderConfig {
            address,
            span,
            declared,
            region_inherited: false,
        };
        let inherited = ProviderConfig {
            region_inherited: true,
            ..own.clone()
        };
        ProviderConfigs {
            own_region: Arc::new(own),
            inherited_region: Arc::new(inherited),
        }
    }

    pub fn get(&self, region_inherited: bool) -> Arc<ProviderConfig> {
        if region_inherited {
            self.inherited_region.clone()
        } else {
            self.own_region.clone()
        }
    }
}

/// A Terraform error: what `try` and `can` catch.
type Error = String;
type Out = Result<Value, Error>;

impl<'a> Scope<'a> {
    pub fn new(
        vars: BTreeMap<String, Result<Val, Reason>>,
        locals: BTreeMap<String, LocalDef<'a>>,
        path_module: String,
    ) -> Self {
        Scope {
            vars,
            locals,
            path_module,
            prefix: String::new(),
            depth: 0,
            module: None,
            children: None,
            providers: RefCell::new(BTreeMap::new()),
            budget: Rc::new(Budget::default()),
            trees: None,
            cache: RefCell::new(BTreeMap::new()),
            member_chains: RefCell::new(BTreeMap::new()),
            evaluating: RefCell::new(BTreeSet::new()),
            instances: RefCell::new(BTreeMap::new()),
            child_scopes: RefCell::new(BTreeMap::new()),
        }
    }

    /// The scope of a module instance, which can resolve references to the module's resources,
    /// data sources and calls; `budget` is the root's.
    pub fn with_module(
        mut self,
        module: &'a ModuleDef<'a>,
        children: &'a dyn Children<'a>,
        budget: Rc<Budget>,
    ) -> Self {
        self.module = Some(module);
        self.children = Some(children);
        self.budget = budget;
        self
    }

    /// The scope, parsing expressions through the pass's `trees`.
    pub fn with_trees(mut self, trees: &'a SyntaxTrees) -> Self {
        self.trees = Some(trees);
        self
    }

    /// The syntax tree of `expr`.
    pub fn parse(&self, expr: &Expr) -> Result<Arc<EditExpr>, String> {
        expr.parse_shared(self.trees)
    }

    pub fn module(&self) -> Option<&'a ModuleDef<'a>> {
        self.module
    }

    pub fn budget(&self) -> Rc<Budget> {
        Rc::clone(&self.budget)
    }

    fn local(&self, name: &str) -> Result<Val, Reason> {
        if let Some(done) = self.cache.borrow().get(name) {
            return done.clone();
        }
        let Some(def) = self.locals.get(name) else {
            return Err(format!(
                "`local.{name}` is not declared, so Terraform stops with an error"
            ));
        };
        if self.evaluating.borrow().len() >= MAX_LOCAL_DEPTH {
            return Err(format!(
                "`local.{name}` is reached through more than {MAX_LOCAL_DEPTH} other locals"
            ));
        }
        let key = format!("local.{name}");
        if !self.evaluating.borrow_mut().insert(key.clone()) {
            return Err(format!("`local.{name}` refers to itself"));
        }
        let result = self.eval_expr(def.expr, format!("`local.{name}` is defined here"));
        self.evaluating.borrow_mut().remove(&key);
        self.cache
            .borrow_mut()
            .insert(name.to_owned(), result.clone());
        result
    }

    /// The chain of one member of a `locals` object (`local.regions.primary`), which is narrower
    /// than the chain of the whole object.
    fn local_member_chain(&self, name: &str, member: &str) -> Option<Vec<Via>> {
        let key = (name.to_owned(), member.to_owned());
        if let Some(done) = self.member_chains.borrow().get(&key) {
            return done.clone();
        }
        let chain = self.member_chain_uncached(name, member);
        self.member_chains.borrow_mut().insert(key, chain.clone());
        chain
    }

    fn member_chain_uncached(&self, name: &str, member: &str) -> Option<Vec<Via>> {
        let def = self.locals.get(name)?;
        let parsed = self.parse(def.expr).ok()?;
        let EditExpr::Object(object) = &*parsed else {
            return None;
        };
        let (_, value) = object.iter().find(|(key, _)| match key {
            ObjectKey::Ident(i) => i.as_str() == member,
            ObjectKey::Expression(EditExpr::String(s)) => s.as_str() == member,
            _ => false,
        })?;
        let span = def.expr.inner_span(value.expr().span());
        self.eval(
            value.expr(),
            span,
            format!("`local.{name}.{member}` is defined here"),
        )
        .ok()
        .map(|v| v.chain)
    }

    /// Evaluates an expression of a file; `note` describes its place in the chain.
    ///
    /// The commonest expressions, a plain string, a whole number or a bare `var.x` / `local.x`,
    /// are evaluated from their text: parsing them again was the largest part of the Terraform
    /// pass.
    pub fn eval_expr(&self, expr: &Expr, note: impl Into<Arc<str>>) -> Result<Val, Reason> {
        self.eval_expr_in(expr, note, &Repetition::Single)
    }

    /// Like [`Scope::eval_expr`], for one instance of a repeated block.
    pub fn eval_expr_in(
        &self,
        expr: &Expr,
        note: impl Into<Arc<str>>,
        rep: &Repetition,
    ) -> Result<Val, Reason> {
        let via = |note: Arc<str>| Via {
            span: expr.span,
            note,
        };
        match expr.simple() {
            Some(Simple::String(text)) => Ok(Val {
                value: Value::String(text.to_owned()),
                chain: vec![via(note.into())],
            }),
            Some(Simple::Number(n)) => Ok(Val {
                value: Value::Number(n as f64),
                chain: vec![via(note.into())],
            }),
            Some(Simple::Reference(root, name)) => {
                let value = self.reference(root, name)?;
                let mut chain = vec![via(note.into())];
                extend_chain(&mut chain, &value.chain);
                Ok(Val {
                    value: value.value,
                    chain,
                })
            }
            None => self.eval_in(&*self.parse(expr)?, expr.span, note, rep),
        }
    }

    /// The value of `var.name` or `local.name`.
    fn reference(&self, root: &str, name: &str) -> Result<Val, Reason> {
        if root == "var" {
            return self
                .vars
                .get(name)
                .ok_or_else(|| {
                    format!("variable `{name}` is not declared, so Terraform stops with an error")
                })?
                .clone();
        }
        self.local(name)
    }

    /// Evaluates `expr` (written at `span`); `note` describes that place in the chain.
    pub fn eval(
        &self,
        expr: &EditExpr,
        span: Span,
        note: impl Into<Arc<str>>,
    ) -> Result<Val, Reason> {
        self.eval_in(expr, span, note, &Repetition::Single)
    }

    /// Like [`Scope::eval`], for one instance of a repeated block.
    pub fn eval_in(
        &self,
        expr: &EditExpr,
        span: Span,
        note: impl Into<Arc<str>>,
        rep: &Repetition,
    ) -> Result<Val, Reason> {
        let mut ev = Ev {
            scope: self,
            rep,
            chain: vec![Via {
                span,
                note: note.into(),
            }],
            bound: Vec::new(),
            depends_on_unknown: None,
        };
        let value = ev.expr(expr);
        let chain = ev.chain;
        match value {
            Ok(Value::Unknown(reason)) => Err(reason),
            Ok(value) => Ok(Val { value, chain }),
            Err(e) => Err(format!("the expression cannot be evaluated ({e})")),
        }
    }

    /// The instances of a resource, data source or module call of this module.
    pub fn instances(&self, address: &str, attrs: &super::decl::Attrs) -> Instances {
        if !attrs.has("count") && !attrs.has("for_each") {
            return Instances::Single;
        }
        if let Some(done) = self.instances.borrow().get(address) {
            return done.clone();
        }
        let found = self.instances_uncached(address, attrs);
        self.instances
            .borrow_mut()
            .insert(address.to_owned(), found.clone());
        found
    }

    fn instances_uncached(&self, address: &str, attrs: &super::decl::Attrs) -> Instances {
        if let Some(expr) = attrs.get("count") {
            return match self.eval_expr(expr, "count") {
                Err(reason) => {
                    Instances::Unknown(format!("the `count` of `{address}` is unknown: {reason}"))
                }
                // A string holding a number converts, as Terraform converts it.
                Ok(v) => match to_number(&v.value)
                    .ok()
                    .and_then(|n| Value::Number(n).as_u64())
                {
                    Some(n) if n as usize > MAX_INSTANCES => Instances::Unknown(format!(
                        "`{address}` has more than {MAX_INSTANCES} instances, more than yunlint evaluates one by one"
                    )),
                    Some(n) => Instances::Known((0..n).map(Repetition::Count).collect()),
                    None => Instances::Unknown(format!(
                        "the `count` of `{address}` is not a whole number, so Terraform stops with an error"
                    )),
                },
            };
        }
        if let Some(expr) = attrs.get("for_each") {
            let value = match self.eval_expr(expr, "for_each") {
                Err(reason) => {
                    return Instances::Unknown(format!(
                        "the `for_each` of `{address}` is unknown: {reason}"
                    ));
                }
                Ok(v) => v.value,
            };
            let reps: Option<Vec<Repetition>> = match value {
                Value::Object(map) => Some(
                    map.into_iter()
                        .map(|(key, value)| Repetition::Each { key, value })
                        .collect(),
                ),
                Value::Array(items) => {
                    let keys: Option<BTreeSet<String>> = items
                        .iter()
                        .map(|v| match v {
                            Value::String(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    keys.map(|keys| {
                        keys.into_iter()
                            .map(|k| Repetition::Each {
                                value: Value::String(k.clone()),
                                key: k,
                            })
                            .collect()
                    })
                }
                _ => None,
            };
            return match reps {
                Some(reps) if reps.len() > MAX_INSTANCES => Instances::Unknown(format!(
                    "`{address}` has more than {MAX_INSTANCES} instances, more than yunlint evaluates one by one"
                )),
                Some(reps) => Instances::Known(reps),
                None => Instances::Unknown(format!(
                    "the `for_each` of `{address}` is unknown or is not a map or a set of strings"
                )),
            };
        }
        Instances::Single
    }

    /// The scope of one instance of a module call of this module.
    fn child_scope(&self, call: &'a CallDecl, rep: &Repetition) -> Result<Rc<Scope<'a>>, Reason> {
        let key = format!("{}{}", call.name, rep.address_suffix());
        if let Some(done) = self.child_scopes.borrow().get(&key) {
            return done.clone();
        }
        let made = match self.children {
            Some(children) => children.child(self, call, rep),
            None => Err(format!(
                "the outputs of `module.{}` are not evaluated here",
                call.name
            )),
        };
        self.child_scopes.borrow_mut().insert(key, made.clone());
        made
    }

    /// Evaluates `f` unless `key` is already being evaluated (a cycle).
    fn guarded(&self, key: &str, f: impl FnOnce() -> Out) -> Out {
        if self.evaluating.borrow().len() >= MAX_LOCAL_DEPTH {
            return Ok(Value::Unknown(format!(
                "`{key}` is reached through more than {MAX_LOCAL_DEPTH} other references"
            )));
        }
        if !self.evaluating.borrow_mut().insert(key.to_owned()) {
            return Ok(Value::Unknown(format!("`{key}` refers to itself")));
        }
        let out = f();
        self.evaluating.borrow_mut().remove(key);
        out
    }
}

/// One evaluation: the scope, the instance, the chain so far and the names bound by `for`.
struct Ev<'e, 'a> {
    scope: &'e Scope<'a>,
    rep: &'e Repetition,
    chain: Vec<Via>,
    bound: Vec<(String, Value)>,
    /// The first unknown value a reference gave since it was last cleared: `try` and `can`
    /// cannot decide on an expression that depends on one, whether or not it fails.
    depends_on_unknown: Option<Reason>,
}

fn literal_key(op: &TraversalOperator) -> Option<&str> {
    match op {
        TraversalOperator::GetAttr(ident) => Some(ident.as_str()),
        TraversalOperator::Index(EditExpr::String(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// The first unknown among values, as the result of an operation on them.
fn first_unknown<'v>(values: impl IntoIterator<Item = &'v Value>) -> Option<Value> {
    values.into_iter().find(|v| v.is_unknown()).cloned()
}

/// A value past the size budget becomes unknown.
fn bounded(value: Value) -> Value {
    if weight(&value, MAX_VALUE_WEIGHT) > MAX_VALUE_WEIGHT {
        too_large()
    } else {
        value
    }
}

pub fn to_bool(v: &Value) -> Result<bool, Error> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        other => Err(format!("a bool is required, not a {}", other.type_name())),
    }
}

pub fn to_number(v: &Value) -> Result<f64, Error> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("`{s}` is not a number")),
        other => Err(format!("a number is required, not a {}", other.type_name())),
    }
}

impl<'e, 'a> Ev<'e, 'a> {
    fn step(&self) -> bool {
        self.scope.budget.spend(1)
    }

    /// Evaluates one expression, as deep as the stack allows: expressions nest at most 64 levels
    /// (the parser's bound), but references nest them again (a local in a local in a resource's
    /// argument), so the depth of the whole evaluation is bounded too.
    fn expr(&mut self, expr: &EditExpr) -> Out {
        let budget = &self.scope.budget;
        if budget.depth.get() >= MAX_EVAL_DEPTH {
            return Ok(Value::Unknown(format!(
                "expressions and the references between them nest deeper than {MAX_EVAL_DEPTH} levels"
            )));
        }
        budget.depth.set(budget.depth.get() + 1);
        let out = self.expr_at_depth(expr);
        let budget = &self.scope.budget;
        budget.depth.set(budget.depth.get() - 1);
        out
    }

    fn expr_at_depth(&mut self, expr: &EditExpr) -> Out {
        if !self.step() {
            return Ok(over_steps());
        }
        match expr {
            EditExpr::Null(_) => Ok(Value::Null),
            EditExpr::Bool(b) => Ok(Value::Bool(*b.value())),
            EditExpr::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(f64::NAN))),
            EditExpr::String(s) => Ok(Value::String(s.as_str().to_owned())),
            EditExpr::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut size = 0;
                for item in items.iter() {
                    let v = self.expr(item)?;
                    size += weight(&v, MAX_VALUE_WEIGHT) + 1;
                    if size > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                    out.push(v);
                }
                Ok(Value::Array(out))
            }
            EditExpr::Object(object) => {
                let mut out = BTreeMap::new();
                let mut size = 0;
                for (key, value) in object.iter() {
                    let key = match key {
                        ObjectKey::Ident(i) => i.as_str().to_owned(),
                        ObjectKey::Expression(e) => {
                            // A bare name as a key is the name, as in Terraform.
                            let k = match e {
                                EditExpr::Variable(v) => Value::String(v.as_str().to_owned()),
                                EditExpr::Parenthesis(p) => self.expr(p.inner())?,
                                other => self.expr(other)?,
                            };
                            match k {
                                Value::Unknown(r) => return Ok(Value::Unknown(r)),
                                other => other.to_text().ok_or_else(|| {
                                    format!(
                                        "an object key must be a string, not a {}",
                                        other.type_name()
                                    )
                                })?,
                            }
                        }
                    };
                    let v = self.expr(value.expr())?;
                    size += weight(&v, MAX_VALUE_WEIGHT) + key.len() + 1;
                    if size > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                    out.insert(key, v);
                }
                Ok(Value::Object(out))
            }
            EditExpr::StringTemplate(t) => self.template(t),
            EditExpr::HeredocTemplate(h) => self.template(&h.template),
            EditExpr::Parenthesis(p) => self.expr(p.inner()),
            EditExpr::Variable(v) => {
                let (value, _) = self.variable(v.as_str(), &[])?;
                self.note_unknown(&value);
                Ok(value)
            }
            EditExpr::Traversal(t) => self.traversal(&t.expr, &t.operators),
            EditExpr::Conditional(c) => {
                let cond = self.expr(&c.cond_expr)?;
                match cond {
                    Value::Unknown(r) => {
                        // Unknown unless both branches are the same known value.
                        let t = self.expr(&c.true_expr)?;
                        let f = self.expr(&c.false_expr)?;
                        Ok(if equal(&t, &f) == Some(true) {
                            t
                        } else {
                            Value::Unknown(r)
                        })
                    }
                    other => {
                        if to_bool(&other)? {
                            self.expr(&c.true_expr)
                        } else {
                            self.expr(&c.false_expr)
                        }
                    }
                }
            }
            EditExpr::FuncCall(call) => self.call(call),
            EditExpr::UnaryOp(op) => {
                let v = self.expr(&op.expr)?;
                if v.is_unknown() {
                    return Ok(v);
                }
                match op.operator.value() {
                    UnaryOperator::Neg => Ok(Value::Number(-to_number(&v)?)),
                    UnaryOperator::Not => Ok(Value::Bool(!to_bool(&v)?)),
                }
            }
            EditExpr::BinaryOp(op) => self.binary(&op.lhs_expr, *op.operator.value(), &op.rhs_expr),
            EditExpr::ForExpr(f) => self.for_expr(f),
        }
    }

    fn note_unknown(&mut self, value: &Value) {
        if self.depends_on_unknown.is_none()
            && let Some(reason) = value.unknown_inside()
        {
            self.depends_on_unknown = Some(reason.clone());
        }
    }

    /// Evaluates an argument of `try` or `can`: unknown when it depends on an unknown value
    /// (as Terraform decides before evaluating it), else its value or its error.
    fn guarded_arg(&mut self, arg: &EditExpr) -> Out {
        let outer = self.depends_on_unknown.take();
        let result = self.expr(arg);
        let inner = self.depends_on_unknown.take();
        self.depends_on_unknown = outer.or(inner.clone());
        match inner {
            Some(reason) => Ok(Value::Unknown(reason)),
            None => result,
        }
    }

    fn binary(&mut self, lhs: &EditExpr, op: BinaryOperator, rhs: &EditExpr) -> Out {
        use BinaryOperator as B;
        let l = self.expr(lhs)?;
        // `&&` and `||` decide on a known side alone.
        if matches!(op, B::And | B::Or) {
            let r = self.expr(rhs)?;
            let (lb, rb) = (
                if l.is_unknown() {
                    None
                } else {
                    Some(to_bool(&l)?)
                },
                if r.is_unknown() {
                    None
                } else {
                    Some(to_bool(&r)?)
                },
            );
            return Ok(match (op, lb, rb) {
                (B::And, Some(false), _) | (B::And, _, Some(false)) => Value::Bool(false),
                (B::Or, Some(true), _) | (B::Or, _, Some(true)) => Value::Bool(true),
                (_, Some(a), Some(b)) => Value::Bool(if op == B::And { a && b } else { a || b }),
                _ => first_unknown([&l, &r]).unwrap_or(Value::Null),
            });
        }
        let r = self.expr(rhs)?;
        if matches!(op, B::Eq | B::NotEq) {
            return Ok(match equal(&l, &r) {
                Some(eq) => Value::Bool(eq == (op == B::Eq)),
                None => first_unknown([&l, &r])
                    .or_else(|| {
                        l.unknown_inside()
                            .or(r.unknown_inside())
                            .cloned()
                            .map(Value::Unknown)
                    })
                    .unwrap_or(Value::Null),
            });
        }
        if let Some(u) = first_unknown([&l, &r]) {
            return Ok(u);
        }
        let (a, b) = (to_number(&l)?, to_number(&r)?);
        Ok(match op {
            B::Less => Value::Bool(a < b),
            B::LessEq => Value::Bool(a <= b),
            B::Greater => Value::Bool(a > b),
            B::GreaterEq => Value::Bool(a >= b),
            B::Plus => Value::Number(a + b),
            B::Minus => Value::Number(a - b),
            B::Mul => Value::Number(a * b),
            B::Div if b == 0.0 => return Err("division by zero".into()),
            B::Div => Value::Number(a / b),
            B::Mod if b == 0.0 => return Err("modulo by zero".into()),
            B::Mod => Value::Number(a % b),
            B::Eq | B::NotEq | B::And | B::Or => Value::Null,
        })
    }

    fn template(&mut self, template: &Template) -> Out {
        // A template that is one interpolation is its value, not the value's text.
        if let Some(Element::Interpolation(i)) = template.as_single_element() {
            return self.expr(&i.expr);
        }
        let mut out = String::new();
        let mut strip_next = false;
        let mut unknown: Option<Value> = None;
        self.render(template, &mut out, &mut strip_next, &mut unknown)?;
        Ok(unknown.unwrap_or(Value::String(out)))
    }

    /// Renders template elements into `out`; an unknown part makes the whole unknown, but the
    /// rest is still evaluated, so that an error anywhere is still an error.
    fn render(
        &mut self,
        template: &Template,
        out: &mut String,
        strip_next: &mut bool,
        unknown: &mut Option<Value>,
    ) -> Result<(), Error> {
        for element in template.iter() {
            if !self.step() {
                unknown.get_or_insert_with(over_steps);
                return Ok(());
            }
            match element {
                Element::Literal(text) => {
                    let text: &str = text.value();
                    out.push_str(if *strip_next { text.trim_start() } else { text });
                    *strip_next = false;
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        out.truncate(out.trim_end().len());
                    }
                    match self.expr(&i.expr)? {
                        Value::Unknown(r) => {
                            unknown.get_or_insert(Value::Unknown(r));
                        }
                        v => out.push_str(&v.to_text().ok_or_else(|| {
                            format!("a {} cannot be interpolated into a string", v.type_name())
                        })?),
                    }
                    *strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        if d.if_expr.strip.strip_start() {
                            out.truncate(out.trim_end().len());
                        }
                        *strip_next = d.if_expr.strip.strip_end();
                        match self.expr(&d.if_expr.cond_expr)? {
                            Value::Unknown(r) => {
                                unknown.get_or_insert(Value::Unknown(r));
                            }
                            cond => {
                                if to_bool(&cond)? {
                                    self.render(&d.if_expr.template, out, strip_next, unknown)?;
                                } else if let Some(e) = &d.else_expr {
                                    *strip_next = e.strip.strip_end();
                                    self.render(&e.template, out, strip_next, unknown)?;
                                }
                            }
                        }
                        *strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        if d.for_expr.strip.strip_start() {
                            out.truncate(out.trim_end().len());
                        }
                        let collection = self.expr(&d.for_expr.collection_expr)?;
                        let items = match iterate(collection)? {
                            Ok(items) => items,
                            Err(u) => {
                                unknown.get_or_insert(u);
                                continue;
                            }
                        };
                        for (k, v) in items {
                            if !self.step() {
                                unknown.get_or_insert_with(over_steps);
                                return Ok(());
                            }
                            let before = self.bound.len();
                            if let Some(kv) = &d.for_expr.key_var {
                                self.bound.push((kv.as_str().to_owned(), k));
                            }
                            self.bound
                                .push((d.for_expr.value_var.as_str().to_owned(), v));
                            *strip_next = d.for_expr.strip.strip_end();
                            let r = self.render(&d.for_expr.template, out, strip_next, unknown);
                            self.bound.truncate(before);
                            r?;
                            if unknown.is_some() {
                                break;
                            }
                        }
                        *strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
            if out.len() > MAX_VALUE_WEIGHT {
                unknown.get_or_insert_with(too_large);
                return Ok(());
            }
            if unknown.is_some() && !self.step() {
                return Ok(());
            }
        }
        Ok(())
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr) -> Out {
        let collection = self.expr(&f.intro.collection_expr)?;
        let items = match iterate(collection)? {
            Ok(items) => items,
            Err(u) => return Ok(u),
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut size = 0usize;
        for (k, v) in items {
            if !self.step() {
                return Ok(over_steps());
            }
            let before = self.bound.len();
            if let Some(kv) = &f.intro.key_var {
                self.bound.push((kv.as_str().to_owned(), k));
            }
            self.bound.push((f.intro.value_var.as_str().to_owned(), v));
            let result = self.for_item(f);
            self.bound.truncate(before);
            let Some((key, value)) = result? else {
                continue;
            };
            if let Value::Unknown(r) = &value
                && f.key_expr.is_none()
                && key.is_none()
            {
                // An unknown element of a list is just an element.
                list.push(Value::Unknown(r.clone()));
                continue;
            }
            size += weight(&value, MAX_VALUE_WEIGHT) + 1;
            if size > MAX_VALUE_WEIGHT {
                return Ok(too_large());
            }
            match key {
                Some(Value::Unknown(r)) => return Ok(Value::Unknown(r)),
                Some(key) => {
                    let key = key.to_text().ok_or("an object key must be a string")?;
                    if f.grouping {
                        if let Value::Array(items) =
                            map.entry(key).or_insert_with(|| Value::Array(Vec::new()))
                        {
                            items.push(value);
                        }
                    } else if map.insert(key.clone(), value).is_some() {
                        return Err(format!(
                            "duplicate object key `{key}` in a `for` expression"
                        ));
                    }
                }
                None => list.push(value),
            }
        }
        Ok(if f.key_expr.is_some() {
            Value::Object(map)
        } else {
            Value::Array(list)
        })
    }

    /// One element of a `for` expression: `None` when its condition is false.
    #[allow(clippy::type_complexity)]
    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
    ) -> Result<Option<(Option<Value>, Value)>, Error> {
        if let Some(cond) = &f.cond {
            match self.expr(&cond.expr)? {
                // Whether the element exists is unknown, so the whole result is: an unknown key
                // says so below.
                Value::Unknown(r) => return Ok(Some((Some(Value::Unknown(r)), Value::Null))),
                v if !to_bool(&v)? => return Ok(None),
                _ => {}
            }
        }
        let key = match &f.key_expr {
            Some(k) => Some(self.expr(k)?),
            None => None,
        };
        let value = self.expr(&f.value_expr)?;
        Ok(Some((key, value)))
    }

    /// A traversal: its root, then each operator.
    fn traversal(
        &mut self,
        root: &EditExpr,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
    ) -> Out {
        let ops: Vec<&TraversalOperator> = ops.iter().map(|o| o.value()).collect();
        match root {
            EditExpr::Variable(v) => {
                let (value, used) = self.variable(v.as_str(), &ops)?;
                // What the whole traversal reaches, as Terraform checks before `try`: a
                // traversal that fails does not depend on an unknown.
                let reached = self.apply(value, &ops[used..]);
                if let Ok(value) = &reached {
                    self.note_unknown(value);
                }
                reached
            }
            other => {
                let value = self.expr(other)?;
                self.apply(value, &ops)
            }
        }
    }

    /// Applies traversal operators to a value.
    fn apply(&mut self, mut value: Value, ops: &[&TraversalOperator]) -> Out {
        let mut i = 0;
        while i < ops.len() {
            if value.is_unknown() {
                return Ok(value);
            }
            match ops[i] {
                TraversalOperator::GetAttr(name) => {
                    value = get_attr(value, name.as_str())?;
                }
                TraversalOperator::Index(e) => {
                    let index = self.expr(e)?;
                    value = index_value(value, &index)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = index_value(value, &Value::Number(*n.value() as f64))?;
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    let rest_len = if full {
                        ops.len() - i - 1
                    } else {
                        ops[i + 1..]
                            .iter()
                            .take_while(|o| matches!(o, TraversalOperator::GetAttr(_)))
                            .count()
                    };
                    let rest = &ops[i + 1..i + 1 + rest_len];
                    let items = match value {
                        Value::Null => Vec::new(),
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply(item, rest)?);
                    }
                    value = Value::Array(out);
                    i += rest_len;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    /// The value a name refers to, and how many of the operators after it were used.
    fn variable(
        &mut self,
        root: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), Error> {
        if let Some((_, v)) = self.bound.iter().rev().find(|(n, _)| n == root) {
            return Ok((v.clone(), 0));
        }
        let first = ops.first().and_then(|op| match op {
            TraversalOperator::GetAttr(i) => Some(i.as_str()),
            _ => None,
        });
        match (root, first) {
            ("var" | "local", Some(name)) => {
                let member = ops.get(1).and_then(|op| literal_key(op));
                let value = match self.scope.reference(root, name) {
                    Ok(v) => v,
                    Err(reason) => return Ok((Value::Unknown(reason), 1)),
                };
                // A reference copies the value: a large one costs steps by its size.
                let size = weight(&value.value, MAX_VALUE_WEIGHT) as u64;
                if size > 64 && !self.scope.budget.spend(size / 64) {
                    return Ok((over_steps(), 1));
                }
                let narrower = match (root, member) {
                    ("local", Some(m)) => self.scope.local_member_chain(name, m),
                    _ => None,
                };
                extend_chain(&mut self.chain, narrower.as_deref().unwrap_or(&value.chain));
                Ok((value.value, 1))
            }
            ("path", Some("module" | "root" | "cwd")) => {
                Ok((Value::String(self.scope.path_module.clone()), 1))
            }
            ("count", Some("index")) => Ok((
                match self.rep {
                    Repetition::Count(i) => Value::Number(*i as f64),
                    Repetition::Unknown(r) => Value::Unknown(r.clone()),
                    _ => Value::Unknown(
                        "`count.index` is used in a block without `count`, so Terraform stops with an error".into(),
                    ),
                },
                1,
            )),
            ("each", Some(attr @ ("key" | "value"))) => Ok((
                match self.rep {
                    Repetition::Each { key, value } => {
                        if attr == "key" {
                            Value::String(key.clone())
                        } else {
                            value.clone()
                        }
                    }
                    Repetition::Unknown(r) => Value::Unknown(r.clone()),
                    _ => Value::Unknown(format!(
                        "`each.{attr}` is used in a block without `for_each`, so Terraform stops with an error"
                    )),
                },
                1,
            )),
            ("terraform", Some(a)) => Ok((
                Value::Unknown(format!("`terraform.{a}` depends on the workspace")),
                1,
            )),
            ("data", Some(dtype)) => self.data_source(dtype, &ops[1..]).map(|(v, n)| (v, n + 1)),
            ("module", Some(name)) => self.module_output(name, &ops[1..]).map(|(v, n)| (v, n + 1)),
            (rtype, Some(name)) if rtype.contains('_') || self.resource(rtype, name).is_some() => {
                self.resource_ref(rtype, name, &ops[1..]).map(|(v, n)| (v, n + 1))
            }
            (root, _) => Ok((
                Value::Unknown(format!("`{root}` is not a name yunlint can evaluate")),
                ops.len(),
            )),
        }
    }

    fn resource(&self, rtype: &str, name: &str) -> Option<&'a ResourceDecl> {
        self.scope
            .module?
            .resources
            .iter()
            .find(|r| r.rtype == rtype && r.name == name)
            .copied()
    }

    /// `<type>.<name>[key].<argument>…`: the argument as configured in that resource instance,
    /// unknown when the provider computes it.
    fn resource_ref(
        &mut self,
        rtype: &str,
        name: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), Error> {
        let address = format!("{rtype}.{name}");
        let Some(decl) = self.resource(rtype, name) else {
            return Ok((
                Value::Unknown(if self.scope.module.is_some() {
                    format!(
                        "`{address}` is not declared in the module, so Terraform stops with an error"
                    )
                } else {
                    format!("`{address}` is known only after apply")
                }),
                ops.len(),
            ));
        };
        self.instance_ref(&address, decl, ops, &|ev, rep, ops| {
            let Some(TraversalOperator::GetAttr(attr)) = ops.first() else {
                return Ok((
                    Value::Unknown(format!(
                        "`{address}{}` as a whole is known only after apply",
                        rep.address_suffix()
                    )),
                    ops.len(),
                ));
            };
            let attr = attr.as_str();
            let full = format!("{address}{}.{attr}", rep.address_suffix());
            let value = match decl.attrs.get(attr) {
                Some(expr) if !matches!(attr, "count" | "for_each" | "provider" | "depends_on") => {
                    let scope = ev.scope;
                    let note = format!("`{attr}` of `{address}`");
                    let mut chain_out = None;
                    let v = scope.guarded(&full, || {
                        Ok(match scope.eval_expr_in(expr, note, rep) {
                            Ok(val) => {
                                chain_out = Some(val.chain);
                                val.value
                            }
                            Err(reason) => Value::Unknown(reason),
                        })
                    })?;
                    if let Some(chain) = chain_out {
                        extend_chain(&mut ev.chain, &chain);
                    }
                    v
                }
                _ => Value::Unknown(format!("`{full}` is known only after apply")),
            };
            Ok((value, 1))
        })
    }

    /// Selects the instance (or, with a splat, every instance) of a repeated block that the
    /// operators name, then hands the rest to `attr`.
    #[allow(clippy::type_complexity)]
    fn instance_ref(
        &mut self,
        address: &str,
        decl_attrs_owner: &'a ResourceDecl,
        ops: &[&TraversalOperator],
        attr: &dyn Fn(
            &mut Self,
            &Repetition,
            &[&TraversalOperator],
        ) -> Result<(Value, usize), Error>,
    ) -> Result<(Value, usize), Error> {
        let instances = self.scope.instances(address, &decl_attrs_owner.attrs);
        self.select(address, instances, ops, attr)
    }

    #[allow(clippy::type_complexity)]
    fn select(
        &mut self,
        address: &str,
        instances: Instances,
        ops: &[&TraversalOperator],
        attr: &dyn Fn(
            &mut Self,
            &Repetition,
            &[&TraversalOperator],
        ) -> Result<(Value, usize), Error>,
    ) -> Result<(Value, usize), Error> {
        match instances {
            Instances::Single => attr(self, &Repetition::Single, ops),
            Instances::Unknown(reason) => Ok((Value::Unknown(reason), ops.len())),
            Instances::Known(reps) => match ops.first() {
                Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)) => {
                    let index = match ops[0] {
                        TraversalOperator::Index(e) => self.expr(e)?,
                        TraversalOperator::LegacyIndex(n) => Value::Number(*n.value() as f64),
                        _ => Value::Null,
                    };
                    if let Value::Unknown(r) = index {
                        return Ok((Value::Unknown(r), ops.len()));
                    }
                    let rep = reps
                        .iter()
                        .find(|rep| match (rep, &index) {
                            (Repetition::Count(i), Value::Number(n)) => *i as f64 == *n,
                            (Repetition::Count(i), Value::String(s)) => i.to_string() == *s,
                            (Repetition::Each { key, .. }, v) => {
                                v.to_text().as_deref() == Some(key.as_str())
                            }
                            _ => false,
                        })
                        .ok_or_else(|| format!("`{address}` has no instance {index}"))?
                        .clone();
                    let (v, n) = attr(self, &rep, &ops[1..])?;
                    Ok((v, n + 1))
                }
                Some(TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                    // Every instance; the operators after the splat apply to each.
                    let rest: Vec<&TraversalOperator> = ops[1..].to_vec();
                    let mut out = Vec::new();
                    for rep in &reps {
                        let (v, n) = attr(self, rep, &rest)?;
                        out.push(self.apply(v, &rest[n.min(rest.len())..])?);
                    }
                    Ok((Value::Array(out), ops.len()))
                }
                _ => {
                    let whole = |rep: &Repetition| {
                        Value::Unknown(format!(
                            "`{address}{}` as a whole is known only after apply",
                            rep.address_suffix()
                        ))
                    };
                    let value = if reps.iter().all(|r| matches!(r, Repetition::Count(_))) {
                        Value::Array(reps.iter().map(whole).collect())
                    } else {
                        Value::Object(
                            reps.iter()
                                .filter_map(|r| match r {
                                    Repetition::Each { key, .. } => Some((key.clone(), whole(r))),
                                    _ => None,
                                })
                                .collect(),
                        )
                    };
                    Ok((value, 0))
                }
            },
        }
    }

    /// `data.<type>.<name>…`: unknown until apply, except the region a data source reports as
    /// its provider's own, which the configuration fixes.
    fn data_source(
        &mut self,
        dtype: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), Error> {
        let Some(TraversalOperator::GetAttr(name)) = ops.first() else {
            return Ok((
                Value::Unknown(format!("`data.{dtype}` is known only after apply")),
                ops.len(),
            ));
        };
        let name = name.as_str();
        let address = format!("data.{dtype}.{name}");
        let decl = self.scope.module.and_then(|m| {
            m.data
                .iter()
                .find(|d| d.rtype == dtype && d.name == name)
                .copied()
        });
        let Some(decl) = decl else {
            return Ok((
                Value::Unknown(format!("data source `{address}` is known only after apply")),
                ops.len(),
            ));
        };
        let rest = &ops[1..];
        let unknown = || {
            Value::Unknown(format!(
                "it depends on the data source `{address}`, known only after apply"
            ))
        };
        if decl.attrs.has("count") || decl.attrs.has("for_each") {
            return Ok((unknown(), ops.len()));
        }
        let path: Vec<Option<String>> = rest
            .iter()
            .map(|op| match op {
                TraversalOperator::GetAttr(i) => Some(i.as_str().to_owned()),
                TraversalOperator::Index(EditExpr::Number(n)) => {
                    n.value().as_u64().map(|n| n.to_string())
                }
                TraversalOperator::LegacyIndex(n) => Some(n.value().to_string()),
                _ => None,
            })
            .collect();
        let path: Vec<&str> = path.iter().map(|p| p.as_deref().unwrap_or("?")).collect();
        let current = decl
            .attrs
            .get("current")
            .map(|e| e.text().trim() == "true")
            .unwrap_or(false);
        let region_path = match (dtype, path.as_slice()) {
            ("alicloud_regions", ["regions", "0", "id" | "region_id"] | ["ids", "0"])
                if current =>
            {
                Some(3.min(rest.len()))
            }
            ("aws_region", ["name" | "id" | "region", ..]) => Some(1),
            (_, ["region", ..]) if regional_data_source(dtype) => Some(1),
            _ => None,
        };
        let Some(used) = region_path else {
            return Ok((unknown(), ops.len()));
        };
        // A region set on the data source itself, else its provider's.
        for own in ["region", "name"] {
            if let Some(expr) = decl.attrs.get(own)
                && (own == "region" || dtype == "aws_region")
            {
                let value = match self
                    .scope
                    .eval_expr(expr, format!("`{own}` of `{address}`"))
                {
                    Ok(v) => {
                        extend_chain(&mut self.chain, &v.chain);
                        v.value
                    }
                    Err(r) => Value::Unknown(r),
                };
                return Ok((value, used + 1));
            }
        }
        let ptype = dtype.split('_').next().unwrap_or(dtype);
        let key = decl
            .provider
            .as_ref()
            .map_or(ptype.to_owned(), |(k, _)| k.clone());
        let region = self
            .scope
            .providers
            .borrow()
            .get(&key)
            .map(|slot| slot.region.clone());
        let value = match region {
            Some(Ok(v)) => {
                self.chain.push(Via {
                    span: decl.span,
                    note: format!("`{address}` reports the region of provider `{key}`").into(),
                });
                extend_chain(&mut self.chain, &v.chain);
                v.value
            }
            Some(Err(reason)) => Value::Unknown(format!(
                "it depends on the data source `{address}`, which reports the region of provider `{key}`: {reason}"
            )),
            None => Value::Unknown(format!(
                "it depends on the data source `{address}`, which reports the region of provider `{key}`, not configured before it"
            )),
        };
        Ok((value, used + 1))
    }

    /// `module.<name>[key].<output>`: the output's expression in that child instance.
    fn module_output(
        &mut self,
        name: &str,
        ops: &[&TraversalOperator],
    ) -> Result<(Value, usize), Error> {
        let call = self
            .scope
            .module
            .and_then(|m| m.calls.iter().find(|c| c.name == name).copied());
        let Some(call) = call else {
            return Ok((
                Value::Unknown(format!("the outputs of `module.{name}` are not known here")),
                ops.len(),
            ));
        };
        let address = format!("module.{name}");
        let instances = self.scope.instances(&address, &call.attrs);
        let attr = |ev: &mut Self,
                    rep: &Repetition,
                    ops: &[&TraversalOperator]|
         -> Result<(Value, usize), Error> {
            let Some(TraversalOperator::GetAttr(output)) = ops.first() else {
                return Ok((
                    Value::Unknown(format!(
                        "`{address}{}` as a whole is not evaluated",
                        rep.address_suffix()
                    )),
                    ops.len(),
                ));
            };
            let output = output.as_str();
            let child = match ev.scope.child_scope(call, rep) {
                Ok(child) => child,
                Err(reason) => return Ok((Value::Unknown(reason), 1)),
            };
            let Some(expr) = child.module.and_then(|m| {
                m.outputs
                    .iter()
                    .find(|(n, _)| *n == output)
                    .map(|(_, e)| *e)
            }) else {
                return Err(format!("`{address}` has no output `{output}`"));
            };
            let full = format!("{address}{}.{output}", rep.address_suffix());
            let note = format!("output `{output}` of `{address}`");
            let mut chain_out = None;
            let value = ev.scope.guarded(&full, || {
                Ok(match child.eval_expr(expr, note) {
                    Ok(val) => {
                        chain_out = Some(val.chain);
                        val.value
                    }
                    Err(reason) => Value::Unknown(reason),
                })
            })?;
            if let Some(chain) = chain_out {
                extend_chain(&mut ev.chain, &chain);
            }
            Ok((value, 1))
        };
        self.select(&address, instances, ops, &attr)
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall) -> Out {
        let name = call.name.name.as_str();
        if !call.name.namespace.is_empty() {
            return Ok(Value::Unknown(format!(
                "provider-defined function `{name}` is not evaluated statically"
            )));
        }
        let args: Vec<&EditExpr> = call.args.iter().collect();
        match name {
            // Lazily, and only errors are caught: an unknown argument makes the result unknown.
            "try" => {
                let mut last = String::from("no argument of `try` evaluates");
                for arg in &args {
                    let kept = self.chain.len();
                    match self.guarded_arg(arg) {
                        Ok(v) => return Ok(v),
                        Err(e) => {
                            // A failed argument is not where the value came from.
                            self.chain.truncate(kept);
                            last = e;
                        }
                    }
                }
                return Err(last);
            }
            "can" => {
                let [arg] = args.as_slice() else {
                    return Err("`can` takes one argument".into());
                };
                return Ok(match self.guarded_arg(arg) {
                    Ok(v) if v.unknown_inside().is_some() => {
                        Value::Unknown(v.unknown_inside().cloned().unwrap_or_default())
                    }
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in &args {
            values.push(self.expr(arg)?);
        }
        if call.args.expand_final() {
            match values.pop() {
                Some(Value::Array(items)) => values.extend(items),
                Some(Value::Unknown(r)) => return Ok(Value::Unknown(r)),
                Some(other) => {
                    return Err(format!("`...` expands a list, not a {}", other.type_name()));
                }
                None => {}
            }
        }
        let result = functions::call(name, values)?;
        let cost = weight(&result, MAX_VALUE_WEIGHT + 1) as u64 / 64;
        if !self.scope.budget.spend(cost) {
            return Ok(over_steps());
        }
        Ok(bounded(result))
    }
}

/// Data sources whose `region` attribute is their provider's region unless set (Huawei Cloud's,
/// and AWS's since provider v6).
fn regional_data_source(dtype: &str) -> bool {
    dtype.starts_with("huaweicloud_") || dtype.starts_with("aws_")
}

/// The (key, value) pairs a `for` iterates over, or the unknown collection.
#[allow(clippy::type_complexity)]
fn iterate(collection: Value) -> Result<Result<Vec<(Value, Value)>, Value>, Error> {
    match collection {
        Value::Array(items) => Ok(Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::Number(i as f64), v))
            .collect())),
        Value::Object(map) => Ok(Ok(map
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect())),
        Value::Unknown(r) => Ok(Err(Value::Unknown(r))),
        other => Err(format!(
            "a `for` needs a collection, not a {}",
            other.type_name()
        )),
    }
}

fn get_attr(value: Value, name: &str) -> Out {
    match value {
        Value::Object(mut map) => map
            .remove(name)
            .ok_or_else(|| format!("the object has no attribute `{name}`")),
        Value::Unknown(r) => Ok(Value::Unknown(r)),
        Value::Null => Err(format!("attribute `{name}` of null")),
        other => Err(format!(
            "a {} has no attributes (`{name}`)",
            other.type_name()
        )),
    }
}

fn index_value(value: Value, index: &Value) -> Out {
    if let Value::Unknown(r) = index {
        return Ok(Value::Unknown(r.clone()));
    }
    match value {
        Value::Array(mut items) => {
            let n = to_number(index)?;
            if n < 0.0 || n.fract() != 0.0 || n as usize >= items.len() {
                return Err(format!(
                    "index {} is out of range for a list of {} elements",
                    number_string(n),
                    items.len()
                ));
            }
            Ok(items.swap_remove(n as usize))
        }
        Value::Object(mut map) => {
            let key = index
                .to_text()
                .ok_or_else(|| format!("a {} cannot index a map", index.type_name()))?;
            map.remove(&key)
                .ok_or_else(|| format!("the map has no key `{key}`"))
        }
        Value::Unknown(r) => Ok(Value::Unknown(r)),
        Value::Null => Err("cannot index null".into()),
        other => Err(format!("a {} cannot be indexed", other.type_name())),
    }
}

/// Converts a variable's value to its type constraint as Terraform does: primitive conversions
/// (`"2"` to a number), and in objects the attributes that `optional(type, default)` fills in
/// (null without a default). A value that does not convert is an error: Terraform stops.
pub fn convert(value: Value, ty: &EditExpr, defaults: &Scope<'_>) -> Result<Value, Reason> {
    if let Value::Unknown(_) = value {
        return Ok(value);
    }
    match ty {
        EditExpr::Parenthesis(p) => convert(value, p.inner(), defaults),
        EditExpr::Variable(name) => match (name.as_str(), value) {
            (_, Value::Null) => Ok(Value::Null),
            ("any", v) => Ok(v),
            ("string", v) => v
                .to_text()
                .map(Value::String)
                .ok_or_else(|| format!("a {} is not a string", v.type_name())),
            ("number", v) => to_number(&v).map(Value::Number),
            ("bool", v) => to_bool(&v).map(Value::Bool),
            (other, _) => Err(format!("unknown type `{other}`")),
        },
        EditExpr::FuncCall(call) if call.name.namespace.is_empty() => {
            let args: Vec<&EditExpr> = call.args.iter().collect();
            let inner = |i: usize| {
                args.get(i)
                    .copied()
                    .ok_or_else(|| format!("`{}` needs an argument", call.name.name.as_str()))
            };
            match (call.name.name.as_str(), value) {
                (_, Value::Null) => Ok(Value::Null),
                ("list" | "set", Value::Array(items)) => {
                    let element = inner(0)?;
                    items
                        .into_iter()
                        .map(|v| convert(v, element, defaults))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::Array)
                }
                ("map", Value::Object(map)) => {
                    let element = inner(0)?;
                    map.into_iter()
                        .map(|(k, v)| Ok((k, convert(v, element, defaults)?)))
                        .collect::<Result<BTreeMap<_, _>, Reason>>()
                        .map(Value::Object)
                }
                ("tuple", Value::Array(items)) => {
                    let EditExpr::Array(types) = inner(0)? else {
                        return Err("`tuple` needs a list of types".into());
                    };
                    if types.len() != items.len() {
                        return Err(format!(
                            "a tuple of {} elements is required, not {}",
                            types.len(),
                            items.len()
                        ));
                    }
                    items
                        .into_iter()
                        .zip(types.iter())
                        .map(|(v, t)| convert(v, t, defaults))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Value::Array)
                }
                ("object", Value::Object(mut map)) => {
                    let EditExpr::Object(attrs) = inner(0)? else {
                        return Err("`object` needs an object of types".into());
                    };
                    let mut out = BTreeMap::new();
                    for (key, attr_type) in attrs.iter() {
                        let name = match key {
                            ObjectKey::Ident(i) => i.as_str().to_owned(),
                            ObjectKey::Expression(EditExpr::String(s)) => s.as_str().to_owned(),
                            ObjectKey::Expression(EditExpr::Variable(v)) => v.as_str().to_owned(),
                            ObjectKey::Expression(_) => {
                                return Err("an attribute name is required".into());
                            }
                        };
                        let attr_type = attr_type.expr();
                        let optional = match attr_type {
                            EditExpr::FuncCall(f)
                                if f.name.namespace.is_empty()
                                    && f.name.name.as_str() == "optional" =>
                            {
                                Some(f.args.iter().collect::<Vec<_>>())
                            }
                            _ => None,
                        };
                        let value = match (map.remove(&name), &optional) {
                            (Some(Value::Null) | None, Some(opt)) => match opt.get(1) {
                                Some(default) => defaults
                                    .eval(
                                        default,
                                        Span::new(crate::source::SourceId(0), 0..0),
                                        "default",
                                    )
                                    .map(|v| v.value)
                                    .unwrap_or_else(Value::Unknown),
                                None => Value::Null,
                            },
                            (Some(v), _) => v,
                            (None, None) => {
                                return Err(format!("attribute `{name}` is required"));
                            }
                        };
                        let value_type = match &optional {
                            Some(opt) => opt.first().copied().ok_or("`optional` needs a type")?,
                            None => attr_type,
                        };
                        out.insert(name, convert(value, value_type, defaults)?);
                    }
                    Ok(Value::Object(out))
                }
                ("optional", v) => convert(v, inner(0)?, defaults),
                (kind, v) => Err(format!("a {} is not a {kind}", v.type_name())),
            }
        }
        _ => Ok(value),
    }
}

/// Appends the steps of `more` that `chain` does not hold yet.
fn extend_chain(chain: &mut Vec<Via>, more: &[Via]) {
    for via in more {
        if !chain.contains(via) {
            chain.push(via.clone());
        }
    }
}

/// The string of a value, for attributes that hold one.
pub fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(number_string(*n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceId;

    fn scope() -> Scope<'static> {
        let mut vars = BTreeMap::new();
        vars.insert(
            "zone".to_owned(),
            Ok(Val {
                value: Value::String("cn-hongkong-b".into()),
                chain: Vec::new(),
            }),
        );
        vars.insert(
            "missing".to_owned(),
            Err("variable `missing` has no value".to_owned()),
        );
        vars.insert(
            "cfg".to_owned(),
            Ok(Val {
                value: Value::Object(BTreeMap::from([
                    (
                        "id".to_owned(),
                        Value::Unknown("`x.id` is known only after apply".into()),
                    ),
                    ("region".to_owned(), Value::String("cn-shanghai".into())),
                ])),
                chain: Vec::new(),
            }),
        );
        Scope::new(vars, BTreeMap::new(), "mod".into())
    }

    /// The value of an expression: `Ok(text of the value)` or `Err(reason)` when unknown or failed.
    fn eval(text: &str) -> Result<String, String> {
        eval_in(text, &Repetition::Single)
    }

    fn eval_in(text: &str, rep: &Repetition) -> Result<String, String> {
        let parsed = hcl_edit::parser::parse_expr(text).expect("valid HCL");
        scope()
            .eval_in(&parsed, Span::new(SourceId(0), 0..0), "test", rep)
            .map(|v| match v.value {
                Value::String(s) => s,
                other => other.to_string(),
            })
    }

    #[test]
    fn try_falls_back_on_errors_only() {
        assert_eq!(eval(r#"try({a = 1}["b"], "x")"#), Ok("x".into()));
        let unknown = eval(r#"try(data.alicloud_regions.cur.regions[0].id, "cn-shanghai")"#);
        assert!(unknown.is_err_and(|r| r.contains("data.alicloud_regions")));
        let unknown = eval(r#"try(var.missing, "cn-shanghai")"#);
        assert_eq!(unknown, Err("variable `missing` has no value".into()));
        assert_eq!(eval(r#"can({a = 1}["b"])"#), Ok("false".into()));
        assert!(eval("can(var.missing)").is_err(), "can(unknown) is unknown");
        assert!(
            eval(r#"try({ a = var.missing }["b"], "x")"#).is_err(),
            "an expression that depends on an unknown is unknown, even where it would fail"
        );
        assert!(eval("can([var.missing])").is_err());
        assert!(
            eval(r#"try(var.cfg["nowhere"], "y")"#).is_ok(),
            "a definitive error"
        );
        assert!(eval(r#"try(var.cfg.id, "y")"#).is_err());
        assert_eq!(
            eval(r#"try(var.cfg.region, "y")"#),
            Ok("cn-shanghai".into()),
            "what the traversal reaches is known"
        );
        assert!(
            eval(r#"try(local.undeclared, "x")"#).is_err(),
            "an undeclared reference stops Terraform before try runs"
        );
    }

    #[test]
    fn unknown_propagates_through_operators_templates_and_calls() {
        for text in [
            "var.missing == \"a\"",
            "\"${var.missing}-1\"",
            "upper(var.missing)",
            "var.missing ? \"a\" : \"b\"",
            "coalesce(var.missing, \"a\")",
            "timestamp()",
            "[for z in var.missing : z]",
            "join(\",\", [var.missing, \"a\"])",
            "length([for z in [1, 2] : z if var.missing])",
        ] {
            assert!(eval(text).is_err(), "{text} is unknown");
        }
        assert_eq!(eval(r#"var.missing ? "a" : "a""#), Ok("a".into()));
        assert_eq!(eval(r#"coalesce("", "a", var.missing)"#), Ok("a".into()));
        assert_eq!(eval("length([var.missing, 1])"), Ok("2".into()));
        assert_eq!(eval("false && var.missing"), Ok("false".into()));
    }

    #[test]
    fn expressions_evaluate_as_terraform_does() {
        for (text, want) in [
            (r#""${var.zone}""#, "cn-hongkong-b"),
            ("substr(var.zone, 0, length(var.zone) - 2)", "cn-hongkong"),
            (r#"{ a = ["x", "y"] }.a[1]"#, "y"),
            (
                r#"[for k, v in { a = 1, b = 2 } : "${k}${v}" if v > 1]"#,
                r#"["b2"]"#,
            ),
            (
                r#"{ for s in ["a", "b", "a"] : s => s... }"#,
                r#"{"a":["a","a"],"b":["b"]}"#,
            ),
            (r#"[{ z = "a" }, { z = "b" }][*].z"#, r#"["a","b"]"#),
            (r#""%{ for z in ["a", "b"] }${z},%{ endfor }""#, "a,b,"),
            (r#""%{ if 1 > 2 }x%{ else }y%{ endif }""#, "y"),
            ("1 + 2 * 3 % 4", "3"),
            (r#"!(1 == 1) || "a" != "b""#, "true"),
            ("path.module", "mod"),
            (r#""${var.zone}\t$${x} %%{y}""#, "cn-hongkong-b\t${x} %{y}"),
            (
                "<<-EOT\n    a ${var.zone}\n      b\n    EOT",
                "a cn-hongkong-b\n  b\n",
            ),
            (r#""a ${~ " b " ~} c""#, "a b c"),
            (r#""${var.zone}""#, "cn-hongkong-b"),
            (r#"{ (var.zone) = 1, x = 2 }[var.zone]"#, "1"),
            ("tolist(null == null ? [1] : [])[0]", "1"),
            ("[1, 2, 3][*]", "[1,2,3]"),
            ("null[*]", "[]"),
        ] {
            assert_eq!(eval(text), Ok(want.to_owned()), "{text}");
        }
    }

    #[test]
    fn each_and_count_are_the_instance_s_own() {
        let each = Repetition::Each {
            key: "cn-shanghai-g".into(),
            value: Value::Number(1.0),
        };
        assert_eq!(eval_in("each.key", &each), Ok("cn-shanghai-g".into()));
        assert_eq!(
            eval_in(r#"["a", "b"][count.index]"#, &Repetition::Count(1)),
            Ok("b".into())
        );
        assert!(eval("count.index").is_err());
    }

    fn instances(attr: &str, text: &str) -> Instances {
        let text = Arc::new(text.to_owned());
        let expr = Expr::native(SourceId(0), &text, 0..text.len());
        let attrs = super::super::decl::Attrs(vec![(attr.to_owned(), expr)]);
        scope().instances("x.y", &attrs)
    }

    #[test]
    fn count_and_for_each_give_the_instances() {
        assert_eq!(instances("count", "0"), Instances::Known(Vec::new()));
        assert_eq!(
            instances("count", r#""2""#),
            Instances::Known(vec![Repetition::Count(0), Repetition::Count(1)])
        );
        assert_eq!(instances("for_each", "{}"), Instances::Known(Vec::new()));
        assert_eq!(
            instances("for_each", r#"toset(["b", "a", "b"])"#),
            Instances::Known(vec![
                Repetition::Each {
                    key: "a".into(),
                    value: Value::String("a".into())
                },
                Repetition::Each {
                    key: "b".into(),
                    value: Value::String("b".into())
                },
            ])
        );
        for unknown in ["var.missing ? 1 : 0", "length(timestamp())", "-1", "1.5"] {
            assert!(
                matches!(instances("count", unknown), Instances::Unknown(_)),
                "{unknown}"
            );
        }
        assert!(matches!(
            instances("for_each", "{ for k in var.missing : k => k }"),
            Instances::Unknown(_)
        ));
        assert!(matches!(instances("count", "5000"), Instances::Unknown(r) if r.contains("1024")));
    }

    #[test]
    fn values_convert_to_their_type_with_optional_attributes_filled_in() {
        let convert_text = |value: &str, ty: &str| {
            let value = eval(&format!("jsonencode({value})")).expect("a known value");
            let json: serde_json::Value = serde_json::from_str(&value).expect("JSON");
            let ty = hcl_edit::parser::parse_expr(ty).expect("a type");
            convert(Value::from_json(&json), &ty, &scope()).map(|v| v.to_string())
        };
        let ty = r#"object({ region = optional(string, "cn-shanghai"), zones = optional(list(string), []), tier = optional(string), n = number })"#;
        assert_eq!(
            convert_text(r#"{ n = "2", extra = 1 }"#, ty),
            Ok(r#"{"n":2,"region":"cn-shanghai","tier":null,"zones":[]}"#.into())
        );
        assert_eq!(
            convert_text(r#"{ n = 1, region = "cn-beijing", zones = [1] }"#, ty),
            Ok(r#"{"n":1,"region":"cn-beijing","tier":null,"zones":["1"]}"#.into())
        );
        assert!(convert_text("{}", ty).is_err(), "`n` is required");
        assert_eq!(
            convert_text(r#"{ a = 1 }"#, "map(string)"),
            Ok(r#"{"a":"1"}"#.into())
        );
        assert!(convert_text(r#""x""#, "number").is_err());
        assert_eq!(
            convert_text("[1, true]", "tuple([string, bool])"),
            Ok(r#"["1",true]"#.into())
        );
    }

    #[test]
    fn intermediate_values_are_bounded() {
        let mut text = r#""cn-shanghai""#.to_owned();
        for _ in 0..24 {
            text = format!(r#"replace({text}, "n", "nn")"#);
        }
        let result = eval(&format!("{text} == \"\" ? \"a\" : \"b\""));
        assert!(result.is_err_and(|r| r.contains("too large")));
        let nested =
            r#""%{ for a in range(3000) }%{ for b in range(3000) }x%{ endfor }%{ endfor }""#;
        assert!(eval(nested).is_err());
    }
}
