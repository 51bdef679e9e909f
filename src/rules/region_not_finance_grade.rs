use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{ClassOrigin, Policy, RegionClass};

declare_rule! {
    /// ## What it does
    /// Flags sensitive data in a mainland region that is not finance-grade. It applies to a
    /// placement or replica whose data class is at or above the policy's `finance_grade_from`
    /// (3 in `cn-finance`) outside the provider's finance-grade regions (Alibaba Finance Cloud,
    /// Tencent FSI, Baidu financial regions).
    ///
    /// ## Why is this bad?
    /// Financial clouds are isolated regions run for financial institutions only, with the security
    /// controls that the PBOC cloud standards require. Sensitive financial data in a public region
    /// shares infrastructure with every other tenant. When no data class is set, yunlint assumes
    /// class 3: sensitive until somebody says otherwise.
    ///
    /// ## Regulation
    /// JR/T 0197-2020 (financial data security classification, levels 1-5); JR/T 0167-2020 (security
    /// requirements for financial cloud services); JR/T 0166-2020 (deployment models: private and
    /// community clouds for financial institutions).
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// kind = "database"
    /// provider = "alicloud"
    /// region = "cn-shanghai"
    /// data_class = 4
    /// ```
    ///
    /// ## How to fix
    /// Move the workload to a finance-grade region of its provider (`cn-shanghai-finance-1` rather
    /// than `cn-shanghai`). If the data really is less sensitive, set its `data_class` (on the
    /// workload, in `[service]`, or with `[[classify]]` in `yunlint.toml`).
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL202 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL202 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore region-not-finance-grade`.
    pub RegionNotFinanceGrade { code: YL202, name: "region-not-finance-grade", severity: Error }
}

/// How many finance-grade regions a help text names.
const SUGGESTED: usize = 3;

impl Rule for RegionNotFinanceGrade {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let class = subject.class;
        if !policy.needs_finance_grade(class.value) {
            return None;
        }
        let (region, entry) = subject.located(policy)?;
        if entry.classify(&region.value) != RegionClass::Mainland {
            return None;
        }
        let mut message = format!(
            "region `{}` of {} is not finance-grade, required for data class {}",
            region.value,
            subject.describe(),
            class.value
        );
        let class_label = match class.origin {
            ClassOrigin::Declared(span) => Some(Label::new(
                span,
                format!("data class {} set here", class.value),
            )),
            ClassOrigin::Classified(span) => Some(Label::new(
                span,
                format!("data class {} from this `[[classify]]` entry", class.value),
            )),
            ClassOrigin::Default => {
                message.push_str(" (the default when no class is set)");
                None
            }
        };
        let help = if entry.finance.is_empty() {
            format!(
                "`{}` has no finance-grade region in the registry: move {} to a provider that has one, or set a lower `data_class` if the data allows it",
                entry.id,
                subject.describe()
            )
        } else {
            let regions: Vec<String> = entry
                .finance
                .iter()
                .take(SUGGESTED)
                .map(|r| format!("`{r}`"))
                .collect();
            format!(
                "use a finance-grade region of `{}`: {}",
                entry.id,
                regions.join(", ")
            )
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(region.span, "not finance-grade"),
                message,
            )
            .with_labels(Subject::via_labels(region))
            .with_labels(class_label)
            .with_help(help)
            .with_subject(subject.finding_subject()),
        )
    }
}
