//! Terraform-managed Kubernetes: `kubernetes_*`, `helm_release` and `kubectl_manifest` resources
//! run on the cluster that their provider configuration connects to. A `kubernetes`, `helm` or
//! `kubectl` provider block whose `host`, `cluster_ca_certificate` (or any other argument, nested
//! `kubernetes` block included) refers to a cluster resource of the same module places every
//! resource that uses it on that cluster, with the chain through the provider block.
//!
//! The provider block is read again from its file with `hcl-edit`, for its references only; the
//! evaluator is not involved.

use std::collections::HashMap;
use std::ops::Range;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::structure::Body;
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

/// Root names of references that are not resources.
const NOT_RESOURCES: [&str; 9] = [
    "var",
    "local",
    "module",
    "data",
    "path",
    "terraform",
    "each",
    "count",
    "self",
];

/// A reference `type.name` in a provider block, with its span.
struct Reference {
    address: String,
    span: Range<usize>,
}

#[derive(Default)]
struct References(Vec<Reference>);

impl Visit for References {
    fn visit_traversal(&mut self, node: &Traversal) {
        if let Expression::Variable(root) = &node.expr
            && !NOT_RESOURCES.contains(&root.as_str())
            && let Some(TraversalOperator::GetAttr(name)) = node.operators.first().map(|o| &**o)
        {
            self.0.push(Reference {
                address: format!("{}.{}", root.as_str(), name.as_str()),
                span: node.span().unwrap_or(0..0),
            });
        }
        visit_traversal(self, node);
    }
}

/// The resource references in the provider block whose header starts at `header`.
fn provider_references(text: &str, header: usize) -> Vec<Reference> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    let block = body_blocks(&body)
        .find(|b| b.ident.as_str() == "provider" && b.span().is_some_and(|s| s.contains(&header)));
    let mut references = References::default();
    if let Some(block) = block {
        references.visit_body(&block.body);
    }
    references.0
}

fn body_blocks(body: &Body) -> impl Iterator<Item = &hcl_edit::structure::Block> {
    body.blocks()
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
                    .map(|r| {
                        (
                            format!("{prefix}{}", r.address),
                            Span::new(config.span.source, r.span),
                        )
                    })
                    .collect()
            });
            let Some((cluster, (address, span))) = references.iter().find_map(|(address, span)| {
                let cluster = index.get(address)?;
                (cluster.kind == WorkloadKind::Kubernetes).then_some((cluster, (address, *span)))
            }) else {
                continue;
            };
            let hop = Via {
                span,
                note: format!(
                    "provider `{}` connects to `{}`",
                    p.provider.value,
                    address
                        .rsplit_once(':')
                        .map_or(address.as_str(), |(_, a)| a)
                )
                .into(),
            };
            let resource = Via {
                span: cluster.name_span,
                note: "the cluster's Terraform resource".into(),
            };
            let mut provider = Resolved::new(cluster.provider.value.clone(), p.name_span);
            provider.via = vec![hop.clone(), resource.clone()];
            provider.via.extend(cluster.provider.via.iter().cloned());
            let region = cluster.region.clone().map(|r| {
                let mut via = vec![hop.clone(), resource.clone()];
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
