use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression whose `until` date has passed. An inline `yunlint: allow` comment or a
    /// `[[exceptions]]` entry of `yunlint.toml` stops suppressing on the day after its `until`
    /// date (as of the run date, or `--as-of DATE`), and this finding says so.
    ///
    /// ## Why is this bad?
    /// Exceptions that compliance approved are approved for a while: a DR test until cutover, a
    /// migration until a date. An exception that outlives its approval is a violation nobody is
    /// looking at any more. The findings it covered are reported again.
    ///
    /// ## Regulation
    /// JR/T 0167-2020 and the institution's own exception process: every deviation from the
    /// placement rules is recorded, justified and time-limited.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "edge"
    /// provider = "tencentcloud"
    /// region = "ap-singapore"  # yunlint: allow YL201 reason="DR test, CR-2024-91" until=2025-01-31
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Fix the findings the suppression covered, or have the exception renewed and move its
    /// `until` date forward with the new approval in the reason.
    ///
    /// ## How to suppress
    /// Set `YL902 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`: not recommended, an
    /// expired exception then silently stops hiding its findings.
    pub SuppressionExpired { code: YL902, name: "suppression-expired", severity: Error }
}
