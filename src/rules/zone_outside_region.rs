use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags a zone that lies in another region than the placement's, by the provider's zone
    /// grammar (`cn-hangzhou-h` is in `cn-hangzhou`, `ap-guangzhou-3` in `ap-guangzhou`,
    /// `cn-north-4a` in `cn-north-4`).
    ///
    /// ## Why is this bad?
    /// The cloud cannot create a resource in a zone of another region: Terraform's apply fails, or
    /// the region written is not the one the team meant. Either way the region that was checked is
    /// not known to be where the workload will run, and the zone may well be abroad.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37 and PIPL art. 40: where data is stored must be known, and a
    /// placement whose zone and region disagree does not say it.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// kind = "database"
    /// provider = "alicloud"
    /// region = "cn-shanghai-finance-1"
    /// zones = ["cn-hongkong-b"]
    /// data_class = 4
    /// ```
    ///
    /// ## How to fix
    /// Pick a zone of the placement's region, or set the region the zone lies in. A zone alone
    /// fixes the region: when the region comes only from the environment, yunlint takes the zone's.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL207 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL207 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore zone-outside-region`.
    pub ZoneOutsideRegion { code: YL207, name: "zone-outside-region", severity: Error }
}

impl Rule for ZoneOutsideRegion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let (region, entry) = subject.located(policy)?;
        let zones = match subject.replica {
            Some(replica) => &replica.zones,
            None => &subject.placement.zones,
        };
        if entry.classify(&region.value) == RegionClass::Unknown {
            return None; // YL203's: the region itself is wrong, likely a typo the zone shows
        }
        let actual = entry.canonical(&region.value);
        // A zone a Kubernetes object requires is YL206's, at the same span.
        let required = |zone: &crate::model::Resolved<String>| {
            subject.replica.is_none()
                && subject
                    .placement
                    .required_regions
                    .iter()
                    .any(|r| r.zone.as_ref().is_some_and(|z| z.span == zone.span))
        };
        let (zone, zone_region) = zones.iter().filter(|z| !required(z)).find_map(|zone| {
            let found = entry.region_of_zone(&zone.value)?;
            let found = entry.normalized(&found).unwrap_or(found);
            (entry.canonical(&found) != actual).then_some((zone, found))
        })?;
        let abroad = if entry.classify(&zone_region) == RegionClass::NonMainland {
            ", outside mainland China"
        } else {
            ""
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(zone.span, format!("a zone of `{zone_region}`")),
                format!(
                    "zone `{}` of {} lies in region `{zone_region}`{abroad}, not in its region `{}`",
                    zone.value,
                    subject.describe(),
                    region.value
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_help(format!(
                "use a zone of `{}`, or set the region to `{zone_region}` if that is where it belongs",
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

    fn codes(descriptor: &str) -> Vec<(&'static str, String)> {
        let options = LintOptions {
            paths: vec!["-".into()],
            isolated: true,
            as_of: "2026-11-23".parse().ok(),
            stdin: Some(("t.deploy.toml".into(), descriptor.into())),
            ..LintOptions::default()
        };
        let run = lint(&options, Path::new(".")).expect("runs");
        run.findings
            .iter()
            .map(|f| (f.rule.code, f.message.clone()))
            .collect()
    }

    #[test]
    fn a_zone_of_another_region_is_flagged_at_the_zone() {
        let found = codes(
            "[[workload]]\nname = \"a\"\nprovider = \"tencentcloud\"\nregion = \"ap-guangzhou\"\nzones = [\"ap-hongkong-2\"]\ndata_class = 2\n",
        );
        assert_eq!(
            found,
            [(
                "YL207",
                "zone `ap-hongkong-2` of `a` lies in region `ap-hongkong`, outside mainland China, not in its region `ap-guangzhou`".to_owned()
            )]
        );
    }

    #[test]
    fn a_zone_of_the_region_passes_and_a_zone_alone_places() {
        assert_eq!(
            codes(
                "[[workload]]\nname = \"a\"\nprovider = \"tencentcloud\"\nregion = \"ap-guangzhou\"\nzones = [\"ap-guangzhou-3\"]\ndata_class = 2\n"
            ),
            []
        );
        let found = codes(
            "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\nzones = [\"cn-hongkong-b\"]\ndata_class = 2\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "YL201");
    }
}
