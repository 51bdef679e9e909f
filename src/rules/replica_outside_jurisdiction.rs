use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags a DR copy, backup or read replica outside mainland China. This holds even when the
    /// primary placement is in the mainland.
    ///
    /// ## Why is this bad?
    /// A copy is the data. Replicating or backing up to Hong Kong or Singapore is a cross-border
    /// transfer just like running there, and the CAC's guide counts even overseas access to data
    /// stored in China as export. Disaster recovery sites obey the same placement rules as production.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37; PIPL art. 38; Data Security Law art. 31; JR/T 0168-2020 (disaster
    /// recovery for financial cloud platforms); CAC standard contract guide v2.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// kind = "database"
    /// provider = "alicloud"
    /// region = "cn-shanghai-finance-1"
    /// data_class = 4
    ///
    /// [[workload.replica]]
    /// role = "dr"
    /// region = "cn-hongkong"
    /// ```
    ///
    /// ## How to fix
    /// Put the replica in another mainland region of the provider, such as the second finance-grade
    /// region of the pair (`cn-shenzhen-finance-1` for `cn-shanghai-finance-1`).
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL301 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL301 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore replica-outside-jurisdiction`.
    pub ReplicaOutsideJurisdiction { code: YL301, name: "replica-outside-jurisdiction", severity: Error }
}

impl Rule for ReplicaOutsideJurisdiction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let replica = subject.replica?;
        let (region, entry) = subject.located(policy)?;
        if entry.classify(&region.value) != RegionClass::NonMainland {
            return None;
        }
        Some(
            Finding::new(
                &Self::META,
                Label::new(region.span, "outside mainland China"),
                format!(
                    "{} is in `{}`, outside mainland China",
                    subject.describe(),
                    region.value
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_label(Label::new(subject.placement.name_span, "replica of this workload"))
            .with_help(format!(
                "keep the {} copy in mainland China: a copy abroad is a cross-border transfer (PIPL art. 38)",
                replica.role.value
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}
