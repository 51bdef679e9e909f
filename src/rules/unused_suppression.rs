use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Warns on a suppression that suppressed nothing in this run: an inline `yunlint: allow`
    /// comment or a `[[exceptions]]` entry whose codes found nothing to hide where it applies. A
    /// suppression naming a rule that was not run (`--select`, `--ignore`, `[rules]`) is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A stale exception is noise in the audit trail, and it would silently hide a new violation of
    /// the same rule in the same place.
    ///
    /// ## Regulation
    /// None directly: it keeps the record of exceptions true.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger"
    /// provider = "alicloud"
    /// region = "cn-shanghai-finance-1"  # yunlint: allow YL201 reason="moved back" until=2027-01-01
    /// data_class = 4
    /// ```
    ///
    /// ## How to fix
    /// Delete the suppression.
    ///
    /// ## How to suppress
    /// Set `YL904 = "off"` under `[rules]` in `yunlint.toml`, or pass `--ignore unused-suppression`.
    pub UnusedSuppression { code: YL904, name: "unused-suppression", severity: Warning }
}
