//! `check --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (docs/output-formats.md).
//!
//! One run; `tool.driver.rules` lists every rule, so `ruleIndex` is a rule's place in
//! [`rules::all`]. Locations are relative, `/`-separated, percent-encoded URIs against
//! `%SRCROOT%` (the directory yunlint runs in, which CI should make the repository root).
//!
//! Columns: SARIF's default `columnKind` is `utf16CodeUnits`, and GitHub reads regions that way
//! (CodeQL writes them so), so columns here count UTF-16 code units, and the run says so
//! explicitly. They equal the character columns of the JSON document except after a character
//! beyond the Basic Multilingual Plane, which counts 2. `endColumn` is exclusive.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fingerprint::fingerprints;
use super::json::TOOL;
use super::{Streamed, message_with_help, utf16_positions};
use crate::finding::{Finding, Label, Severity};
use crate::rules::{self, RuleMeta};
use crate::source::SourceMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The project's home page, for `tool.driver.informationUri`.
const INFORMATION_URI: &str = "https://github.com/yunlint/yunlint";

/// The key of our entry in `partialFingerprints` (versioned, should the recipe ever change).
const FINGERPRINT_KEY: &str = "yunlint/v1";

const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<R: Serialize> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<R>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<R: Serialize> {
    tool: Tool,
    column_kind: &'static str,
    results: R,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDoc>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDoc {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultDoc {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The text of a `## heading` section of a rule's documentation, on one line.
fn section(doc: &str, heading: &str) -> String {
    let mut lines = doc
        .lines()
        .skip_while(|l| l.trim() != format!("## {heading}"));
    lines.next();
    lines
        .take_while(|l| !l.starts_with("## "))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

fn rule_doc(rule: &RuleMeta) -> RuleDoc {
    let doc = rule.doc();
    RuleDoc {
        id: rule.code,
        name: rule.name,
        short_description: Text {
            text: rule.summary(),
        },
        full_description: Text {
            text: section(&doc, "What it does"),
        },
        help: Help {
            text: doc.clone(),
            markdown: doc,
        },
        help_uri: rule.url(),
        default_configuration: Configuration {
            level: level(rule.severity),
        },
    }
}

/// Percent-encodes every byte of a path except RFC 3986's unreserved characters and `/` (and
/// `:` when `keep_colon`, for the drive of an absolute Windows path).
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A file's location: relative to `%SRCROOT%`, or a `file://` URI for a file reached by an
/// absolute path (outside the current directory).
fn artifact(display: &str) -> ArtifactLocation {
    let windows_drive =
        matches!(display.as_bytes(), [d, b':', b'/', ..] if d.is_ascii_alphabetic());
    if display.starts_with('/') || windows_drive {
        let slash = if windows_drive { "/" } else { "" };
        ArtifactLocation {
            uri: format!("file://{slash}{}", percent_encode(display, true)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(display, false),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn location(sources: &SourceMap, label: &Label, id: Option<usize>) -> Location {
    let (start, end) = utf16_positions(sources, label.span);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&sources.get(label.span.source).display),
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
        },
        message: Text {
            text: label.text.to_string(),
        },
    }
}

pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let mut out = Vec::new();
    write(&mut out, sources, findings).expect("a report is written to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`], written to `out` as it is serialized.
pub fn write(
    out: &mut dyn std::io::Write,
    sources: &SourceMap,
    findings: &[Finding],
) -> std::io::Result<()> {
    // The rules come before the results in the document, which are written as they are made:
    // a rule no longer listed (none today) is added first.
    let mut rules: Vec<&'static RuleMeta> = rules::all().collect();
    for f in findings {
        if !rules.iter().any(|r| r.code == f.rule.code) {
            rules.push(f.rule);
        }
    }
    let rule_index = |rule: &'static RuleMeta| {
        rules
            .iter()
            .position(|r| r.code == rule.code)
            .expect("every finding's rule is listed")
    };
    let results = findings
        .iter()
        .zip(fingerprints(sources, findings))
        .map(|(f, fingerprint)| ResultDoc {
            rule_id: f.rule.code,
            rule_index: rule_index(f.rule),
            level: level(f.severity),
            message: Text {
                text: message_with_help(f),
            },
            locations: [location(sources, &f.primary, None)],
            related_locations: f
                .secondary
                .iter()
                .enumerate()
                .map(|(i, label)| location(sources, label, Some(i + 1)))
                .collect(),
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
        });
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL.name,
                    version: TOOL.version,
                    semantic_version: TOOL.version,
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().copied().map(rule_doc).collect(),
                },
            },
            column_kind: "utf16CodeUnits",
            results: Streamed::new(results),
        }],
    };
    super::write_pretty_json(out, &log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_percent_encoded_against_srcroot() {
        let a = artifact("deploy/my app/账本+1.deploy.toml");
        assert_eq!(a.uri, "deploy/my%20app/%E8%B4%A6%E6%9C%AC%2B1.deploy.toml");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        // a colon would read as a scheme in a relative reference
        assert_eq!(artifact("a:b.tf").uri, "a%3Ab.tf");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        let a = artifact("/tmp/x y/a.tf");
        assert_eq!(a.uri, "file:///tmp/x%20y/a.tf");
        assert_eq!(a.uri_base_id, None);
        assert_eq!(artifact("C:/work/a.tf").uri, "file:///C:/work/a.tf");
    }

    #[test]
    fn sections_are_read_up_to_the_next_heading() {
        let doc = "## What it does\nFlags a thing.\nAnd more.\n\n## Why is this bad?\nBecause.";
        assert_eq!(section(doc, "What it does"), "Flags a thing. And more.");
        assert_eq!(section(doc, "Missing"), "");
    }
}
