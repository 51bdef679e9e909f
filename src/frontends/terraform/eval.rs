//! Evaluates Terraform expressions with the `hcl` crate's evaluator, keeping the chain of places
//! each value came through. Anything it cannot know statically is an error with the reason: never a
//! guess.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use hcl::Value;
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl_edit::Span as _;
use hcl_edit::expr::{Expression as EditExpr, TraversalOperator};
use hcl_edit::visit::{Visit, visit_expr};

use super::decl::{Expr, Simple};
use crate::model::Via;
use crate::source::Span;

/// A value and where it came from, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub value: Value,
    pub chain: Vec<Via>,
}

type MemberChain = Option<Vec<Via>>;

/// Why a value is unknown.
pub type Reason = String;

/// A `locals` entry.
pub struct LocalDef<'a> {
    pub expr: &'a Expr,
}

/// The names an expression can refer to in one module instance.
pub struct Scope<'a> {
    pub vars: BTreeMap<String, Result<Val, Reason>>,
    pub locals: BTreeMap<String, LocalDef<'a>>,
    pub path_module: String,
    cache: RefCell<BTreeMap<String, Result<Val, Reason>>>,
    /// `(local, member)` → the member's chain, computed once.
    member_chains: RefCell<BTreeMap<(String, String), MemberChain>>,
    evaluating: RefCell<BTreeSet<String>>,
}

/// A name an expression refers to: `local.regions.primary` → ("local", "regions", "primary").
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    root: String,
    attr: Option<String>,
    /// The next step when it is a literal key: it narrows the chain of a `locals` object.
    member: Option<String>,
}

#[derive(Default)]
struct References {
    refs: Vec<Reference>,
    /// The functions called, by name.
    calls: BTreeSet<String>,
}

fn literal_key(op: &TraversalOperator) -> Option<String> {
    match op {
        TraversalOperator::GetAttr(ident) => Some(ident.as_str().to_owned()),
        TraversalOperator::Index(EditExpr::String(s)) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

impl Visit for References {
    fn visit_expr(&mut self, node: &EditExpr) {
        match node {
            EditExpr::Traversal(t) => {
                if let EditExpr::Variable(root) = &t.expr {
                    let attr = t.operators.first().and_then(|op| match op.value() {
                        TraversalOperator::GetAttr(ident) => Some(ident.as_str().to_owned()),
                        _ => None,
                    });
                    let member = t.operators.get(1).and_then(|op| literal_key(op.value()));
                    self.refs.push(Reference {
                        root: root.as_str().to_owned(),
                        attr,
                        member,
                    });
                }
                visit_expr(self, &t.expr);
                for op in &t.operators {
                    if let TraversalOperator::Index(e) = op.value() {
                        self.visit_expr(e);
                    }
                }
            }
            EditExpr::Variable(v) => self.refs.push(Reference {
                root: v.as_str().to_owned(),
                attr: None,
                member: None,
            }),
            EditExpr::ForExpr(f) => {
                // the iterator names are bound inside the expression
                let bound: Vec<String> = std::iter::once(f.intro.value_var.as_str().to_owned())
                    .chain(f.intro.key_var.as_ref().map(|k| k.as_str().to_owned()))
                    .collect();
                let mut inner = References::default();
                hcl_edit::visit::visit_for_expr(&mut inner, f);
                self.refs
                    .extend(inner.refs.into_iter().filter(|r| !bound.contains(&r.root)));
                self.calls.extend(inner.calls);
            }
            _ => visit_expr(self, node),
        }
    }

    fn visit_func_call(&mut self, node: &hcl_edit::expr::FuncCall) {
        if node.name.namespace.is_empty() {
            self.calls.insert(node.name.name.as_str().to_owned());
        }
        hcl_edit::visit::visit_func_call(self, node);
    }
}

fn describe_reference(root: &str, attr: Option<&str>) -> String {
    match (root, attr) {
        ("data", Some(a)) => format!("data source `data.{a}` (known only after apply)"),
        ("module", Some(a)) => format!("output of `module.{a}` (not evaluated)"),
        ("each" | "count", _) => format!("`{root}.*` of a repeated block"),
        ("terraform", Some(a)) => format!("`terraform.{a}` (depends on the workspace)"),
        (r, Some(a)) => format!("attribute of `{r}.{a}` (known only after apply)"),
        (r, None) => format!("`{r}`"),
    }
}

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
            cache: RefCell::new(BTreeMap::new()),
            member_chains: RefCell::new(BTreeMap::new()),
            evaluating: RefCell::new(BTreeSet::new()),
        }
    }

    fn local(&self, name: &str) -> Result<Val, Reason> {
        if let Some(done) = self.cache.borrow().get(name) {
            return done.clone();
        }
        let Some(def) = self.locals.get(name) else {
            return Err(format!("`local.{name}` is not defined"));
        };
        if self.evaluating.borrow().len() >= MAX_LOCAL_DEPTH {
            return Err(format!(
                "`local.{name}` is reached through more than {MAX_LOCAL_DEPTH} other locals"
            ));
        }
        if !self.evaluating.borrow_mut().insert(name.to_owned()) {
            return Err(format!("`local.{name}` refers to itself"));
        }
        let result = self.eval_expr(def.expr, format!("`local.{name}` is defined here"));
        self.evaluating.borrow_mut().remove(name);
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
        let parsed = def.expr.parse().ok()?;
        let EditExpr::Object(object) = &parsed else {
            return None;
        };
        let (_, value) = object.iter().find(|(key, _)| match key {
            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str() == member,
            hcl_edit::expr::ObjectKey::Expression(EditExpr::String(s)) => s.as_str() == member,
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
                value: Value::Number(n.into()),
                chain: vec![via(note.into())],
            }),
            Some(Simple::Reference(root, name)) => {
                let (value, _) = self.reference(root, name, None)?;
                let mut chain = vec![via(note.into())];
                extend_chain(&mut chain, &value.chain);
                Ok(Val {
                    value: value.value,
                    chain,
                })
            }
            None => self.eval(&expr.parse()?, expr.span, note),
        }
    }

    /// The value of `var.name` or `local.name`, and for `local.name.member` (when `member` is
    /// given) the member's own chain when it is narrower than the value's.
    fn reference(
        &self,
        root: &str,
        name: &str,
        member: Option<&str>,
    ) -> Result<(Val, Option<Vec<Via>>), Reason> {
        if root == "var" {
            let value = self
                .vars
                .get(name)
                .ok_or_else(|| format!("variable `{name}` is not declared"))?
                .clone()?;
            return Ok((value, None));
        }
        let value = self.local(name)?;
        let member_chain = member.and_then(|member| self.local_member_chain(name, member));
        Ok((value, member_chain))
    }

    /// Evaluates `expr` (written at `span`); `note` describes that place in the chain.
    pub fn eval(
        &self,
        expr: &EditExpr,
        span: Span,
        note: impl Into<Arc<str>>,
    ) -> Result<Val, Reason> {
        let mut references = References::default();
        references.visit_expr(expr);
        let mut chain = vec![Via {
            span,
            note: note.into(),
        }];
        let mut var_obj = hcl::Map::new();
        let mut local_obj = hcl::Map::new();
        let mut seen = BTreeSet::new();
        // A reference that cannot be resolved is left out of the context rather than failing at
        // once: `try(local.missing, "x")` must still work. Its reason explains a failed evaluation.
        let mut first_failure: Option<Reason> = None;
        for reference in &references.refs {
            if !seen.insert(reference.clone()) {
                continue;
            }
            let resolved = match (reference.root.as_str(), &reference.attr) {
                (root @ ("var" | "local"), Some(name)) => self
                    .reference(root, name, reference.member.as_deref())
                    .map(|(v, chain)| {
                        let target = if root == "var" {
                            &mut var_obj
                        } else {
                            &mut local_obj
                        };
                        (target, name, v, chain)
                    }),
                ("path", _) => continue,
                (r, a) => Err(format!(
                    "it depends on the {}",
                    describe_reference(r, a.as_deref())
                )),
            };
            let (target, name, value, member_chain) = match resolved {
                Ok(found) => found,
                Err(reason) => {
                    first_failure.get_or_insert(reason);
                    continue;
                }
            };
            extend_chain(&mut chain, member_chain.as_deref().unwrap_or(&value.chain));
            target.insert(name.clone(), value.value);
        }
        if for_nesting(expr) > MAX_FOR_NESTING {
            return Err(
                "nested `for` expressions are too costly to evaluate statically (their sizes multiply)".into(),
            );
        }
        // Most values are literals or a bare `var.x` / `local.x`: no evaluator needed.
        if let Some(value) = direct_value(expr, &var_obj, &local_obj) {
            return Ok(Val { value, chain });
        }
        let mut ctx = Context::new();
        ctx.declare_var("var", Value::Object(var_obj));
        ctx.declare_var("local", Value::Object(local_obj));
        let mut path = hcl::Map::new();
        path.insert("module".to_owned(), Value::String(self.path_module.clone()));
        ctx.declare_var("path", Value::Object(path));
        functions::declare(&mut ctx, &references.calls);
        let expr = functions::fold_try(hcl::Expression::from(expr.clone()), &ctx);
        match expr.evaluate(&ctx) {
            Ok(value) if weight(&value, 0) > MAX_VALUE_WEIGHT => Err(
                "the value is too large to evaluate statically (more than a million bytes or elements)".into(),
            ),
            Ok(value) => Ok(Val { value, chain }),
            Err(e) => Err(first_failure.unwrap_or_else(|| {
                format!(
                    "the expression cannot be evaluated ({})",
                    first_line(&e.to_string())
                )
            })),
        }
    }
}

/// Bounds that keep hostile Terraform from taking the linter down: a chain of locals deeper than
/// this, `for` expressions nested deeper than this, or a value heavier than this (string bytes
/// plus elements) is unresolved instead. Real configurations stay far below.
const MAX_LOCAL_DEPTH: usize = 256;
const MAX_FOR_NESTING: usize = 1;
const MAX_VALUE_WEIGHT: usize = 1_000_000;

/// String bytes plus elements of a value, counted up to `MAX_VALUE_WEIGHT` (then it stops).
fn weight(value: &Value, acc: usize) -> usize {
    if acc > MAX_VALUE_WEIGHT {
        return acc;
    }
    match value {
        Value::String(s) => acc + s.len(),
        Value::Array(items) => items.iter().fold(acc + items.len(), |a, v| weight(v, a)),
        Value::Object(map) => map
            .iter()
            .fold(acc + map.len(), |a, (k, v)| weight(v, a + k.len())),
        _ => acc + 1,
    }
}

/// How deeply `for` expressions nest in an expression.
fn for_nesting(expr: &EditExpr) -> usize {
    struct Depth {
        current: usize,
        max: usize,
    }
    impl Visit for Depth {
        fn visit_for_expr(&mut self, node: &hcl_edit::expr::ForExpr) {
            self.current += 1;
            self.max = self.max.max(self.current);
            hcl_edit::visit::visit_for_expr(self, node);
            self.current -= 1;
        }
    }
    let mut depth = Depth { current: 0, max: 0 };
    depth.visit_expr(expr);
    depth.max
}

/// The value of a literal, or of a bare `var.x` / `local.x` reference, without evaluating.
fn direct_value(
    expr: &EditExpr,
    vars: &hcl::Map<String, Value>,
    locals: &hcl::Map<String, Value>,
) -> Option<Value> {
    match expr {
        EditExpr::String(s) => Some(Value::String(s.as_str().to_owned())),
        EditExpr::Bool(b) => Some(Value::Bool(*b.value())),
        EditExpr::Traversal(t) if t.operators.len() == 1 => {
            let EditExpr::Variable(root) = &t.expr else {
                return None;
            };
            let TraversalOperator::GetAttr(attr) = t.operators[0].value() else {
                return None;
            };
            let scope = match root.as_str() {
                "var" => vars,
                "local" => locals,
                _ => return None,
            };
            scope.get(attr.as_str()).cloned()
        }
        _ => None,
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

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// The string of a value, for attributes that hold one.
pub fn as_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Terraform's common pure functions.
mod functions {
    use super::*;

    /// Declares the functions an expression calls, and only those: a context with every
    /// function costs more to build than most evaluations. A function not known here stays
    /// undeclared, and the evaluation fails with the evaluator's "undefined function".
    pub fn declare(ctx: &mut Context, called: &BTreeSet<String>) {
        for name in called {
            if let Some(def) = def(name) {
                ctx.declare_func(name.as_str(), def);
            }
        }
    }

    fn def(name: &str) -> Option<FuncDef> {
        let any = || ParamType::Any;
        let string = || ParamType::String;
        let variadic = |f: hcl::eval::Func| FuncDef::builder().variadic_param(any()).build(f);
        Some(match name {
            "lower" => FuncDef::new(lower, [string()]),
            "upper" => FuncDef::new(upper, [string()]),
            "trimspace" => FuncDef::new(trimspace, [string()]),
            "lookup" => FuncDef::builder()
                .params([any(), string()])
                .variadic_param(any())
                .build(lookup),
            "coalesce" => variadic(coalesce),
            "format" => FuncDef::builder()
                .param(string())
                .variadic_param(any())
                .build(format),
            "element" => FuncDef::new(element, [any(), ParamType::Number]),
            "merge" => variadic(merge),
            "concat" => variadic(concat),
            "join" => FuncDef::new(join, [string(), any()]),
            "split" => FuncDef::new(split, [string(), string()]),
            "replace" => FuncDef::new(replace, [string(), string(), string()]),
            "tostring" => FuncDef::new(tostring, [any()]),
            "length" => FuncDef::new(length, [any()]),
            "contains" => FuncDef::new(contains, [any(), any()]),
            "keys" => FuncDef::new(keys, [any()]),
            "values" => FuncDef::new(values, [any()]),
            _ => return None,
        })
    }

    /// `try(a, b, ...)`: the first argument that evaluates. Terraform evaluates it lazily, which
    /// an eager evaluator cannot, so the call is replaced by its value before evaluation.
    pub fn fold_try(expr: hcl::Expression, ctx: &Context) -> hcl::Expression {
        use hcl::Expression as E;
        match expr {
            E::FuncCall(call)
                if call.name.namespace.is_empty() && call.name.name.as_str() == "try" =>
            {
                let args: Vec<E> = call.args.into_iter().map(|a| fold_try(a, ctx)).collect();
                args.iter()
                    .find_map(|a| a.evaluate(ctx).ok())
                    .map(E::from)
                    .unwrap_or_else(|| E::FuncCall(Box::new(hcl::expr::FuncCall::new("try"))))
            }
            E::FuncCall(mut call) => {
                call.args = call.args.into_iter().map(|a| fold_try(a, ctx)).collect();
                E::FuncCall(call)
            }
            E::Array(items) => E::Array(items.into_iter().map(|a| fold_try(a, ctx)).collect()),
            E::Object(obj) => E::Object(
                obj.into_iter()
                    .map(|(k, v)| (k, fold_try(v, ctx)))
                    .collect(),
            ),
            E::Parenthesis(inner) => E::Parenthesis(Box::new(fold_try(*inner, ctx))),
            E::Conditional(mut c) => {
                c.cond_expr = fold_try(c.cond_expr, ctx);
                c.true_expr = fold_try(c.true_expr, ctx);
                c.false_expr = fold_try(c.false_expr, ctx);
                E::Conditional(c)
            }
            other => other,
        }
    }

    fn string_arg(args: &FuncArgs, i: usize) -> Result<String, String> {
        as_string(&args[i]).ok_or_else(|| format!("argument {i} is not a string"))
    }

    fn lower(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::String(string_arg(&args, 0)?.to_lowercase()))
    }

    fn upper(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::String(string_arg(&args, 0)?.to_uppercase()))
    }

    fn trimspace(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::String(string_arg(&args, 0)?.trim().to_owned()))
    }

    fn tostring(args: FuncArgs) -> Result<Value, String> {
        Ok(Value::String(string_arg(&args, 0)?))
    }

    fn lookup(args: FuncArgs) -> Result<Value, String> {
        let key = string_arg(&args, 1)?;
        match &args[0] {
            Value::Object(map) => match (map.get(&key), args.get(2)) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(format!("the map has no key `{key}`")),
            },
            _ => Err("lookup needs a map".into()),
        }
    }

    fn coalesce(args: FuncArgs) -> Result<Value, String> {
        args.iter()
            .find(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.is_empty()))
            .cloned()
            .ok_or_else(|| "no non-empty argument".into())
    }

    fn format(args: FuncArgs) -> Result<Value, String> {
        let spec = string_arg(&args, 0)?;
        let mut rest = args.iter().skip(1);
        let mut out = String::new();
        let mut chars = spec.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('s' | 'd' | 'v') => {
                    let v = rest.next().ok_or("too few arguments")?;
                    out.push_str(&as_string(v).ok_or("argument is not a string or number")?);
                }
                other => return Err(format!("unsupported verb `%{}`", other.unwrap_or(' '))),
            }
        }
        Ok(Value::String(out))
    }

    fn element(args: FuncArgs) -> Result<Value, String> {
        let Value::Array(items) = &args[0] else {
            return Err("element needs a list".into());
        };
        let index = args[1].as_u64().ok_or("index is not a whole number")? as usize;
        if items.is_empty() {
            return Err("the list is empty".into());
        }
        Ok(items[index % items.len()].clone())
    }

    fn merge(args: FuncArgs) -> Result<Value, String> {
        let mut out = hcl::Map::new();
        for v in args.iter() {
            match v {
                Value::Object(map) => out.extend(map.clone()),
                Value::Null => {}
                _ => return Err("merge needs maps".into()),
            }
        }
        Ok(Value::Object(out))
    }

    fn concat(args: FuncArgs) -> Result<Value, String> {
        let mut out = Vec::new();
        for v in args.iter() {
            match v {
                Value::Array(items) => out.extend(items.iter().cloned()),
                _ => return Err("concat needs lists".into()),
            }
        }
        Ok(Value::Array(out))
    }

    fn join(args: FuncArgs) -> Result<Value, String> {
        let sep = string_arg(&args, 0)?;
        let Value::Array(items) = &args[1] else {
            return Err("join needs a list".into());
        };
        let parts: Option<Vec<String>> = items.iter().map(as_string).collect();
        Ok(Value::String(parts.ok_or("join needs strings")?.join(&sep)))
    }

    fn split(args: FuncArgs) -> Result<Value, String> {
        let sep = string_arg(&args, 0)?;
        let text = string_arg(&args, 1)?;
        Ok(Value::Array(
            text.split(sep.as_str())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ))
    }

    fn replace(args: FuncArgs) -> Result<Value, String> {
        let text = string_arg(&args, 0)?;
        Ok(Value::String(
            text.replace(&string_arg(&args, 1)?, &string_arg(&args, 2)?),
        ))
    }

    fn length(args: FuncArgs) -> Result<Value, String> {
        let n = match &args[0] {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            Value::String(s) => s.chars().count(),
            _ => return Err("length needs a collection or string".into()),
        };
        Ok(Value::from(n as u64))
    }

    fn contains(args: FuncArgs) -> Result<Value, String> {
        let Value::Array(items) = &args[0] else {
            return Err("contains needs a list".into());
        };
        Ok(Value::Bool(items.contains(&args[1])))
    }

    fn keys(args: FuncArgs) -> Result<Value, String> {
        let Value::Object(map) = &args[0] else {
            return Err("keys needs a map".into());
        };
        Ok(Value::Array(
            map.keys().map(|k| Value::String(k.clone())).collect(),
        ))
    }

    fn values(args: FuncArgs) -> Result<Value, String> {
        let Value::Object(map) = &args[0] else {
            return Err("values needs a map".into());
        };
        Ok(Value::Array(map.values().cloned().collect()))
    }
}
