//! The objects read: which kinds, how each is laid out, their names and data class.

use super::Manifest;
use super::yaml::{Map, Reader, join, lookup, scalar};
use crate::frontends::ParseIssue;
use crate::model::Resolved;
use crate::source::Span;

/// Label and annotation keys that hold the data class (JR/T 0197-2020 level), first match wins.
pub(super) const DATA_CLASS_KEYS: [&str; 2] = ["yunlint.dev/data-class", "data-class"];

/// Where a manifest's pods or volumes take their constraints from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `spec` is the pod spec.
    Pod,
    /// `spec.template` is the pod template.
    Template,
    /// `spec.jobTemplate.spec.template` is the pod template.
    CronJob,
    /// `spec.selector` picks the volume.
    Claim,
    /// Own labels and `spec.nodeAffinity.required`.
    Volume,
    /// `allowedTopologies` and `parameters`.
    StorageClass,
}

/// The kinds read here, in the API groups that define them.
/// Every kind [`shape`] reads: a manifest's kind is one of these, not a string of its own.
pub(super) const KINDS: [&str; 11] = [
    "Pod",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
];

/// How an object of this kind is read, and the kind's name from [`KINDS`].
pub(super) fn shape(api_version: &str, kind: &str) -> Option<(Shape, &'static str)> {
    let name = KINDS.iter().find(|k| **k == kind)?;
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    let shape = match (group, kind) {
        ("", "Pod") => Some(Shape::Pod),
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job") => Some(Shape::Template),
        ("batch", "CronJob") => Some(Shape::CronJob),
        ("", "PersistentVolumeClaim") => Some(Shape::Claim),
        ("", "PersistentVolume") => Some(Shape::Volume),
        ("storage.k8s.io", "StorageClass") => Some(Shape::StorageClass),
        _ => None,
    }?;
    Some((shape, name))
}

impl Reader<'_> {
    /// One top-level document or one item of a `List`.
    pub(super) fn object(&mut self, map: &Map<'_>, list_item: Option<Span>) {
        let (Some(api_version), Some(kind)) = (lookup(map, "apiVersion"), lookup(map, "kind"))
        else {
            if let Some(span) = list_item {
                self.issues.push(
                    ParseIssue::new(span, "list item is not a Kubernetes object")
                        .with_help("each item of a `List` needs `apiVersion` and `kind`"),
                );
            }
            return;
        };
        let (Some(api_version), Some(kind_text)) = (scalar(api_version.value), scalar(kind.value))
        else {
            let bad = if scalar(api_version.value).is_none() {
                (api_version, "apiVersion")
            } else {
                (kind, "kind")
            };
            self.issues.push(self.wrong_type(bad.0, bad.1, "a string"));
            return;
        };
        let kind_span = self.span(kind.value);
        // `kind: List`, or a typed list of a kind read here (`DeploymentList`).
        let typed_list = kind_text
            .strip_suffix("List")
            .is_some_and(|item_kind| shape(api_version, item_kind).is_some());
        if kind_text == "List" || typed_list {
            self.list(map);
            return;
        }
        let Some((shape, kind)) = shape(api_version, kind_text) else {
            return;
        };
        match self.manifest(map, shape, kind, kind_span) {
            Ok(manifest) => self.manifests.push(manifest),
            Err(issue) => self.issues.push(issue),
        }
    }

    pub(super) fn list(&mut self, map: &Map<'_>) {
        let items = match self.seq_at(map, "items", "") {
            Ok(items) => items.map_or(&[][..], Vec::as_slice),
            Err(issue) => {
                self.issues.push(issue);
                return;
            }
        };
        for item in items {
            match self.item(item, "items") {
                Ok(object) => self.object(object, Some(self.span(item))),
                Err(issue) => self.issues.push(issue),
            }
        }
    }

    pub(super) fn manifest(
        &mut self,
        map: &Map<'_>,
        shape: Shape,
        kind: &'static str,
        kind_span: Span,
    ) -> Result<Manifest, ParseIssue> {
        let Some(metadata) = self.map_at(map, "metadata", "")? else {
            return Err(
                ParseIssue::new(kind_span, format!("`{kind}` has no `metadata`"))
                    .with_help("every Kubernetes object needs `metadata.name`"),
            );
        };
        let name = match self.string_at(metadata, "name", "metadata")? {
            Some(name) => name,
            None => self
                .string_at(metadata, "generateName", "metadata")?
                .ok_or_else(|| {
                    ParseIssue::new(kind_span, format!("`{kind}` has no `metadata.name`"))
                        .with_help("every Kubernetes object needs `metadata.name`")
                })?,
        };
        let namespace = self.string_at(metadata, "namespace", "metadata")?;
        let mut manifest = Manifest {
            kind,
            name: name.value,
            namespace: namespace.map(|n| n.value),
            name_span: name.span,
            data_class: None,
            regions: Vec::new(),
            zones: Vec::new(),
            driver: None,
            storage_class: None,
            volume_name: None,
            endpoints: Vec::new(),
            claims: Vec::new(),
            claim_templates: Vec::new(),
        };
        // Where the data class may be set, in order: the object, then its pod template.
        let mut metadatas = vec![("metadata".to_owned(), metadata)];

        match shape {
            Shape::Pod => {
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.pod_spec(spec, "spec", &mut manifest)?;
                }
            }
            Shape::Template => {
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.template(spec, "spec", &mut manifest, &mut metadatas)?;
                    self.claim_templates(spec, &mut manifest)?;
                }
            }
            Shape::CronJob => {
                if let Some(spec) = self.map_at(map, "spec", "")?
                    && let Some(job) = self.map_at(spec, "jobTemplate", "spec")?
                    && let Some(job_spec) = self.map_at(job, "spec", "spec.jobTemplate")?
                {
                    self.template(
                        job_spec,
                        "spec.jobTemplate.spec",
                        &mut manifest,
                        &mut metadatas,
                    )?;
                }
            }
            Shape::Claim => {
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.claim(spec, &mut manifest)?;
                    if let Some(selector) = self.map_at(spec, "selector", "spec")? {
                        self.label_selector(selector, "spec.selector", &mut manifest)?;
                    }
                }
            }
            Shape::Volume => {
                if let Some(labels) = self.map_at(metadata, "labels", "metadata")? {
                    // Regional volumes list their zones joined by `__` in the zone label.
                    self.labels(labels, "metadata.labels", "__", &mut manifest)?;
                }
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.volume_source(spec, &mut manifest)?;
                    if let Some(affinity) = self.map_at(spec, "nodeAffinity", "spec")?
                        && let Some(required) =
                            self.map_at(affinity, "required", "spec.nodeAffinity")?
                    {
                        self.node_selector(required, "spec.nodeAffinity.required", &mut manifest)?;
                    }
                }
            }
            Shape::StorageClass => {
                self.allowed_topologies(map, &mut manifest)?;
                self.storage_class(map, &mut manifest)?;
            }
        }

        // Storage classes are read field by field; report values in the order of the file.
        manifest.regions.sort_by_key(|r| r.span.start());
        manifest.zones.sort_by_key(|z| z.span.start());
        manifest.data_class = self.data_class(&metadatas)?;
        Ok(manifest)
    }

    /// `<path>.template`: its metadata (for the data class) and its pod spec.
    pub(super) fn template<'n, 'i>(
        &self,
        spec: &'n Map<'i>,
        path: &str,
        manifest: &mut Manifest,
        metadatas: &mut Vec<(String, &'n Map<'i>)>,
    ) -> Result<(), ParseIssue> {
        let Some(template) = self.map_at(spec, "template", path)? else {
            return Ok(());
        };
        let path = join(path, "template");
        if let Some(metadata) = self.map_at(template, "metadata", &path)? {
            metadatas.push((join(&path, "metadata"), metadata));
        }
        if let Some(pod) = self.map_at(template, "spec", &path)? {
            self.pod_spec(pod, &join(&path, "spec"), manifest)?;
        }
        Ok(())
    }

    /// The first data class set on these metadata: labels, then annotations of each.
    pub(super) fn data_class(
        &mut self,
        metadatas: &[(String, &Map<'_>)],
    ) -> Result<Option<Resolved<u8>>, ParseIssue> {
        for (path, metadata) in metadatas {
            for field in ["labels", "annotations"] {
                let Some(values) = self.map_at(metadata, field, path)? else {
                    continue;
                };
                for key in DATA_CLASS_KEYS {
                    let path = format!("{path}.{field}.{key}");
                    if let Some(value) = self.string_at(values, key, &path)? {
                        return Ok(self.class(value));
                    }
                }
            }
        }
        Ok(None)
    }

    pub(super) fn class(&mut self, value: Resolved<String>) -> Option<Resolved<u8>> {
        match value.value.trim().parse::<u8>() {
            Ok(class @ 1..=5) => Some(Resolved::new(class, value.span)),
            _ => {
                self.issues.push(
                    ParseIssue::new(
                        value.span,
                        format!("data class `{}` is not a level from 1 to 5", value.value),
                    )
                    .with_help("data classes are JR/T 0197-2020 levels 1 to 5"),
                );
                None
            }
        }
    }
}
