use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::Policy;

declare_rule! {
    /// ## What it does
    /// Flags a placement on a provider whose certification has expired. That is when the record's
    /// `until` date has passed, as of the run date or `--as-of DATE`.
    ///
    /// ## Why is this bad?
    /// Certifications are granted for a period and must be renewed. A record that has run out is no
    /// longer evidence that the provider may host financial workloads.
    ///
    /// ## Regulation
    /// SAMR and PBOC 2019 notice No. 49 and 2022 notice No. 5 (certification of cloud computing
    /// platforms for financial institutions); JR/T 0167-2020.
    ///
    /// ## Example
    /// With `until = 2020-01-01` under `[providers.alicloud]` in `yunlint.toml`:
    ///
    /// ```toml
    /// [[workload]]
    /// name = "ledger-db"
    /// provider = "alicloud"
    /// region = "cn-shanghai-finance-1"
    /// data_class = 4
    /// ```
    ///
    /// ## How to fix
    /// Renew the certification record in `yunlint.toml` (a new `until`, `as_of` and `source`) once
    /// compliance has confirmed the renewal, or move the workload to a provider whose certification is
    /// current.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL103 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL103 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore certification-expired`.
    pub CertificationExpired { code: YL103, name: "certification-expired", severity: Error }
}

impl Rule for CertificationExpired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let entry = subject.entry(policy)?;
        let (until, until_span) = entry.expired(policy.today)?;
        let provider = subject.provider();
        Some(
            Finding::new(
                &Self::META,
                Label::new(provider.span, "provider used here"),
                format!("certification of provider `{}` expired on {until}", provider.value),
            )
            .with_labels(Subject::via_labels(provider))
            .with_label(Label::new(until_span, "valid until this date"))
            .with_help(format!(
                "renew the record under `[providers.{}]` in yunlint.toml once compliance confirms it, or move {} to a provider with a current certification",
                provider.value,
                subject.describe()
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}
