//! Storage: where a StorageClass, a PersistentVolume or a claim says its data lives. The drivers,
//! topology keys, parameters and endpoints are data (`storage.toml`); this reads them from the
//! objects.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use super::Manifest;
use super::scheduling::{Slot, push};
use super::yaml::{Entry, Map, Reader, is_null, join, scalar};
use crate::frontends::ParseIssue;
use crate::model::Resolved;

const TABLE: &str = include_str!("storage.toml");

/// The storage table: see `storage.toml` for each field's sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageTable {
    pub region_keys: Vec<String>,
    pub zone_keys: Vec<String>,
    pub region_parameters: Vec<String>,
    pub zone_parameters: Vec<String>,
    pub drivers: Vec<Driver>,
    pub endpoints: Vec<Endpoint>,
}

/// A CSI driver or provisioner and the cloud whose volumes it creates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Driver {
    pub provider: String,
    pub service: String,
    pub names: Vec<String>,
}

/// A storage endpoint host name that says its region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub provider: String,
    pub service: String,
    #[serde(with = "serde_regex")]
    pub pattern: Regex,
}

mod serde_regex {
    use regex::Regex;
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Regex, D::Error> {
        let text = String::deserialize(deserializer)?;
        Regex::new(&text).map_err(serde::de::Error::custom)
    }
}

pub static STORAGE: LazyLock<StorageTable> =
    LazyLock::new(|| toml::from_str(TABLE).expect("the embedded storage table is valid (tested)"));

impl StorageTable {
    /// The driver a provisioner or CSI driver name stands for.
    pub fn driver(&self, name: &str) -> Option<&Driver> {
        self.drivers
            .iter()
            .find(|d| d.names.iter().any(|n| n == name))
    }

    /// The provider, service and region an endpoint URL or host names.
    pub fn endpoint(&self, url: &str) -> Option<(&Endpoint, String)> {
        let host = url.trim();
        let host = host.split_once("://").map_or(host, |(_, rest)| rest);
        let host = host.split(['/', ':', '?']).next().unwrap_or_default();
        let host = host.to_ascii_lowercase();
        self.endpoints.iter().find_map(|e| {
            let region = e.pattern.captures(&host)?.name("region")?.as_str();
            Some((e, region.to_owned()))
        })
    }
}

/// A volume's region read from an endpoint host name: the region and the note for its chain.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRegion {
    pub provider: String,
    pub region: Resolved<String>,
}

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

    /// A StorageClass's `provisioner` and `parameters`.
    pub(super) fn storage_class(
        &self,
        map: &Map<'_>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        manifest.driver = self.string_at(map, "provisioner", "")?;
        if let Some(parameters) = self.map_at(map, "parameters", "")? {
            self.parameters(parameters, "parameters", manifest)?;
        }
        Ok(())
    }

    /// A PersistentVolume's class, and its CSI or FlexVolume driver with its attributes.
    pub(super) fn volume_source(
        &self,
        spec: &Map<'_>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        manifest.storage_class = self.string_at(spec, "storageClassName", "spec")?;
        for (source, attributes) in [("csi", "volumeAttributes"), ("flexVolume", "options")] {
            let path = join("spec", source);
            let Some(volume) = self.map_at(spec, source, "spec")? else {
                continue;
            };
            manifest.driver = self.string_at(volume, "driver", &path)?;
            if let Some(values) = self.map_at(volume, attributes, &path)? {
                self.parameters(values, &join(&path, attributes), manifest)?;
            }
        }
        Ok(())
    }

    /// A claim's class and the volume it is bound to.
    pub(super) fn claim(&self, spec: &Map<'_>, manifest: &mut Manifest) -> Result<(), ParseIssue> {
        manifest.storage_class = self.string_at(spec, "storageClassName", "spec")?;
        manifest.volume_name = self.string_at(spec, "volumeName", "spec")?;
        Ok(())
    }

    /// A pod spec's claims: `volumes[].persistentVolumeClaim.claimName`.
    pub(super) fn pod_claims(
        &self,
        pod: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(volumes) = self.seq_at(pod, "volumes", path)? else {
            return Ok(());
        };
        let path = join(path, "volumes");
        for volume in volumes {
            let volume = self.item(volume, &path)?;
            let claim_path = join(&path, "persistentVolumeClaim");
            if let Some(claim) = self.map_at(volume, "persistentVolumeClaim", &path)?
                && let Some(name) = self.string_at(claim, "claimName", &claim_path)?
            {
                manifest.claims.push(name);
            }
        }
        Ok(())
    }

    /// A StatefulSet's `volumeClaimTemplates`: the class each template's claims are created from.
    pub(super) fn claim_templates(
        &self,
        spec: &Map<'_>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(templates) = self.seq_at(spec, "volumeClaimTemplates", "spec")? else {
            return Ok(());
        };
        let path = "spec.volumeClaimTemplates";
        for template in templates {
            let template = self.item(template, path)?;
            if let Some(claim) = self.map_at(template, "spec", path)?
                && let Some(class) =
                    self.string_at(claim, "storageClassName", &join(path, "spec"))?
            {
                manifest.claim_templates.push(class);
            }
        }
        Ok(())
    }

    /// Region and zone parameters (comma-separated lists split) and endpoint host names.
    fn parameters(
        &self,
        parameters: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let table = &*STORAGE;
        for (key, value) in parameters {
            let Some(name) = scalar(key) else {
                continue;
            };
            if is_null(value) {
                continue;
            }
            let slot = if table.region_parameters.iter().any(|p| p == name) {
                Some(Slot::Region)
            } else if table.zone_parameters.iter().any(|p| p == name) {
                Some(Slot::Zone)
            } else {
                None
            };
            let Some(text) = scalar(value) else {
                if slot.is_some() {
                    let entry = Entry { key, value };
                    return Err(self.wrong_type(entry, &join(path, name), "a string"));
                }
                continue;
            };
            match slot {
                Some(slot) => {
                    for part in self.split(value, text, ",") {
                        push(manifest, slot, part);
                    }
                }
                None => {
                    if let Some((endpoint, region)) = table.endpoint(text) {
                        let span = self.span(value);
                        manifest.endpoints.push(EndpointRegion {
                            provider: endpoint.provider.clone(),
                            region: Resolved::new(region.clone(), span).with_via(
                                span,
                                format!(
                                    "endpoint `{}` ({}) names region `{region}`",
                                    text.trim(),
                                    endpoint.service
                                ),
                            ),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_storage_table_parses_and_every_driver_is_named_once() {
        let table = &*STORAGE;
        let mut names: Vec<&str> = table
            .drivers
            .iter()
            .flat_map(|d| d.names.iter().map(String::as_str))
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(
            table
                .driver("com.tencent.cloud.csi.cbs")
                .map(|d| d.provider.as_str()),
            Some("tencentcloud")
        );
    }

    fn parse_text(text: &str) -> crate::frontends::kubernetes::Parsed {
        let file = crate::source::SourceFile::new(
            "k.yaml".into(),
            "k.yaml".into(),
            "k.yaml".into(),
            text.into(),
        );
        super::super::parse(&file, crate::source::SourceId(1))
    }

    fn text_at<'t>(text: &'t str, r: &Resolved<String>) -> &'t str {
        &text[r.span.range()]
    }

    #[test]
    fn volumes_say_their_driver_class_and_endpoint() {
        let t = include_str!("../../../fixtures/k8s-storage/alibaba/volumes.yaml");
        let parsed = parse_text(t);
        assert_eq!(parsed.issues, []);
        let [disk, oss] = &parsed.manifests[..] else {
            panic!("two volumes: {:?}", parsed.manifests)
        };
        assert_eq!(
            disk.driver.as_ref().map(|d| text_at(t, d)),
            Some("diskplugin.csi.alibabacloud.com")
        );
        assert_eq!(
            disk.zones.iter().map(|z| text_at(t, z)).collect::<Vec<_>>(),
            ["cn-shenzhen-c"]
        );
        let endpoint = &oss.endpoints[..];
        assert_eq!(endpoint.len(), 1);
        assert_eq!(endpoint[0].provider, "alicloud");
        assert_eq!(endpoint[0].region.value, "cn-qingdao");
        assert_eq!(
            text_at(t, &endpoint[0].region),
            "oss-cn-qingdao-internal.aliyuncs.com"
        );
    }

    #[test]
    fn workloads_name_their_claims_and_claim_templates() {
        let t = include_str!("../../../fixtures/k8s-storage/chain/deployment.yaml");
        let parsed = parse_text(t);
        let claims: Vec<_> = parsed.manifests[0]
            .claims
            .iter()
            .map(|c| text_at(t, c))
            .collect();
        assert_eq!(claims, ["ledger-data"]);
        let t = include_str!("../../../fixtures/k8s-storage/zones/storage.yaml");
        let parsed = parse_text(t);
        let set = parsed
            .manifests
            .iter()
            .find(|m| m.kind == "StatefulSet")
            .expect("the fixture has a StatefulSet");
        assert_eq!(
            set.claim_templates
                .iter()
                .map(|c| text_at(t, c))
                .collect::<Vec<_>>(),
            ["cbs-hk"]
        );
        let t = include_str!("../../../fixtures/k8s-storage/chain/claim.yaml");
        let claim = &parse_text(t).manifests[0];
        assert_eq!(
            claim.storage_class.as_ref().map(|c| text_at(t, c)),
            Some("cbs-hk")
        );
        assert_eq!(claim.volume_name, None);
    }

    #[test]
    fn vendor_zone_keys_and_parameters_are_read() {
        let t = include_str!("../../../fixtures/k8s-storage/huawei/storageclass.yaml");
        let m = &parse_text(t).manifests[0];
        assert_eq!(
            (m.driver.as_ref().map(|d| d.value.as_str()), m.zones.len()),
            (Some("evs.csi.huaweicloud.com"), 1)
        );
        assert_eq!(text_at(t, &m.zones[0]), "ap-southeast-1a");
        let t = include_str!("../../../fixtures/k8s-storage/alibaba/storageclass.yaml");
        let m = &parse_text(t).manifests[0];
        let zones: Vec<_> = m.zones.iter().map(|z| text_at(t, z)).collect();
        assert_eq!(zones, ["cn-zhangjiakou-a", "cn-zhangjiakou-b"]);
        assert_eq!(text_at(t, &m.regions[0]), "cn-zhangjiakou");
    }

    #[test]
    fn an_azure_class_names_its_location() {
        let t = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: managed}\n\
                 provisioner: disk.csi.azure.com\nparameters: {skuName: Premium_LRS, location: chinaeast2}\n";
        let m = &parse_text(t).manifests[0];
        assert_eq!(
            m.regions.iter().map(|r| text_at(t, r)).collect::<Vec<_>>(),
            ["chinaeast2"]
        );
    }

    #[test]
    fn endpoints_give_their_region() {
        let table = &*STORAGE;
        let region = |url: &str| table.endpoint(url).map(|(e, r)| (e.provider.as_str(), r));
        assert_eq!(
            region("oss-cn-qingdao-internal.aliyuncs.com"),
            Some(("alicloud", "cn-qingdao".to_owned()))
        );
        assert_eq!(
            region("https://bucket.oss-cn-hongkong.aliyuncs.com/path"),
            Some(("alicloud", "cn-hongkong".to_owned()))
        );
        assert_eq!(
            region("http://cos.ap-guangzhou.myqcloud.com"),
            Some(("tencentcloud", "ap-guangzhou".to_owned()))
        );
        assert_eq!(
            region("examplebucket-1250000000.cos.ap-hongkong.myqcloud.com"),
            Some(("tencentcloud", "ap-hongkong".to_owned()))
        );
        assert_eq!(
            region("https://obs.ap-southeast-1.myhuaweicloud.com"),
            Some(("huaweicloud", "ap-southeast-1".to_owned()))
        );
        // The drivers' examples mask the mount target; the region is still the region.
        assert_eq!(
            region("***.cn-beijing.nas.aliyuncs.com"),
            Some(("alicloud", "cn-beijing".to_owned()))
        );
        assert_eq!(
            region("0cd8b4a576-abc12.cn-hangzhou.nas.aliyuncs.com"),
            Some(("alicloud", "cn-hangzhou".to_owned()))
        );
        assert_eq!(region("https://example.com"), None);
    }
}
