//! The human format: miette's graphical report for each finding, then the summary line.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use owo_colors::OwoColorize;

use super::Summary;
use crate::config::ConfigError;
use crate::finding::{Finding, Label, Severity};
use crate::source::{SourceFile, SourceId, SourceMap};

/// Width the reports are wrapped at.
const WIDTH: usize = 100;

/// A label in the primary's file further than this many lines from it is shown as a note.
const NEAR_LINES: usize = 12;

/// One diagnostic ready for miette: labels in its own file, related diagnostics for labels in others.
struct View {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Snippets,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

/// A file for miette, read from the lines around each span only. miette's own `SourceCode` for
/// text scans from the start of the file for every snippet: quadratic when a file has thousands
/// of findings.
struct Snippets(Arc<SourceFile>);

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &self.0;
        let offset = span.offset().min(file.text().len());
        let (base, first_line) = file.line_start_before(offset, context_lines_before);
        let local = SourceSpan::new((offset - base).into(), span.len());
        let window = &file.text().as_bytes()[base..];
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let data: &'a [u8] = contents.data();
        Ok(Box::new(MietteSpanContents::new_named(
            file.display.to_string(),
            data,
            SourceSpan::new(
                (contents.span().offset() + base).into(),
                contents.span().len(),
            ),
            contents.line() + first_line,
            contents.column(),
            contents.line_count() + first_line,
        )))
    }
}

fn named(sources: &SourceMap, id: SourceId) -> Snippets {
    Snippets(sources.get(id).clone())
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let span = (label.span.start(), label.span.end() - label.span.start());
    if primary {
        LabeledSpan::new_primary_with_span(Some(label.text.clone()), span)
    } else {
        LabeledSpan::new_with_span(Some(label.text.clone()), span)
    }
}

/// The text parts of a diagnostic, before its labels are placed.
struct Head {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
}

/// Groups secondary labels by file: those in the primary's file stay, the others become notes.
fn view(sources: &SourceMap, head: Head, primary: &Label, secondary: &[Label]) -> View {
    let mut labels = vec![labeled(primary, true)];
    let mut related: Vec<View> = Vec::new();
    let line_of = |label: &Label| {
        sources
            .get(label.span.source)
            .position(label.span.start())
            .line
    };
    let primary_line = line_of(primary);
    for label in secondary {
        // miette shows every line between two labels of a snippet: a far label becomes a note
        let near = line_of(label).abs_diff(primary_line) <= NEAR_LINES;
        if label.span.source == primary.span.source && near {
            labels.push(labeled(label, false));
        } else {
            related.push(View {
                message: label.text.clone(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: named(sources, label.span.source),
                labels: vec![labeled(label, true)],
                related: Vec::new(),
            });
        }
    }
    View {
        message: head.message,
        code: head.code,
        severity: head.severity,
        help: head.help,
        url: head.url,
        source: named(sources, primary.span.source),
        labels,
        related,
    }
}

pub struct Human {
    handler: GraphicalReportHandler,
    color: bool,
}

impl Human {
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(WIDTH)
                .with_links(false)
                // region ids are hyphenated: never break them across lines
                .with_word_splitter(textwrap::WordSplitter::NoHyphenation),
            color,
        }
    }

    fn render_view(&self, view: &View, out: &mut String) {
        // Rendering into a String cannot fail; a formatter error would only drop this one report.
        let _ = self.handler.render_report(out, view);
    }

    pub fn finding(&self, sources: &SourceMap, finding: &Finding, out: &mut String) {
        let severity = match finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let head = Head {
            message: finding.message.clone(),
            code: Some(format!("{}({})", finding.rule.code, finding.rule.name)),
            severity,
            help: finding.help.clone(),
            url: Some(finding.rule.url()),
        };
        let view = view(sources, head, &finding.primary, &finding.secondary);
        self.render_view(&view, out);
        out.push('\n');
    }

    pub fn config_error(&self, sources: &SourceMap, error: &ConfigError, out: &mut String) {
        match error.span {
            Some(span) => {
                let head = Head {
                    message: error.message.clone(),
                    code: Some("config-error".into()),
                    severity: miette::Severity::Error,
                    help: error.help.clone(),
                    url: None,
                };
                let view = view(sources, head, &Label::new(span, "here"), &[]);
                self.render_view(&view, out);
                out.push('\n');
            }
            None => {
                out.push_str(&format!(
                    "{}: {}\n",
                    self.paint_lead("error"),
                    error.message
                ));
            }
        }
    }

    pub fn paint_lead(&self, lead: &str) -> String {
        if !self.color {
            return lead.to_owned();
        }
        match lead {
            "error" => lead.red().bold().to_string(),
            "warning" => lead.yellow().bold().to_string(),
            _ => lead.green().bold().to_string(),
        }
    }

    pub fn summary(&self, summary: &Summary, out: &mut String) {
        let (lead, text) = summary.line_parts();
        out.push_str(&format!("{}: {text}\n", self.paint_lead(lead)));
    }
}
