//! `check --format junit`: JUnit XML for CI test-report views (GitLab `artifacts: reports: junit`,
//! Jenkins, Azure Pipelines).
//!
//! One `<testsuite name="yunlint">` inside `<testsuites>`; one `<testcase>` per file with findings,
//! named by its path, with one `<failure>` per finding (warnings included: the test view shows
//! every finding, the exit code alone decides whether the run fails). Clean files get no test case,
//! so `tests` counts the files with findings and equals `failures`.

use std::fmt::Write;

use super::positions;
use crate::finding::Finding;
use crate::source::SourceMap;

/// Escapes text for XML 1.0. In attributes, tabs and line breaks become character references so
/// that a parser's attribute-value normalization keeps them. Characters XML 1.0 cannot carry at all
/// (other C0 controls) become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' | '\t' if attribute => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\r' => out.push_str("&#13;"),
            '\n' | '\t' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Findings grouped by file, in output order (findings are sorted by file already).
fn by_file(findings: &[Finding]) -> Vec<&[Finding]> {
    findings
        .chunk_by(|a, b| a.primary.span.source == b.primary.span.source)
        .collect()
}

fn failure(sources: &SourceMap, finding: &Finding, out: &mut String) {
    let file = &sources.get(finding.primary.span.source).display;
    let (start, _) = positions(sources, finding.primary.span);
    let mut body = format!(
        "{file}:{}:{} {} {}",
        start.line, start.column, finding.rule.code, finding.message
    );
    if let Some(help) = &finding.help {
        let _ = write!(body, "\nhelp: {help}");
    }
    let _ = writeln!(
        out,
        "      <failure message=\"{}\" type=\"{}\">{}</failure>",
        escape(&finding.message, true),
        escape(finding.rule.code, true),
        escape(&body, false)
    );
}

pub fn render(sources: &SourceMap, findings: &[Finding]) -> String {
    let files = by_file(findings);
    let counts = format!(
        "tests=\"{0}\" failures=\"{0}\" errors=\"0\" skipped=\"0\"",
        files.len()
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"yunlint\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"yunlint\" {counts}>");
    for group in files {
        let file = &sources.get(group[0].primary.span.source).display;
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"yunlint\">",
            escape(file, true)
        );
        for finding in group {
            failure(sources, finding, &mut out);
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_controls_are_escaped() {
        assert_eq!(
            escape("a <b> & \"c\" 'd'\n\te\r\u{7}", true),
            "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;&#10;&#9;e&#13;\u{fffd}"
        );
        assert_eq!(
            escape("a <b> & \"c\"\n\te\r", false),
            "a &lt;b&gt; &amp; \"c\"\n\te&#13;"
        );
    }
}
