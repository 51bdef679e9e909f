//! Terragrunt live repositories: a directory with a `terragrunt.hcl` whose `terraform { source }`
//! names a module is a root of that module (a *unit*).
//!
//! Read as Terragrunt reads them (terragrunt.gruntwork.io/docs/reference/): `include` blocks (the
//! included file's blocks merged under the unit's, its functions evaluated in the unit's
//! context), `locals`, `inputs` (root variable values, below every tfvars file as Terraform ranks
//! `TF_VAR_` variables), `generate` blocks whose `contents` is Terraform (read with spans in the
//! `terragrunt.hcl`, so a provider region's chain points at the `generate` block) and
//! `read_terragrunt_config()`. `dependency` outputs are unknown (their `mock_outputs` are never
//! used), and so is `get_env()`: yunlint never reads the environment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body};
use hcl_edit::visit::{Visit, visit_expr};

use super::TfKind;
use super::decl::{Decls, Expr};
use super::eval::{LocalDef, Reason, Scope, Val, as_string};
use super::resolve::RootValue;
use super::value::{Value, number_string};
use crate::context::lexical_normalize;
use crate::frontends::{ParseIssue, Unverifiable};
use crate::model::{Unresolved, Via};
use crate::source::{SourceFile, SourceId, Span};

/// The file name of a Terragrunt configuration.
pub const CONFIG_NAME: &str = "terragrunt.hcl";

/// Included files nest at most this deep through `read_terragrunt_config()`.
const MAX_READ_DEPTH: usize = 4;

/// One Terragrunt file, parsed once to check it and kept as text.
#[derive(Clone)]
pub struct TgFile {
    pub id: SourceId,
    pub path: Arc<Path>,
    pub text: Arc<String>,
}

pub fn parse(file: &SourceFile, id: SourceId) -> Result<TgFile, ParseIssue> {
    hcl_edit::parser::parse_body(file.text()).map_err(|e| {
        let offset = e.location().offset().min(file.text().len());
        ParseIssue::new(Span::new(id, offset..offset), e.message().to_owned())
    })?;
    Ok(TgFile {
        id,
        path: Arc::clone(&file.path),
        text: Arc::clone(file.text()),
    })
}

/// A unit: the module it deploys, as a root.
pub struct Unit {
    /// The directory of its `terragrunt.hcl`: the prefix of its addresses.
    pub dir: PathBuf,
    /// The module directory `terraform { source }` names.
    pub source_dir: PathBuf,
    pub source_span: Span,
    /// The Terraform its `generate` blocks write.
    pub generated: Vec<Decls>,
    /// The files those blocks write (`provider.tf`): a copy in `.terragrunt-cache` is not read.
    pub generated_names: Vec<String>,
    /// `inputs`, lowest precedence first.
    pub inputs: Vec<RootValue>,
    /// The Terragrunt files it was read from (its own, and those it includes or reads): the
    /// chains of its inputs and generated Terraform point into these only.
    pub files: Vec<PathBuf>,
}

/// What the Terragrunt pass found.
#[derive(Default)]
pub struct Units {
    pub units: Vec<Unit>,
    pub issues: Vec<ParseIssue>,
    pub unverifiable: Vec<Unverifiable>,
}

/// Reads a Terragrunt file that the walk did not (`root.hcl`, `region.hcl`): inside the project
/// root only.
pub type Loader<'l> = dyn FnMut(&Path) -> Option<TgFile> + 'l;

/// Every unit of the discovered `terragrunt.hcl` files. `tf_dirs` are the directories that hold
/// Terraform files: a `terragrunt.hcl` without `terraform { source }` beside them deploys them.
pub fn units(
    files: &[TgFile],
    tf_dirs: &BTreeSet<PathBuf>,
    root: &Path,
    load: &mut Loader<'_>,
) -> Units {
    let mut known: BTreeMap<PathBuf, TgFile> = files
        .iter()
        .map(|f| (f.path.to_path_buf(), f.clone()))
        .collect();
    let mut out = Units::default();
    for file in files {
        let mut reader = Reader {
            root,
            tf_dirs,
            known: &mut known,
            load,
            issues: &mut out.issues,
            read_chains: BTreeMap::new(),
            unknown_locals: Vec::new(),
            opened: vec![file.path.to_path_buf()],
        };
        match reader.unit(file) {
            Some(Ok(mut unit)) => {
                unit.files = reader.opened;
                out.units.push(unit);
            }
            Some(Err(unverifiable)) => out.unverifiable.push(unverifiable),
            None => {}
        }
    }
    out
}

struct Reader<'r, 'l> {
    root: &'r Path,
    tf_dirs: &'r BTreeSet<PathBuf>,
    known: &'r mut BTreeMap<PathBuf, TgFile>,
    load: &'r mut Loader<'l>,
    issues: &'r mut Vec<ParseIssue>,
    /// Per `read_terragrunt_config()` result (by variable), the chain of each of its locals.
    read_chains: BTreeMap<String, BTreeMap<String, Vec<Via>>>,
    /// Unknown locals that `generate` contents use, as variables of the unit, with the reason.
    unknown_locals: Vec<(String, Reason)>,
    /// Every file this unit's reading opened.
    opened: Vec<PathBuf>,
}

/// The unit a file is evaluated for: Terragrunt's functions answer for it even in an included file.
struct Ctx<'c> {
    unit_dir: &'c Path,
    /// The directory of the file being evaluated.
    file_dir: PathBuf,
    /// The included file's directory, for `path_relative_to_include()`.
    include_dir: Option<PathBuf>,
}

/// One file's blocks, evaluated.
struct Evaluated {
    file: TgFile,
    body: Body,
    /// `locals`, as an object value.
    locals: BTreeMap<String, Result<Val, Reason>>,
}

/// A quoted HCL string holding `text` as it is: no escape or template sequence is interpreted.
fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value as HCL text.
fn literal(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_string(*n),
        // not writable as HCL: callers keep unknown values as unknown variables
        Value::Unknown(_) => "null".into(),
        Value::String(s) => string_literal(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", string_literal(k), literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Rewrites of an expression's text: Terragrunt's functions and names replaced by what the
/// Terraform evaluator understands.
#[derive(Default)]
struct Rewrites {
    /// (range in the expression text, replacement), in the order found.
    edits: Vec<(std::ops::Range<usize>, Edit)>,
}

enum Edit {
    /// A call of a Terragrunt function: its name and arguments' texts.
    Call(String, Vec<String>),
    /// The root of `include.<name>...` or `dependency.<name>...`.
    Root(String),
}

impl Visit for Rewrites {
    fn visit_expr(&mut self, node: &Expression) {
        match node {
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                let name = call.name.name.as_str();
                let terragrunt = matches!(
                    name,
                    "find_in_parent_folders"
                        | "path_relative_to_include"
                        | "path_relative_from_include"
                        | "get_terragrunt_dir"
                        | "get_parent_terragrunt_dir"
                        | "get_original_terragrunt_dir"
                        | "get_repo_root"
                        | "get_env"
                        | "read_terragrunt_config"
                        | "run_cmd"
                        | "get_aws_account_id"
                        | "get_aws_caller_identity_arn"
                        | "sops_decrypt_file"
                );
                if let (true, Some(range)) = (terragrunt, call.span()) {
                    let args = call.args.iter().map(|a| a.to_string()).collect();
                    self.edits.push((range, Edit::Call(name.to_owned(), args)));
                } else {
                    visit_expr(self, node);
                }
            }
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr
                    && matches!(v.as_str(), "include" | "dependency")
                    && let Some(range) = v.span()
                {
                    self.edits.push((range, Edit::Root(v.as_str().to_owned())));
                }
                visit_expr(self, node);
            }
            _ => visit_expr(self, node),
        }
    }
}

impl Reader<'_, '_> {
    fn file(&mut self, path: &Path) -> Option<TgFile> {
        if !self.opened.iter().any(|p| p == path) {
            self.opened.push(path.to_path_buf());
        }
        if let Some(f) = self.known.get(path) {
            return Some(f.clone());
        }
        if !path.starts_with(self.root) {
            return None;
        }
        let file = (self.load)(path)?;
        self.known.insert(path.to_path_buf(), file.clone());
        Some(file)
    }

    /// The unit of one `terragrunt.hcl`: `None` when it names no source and has no Terraform
    /// beside it (a parent configuration). Without a source, Terragrunt runs Terraform in the
    /// unit's own directory, with the included `generate` blocks and `inputs`.
    fn unit(&mut self, file: &TgFile) -> Option<Result<Unit, Unverifiable>> {
        let unit_dir = file.path.parent()?.to_path_buf();
        let ctx = Ctx {
            unit_dir: &unit_dir,
            file_dir: unit_dir.clone(),
            include_dir: None,
        };
        let child = self.evaluate(file, &ctx, &BTreeMap::new(), 0)?;
        // includes: `include "root" { path = ... }`, each evaluated in the unit's context
        let mut included: Vec<(String, Evaluated)> = Vec::new();
        for block in child
            .body
            .blocks()
            .filter(|b| b.ident.as_str() == "include")
        {
            let name = block
                .labels
                .first()
                .map_or_else(String::new, |l| l.as_str().to_owned());
            let Some(attr) = block.body.get_attribute("path") else {
                continue;
            };
            let expr = native_expr(&child.file, &attr.value);
            let scope_vars = BTreeMap::new();
            let path = match self.eval(&expr, &ctx, &child.locals, &scope_vars, 0) {
                Ok(v) => as_string(&v.value),
                Err(reason) => {
                    self.issues.push(ParseIssue::new(
                        expr.span,
                        format!("the included file cannot be worked out: {reason}"),
                    ));
                    None
                }
            };
            let Some(path) = path else { continue };
            let path = lexical_normalize(&unit_dir.join(path));
            let Some(parent) = self.file(&path) else {
                self.issues.push(
                    ParseIssue::new(
                        expr.span,
                        format!(
                            "the included file `{}` is not in the project root",
                            path.display()
                        ),
                    )
                    .with_help("an included file must be inside the project root, and parse"),
                );
                continue;
            };
            let parent_dir = parent.path.parent().map(Path::to_path_buf)?;
            let parent_ctx = Ctx {
                unit_dir: &unit_dir,
                file_dir: parent_dir.clone(),
                include_dir: Some(parent_dir),
            };
            if let Some(evaluated) = self.evaluate(&parent, &parent_ctx, &BTreeMap::new(), 0) {
                included.push((name, evaluated));
            }
        }
        let include_ctx = |e: &Evaluated| Ctx {
            unit_dir: &unit_dir,
            file_dir: e
                .file
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            include_dir: e.file.path.parent().map(Path::to_path_buf),
        };
        // `include.<name>.locals.<x>` in the unit's own expressions
        let mut include_vars: BTreeMap<String, Result<Val, Reason>> = BTreeMap::new();
        let mut include_object = BTreeMap::new();
        for (name, e) in &included {
            let mut locals = BTreeMap::new();
            for (k, v) in &e.locals {
                if let Ok(v) = v {
                    locals.insert(k.clone(), v.value.clone());
                }
            }
            let mut entry = BTreeMap::new();
            entry.insert("locals".to_owned(), Value::Object(locals));
            include_object.insert(name.clone(), Value::Object(entry));
        }
        include_vars.insert(
            "tg_include".to_owned(),
            Ok(Val {
                value: Value::Object(include_object),
                chain: Vec::new(),
            }),
        );
        // the unit's locals again, now that `include.<name>.locals` is known
        let child = if included.is_empty() {
            child
        } else {
            self.evaluate(file, &ctx, &include_vars, 0)?
        };

        // terraform { source }: the unit's, else an included file's
        let mut source = None;
        let layers: Vec<(&Evaluated, Ctx<'_>)> = included
            .iter()
            .map(|(_, e)| (e, include_ctx(e)))
            .chain(std::iter::once((
                &child,
                Ctx {
                    unit_dir: &unit_dir,
                    file_dir: unit_dir.clone(),
                    include_dir: included
                        .first()
                        .and_then(|(_, e)| e.file.path.parent().map(Path::to_path_buf)),
                },
            )))
            .collect();
        for (layer, ctx) in &layers {
            for block in layer
                .body
                .blocks()
                .filter(|b| b.ident.as_str() == "terraform")
            {
                if let Some(attr) = block.body.get_attribute("source") {
                    let expr = native_expr(&layer.file, &attr.value);
                    let value = self.eval(&expr, ctx, &layer.locals, &include_vars, 0);
                    source = Some((expr.span, value, ctx.file_dir.clone()));
                }
            }
        }
        let Some((source_span, source, source_base)) = source else {
            if !self.tf_dirs.contains(&unit_dir) {
                return None;
            }
            let (generated, generated_names) = self.generates(&layers);
            let inputs = self.unit_inputs(&layers, &child, &include_vars);
            return Some(Ok(Unit {
                dir: unit_dir.clone(),
                source_dir: unit_dir.clone(),
                // no `source` to point at: the file's start
                source_span: Span::new(file.id, 0..0),
                generated,
                generated_names,
                inputs,
                files: Vec::new(),
            }));
        };
        let address = crate::source::relative_display(&unit_dir, self.root);
        let source = match source.as_ref().ok().and_then(|v| as_string(&v.value)) {
            Some(s) => s,
            None => {
                let reason = source.err().unwrap_or_else(|| "not a string".into());
                self.issues.push(ParseIssue::new(
                    source_span,
                    format!("the unit's `source` cannot be worked out: {reason}"),
                ));
                return None;
            }
        };
        let local =
            source.starts_with("./") || source.starts_with("../") || source.starts_with('/');
        let cached = (!local)
            .then(|| cached_source(&unit_dir, &source))
            .flatten();
        if !local && cached.is_none() {
            return Some(Err(Unverifiable {
                address,
                kind: None,
                declared: source_span,
                unresolved: Unresolved {
                    reason: format!(
                        "terraform source `{source}` is not in the repository, so its resources are not inspected"
                    ),
                    span: source_span,
                    help: Some(
                        "run `terragrunt init` in the unit (yunlint then reads .terragrunt-cache), vendor the module, or lint the output of `terragrunt show -json` for a plan"
                            .into(),
                    ),
                },
            }));
        }
        // `../../modules//x`: the module is at `modules/x`
        let module_path = source
            .split('?')
            .next()
            .unwrap_or(&source)
            .replace("//", "/");
        let source_dir =
            cached.unwrap_or_else(|| lexical_normalize(&source_base.join(module_path)));
        if !source_dir.starts_with(self.root) {
            self.issues.push(
                ParseIssue::new(
                    source_span,
                    format!("terraform source `{source}` leaves the project root, which is never read outside"),
                )
                .with_help("lint from a directory that holds the module too (its yunlint.toml marks the project root)"),
            );
            return None;
        }

        let (generated, generated_names) = self.generates(&layers);
        let inputs = self.unit_inputs(&layers, &child, &include_vars);
        Some(Ok(Unit {
            dir: unit_dir.clone(),
            source_dir,
            source_span,
            generated,
            generated_names,
            inputs,
            files: Vec::new(),
        }))
    }

    /// The Terraform the `generate` blocks of a unit's layers write (the unit's override an
    /// included file's of the same name), and the names of the files they write.
    fn generates(&mut self, layers: &[(&Evaluated, Ctx<'_>)]) -> (Vec<Decls>, Vec<String>) {
        // generate blocks whose contents is Terraform: the unit's override an included file's of
        // the same name
        let mut generates: BTreeMap<String, (Decls, Vec<(String, Expr)>)> = BTreeMap::new();
        let mut generated_names = Vec::new();
        for (layer, _) in layers {
            for block in layer
                .body
                .blocks()
                .filter(|b| b.ident.as_str() == "generate")
            {
                let name = block
                    .labels
                    .first()
                    .map_or_else(String::new, |l| l.as_str().to_owned());
                if let Some(path) = block.body.get_attribute("path")
                    && let Expression::String(path) = &path.value
                {
                    generated_names.push(path.as_str().to_owned());
                }
                if let Some(decls) = self.generated(layer, block) {
                    generates.insert(name, decls);
                }
            }
        }
        let generated = generates
            .into_values()
            .map(|(mut decls, locals)| {
                decls.locals.extend(locals);
                decls
            })
            .collect();

        (generated, generated_names)
    }

    /// A unit's `inputs`: an included file's, then the unit's own over them.
    fn unit_inputs(
        &mut self,
        layers: &[(&Evaluated, Ctx<'_>)],
        child: &Evaluated,
        include_vars: &BTreeMap<String, Result<Val, Reason>>,
    ) -> Vec<RootValue> {
        // inputs: an included file's, then the unit's over them
        let mut inputs: BTreeMap<String, RootValue> = BTreeMap::new();
        for (name, reason) in std::mem::take(&mut self.unknown_locals) {
            inputs.insert(
                name.clone(),
                RootValue {
                    name,
                    value: Err(reason),
                },
            );
        }
        for (layer, ctx) in layers {
            let Some(attr) = layer.body.get_attribute("inputs") else {
                continue;
            };
            let vars = if std::ptr::eq(*layer, child) {
                include_vars.clone()
            } else {
                BTreeMap::new()
            };
            for (name, value) in self.inputs(layer, ctx, &attr.value, &vars) {
                inputs.insert(name.clone(), RootValue { name, value });
            }
        }
        inputs.into_values().collect()
    }

    /// The `inputs` of one file, one value per key.
    fn inputs(
        &mut self,
        layer: &Evaluated,
        ctx: &Ctx<'_>,
        value: &Expression,
        vars: &BTreeMap<String, Result<Val, Reason>>,
    ) -> Vec<(String, Result<Val, Reason>)> {
        let file_name = layer
            .file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Expression::Object(object) = value {
            let mut out = Vec::new();
            for (key, v) in object.iter() {
                let name = match key {
                    ObjectKey::Ident(i) => i.as_str().to_owned(),
                    ObjectKey::Expression(Expression::String(s)) => s.as_str().to_owned(),
                    ObjectKey::Expression(_) => continue,
                };
                let expr = native_expr(&layer.file, v.expr());
                let value = self
                    .eval(&expr, ctx, &layer.locals, vars, 0)
                    .map(|mut val| {
                        val.chain.retain(|v| v.span != expr.span);
                        val.chain.insert(
                            0,
                            Via {
                                span: expr.span,
                                note: format!("`{name}` set in inputs of {file_name}").into(),
                            },
                        );
                        val
                    });
                out.push((name, value));
            }
            return out;
        }
        let expr = native_expr(&layer.file, value);
        match self.eval(&expr, ctx, &layer.locals, vars, 0) {
            Ok(Val {
                value: Value::Object(map),
                chain,
            }) => map
                .into_iter()
                .map(|(k, v)| {
                    let mut chain = chain.clone();
                    chain.insert(
                        0,
                        Via {
                            span: expr.span,
                            note: format!("`{k}` set in inputs of {file_name}").into(),
                        },
                    );
                    (k, Ok(Val { value: v, chain }))
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A `generate` block's Terraform, read at its place in the file, and the `locals` its
    /// `${local.x}` interpolations refer to (as Terragrunt substitutes them).
    fn generated(
        &mut self,
        layer: &Evaluated,
        block: &Block,
    ) -> Option<(Decls, Vec<(String, Expr)>)> {
        let attr = block.body.get_attribute("contents")?;
        let range = attr.value.span()?;
        let text = &layer.file.text;
        let written = text.get(range.clone())?;
        // the template's body: a heredoc's lines, or a quoted string's inside
        let body = match &attr.value {
            Expression::HeredocTemplate(_) => {
                let first = written.find('\n')? + 1;
                let last = written.rfind('\n')?;
                (range.start + first)..(range.start + last.max(first))
            }
            _ => return None,
        };
        // The file with everything but the contents blanked: offsets are the file's own.
        let blanked: String = text
            .char_indices()
            .map(|(i, c)| {
                if body.contains(&i) || c == '\n' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let parsed = match hcl_edit::parser::parse_body(&blanked) {
            Ok(parsed) => parsed,
            Err(e) => {
                let offset = e.location().offset().min(text.len());
                self.issues.push(ParseIssue::new(
                    Span::new(layer.file.id, offset..offset),
                    format!(
                        "the contents of this generate block is not Terraform: {}",
                        e.message()
                    ),
                ));
                return None;
            }
        };
        let blanked = Arc::new(blanked);
        let decls = super::native::read(layer.file.id, &blanked, &parsed, TfKind::Config);
        // `${local.x}` in the contents: the Terragrunt local's value, as a Terraform local
        let mut decls = decls;
        let mut locals = Vec::new();
        for (name, value) in &layer.locals {
            if !text[body.clone()].contains(&format!("local.{name}")) {
                continue;
            }
            match value {
                Ok(val) => {
                    // the deepest step: where the value is written (an environment's region.hcl)
                    let span = val
                        .chain
                        .last()
                        .map_or(Span::new(layer.file.id, body.clone()), |v| v.span);
                    locals.push((name.clone(), Expr::translated(span, literal(&val.value))));
                }
                Err(reason) => {
                    // unknown (`get_env()`, a dependency's output): a variable of the unit that
                    // holds the reason, so the placement says why
                    let var = format!("terragrunt_local_{name}");
                    let span = Span::new(layer.file.id, body.clone());
                    decls.variables.push(super::decl::VarDecl {
                        name: var.clone(),
                        default: None,
                        type_expr: None,
                    });
                    locals.push((name.clone(), Expr::translated(span, format!("var.{var}"))));
                    self.unknown_locals.push((var, reason.clone()));
                }
            }
        }
        Some((decls, locals))
    }

    /// A file's `locals`, evaluated in the unit's context.
    fn evaluate(
        &mut self,
        file: &TgFile,
        ctx: &Ctx<'_>,
        vars: &BTreeMap<String, Result<Val, Reason>>,
        depth: usize,
    ) -> Option<Evaluated> {
        let body = match hcl_edit::parser::parse_body(&file.text) {
            Ok(body) => body,
            Err(e) => {
                let offset = e.location().offset().min(file.text.len());
                self.issues.push(ParseIssue::new(
                    Span::new(file.id, offset..offset),
                    e.message().to_owned(),
                ));
                return None;
            }
        };
        let defs: Vec<(String, Expr)> = body
            .blocks()
            .filter(|b| b.ident.as_str() == "locals")
            .flat_map(|b| b.body.attributes())
            .map(|a| (a.key.as_str().to_owned(), native_expr(file, &a.value)))
            .collect();
        // Terragrunt's functions and names rewritten, each local evaluated with the others
        let mut extra = vars.clone();
        let rewritten: Vec<(String, Expr)> = defs
            .iter()
            .map(|(name, expr)| (name.clone(), self.rewrite(expr, ctx, &mut extra, depth)))
            .collect();
        let scope = Scope::new(
            extra,
            rewritten
                .iter()
                .map(|(name, expr)| (name.clone(), LocalDef { expr }))
                .collect(),
            ctx.file_dir.display().to_string(),
        );
        let locals = rewritten
            .iter()
            .map(|(name, expr)| {
                let value = scope
                    .eval_expr(expr, format!("`local.{name}` in {CONFIG_NAME}"))
                    .map(|mut val| {
                        // `read_terragrunt_config(...).locals.x`: the value's own chain, in the
                        // file read
                        // (also through another local: `local.region_vars.locals.x`)
                        let text = expr.text().trim();
                        let through_local = text
                            .strip_prefix("local.")
                            .and_then(|rest| rest.split_once(".locals."))
                            .and_then(|(local, member)| {
                                let (_, read) = rewritten.iter().find(|(n, _)| n == local)?;
                                Some(format!("{}.locals.{member}", read.text().trim()))
                            });
                        if let Some(chain) = self
                            .read_member_chain(text)
                            .or_else(|| self.read_member_chain(&through_local?))
                        {
                            val.chain.truncate(1);
                            val.chain.extend(chain);
                        }
                        val
                    });
                (name.clone(), value)
            })
            .collect();
        Some(Evaluated {
            file: file.clone(),
            body,
            locals,
        })
    }

    /// The chain of `var.tg_read_N.locals.x`, a local of a file `read_terragrunt_config()` read.
    fn read_member_chain(&self, text: &str) -> Option<Vec<Via>> {
        let rest = text.trim().strip_prefix("var.")?;
        let (var, member) = rest.split_once(".locals.")?;
        self.read_chains.get(var)?.get(member).cloned()
    }

    /// Evaluates one expression of a file with its locals.
    fn eval(
        &mut self,
        expr: &Expr,
        ctx: &Ctx<'_>,
        locals: &BTreeMap<String, Result<Val, Reason>>,
        vars: &BTreeMap<String, Result<Val, Reason>>,
        depth: usize,
    ) -> Result<Val, Reason> {
        let mut vars = vars.clone();
        // the file's locals, as values
        let mut local_object = BTreeMap::new();
        let mut unknown_locals = BTreeMap::new();
        for (k, v) in locals {
            match v {
                Ok(v) => {
                    local_object.insert(k.clone(), v.value.clone());
                }
                Err(r) => {
                    unknown_locals.insert(k.clone(), r.clone());
                }
            }
        }
        let rewritten = self.rewrite(expr, ctx, &mut vars, depth);
        let local_exprs: Vec<(String, Expr)> = locals
            .iter()
            .filter_map(|(k, v)| {
                let v = v.as_ref().ok()?;
                let span = v.chain.first().map_or(expr.span, |c| c.span);
                Some((k.clone(), Expr::translated(span, literal(&v.value))))
            })
            .collect();
        let scope = Scope::new(
            vars,
            local_exprs
                .iter()
                .map(|(k, e)| (k.clone(), LocalDef { expr: e }))
                .collect(),
            ctx.file_dir.display().to_string(),
        );
        let result = scope.eval_expr(&rewritten, "terragrunt");
        if let Err(reason) = &result
            && let Some((name, why)) = unknown_locals
                .iter()
                .find(|(name, _)| reason.contains(&format!("local.{name}")))
        {
            return Err(format!("`local.{name}` is unknown: {why}"));
        }
        result
    }

    /// The expression with Terragrunt's functions and `include`/`dependency` replaced: paths by
    /// their values, unknowns by variables that say why.
    fn rewrite(
        &mut self,
        expr: &Expr,
        ctx: &Ctx<'_>,
        vars: &mut BTreeMap<String, Result<Val, Reason>>,
        depth: usize,
    ) -> Expr {
        let Ok(parsed) = expr.parse() else {
            return expr.clone();
        };
        let mut found = Rewrites::default();
        found.visit_expr(&parsed);
        if found.edits.is_empty() {
            return expr.clone();
        }
        let mut text = expr.text().to_owned();
        found.edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        for (range, edit) in found.edits {
            let replacement = match edit {
                Edit::Root(root) if root == "include" => "var.tg_include".to_owned(),
                Edit::Root(_) => {
                    vars.insert(
                        "tg_dependency".into(),
                        Err("outputs of a `dependency` are known only after it is applied (yunlint never uses `mock_outputs`)".into()),
                    );
                    "var.tg_dependency".to_owned()
                }
                Edit::Call(name, args) => self.call(&name, &args, expr, ctx, vars, depth),
            };
            if text.get(range.clone()).is_some() {
                text.replace_range(range, &replacement);
            }
        }
        Expr::translated(expr.span, text)
    }

    /// One Terragrunt function call, as HCL text.
    fn call(
        &mut self,
        name: &str,
        args: &[String],
        expr: &Expr,
        ctx: &Ctx<'_>,
        vars: &mut BTreeMap<String, Result<Val, Reason>>,
        depth: usize,
    ) -> String {
        let arg = |i: usize, this: &mut Self, vars: &mut BTreeMap<String, Result<Val, Reason>>| {
            let text = args.get(i)?;
            let inner = Expr::translated(expr.span, text.clone());
            let rewritten = this.rewrite(&inner, ctx, vars, depth);
            let scope = Scope::new(vars.clone(), BTreeMap::new(), String::new());
            scope
                .eval_expr(&rewritten, "argument")
                .ok()
                .and_then(|v| as_string(&v.value))
        };
        let show = |p: &Path| string_literal(&p.to_string_lossy());
        match name {
            "find_in_parent_folders" => {
                let wanted = arg(0, self, vars).unwrap_or_else(|| CONFIG_NAME.to_owned());
                // from the unit's parent directory upwards, never above the project root
                let found = ctx
                    .unit_dir
                    .parent()
                    .into_iter()
                    .flat_map(Path::ancestors)
                    .take_while(|d| d.starts_with(self.root))
                    .map(|d| d.join(&wanted))
                    .find(|p| self.known.contains_key(p) || p.is_file());
                match found {
                    Some(p) => show(&p),
                    None => unknown(
                        vars,
                        format!(
                            "`find_in_parent_folders(\"{wanted}\")` finds no such file in the project root"
                        ),
                    ),
                }
            }
            "path_relative_to_include" => {
                let base = ctx.include_dir.as_deref().unwrap_or(ctx.unit_dir);
                string_literal(&crate::source::relative_display(ctx.unit_dir, base))
            }
            "path_relative_from_include" => {
                let base = ctx.include_dir.as_deref().unwrap_or(ctx.unit_dir);
                string_literal(&crate::source::relative_display(base, ctx.unit_dir))
            }
            "get_terragrunt_dir" | "get_original_terragrunt_dir" => show(ctx.unit_dir),
            "get_parent_terragrunt_dir" => show(ctx.include_dir.as_deref().unwrap_or(ctx.unit_dir)),
            "get_repo_root" => show(self.root),
            "get_env" => {
                let var = args
                    .first()
                    .map(|a| a.trim().trim_matches('"').to_owned())
                    .unwrap_or_default();
                unknown(
                    vars,
                    format!(
                        "`get_env(\"{var}\")` reads the environment variable `{var}`, which yunlint never reads"
                    ),
                )
            }
            "read_terragrunt_config" => {
                let Some(path) = arg(0, self, vars) else {
                    return unknown(
                        vars,
                        "the file `read_terragrunt_config()` reads cannot be worked out",
                    );
                };
                let path = lexical_normalize(&ctx.file_dir.join(path));
                if depth >= MAX_READ_DEPTH {
                    return unknown(vars, "`read_terragrunt_config()` nests too deep");
                }
                let Some(file) = self.file(&path) else {
                    return unknown(
                        vars,
                        format!(
                            "`read_terragrunt_config()` reads `{}`, which is not a readable file of the project root",
                            path.display()
                        ),
                    );
                };
                let read_ctx = Ctx {
                    unit_dir: ctx.unit_dir,
                    file_dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
                    include_dir: ctx.include_dir.clone(),
                };
                let Some(evaluated) = self.evaluate(&file, &read_ctx, &BTreeMap::new(), depth + 1)
                else {
                    return unknown(vars, format!("`{}` does not parse", path.display()));
                };
                let mut locals = BTreeMap::new();
                let mut chains = BTreeMap::new();
                for (k, v) in &evaluated.locals {
                    if let Ok(v) = v {
                        locals.insert(k.clone(), v.value.clone());
                        chains.insert(k.clone(), v.chain.clone());
                    }
                }
                let mut object = BTreeMap::new();
                object.insert("locals".to_owned(), Value::Object(locals));
                let var = format!("tg_read_{}", self.read_chains.len());
                self.read_chains.insert(var.clone(), chains);
                vars.insert(
                    var.clone(),
                    Ok(Val {
                        value: Value::Object(object),
                        chain: Vec::new(),
                    }),
                );
                format!("var.{var}")
            }
            other => unknown(
                vars,
                format!("`{other}()` runs a command or reads an account, which yunlint never does"),
            ),
        }
    }
}

/// Where `terragrunt init` put a remote source: `<unit>/.terragrunt-cache/<hash>/<hash>/<subdir>`,
/// `<subdir>` being what follows `//` in the source.
fn cached_source(unit_dir: &Path, source: &str) -> Option<PathBuf> {
    let without_query = source.split('?').next().unwrap_or(source);
    let after_scheme = without_query
        .split_once("://")
        .map_or(without_query, |(_, rest)| rest);
    let subdir = after_scheme.split_once("//").map_or("", |(_, sub)| sub);
    let cache = unit_dir.join(".terragrunt-cache");
    let dirs = |d: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    };
    dirs(&cache)
        .iter()
        .flat_map(|h1| dirs(h1))
        .map(|h2| lexical_normalize(&h2.join(subdir)))
        .find(|candidate| candidate.starts_with(&cache) && candidate.is_dir())
}

/// A variable that is unknown for `why`, as HCL text.
fn unknown(vars: &mut BTreeMap<String, Result<Val, Reason>>, why: impl Into<String>) -> String {
    let var = format!("tg_unknown_{}", vars.len());
    vars.insert(var.clone(), Err(why.into()));
    format!("var.{var}")
}

fn native_expr(file: &TgFile, expr: &Expression) -> Expr {
    Expr::native(file.id, &file.text, expr.span().unwrap_or(0..0))
}

/// Which directories hold a unit's module (they are not roots of their own).
pub fn sources(units: &[Unit]) -> BTreeSet<PathBuf> {
    units.iter().map(|u| u.source_dir.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_back_as_hcl_that_reads_the_same() {
        let value = Value::Object(BTreeMap::from([
            (
                "region".to_owned(),
                Value::String("cn-\"hk\" ${x} %{y} \\ \n\u{1}".into()),
            ),
            (
                "zones".to_owned(),
                Value::Array(vec![Value::String("a".into()), Value::Number(2.0)]),
            ),
        ]));
        let expr = Expr::translated(Span::new(SourceId(0), 0..0), literal(&value));
        let scope = Scope::new(BTreeMap::new(), BTreeMap::new(), String::new());
        assert_eq!(scope.eval_expr(&expr, "test").unwrap().value, value);
    }

    #[test]
    fn a_remote_source_is_found_under_its_subdirectory_in_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let unit = dir.path();
        let module = unit.join(".terragrunt-cache/h1/h2/vpc");
        std::fs::create_dir_all(&module).unwrap();
        let source = "git::https://example.com/modules.git//vpc?ref=v1";
        assert_eq!(cached_source(unit, source), Some(module));
        assert_eq!(
            cached_source(unit, "git::https://example.com/modules.git//db"),
            None
        );
        let escape = "git::https://example.com/m.git//../../../../etc";
        assert_eq!(cached_source(unit, escape), None, "never above the cache");
    }
}
