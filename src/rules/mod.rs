//! The rules: one file each, one registry, and the engine that runs them over placements.
//!
//! Each placement, then each of its replicas, is a [`Subject`]. The decision rules run in the order
//! of ARCHITECTURE.md and the first that fails gives the one finding for that subject, so a region
//! outside the mainland is not also reported as not finance-grade.

mod certification_expired;
mod disallowed_suppression;
mod invalid_suppression;
mod missing_data_class;
mod parse_error;
mod region_constraint_conflict;
mod region_not_allowed;
mod region_not_finance_grade;
mod region_outside_jurisdiction;
mod replica_outside_jurisdiction;
mod suppression_expired;
mod suppression_without_reason;
mod uncertified_provider;
mod unknown_provider;
mod unknown_region;
mod unloaded_var_file;
mod unresolved_region;
mod unused_suppression;
mod zone_outside_region;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

pub use certification_expired::CertificationExpired;
pub use disallowed_suppression::DisallowedSuppression;
pub use invalid_suppression::InvalidSuppression;
pub use missing_data_class::MissingDataClass;
pub use parse_error::ParseError;
pub use region_constraint_conflict::RegionConstraintConflict;
pub use region_not_allowed::RegionNotAllowed;
pub use region_not_finance_grade::RegionNotFinanceGrade;
pub use region_outside_jurisdiction::RegionOutsideJurisdiction;
pub use replica_outside_jurisdiction::ReplicaOutsideJurisdiction;
pub use suppression_expired::SuppressionExpired;
pub use suppression_without_reason::SuppressionWithoutReason;
pub use uncertified_provider::UncertifiedProvider;
pub use unknown_provider::UnknownProvider;
pub use unknown_region::UnknownRegion;
pub use unloaded_var_file::UnloadedVarFile;
pub use unresolved_region::UnresolvedRegion;
pub use unused_suppression::UnusedSuppression;
pub use zone_outside_region::ZoneOutsideRegion;

use crate::finding::{Finding, FindingSubject, Label, Severity, shared};
use crate::model::{Placement, Replica, Resolution, Resolved};
use crate::policy::{EffectiveClass, Policy, ProviderEntry};

/// Where the rule pages live; each rule's `url` is this plus `<code>.md`.
pub const DOCS_BASE: &str = "https://github.com/yunlint/yunlint/blob/main/docs/rules/";

/// A rule's identity and documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The doc comment as written, one leading space per line.
    pub doc_source: &'static str,
}

impl RuleMeta {
    /// The documentation in Markdown.
    pub fn doc(&self) -> String {
        self.doc_source
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }

    /// The first sentence of "What it does".
    pub fn summary(&self) -> String {
        let doc = self.doc();
        let text = doc
            .split("## What it does")
            .nth(1)
            .unwrap_or_default()
            .split("##")
            .next()
            .unwrap_or_default();
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        joined
            .split_once(". ")
            .map_or(joined.trim_end_matches('.').to_owned(), |(first, _)| {
                first.to_owned()
            })
    }

    /// The rule's page: `yunlint explain` prints it and `docs/rules/<code>.md` is generated from it.
    /// It is the doc without the test markers: ` ```toml,expect_finding ` is shown as ` ```toml `.
    pub fn page(&self) -> String {
        format!(
            "# {} {}\n\nDefault severity: {}\n\n{}\n",
            self.code,
            self.name,
            self.severity,
            self.doc().replace("```toml,expect_finding", "```toml")
        )
    }

    pub fn url(&self) -> String {
        format!("{DOCS_BASE}{}.md", self.code)
    }
}

/// Declares a rule: its doc comment is its documentation (kept with `concat!`, as clippy does).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $ident:ident { code: $code:ident, name: $name:literal, severity: $severity:ident }
    ) => {
        $(#[doc = $doc])*
        pub struct $ident;

        impl $ident {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: stringify!($code),
                name: $name,
                severity: $crate::finding::Severity::$severity,
                doc_source: concat!($($doc, "\n"),*),
            };
        }
    };
}
pub(crate) use declare_rule;

/// One placement or one of its replicas, with the data class it is checked with.
pub struct Subject<'a> {
    pub placement: &'a Placement,
    pub replica: Option<&'a Replica>,
    pub class: EffectiveClass,
}

impl Subject<'_> {
    pub fn provider(&self) -> &Resolved<String> {
        self.replica
            .map_or(&self.placement.provider, |r| &r.provider)
    }

    pub fn region(&self) -> &Resolution<String> {
        self.replica.map_or(&self.placement.region, |r| &r.region)
    }

    /// The provider's registry entry, when it has one.
    pub fn entry<'p>(&self, policy: &'p Policy) -> Option<&'p ProviderEntry> {
        policy.provider(&self.provider().value)
    }

    /// The resolved region and the provider's entry: what every region rule needs.
    pub fn located<'p>(
        &self,
        policy: &'p Policy,
    ) -> Option<(&Resolved<String>, &'p ProviderEntry)> {
        Some((self.region().as_ref().ok()?, self.entry(policy)?))
    }

    /// "workload `x`" or "dr replica of `x`", for messages.
    pub fn describe(&self) -> String {
        let name = self
            .placement
            .address
            .rsplit('#')
            .next()
            .unwrap_or(&self.placement.address);
        match self.replica {
            None => format!("`{name}`"),
            Some(r) => format!("{} replica of `{name}`", r.role.value),
        }
    }

    pub fn finding_subject(&self) -> FindingSubject {
        let mut places = vec![place(
            None,
            &self.placement.provider.value,
            &self.placement.region,
        )];
        if let Some(r) = self.replica {
            places.push(replica_place(r));
        }
        FindingSubject {
            address: self.placement.address.clone(),
            provider: shared(&self.provider().value),
            region: self.region().as_ref().ok().map(|r| shared(&r.value)),
            replica: self.replica.map(|r| r.role.value.as_str()),
            places,
            block: self.placement.block,
            path: self.placement.path.clone(),
        }
    }

    /// Labels along the chain a value came through.
    pub fn via_labels<T>(value: &Resolved<T>) -> impl Iterator<Item = Label> + '_ {
        value.via.iter().map(|v| Label::shared(v.span, &v.note))
    }
}

/// A check over one subject. Rules see placements and the policy only: no files, environment or clock.
/// `alicloud cn-hangzhou`, `dr alicloud cn-hongkong`; `?` for a region that is not known.
fn place(role: Option<&str>, provider: &str, region: &Resolution<String>) -> Arc<str> {
    let region = region.as_ref().map_or("?", |r| r.value.as_str());
    shared(&match role {
        Some(role) => format!("{role} {provider} {region}"),
        None => format!("{provider} {region}"),
    })
}

fn replica_place(replica: &Replica) -> Arc<str> {
    place(
        Some(replica.role.value.as_str()),
        &replica.provider.value,
        &replica.region,
    )
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check(&self, subject: &Subject<'_>, policy: &Policy) -> Option<Finding>;
}

/// Every rule, ordered by code: the source of `yunlint rules`, `explain` and `docs/rules/`.
pub static RULES: &[&RuleMeta] = &[
    &UncertifiedProvider::META,
    &UnknownProvider::META,
    &CertificationExpired::META,
    &RegionOutsideJurisdiction::META,
    &RegionNotFinanceGrade::META,
    &UnknownRegion::META,
    &UnresolvedRegion::META,
    &RegionNotAllowed::META,
    &RegionConstraintConflict::META,
    &ZoneOutsideRegion::META,
    &UnloadedVarFile::META,
    &ReplicaOutsideJurisdiction::META,
    &MissingDataClass::META,
    &ParseError::META,
    &SuppressionExpired::META,
    &SuppressionWithoutReason::META,
    &UnusedSuppression::META,
    &InvalidSuppression::META,
    &DisallowedSuppression::META,
];

/// The decision steps, in order: the first enabled rule that fails gives the subject's finding.
static DECISION_CHAIN: &[&dyn Rule] = &[
    &UnknownProvider,
    &UncertifiedProvider,
    &CertificationExpired,
    &UnresolvedRegion,
    &UnknownRegion,
    &RegionOutsideJurisdiction,
    &ReplicaOutsideJurisdiction,
    &RegionNotFinanceGrade,
    &RegionNotAllowed,
];

/// Rules checked on every subject besides the chain.
static INDEPENDENT: &[&dyn Rule] = &[
    &MissingDataClass,
    &RegionConstraintConflict,
    &ZoneOutsideRegion,
];

pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().copied()
}

/// A rule by code (`YL201`, any case) or name (`region-outside-jurisdiction`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    all().find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
}

/// A severity setting: `[rules]` in `yunlint.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Off,
}

impl Level {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(Level::Error),
            // `yunlint rules` prints the severity as `warning`: both spellings are read
            "warn" | "warning" => Some(Level::Warn),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// Which rules run and at which severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    severities: BTreeMap<&'static str, Severity>,
}

/// A selector that names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSelector {
    pub selector: String,
    pub suggestion: Option<String>,
}

impl Selection {
    /// `select` (every rule when empty), minus `ignore`, then the configuration's levels.
    pub fn new(
        select: &[String],
        ignore: &[String],
        levels: &BTreeMap<&'static str, Level>,
    ) -> Result<Self, UnknownSelector> {
        let selected = |list: &[String]| -> Result<Vec<&'static str>, UnknownSelector> {
            let mut out = Vec::new();
            for s in list {
                let matched = matching(s);
                if matched.is_empty() {
                    let candidates = all().flat_map(|r| [r.code, r.name]);
                    return Err(UnknownSelector {
                        selector: s.clone(),
                        suggestion: crate::suggest::closest(s, candidates).map(str::to_owned),
                    });
                }
                out.extend(matched);
            }
            Ok(out)
        };
        let chosen = if select.is_empty() {
            all().map(|r| r.code).collect()
        } else {
            selected(select)?
        };
        let ignored = selected(ignore)?;
        let mut severities = BTreeMap::new();
        for code in chosen {
            if ignored.contains(&code) {
                continue;
            }
            let Some(rule) = find(code) else { continue };
            let severity = match levels.get(code) {
                Some(Level::Off) => continue,
                Some(Level::Error) => Severity::Error,
                Some(Level::Warn) => Severity::Warning,
                None => rule.severity,
            };
            severities.insert(code, severity);
        }
        Ok(Selection { severities })
    }

    pub fn severity(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severities.get(rule.code).copied()
    }

    /// Sets the selected severity on a finding, or drops it when its rule is off.
    pub fn apply(&self, mut finding: Finding) -> Option<Finding> {
        finding.severity = self.severity(finding.rule)?;
        Some(finding)
    }
}

/// The rules a selector names: `ALL`, a code, a name, or a code prefix (`YL2`).
pub fn matching(selector: &str) -> Vec<&'static str> {
    if selector.eq_ignore_ascii_case("all") {
        return all().map(|r| r.code).collect();
    }
    let upper = selector.to_ascii_uppercase();
    all()
        .filter(|r| r.name == selector || (upper.starts_with("YL") && r.code.starts_with(&upper)))
        .map(|r| r.code)
        .collect()
}

/// Runs the selected rules over every placement and its replicas, in parallel; the result is sorted.
pub fn check(
    placements: &[Box<Placement>],
    policy: &Policy,
    selection: &Selection,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = placements
        .par_iter()
        .flat_map_iter(|placement| {
            let class = policy.effective_class(placement);
            let subjects = std::iter::once(None)
                .chain(placement.replicas.iter().map(Some))
                .map(move |replica| Subject {
                    placement,
                    replica,
                    class,
                });
            let mut out: Vec<Finding> = Vec::new();
            for subject in subjects {
                let decided = DECISION_CHAIN
                    .iter()
                    .filter(|r| selection.severity(r.meta()).is_some())
                    .find_map(|r| r.check(&subject, policy));
                for finding in decided
                    .into_iter()
                    .chain(INDEPENDENT.iter().filter_map(|r| r.check(&subject, policy)))
                {
                    merge_or_push(&mut out, finding, subject.replica);
                }
            }
            out.into_iter().filter_map(|f| selection.apply(f))
        })
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    merge_groups(findings)
}

/// A replica's finding that says what its placement's finding already says, at the same place
/// (a backup on the same uncertified provider), is the same finding: it is merged into the
/// placement's, whose identity then covers the replica's place too.
fn merge_or_push(out: &mut Vec<Finding>, finding: Finding, replica: Option<&Replica>) {
    if let Some(replica) = replica
        && let Some(same) = out.iter_mut().find(|f| {
            f.rule.code == finding.rule.code
                && f.message == finding.message
                && f.primary.span == finding.primary.span
                && f.subject.as_ref().is_some_and(|s| s.replica.is_none())
        })
    {
        if let Some(subject) = &mut same.subject {
            subject.places.push(replica_place(replica));
        }
        return;
    }
    out.push(finding);
}

/// A configuration's findings listed one by one up to this many related locations.
const MAX_GROUP_LABELS: usize = 50;

/// Findings about a provider configuration rather than a placement (an unregistered provider, a
/// region only the environment sets) become one finding per configuration and rule, at the
/// configuration, with every placement that uses it as a related location. `findings` is sorted,
/// and so is the result.
fn merge_groups(findings: Vec<Finding>) -> Vec<Finding> {
    if findings.iter().all(|f| f.group.is_none()) {
        return findings;
    }
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut merged: BTreeMap<(&'static str, String), (usize, Vec<Label>)> = BTreeMap::new();
    for finding in findings {
        let Some(group) = finding.group.as_deref() else {
            out.push(finding);
            continue;
        };
        let key = (finding.rule.code, group.config.address.clone());
        let member = Label::new(
            finding.primary.span,
            format!(
                "`{}` uses it",
                finding.subject.as_ref().map_or("", |s| s.address.as_str())
            ),
        );
        match merged.get_mut(&key) {
            Some((_, members)) => {
                if !members.iter().any(|m| m.span == member.span) {
                    members.push(member);
                }
            }
            None => {
                merged.insert(key, (out.len(), vec![member]));
                out.push(finding);
            }
        }
    }
    for (index, members) in merged.into_values() {
        let finding = &mut out[index];
        let Some(group) = finding.group.take() else {
            continue;
        };
        let count = members.len();
        let uses = if count == 1 {
            "resource uses"
        } else {
            "resources use"
        };
        finding.message = format!("{} ({count} {uses} it)", group.message);
        finding.primary = Label::new(group.config.span, group.label);
        let shown = members.len().min(MAX_GROUP_LABELS);
        let mut secondary: Vec<Label> = members.into_iter().take(shown).collect();
        if count > shown {
            let last = secondary
                .last()
                .map(|l| l.span)
                .unwrap_or(group.config.span);
            secondary.push(Label::new(last, format!("and {} more", count - shown)));
        }
        // Where the configuration's value came from stays in the chain.
        secondary.extend(
            finding
                .secondary
                .drain(..)
                .filter(|l| l.span != group.config.span),
        );
        finding.secondary = secondary;
        if let Some(subject) = &mut finding.subject {
            subject.address = group.config.address.clone();
            subject.region = None;
            subject.replica = None;
            subject.places = vec![subject.provider.clone()];
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::{LintOptions, lint};

    /// (code, line) of every finding for a descriptor, checked with the built-in pack.
    fn findings(descriptor: &str, select: &[&str], ignore: &[&str]) -> Vec<(&'static str, usize)> {
        let options = LintOptions {
            paths: vec!["-".into()],
            isolated: true,
            as_of: Some("2026-11-23".parse().unwrap()),
            select: select.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            stdin: Some(("t.deploy.toml".into(), descriptor.into())),
            ..LintOptions::default()
        };
        let run = lint(&options, Path::new(".")).unwrap();
        run.findings
            .iter()
            .map(|f| {
                let file = run.sources.get(f.primary.span.source);
                (f.rule.code, file.position(f.primary.span.start()).line)
            })
            .collect()
    }

    #[test]
    fn region_outside_mainland_is_not_also_not_finance_grade() {
        let d = "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\nregion = \"cn-hongkong\"\ndata_class = 4\n";
        assert_eq!(findings(d, &[], &[]), [("YL201", 4)]);
    }

    #[test]
    fn unknown_provider_is_not_also_an_unknown_region() {
        let d = "[[workload]]\nname = \"a\"\nprovider = \"alicoud\"\nregion = \"cn-shangai\"\ndata_class = 2\n";
        assert_eq!(findings(d, &[], &[]), [("YL102", 3)]);
    }

    #[test]
    fn an_ignored_step_lets_the_next_one_decide() {
        let d = "[[workload]]\nname = \"a\"\nprovider = \"google\"\nregion = \"asia-east2\"\ndata_class = 2\n";
        assert_eq!(findings(d, &[], &[]), [("YL101", 3)]);
        assert_eq!(findings(d, &[], &["YL101"]), [("YL201", 4)]);
    }

    #[test]
    fn each_replica_is_decided_on_its_own() {
        let d = "[[workload]]\nname = \"a\"\nprovider = \"tencentcloud\"\nregion = \"ap-shanghai\"\ndata_class = 3\n\n\
                 [[workload.replica]]\nrole = \"dr\"\nregion = \"ap-hongkong\"\n\n\
                 [[workload.replica]]\nrole = \"backup\"\nregion = \"ap-shenzhen-fsi\"\n";
        assert_eq!(findings(d, &[], &[]), [("YL202", 4), ("YL301", 9)]);
    }

    #[test]
    fn aliases_are_classified_as_their_region() {
        let d = "[[workload]]\nname = \"a\"\nprovider = \"tencentcloud\"\nregion = \"shjr\"\ndata_class = 4\n";
        assert_eq!(findings(d, &[], &[]), []);
    }

    #[test]
    fn selectors_accept_codes_prefixes_and_names() {
        let none = BTreeMap::new();
        let by_prefix = Selection::new(&["YL2".into()], &["unknown-region".into()], &none).unwrap();
        assert!(
            by_prefix
                .severity(&RegionOutsideJurisdiction::META)
                .is_some()
        );
        assert!(by_prefix.severity(&UnknownRegion::META).is_none());
        assert!(by_prefix.severity(&UnknownProvider::META).is_none());
        let err = Selection::new(&["YL9999".into()], &[], &none).unwrap_err();
        assert_eq!(err.selector, "YL9999");
    }

    #[test]
    fn levels_read_warning_as_yunlint_rules_prints_it() {
        assert_eq!(Level::parse("warning"), Some(Level::Warn));
        assert_eq!(Level::parse("warn"), Some(Level::Warn));
        assert_eq!(Level::parse("warnings"), None);
    }

    #[test]
    fn config_levels_override_default_severities() {
        let levels = BTreeMap::from([("YL401", Level::Error), ("YL201", Level::Off)]);
        let s = Selection::new(&[], &[], &levels).unwrap();
        assert_eq!(s.severity(&MissingDataClass::META), Some(Severity::Error));
        assert_eq!(s.severity(&RegionOutsideJurisdiction::META), None);
    }
}
