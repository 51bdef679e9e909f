//! Terraform-managed Kubernetes: `kubernetes_*`, `helm_release` and `kubectl_manifest` resources
//! run on the cluster that their provider configuration connects to. A `kubernetes`, `helm` or
//! `kubectl` provider block whose `host`, `cluster_ca_certificate` (or any other argument, nested
//! `kubernetes` block included) refers to a cluster resource of the same module places every
//! resource that uses it on that cluster, with the chain through the provider block.
//!
//! A data source of the same module directory that reads a cluster resource
//! (`data "aws_eks_cluster" "x" { name = aws_eks_cluster.x.name }`) and an output of a local
//! module whose value refers to one (`module.cce.endpoint`) are followed one step. The
//! provider and data blocks are read again from their files with `hcl-edit`, for their references
//! only; the evaluator is not involved.

use std::collections::HashMap;
use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::visit::{Visit, visit_traversal};

use super::clusters::TerraformIndex;
use crate::model::{Origin, Placement, Resolved, Via, WorkloadKind};
use crate::source::{SourceMap, Span};

/// Providers whose resources are Kubernetes objects, and the resource types they manage.
const PROVIDERS: [(&str, &str); 3] = [
    ("kubernetes", "kubernetes_"),
    ("helm", "helm_release"),
    ("kubectl", "kubectl_manifest"),
];

/// Root names of references that are not resources (data sources are followed on their own).
const NOT_RESOURCES: [&str; 7] = ["var", "local", "path", "terraform", "each", "count", "self"];

/// A reference `type.name` in a provider block, with its span.
struct Reference {
    address: String,
    span: Range<usize>,
}

#[derive(Default)]
struct References(Vec<Reference>);

impl Visit for References {
    fn visit_traversal(&mut self, node: &Traversal) {
        let attr = |i: usize| match node.operators.get(i).map(|o| &**o) {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
            _ => None,
        };
        if let Expression::Variable(root) = &node.expr
            && !NOT_RESOURCES.contains(&root.as_str())
            && let Some(first) = attr(0)
        {
            let address = if matches!(root.as_str(), "data" | "module") {
                attr(1).map(|name| format!("{}.{first}.{name}", root.as_str()))
            } else {
                Some(format!("{}.{first}", root.as_str()))
            };
            if let Some(address) = address {
                self.0.push(Reference {
                    address,
                    span: node.span().unwrap_or(0..0),
                });
            }
        }
        visit_traversal(self, node);
    }
}

/// The references in the provider block whose header starts at `header`.
fn provider_references(text: &str, header: usize) -> Vec<Reference> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    let block = body
        .blocks()
        .find(|b| b.ident.as_str() == "provider" && b.span().is_some_and(|s| s.contains(&header)));
    let mut references = References::default();
    if let Some(block) = block {
        references.visit_body(&block.body);
    }
    references.0
}

/// The block `<ident> "<labels>"…` of one file, parsed again for its references.
fn find_block<T>(
    text: &str,
    ident: &str,
    labels: &[&str],
    read: impl FnOnce(&hcl_edit::structure::Block) -> Option<T>,
) -> Option<T> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let block = body.blocks().find(|b| {
        b.ident.as_str() == ident
            && b.labels
                .iter()
                .map(|l| l.as_str())
                .eq(labels.iter().copied())
    })?;
    read(block)
}

/// The references in a block's body.
fn references_in(block: &hcl_edit::structure::Block) -> Option<Vec<Reference>> {
    let mut references = References::default();
    references.visit_body(&block.body);
    Some(references.0)
}

/// The references in the block `data "<kind>" "<name>"` of one file.
fn data_references(text: &str, kind: &str, name: &str) -> Option<Vec<Reference>> {
    find_block(text, "data", &[kind, name], references_in)
}

/// The references in the value of `output "<name>"` of one file.
fn output_references(text: &str, name: &str) -> Option<Vec<Reference>> {
    find_block(text, "output", &[name], references_in)
}

/// The local directory a `module "<name>"` block of one file calls, relative to the project root.
fn module_dir(text: &str, dir: &str, name: &str) -> Option<String> {
    let source = find_block(text, "module", &[name], |block| {
        match &block.body.get_attribute("source")?.value {
            Expression::String(source) => Some(source.as_str().to_owned()),
            _ => None,
        }
    })?;
    let source = source.as_str();
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None; // a registry or remote module: its code is not here
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn dir_of(rel: &str) -> String {
    rel.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_owned())
}

/// A reference's cluster: a cluster resource, or one that a data source of the same module
/// directory reads (`data.aws_eks_cluster.x` with `name = aws_eks_cluster.x.name`), with the
/// steps between.
fn cluster_of<'p>(
    reference: &str,
    span: Span,
    prefix: &str,
    index: &TerraformIndex<'p>,
    sources: &SourceMap,
) -> Option<(&'p Placement, Vec<Via>)> {
    if let Some(found) = index
        .get(&format!("{prefix}{reference}"))
        .filter(|p| p.kind == WorkloadKind::Kubernetes)
    {
        return Some((found, Vec::new()));
    }
    let here = dir_of(&sources.get(span.source).rel);
    let tf_files = |dir: &str| {
        let dir = dir.to_owned();
        sources
            .iter()
            .filter(move |(_, f)| f.rel.ends_with(".tf") && dir_of(&f.rel) == dir)
    };
    if let Some(output) = reference.strip_prefix("module.") {
        // A local module's output: its value's references, inside the module's instance.
        let (module, output) = output.split_once('.')?;
        let called = tf_files(&here).find_map(|(_, f)| module_dir(f.text(), &here, module))?;
        let inner = format!("{prefix}module.{module}.");
        return tf_files(&called).find_map(|(id, f)| {
            output_references(f.text(), output)?.iter().find_map(|r| {
                let found = index
                    .get(&format!("{inner}{}", r.address))
                    .filter(|p| p.kind == WorkloadKind::Kubernetes)?;
                let step = Via {
                    span: Span::new(id, r.span.clone()),
                    note: format!("output `{output}` of module `{module}` is `{}`", r.address)
                        .into(),
                };
                Some((found, vec![step]))
            })
        });
    }
    let mut parts = reference.strip_prefix("data.")?.splitn(2, '.');
    let (kind, name) = (parts.next()?, parts.next()?);
    tf_files(&here).find_map(|(id, f)| {
        let references = data_references(f.text(), kind, name)?;
        references.iter().find_map(|r| {
            let found = index
                .get(&format!("{prefix}{}", r.address))
                .filter(|p| p.kind == WorkloadKind::Kubernetes)?;
            let step = Via {
                span: Span::new(id, r.span.clone()),
                note: format!("data source `{reference}` reads `{}`", r.address).into(),
            };
            Some((found, vec![step]))
        })
    })
}

/// Places the Terraform resources of the Kubernetes, Helm and kubectl providers on the cluster
/// their provider configuration connects to.
pub fn place(placements: &mut [Box<Placement>], sources: &SourceMap) {
    let mut found: Vec<(usize, Placement)> = Vec::new();
    {
        let index = TerraformIndex::new(placements.iter().map(|p| &**p));
        let mut cache: HashMap<String, Vec<(String, Span)>> = HashMap::new();
        for (i, p) in placements.iter().enumerate() {
            if p.origin != Origin::Terraform {
                continue;
            }
            let Some(config) = &p.provider_config else {
                continue;
            };
            let resource_type = p
                .address
                .rsplit_once(':')
                .map_or(p.address.as_str(), |(_, a)| a)
                .rsplit('.')
                .nth(1)
                .unwrap_or_default();
            let managed = PROVIDERS.iter().any(|(provider, prefix)| {
                p.provider.value == *provider && resource_type.starts_with(prefix)
            });
            if !managed || !config.declared {
                continue;
            }
            // `envs/prod:module.x.provider.kubernetes.eks` → `envs/prod:module.x.`
            let Some(at) = config.address.find("provider.") else {
                continue;
            };
            let prefix = &config.address[..at];
            let references = cache.entry(config.address.clone()).or_insert_with(|| {
                let file = sources.get(config.span.source);
                provider_references(file.text(), config.span.start())
                    .into_iter()
                    .map(|r| (r.address, Span::new(config.span.source, r.span)))
                    .collect()
            });
            let Some((cluster, address, span, steps)) =
                references.iter().find_map(|(address, span)| {
                    let (cluster, steps) = cluster_of(address, *span, prefix, &index, sources)?;
                    Some((cluster, address, *span, steps))
                })
            else {
                continue;
            };
            let hop = Via {
                span,
                note: format!("provider `{}` connects to `{address}`", p.provider.value).into(),
            };
            let resource = Via {
                span: cluster.name_span,
                note: "the cluster's Terraform resource".into(),
            };
            let mut provider = Resolved::new(cluster.provider.value.clone(), p.name_span);
            let mut chain = vec![hop];
            chain.extend(steps);
            chain.push(resource);
            provider.via = chain.clone();
            provider.via.extend(cluster.provider.via.iter().cloned());
            let region = cluster.region.clone().map(|r| {
                let mut via = chain.clone();
                via.extend(r.via);
                Resolved {
                    value: r.value,
                    span: p.name_span,
                    via,
                }
            });
            let placed = Placement {
                kind: WorkloadKind::Kubernetes,
                provider,
                region,
                zones: Vec::new(),
                cluster: Some(cluster.address.clone()),
                provider_config: None,
                ..(**p).clone()
            };
            found.push((i, placed));
        }
    }
    for (i, placed) in found {
        if let Some(slot) = placements.get_mut(i) {
            **slot = placed;
        }
    }
}
