use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression that gives no `reason`. The suppression still applies, so the run
    /// shows this one problem instead of the findings it hides.
    ///
    /// ## Why is this bad?
    /// An exception auditors accept says why it exists and who approved it. A bare `allow` is
    /// indistinguishable from someone silencing the linter to get a change through.
    ///
    /// ## Regulation
    /// JR/T 0167-2020 and the institution's own exception process: every deviation from the
    /// placement rules is recorded and justified.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "edge"
    /// provider = "tencentcloud"
    /// region = "ap-singapore"  # yunlint: allow YL201
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Add `reason="..."` with the approval reference, and an `until=YYYY-MM-DD` date.
    ///
    /// ## How to suppress
    /// Set `YL903 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`.
    pub SuppressionWithoutReason { code: YL903, name: "suppression-without-reason", severity: Error }
}
