//! The suppress step: inline `yunlint: allow` comments, `[[exceptions]]` of `yunlint.toml`, and
//! the baseline remove the findings they cover, and findings about the suppressions themselves
//! are added (expired, without a reason, unused, unreadable).

pub mod baseline;
pub mod inline;

use std::collections::HashMap;

use globset::GlobMatcher;
use jiff::civil::Date;

use crate::finding::{Finding, Label};
use crate::rules::{
    DisallowedSuppression, Selection, SuppressionExpired, SuppressionWithoutReason,
    UnusedSuppression,
};
use crate::source::{SourceId, SourceMap, Span};

/// Where a suppression applies.
#[derive(Debug, Clone)]
pub enum Scope {
    /// An inline comment: findings on this line (1-based) of the file, and every finding of a
    /// placement whose declaration contains the line.
    Lines { source: SourceId, line: usize },
    /// A `[[exceptions]]` entry: placements whose address, and files whose path, match.
    Config {
        address: Option<GlobMatcher>,
        path: Option<GlobMatcher>,
    },
}

#[derive(Debug, Clone)]
pub struct Suppression {
    pub scope: Scope,
    /// The comment, or the entry's `codes`: findings about the suppression point here.
    pub span: Span,
    pub codes: Vec<&'static str>,
    pub reason: Option<String>,
    pub until: Option<(Date, Span)>,
    /// Who approved it (`approved_by` of an `[[exceptions]]` entry; inline comments have none).
    pub approved_by: Option<String>,
}

impl Suppression {
    pub fn is_inline(&self) -> bool {
        matches!(self.scope, Scope::Lines { .. })
    }
}

/// What `[suppressions]` in yunlint.toml asks of every suppression.
#[derive(Debug, Clone, Default)]
pub struct SuppressionPolicy {
    /// Rules that may not be suppressed by an inline comment, only by an `[[exceptions]]` entry
    /// (tflint's `ignorable = false`).
    pub not_inline: Vec<&'static str>,
    /// Rules whose exceptions must name who approved them (`approved_by`).
    pub approval_required: Vec<&'static str>,
    /// Every suppression must say until when it holds (`until`).
    pub until_required: bool,
}

impl SuppressionPolicy {
    /// Why `s` breaks the policy, and what to do, if it does: then it suppresses nothing.
    pub fn violation(&self, s: &Suppression) -> Option<(String, &'static str)> {
        let listed = |list: &[&'static str]| {
            s.codes
                .iter()
                .filter(|c| list.contains(c))
                .copied()
                .collect::<Vec<_>>()
        };
        let inline_forbidden = listed(&self.not_inline);
        if s.is_inline() && !inline_forbidden.is_empty() {
            return Some((
                format!(
                    "{} may not be suppressed inline (`[suppressions] not_inline` in yunlint.toml)",
                    inline_forbidden.join(", ")
                ),
                "record the exception in `[[exceptions]]` of yunlint.toml, with `reason`, `approved_by` and `until`, or fix the finding",
            ));
        }
        let needs_approval = listed(&self.approval_required);
        if !s.is_inline() && !needs_approval.is_empty() && s.approved_by.is_none() {
            return Some((
                format!(
                    "an exception for {} must name who approved it (`[suppressions] approval_required`)",
                    needs_approval.join(", ")
                ),
                "add `approved_by` with the approver and the approval reference",
            ));
        }
        if self.until_required && s.until.is_none() {
            return Some((
                "a suppression must say until when it holds (`[suppressions] until_required`)"
                    .into(),
                "add an expiry: `until=YYYY-MM-DD` in a comment, `until = YYYY-MM-DD` in an exception",
            ));
        }
        None
    }
}

/// What suppressions are judged by: the configuration's policy, the run's date and the rules
/// selected (a suppression of deselected rules is never "unused").
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    pub policy: &'a SuppressionPolicy,
    pub today: Date,
    pub selection: &'a Selection,
}

/// What became of one suppression in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// It covered at least one finding.
    Used,
    /// It covered nothing.
    Unused,
    /// Its `until` date has passed: it covers nothing any more.
    Expired,
    /// It breaks `[suppressions]` in yunlint.toml, and covers nothing.
    Disallowed(String),
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Used => "used",
            Status::Unused => "unused",
            Status::Expired => "expired",
            Status::Disallowed(_) => "disallowed",
        }
    }
}

/// The findings that remain, and how many were suppressed.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
    /// What became of each suppression, in the order given.
    pub statuses: Vec<Status>,
}

impl Suppression {
    fn covers(&self, finding: &Finding, sources: &SourceMap) -> bool {
        if !self.codes.contains(&finding.rule.code) {
            return false;
        }
        let placement = finding.subject.as_ref();
        match &self.scope {
            Scope::Lines { source, line } => {
                let primary = finding.primary.span;
                let on_line = primary.source == *source
                    && sources.get(primary.source).position(primary.start()).line == *line;
                let in_block = placement.is_some_and(|p| {
                    let file = sources.get(p.block.source);
                    p.block.source == *source
                        && (file.position(p.block.start()).line
                            ..=file.position(p.block.end().saturating_sub(1)).line)
                            .contains(line)
                });
                on_line || in_block
            }
            Scope::Config { address, path } => {
                let address_ok = address.as_ref().is_none_or(|glob| {
                    finding.subject.as_ref().is_some_and(|s| {
                        // An instance (`web[0]`) is covered by a glob for its block too.
                        let block = crate::model::without_instance_keys(&s.address);
                        std::iter::once(s.address.as_str())
                            .chain(block.as_deref())
                            .any(|address| {
                                glob.is_match(address)
                                    || address
                                        .split_once(':')
                                        .is_some_and(|(_, bare)| glob.is_match(bare))
                            })
                    })
                });
                let path_ok = path.as_ref().is_none_or(|glob| {
                    let rel = placement.map_or_else(
                        || sources.get(finding.primary.span.source).rel.as_ref(),
                        |p| p.path.as_ref(),
                    );
                    glob.is_match(rel)
                });
                address_ok && path_ok
            }
        }
    }
}

/// Every `[[exceptions]]` glob compiled into two sets, so that a finding is matched against all of
/// them at once: checking each entry in turn made 5,000 exceptions against 5,000 findings 25
/// million glob matches (a minute). Only the entries a set matches are then checked in full.
struct ExceptionIndex {
    addresses: globset::GlobSet,
    /// The suppression of each glob in `addresses`.
    address_of: Vec<usize>,
    paths: globset::GlobSet,
    path_of: Vec<usize>,
}

impl ExceptionIndex {
    fn new(suppressions: &[Suppression]) -> Option<Self> {
        let mut addresses = globset::GlobSetBuilder::new();
        let mut paths = globset::GlobSetBuilder::new();
        let (mut address_of, mut path_of) = (Vec::new(), Vec::new());
        for (i, s) in suppressions.iter().enumerate() {
            let Scope::Config { address, path } = &s.scope else {
                continue;
            };
            // An entry with an address glob can only cover what that glob matches; one with a
            // path glob alone, what the path glob matches.
            if let Some(glob) = address {
                addresses.add(glob.glob().clone());
                address_of.push(i);
            } else if let Some(glob) = path {
                paths.add(glob.glob().clone());
                path_of.push(i);
            }
        }
        Some(ExceptionIndex {
            addresses: addresses.build().ok()?,
            address_of,
            paths: paths.build().ok()?,
            path_of,
        })
    }

    /// The exceptions that may cover `finding`, in order.
    fn candidates(&self, finding: &Finding, sources: &SourceMap) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(subject) = &finding.subject {
            let mut add = |text: &str| {
                out.extend(
                    self.addresses
                        .matches(text)
                        .into_iter()
                        .map(|g| self.address_of[g]),
                );
            };
            add(&subject.address);
            if let Some((_, bare)) = subject.address.split_once(':') {
                add(bare);
            }
        }
        if !self.path_of.is_empty() {
            let rel = finding.subject.as_ref().map_or_else(
                || sources.get(finding.primary.span.source).rel.as_ref(),
                |p| p.path.as_ref(),
            );
            out.extend(self.paths.matches(rel).into_iter().map(|g| self.path_of[g]));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Removes what active suppressions cover; reports expired, reasonless and unused suppressions.
/// `reported` says which findings the run reports on: only those count as suppressed.
pub fn apply(
    findings: Vec<Finding>,
    reported: &dyn Fn(&Finding) -> bool,
    suppressions: &[Suppression],
    sources: &SourceMap,
    rules: Rules<'_>,
) -> Outcome {
    let Rules {
        policy,
        today,
        selection,
    } = rules;
    let expired = |s: &Suppression| s.until.is_some_and(|(until, _)| until < today);
    let violations: Vec<Option<(String, &str)>> =
        suppressions.iter().map(|s| policy.violation(s)).collect();
    let mut used = vec![false; suppressions.len()];
    let mut suppressed = 0;
    let index = ExceptionIndex::new(suppressions);
    // An inline comment can only cover a finding in its own file or of a placement declared
    // there: the comments of each file, in the order given, so that a finding is checked against
    // those of its two files only, not against every comment of the repository.
    let mut inline_in: HashMap<SourceId, Vec<usize>> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        if let Scope::Lines { source, .. } = s.scope {
            inline_in.entry(source).or_default().push(i);
        }
    }
    let mut inline = Vec::new();
    // Filtered in place: a second vector of the kept findings was the run's largest allocation on
    // a repository with many findings.
    let mut kept = findings;
    kept.retain(|finding| {
        let covers = |&(i, s): &(usize, &Suppression)| {
            violations[i].is_none() && !expired(s) && s.covers(finding, sources)
        };
        let by = match &index {
            // the exceptions the sets point at, then every inline comment, in the order given
            Some(index) => {
                inline.clear();
                let primary = finding.primary.span.source;
                let declared = finding
                    .subject
                    .as_ref()
                    .map(|s| s.block.source)
                    .filter(|&s| s != primary);
                for source in std::iter::once(primary).chain(declared) {
                    inline.extend(inline_in.get(&source).into_iter().flatten().copied());
                }
                if declared.is_some() {
                    inline.sort_unstable();
                }
                index
                    .candidates(finding, sources)
                    .into_iter()
                    .chain(inline.iter().copied())
                    .map(|i| (i, &suppressions[i]))
                    .find(covers)
            }
            None => suppressions.iter().enumerate().find(covers),
        };
        match by {
            Some((i, _)) => {
                used[i] = true;
                suppressed += usize::from(reported(finding));
                false
            }
            None => true,
        }
    });
    // Made apart and added at once: a few findings pushed onto the kept ones would double the
    // vector of every finding.
    let mut about_suppressions = Vec::new();
    let mut statuses = Vec::with_capacity(suppressions.len());
    for ((s, used), violation) in suppressions.iter().zip(used).zip(violations) {
        let codes = s.codes.join(", ");
        if let Some((why, help)) = violation {
            about_suppressions.extend(
                selection.apply(
                    Finding::new(
                        &DisallowedSuppression::META,
                        Label::new(s.span, "not allowed here"),
                        format!("suppression of {codes} is not allowed: {why}"),
                    )
                    .with_help(help),
                ),
            );
            statuses.push(Status::Disallowed(why));
            continue;
        }
        if let Some((until, until_span)) = s.until.filter(|_| expired(s)) {
            statuses.push(Status::Expired);
            about_suppressions.extend(selection.apply(
                Finding::new(
                    &SuppressionExpired::META,
                    Label::new(s.span, "expired suppression"),
                    format!("suppression of {codes} expired on {until}"),
                )
                .with_label(Label::new(until_span, "valid until this date"))
                .with_help("the findings it covered are reported again: fix them, or renew the exception with a new approval"),
            ));
            continue;
        }
        if s.reason.is_none() {
            about_suppressions.extend(
                selection.apply(
                    Finding::new(
                        &SuppressionWithoutReason::META,
                        Label::new(s.span, "no reason"),
                        format!("suppression of {codes} gives no reason"),
                    )
                    .with_help(
                        "add `reason=\"...\"` with the approval reference, and an `until` date",
                    ),
                ),
            );
        }
        statuses.push(if used { Status::Used } else { Status::Unused });
        let all_selected = s
            .codes
            .iter()
            .all(|c| crate::rules::find(c).is_some_and(|r| selection.severity(r).is_some()));
        if !used && all_selected {
            about_suppressions.extend(
                selection.apply(
                    Finding::new(
                        &UnusedSuppression::META,
                        Label::new(s.span, "suppresses nothing"),
                        format!("suppression of {codes} suppressed nothing"),
                    )
                    .with_help("delete it: the problem it was written for is gone"),
                ),
            );
        }
    }
    kept.reserve_exact(about_suppressions.len());
    kept.append(&mut about_suppressions);
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Outcome {
        findings: kept,
        suppressed,
        statuses,
    }
}
