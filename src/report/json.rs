//! The JSON document of `check --format json` (version 1; the schema is in docs/json-output.md).

use serde::Serialize;

use super::{Streamed, Summary, positions};
use crate::finding::Finding;
use crate::source::{Position, SourceMap};

pub const DOCUMENT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: "yunlint",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Document<F: Serialize> {
    version: u32,
    tool: Tool,
    summary: SummaryDoc,
    findings: F,
}

#[derive(Serialize)]
struct SummaryDoc {
    files: usize,
    errors: usize,
    warnings: usize,
    suppressed: usize,
    baselined: usize,
    fixed: usize,
}

#[derive(Serialize)]
struct PositionDoc {
    line: usize,
    column: usize,
    offset: usize,
}

impl From<Position> for PositionDoc {
    fn from(p: Position) -> Self {
        PositionDoc {
            line: p.line,
            column: p.column,
            offset: p.offset,
        }
    }
}

#[derive(Serialize)]
struct FindingDoc<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    url: String,
    file: &'a str,
    start: PositionDoc,
    end: PositionDoc,
    placement: Option<PlacementDoc<'a>>,
    /// The finding's other labels: where its value came from, the resources a provider
    /// configuration's finding covers.
    related: Vec<RelatedDoc<'a>>,
}

#[derive(Serialize)]
struct RelatedDoc<'a> {
    file: &'a str,
    start: PositionDoc,
    end: PositionDoc,
    message: &'a str,
}

#[derive(Serialize)]
struct PlacementDoc<'a> {
    address: &'a str,
    provider: &'a str,
    region: Option<&'a str>,
    /// The replica's role when the finding is about a copy of the placement.
    replica: Option<&'a str>,
}

pub fn render(sources: &SourceMap, findings: &[Finding], summary: &Summary) -> String {
    let mut out = Vec::new();
    write(&mut out, sources, findings, summary).expect("a report is written to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`render`], written to `out` as it is serialized.
pub fn write(
    out: &mut dyn std::io::Write,
    sources: &SourceMap,
    findings: &[Finding],
    summary: &Summary,
) -> std::io::Result<()> {
    let doc = Document {
        version: DOCUMENT_VERSION,
        tool: TOOL,
        summary: SummaryDoc {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            suppressed: summary.suppressed,
            baselined: summary.baselined,
            fixed: summary.fixed,
        },
        // one finding's document at a time: 27,000 findings held as documents were 15 MB
        findings: Streamed::new(findings.iter().map(|f| {
            let (start, end) = positions(sources, f.primary.span);
            FindingDoc {
                code: f.rule.code,
                name: f.rule.name,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                url: f.rule.url(),
                file: &sources.get(f.primary.span.source).display,
                start: start.into(),
                end: end.into(),
                placement: f.subject.as_ref().map(|s| PlacementDoc {
                    address: &s.address,
                    provider: &s.provider,
                    region: s.region.as_deref(),
                    replica: s.replica,
                }),
                related: f
                    .secondary
                    .iter()
                    .map(|label| {
                        let (start, end) = positions(sources, label.span);
                        RelatedDoc {
                            file: &sources.get(label.span.source).display,
                            start: start.into(),
                            end: end.into(),
                            message: &label.text,
                        }
                    })
                    .collect(),
            }
        })),
    };
    super::write_pretty_json(out, &doc)
}
