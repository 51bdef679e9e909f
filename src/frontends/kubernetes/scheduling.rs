//! Scheduling constraints: topology labels in node selectors, affinities and label selectors.

use super::Manifest;
use super::storage::STORAGE;
use super::yaml::{Entry, Map, Reader, is_null, join, scalar};
use crate::frontends::ParseIssue;
use crate::model::Resolved;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Region,
    Zone,
}

pub(super) fn topology_key(key: &str) -> Option<Slot> {
    let table = &*STORAGE;
    if table.region_keys.iter().any(|k| k == key) {
        Some(Slot::Region)
    } else if table.zone_keys.iter().any(|k| k == key) {
        Some(Slot::Zone)
    } else {
        None
    }
}

pub(super) fn push(manifest: &mut Manifest, slot: Slot, value: Resolved<String>) {
    match slot {
        Slot::Region => manifest.regions.push(value),
        Slot::Zone => manifest.zones.push(value),
    }
}

impl Reader<'_> {
    /// A pod spec's `nodeSelector` and required node affinity.
    pub(super) fn pod_spec(
        &self,
        pod: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        if let Some(selector) = self.map_at(pod, "nodeSelector", path)? {
            self.labels(selector, &join(path, "nodeSelector"), "", manifest)?;
        }
        let affinity_path = join(path, "affinity");
        let node_path = join(&affinity_path, "nodeAffinity");
        if let Some(affinity) = self.map_at(pod, "affinity", path)?
            && let Some(node) = self.map_at(affinity, "nodeAffinity", &affinity_path)?
            && let Some(required) = self.map_at(
                node,
                "requiredDuringSchedulingIgnoredDuringExecution",
                &node_path,
            )?
        {
            let path = join(&node_path, "requiredDuringSchedulingIgnoredDuringExecution");
            self.node_selector(required, &path, manifest)?;
        }
        self.pod_claims(pod, path, manifest)
    }

    /// A label map (`nodeSelector`, `matchLabels`, a volume's labels): the topology keys' values,
    /// split at `separator` when it is not empty.
    pub(super) fn labels(
        &self,
        labels: &Map<'_>,
        path: &str,
        separator: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        for (key, value) in labels {
            let Some(slot) = scalar(key).and_then(topology_key) else {
                continue;
            };
            let entry = Entry { key, value };
            if is_null(value) {
                continue;
            }
            let Some(text) = scalar(value) else {
                let key = scalar(key).unwrap_or_default();
                return Err(self.wrong_type(entry, &format!("{path}.{key}"), "a string"));
            };
            for part in self.split(value, text, separator) {
                push(manifest, slot, part);
            }
        }
        Ok(())
    }

    /// A `NodeSelector`: `nodeSelectorTerms[].matchExpressions[]` with operator `In`.
    pub(super) fn node_selector(
        &self,
        selector: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(terms) = self.seq_at(selector, "nodeSelectorTerms", path)? else {
            return Ok(());
        };
        let path = join(path, "nodeSelectorTerms");
        for term in terms {
            let term = self.item(term, &path)?;
            self.requirements(term, "matchExpressions", &path, Some("In"), manifest)?;
        }
        Ok(())
    }

    /// A `LabelSelector`: `matchLabels` and `matchExpressions` with operator `In`.
    pub(super) fn label_selector(
        &self,
        selector: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        if let Some(labels) = self.map_at(selector, "matchLabels", path)? {
            self.labels(labels, &join(path, "matchLabels"), "", manifest)?;
        }
        self.requirements(selector, "matchExpressions", path, Some("In"), manifest)
    }

    /// `<path>.<field>[]`: requirements with `key`, `values` and, when `operator` is given, an
    /// operator that must equal it (`allowedTopologies` has none: its requirements are all `In`).
    pub(super) fn requirements(
        &self,
        map: &Map<'_>,
        field: &str,
        path: &str,
        operator: Option<&str>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(requirements) = self.seq_at(map, field, path)? else {
            return Ok(());
        };
        let path = join(path, field);
        for requirement in requirements {
            let requirement = self.item(requirement, &path)?;
            let key = self.string_at(requirement, "key", &path)?;
            let op = self.string_at(requirement, "operator", &path)?;
            let values = self.seq_at(requirement, "values", &path)?;
            let Some(slot) = key.as_ref().and_then(|k| topology_key(&k.value)) else {
                continue;
            };
            if let Some(operator) = operator
                && op.as_ref().map(|o| o.value.as_str()) != Some(operator)
            {
                continue;
            }
            let values_path = join(&path, "values");
            for value in values.map_or(&[][..], Vec::as_slice) {
                if let Some(value) = self.string_item(value, &values_path)? {
                    push(manifest, slot, value);
                }
            }
        }
        Ok(())
    }
}
