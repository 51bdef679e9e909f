use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Certification, Policy};

declare_rule! {
    /// ## What it does
    /// Flags a placement on a provider that is not certified for financial workloads. A provider
    /// marked `certified = false` always fails; with `require_certified = true`, one whose
    /// certification is `"unknown"` fails too.
    ///
    /// ## Why is this bad?
    /// Critical workloads of financial institutions may only run on cloud platforms certified for
    /// financial use. No public register of certified clouds exists, so the built-in pack marks most
    /// providers `"unknown"`; a compliance team that has confirmed its own list sets
    /// `require_certified = true` and then every unconfirmed provider fails too.
    ///
    /// ## Regulation
    /// SAMR and PBOC 2019 notice No. 49 (certification catalogue lists cloud computing platforms for
    /// financial institutions: private clouds and community clouds shared by them), revised by 2022
    /// notice No. 5; JR/T 0167-2020 security requirements for cloud services.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "analytics"
    /// kind = "compute"
    /// provider = "google"
    /// region = "asia-east2"
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Move the workload to a certified provider. If the registry is wrong for your institution, pin
    /// the provider's status in `yunlint.toml` with the evidence:
    ///
    /// ```toml
    /// [providers.alicloud]
    /// certified = true
    /// certified_by = "compliance, ref. CR-2026-114"
    /// source = "internal register, 2026-09 review"
    /// as_of = 2026-09-30
    /// until = 2027-09-30
    /// ```
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL101 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL101 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore uncertified-provider`.
    pub UncertifiedProvider { code: YL101, name: "uncertified-provider", severity: Error }
}

impl Rule for UncertifiedProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let entry = subject.entry(policy)?;
        let provider = subject.provider();
        let (message, label, help) = match entry.certified {
            Certification::NotCertified => (
                format!(
                    "provider `{}` is not certified for financial workloads",
                    provider.value
                ),
                "marked `certified = false` here",
                format!(
                    "move {} to a certified provider{}",
                    subject.describe(),
                    entry
                        .source
                        .as_ref()
                        .map(|s| format!(" (registry source: {s})"))
                        .unwrap_or_default()
                ),
            ),
            Certification::Unknown if policy.require_certified => (
                format!(
                    "certification of provider `{}` is unknown and `require_certified` is set",
                    provider.value
                ),
                "certification not confirmed here",
                format!(
                    "if compliance has confirmed it, set `certified = true` with `certified_by`, `source` and `as_of` under `[providers.{}]` in yunlint.toml",
                    provider.value
                ),
            ),
            _ => return None,
        };
        let mut finding = Finding::new(
            &Self::META,
            Label::new(provider.span, "provider used here"),
            message,
        )
        .with_labels(Subject::via_labels(provider))
        .with_help(help)
        .with_subject(subject.finding_subject());
        if let Some(span) = entry.certified_span {
            finding = finding.with_label(Label::new(span, label));
        }
        Some(finding)
    }
}
