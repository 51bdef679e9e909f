use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `yunlint:` comment that cannot be read: no rule after `allow`, a rule that does
    /// not exist, an unterminated quote, an `until` that is not a date, an unknown key. A malformed
    /// suppression is never ignored silently, and it suppresses nothing.
    ///
    /// ## Why is this bad?
    /// The author meant to record an exception; if the comment is silently ignored the finding
    /// comes back with no explanation, or worse, a typo in the rule code hides nothing while the
    /// author believes it does.
    ///
    /// ## Regulation
    /// None directly: it keeps suppressions honest.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "edge"
    /// provider = "tencentcloud"
    /// region = "ap-shanghai-fsi"  # yunlint: allow YL2O1 reason="typo in the code"
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Write `yunlint: allow CODES reason="..." until=YYYY-MM-DD`, with codes, names or prefixes
    /// separated by commas (docs/suppressions.md).
    ///
    /// ## How to suppress
    /// Correct or delete the comment; `YL905 = "off"` under `[rules]` hides these reports.
    pub InvalidSuppression { code: YL905, name: "invalid-suppression", severity: Error }
}
