//! `check --format gitlab`: a GitLab Code Quality report (a JSON array of issues in the Code Climate
//! subset GitLab reads), for `artifacts: reports: codequality`.
//!
//! Severity: an error is `critical`, a warning `minor`. An error-level finding fails the pipeline
//! (exit 1) and, for the region and provider rules, means regulated data may leave the
//! jurisdiction, so it is shown above the `major` that style linters use for their errors; `blocker`
//! is left for nothing, since GitLab gives it no extra behaviour. Lines are 1-based.

use serde::Serialize;

use super::fingerprint::fingerprints;
use super::positions;
use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
    }
}

pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let issues: Vec<Issue> = findings
        .iter()
        .zip(fingerprints(sources, findings))
        .map(|(f, fingerprint)| {
            let (start, end) = positions(sources, f.primary.span);
            Issue {
                description: format!("{} {}: {}", f.rule.code, f.rule.name, f.message),
                check_name: f.rule.code,
                fingerprint,
                severity: severity(f.severity),
                location: Location {
                    path: &sources.get(f.primary.span.source).display,
                    lines: Lines {
                        begin: start.line,
                        end: end.line,
                    },
                },
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).expect("the report serializes");
    text.push('\n');
    text
}
