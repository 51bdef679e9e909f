use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes object that requires a region or a zone outside its cluster's region.
    ///
    /// It reads a region or a zone named by `nodeSelector` and required node affinity on the topology
    /// labels (`topology.kubernetes.io/region` and `/zone`, the legacy `failure-domain.beta…`
    /// labels and the cloud CSI drivers' zone keys), PersistentVolume node affinity, StorageClass
    /// `allowedTopologies` and region or zone parameters, storage endpoints, and the volumes a
    /// workload mounts (through its claims to their storage class or bound volume). A zone's
    /// region comes from the provider's zone grammar (`ap-hongkong-2` is in `ap-hongkong`).
    ///
    /// ## Why is this bad?
    /// A pod that requires a region its cluster is not in never schedules, and a manifest that asks
    /// for Hong Kong or Singapore shows a deployment meant to run there: either the manifest is
    /// applied to the wrong cluster, or the workload is about to be moved abroad. The finding points
    /// at the label value, where the intent is written.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37; PIPL arts. 38-40: where a workload runs decides whether its data
    /// leaves the country, and the manifest is where that is decided for Kubernetes workloads.
    ///
    /// ## Example
    /// With the manifest's cluster in `cn-shanghai-finance-1`:
    ///
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         topology.kubernetes.io/region: cn-hongkong
    /// ```
    ///
    /// ## How to fix
    /// Correct the constraint to the cluster's region (or one of its zones), or map the manifest to
    /// the cluster it is really applied to under `[[kubernetes.clusters]]` in `yunlint.toml`.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL206 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL206 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore region-constraint-conflict`.
    pub RegionConstraintConflict { code: YL206, name: "region-constraint-conflict", severity: Error }
}

impl Rule for RegionConstraintConflict {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        if subject.replica.is_some() {
            return None;
        }
        let (region, entry) = subject.located(policy)?;
        let actual = entry.canonical(&region.value);
        let wanted = subject
            .placement
            .required_regions
            .iter()
            .find(|r| entry.canonical(&r.region.value) != actual)?;
        let abroad = if entry.classify(&wanted.region.value) == RegionClass::NonMainland {
            ", which is outside mainland China"
        } else {
            ""
        };
        let what = match &wanted.zone {
            Some(zone) => format!("zone `{}` of region `{}`", zone.value, wanted.region.value),
            None => format!("region `{}`", wanted.region.value),
        };
        let runs = if subject.placement.cluster.is_some() {
            "its cluster runs in"
        } else {
            "it runs in"
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(wanted.region.span, "required here"),
                format!(
                    "{} requires {what}{abroad}, but {runs} `{}`",
                    subject.describe(),
                    region.value
                ),
            )
            .with_labels(Subject::via_labels(&wanted.region))
            .with_labels(Subject::via_labels(region))
            .with_help(format!(
                "require `{}` (the cluster's region) or one of its zones, or map the manifest to the cluster it is applied to",
                region.value
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::{LintOptions, lint};

    /// YL206 findings of a run over part of the `k8s-storage` fixture (its cluster: TKE in
    /// `ap-guangzhou`), as (file, line, message).
    fn conflicts(path: &str) -> Vec<(String, usize, String)> {
        let options = LintOptions {
            paths: vec![Path::new("fixtures/k8s-storage").join(path)],
            as_of: "2026-11-23".parse().ok(),
            ..LintOptions::default()
        };
        let run = lint(&options, Path::new(env!("CARGO_MANIFEST_DIR"))).expect("runs");
        run.findings
            .iter()
            .filter(|f| f.rule.code == "YL206")
            .map(|f| {
                let file = run.sources.get(f.primary.span.source);
                let line = file.position(f.primary.span.start()).line;
                (file.rel.to_string(), line, f.message.clone())
            })
            .collect()
    }

    #[test]
    fn a_zone_of_another_region_is_flagged_at_the_zone() {
        assert_eq!(
            conflicts("zones/api.yaml"),
            [(
                "zones/api.yaml".to_owned(),
                14,
                "`Deployment/payments/api` requires zone `ap-hongkong-2` of region `ap-hongkong`, \
                 which is outside mainland China, but its cluster runs in `ap-guangzhou`"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn storage_zones_and_volumes_count_and_zones_of_the_region_pass() {
        let found = conflicts("zones/storage.yaml");
        let at: Vec<(usize, &str)> = found
            .iter()
            .map(|(_, line, message)| (*line, message.split(' ').next().unwrap_or_default()))
            .collect();
        // The class in Hong Kong at its `diskZone`, the StatefulSet at its claim template's class;
        // `cbs-gz`'s two Guangzhou zones pass.
        assert_eq!(
            at,
            [
                (10, "`StorageClass/cbs-hk`"),
                (40, "`StatefulSet/payments/ledger-db`")
            ]
        );
    }
}
