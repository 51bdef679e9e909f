//! Terraform's JSON syntax (`.tf.json`, `.tfvars.json`) read into the same declarations as the
//! native syntax. Each value is written out as the HCL expression Terraform reads it as: strings are
//! templates (`"${var.region}"`), except in variable defaults and tfvars files, where they are
//! literal; numbers, booleans, null, arrays and objects are themselves. Diagnostics point at the JSON
//! values. Properties named `//` are comments, as in Terraform.

use jsonc_parser::ast::{Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;

use super::TfKind;
use super::decl::{
    Attrs, CallDecl, Decls, Expr, MAX_PATH_DEPTH, ProviderDecl, ResourceDecl, VarDecl,
    is_resource_attr_read,
};
use crate::frontends::ParseIssue;
use crate::frontends::plan_json::parse_strict;
use crate::source::{SourceId, Span};

/// How a JSON string is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strings {
    /// A template: `${...}` interpolates.
    Template,
    /// A literal: `${` is just text.
    Literal,
}

pub fn read(id: SourceId, text: &str, kind: TfKind) -> Result<Decls, ParseIssue> {
    let root = parse_strict(id, text, |span| {
        ParseIssue::new(span, "the JSON nests deeper than 512 levels")
    })?;
    let Some(Value::Object(root)) = root else {
        let range = root.as_ref().map_or(0..0, |v| v.start()..v.end());
        return Err(ParseIssue::new(
            Span::new(id, range),
            "a Terraform JSON file holds one JSON object",
        ));
    };
    let reader = Reader { id };
    let mut decls = Decls::default();
    match kind {
        TfKind::Vars => {
            decls.values = properties(&root)
                .map(|p| {
                    let name = p.name.as_str().to_owned();
                    (name, reader.expr(&p.value, Strings::Literal))
                })
                .collect();
        }
        TfKind::Config => {
            for prop in properties(&root) {
                reader.top_level(prop, &mut decls);
            }
        }
    }
    Ok(decls)
}

/// The properties of an object, without `//` comments.
fn properties<'o, 'a>(object: &'o Object<'a>) -> impl Iterator<Item = &'o ObjectProp<'a>> {
    object.properties.iter().filter(|p| p.name.as_str() != "//")
}

/// The bodies of a block: an object, or an array of objects for several blocks.
fn bodies<'v, 'a>(value: &'v Value<'a>) -> Vec<&'v Object<'a>> {
    match value {
        Value::Object(o) => vec![o],
        Value::Array(items) => items
            .elements
            .iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `alicloud.dr` from `"alicloud.dr"` or the older `"${alicloud.dr}"`.
fn reference_key(value: &Value) -> Option<String> {
    let Value::StringLit(s) = value else {
        return None;
    };
    let text = s.value.trim();
    let text = text
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text)
        .trim();
    let valid = !text.is_empty()
        && text.split('.').all(|part| {
            part.chars().next().is_some_and(char::is_alphabetic)
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        });
    valid.then(|| text.to_owned())
}

/// Writes a JSON value as an HCL expression.
fn write_hcl(value: &Value, strings: Strings, out: &mut String) {
    match value {
        Value::StringLit(s) => write_string(&s.value, strings, out),
        Value::NumberLit(n) => out.push_str(n.value),
        Value::BooleanLit(b) => out.push_str(if b.value { "true" } else { "false" }),
        Value::NullKeyword(_) => out.push_str("null"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.elements.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_hcl(item, strings, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            for (i, prop) in object.properties.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(prop.name.as_str(), strings, out);
                out.push_str(" = ");
                write_hcl(&prop.value, strings, out);
            }
            out.push('}');
        }
    }
}

/// An HCL quoted string; a literal one has its `${` and `%{` escaped. In a template, what is
/// inside `${ }` and `%{ }` is expression syntax and is copied as it is: its quotes start nested
/// strings (`${lookup(var.m, "k")}`), they are not characters of the text to escape.
fn write_string(text: &str, strings: Strings, out: &mut String) {
    out.push('"');
    let mut chars = text.chars().peekable();
    // Inside an interpolation or directive: its brace depth, and whether in a nested string.
    let mut depth = 0usize;
    let mut nested_string = false;
    while let Some(c) = chars.next() {
        if depth > 0 {
            out.push(c);
            match c {
                '\\' if nested_string => {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                }
                '"' => nested_string = !nested_string,
                '{' if !nested_string => depth += 1,
                '}' if !nested_string => depth -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            // `$${` and `%%{` are escapes in a template: text, not an interpolation.
            '$' | '%' if strings == Strings::Template && chars.peek() == Some(&c) => {
                out.push(c);
                out.push(c);
                chars.next();
            }
            '$' | '%' if strings == Strings::Template && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push('{');
                chars.next();
                depth = 1;
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if strings == Strings::Literal && chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Reader {
    id: SourceId,
}

impl Reader {
    fn span(&self, node: &impl Ranged) -> Span {
        Span::new(self.id, node.start()..node.end())
    }

    fn expr(&self, value: &Value, strings: Strings) -> Expr {
        let mut hcl = String::new();
        write_hcl(value, strings, &mut hcl);
        Expr::translated(self.span(value), hcl)
    }

    fn attrs(&self, body: &Object) -> Attrs {
        Attrs(
            properties(body)
                .map(|p| {
                    let name = p.name.as_str().to_owned();
                    (name, self.expr(&p.value, Strings::Template))
                })
                .collect(),
        )
    }

    /// The resource attributes the resolver reads, nested blocks' (the first of each type) as
    /// `block.attribute`. An object value may be an attribute (`tags`) or a block: both are kept.
    fn flatten(&self, body: &Object, prefix: &str, depth: usize, out: &mut Vec<(String, Expr)>) {
        for prop in properties(body) {
            let path = format!("{prefix}{}", prop.name.as_str());
            if is_resource_attr_read(&path) {
                out.push((path.clone(), self.expr(&prop.value, Strings::Template)));
            }
            if depth < MAX_PATH_DEPTH
                && let Some(nested) = bodies(&prop.value).first()
            {
                self.flatten(nested, &format!("{path}."), depth + 1, out);
            }
        }
    }

    fn not_an_object(&self, what: &str, value: &Value) -> ParseIssue {
        ParseIssue::new(
            self.span(value),
            format!("{what} must be a JSON object in Terraform's JSON syntax"),
        )
    }

    /// The labelled entries of a block type: `{"label": value}`.
    fn labelled<'o, 'a>(
        &self,
        what: &str,
        value: &'o Value<'a>,
        decls: &mut Decls,
    ) -> Vec<&'o ObjectProp<'a>> {
        match value {
            Value::Object(o) => properties(o).collect(),
            other => {
                decls.issues.push(self.not_an_object(what, other));
                Vec::new()
            }
        }
    }

    fn top_level(&self, prop: &ObjectProp, decls: &mut Decls) {
        let block_type = prop.name.as_str();
        match block_type {
            "variable" => {
                for var in self.labelled("`variable`", &prop.value, decls) {
                    let default = bodies(&var.value)
                        .first()
                        .and_then(|body| body.get("default"))
                        .map(|d| self.expr(&d.value, Strings::Literal));
                    // A type is written as a string holding the type expression.
                    let type_expr = bodies(&var.value)
                        .first()
                        .and_then(|body| body.get("type"))
                        .and_then(|t| match &t.value {
                            Value::StringLit(lit) => {
                                Some(Expr::translated(self.span(&t.value), lit.value.to_string()))
                            }
                            _ => None,
                        });
                    decls.variables.push(VarDecl {
                        name: var.name.as_str().to_owned(),
                        default,
                        type_expr,
                    });
                }
            }
            "locals" => {
                for body in bodies(&prop.value) {
                    decls.locals.extend(properties(body).map(|p| {
                        let name = p.name.as_str().to_owned();
                        (name, self.expr(&p.value, Strings::Template))
                    }));
                }
            }
            "provider" => {
                for provider in self.labelled("`provider`", &prop.value, decls) {
                    let ptype = provider.name.as_str();
                    for body in bodies(&provider.value) {
                        let alias = body.get_string("alias").map(|a| a.value.to_string());
                        decls.providers.push(ProviderDecl {
                            key: match alias {
                                Some(alias) => format!("{ptype}.{alias}"),
                                None => ptype.to_owned(),
                            },
                            ptype: ptype.to_owned(),
                            span: self.span(&provider.name),
                            attrs: self.attrs(body),
                        });
                    }
                }
            }
            kind @ ("resource" | "data") => {
                for rtype in self.labelled(&format!("`{kind}`"), &prop.value, decls) {
                    let what = format!("`{kind}.{}`", rtype.name.as_str());
                    for resource in self.labelled(&what, &rtype.value, decls) {
                        for body in bodies(&resource.value) {
                            let decl = self.resource(rtype.name.as_str(), resource, body);
                            if kind == "data" {
                                decls.data.push(decl);
                            } else {
                                decls.resources.push(decl);
                            }
                        }
                    }
                }
            }
            "output" => {
                for output in self.labelled("`output`", &prop.value, decls) {
                    if let Some(value) = bodies(&output.value)
                        .first()
                        .and_then(|body| body.get("value"))
                    {
                        decls.outputs.push((
                            output.name.as_str().to_owned(),
                            self.expr(&value.value, Strings::Template),
                        ));
                    }
                }
            }
            "module" => {
                for call in self.labelled("`module`", &prop.value, decls) {
                    for body in bodies(&call.value) {
                        self.call(call, body, decls);
                    }
                }
            }
            _ => {}
        }
    }

    fn resource(&self, rtype: &str, resource: &ObjectProp, body: &Object) -> ResourceDecl {
        let mut attrs = Vec::new();
        self.flatten(body, "", 0, &mut attrs);
        ResourceDecl {
            rtype: rtype.to_owned(),
            name: resource.name.as_str().to_owned(),
            span: self.span(&resource.name),
            block: self.span(resource),
            provider: body
                .get("provider")
                .and_then(|p| reference_key(&p.value).map(|key| (key, self.span(&p.value)))),
            attrs: Attrs(attrs),
        }
    }

    fn call(&self, call: &ObjectProp, body: &Object, decls: &mut Decls) {
        let name = call.name.as_str();
        let source = body.get("source").and_then(|s| match &s.value {
            Value::StringLit(lit) => Some((lit.value.to_string(), self.span(&s.value))),
            other => {
                decls.issues.push(
                    ParseIssue::new(
                        self.span(other),
                        format!("module `{name}` has a `source` that is not a string"),
                    )
                    .with_help("Terraform requires a literal module source"),
                );
                None
            }
        });
        let providers = body.get("providers").map(|p| match &p.value {
            Value::Object(map) => properties(map)
                .filter_map(|entry| {
                    let parent = reference_key(&entry.value)?;
                    let child = entry.name.as_str().to_owned();
                    Some((child, parent, self.span(&entry.value)))
                })
                .collect(),
            _ => Vec::new(),
        });
        decls.calls.push(CallDecl {
            name: name.to_owned(),
            source,
            providers,
            attrs: self.attrs(body),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(json: &str) -> Value<'_> {
        parse_strict(SourceId(0), json, |span| ParseIssue::new(span, "too deep"))
            .unwrap()
            .unwrap()
    }

    fn hcl(json: &str, strings: Strings) -> String {
        let mut out = String::new();
        write_hcl(&value(json), strings, &mut out);
        out
    }

    #[test]
    fn values_become_the_hcl_terraform_reads() {
        assert_eq!(
            hcl(r#""${var.region}""#, Strings::Template),
            r#""${var.region}""#
        );
        assert_eq!(
            hcl(r#""${var.region}""#, Strings::Literal),
            r#""$${var.region}""#
        );
        assert_eq!(
            hcl(
                r#"{"a": [1, true, null], "b\"c": "x\ny\\"}"#,
                Strings::Template
            ),
            r#"{"a" = [1, true, null], "b\"c" = "x\ny\\"}"#
        );
        assert_eq!(
            hcl(r#""tab\there \u0001""#, Strings::Template),
            r#""tab\there \u0001""#
        );
        assert_eq!(
            hcl(
                r#""a \"${try(lookup(var.m, \"}\"), \"x\\\"y\")}\" %{ if true }b%{ endif } $${c} %%{d}""#,
                Strings::Template
            ),
            r#""a \"${try(lookup(var.m, "}"), "x\"y")}\" %{ if true }b%{ endif } $${c} %%{d}""#,
            "expression syntax inside an interpolation is copied as it is"
        );
    }

    #[test]
    fn provider_references_in_both_spellings() {
        assert_eq!(
            reference_key(&value(r#""alicloud.dr""#)).as_deref(),
            Some("alicloud.dr")
        );
        assert_eq!(
            reference_key(&value(r#""${alicloud.dr}""#)).as_deref(),
            Some("alicloud.dr")
        );
        assert_eq!(reference_key(&value(r#""not a ref""#)), None);
    }
}
