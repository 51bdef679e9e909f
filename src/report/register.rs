//! `yunlint suppressions`: the register of accepted debt. Every inline suppression, every
//! `[[exceptions]]` entry and every baseline entry, with its reason, approver, expiry and what
//! became of it in the run: what a compliance team reviews and signs.

use jiff::civil::Date;
use serde::Serialize;

use super::json::DOCUMENT_VERSION;
use super::visible::{csv_document, visible, without_commands};
use crate::Register;
use crate::source::SourceMap;
use crate::suppress::Status;

/// One entry of the register.
#[derive(Serialize)]
pub struct Row {
    /// `inline`, `exception` or `baseline`.
    pub kind: &'static str,
    pub file: String,
    /// Where it is written (`null` for a baseline entry, which records a finding's file).
    pub line: Option<usize>,
    pub codes: Vec<String>,
    /// The placement a baseline entry records.
    pub address: Option<String>,
    pub reason: Option<String>,
    pub approved_by: Option<String>,
    pub until: Option<String>,
    /// Days from the run's date to `until`; negative once expired.
    pub days_left: Option<i32>,
    /// `used`, `unused`, `expired`, `disallowed`, or for a baseline entry `matched` or `fixed`.
    pub status: &'static str,
    /// Why a suppression is disallowed, or a baseline entry's message.
    pub note: Option<String>,
}

/// The register's rows: exceptions and inline suppressions in file order, then baseline entries.
pub fn rows(register: &Register, sources: &SourceMap, today: Date) -> Vec<Row> {
    let mut rows: Vec<Row> = register
        .suppressions
        .iter()
        .map(|(s, status)| {
            let file = sources.get(s.span.source);
            Row {
                kind: if s.is_inline() { "inline" } else { "exception" },
                file: file.display.to_string(),
                line: Some(file.position(s.span.start()).line),
                codes: s.codes.iter().map(|c| (*c).to_owned()).collect(),
                address: None,
                reason: s.reason.clone(),
                approved_by: s.approved_by.clone(),
                until: s.until.map(|(d, _)| d.to_string()),
                days_left: s.until.map(|(d, _)| (d - today).get_days()),
                status: status.as_str(),
                note: match status {
                    Status::Disallowed(why) => Some(why.clone()),
                    _ => None,
                },
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    rows.extend(register.baseline.iter().map(|(entry, matched)| Row {
        kind: "baseline",
        file: entry.file.clone(),
        line: None,
        codes: vec![entry.code.clone()],
        address: entry.address.clone(),
        reason: None,
        approved_by: None,
        until: None,
        days_left: None,
        status: if *matched { "matched" } else { "fixed" },
        note: Some(entry.message.clone()),
    }));
    rows
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    entries: &'a [Row],
}

pub fn render_json(rows: &[Row]) -> String {
    let doc = Document {
        version: DOCUMENT_VERSION,
        entries: rows,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the register serializes");
    text.push('\n');
    text
}

const HEADER: [&str; 9] = [
    "KIND",
    "FILE",
    "CODES",
    "REASON",
    "APPROVED BY",
    "UNTIL",
    "DAYS",
    "STATUS",
    "NOTE",
];

fn cells(row: &Row) -> [String; 9] {
    let place = match (row.line, &row.address) {
        (Some(line), _) => format!("{}:{line}", row.file),
        (None, Some(address)) => format!("{} {address}", row.file),
        (None, None) => row.file.clone(),
    };
    [
        row.kind.to_owned(),
        place,
        row.codes.join(","),
        row.reason.clone().unwrap_or_default(),
        row.approved_by.clone().unwrap_or_default(),
        row.until.clone().unwrap_or_default(),
        row.days_left.map(|d| d.to_string()).unwrap_or_default(),
        row.status.to_owned(),
        row.note.clone().unwrap_or_default(),
    ]
}

/// An aligned text table; repository text is made visible (no control characters reach the
/// terminal or the CI log).
pub fn render_table(rows: &[Row]) -> String {
    let mut table = vec![HEADER.map(str::to_owned)];
    table.extend(
        rows.iter()
            .map(|r| cells(r).map(|c| visible(&c).into_owned())),
    );
    let widths: Vec<usize> = (0..HEADER.len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("no suppressions, exceptions or baseline entries\n");
    }
    without_commands(out)
}

/// CSV (RFC 4180), one row per entry, with a header; cells that a spreadsheet would run as a
/// formula are neutralised.
pub fn render_csv(rows: &[Row]) -> String {
    let header = [
        "kind",
        "file",
        "line",
        "codes",
        "address",
        "reason",
        "approved_by",
        "until",
        "days_left",
        "status",
        "note",
    ]
    .map(str::to_owned);
    let records = rows.iter().map(|row| {
        [
            row.kind.to_owned(),
            row.file.clone(),
            row.line.map(|l| l.to_string()).unwrap_or_default(),
            row.codes.join(","),
            row.address.clone().unwrap_or_default(),
            row.reason.clone().unwrap_or_default(),
            row.approved_by.clone().unwrap_or_default(),
            row.until.clone().unwrap_or_default(),
            row.days_left.map(|d| d.to_string()).unwrap_or_default(),
            row.status.to_owned(),
            row.note.clone().unwrap_or_default(),
        ]
    });
    csv_document(std::iter::once(header).chain(records))
}
