//! Reading YAML: the guarded event loop over saphyr, spans, and typed access to nodes.

use std::collections::HashMap;
use std::ops::Range;

use saphyr::{AnnotatedMapping, MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::{Event, Marker, Parser, ScanError, SpannedEventReceiver};

use super::Manifest;
use crate::frontends::ParseIssue;
use crate::model::Resolved;
use crate::source::{SourceId, Span};

/// Collections nest at most this deep. Real manifests stay far below (a deep CRD schema reaches
/// 40 or so); the scanner itself stops flow collections (`[[[…`) at 255 levels.
pub const MAX_DEPTH: usize = 128;

/// Aliases may add at most this many nodes to a file (saphyr's own default budget).
pub const MAX_ALIAS_NODES: u64 = 100_000;

/// Nodes one file may hold, aliases expanded: a loaded node costs hundreds of bytes, so a 10 MiB
/// flow sequence (`[1,1,1,…]`, five million nodes) took 3.3 GB. A large CRD bundle has a few
/// tens of thousands.
pub const MAX_NODES: u64 = 250_000;

/// Documents one file may hold (`---` separated).
pub const MAX_DOCUMENTS: u64 = 10_000;

pub(super) type Node<'i> = MarkedYaml<'i>;
pub(super) type Map<'i> = AnnotatedMapping<'i, MarkedYaml<'i>>;

/// Byte offsets of saphyr's positions, which count characters.
pub(super) struct CharOffsets<'t> {
    pub(super) text: &'t str,
    /// The byte offset of every `STEP`th character; empty for ASCII text, where they are equal.
    marks: Vec<usize>,
    /// Where [`kubectl_indentation`] inserted a space, in the parser's character positions.
    shifts: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    const STEP: usize = 64;

    pub(super) fn new(text: &'t str) -> Self {
        let marks = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STEP)
                .map(|(byte, _)| byte)
                .collect()
        };
        CharOffsets {
            text,
            marks,
            shifts: Vec::new(),
        }
    }

    /// Offsets for a parser that reads `text` with a space inserted at each of `shifts`.
    pub(super) fn with_shifts(text: &'t str, shifts: Vec<usize>) -> Self {
        CharOffsets {
            shifts,
            ..CharOffsets::new(text)
        }
    }

    /// The byte offset in the text of the character the parser sees at `index`, or the text's
    /// length past its end.
    pub(super) fn byte(&self, index: usize) -> usize {
        let index = index - self.shifts.partition_point(|&s| s < index);
        if self.marks.is_empty() {
            return index.min(self.text.len());
        }
        let Some(&base) = self.marks.get(index / Self::STEP) else {
            return self.text.len();
        };
        self.text[base..]
            .char_indices()
            .nth(index % Self::STEP)
            .map_or(self.text.len(), |(byte, _)| base + byte)
    }
}

/// Why the event stream was not loaded to the end.
pub(super) struct Stop {
    marker: Marker,
    message: String,
    help: Option<String>,
}

impl Stop {
    pub(super) fn scan(error: &ScanError) -> Self {
        // The scanner's own limit on flow collections (`[[[…`) is the same problem as ours.
        if error.info() == "recursion limit exceeded" {
            return Stop::too_deep(*error.marker());
        }
        Stop {
            marker: *error.marker(),
            message: error.info().to_owned(),
            help: None,
        }
    }

    pub(super) fn too_deep(marker: Marker) -> Self {
        Stop {
            marker,
            message: format!("YAML nested more than {MAX_DEPTH} levels deep"),
            help: Some(
                "yunlint stops reading YAML nested this deeply; no Kubernetes manifest needs it"
                    .to_owned(),
            ),
        }
    }

    fn too_large(marker: Marker, message: String) -> Self {
        Stop {
            marker,
            message,
            help: Some(
                "yunlint stops reading YAML this large; split it into smaller files".to_owned(),
            ),
        }
    }
}

/// Counts what the event stream would build, before the loader builds it.
#[derive(Default)]
pub(super) struct Guard {
    /// Open collections: anchor id (0 for none) and the node count when it opened.
    open: Vec<(usize, u64)>,
    /// Nodes the loader will have built so far, aliases expanded.
    built: u64,
    /// Of those, the ones built by expanding aliases.
    expanded: u64,
    /// Size in nodes of each anchored node of the current document.
    anchors: HashMap<usize, u64>,
    /// Documents started so far.
    documents: u64,
}

impl Guard {
    pub(super) fn check(&mut self, event: &Event<'_>, marker: Marker) -> Result<(), Stop> {
        match event {
            Event::DocumentStart(_) => {
                self.anchors.clear();
                self.documents += 1;
                if self.documents > MAX_DOCUMENTS {
                    return Err(Stop::too_large(
                        marker,
                        format!("YAML file holds more than {MAX_DOCUMENTS} documents"),
                    ));
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(Stop::too_deep(marker));
                }
                self.open.push((*anchor, self.built));
                self.built += 1;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = self.open.pop()
                    && anchor != 0
                {
                    self.anchors.insert(anchor, self.built - start);
                }
            }
            Event::Scalar(_, _, anchor, _) => {
                self.built += 1;
                if *anchor != 0 {
                    self.anchors.insert(*anchor, 1);
                }
            }
            Event::Alias(anchor) => {
                let size = match self.anchors.get(anchor) {
                    Some(&size) => size,
                    // An alias inside its own anchor: the loader makes it an empty value.
                    None if self.open.iter().any(|(open, _)| open == anchor) => 1,
                    None => {
                        return Err(Stop {
                            marker,
                            message: "alias refers to an anchor of another document".to_owned(),
                            help: Some(
                                "anchors are local to their document: define it again after `---`"
                                    .to_owned(),
                            ),
                        });
                    }
                };
                self.built = self.built.saturating_add(size);
                self.expanded = self.expanded.saturating_add(size);
                if self.expanded > MAX_ALIAS_NODES {
                    return Err(Stop {
                        marker,
                        message: format!(
                            "YAML aliases expand to more than {MAX_ALIAS_NODES} nodes"
                        ),
                        help: Some(
                            "this looks like an alias bomb (\"billion laughs\"); yunlint stops \
                             reading the file"
                                .to_owned(),
                        ),
                    });
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        if self.built > MAX_NODES {
            return Err(Stop::too_large(
                marker,
                format!("YAML file holds more than {MAX_NODES} nodes"),
            ));
        }
        Ok(())
    }
}

/// A key and its value in a mapping.
#[derive(Clone, Copy)]
pub(super) struct Entry<'n, 'i> {
    pub(super) key: &'n Node<'i>,
    pub(super) value: &'n Node<'i>,
}

/// The node under any tags (`!custom {…}`).
pub(super) fn untagged<'n, 'i>(mut node: &'n Node<'i>) -> &'n Node<'i> {
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

pub(super) fn mapping<'n, 'i>(node: &'n Node<'i>) -> Option<&'n Map<'i>> {
    match &untagged(node).data {
        YamlData::Mapping(map) => Some(map),
        _ => None,
    }
}

pub(super) fn sequence<'n, 'i>(node: &'n Node<'i>) -> Option<&'n Vec<Node<'i>>> {
    match &untagged(node).data {
        YamlData::Sequence(items) => Some(items),
        _ => None,
    }
}

/// A scalar's text as written (the loader does not resolve scalars: see [`Reader::load`]).
pub(super) fn scalar<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &untagged(node).data {
        YamlData::Representation(text, _, _) => Some(text),
        _ => None,
    }
}

/// An empty document, `~`, `null` or nothing at all, which Kubernetes reads as unset.
pub(super) fn is_null(node: &Node<'_>) -> bool {
    match &untagged(node).data {
        YamlData::BadValue => true,
        YamlData::Representation(text, ScalarStyle::Plain, tag) => {
            let null_tag = tag
                .as_ref()
                .is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "null");
            null_tag || matches!(&**text, "" | "~" | "null" | "Null" | "NULL")
        }
        _ => false,
    }
}

pub(super) fn describe(node: &Node<'_>) -> &'static str {
    match &untagged(node).data {
        YamlData::Mapping(_) => "a mapping",
        YamlData::Sequence(_) => "a list",
        _ => "a scalar",
    }
}

/// The entry of `map` under the plain key `key`, unless its value is null.
pub(super) fn lookup<'n, 'i>(map: &'n Map<'i>, key: &str) -> Option<Entry<'n, 'i>> {
    map.iter()
        .find(|(k, _)| scalar(k) == Some(key))
        .map(|(key, value)| Entry { key, value })
        .filter(|entry| !is_null(entry.value))
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) struct Reader<'t> {
    pub(super) id: SourceId,
    pub(super) text: &'t str,
    /// What the parser reads: the text, or the text with [`kubectl_indentation`] moved.
    pub(super) input: &'t str,
    pub(super) offsets: CharOffsets<'t>,
    pub(super) issues: Vec<ParseIssue>,
    pub(super) manifests: Vec<Manifest>,
}

impl<'t> Reader<'t> {
    /// Loads every document, event by event, refusing hostile nesting and alias expansion.
    ///
    /// Scalars stay as written (`early_parse(false)`): Kubernetes reads label values and names as
    /// strings, and a zone ID such as `200001` should keep its text.
    pub(super) fn load(&mut self) -> Vec<Node<'t>> {
        let mut parser = Parser::new_from_str(self.input);
        let mut loader = YamlLoader::<Node<'t>>::default();
        loader.early_parse(false);
        // go-yaml, and so kubectl, reads a repeated key's last value; so does this.
        loader.allow_duplicate_keys(true);
        let mut guard = Guard::default();
        let mut stop = None;
        while let Some(next) = parser.next_event() {
            let (event, span) = match next {
                Ok(next) => next,
                Err(error) => {
                    stop = Some(Stop::scan(&error));
                    break;
                }
            };
            if let Err(refused) = guard.check(&event, span.start) {
                stop = Some(refused);
                break;
            }
            let end = event == Event::StreamEnd;
            loader.on_event(event, span);
            if let Some(error) = loader.error() {
                // The loader's documents are not to be used after its own error (duplicate key).
                let stop = Stop::scan(error);
                self.stop(&stop);
                return Vec::new();
            }
            if end {
                break;
            }
        }
        if let Some(stop) = stop {
            self.stop(&stop);
        }
        // Complete documents only: one cut short by an error is not in the list.
        loader.into_documents()
    }

    pub(super) fn stop(&mut self, stop: &Stop) {
        let mut issue = ParseIssue::new(self.point(stop.marker), &stop.message);
        if let Some(help) = &stop.help {
            issue = issue.with_help(help);
        }
        self.issues.push(issue);
    }

    /// One character at a parser position (none at the end of the text).
    pub(super) fn point(&self, marker: Marker) -> Span {
        let start = self.offsets.byte(marker.index());
        let end = self.text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Span::new(self.id, start..end)
    }

    /// The span of a node: a scalar's text (quotes included, comments not), or the first
    /// character of a collection.
    pub(super) fn span(&self, node: &Node<'_>) -> Span {
        let start = self.offsets.byte(node.span.start.index());
        let end = self.offsets.byte(node.span.end.index()).max(start);
        let range = match &untagged(node).data {
            YamlData::Representation(_, ScalarStyle::DoubleQuoted, _) => {
                quoted(self.text, start..end, '"')
            }
            YamlData::Representation(_, ScalarStyle::SingleQuoted, _) => {
                quoted(self.text, start..end, '\'')
            }
            YamlData::Representation(..) => start..end,
            _ => return self.point(node.span.start),
        };
        Span::new(self.id, range)
    }

    pub(super) fn wrong_type(
        &self,
        entry: Entry<'_, '_>,
        path: &str,
        expected: &str,
    ) -> ParseIssue {
        // A scalar is shown where it stands; a collection by the key that holds it.
        let at = if scalar(entry.value).is_some() {
            entry.value
        } else {
            entry.key
        };
        ParseIssue::new(
            self.span(at),
            format!(
                "`{path}` should be {expected}, found {}",
                describe(entry.value)
            ),
        )
    }

    pub(super) fn map_at<'n, 'i>(
        &self,
        map: &'n Map<'i>,
        key: &str,
        path: &str,
    ) -> Result<Option<&'n Map<'i>>, ParseIssue> {
        let Some(entry) = lookup(map, key) else {
            return Ok(None);
        };
        mapping(entry.value)
            .map(Some)
            .ok_or_else(|| self.wrong_type(entry, &join(path, key), "a mapping"))
    }

    pub(super) fn seq_at<'n, 'i>(
        &self,
        map: &'n Map<'i>,
        key: &str,
        path: &str,
    ) -> Result<Option<&'n Vec<Node<'i>>>, ParseIssue> {
        let Some(entry) = lookup(map, key) else {
            return Ok(None);
        };
        sequence(entry.value)
            .map(Some)
            .ok_or_else(|| self.wrong_type(entry, &join(path, key), "a list"))
    }

    pub(super) fn string_at(
        &self,
        map: &Map<'_>,
        key: &str,
        path: &str,
    ) -> Result<Option<Resolved<String>>, ParseIssue> {
        let Some(entry) = lookup(map, key) else {
            return Ok(None);
        };
        match scalar(entry.value) {
            Some(text) => Ok(Some(Resolved::new(text.to_owned(), self.span(entry.value)))),
            None => Err(self.wrong_type(entry, &join(path, key), "a string")),
        }
    }

    /// A list item that must be a mapping.
    pub(super) fn item<'n, 'i>(
        &self,
        item: &'n Node<'i>,
        path: &str,
    ) -> Result<&'n Map<'i>, ParseIssue> {
        mapping(item).ok_or_else(|| {
            ParseIssue::new(
                self.span(item),
                format!(
                    "items of `{path}` should be mappings, found {}",
                    describe(item)
                ),
            )
        })
    }

    /// A list item that must be a string; `None` for a null one.
    pub(super) fn string_item(
        &self,
        item: &Node<'_>,
        path: &str,
    ) -> Result<Option<Resolved<String>>, ParseIssue> {
        if is_null(item) {
            return Ok(None);
        }
        match scalar(item) {
            Some(text) => Ok(Some(Resolved::new(text.to_owned(), self.span(item)))),
            None => Err(ParseIssue::new(
                self.span(item),
                format!(
                    "items of `{path}` should be strings, found {}",
                    describe(item)
                ),
            )),
        }
    }

    /// A scalar's value split at `separator` (not at all when it is empty), trimmed, empty parts
    /// dropped. Each part gets its own span when the source spells the value out verbatim (plain,
    /// or quoted without escapes or line breaks); otherwise each part has the whole scalar's span.
    pub(super) fn split(
        &self,
        node: &Node<'_>,
        text: &str,
        separator: &str,
    ) -> Vec<Resolved<String>> {
        let span = self.span(node);
        if separator.is_empty() || !text.contains(separator) {
            return vec![Resolved::new(text.to_owned(), span)];
        }
        let source = &self.text[span.range()];
        let inner = if source == text {
            Some(span.start())
        } else if source.len() >= 2 && source.get(1..source.len() - 1) == Some(text) {
            Some(span.start() + 1)
        } else {
            None
        };
        let mut parts = Vec::new();
        let mut at = 0;
        for part in text.split(separator) {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let part_span = inner.map_or(span, |base| {
                    let lead = part.len() - part.trim_start().len();
                    let start = base + at + lead;
                    Span::new(self.id, start..start + trimmed.len())
                });
                parts.push(Resolved::new(trimmed.to_owned(), part_span));
            }
            at += part.len() + separator.len();
        }
        parts
    }
}

/// saphyr's message for a token left of the block indentation.
pub(super) const INVALID_INDENTATION: &str = "invalid indentation";

/// saphyr's message for a quoted scalar's line left of the block indentation.
pub(super) const INVALID_QUOTED_INDENTATION: &str = "invalid indentation in quoted scalar";

/// Whether an issue is one that [`kubectl_indentation`] works around.
pub(super) fn is_tolerated(message: &str, at: Option<&str>) -> bool {
    (message == INVALID_INDENTATION && matches!(at, Some("]" | "}")))
        || (message == INVALID_QUOTED_INDENTATION && matches!(at, Some("'" | "\"")))
}

/// Files needing more rewrites than this are left as they are.
const MAX_INDENTATION_FIXES: usize = 256;

/// Each rewrite reads the file again: all the rereading of one file stays under this many bytes,
/// so a large file full of refused brackets costs a bounded time (and keeps its YL901).
const MAX_REREAD_BYTES: usize = 64 << 20;

/// The text as saphyr accepts it where go-yaml (what kubectl reads YAML with) and libyaml accept
/// what saphyr refuses, and the parser's character positions of the spaces inserted; `None` when
/// nothing needed it. Two cases, both met in real manifests:
///
/// - a flow collection whose closing `]` or `}` sits at its key's indentation (`args: [` … `]`
///   under a list item): saphyr's scanner requires one more column; a space goes before the
///   bracket;
/// - a quoted scalar whose continuation lines sit at its key's indentation (a long `message:`
///   under a list item): a space goes at the start of each of its continuation lines.
///
/// Leading spaces before a closing bracket or on a quoted scalar's continuation line change no
/// value (line folding drops them), so the text reads as kubectl reads it, and every position maps
/// back to the text as written.
pub(super) fn kubectl_indentation(text: &str) -> Option<(String, Vec<usize>)> {
    let mut input = text.to_owned();
    let mut shifts = Vec::new();
    let passes = (MAX_REREAD_BYTES / text.len().max(1)).clamp(1, MAX_INDENTATION_FIXES);
    'retry: for _ in 0..passes {
        let mut parser = Parser::new_from_str(&input);
        while let Some(next) = parser.next_event() {
            let Err(error) = next else { continue };
            let index = error.marker().index();
            let Some((byte, at)) = input.char_indices().nth(index) else {
                break 'retry;
            };
            match (error.info(), at) {
                (INVALID_INDENTATION, ']' | '}') => {
                    input.insert(byte, ' ');
                    shifts.push(index);
                }
                (INVALID_QUOTED_INDENTATION, '\'' | '"') => {
                    let scalar = quoted(&input, byte..input.len(), at);
                    // An unterminated scalar is an error of its own: leave it.
                    if scalar.len() < 2 || !input[scalar.clone()].ends_with(at) {
                        break 'retry;
                    }
                    // Character positions after each line break of the scalar, then the spaces.
                    let starts: Vec<usize> = input[scalar.clone()]
                        .char_indices()
                        .filter(|&(_, c)| c == '\n')
                        .map(|(at, _)| {
                            index + input[scalar.start..scalar.start + at].chars().count() + 1
                        })
                        .collect();
                    if starts.is_empty() {
                        break 'retry;
                    }
                    let breaks: Vec<usize> = input[scalar.clone()]
                        .match_indices('\n')
                        .map(|(at, _)| scalar.start + at + 1)
                        .collect();
                    for &at in breaks.iter().rev() {
                        input.insert(at, ' ');
                    }
                    shifts.extend(starts.iter().enumerate().map(|(k, start)| start + k));
                }
                _ => break 'retry,
            }
            continue 'retry;
        }
        break;
    }
    shifts.sort_unstable();
    (!shifts.is_empty()).then_some((input, shifts))
}

/// The range of a quoted scalar from its opening to its closing quote. (saphyr's span of a
/// double-quoted scalar runs on over the spaces and comment after it.)
pub(super) fn quoted(text: &str, range: Range<usize>, quote: char) -> Range<usize> {
    let body = &text[range.clone()];
    let Some(open) = body.find(quote) else {
        return range;
    };
    let mut chars = body[open + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, next)| next == '\'') {
                chars.next();
                continue;
            }
            return range.start..range.start + open + 1 + i + 1;
        }
    }
    range
}
