use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::Policy;

declare_rule! {
    /// ## What it does
    /// Flags a region that a `[[residency]]` requirement does not allow. It applies to a placement
    /// or replica whose data class the requirement in `yunlint.toml` covers.
    ///
    /// ## Why is this bad?
    /// Institutions narrow the regulator's floor with their own rules: class 4 data only in the
    /// Shanghai-Shenzhen finance pair, say, so that the disaster-recovery plan holds. A placement
    /// outside the approved regions breaks the plan even when it is in the mainland.
    ///
    /// ## Regulation
    /// JR/T 0168-2020 (disaster recovery for financial cloud platforms); JR/T 0197-2020 (controls by
    /// data level); the institution's own data-residency policy.
    ///
    /// ## Example
    /// With this in `yunlint.toml`:
    ///
    /// ```toml
    /// [regions]
    /// dr-pair = ["cn-shanghai-finance-1", "cn-shenzhen-finance-1"]
    ///
    /// [[residency]]
    /// data_class = ">=4"
    /// allow = ["@dr-pair"]
    /// ```
    ///
    /// a class 4 workload in `cn-beijing-finance-1` is reported.
    ///
    /// ## How to fix
    /// Move the workload to one of the allowed regions, or, if the requirement is too narrow, change
    /// the `[[residency]]` entry with compliance's approval.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL205 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL205 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore region-not-allowed`.
    pub RegionNotAllowed { code: YL205, name: "region-not-allowed", severity: Error }
}

impl Rule for RegionNotAllowed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let (region, entry) = subject.located(policy)?;
        let rule = policy.residency_violation(entry, &region.value, subject.class.value)?;
        let allowed: Vec<String> = rule
            .allow
            .describe()
            .iter()
            .map(|r| format!("`{r}`"))
            .collect();
        let mut help = format!("allowed: {}", allowed.join(", "));
        if let Some(reason) = &rule.reason {
            help.push_str(&format!(" ({reason})"));
        }
        Some(
            Finding::new(
                &Self::META,
                Label::new(region.span, "not an allowed region"),
                format!(
                    "region `{}` of {} is not allowed for data class {}",
                    region.value,
                    subject.describe(),
                    subject.class.value
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_label(Label::new(
                rule.allow_span,
                "allowed regions for this class",
            ))
            .with_help(help)
            .with_subject(subject.finding_subject()),
        )
    }
}
