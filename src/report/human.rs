//! The human format: miette's graphical report for each finding, then the summary line.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use owo_colors::OwoColorize;

use super::Summary;
use super::visible::visible;
use crate::config::ConfigError;
use crate::finding::{Finding, Label, Severity};
use crate::source::{SourceFile, SourceMap};

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

/// Lines of context miette shows around a snippet's labels (its default).
const CONTEXT_LINES: usize = 1;

/// A line longer than this many characters is cut in a snippet: a minified file or a 1 MiB
/// comment would otherwise be printed whole in every report that points at it, and miette cannot
/// render a label past column 65,535.
const LINE_CHARS: usize = 160;

/// Characters kept before and after the labels on a cut line.
const AROUND_LABELS: usize = 40;

/// The lines of one file that a diagnostic shows, ready for miette: only the lines around its
/// labels (miette's own `SourceCode` for text scans from the start of the file for every snippet:
/// quadratic when a file has thousands of findings), long lines cut around the labels, and
/// control characters written visibly (a snippet line could otherwise carry an ESC sequence or a
/// line that GitHub's runner reads as a command).
struct Snippets {
    file: Arc<SourceFile>,
    name: String,
    /// The lines shown, as printed.
    window: String,
    /// 0-based line of the file where `window` starts.
    first_line: usize,
    /// (offset in the file, offset in `window`) at each character kept: both increase.
    map: Vec<(usize, usize)>,
}

impl Snippets {
    /// The lines around `spans` (byte ranges of `file`).
    fn new(file: Arc<SourceFile>, spans: &[std::ops::Range<usize>]) -> Self {
        let text = file.text().clone();
        let len = text.len();
        let lo = spans.iter().map(|s| s.start.min(len)).min().unwrap_or(0);
        let hi = spans
            .iter()
            .map(|s| s.end.min(len))
            .max()
            .unwrap_or(0)
            .max(lo);
        let (base, first_line) = file.line_start_before(lo, CONTEXT_LINES);
        let mut window = String::new();
        let mut map = Vec::new();
        let mut line_start = base;
        let mut after = 0;
        while line_start <= len {
            let full_end = text[line_start..]
                .find('\n')
                .map_or(len, |i| line_start + i + 1);
            let newline = full_end > line_start && text.as_bytes()[full_end - 1] == b'\n';
            let mut end = if newline { full_end - 1 } else { full_end };
            if newline && end > line_start && text.as_bytes()[end - 1] == b'\r' {
                end -= 1;
            }
            let on_line: Vec<_> = spans
                .iter()
                .filter(|s| s.start <= end && s.end >= line_start)
                .collect();
            let (keep_from, keep_to) = keep(&text, line_start, end, &on_line);
            if keep_from > line_start {
                window.push('…');
            }
            for (i, c) in text[keep_from..keep_to].char_indices() {
                map.push((keep_from + i, window.len()));
                if c == '\t' {
                    window.push(c);
                } else {
                    super::visible::push_char(&mut window, c);
                }
            }
            map.push((keep_to, window.len()));
            if keep_to < end {
                window.push('…');
            }
            if newline {
                window.push('\n');
            }
            if full_end > hi || full_end == len {
                after += 1;
            }
            if after > CONTEXT_LINES || full_end == len {
                break;
            }
            line_start = full_end;
        }
        Snippets {
            name: super::visible::visible(&file.display).into_owned(),
            file,
            window,
            first_line,
            map,
        }
    }

    /// Where an offset of the file is in the window (clamped to what was kept).
    fn to_window(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|&(o, _)| o <= offset);
        self.map.get(i.saturating_sub(1)).map_or(0, |&(_, w)| w)
    }

    /// Where an offset of the window was in the file.
    fn to_file(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|&(_, w)| w <= offset);
        self.map.get(i.saturating_sub(1)).map_or(0, |&(o, _)| o)
    }

    fn labeled(&self, label: &Label, primary: bool) -> LabeledSpan {
        let start = self.to_window(label.span.start());
        let end = self.to_window(label.span.end()).max(start);
        let text = Some(super::visible::visible(&label.text).into_owned());
        if primary {
            LabeledSpan::new_primary_with_span(text, (start, end - start))
        } else {
            LabeledSpan::new_with_span(text, (start, end - start))
        }
    }
}

/// The byte range of the line `start..end` that a snippet shows: all of it when it is short,
/// else the part around the labels on it (or its beginning, without one).
fn keep(
    text: &str,
    start: usize,
    end: usize,
    labels: &[&std::ops::Range<usize>],
) -> (usize, usize) {
    let line = &text[start..end];
    if line.len() <= LINE_CHARS || line.chars().count() <= LINE_CHARS {
        return (start, end);
    }
    // The byte offset `n` characters before or after `at`, within the line.
    let back = |at: usize, n: usize| {
        text[start..at]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(start, |(i, _)| start + i)
    };
    let forward = |at: usize, n: usize| {
        text[at..end]
            .char_indices()
            .nth(n)
            .map_or(end, |(i, _)| at + i)
    };
    let snap = |mut at: usize| {
        at = at.clamp(start, end);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let (from, to) = match (
        labels.iter().map(|s| s.start).min(),
        labels.iter().map(|s| s.end).max(),
    ) {
        (Some(lo), Some(hi)) => {
            let from = back(snap(lo), AROUND_LABELS);
            let to = forward(snap(hi), AROUND_LABELS);
            (from, to.min(forward(from, LINE_CHARS)))
        }
        _ => (start, forward(start, LINE_CHARS)),
    };
    (from, to.max(from))
}

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents =
            self.window
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette puts the primary label's line and byte column in the header: the file's own.
        let column = if context_lines_before == 0 {
            let at = self.to_file(span.offset());
            at - self.file.line_start_before(at, 0).0
        } else {
            contents.column()
        };
        let data: &'a [u8] = contents.data();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            *contents.span(),
            contents.line() + self.first_line,
            column,
            contents.line_count() + self.first_line,
        )))
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
    let line_of = |label: &Label| {
        sources
            .get(label.span.source)
            .position(label.span.start())
            .line
    };
    let primary_line = line_of(primary);
    let mut near = vec![primary];
    let mut related: Vec<View> = Vec::new();
    for label in secondary {
        // miette shows every line between two labels of a snippet: a far label becomes a note
        if label.span.source == primary.span.source
            && line_of(label).abs_diff(primary_line) <= NEAR_LINES
        {
            near.push(label);
        } else {
            let source = Snippets::new(
                sources.get(label.span.source).clone(),
                &[label.span.range()],
            );
            related.push(View {
                message: visible(&label.text).into_owned(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                labels: vec![source.labeled(label, true)],
                source,
                related: Vec::new(),
            });
        }
    }
    let source = Snippets::new(
        sources.get(primary.span.source).clone(),
        &near.iter().map(|l| l.span.range()).collect::<Vec<_>>(),
    );
    let labels = near
        .iter()
        .enumerate()
        .map(|(i, l)| source.labeled(l, i == 0))
        .collect();
    View {
        message: visible(&head.message).into_owned(),
        code: head.code,
        severity: head.severity,
        help: head.help.map(|h| super::visible::visible_lines(&h)),
        url: head.url,
        source,
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
        let mut text = String::new();
        let _ = self.handler.render_report(&mut text, view);
        out.push_str(&super::visible::without_commands(text));
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
                    visible(&error.message)
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
