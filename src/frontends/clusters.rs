//! Kubernetes manifests mapped to the clusters they run on: the resolve step of the Kubernetes
//! front end. A cluster is declared in `yunlint.toml` with its provider and region, or by the
//! Terraform resource that creates it.

use std::collections::HashMap;
use std::sync::Arc;

use super::kubernetes::Manifest;
use super::{FileOutput, Unverifiable};
use crate::config::{Cluster, ClusterLocation};
use crate::model::{Origin, Placement, Resolution, Resolved, Unresolved, Via, WorkloadKind};
use crate::source::SourceId;

/// The manifests of one file.
pub struct ManifestFile {
    pub id: SourceId,
    /// Path relative to the project root: matched against the clusters' `paths`.
    pub rel: Arc<str>,
    pub manifests: Vec<Manifest>,
}

const STORAGE_KINDS: [&str; 3] = ["PersistentVolumeClaim", "PersistentVolume", "StorageClass"];

/// Terraform placements by address, with and without their root prefix (the first wins).
pub struct TerraformIndex<'p> {
    by_address: HashMap<&'p str, &'p Placement>,
    /// The blocks of repeated resources (`alicloud_cs_managed_kubernetes.prod` for `prod[0]`):
    /// `Some` when the block has exactly one instance, the only one it can stand for; `None` when
    /// it has several.
    by_block: HashMap<String, Option<&'p Placement>>,
    /// A block's address without its root prefix → with it (the first root wins).
    bare_blocks: HashMap<String, String>,
}

impl<'p> TerraformIndex<'p> {
    pub fn new(placements: impl IntoIterator<Item = &'p Placement>) -> Self {
        let mut by_address = HashMap::new();
        let mut by_block: HashMap<String, Option<&'p Placement>> = HashMap::new();
        let mut bare_blocks = HashMap::new();
        for p in placements
            .into_iter()
            .filter(|p| p.origin == Origin::Terraform)
        {
            by_address.entry(p.address.as_str()).or_insert(p);
            if let Some((_, bare)) = p.address.split_once(':') {
                by_address.entry(bare).or_insert(p);
            }
            if let Some(block) = crate::model::without_instance_keys(&p.address) {
                if let Some((_, bare)) = block.split_once(':') {
                    bare_blocks
                        .entry(bare.to_owned())
                        .or_insert_with(|| block.clone());
                }
                by_block
                    .entry(block)
                    .and_modify(|one| *one = None)
                    .or_insert(Some(p));
            }
        }
        TerraformIndex {
            by_address,
            by_block,
            bare_blocks,
        }
    }

    fn get(&self, address: &str) -> Option<&'p Placement> {
        self.by_address.get(address).copied().or_else(|| {
            let block = self
                .bare_blocks
                .get(address)
                .map_or(address, String::as_str);
            self.by_block.get(block).copied().flatten()
        })
    }
}

fn help_for_unmapped(rel: &str) -> String {
    let dir = rel.rsplit_once('/').map_or(".", |(d, _)| d);
    format!(
        "map the manifest to its cluster in yunlint.toml:\n\n[[kubernetes.clusters]]\nname = \"prod\"\npaths = [\"{dir}/**\"]\nprovider = \"alicloud\"\nregion = \"cn-shanghai-finance-1\""
    )
}

pub fn place(
    files: &[ManifestFile],
    clusters: &[Cluster],
    terraform: &TerraformIndex<'_>,
) -> FileOutput {
    let mut out = FileOutput::default();
    for file in files {
        let cluster = clusters.iter().find(|c| c.paths.is_match(&*file.rel));
        for m in &file.manifests {
            let namespace = m.namespace.as_deref().unwrap_or("default");
            let address = format!("{}#{}/{namespace}/{}", file.rel, m.kind, m.name);
            let kind = if STORAGE_KINDS.contains(&m.kind) {
                WorkloadKind::Storage
            } else {
                WorkloadKind::Kubernetes
            };
            let Some(cluster) = cluster else {
                out.unverifiable.push(Unverifiable {
                    address,
                    kind: Some(kind),
                    declared: m.name_span,
                    unresolved: Unresolved {
                        reason: "the manifest is mapped to no cluster".into(),
                        span: m.name_span,
                        help: Some(help_for_unmapped(&file.rel)),
                    },
                });
                continue;
            };
            let located = match &cluster.location {
                ClusterLocation::Declared { provider, region } => {
                    let via = Via {
                        span: region.span,
                        note: format!("region of cluster `{}`", cluster.name).into(),
                    };
                    Some((
                        Resolved::new(provider.value.clone(), m.name_span).with_via(
                            provider.span,
                            format!("provider of cluster `{}`", cluster.name),
                        ),
                        Ok(Resolved {
                            value: region.value.clone(),
                            span: m.name_span,
                            via: vec![via],
                        }),
                    ))
                }
                ClusterLocation::Terraform {
                    address: tf_address,
                    span,
                } => match terraform.get(tf_address) {
                    None => {
                        out.unverifiable.push(Unverifiable {
                                address: address.clone(),
                                kind: Some(kind),
                                declared: m.name_span,
                                unresolved: Unresolved {
                                    reason: format!("cluster `{}` is created by `{tf_address}`, which no linted Terraform declares", cluster.name),
                                    span: *span,
                                    help: Some("check the address against `yunlint inventory`".into()),
                                },
                            });
                        None
                    }
                    Some(tf) => {
                        let created = Via {
                            span: *span,
                            note: format!(
                                "cluster `{}` is created by `{tf_address}`",
                                cluster.name
                            )
                            .into(),
                        };
                        let region: Resolution<String> = match &tf.region {
                            Ok(r) => {
                                let mut via = vec![
                                    created.clone(),
                                    Via {
                                        span: tf.name_span,
                                        note: "the cluster's Terraform resource".into(),
                                    },
                                ];
                                via.extend(r.via.iter().cloned());
                                Ok(Resolved {
                                    value: r.value.clone(),
                                    span: m.name_span,
                                    via,
                                })
                            }
                            Err(u) => Err(Unresolved {
                                reason: format!(
                                    "the region of cluster `{}` cannot be determined: {}",
                                    cluster.name, u.reason
                                ),
                                span: m.name_span,
                                help: u.help.clone(),
                            }),
                        };
                        let provider = Resolved::new(tf.provider.value.clone(), m.name_span)
                            .with_via(created.span, created.note);
                        Some((provider, region))
                    }
                },
            };
            let Some((provider, region)) = located else {
                continue;
            };
            out.placements.push(Box::new(Placement {
                address,
                path: file.rel.clone(),
                name_span: m.name_span,
                block: m.name_span,
                kind,
                provider,
                region,
                zones: m.zones.iter().chain(&cluster.zones).cloned().collect(),
                replicas: Vec::new(),
                data_class: m.data_class.clone(),
                instances: Vec::new(),
                required_regions: m.regions.clone(),
                cluster: Some(cluster.name.clone()),
                provider_config: None,
                origin: Origin::Kubernetes,
                source: file.id,
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn placement(address: &str) -> Placement {
        let span = Span::new(SourceId(0), 0..0);
        Placement {
            address: address.to_owned(),
            path: Arc::from("main.tf"),
            name_span: span,
            block: span,
            kind: WorkloadKind::Kubernetes,
            provider: Resolved::new("alicloud".to_owned(), span),
            region: Ok(Resolved::new("cn-shanghai".to_owned(), span)),
            zones: Vec::new(),
            replicas: Vec::new(),
            data_class: None,
            instances: Vec::new(),
            required_regions: Vec::new(),
            cluster: None,
            provider_config: None,
            origin: Origin::Terraform,
            source: SourceId(0),
        }
    }

    #[test]
    fn a_cluster_block_names_its_only_instance_never_one_of_several() {
        let placements = [
            placement("envs/prod:alicloud_cs_managed_kubernetes.one[0]"),
            placement(r#"envs/prod:alicloud_cs_managed_kubernetes.two["a"]"#),
            placement(r#"envs/prod:alicloud_cs_managed_kubernetes.two["b"]"#),
        ];
        let index = TerraformIndex::new(placements.iter());
        let found = |address: &str| index.get(address).map(|p| p.address.clone());
        assert_eq!(
            found("alicloud_cs_managed_kubernetes.one").as_deref(),
            Some("envs/prod:alicloud_cs_managed_kubernetes.one[0]")
        );
        assert_eq!(
            found("envs/prod:alicloud_cs_managed_kubernetes.one").as_deref(),
            Some("envs/prod:alicloud_cs_managed_kubernetes.one[0]")
        );
        assert_eq!(found("alicloud_cs_managed_kubernetes.two"), None);
        assert_eq!(
            found(r#"alicloud_cs_managed_kubernetes.two["b"]"#).as_deref(),
            Some(r#"envs/prod:alicloud_cs_managed_kubernetes.two["b"]"#)
        );
    }
}
