use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a file that yunlint could not read. Invalid syntax, text that is not UTF-8, an unknown
    /// key in a descriptor (with "did you mean"), a value of the wrong type or out of range: the
    /// finding points at the span the parser stopped at, and the run goes on over the other files.
    ///
    /// ## Why is this bad?
    /// A file that cannot be read cannot be checked, and a workload in it could be anywhere. Other
    /// linters skip such files or exit 0 on them; yunlint fails the run so that nothing is skipped
    /// silently.
    ///
    /// ## Regulation
    /// None directly: it protects every other rule.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "ledger-db"
    /// provider = "alicloud"
    /// regoin = "cn-shanghai-finance-1"
    /// ```
    ///
    /// ## How to fix
    /// Correct the file at the reported position: the help says what was expected.
    ///
    /// ## How to suppress
    /// Exclude the file with `[discovery] exclude` in `yunlint.toml`, or pass `--ignore parse-error`
    /// (not recommended: the file's workloads are then not checked at all).
    pub ParseError { code: YL901, name: "parse-error", severity: Error }
}
