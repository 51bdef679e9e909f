//! Terraform's native syntax (`.tf`, `.tfvars`): the hcl-edit syntax tree read into declarations.

use std::sync::Arc;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, BlockLabel, Body};

use super::TfKind;
use super::decl::{
    Attrs, CallDecl, Decls, Expr, MAX_PATH_DEPTH, ProviderDecl, ResourceDecl, VarDecl,
    is_resource_attr_read,
};
use crate::frontends::ParseIssue;
use crate::source::{SourceId, Span};

struct Reader<'t> {
    source: SourceId,
    text: &'t Arc<String>,
}

pub fn read(source: SourceId, text: &Arc<String>, body: &Body, kind: TfKind) -> Decls {
    let reader = Reader { source, text };
    let mut decls = Decls::default();
    match kind {
        TfKind::Vars => {
            decls.values = body
                .attributes()
                .map(|a| (a.key.as_str().to_owned(), reader.expr(&a.value)))
                .collect();
        }
        TfKind::Config => {
            for block in body.blocks() {
                reader.block(block, &mut decls);
            }
        }
    }
    decls
}

fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels.get(i).map(BlockLabel::as_str)
}

/// `alicloud` or `alicloud.dr` from a reference expression.
fn reference_key(expr: &Expression) -> Option<String> {
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
fn literal_string(expr: &Expression) -> Option<&str> {
    match expr {
        Expression::String(s) => Some(s.as_str()),
        _ => None,
    }
}

impl Reader<'_> {
    fn span(&self, node: &impl hcl_edit::Span) -> Span {
        Span::new(self.source, node.span().unwrap_or(0..0))
    }

    fn expr(&self, expr: &Expression) -> Expr {
        Expr::native(self.source, self.text, expr.span().unwrap_or(0..0))
    }

    /// `resource "type" "name"`: from the block keyword to the last label.
    fn header_span(&self, block: &Block) -> Span {
        let start = block.ident.span().map_or(0, |r| r.start);
        let end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| block.ident.span())
            .map_or(start, |r| r.end);
        Span::new(self.source, start..end)
    }

    fn attrs(&self, body: &Body) -> Attrs {
        Attrs(
            body.attributes()
                .map(|a| (a.key.as_str().to_owned(), self.expr(&a.value)))
                .collect(),
        )
    }

    /// The attributes of a body and of its nested blocks (the first block of each type, as
    /// `block.attribute`) that the resolver reads.
    fn flatten(&self, body: &Body, prefix: &str, depth: usize, out: &mut Vec<(String, Expr)>) {
        for attr in body.attributes() {
            let path = format!("{prefix}{}", attr.key.as_str());
            if is_resource_attr_read(&path) {
                out.push((path, self.expr(&attr.value)));
            }
        }
        if depth >= MAX_PATH_DEPTH {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for block in body.blocks() {
            let ident = block.ident.as_str();
            if seen.contains(&ident) {
                continue;
            }
            seen.push(ident);
            self.flatten(&block.body, &format!("{prefix}{ident}."), depth + 1, out);
        }
    }

    /// `providers = { alicloud = alicloud.dr }` as (child key, parent key, span).
    fn providers_map(&self, body: &Body) -> Option<Vec<(String, String, Span)>> {
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
                    Some((child, parent, self.span(value.expr())))
                })
                .collect(),
        )
    }

    fn block(&self, block: &Block, decls: &mut Decls) {
        match (block.ident.as_str(), label(block, 0), label(block, 1)) {
            ("variable", Some(name), _) => decls.variables.push(VarDecl {
                name: name.to_owned(),
                default: block
                    .body
                    .get_attribute("default")
                    .map(|a| self.expr(&a.value)),
                type_expr: block
                    .body
                    .get_attribute("type")
                    .map(|a| self.expr(&a.value)),
            }),
            ("locals", _, _) => decls.locals.extend(
                block
                    .body
                    .attributes()
                    .map(|a| (a.key.as_str().to_owned(), self.expr(&a.value))),
            ),
            ("provider", Some(ptype), _) => {
                let alias = block
                    .body
                    .get_attribute("alias")
                    .and_then(|a| literal_string(&a.value).map(str::to_owned));
                decls.providers.push(ProviderDecl {
                    key: match alias {
                        Some(alias) => format!("{ptype}.{alias}"),
                        None => ptype.to_owned(),
                    },
                    ptype: ptype.to_owned(),
                    span: self.header_span(block),
                    attrs: self.attrs(&block.body),
                });
            }
            (kind @ ("resource" | "data"), Some(rtype), Some(name)) => {
                let mut attrs = Vec::new();
                self.flatten(&block.body, "", 0, &mut attrs);
                let list = if kind == "data" {
                    &mut decls.data
                } else {
                    &mut decls.resources
                };
                list.push(ResourceDecl {
                    rtype: rtype.to_owned(),
                    name: name.to_owned(),
                    span: self.header_span(block),
                    block: self.span(block),
                    provider: block.body.get_attribute("provider").and_then(|a| {
                        reference_key(&a.value).map(|key| (key, self.span(&a.value)))
                    }),
                    attrs: Attrs(attrs),
                });
            }
            ("output", Some(name), _) => {
                if let Some(value) = block.body.get_attribute("value") {
                    decls
                        .outputs
                        .push((name.to_owned(), self.expr(&value.value)));
                }
            }
            ("module", Some(name), _) => {
                let source_attr = block.body.get_attribute("source");
                let source = source_attr.and_then(|a| {
                    literal_string(&a.value).map(|s| (s.to_owned(), self.span(&a.value)))
                });
                if source_attr.is_some() && source.is_none() {
                    decls.issues.push(
                        ParseIssue::new(
                            self.header_span(block),
                            format!("module `{name}` has a `source` that is not a literal string"),
                        )
                        .with_help("Terraform requires a literal module source"),
                    );
                }
                decls.calls.push(CallDecl {
                    name: name.to_owned(),
                    source,
                    providers: self.providers_map(&block.body),
                    attrs: self.attrs(&block.body),
                });
            }
            _ => {}
        }
    }
}
