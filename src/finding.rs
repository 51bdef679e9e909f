//! What a check found: data only. Rendering is `report/`'s job.

use std::fmt;

use std::sync::Arc;

use crate::report::visible::{MAX_FIELD_CHARS, excerpt};
use crate::rules::RuleMeta;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span with the text shown beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    /// Shared: the labels along a value's chain are the chain's own notes, the same for every
    /// finding about the placements of one provider configuration or module instance.
    pub text: Arc<str>,
}

impl Label {
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Label {
            span,
            text: excerpt(text.into()).into(),
        }
    }

    /// A label with a text shared with others (a chain's note), not copied unless it is cut.
    pub fn shared(span: Span, text: &Arc<str>) -> Self {
        if text.len() <= MAX_FIELD_CHARS {
            return Label {
                span,
                text: Arc::clone(text),
            };
        }
        Label::new(span, text.to_string())
    }
}

/// The placement (or replica) a finding is about, as the JSON document shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingSubject {
    pub address: String,
    /// Shared ([`shared`]): a repository names few providers and regions, and a finding-heavy
    /// one has a hundred thousand findings naming them.
    pub provider: Arc<str>,
    pub region: Option<Arc<str>>,
    /// `Some(role)` when the finding is about a replica of the placement.
    pub replica: Option<&'static str>,
    /// Where the finding is about, for its identity across runs: the placement's provider and
    /// region, then the replica's role, provider and region when it is about a replica (or
    /// covers one), so that any change of place is a new finding.
    pub places: Vec<Arc<str>>,
    /// The placement's declaration and file: a suppression comment in the declaration covers the
    /// finding, and `[[exceptions]]` path globs match the file. Carried here so that suppressing
    /// needs no placement: a run that only reports findings keeps none.
    pub block: Span,
    pub path: std::sync::Arc<str>,
}

/// `text` without the room `format!` left after it: a finding-heavy run holds a hundred
/// thousand messages and helps until the report.
fn exact(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

/// `text` as a string shared with the equal ones this thread made before: the providers, regions
/// and places that findings repeat. At most [`SHARED_MAX`] texts of at most [`SHARED_MAX_LEN`]
/// bytes are remembered per thread (a hostile repository may write a different region on every
/// line); past that, `text` is copied.
pub fn shared(text: &str) -> Arc<str> {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashSet<Arc<str>>> =
            std::cell::RefCell::default();
    }
    SEEN.with_borrow_mut(|seen| {
        if let Some(known) = seen.get(text) {
            return Arc::clone(known);
        }
        let new: Arc<str> = Arc::from(text);
        if seen.len() < SHARED_MAX && text.len() <= SHARED_MAX_LEN {
            seen.insert(Arc::clone(&new));
        }
        new
    })
}

/// How many texts [`shared`] remembers per thread, and the longest it remembers (a region is a
/// repository's value, and may be megabytes long).
const SHARED_MAX: usize = 4096;
const SHARED_MAX_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Boxed: every finding is moved when the findings are gathered and sorted, and a subject
    /// is half the size of a finding.
    pub subject: Option<Box<FindingSubject>>,
    /// Set when the finding is about the Terraform provider configuration the placement uses,
    /// not the placement itself: the findings of one configuration become one.
    pub group: Option<Box<Group>>,
}

/// What the findings of one provider configuration become together.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub config: std::sync::Arc<crate::model::ProviderConfig>,
    /// The message of the merged finding.
    pub message: String,
    /// The primary label of the merged finding, at the configuration.
    pub label: String,
}

impl Finding {
    pub fn new(rule: &'static RuleMeta, primary: Label, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            // Messages quote repository values: a megabyte-long region, quoted by every finding
            // about it, would multiply the input in every format.
            message: exact(excerpt(message.into())),
            primary,
            secondary: Vec::new(),
            help: None,
            subject: None,
            group: None,
        }
    }

    pub fn with_label(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    pub fn with_labels(mut self, labels: impl IntoIterator<Item = Label>) -> Self {
        self.secondary.extend(labels);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(exact(excerpt(help.into())));
        self
    }

    pub fn with_group(mut self, group: Option<Group>) -> Self {
        self.group = group.map(Box::new);
        self
    }

    pub fn with_subject(mut self, subject: FindingSubject) -> Self {
        self.subject = Some(Box::new(subject));
        self
    }

    /// The order of every output: file, position, code, then the placement (one module file can
    /// be instantiated by several roots).
    pub fn sort_key(
        &self,
    ) -> (
        crate::source::SourceId,
        usize,
        usize,
        &'static str,
        Option<&str>,
    ) {
        (
            self.primary.span.source,
            self.primary.span.start(),
            self.primary.span.end(),
            self.rule.code,
            self.subject.as_ref().map(|s| s.address.as_str()),
        )
    }
}
