use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::{Rule, RuleMeta, Subject, declare_rule};
use crate::finding::{Finding, Label};
use crate::policy::{Policy, ProviderEntry, RegionClass};
use crate::suggest;

declare_rule! {
    /// ## What it does
    /// Flags a region that is not a known region of its provider. When a known id is close, the
    /// finding asks "did you mean" (`cn-shangai` → `cn-shanghai`).
    ///
    /// ## Why is this bad?
    /// Regions are classified only by the registry's explicit lists, never by their prefix: Alibaba's
    /// `cn-hongkong` is Hong Kong and every Tencent mainland region starts with `ap-`. A region that
    /// no list names cannot be shown to be in mainland China. It is usually a typo, which the provider
    /// would reject at apply time, or a region newer than the registry.
    ///
    /// ## Regulation
    /// Cybersecurity Law art. 37; PIPL arts. 38-40; Data Security Law art. 31: where the data is
    /// stored decides whether it leaves the country.
    ///
    /// ## Example
    /// ```toml,expect_finding
    /// [[workload]]
    /// name = "web"
    /// kind = "compute"
    /// provider = "alicloud"
    /// region = "cn-shangai"
    /// data_class = 2
    /// ```
    ///
    /// ## How to fix
    /// Correct the region id. If the region is real and missing from the registry, add it to the
    /// provider's `mainland`, `finance` or `non_mainland` list in `yunlint.toml`, with the source.
    ///
    /// ## How to suppress
    /// An inline `# yunlint: allow YL203 reason="..." until=YYYY-MM-DD` comment on the finding's
    /// line or its declaration, or an `[[exceptions]]` entry in `yunlint.toml`, records an approved
    /// exception (docs/suppressions.md). To turn the rule off or down everywhere, set `YL203 = "off"` (or `"warn"`) under `[rules]` in `yunlint.toml`, or pass
    /// `--ignore unknown-region`.
    pub UnknownRegion { code: YL203, name: "unknown-region", severity: Error }
}

impl Rule for UnknownRegion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding> {
        let (region, entry) = subject.located(policy)?;
        if entry.classify(&region.value) != RegionClass::Unknown {
            return None;
        }
        let help = if !entry.has_regions() {
            format!(
                "the registry lists no regions for `{id}`: list the regions of your contract under `[providers.{id}]` (`mainland`, `finance`, `non_mainland`) in yunlint.toml",
                id = entry.id
            )
        } else {
            suggestion(entry, &region.value)
            .unwrap_or_else(|| {
                format!(
                    "if `{}` is a new region, add it to `mainland`, `finance` or `non_mainland` under `[providers.{}]` in yunlint.toml",
                    region.value, entry.id
                )
            })
        };
        Some(
            Finding::new(
                &Self::META,
                Label::new(region.span, "unknown region"),
                format!(
                    "region `{}` of {} is not a known region of `{}`",
                    region.value,
                    subject.describe(),
                    entry.id
                ),
            )
            .with_labels(Subject::via_labels(region))
            .with_help(help)
            .with_subject(subject.finding_subject()),
        )
    }
}

thread_local! {
    /// Suggestions already computed on this thread: a misspelt region is usually written once and
    /// reached by every placement of the roots that read it, and the edit distances against a
    /// provider's whole region list are the costly part of this rule. The key holds a hash of the
    /// region lists, so that another policy (a library caller's next run) never sees a stale one.
    static SUGGESTIONS: RefCell<HashMap<(u64, String), Option<String>>> = RefCell::default();
}

fn suggestion(entry: &ProviderEntry, region: &str) -> Option<String> {
    let mut hasher = std::hash::DefaultHasher::new();
    entry.id.hash(&mut hasher);
    for known in entry.known_regions() {
        known.hash(&mut hasher);
    }
    let key = (hasher.finish(), region.to_owned());
    if let Some(known) = SUGGESTIONS.with(|m| m.borrow().get(&key).cloned()) {
        return known;
    }
    let value = suggest::did_you_mean(region, entry.known_regions());
    SUGGESTIONS.with(|m| m.borrow_mut().insert(key, value.clone()));
    value
}
