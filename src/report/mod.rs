//! Renders a run: findings in the chosen format, the summary line, and the exit status that comes
//! from the same counts.

pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod inventory;
pub mod json;
pub mod junit;
pub mod register;
pub mod revision;
pub mod sarif;
pub mod visible;

use std::time::Duration;

use crate::finding::{Finding, Severity};
use crate::source::{Position, SourceFile, SourceMap, Span};

/// A sequence serialized from an iterator as it is consumed: a large repository's report is
/// written finding by finding (or placement by placement), never held whole as documents.
pub(crate) struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    pub(crate) fn new(items: I) -> Self {
        Streamed(std::cell::RefCell::new(Some(items)))
    }
}

impl<I> serde::Serialize for Streamed<I>
where
    I: Iterator,
    I::Item: serde::Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take().expect("serialized once");
        serializer.collect_seq(items)
    }
}

/// How the run ended, for the summary line and the exit code alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No error-level finding: exit 0.
    Success,
    /// At least one error-level finding (or a warning under `--deny warnings`): exit 1.
    Failure,
    /// The tool could not do its job: exit 2.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// The counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub suppressed: usize,
    /// Findings the baseline hid.
    pub baselined: usize,
    /// Baseline entries no finding matched any more.
    pub fixed: usize,
    /// Files passed over (too large, not a regular file, a link out of the tree).
    pub skipped: usize,
    pub elapsed: Duration,
}

impl Summary {
    pub fn new(findings: &[Finding], files: usize, elapsed: Duration) -> Self {
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        Summary {
            files,
            errors,
            warnings: findings.len() - errors,
            suppressed: 0,
            baselined: 0,
            fixed: 0,
            skipped: 0,
            elapsed,
        }
    }

    /// The counts of a whole run, suppressions and baseline included.
    pub fn of_run(run: &crate::LintRun) -> Self {
        Summary {
            suppressed: run.suppressed,
            baselined: run.baselined,
            fixed: run.fixed,
            skipped: run.skipped.len(),
            ..Summary::new(&run.findings, run.files, run.elapsed)
        }
    }

    pub fn status(&self, deny_warnings: bool) -> ExitStatus {
        if self.errors > 0 || (deny_warnings && self.warnings > 0) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// `error: 3 errors, 1 warning in 412 files (0.05s)`; the caller colours the first word.
    pub fn line_parts(&self) -> (&'static str, String) {
        let lead = if self.errors > 0 {
            "error"
        } else if self.warnings > 0 {
            "warning"
        } else {
            "ok"
        };
        let mut text = format!(
            "{}, {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.files, "file"),
        );
        if self.skipped > 0 {
            text.push_str(&format!(" ({} skipped)", self.skipped));
        }
        if self.suppressed > 0 {
            text.push_str(&format!(", {} suppressed", self.suppressed));
        }
        if self.baselined > 0 {
            text.push_str(&format!(", {} baselined", self.baselined));
        }
        if self.fixed > 0 {
            text.push_str(&format!(", {} fixed since the baseline", self.fixed));
        }
        text.push_str(&format!(" ({:.2}s)", self.elapsed.as_secs_f64()));
        (lead, text)
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `doc` as pretty JSON and a newline. serde_json writes a document in thousands of small pieces
/// (a key, a quote, an indent): they are gathered in a buffer of a concrete type, whose writes
/// inline, before they reach `out`, where each would be a call through `dyn Write`.
pub fn write_pretty_json(
    out: &mut dyn std::io::Write,
    doc: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, doc)?;
    std::io::Write::write_all(&mut buffered, b"\n")?;
    std::io::Write::flush(&mut buffered)
}

/// Start and end positions of a span, as the documents show them.
pub fn positions(sources: &SourceMap, span: Span) -> (Position, Position) {
    let file = sources.get(span.source);
    (file.position(span.start()), file.position(span.end()))
}

/// A 1-based line and a 1-based column counted in UTF-16 code units: the unit of SARIF's default
/// `columnKind` and of GitHub's annotations (the browser's strings are UTF-16). It equals the
/// character column for every character of the Basic Multilingual Plane, CJK included; a character
/// beyond it (an emoji) counts 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf16Position {
    pub line: usize,
    pub column: usize,
}

fn utf16_position(file: &SourceFile, offset: usize) -> Utf16Position {
    let p = file.position(offset);
    let line_start = file.text()[..p.offset].rfind('\n').map_or(0, |i| i + 1);
    Utf16Position {
        line: p.line,
        column: file.text()[line_start..p.offset].encode_utf16().count() + 1,
    }
}

/// Start and end of a span in UTF-16 columns; the end is exclusive (the column after the last
/// character), as SARIF's `endColumn` and GitHub's `endColumn` expect.
pub fn utf16_positions(sources: &SourceMap, span: Span) -> (Utf16Position, Utf16Position) {
    let file = sources.get(span.source);
    (
        utf16_position(file, span.start()),
        utf16_position(file, span.end()),
    )
}

/// The message, then `help: …` on the next line when the finding has help.
pub fn message_with_help(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_astral_characters_twice() {
        let mut sources = SourceMap::default();
        let text = "a = \"账\"\nb = \"🏦\" # x\n";
        let id = sources.add(SourceFile::new(
            "f".into(),
            "f".into(),
            "f".into(),
            text.into(),
        ));
        let x = text.find('x').unwrap();
        let (start, end) = utf16_positions(&sources, Span::new(id, x..x + 1));
        assert_eq!((start.line, start.column, end.column), (2, 12, 13));
        // character columns, as the JSON document counts them, say 11
        assert_eq!(positions(&sources, Span::new(id, x..x + 1)).0.column, 11);
        let han = text.find('账').unwrap();
        assert_eq!(
            utf16_positions(&sources, Span::new(id, han..han + 3))
                .1
                .column,
            7
        );
    }
}
