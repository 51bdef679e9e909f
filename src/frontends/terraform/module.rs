//! The declarations of one module directory, read from its `.tf` files' syntax trees.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel, Body};

use super::eval::LocalDef;
use crate::frontends::ParseIssue;
use crate::source::{SourceId, Span};

pub struct VarDecl<'a> {
    pub default: Option<(&'a Expression, Span)>,
}

pub struct ProviderDecl<'a> {
    /// `alicloud` or `alicloud.dr`.
    pub key: String,
    pub ptype: String,
    pub body: &'a Body,
    pub source: SourceId,
}

pub struct ResourceDecl<'a> {
    pub rtype: String,
    pub name: String,
    pub body: &'a Body,
    pub source: SourceId,
    /// The block header: `resource "type" "name"`.
    pub span: Span,
    /// The whole block.
    pub block: Span,
    /// The `provider = x.alias` meta-argument: the configuration key and its span.
    pub provider: Option<(String, Span)>,
}

pub struct CallDecl<'a> {
    pub name: String,
    pub source: Option<(String, Span)>,
    pub body: &'a Body,
    pub file: SourceId,
}

/// Everything a module directory declares.
pub struct ModuleDef<'a> {
    pub dir: PathBuf,
    pub variables: BTreeMap<String, VarDecl<'a>>,
    pub locals: Vec<(String, &'a Expression, Span)>,
    pub providers: Vec<ProviderDecl<'a>>,
    pub resources: Vec<ResourceDecl<'a>>,
    pub calls: Vec<CallDecl<'a>>,
}

pub fn span_of(source: SourceId, node: &impl hcl_edit::Span) -> Span {
    Span::new(source, node.span().unwrap_or(0..0))
}

fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels.get(i).map(BlockLabel::as_str)
}

/// `resource "type" "name"`: from the block keyword to the last label.
fn header_span(source: SourceId, block: &Block) -> Span {
    let start = block.ident.span().map_or(0, |r| r.start);
    let end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map_or(start, |r| r.end);
    Span::new(source, start..end)
}

/// `alicloud` or `alicloud.dr` from a reference expression.
pub fn reference_key(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.as_str().to_owned()),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut key = root.as_str().to_owned();
            for op in &t.operators {
                let TraversalOperator::GetAttr(attr) = op.value() else {
                    return None;
                };
                key.push('.');
                key.push_str(attr.as_str());
            }
            Some(key)
        }
        _ => None,
    }
}

/// The literal string of an expression, if it is one.
pub fn literal_string(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(s) => Some(s.as_str()),
        _ => None,
    }
}

/// `providers = { alicloud = alicloud.dr }` as (child key, parent key, span).
pub fn providers_map(source: SourceId, body: &Body) -> Option<Vec<(String, String, Span)>> {
    let attr = body.get_attribute("providers")?;
    let Expression::Object(object) = &attr.value else {
        return Some(Vec::new());
    };
    Some(
        object
            .iter()
            .filter_map(|(key, value)| {
                let child = match key {
                    ObjectKey::Ident(i) => i.as_str().to_owned(),
                    ObjectKey::Expression(e) => {
                        reference_key(e).or_else(|| literal_string(e).map(str::to_owned))?
                    }
                };
                let parent = reference_key(value.expr())?;
                Some((child, parent, span_of(source, value.expr())))
            })
            .collect(),
    )
}

impl<'a> ModuleDef<'a> {
    pub fn read(
        dir: PathBuf,
        files: &[(SourceId, &'a Body)],
        issues: &mut Vec<ParseIssue>,
    ) -> Self {
        let mut module = ModuleDef {
            dir,
            variables: BTreeMap::new(),
            locals: Vec::new(),
            providers: Vec::new(),
            resources: Vec::new(),
            calls: Vec::new(),
        };
        for &(source, body) in files {
            for block in body.blocks() {
                module.read_block(source, block, issues);
            }
        }
        module
    }

    fn read_block(&mut self, source: SourceId, block: &'a Block, issues: &mut Vec<ParseIssue>) {
        match (block.ident.as_str(), label(block, 0), label(block, 1)) {
            ("variable", Some(name), _) => {
                let default = block
                    .body
                    .get_attribute("default")
                    .map(|a| (&a.value, span_of(source, &a.value)));
                self.variables.insert(name.to_owned(), VarDecl { default });
            }
            ("locals", _, _) => {
                for attr in block.body.attributes() {
                    self.locals.push((
                        attr.key.as_str().to_owned(),
                        &attr.value,
                        span_of(source, &attr.value),
                    ));
                }
            }
            ("provider", Some(ptype), _) => {
                let alias = block
                    .body
                    .get_attribute("alias")
                    .and_then(|a| literal_string(&a.value).map(str::to_owned));
                let key = match alias {
                    Some(alias) => format!("{ptype}.{alias}"),
                    None => ptype.to_owned(),
                };
                self.providers.push(ProviderDecl {
                    key,
                    ptype: ptype.to_owned(),
                    body: &block.body,
                    source,
                });
            }
            ("resource", Some(rtype), Some(name)) => {
                let provider = block.body.get_attribute("provider").and_then(|a| {
                    reference_key(&a.value).map(|key| (key, span_of(source, &a.value)))
                });
                self.resources.push(ResourceDecl {
                    rtype: rtype.to_owned(),
                    name: name.to_owned(),
                    body: &block.body,
                    source,
                    span: header_span(source, block),
                    block: span_of(source, block),
                    provider,
                });
            }
            ("module", Some(name), _) => {
                let source_attr = block.body.get_attribute("source");
                let module_source = source_attr.and_then(|a| {
                    literal_string(&a.value).map(|s| (s.to_owned(), span_of(source, &a.value)))
                });
                if source_attr.is_some() && module_source.is_none() {
                    issues.push(
                        ParseIssue::new(
                            header_span(source, block),
                            format!("module `{name}` has a `source` that is not a literal string"),
                        )
                        .with_help("Terraform requires a literal module source"),
                    );
                }
                self.calls.push(CallDecl {
                    name: name.to_owned(),
                    source: module_source,
                    body: &block.body,
                    file: source,
                });
            }
            _ => {}
        }
    }

    pub fn local_defs(&self) -> BTreeMap<String, LocalDef<'a>> {
        self.locals
            .iter()
            .map(|(name, expr, span)| (name.clone(), LocalDef { expr, span: *span }))
            .collect()
    }
}
