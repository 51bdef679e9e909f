//! Storage: a StorageClass's allowed topologies and its region and zone parameters.

/// older FlexVolume driver's documentation).
pub(super) const REGION_PARAMETERS: [&str; 2] = ["regionId", "regionid"];

/// StorageClass parameters that name zones, comma-separated: Alibaba Cloud `zoneId`, Tencent
/// Cloud CBS `diskZone`/`diskZones`, the in-tree provisioners' `zone`/`zones`.
pub(super) const ZONE_PARAMETERS: [&str; 5] = ["zoneId", "diskZone", "diskZones", "zone", "zones"];

use super::Manifest;
use super::scheduling::{Slot, push};
use super::yaml::{Entry, Map, Reader, is_null, scalar};
use crate::frontends::ParseIssue;

impl Reader<'_> {
    /// A StorageClass's `allowedTopologies[].matchLabelExpressions[]`.
    pub(super) fn allowed_topologies(
        &self,
        map: &Map<'_>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(terms) = self.seq_at(map, "allowedTopologies", "")? else {
            return Ok(());
        };
        for term in terms {
            let term = self.item(term, "allowedTopologies")?;
            self.requirements(
                term,
                "matchLabelExpressions",
                "allowedTopologies",
                None,
                manifest,
            )?;
        }
        Ok(())
    }

    /// A StorageClass's region and zone parameters, comma-separated.
    pub(super) fn parameters(
        &self,
        map: &Map<'_>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(parameters) = self.map_at(map, "parameters", "")? else {
            return Ok(());
        };
        for (key, value) in parameters {
            let Some(name) = scalar(key) else {
                continue;
            };
            let slot = if REGION_PARAMETERS.contains(&name) {
                Slot::Region
            } else if ZONE_PARAMETERS.contains(&name) {
                Slot::Zone
            } else {
                continue;
            };
            if is_null(value) {
                continue;
            }
            let Some(text) = scalar(value) else {
                let entry = Entry { key, value };
                return Err(self.wrong_type(entry, &format!("parameters.{name}"), "a string"));
            };
            for part in self.split(value, text, ",") {
                push(manifest, slot, part);
            }
        }
        Ok(())
    }
}
