use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::Policy;
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Flags a placement whose provider is not in the provider registry.
    ///
    /// ## Why is this bad?
    /// Nothing is known about an unregistered provider: not whether it is certified for financial
    /// workloads, nor which of its regions are in mainland China. A placement that cannot be judged
    /// must not pass silently. A typo in a provider id (`alicoud`) is the most common cause.
    ///
    /// ## Regulation
    /// JR/T 0166-2020 and JR/T 0167-2020 (cloud services for financial institutions) and the SAMR/PBOC
    /// certification catalogue (2019 notice No. 49, revised 2022 notice No. 5): a financial institution
    /// must know which cloud runs each workload and whether that cloud is certified.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// kind = "database"
    /// provider = "alicoud"
    /// region = "cn-shanghai-finance-1"
    /// data_class = 4
    /// ```
    ///
    /// ## How to fix
    /// Correct the provider id (`yunlint providers` lists the registry), or register the provider in
    /// `yunlint.toml` with its certification, `source`, `as_of` and regions:
    ///
    /// ```toml
    /// [providers.mybank-private]
    /// certified = true
    /// source = "internal register, 2026-09 review"
    /// as_of = 2026-09-30
    /// finance = ["sh-dc1", "sz-dc2"]
    /// ```
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL102 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL102 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore unknown-provider`.
    pub UnknownProvider { code: YL102, name: "unknown-provider", severity: Error }
}

impl Rule for UnknownProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let provider = subject.provider();
        if policy.provider(&provider.value).is_some() {
            return None;
        }
        let help = suggest::did_you_mean(&provider.value, policy.providers.keys().map(String::as_str))
            .unwrap_or_else(|| {
                format!(
                    "register it as `[providers.{}]` in yunlint.toml with its certification, `source`, `as_of` and regions",
                    provider.value
                )
            });
        Some(
            Finding::new(
                &Self::META,
                Label::new(provider.span, "not in the provider registry"),
                format!(
                    "provider `{}` is not in the provider registry",
                    provider.value
                ),
            )
            .with_labels(Subject::via_labels(provider))
            .with_help(help)
            .with_subject(subject.finding_subject())
            .with_group(subject.placement.provider_config.as_ref().map(|config| {
                crate::finding::Group {
                    config: config.clone(),
                    message: format!(
                        "provider `{}` of `{}` is not in the provider registry",
                        provider.value, config.address
                    ),
                    label: "not in the provider registry".into(),
                }
            })),
        )
    }
}
