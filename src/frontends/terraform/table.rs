//! The embedded table that says, per Terraform provider and resource type, where the region, the
//! zones and any cross-region copies are written. Data, not code: `resources.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::model::{ReplicaRole, WorkloadKind};

const TABLE: &str = include_str!("resources.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Providers whose resources run no workload and hold no data (`random`, `null`, `tls`...).
    pub non_placing: Vec<String>,
    pub providers: BTreeMap<String, ProviderSpec>,
    pub resources: BTreeMap<String, ResourceSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    /// The provider's id in the policy registry (the Terraform name by default).
    pub registry_id: Option<String>,
    /// `required_providers` source addresses that mean this provider.
    #[serde(default)]
    pub registry_source: Vec<String>,
    /// Provider-block attributes holding the region, in order of preference.
    #[serde(default)]
    pub provider_region: Vec<String>,
    /// Provider-block attributes holding a default zone.
    #[serde(default)]
    pub provider_zone: Vec<String>,
    /// Provider-block attributes that make the region come from a profile file yunlint never reads.
    #[serde(default)]
    pub profile_attrs: Vec<String>,
    /// Resource attributes that set the region of one resource.
    #[serde(default)]
    pub resource_region: Vec<String>,
    /// Environment variables the provider reads (named in help texts; never read).
    #[serde(default)]
    pub env: Vec<String>,
    /// The provider's hard-coded default region, when its source has one.
    pub default_region: Option<String>,
    /// Where one resource type's documentation lives in the provider's repository.
    pub docs: Option<String>,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    pub kind: String,
    /// The resource creates a Kubernetes cluster (not a node pool or an add-on).
    #[serde(default)]
    pub cluster: bool,
    #[serde(default)]
    pub zones: Vec<String>,
    /// Region attributes of this type alone (besides the provider's `resource_region`).
    #[serde(default)]
    pub region_attrs: Vec<String>,
    /// An attribute naming the parent resource whose region this one has (followed through a
    /// reference to it).
    #[serde(default)]
    pub region_from: Vec<String>,
    /// Attributes holding another resource's id whose zone gives this one's (followed through a
    /// reference to it).
    #[serde(default)]
    pub zone_refs: BTreeMap<String, String>,
    #[serde(default)]
    pub replicas: Vec<ReplicaSpec>,
    /// Service areas that can put content outside mainland China (CDN scopes).
    #[serde(default)]
    pub scopes: Vec<ScopeSpec>,
    /// Network links to another region: no data copy, kept for a future cross-border-access rule.
    #[serde(default)]
    pub peers: Vec<PeerSpec>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplicaSpec {
    pub role: String,
    /// Attribute path, nested blocks joined with dots (`destination.location`).
    pub region: String,
    /// How the region is written: a plain id (default), an OSS location, a COS URI, an ARN, ...
    pub format: Option<String>,
    /// `source` when the attribute names where the primary lives rather than the copy.
    pub side: Option<String>,
    #[serde(default)]
    pub zones: Vec<String>,
    pub note: Option<String>,
}

/// A service area: where a CDN or acceleration service caches and serves content, whatever the
/// provider's region. Every area that is not in `mainland` is an edge replica in that area.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSpec {
    /// The argument naming the area; absent when the resource type itself fixes it.
    pub attr: Option<String>,
    /// The area when the argument is not set, where the provider documents one.
    pub default: Option<String>,
    /// Areas that keep the content in mainland China.
    #[serde(default)]
    pub mainland: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerSpec {
    pub region: String,
    pub format: Option<String>,
    pub note: Option<String>,
}

/// A resource's Terraform provider, its table entry (if any) and its registry id.
pub struct PlacingProvider<'t> {
    pub ptype: String,
    pub spec: Option<&'t ProviderSpec>,
    pub registry_id: String,
}

pub static RESOURCES: LazyLock<Table> =
    LazyLock::new(|| toml::from_str(TABLE).expect("the embedded resource table is valid (tested)"));

/// Every resource attribute path the table names: region, zone and replica attributes. The
/// Terraform reader keeps only these (and the meta-arguments) of a resource.
pub static ATTRIBUTE_PATHS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let providers = RESOURCES
        .providers
        .values()
        .flat_map(|p| &p.resource_region);
    let resources = RESOURCES.resources.values().flat_map(|r| {
        r.zones
            .iter()
            .chain(&r.region_attrs)
            .chain(
                r.replicas
                    .iter()
                    .flat_map(|rep| std::iter::once(&rep.region).chain(&rep.zones)),
            )
            .chain(r.scopes.iter().filter_map(|s| s.attr.as_ref()))
    });
    providers.chain(resources).cloned().collect()
});

impl Table {
    /// The Terraform provider of a resource type: the longest provider name that prefixes it.
    pub fn provider_of<'a>(&'a self, resource_type: &str) -> Option<(&'a str, &'a ProviderSpec)> {
        self.providers
            .iter()
            .filter(|(name, _)| {
                resource_type
                    .strip_prefix(name.as_str())
                    .is_some_and(|rest| rest.starts_with('_'))
            })
            .max_by_key(|(name, _)| name.len())
            .map(|(name, spec)| (name.as_str(), spec))
    }

    /// The provider a resource of `resource_type` is placed by: the table's, else the provider
    /// `hint` names (as a plan's `provider_name` does), else the type's prefix, as Terraform infers
    /// it. A provider the registry does not know still places its resources (and YL102 says so).
    /// `None` only for the providers listed in `non_placing`: their resources run nowhere.
    pub fn placing_provider(
        &self,
        resource_type: &str,
        hint: Option<&str>,
    ) -> Option<PlacingProvider<'_>> {
        let (ptype, spec) = match self.provider_of(resource_type) {
            Some((ptype, spec)) => (ptype.to_owned(), Some(spec)),
            None => {
                let ptype = hint
                    .map(str::to_owned)
                    .or_else(|| resource_type.split('_').next().map(str::to_owned))?;
                (ptype, None)
            }
        };
        if self.non_placing.contains(&ptype) {
            return None;
        }
        let registry_id = spec
            .and_then(|s| s.registry_id.clone())
            .unwrap_or_else(|| ptype.clone());
        Some(PlacingProvider {
            ptype,
            spec,
            registry_id,
        })
    }

    pub fn kind_of(&self, resource_type: &str) -> WorkloadKind {
        self.resources
            .get(resource_type)
            .and_then(|r| WorkloadKind::parse(&r.kind))
            .unwrap_or(WorkloadKind::Other)
    }

    /// Whether a resource of this type creates a Kubernetes cluster that manifests can run on.
    pub fn creates_cluster(&self, resource_type: &str) -> bool {
        self.resources.get(resource_type).is_some_and(|r| r.cluster)
    }
}

impl ProviderSpec {
    /// `; alicloud would read `ALICLOUD_REGION` ... from the environment, which yunlint never
    /// reads, or fall back to `cn-beijing``: why a missing region is unknown, for reasons.
    pub fn environment_note(&self, ptype: &str) -> String {
        let mut note = String::new();
        if !self.env.is_empty() {
            let vars: Vec<String> = self.env.iter().map(|e| format!("`{e}`")).collect();
            note.push_str(&format!(
                "; `{ptype}` would read {} from the environment, which yunlint never reads",
                vars.join(" or ")
            ));
        }
        if let Some(default) = &self.default_region {
            note.push_str(&format!(", or fall back to `{default}`"));
        }
        note
    }
}

impl ReplicaSpec {
    pub fn role(&self) -> ReplicaRole {
        ReplicaRole::parse(&self.role).unwrap_or(ReplicaRole::Backup)
    }

    /// The region written in a replica attribute's value.
    /// Whether the attribute names where the copy is written (not where its source lives).
    pub fn is_destination(&self) -> bool {
        self.side.as_deref() != Some("source")
    }

    pub fn region_in(&self, value: &str) -> Option<String> {
        match self.format.as_deref() {
            None | Some("region") => Some(value.to_owned()),
            // qcs::cos:<region>::<bucket>
            // OSS locations: oss-cn-shenzhen
            Some("oss-location") => Some(value.strip_prefix("oss-").unwrap_or(value).to_owned()),
            Some("cos-uri") => value
                .strip_prefix("qcs::cos:")?
                .split("::")
                .next()
                .map(str::to_owned),
            // arn:<partition>:<service>:<region>:<account>:<resource>
            Some("arn") => {
                let region = value.split(':').nth(3)?;
                (!region.is_empty()).then(|| region.to_owned())
            }
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_every_kind_and_role_is_valid() {
        for (name, r) in &RESOURCES.resources {
            assert!(
                WorkloadKind::parse(&r.kind).is_some(),
                "{name}: kind {}",
                r.kind
            );
            for rep in &r.replicas {
                assert!(
                    ReplicaRole::parse(&rep.role).is_some(),
                    "{name}: role {}",
                    rep.role
                );
            }
            assert!(RESOURCES.provider_of(name).is_some(), "{name}: no provider");
            assert!(
                !r.cluster || r.kind == "kubernetes",
                "{name}: a cluster is of kind kubernetes"
            );
        }
    }

    #[test]
    fn clusters_are_told_from_node_pools() {
        assert!(RESOURCES.creates_cluster("alicloud_cs_managed_kubernetes"));
        assert!(RESOURCES.creates_cluster("tencentcloud_kubernetes_cluster"));
        assert!(RESOURCES.creates_cluster("aws_eks_cluster"));
        assert!(!RESOURCES.creates_cluster("alicloud_cs_kubernetes_node_pool"));
        assert!(!RESOURCES.creates_cluster("aws_eks_node_group"));
        assert!(!RESOURCES.creates_cluster("alicloud_db_instance"));
    }

    #[test]
    fn resource_types_map_to_the_longest_provider_prefix() {
        assert_eq!(
            RESOURCES.provider_of("alicloud_db_instance").map(|p| p.0),
            Some("alicloud")
        );
        assert_eq!(RESOURCES.provider_of("random_id").map(|p| p.0), None);
    }

    #[test]
    fn replica_regions_are_read_from_uris_and_arns() {
        let spec = |format: &str| ReplicaSpec {
            role: "backup".into(),
            region: "x".into(),
            format: Some(format.into()),
            side: None,
            zones: Vec::new(),
            note: None,
        };
        let region = |format: &str, value: &str| spec(format).region_in(value);
        assert_eq!(
            region("cos-uri", "qcs::cos:ap-singapore::bucket-125").as_deref(),
            Some("ap-singapore")
        );
        assert_eq!(
            region("arn", "arn:aws-cn:s3:cn-north-1:123:bucket").as_deref(),
            Some("cn-north-1")
        );
        assert_eq!(region("arn", "arn:aws:s3:::bucket"), None);
        assert_eq!(
            region("oss-location", "oss-cn-shenzhen").as_deref(),
            Some("cn-shenzhen")
        );
        assert_eq!(region("bucket-name", "my-bucket"), None);
    }
}
