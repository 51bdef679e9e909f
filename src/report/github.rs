//! `check --format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the file, then the summary line as plain text.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=YL201 region-outside-jurisdiction::message`
//! (`::warning` for a warning). Columns count UTF-16 code units, as in the SARIF report, and are
//! left out when the span covers several lines (GitHub ignores them then). The escaping is the
//! runner's (actions/toolkit `command.ts`): `%`, `\r` and `\n` in the message; those and `:` and
//! `,` in property values.

use super::visible::{visible, visible_lines};
use super::{Summary, utf16_positions};
use crate::finding::{Finding, Severity};
use crate::source::SourceMap;

/// Escapes a command's data (the text after `::`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=…`, `title=…`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(sources: &SourceMap, finding: &Finding) -> String {
    let kind = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let (start, end) = utf16_positions(sources, finding.primary.span);
    let file = visible(&sources.get(finding.primary.span.source).display);
    let mut properties = vec![
        format!("file={}", escape_property(&file)),
        format!("line={}", start.line),
    ];
    if start.line == end.line {
        properties.push(format!("col={}", start.column));
    }
    properties.push(format!("endLine={}", end.line));
    if start.line == end.line {
        properties.push(format!("endColumn={}", end.column));
    }
    let title = format!("{} {}", finding.rule.code, finding.rule.name);
    // Repository text is made visible first: an ESC sequence would reach the log raw, and a
    // newline in a value would read as the message's own line break.
    let message = match &finding.help {
        Some(help) => format!(
            "{}\nhelp: {}",
            visible(&finding.message),
            visible_lines(help)
        ),
        None => visible(&finding.message).into_owned(),
    };
    properties.push(format!("title={}", escape_property(&title)));
    format!(
        "::{kind} {}::{}\n",
        properties.join(","),
        escape_data(&message)
    )
}

/// The workflow commands, then the summary line when `summary` is given (not under `--quiet`).
pub fn render(sources: &SourceMap, findings: &[Finding], summary: Option<&Summary>) -> String {
    let mut out: String = findings.iter().map(|f| command(sources, f)).collect();
    if let Some(summary) = summary {
        let (lead, text) = summary.line_parts();
        out.push_str(&format!("{lead}: {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped_as_the_runner_unescapes_them() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            escape_property("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext%3A a%2Cb"
        );
        // `%` first, so an escape sequence already in the text is not decoded by the runner
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
