//! The common model every front end produces: where one workload runs.

use std::fmt;
use std::sync::Arc;

use crate::source::{SourceId, Span};

/// A value with the span it was read from and the chain of places it came through.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<T> {
    pub value: T,
    pub span: Span,
    /// Where the value came from, nearest first ("inherited from `[defaults]`").
    pub via: Vec<Via>,
}

impl<T> Resolved<T> {
    pub fn new(value: T, span: Span) -> Self {
        Resolved {
            value,
            span,
            via: Vec::new(),
        }
    }

    pub fn with_via(mut self, span: Span, note: impl Into<Arc<str>>) -> Self {
        self.via.push(Via {
            span,
            note: note.into(),
        });
        self
    }
}

/// One step of a value's provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Via {
    pub span: Span,
    /// Shared: a provider's or a default's chain is copied into every placement that uses it.
    pub note: Arc<str>,
}

/// Why a value could not be worked out, and where that was noticed.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    pub reason: String,
    pub span: Span,
    /// What the user can do about it, when the front end knows.
    pub help: Option<String>,
}

pub type Resolution<T> = Result<Resolved<T>, Unresolved>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Compute,
    Database,
    Storage,
    Kubernetes,
    Network,
    Other,
}

impl WorkloadKind {
    pub const ALL: [WorkloadKind; 6] = [
        WorkloadKind::Compute,
        WorkloadKind::Database,
        WorkloadKind::Storage,
        WorkloadKind::Kubernetes,
        WorkloadKind::Network,
        WorkloadKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Compute => "compute",
            WorkloadKind::Database => "database",
            WorkloadKind::Storage => "storage",
            WorkloadKind::Kubernetes => "kubernetes",
            WorkloadKind::Network => "network",
            WorkloadKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReplicaRole {
    Dr,
    Backup,
    ReadReplica,
    /// Edge nodes of a CDN or an acceleration service, which cache and serve the content.
    Edge,
}

impl ReplicaRole {
    pub const ALL: [ReplicaRole; 4] = [
        ReplicaRole::Dr,
        ReplicaRole::Backup,
        ReplicaRole::ReadReplica,
        ReplicaRole::Edge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReplicaRole::Dr => "dr",
            ReplicaRole::Backup => "backup",
            ReplicaRole::ReadReplica => "read-replica",
            ReplicaRole::Edge => "edge",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for ReplicaRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which front end produced a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Descriptor,
    Terraform,
    Kubernetes,
}

/// One Terraform provider configuration, as the resources that use it see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderConfig {
    /// `provider.alicloud.dr`, after the module instance's address (`envs/prod:module.db.`).
    pub address: String,
    /// The `provider` block, or the first resource using the configuration when no block
    /// configures it (the implicit default configuration).
    pub span: Span,
    /// Whether a `provider` block configures it.
    pub declared: bool,
    /// The region of resources that use it was taken from the configuration (no region of their
    /// own), so an unresolved region is the configuration's problem.
    pub region_inherited: bool,
}

/// A region a Kubernetes object requires, and the zone it was read from when a zone fixed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The region, at the span of the value that requires it (the zone's, for a zone).
    pub region: Resolved<String>,
    pub zone: Option<Resolved<String>>,
}

impl Requirement {
    pub fn region(region: Resolved<String>) -> Self {
        Requirement { region, zone: None }
    }
}

/// A DR copy, backup or read replica: checked like a placement, in its own region.
#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    pub role: Resolved<ReplicaRole>,
    pub provider: Resolved<String>,
    pub region: Resolution<String>,
    pub zones: Vec<Resolved<String>>,
}

/// One thing that runs or stores data somewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Stable identity: `<path>#<name>` for descriptors.
    pub address: String,
    /// The file it was read from, relative to the project root (matched by `[[classify]]` globs).
    pub path: Arc<str>,
    /// The span that names the placement (a workload's `name`).
    pub name_span: Span,
    /// The whole declaration: a suppression comment in it (or just above it) covers the placement.
    pub block: Span,
    pub kind: WorkloadKind,
    pub provider: Resolved<String>,
    pub region: Resolution<String>,
    pub zones: Vec<Resolved<String>>,
    pub replicas: Vec<Replica>,
    /// The data class set on the workload or inherited from its service (JR/T 0197-2020 level).
    pub data_class: Option<Resolved<u8>>,
    /// The instance keys of a repeated block (Terraform `count`/`for_each`; `*` when unknown).
    pub instances: Vec<String>,
    /// Regions its scheduling constraints require (Kubernetes node selectors, affinities and
    /// topologies, storage parameters, the volumes a workload mounts).
    pub required_regions: Vec<Requirement>,
    /// The Kubernetes cluster a manifest runs on.
    pub cluster: Option<String>,
    /// The Terraform provider configuration the resource uses, when its region comes from there.
    /// Findings that are about the configuration rather than the resource (an unregistered
    /// provider, a region only the environment sets) are reported once per configuration.
    pub provider_config: Option<Arc<ProviderConfig>>,
    pub origin: Origin,
    pub source: SourceId,
}

/// A Terraform address without its instance keys: `module.app["a"].aws_instance.web[0]` →
/// `module.app.aws_instance.web`. Globs written for a block (`[[classify]]`, `[[exceptions]]`)
/// match each of its instances.
pub fn without_instance_keys(address: &str) -> Option<String> {
    if !address.contains('[') {
        return None;
    }
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        match (depth, c) {
            (0, '[') => depth = 1,
            (0, c) => out.push(c),
            (_, _) if escaped => escaped = false,
            (_, '\\') if quoted => escaped = true,
            (_, '"') => quoted = !quoted,
            (_, ']') if !quoted => depth = 0,
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_removed_from_addresses() {
        assert_eq!(
            without_instance_keys(r#"envs/prod:module.app["a]\"b"].aws_instance.web[0]"#)
                .as_deref(),
            Some("envs/prod:module.app.aws_instance.web")
        );
        assert_eq!(without_instance_keys("aws_instance.web"), None);
    }
}
