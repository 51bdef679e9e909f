use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::Policy;

declare_rule! {
    /// ## What it does
    /// Flags a placement or replica whose region cannot be determined. The finding says why: no
    /// region given, a variable without a value, a region set only in the environment.
    ///
    /// ## Why is this bad?
    /// A placement that cannot be verified must not pass silently. Other linters skip values they
    /// cannot resolve; yunlint reports them, because an unknown region may well be outside the
    /// mainland. Results never depend on the machine that runs the lint: environment variables such
    /// as `ALICLOUD_REGION` are not read.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37, PIPL art. 40 and PBOC 银发〔2011〕17号: personal financial
    /// information collected in China is stored and processed in China, which can only be shown for a
    /// workload whose region is known.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "batch"
    /// kind = "compute"
    /// provider = "alicloud"
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Set the region where the workload is declared (`region` on the workload or in `[defaults]`),
    /// or give the value the expression depends on.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL204 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL204 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore unresolved-region`.
    pub UnresolvedRegion { code: YL204, name: "unresolved-region", severity: Error }
}

impl UnresolvedRegion {
    /// A finding for something that may run somewhere but cannot be inspected at all.
    pub fn unverifiable(item: &crate::frontends::Unverifiable) -> Finding {
        let u = &item.unresolved;
        let mut finding = Finding::new(
            &Self::META,
            Label::new(u.span, "not inspected"),
            format!(
                "placement of `{}` cannot be determined: {}",
                item.address, u.reason
            ),
        );
        finding.help = u.help.clone();
        if item.declared != u.span {
            // noticed elsewhere (a cluster's `terraform` address in yunlint.toml): the declaration
            // is shown too, so that a run on that file reports it
            finding = finding.with_label(Label::new(item.declared, "declared here"));
        }
        finding
    }
}

impl Rule for UnresolvedRegion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, _policy: &Policy) -> Option<Finding> {
        let unresolved = subject.region().as_ref().err()?;
        Some(
            Finding::new(
                &Self::META,
                Label::new(unresolved.span, "region unknown"),
                format!(
                    "region of {} cannot be determined: {}",
                    subject.describe(),
                    unresolved.reason
                ),
            )
            .with_help(unresolved.help.clone().unwrap_or_else(|| {
                "set the region explicitly: a placement that cannot be verified never passes".into()
            }))
            .with_subject(subject.finding_subject())
            .with_group(
                subject
                    .placement
                    .provider_config
                    .as_ref()
                    .filter(|config| config.region_inherited && subject.replica.is_none())
                    .map(|config| crate::finding::Group {
                        config: config.clone(),
                        message: format!(
                            "region of `{}` cannot be determined: {}",
                            config.address, unresolved.reason
                        ),
                        label: "region unknown for every resource that uses it".into(),
                    }),
            ),
        )
    }
}
