use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression that `[suppressions]` in `yunlint.toml` does not allow: an inline
    /// comment for a rule that may only be excepted in `[[exceptions]]` (`not_inline`), an
    /// exception without `approved_by` for a rule that needs an approver (`approval_required`), or
    /// a suppression without `until` when every suppression must expire (`until_required`). Such
    /// a suppression suppresses nothing.
    ///
    /// ## Why is this bad?
    /// An engineer must not be able to silence YL201 in the same pull request that moves a
    /// database to Hong Kong. The compliance team decides which findings may be accepted where,
    /// and by whom; a suppression outside those rules is not an approved exception.
    ///
    /// ## Regulation
    /// JR/T 0167-2020 (cloud security for financial institutions) asks for change control and
    /// approval records; an exception to a data-residency rule is such a record.
    ///
    /// ## Example
    /// With `[suppressions] not_inline = ["YL201"]` in `yunlint.toml`:
    ///
    /// ```toml
    /// [[workload]]
    /// name = "quotes-cache"
    /// provider = "alicloud"
    /// region = "cn-hongkong"  # yunlint: allow YL201 reason="temporary" until=2027-01-31
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Record the exception in `[[exceptions]]` of `yunlint.toml` with `reason`, `approved_by` and
    /// `until`, or fix the finding.
    ///
    /// ## How to suppress
    /// It cannot be suppressed by another suppression; `YL906 = "off"` under `[rules]` hides
    /// these reports (the suppressions they are about still suppress nothing).
    pub DisallowedSuppression { code: YL906, name: "disallowed-suppression", severity: Error }
}
