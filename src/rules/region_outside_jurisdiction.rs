use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags a placement whose region lies outside mainland China. Hong Kong, Macau and Taiwan are
    /// outside for this purpose (Alibaba's `cn-hongkong`, Huawei's `ap-southeast-1`, Tencent's
    /// `ap-hongkong`).
    ///
    /// ## Why is this bad?
    /// Personal information and important data collected in China must be stored in China; moving it
    /// abroad needs a security assessment, certification or standard contract. Personal financial
    /// information must not be stored, processed or analysed outside China at all.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37; PIPL arts. 38-40; Data Security Law art. 31; PBOC 银发〔2011〕17号;
    /// CAC Provisions on Promoting and Regulating Cross-Border Data Flows (2024).
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "edge"
    /// kind = "compute"
    /// provider = "tencentcloud"
    /// region = "ap-singapore"
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Move the workload to a mainland region of the same provider, and to a finance-grade region for
    /// data of class 3 and above.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL201 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL201 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore region-outside-jurisdiction`.
    pub RegionOutsideJurisdiction { code: YL201, name: "region-outside-jurisdiction", severity: Error }
}

impl Rule for RegionOutsideJurisdiction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        if subject.replica.is_some() {
            return None; // YL301's job
        }
        let (region, entry) = subject.located(policy)?;
        if entry.classify(&region.value) != RegionClass::NonMainland {
            return None;
        }
        let suggestion = if policy.needs_finance_grade(subject.class.value) {
            entry
                .finance
                .first()
                .map(|r| format!(", such as finance-grade `{r}`"))
        } else {
            entry.mainland.first().map(|r| format!(", such as `{r}`"))
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(region.span, "outside mainland China"),
                format!(
                    "region `{}` of {} is outside mainland China",
                    region.value,
                    subject.describe()
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_help(format!(
                "move {} to a mainland region of `{}`{}",
                subject.describe(),
                entry.id,
                suggestion.unwrap_or_default()
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}
