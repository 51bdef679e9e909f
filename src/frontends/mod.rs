//! Front ends: one per input format, each turning one file into placements. A file that does not
//! parse yields [`ParseIssue`]s with the parser's span, never a crash.

pub mod descriptor;

use crate::discover::FileFormat;
use crate::model::Placement;
use crate::source::{SourceFile, SourceId, Span};

/// A problem reading one file, reported as YL901.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl ParseIssue {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        ParseIssue {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// What one file yields.
#[derive(Debug, Default)]
pub struct FileOutput {
    pub placements: Vec<Placement>,
    pub issues: Vec<ParseIssue>,
}

pub fn parse(format: FileFormat, file: &SourceFile, id: SourceId) -> FileOutput {
    match format {
        FileFormat::Descriptor => descriptor::parse(file, id),
    }
}
