//! What the Terraform pass keeps of one file: its declarations, each expression kept as HCL text and
//! parsed again only when it is evaluated. The syntax trees of a large monorepo take about 35 bytes
//! of memory per byte of source, so they are dropped as soon as a file's declarations are read.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, PoisonError, RwLock};

use hcl_edit::expr::Expression as EditExpr;

use crate::frontends::ParseIssue;
use crate::source::{SourceId, Span};

/// One expression of a file.
#[derive(Debug, Clone)]
pub struct Expr {
    /// Where it is written: what diagnostics point at.
    pub span: Span,
    /// HCL text that holds it at `start..end`: the file itself, HCL written from a JSON value, or
    /// once [`Decls::compact`] ran, the texts of every expression of the file end to end.
    text: Arc<String>,
    start: u32,
    end: u32,
    /// Whether offsets in `text` are offsets in the file, so spans inside the expression are exact.
    exact: bool,
}

impl Expr {
    /// An expression of a native-syntax file, at `range` of its text.
    pub fn native(source: SourceId, text: &Arc<String>, range: Range<usize>) -> Self {
        Expr {
            span: Span::new(source, range.clone()),
            text: Arc::clone(text),
            start: offset(range.start),
            end: offset(range.end),
            exact: true,
        }
    }

    /// HCL written for a value at `span` of a file in another syntax (Terraform's JSON).
    pub fn translated(span: Span, hcl: String) -> Self {
        Expr {
            span,
            start: 0,
            end: offset(hcl.len()),
            text: Arc::new(hcl),
            exact: false,
        }
    }

    pub fn text(&self) -> &str {
        &self.text[self.start as usize..self.end as usize]
    }

    /// The syntax tree, built again from the text. The text parsed once already as part of its
    /// file, so a failure here is a bug, reported as a reason rather than a crash.
    pub fn parse(&self) -> Result<EditExpr, String> {
        parse_text(self.text())
    }

    /// [`Expr::parse`], through `trees` when given.
    pub fn parse_shared(&self, trees: Option<&SyntaxTrees>) -> Result<Arc<EditExpr>, String> {
        match trees {
            Some(trees) => trees.parse(self.text()),
            None => self.parse().map(Arc::new),
        }
    }

    /// The span of a part of the parsed expression (`range` relative to its text).
    pub fn inner_span(&self, range: Option<Range<usize>>) -> Span {
        match range {
            Some(r) if self.exact => Span::new(
                self.span.source,
                self.span.start() + r.start..self.span.start() + r.end,
            ),
            _ => self.span,
        }
    }

    /// The expression when it is one of the commonest forms, read from its text alone.
    pub fn simple(&self) -> Option<Simple<'_>> {
        let text = self.text();
        if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            // No escapes, interpolations, directives or quotes: the text is the value.
            let plain = !inner.contains(['"', '\\', '$', '%', '\n', '\r']);
            return plain.then_some(Simple::String(inner));
        }
        if !text.is_empty()
            && text.len() <= 15
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'))
        {
            return text.parse().ok().map(Simple::Number);
        }
        let (root, name) = text.split_once('.')?;
        let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        match root {
            "var" | "local" if identifier => Some(Simple::Reference(root, name)),
            _ => None,
        }
    }

    /// Whether the expression is the literal `null`.
    pub fn is_null(&self) -> bool {
        self.text().trim() == "null"
    }
}

fn parse_text(text: &str) -> Result<EditExpr, String> {
    hcl_edit::parser::parse_expr(text)
        .map_err(|e| format!("the expression cannot be read again ({})", e.message()))
}

/// Syntax trees of expression texts, shared by every module instance of a Terraform pass.
///
/// A module is instantiated by every root that calls it, a resource's attributes are evaluated for
/// each of its `count` instances, and many expressions are written alike (`string`, `var.zones[0]`,
/// `"${local.name}-db"`): a text is parsed once per pass instead of once per evaluation. The
/// parse of a text depends on the text alone, spans included (they are relative to it), so one
/// tree serves every expression written that way. Trees take tens of bytes per byte of text, so
/// texts are kept up to [`SyntaxTrees::MAX_TEXT`] bytes in all; past it, a new text is parsed
/// each time it is evaluated, as without the cache.
#[derive(Default)]
pub struct SyntaxTrees {
    kept: RwLock<KeptTrees>,
}

#[derive(Default)]
struct KeptTrees {
    by_text: HashMap<Box<str>, Arc<EditExpr>>,
    text_bytes: usize,
}

impl SyntaxTrees {
    /// Bytes of expression text whose trees are kept: a few megabytes of trees.
    const MAX_TEXT: usize = 128 << 10;

    fn parse(&self, text: &str) -> Result<Arc<EditExpr>, String> {
        let room = {
            let kept = self.kept.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(tree) = kept.by_text.get(text) {
                return Ok(Arc::clone(tree));
            }
            kept.text_bytes + text.len() <= Self::MAX_TEXT
        };
        let tree = Arc::new(parse_text(text)?);
        if !room {
            // full: no thread waits for the write lock to learn it
            return Ok(tree);
        }
        let mut kept = self.kept.write().unwrap_or_else(PoisonError::into_inner);
        if kept.text_bytes + text.len() <= Self::MAX_TEXT && !kept.by_text.contains_key(text) {
            kept.text_bytes += text.len();
            kept.by_text.insert(text.into(), Arc::clone(&tree));
        }
        Ok(tree)
    }
}

/// An expression simple enough to evaluate without parsing it again.
#[derive(Debug, PartialEq, Eq)]
pub enum Simple<'a> {
    /// `"text"` with nothing to escape or interpolate.
    String(&'a str),
    /// `var.name` or `local.name`: the root and the name.
    Reference(&'a str, &'a str),
    /// A whole number written in decimal (`count = 2`).
    Number(u64),
}

/// Offsets in expression texts, 32-bit like [`Span`]'s.
fn offset(at: usize) -> u32 {
    u32::try_from(at).expect("expression texts are smaller than 4 GiB, like the files")
}

/// A `variable` block.
pub struct VarDecl {
    pub name: String,
    pub default: Option<Expr>,
    /// The type constraint (`object({ region = optional(string, "cn-shanghai") })`).
    pub type_expr: Option<Expr>,
}

/// A `provider` block.
pub struct ProviderDecl {
    /// `alicloud` or `alicloud.dr`.
    pub key: String,
    pub ptype: String,
    /// The block's header (`provider "alicloud"`).
    pub span: Span,
    pub attrs: Attrs,
}

/// A `resource` block.
pub struct ResourceDecl {
    pub rtype: String,
    pub name: String,
    /// The block header (`resource "type" "name"`), or the name's key in JSON.
    pub span: Span,
    /// The whole block.
    pub block: Span,
    /// The `provider = x.alias` meta-argument: the configuration key and its span.
    pub provider: Option<(String, Span)>,
    /// The attributes the resolver may read, nested blocks' as `block.attribute`.
    pub attrs: Attrs,
}

/// A `module` block.
pub struct CallDecl {
    pub name: String,
    pub source: Option<(String, Span)>,
    /// `providers = { child = parent }` as (child key, parent key, span), when present.
    pub providers: Option<Vec<(String, String, Span)>>,
    /// Every attribute, meta-arguments included.
    pub attrs: Attrs,
}

/// Attributes by name, in the order written.
#[derive(Default)]
pub struct Attrs(pub Vec<(String, Expr)>);

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&Expr> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Expr)> {
        self.0.iter().map(|(n, e)| (n.as_str(), e))
    }
}

/// Everything one `.tf`, `.tf.json`, `.tfvars` or `.tfvars.json` file declares.
#[derive(Default)]
pub struct Decls {
    pub variables: Vec<VarDecl>,
    pub locals: Vec<(String, Expr)>,
    pub providers: Vec<ProviderDecl>,
    pub resources: Vec<ResourceDecl>,
    /// `data` blocks, read like resources.
    pub data: Vec<ResourceDecl>,
    /// `output` blocks: each name and its `value`.
    pub outputs: Vec<(String, Expr)>,
    pub calls: Vec<CallDecl>,
    /// A `.tfvars` file's `name = value` lines.
    pub values: Vec<(String, Expr)>,
    /// Problems found while reading the declarations (a module `source` that is not a literal).
    pub issues: Vec<ParseIssue>,
}

impl Decls {
    /// Copies the texts of every expression into one string and points the expressions at it,
    /// so that the file's text is not needed any more: the expressions a resolver may evaluate are
    /// a fraction of a file, which also holds every attribute it never reads, blocks and comments.
    pub fn compact(&mut self) {
        let mut exprs: Vec<&mut Expr> = Vec::new();
        for v in &mut self.variables {
            exprs.extend(v.default.as_mut());
            exprs.extend(v.type_expr.as_mut());
        }
        exprs.extend(self.locals.iter_mut().map(|(_, e)| e));
        exprs.extend(self.values.iter_mut().map(|(_, e)| e));
        exprs.extend(self.outputs.iter_mut().map(|(_, e)| e));
        for d in &mut self.data {
            exprs.extend(d.attrs.0.iter_mut().map(|(_, e)| e));
        }
        for p in &mut self.providers {
            exprs.extend(p.attrs.0.iter_mut().map(|(_, e)| e));
        }
        for r in &mut self.resources {
            exprs.extend(r.attrs.0.iter_mut().map(|(_, e)| e));
        }
        for c in &mut self.calls {
            exprs.extend(c.attrs.0.iter_mut().map(|(_, e)| e));
        }
        let mut kept = String::with_capacity(exprs.iter().map(|e| e.text().len()).sum());
        let ranges: Vec<(u32, u32)> = exprs
            .iter()
            .map(|e| {
                let start = offset(kept.len());
                kept.push_str(e.text());
                (start, offset(kept.len()))
            })
            .collect();
        let kept = Arc::new(kept);
        for (expr, (start, end)) in exprs.into_iter().zip(ranges) {
            expr.text = Arc::clone(&kept);
            expr.start = start;
            expr.end = end;
        }
        self.shrink();
    }

    fn shrink(&mut self) {
        self.variables.shrink_to_fit();
        self.locals.shrink_to_fit();
        self.values.shrink_to_fit();
        self.outputs.shrink_to_fit();
        self.issues.shrink_to_fit();
        for attrs in self
            .data
            .iter_mut()
            .chain(&mut self.resources)
            .map(|d| &mut d.attrs)
            .chain(self.providers.iter_mut().map(|p| &mut p.attrs))
            .chain(self.calls.iter_mut().map(|c| &mut c.attrs))
        {
            attrs.0.shrink_to_fit();
        }
        self.data.shrink_to_fit();
        self.resources.shrink_to_fit();
        self.providers.shrink_to_fit();
        self.calls.shrink_to_fit();
    }
}

/// Nested blocks of a resource are read this deep for attribute paths (`rule.destination.bucket`
/// is 3), in both syntaxes.
pub const MAX_PATH_DEPTH: usize = 4;

/// Resource attributes worth keeping: every top-level argument (another resource may refer to it,
/// `azurerm_resource_group.rg.location`), and the nested attribute paths the resource table names
/// (zones, replica destinations). Other nested attributes are never read.
pub fn is_resource_attr_read(path: &str) -> bool {
    !path.contains('.') || super::table::ATTRIBUTE_PATHS.contains(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_simple(text: &str, expected: Option<Simple<'_>>) {
        let expr = Expr::native(SourceId(0), &Arc::new(text.to_owned()), 0..text.len());
        assert_eq!(expr.simple(), expected, "{text}");
    }

    #[test]
    fn only_plain_strings_whole_numbers_and_bare_references_are_simple() {
        assert_simple(r#""cn-shanghai""#, Some(Simple::String("cn-shanghai")));
        assert_simple(r#""上海""#, Some(Simple::String("上海")));
        assert_simple("var.region", Some(Simple::Reference("var", "region")));
        assert_simple("local.dr-zone", Some(Simple::Reference("local", "dr-zone")));
        assert_simple("0", Some(Simple::Number(0)));
        assert_simple("42", Some(Simple::Number(42)));
        for parsed in [
            r#""${var.region}""#,
            r#""a\"b""#,
            r#""%{ if x }y%{ endif }""#,
            "\"a\nb\"",
            "var.regions.primary",
            "var.regions[0]",
            "var.1x",
            "module.vpc",
            "data.x",
            "var.",
            " var.region",
            "\"",
            "042",
            "4.2",
            "-1",
            "1e3",
            "1234567890123456",
        ] {
            assert_simple(parsed, None);
        }
    }
}
