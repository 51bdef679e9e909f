//! Renders a run: findings in the chosen format, the summary line, and the exit status that comes
//! from the same counts.

pub mod human;
pub mod inventory;
pub mod json;

use std::time::Duration;

use crate::finding::{Finding, Severity};
use crate::source::{Position, SourceMap, Span};

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
            elapsed,
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
        let text = format!(
            "{}, {} in {} ({:.2}s)",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.files, "file"),
            self.elapsed.as_secs_f64()
        );
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

/// Start and end positions of a span, as the documents show them.
pub fn positions(sources: &SourceMap, span: Span) -> (Position, Position) {
    let file = sources.get(span.source);
    (file.position(span.start), file.position(span.end))
}
