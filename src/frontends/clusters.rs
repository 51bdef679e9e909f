//! Kubernetes manifests placed where they run: the resolve step of the Kubernetes front end.
//!
//! A manifest runs on its cluster, declared in `yunlint.toml` with its provider and region or by
//! the Terraform resource that creates it. Storage places itself too: a StorageClass's or a
//! PersistentVolume's driver says the cloud, its parameters, topology or endpoint the region. A
//! workload follows its volumes (pod template → claim → class or bound volume, across files), and
//! a claim follows its class or volume. What a mapped manifest's constraints, zones and volumes
//! require is checked against its cluster's region (YL206).

use std::collections::HashMap;
use std::sync::Arc;

use super::kubernetes::{Manifest, STORAGE};
use super::{FileOutput, Unverifiable};
use crate::config::{Cluster, ClusterLocation};
use crate::model::{
    Origin, Placement, Requirement, Resolution, Resolved, Unresolved, Via, WorkloadKind,
};
use crate::pipeline::locate;
use crate::policy::Policy;
use crate::source::{SourceId, Span};

/// The manifests of one file.
pub struct ManifestFile {
    pub id: SourceId,
    /// Path relative to the project root: matched against the clusters' `paths`.
    pub rel: Arc<str>,
    pub manifests: Vec<Manifest>,
}

const STORAGE_KINDS: [&str; 3] = ["PersistentVolumeClaim", "PersistentVolume", "StorageClass"];

/// Kinds that belong to no namespace: their address has none.
const CLUSTER_SCOPED: [&str; 2] = ["PersistentVolume", "StorageClass"];

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
            if let Some(bare) = without_root(&p.address) {
                by_address.entry(bare).or_insert(p);
            }
            if let Some(block) = crate::model::without_instance_keys(&p.address) {
                if let Some(bare) = without_root(&block) {
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

    pub fn get(&self, address: &str) -> Option<&'p Placement> {
        self.by_address.get(address).copied().or_else(|| {
            let block = self
                .bare_blocks
                .get(address)
                .map_or(address, String::as_str);
            self.by_block.get(block).copied().flatten()
        })
    }
}

/// The Terraform addresses `[[kubernetes.clusters]]` name: a run that drops its Terraform
/// placements once they are checked keeps those the cluster pass may look up.
pub struct TerraformAddresses<'c> {
    addresses: std::collections::HashSet<&'c str>,
}

impl<'c> TerraformAddresses<'c> {
    pub fn new(clusters: &'c [Cluster]) -> Self {
        let addresses = clusters
            .iter()
            .filter_map(|c| match &c.location {
                ClusterLocation::Terraform { address, .. } => Some(address.as_str()),
                ClusterLocation::Declared { .. } => None,
            })
            .collect();
        TerraformAddresses { addresses }
    }

    /// Whether [`TerraformIndex::get`] may answer one of the addresses with `p`, or needs `p` to
    /// know that a block has several instances: by its address or its block's, with or without
    /// its root prefix.
    pub fn may_name(&self, p: &Placement) -> bool {
        if self.addresses.is_empty() {
            return false;
        }
        // the keys the index files a placement under: its address and its block's, each with
        // and without the root prefix
        let named = |address: &str| {
            self.addresses.contains(address)
                || without_root(address).is_some_and(|bare| self.addresses.contains(bare))
        };
        named(&p.address)
            || crate::model::without_instance_keys(&p.address).is_some_and(|b| named(&b))
    }
}

/// A Terraform address without its root's prefix (`envs/prod:module.x.y` → `module.x.y`).
fn without_root(address: &str) -> Option<&str> {
    address.split_once(':').map(|(_, bare)| bare)
}

fn help_for_unmapped(rel: &str) -> String {
    let dir = rel.rsplit_once('/').map_or(".", |(d, _)| d);
    format!(
        "map the manifest to its cluster in yunlint.toml:\n\n[[kubernetes.clusters]]\nname = \"prod\"\npaths = [\"{dir}/**\"]\nprovider = \"alicloud\"\nregion = \"cn-shanghai-finance-1\""
    )
}

/// Where something runs: a cluster's place, or a volume's own.
#[derive(Debug, Clone)]
struct Located {
    provider: Resolved<String>,
    region: Resolution<String>,
    zones: Vec<Resolved<String>>,
}

impl Located {
    /// This place as seen from `span`, one hop away: the hop's note heads each chain.
    fn through(&self, span: Span, note: &str) -> Located {
        let hop = Via {
            span,
            note: note.into(),
        };
        // The far end's own span is shown only when no step of its chain already points there.
        let chain = |value: &Resolved<String>, what: &str| {
            let mut via = vec![hop.clone()];
            if value.via.is_empty() {
                via.push(Via {
                    span: value.span,
                    note: format!("{what} `{}` is set here", value.value).into(),
                });
            }
            via.extend(value.via.iter().cloned());
            Resolved {
                value: value.value.clone(),
                span,
                via,
            }
        };
        let provider = chain(&self.provider, "provider");
        let region = match &self.region {
            Ok(r) => Ok(chain(r, "region")),
            Err(u) => Err(Unresolved {
                reason: format!("{note}, whose place cannot be determined: {}", u.reason),
                span,
                help: u.help.clone(),
            }),
        };
        Located {
            provider,
            region,
            zones: Vec::new(),
        }
    }
}

/// One manifest on its way to a placement.
struct Entry<'a> {
    file: &'a ManifestFile,
    m: &'a Manifest,
    address: String,
    kind: WorkloadKind,
    cluster: Option<&'a Cluster>,
    /// The cluster's place, when it could be worked out (`None` with a cluster: unverifiable).
    on_cluster: Option<(Resolved<String>, Resolution<String>)>,
    /// A storage object's own place, from its driver, parameters, topology or endpoint.
    own: Option<Located>,
}

impl Entry<'_> {
    fn namespace(&self) -> &str {
        self.m.namespace.as_deref().unwrap_or("default")
    }

    /// Where this storage object's data lives: its own place, else its cluster's.
    fn located(&self) -> Option<Located> {
        if let Some(own) = &self.own {
            return Some(own.clone());
        }
        let (provider, region) = self.on_cluster.clone()?;
        Some(Located {
            provider,
            region,
            zones: self.m.zones.clone(),
        })
    }
}

pub fn place(
    files: &[ManifestFile],
    clusters: &[Cluster],
    terraform: &TerraformIndex<'_>,
    policy: &Policy,
) -> FileOutput {
    let mut out = FileOutput::default();
    let mut entries = Vec::new();
    for file in files {
        let cluster = clusters.iter().find(|c| c.paths.is_match(&*file.rel));
        for m in &file.manifests {
            let address = if CLUSTER_SCOPED.contains(&m.kind) {
                format!("{}#{}/{}", file.rel, m.kind, m.name)
            } else {
                let namespace = m.namespace.as_deref().unwrap_or("default");
                format!("{}#{}/{namespace}/{}", file.rel, m.kind, m.name)
            };
            let kind = if STORAGE_KINDS.contains(&m.kind) {
                WorkloadKind::Storage
            } else {
                WorkloadKind::Kubernetes
            };
            let on_cluster = cluster.and_then(|cluster| {
                cluster_location(cluster, terraform, m, &address, kind, &mut out)
            });
            if cluster.is_some() && on_cluster.is_none() {
                continue; // unverifiable, reported by `cluster_location`
            }
            // A mapped volume runs on its cluster, but what it says of its own place is what
            // the workloads that mount it follow.
            let own = if kind == WorkloadKind::Storage {
                own_location(m, policy)
            } else {
                None
            };
            entries.push(Entry {
                file,
                m,
                address,
                kind,
                cluster,
                on_cluster,
                own,
            });
        }
    }

    let volumes = Volumes::new(&entries);
    for entry in &entries {
        let m = entry.m;
        let followed = volumes.followed(entry);
        let (provider, region, zones, required) = match (&entry.on_cluster, &entry.own) {
            (Some((provider, region)), _) => {
                let mut required: Vec<Requirement> =
                    m.regions.iter().cloned().map(Requirement::region).collect();
                let cluster_entry = policy.provider(&provider.value);
                required.extend(
                    m.zones
                        .iter()
                        .filter_map(|zone| zone_requirement(cluster_entry?, zone)),
                );
                // Another cloud's bucket or volume is not in the cluster's region by nature.
                let same_cloud = |cloud: &str| cloud == provider.value;
                required.extend(
                    m.endpoints
                        .iter()
                        .filter(|e| same_cloud(&e.provider))
                        .map(|e| Requirement::region(e.region.clone())),
                );
                required.extend(
                    followed
                        .iter()
                        .filter(|located| same_cloud(&located.provider.value))
                        .filter_map(|located| located.region.clone().ok())
                        .map(Requirement::region),
                );
                let cluster = entry
                    .cluster
                    .map(|c| c.zones.as_slice())
                    .unwrap_or_default();
                let zones = m.zones.iter().chain(cluster).cloned().collect();
                (provider.clone(), region.clone(), zones, required)
            }
            (None, Some(own)) => (
                own.provider.clone(),
                own.region.clone(),
                own.zones.clone(),
                Vec::new(),
            ),
            (None, None) => {
                let mut followed = followed.into_iter();
                match followed.next() {
                    Some(first) => {
                        let required = followed
                            .filter_map(|l| l.region.ok().map(Requirement::region))
                            .collect();
                        (first.provider, first.region, m.zones.clone(), required)
                    }
                    None => {
                        out.unverifiable.push(Unverifiable {
                            address: entry.address.clone(),
                            kind: Some(entry.kind),
                            declared: m.name_span,
                            unresolved: Unresolved {
                                reason: "the manifest is mapped to no cluster".into(),
                                span: m.name_span,
                                help: Some(help_for_unmapped(&entry.file.rel)),
                            },
                        });
                        continue;
                    }
                }
            }
        };
        out.placements.push(Box::new(Placement {
            address: entry.address.clone(),
            path: entry.file.rel.clone(),
            name_span: m.name_span,
            block: m.name_span,
            kind: entry.kind,
            provider,
            region,
            zones,
            replicas: Vec::new(),
            data_class: m.data_class.clone(),
            instances: Vec::new(),
            required_regions: required,
            cluster: entry.cluster.map(|c| c.name.clone()),
            provider_config: None,
            origin: Origin::Kubernetes,
            source: entry.file.id,
        }));
    }
    out
}

/// The zone's region by the provider's zone grammar, as a requirement at the zone.
fn zone_requirement(
    entry: &crate::policy::ProviderEntry,
    zone: &Resolved<String>,
) -> Option<Requirement> {
    let found = entry.region_of_zone(&zone.value)?;
    let found = entry.normalized(&found).unwrap_or(found);
    let region = Resolved::new(found.clone(), zone.span).with_via(
        zone.span,
        format!("zone `{}` lies in region `{found}`", zone.value),
    );
    Some(Requirement {
        region,
        zone: Some(zone.clone()),
    })
}

/// A storage object's own place: the cloud from its driver or endpoint, the region from its
/// endpoint, its parameters and topology, or its zones. `None` when nothing says the cloud.
fn own_location(m: &Manifest, policy: &Policy) -> Option<Located> {
    let driver = m
        .driver
        .as_ref()
        .and_then(|d| Some((d, STORAGE.driver(&d.value)?)));
    let provider = match (driver, m.endpoints.first()) {
        (Some((name, driver)), _) => Resolved::new(driver.provider.clone(), m.name_span).with_via(
            name.span,
            format!(
                "`{}` creates {} {} volumes",
                name.value, driver.provider, driver.service
            ),
        ),
        (None, Some(endpoint)) => Resolved::new(endpoint.provider.clone(), m.name_span).with_via(
            endpoint.region.span,
            format!("a {} endpoint", endpoint.provider),
        ),
        (None, None) => return None,
    };
    let region = m
        .endpoints
        .iter()
        .find(|e| e.provider == provider.value)
        .map(|e| e.region.clone())
        .or_else(|| m.regions.first().cloned());
    let mut region = region.ok_or_else(|| Unresolved {
        reason: format!(
            "the {} names no region or zone, and the manifest is mapped to no cluster",
            m.kind
        ),
        span: m.name_span,
        help: Some(
            "name the zone (`allowedTopologies`, `zoneId`, `diskZone`…), or map the manifest to its cluster in yunlint.toml"
                .into(),
        ),
    });
    let mut zones = m.zones.clone();
    if let Some(entry) = policy.provider(&provider.value) {
        locate::complete_one(entry, &mut region, &mut zones);
    }
    Some(Located {
        provider,
        region,
        zones,
    })
}

/// Storage objects by name: classes and volumes (cluster-scoped), claims by namespace.
struct Volumes<'e, 'a> {
    classes: HashMap<&'a str, Vec<&'e Entry<'a>>>,
    volumes: HashMap<&'a str, Vec<&'e Entry<'a>>>,
    claims: HashMap<(&'a str, &'a str), Vec<&'e Entry<'a>>>,
}

impl<'e, 'a> Volumes<'e, 'a> {
    fn new(entries: &'e [Entry<'a>]) -> Self {
        let mut index = Volumes {
            classes: HashMap::new(),
            volumes: HashMap::new(),
            claims: HashMap::new(),
        };
        for entry in entries {
            let name = entry.m.name.as_str();
            match entry.m.kind {
                "StorageClass" => index.classes.entry(name).or_default().push(entry),
                "PersistentVolume" => index.volumes.entry(name).or_default().push(entry),
                "PersistentVolumeClaim" => {
                    let namespace = entry.m.namespace.as_deref().unwrap_or("default");
                    index
                        .claims
                        .entry((namespace, name))
                        .or_default()
                        .push(entry);
                }
                _ => {}
            }
        }
        index
    }

    /// Of the objects with one name, the one an object refers to: on the same cluster, nearest by
    /// directory (the first read on a tie). Objects under no cluster refer only to objects under no
    /// cluster in the same top-level directory: a monorepo's unrelated trees never meet.
    fn pick<'x>(
        candidates: Option<&'x Vec<&'e Entry<'a>>>,
        from: &Entry<'_>,
    ) -> Option<&'e Entry<'a>> {
        let cluster = from.cluster.map(|c| c.name.as_str());
        let dirs = |rel: &'a str| -> Vec<&'a str> {
            let mut parts: Vec<&str> = rel.split('/').collect();
            parts.pop();
            parts
        };
        let here: Vec<&str> = {
            let mut parts: Vec<&str> = from.file.rel.split('/').collect();
            parts.pop();
            parts
        };
        candidates?
            .iter()
            .filter(|c| c.cluster.map(|c| c.name.as_str()) == cluster)
            .filter_map(|c| {
                let there = dirs(&c.file.rel);
                let common = here.iter().zip(&there).take_while(|(a, b)| a == b).count();
                let related =
                    cluster.is_some() || common > 0 || (here.is_empty() && there.is_empty());
                related.then_some((common, *c))
            })
            .fold(
                None,
                |best: Option<(usize, &'e Entry<'a>)>, (common, c)| match best {
                    Some((kept, _)) if kept >= common => best,
                    _ => Some((common, c)),
                },
            )
            .map(|(_, c)| c)
    }

    /// A class's or a volume's place, one hop away through `via` (`None` when the name is not
    /// among the linted manifests, or it says nothing of its place).
    fn class(&self, name: &Resolved<String>, from: &Entry<'_>, note: &str) -> Option<Located> {
        let class = Self::pick(self.classes.get(name.value.as_str()), from)?;
        Some(class.located()?.through(name.span, note))
    }

    fn volume(&self, name: &Resolved<String>, from: &Entry<'_>, note: &str) -> Option<Located> {
        let volume = Self::pick(self.volumes.get(name.value.as_str()), from)?;
        Some(volume.located()?.through(name.span, note))
    }

    /// Where a claim's data lives: its bound volume, else its class.
    fn claim_target(&self, claim: &Entry<'_>) -> Option<Located> {
        let m = claim.m;
        if let Some(volume) = &m.volume_name
            && let Some(found) = self.volume(
                volume,
                claim,
                &format!("claim `{}` is bound to volume `{}`", m.name, volume.value),
            )
        {
            return Some(found);
        }
        let class = m.storage_class.as_ref()?;
        self.class(
            class,
            claim,
            &format!("claim `{}` uses storage class `{}`", m.name, class.value),
        )
    }

    /// The places an object follows: a claim's class or volume, a workload's claims' and claim
    /// templates' classes. Empty for an object that places itself.
    fn followed(&self, entry: &Entry<'_>) -> Vec<Located> {
        let m = entry.m;
        match m.kind {
            "PersistentVolumeClaim" if entry.own.is_none() => {
                self.claim_target(entry).into_iter().collect()
            }
            "PersistentVolume" if entry.own.is_none() => m
                .storage_class
                .as_ref()
                .and_then(|class| {
                    self.class(
                        class,
                        entry,
                        &format!("volume `{}` is of storage class `{}`", m.name, class.value),
                    )
                })
                .into_iter()
                .collect(),
            "PersistentVolumeClaim" | "PersistentVolume" | "StorageClass" => Vec::new(),
            _ => {
                let mut found = Vec::new();
                for name in &m.claims {
                    let key = (entry.namespace(), name.value.as_str());
                    let Some(claim) = Self::pick(self.claims.get(&key), entry) else {
                        continue;
                    };
                    let Some(target) = claim.located().or_else(|| self.claim_target(claim)) else {
                        continue;
                    };
                    found.push(target.through(
                        name.span,
                        &format!("`{}` mounts claim `{}`", m.name, name.value),
                    ));
                }
                for class in &m.claim_templates {
                    found.extend(self.class(
                        class,
                        entry,
                        &format!(
                            "`{}` creates its volumes from storage class `{}`",
                            m.name, class.value
                        ),
                    ));
                }
                found
            }
        }
    }
}

/// The provider and region of a manifest's cluster; `None` (with an unverifiable entry) when
/// the cluster's Terraform resource is not among the linted files.
fn cluster_location(
    cluster: &Cluster,
    terraform: &TerraformIndex<'_>,
    m: &Manifest,
    address: &str,
    kind: WorkloadKind,
    out: &mut FileOutput,
) -> Option<(Resolved<String>, Resolution<String>)> {
    match &cluster.location {
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
                    address: address.to_owned(),
                    kind: Some(kind),
                    declared: m.name_span,
                    unresolved: Unresolved {
                        reason: format!(
                            "cluster `{}` is created by `{tf_address}`, which no linted Terraform declares",
                            cluster.name
                        ),
                        span: *span,
                        help: Some("check the address against `yunlint inventory`".into()),
                    },
                });
                None
            }
            Some(tf) => {
                let created = Via {
                    span: *span,
                    note: format!("cluster `{}` is created by `{tf_address}`", cluster.name).into(),
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
    }
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
