use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::model::Origin;
use crate::policy::{ClassOrigin, Policy};

declare_rule! {
    /// ## What it does
    /// Warns on a descriptor workload that has no data class. That is: none on the workload, none
    /// in its `[service]` or `[defaults]`, and no `[[classify]]` entry of `yunlint.toml` matching it.
    /// It is then checked with the pack's `default_data_class` (3 in `cn-finance`).
    ///
    /// ## Why is this bad?
    /// The data class decides which regions are acceptable. Assuming class 3 is safe, but it may
    /// force a public-data workload into a finance-grade region, or hide that class 5 data needs
    /// stricter placement than the default.
    ///
    /// ## Regulation
    /// JR/T 0197-2020 (financial data security classification, levels 1-5); Data Security Law art. 21
    /// (data classification and grading).
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// kind = "database"
    /// provider = "alicloud"
    /// region = "cn-shanghai-finance-1"
    /// ```
    ///
    /// ## How to fix
    /// Set `data_class` on the workload, once for the whole file in `[service]`, or for many files at
    /// once with `[[classify]]` in `yunlint.toml`.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL401 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL401 = "off"` under `[rules]` in `yunlint.toml`, or pass `--ignore missing-data-class`.
    pub MissingDataClass { code: YL401, name: "missing-data-class", severity: Warning }
}

impl Rule for MissingDataClass {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let placement = subject.placement;
        if subject.replica.is_some()
            || placement.origin != Origin::Descriptor
            || subject.class.origin != ClassOrigin::Default
        {
            return None;
        }
        Some(
            Finding::new(
                &Self::META,
                Label::new(placement.name_span, "no data class"),
                format!("workload {} has no data class", subject.describe()),
            )
            .with_help(format!(
                "set `data_class` (JR/T 0197-2020 level 1 to 5) on the workload, in `[service]` or in `[defaults]`; until then it is checked as class {}",
                policy.default_data_class
            ))
            .with_subject(subject.finding_subject()),
        )
    }
}
