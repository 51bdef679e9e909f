use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags a Kubernetes scheduling constraint that requires a region other than the one its
    /// cluster runs in. It reads `nodeSelector` and required node affinity on
    /// `topology.kubernetes.io/region` (and the legacy `failure-domain.beta.kubernetes.io/region`),
    /// PersistentVolume node affinity and StorageClass `allowedTopologies`.
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
            .find(|r| entry.canonical(&r.value) != actual)?;
        let abroad = if entry.classify(&wanted.value) == RegionClass::NonMainland {
            ", which is outside mainland China"
        } else {
            ""
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(wanted.span, "required here"),
                format!(
                    "{} requires region `{}`{abroad}, but its cluster runs in `{}`",
                    subject.describe(),
                    wanted.value,
                    region.value
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_help(format!(
                "require `{}` (the cluster's region), or map the manifest to the cluster it is applied to",
                region.value
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}
