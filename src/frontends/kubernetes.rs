//! Kubernetes manifests: the objects that run pods or hold data, with the regions and zones that
//! their *required* scheduling constraints name. Parsed with `saphyr`, keeping spans.
//!
//! This is the parsing half of the Kubernetes front end: it says what each manifest pins down by
//! itself. Which cluster (and so which provider and region) a manifest is applied to comes from the
//! configuration and is resolved elsewhere; manifests rarely name regions (DOMAIN.md §3).
//!
//! What is read:
//! - every document of a multi-document file, and the `items` of a `kind: List`;
//! - objects of the kinds that run pods (`Pod`, `Deployment`, `StatefulSet`, `DaemonSet`,
//!   `ReplicaSet`, `ReplicationController`, `Job`, `CronJob`) or hold data
//!   (`PersistentVolumeClaim`, `PersistentVolume`, `StorageClass`), in their own API groups; other
//!   objects and YAML that is not a Kubernetes object (no `apiVersion` and `kind`: CI workflows,
//!   compose files, Helm values) are skipped without a word;
//! - regions and zones from the topology labels (`topology.kubernetes.io/region` and `/zone`,
//!   the legacy `failure-domain.beta.kubernetes.io/*`, and the zone keys of the Alibaba Cloud and
//!   Tencent Cloud disk CSI drivers) wherever a constraint is *required*: a pod's `nodeSelector`
//!   and `requiredDuringSchedulingIgnoredDuringExecution` node affinity (operator `In`), a claim's
//!   `selector`, a volume's own labels and `nodeAffinity`, a storage class's `allowedTopologies`
//!   and its `regionId`/`zoneId`/`zone`/`zones`/`diskZone`/`diskZones` parameters. Preferred
//!   affinity and spread constraints narrow nothing and are ignored;
//! - the data class from the label or annotation `yunlint.dev/data-class` or `data-class`, on the
//!   object or on its pod template.
//!
//! Hostile YAML is refused before it can hurt: the event stream is read one event at a time and
//! handed to saphyr's loader only while the nesting stays under [`MAX_DEPTH`] (saphyr's own
//! `Parser::load` recurses once per level and overflows the stack on `- - - …` a hundred thousand
//! deep) and while aliases expand to fewer than [`MAX_ALIAS_NODES`] nodes (a "billion laughs"
//! file expands exponentially).

use std::collections::HashMap;
use std::ops::Range;

use saphyr::{AnnotatedMapping, MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::{Event, Marker, Parser, ScanError, SpannedEventReceiver};

use super::ParseIssue;
use crate::model::Resolved;
use crate::source::{SourceFile, SourceId, Span};

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

/// Node label keys whose value is a region.
const REGION_KEYS: [&str; 2] = [
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/region",
];

/// Node label keys whose value is a zone: the well-known ones and those of the disk CSI drivers
/// of Alibaba Cloud and Tencent Cloud, which their volumes' node affinity uses.
const ZONE_KEYS: [&str; 4] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
    "topology.diskplugin.csi.alibabacloud.com/zone",
    "topology.com.tencent.cloud.csi.cbs/zone",
];

/// StorageClass parameters that name regions (Alibaba Cloud disk and NAS CSI; `regionid` in the
/// older FlexVolume driver's documentation).
const REGION_PARAMETERS: [&str; 2] = ["regionId", "regionid"];

/// StorageClass parameters that name zones, comma-separated: Alibaba Cloud `zoneId`, Tencent
/// Cloud CBS `diskZone`/`diskZones`, the in-tree provisioners' `zone`/`zones`.
const ZONE_PARAMETERS: [&str; 5] = ["zoneId", "diskZone", "diskZones", "zone", "zones"];

/// Label and annotation keys that hold the data class (JR/T 0197-2020 level), first match wins.
const DATA_CLASS_KEYS: [&str; 2] = ["yunlint.dev/data-class", "data-class"];

/// One Kubernetes object that runs pods or holds data.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`, `Job`,
    /// `CronJob`, `Pod`, `PersistentVolumeClaim`, `PersistentVolume` or `StorageClass`.
    pub kind: &'static str,
    /// `metadata.name`, or `metadata.generateName` when only that is set.
    pub name: String,
    pub namespace: Option<String>,
    /// The span of the name's value.
    pub name_span: Span,
    /// From the label or annotation `yunlint.dev/data-class` or `data-class` (1..=5): the object's
    /// labels, then its annotations, then the pod template's labels and annotations.
    pub data_class: Option<Resolved<u8>>,
    /// Every region a required constraint names, in file order, each with the span of its value.
    /// Empty when the manifest does not narrow placement. Values from different sources are not
    /// intersected, and a `nodeSelectorTerms` entry that names no region does not clear the list:
    /// it is the set of named regions the object may land in, not proof that it lands nowhere else.
    pub regions: Vec<Resolved<String>>,
    /// Every zone a required constraint names, as for `regions`.
    pub zones: Vec<Resolved<String>>,
}

/// What one YAML file yields.
#[derive(Debug, Default)]
pub struct Parsed {
    pub manifests: Vec<Manifest>,
    pub issues: Vec<ParseIssue>,
}

/// Reads the Kubernetes objects of one YAML file.
///
/// Invalid YAML gives one issue at the parser's position; the documents before it are still read.
/// A Kubernetes object of a kind read here whose structure is wrong (no `metadata`, `spec` a
/// string) gives one issue and is skipped; the others are read.
pub fn parse(file: &SourceFile, id: SourceId) -> Parsed {
    let text = file.text().as_str();
    let mut reader = Reader {
        id,
        text,
        offsets: CharOffsets::new(text),
        issues: Vec::new(),
        manifests: Vec::new(),
    };
    let documents = reader.load();
    for document in &documents {
        if let Some(map) = mapping(document) {
            reader.object(map, None);
        }
    }
    Parsed {
        manifests: reader.manifests,
        issues: reader.issues,
    }
}

type Node<'i> = MarkedYaml<'i>;
type Map<'i> = AnnotatedMapping<'i, MarkedYaml<'i>>;

/// Where a manifest's pods or volumes take their constraints from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `spec` is the pod spec.
    Pod,
    /// `spec.template` is the pod template.
    Template,
    /// `spec.jobTemplate.spec.template` is the pod template.
    CronJob,
    /// `spec.selector` picks the volume.
    Claim,
    /// Own labels and `spec.nodeAffinity.required`.
    Volume,
    /// `allowedTopologies` and `parameters`.
    StorageClass,
}

/// The kinds read here, in the API groups that define them.
/// Every kind [`shape`] reads: a manifest's kind is one of these, not a string of its own.
const KINDS: [&str; 11] = [
    "Pod",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
];

/// How an object of this kind is read, and the kind's name from [`KINDS`].
fn shape(api_version: &str, kind: &str) -> Option<(Shape, &'static str)> {
    let name = KINDS.iter().find(|k| **k == kind)?;
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    let shape = match (group, kind) {
        ("", "Pod") => Some(Shape::Pod),
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("batch", "Job") => Some(Shape::Template),
        ("batch", "CronJob") => Some(Shape::CronJob),
        ("", "PersistentVolumeClaim") => Some(Shape::Claim),
        ("", "PersistentVolume") => Some(Shape::Volume),
        ("storage.k8s.io", "StorageClass") => Some(Shape::StorageClass),
        _ => None,
    }?;
    Some((shape, name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Region,
    Zone,
}

fn topology_key(key: &str) -> Option<Slot> {
    if REGION_KEYS.contains(&key) {
        Some(Slot::Region)
    } else if ZONE_KEYS.contains(&key) {
        Some(Slot::Zone)
    } else {
        None
    }
}

fn push(manifest: &mut Manifest, slot: Slot, value: Resolved<String>) {
    match slot {
        Slot::Region => manifest.regions.push(value),
        Slot::Zone => manifest.zones.push(value),
    }
}

/// Byte offsets of saphyr's positions, which count characters.
struct CharOffsets<'t> {
    text: &'t str,
    /// The byte offset of every `STEP`th character; empty for ASCII text, where they are equal.
    marks: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    const STEP: usize = 64;

    fn new(text: &'t str) -> Self {
        let marks = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(Self::STEP)
                .map(|(byte, _)| byte)
                .collect()
        };
        CharOffsets { text, marks }
    }

    /// The byte offset of the character at `index`, or the text's length past its end.
    fn byte(&self, index: usize) -> usize {
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
struct Stop {
    marker: Marker,
    message: String,
    help: Option<String>,
}

impl Stop {
    fn scan(error: &ScanError) -> Self {
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

    fn too_deep(marker: Marker) -> Self {
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
struct Guard {
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
    fn check(&mut self, event: &Event<'_>, marker: Marker) -> Result<(), Stop> {
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
struct Entry<'n, 'i> {
    key: &'n Node<'i>,
    value: &'n Node<'i>,
}

/// The node under any tags (`!custom {…}`).
fn untagged<'n, 'i>(mut node: &'n Node<'i>) -> &'n Node<'i> {
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

fn mapping<'n, 'i>(node: &'n Node<'i>) -> Option<&'n Map<'i>> {
    match &untagged(node).data {
        YamlData::Mapping(map) => Some(map),
        _ => None,
    }
}

fn sequence<'n, 'i>(node: &'n Node<'i>) -> Option<&'n Vec<Node<'i>>> {
    match &untagged(node).data {
        YamlData::Sequence(items) => Some(items),
        _ => None,
    }
}

/// A scalar's text as written (the loader does not resolve scalars: see [`Reader::load`]).
fn scalar<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &untagged(node).data {
        YamlData::Representation(text, _, _) => Some(text),
        _ => None,
    }
}

/// An empty document, `~`, `null` or nothing at all, which Kubernetes reads as unset.
fn is_null(node: &Node<'_>) -> bool {
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

fn describe(node: &Node<'_>) -> &'static str {
    match &untagged(node).data {
        YamlData::Mapping(_) => "a mapping",
        YamlData::Sequence(_) => "a list",
        _ => "a scalar",
    }
}

/// The entry of `map` under the plain key `key`, unless its value is null.
fn lookup<'n, 'i>(map: &'n Map<'i>, key: &str) -> Option<Entry<'n, 'i>> {
    map.iter()
        .find(|(k, _)| scalar(k) == Some(key))
        .map(|(key, value)| Entry { key, value })
        .filter(|entry| !is_null(entry.value))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

struct Reader<'t> {
    id: SourceId,
    text: &'t str,
    offsets: CharOffsets<'t>,
    issues: Vec<ParseIssue>,
    manifests: Vec<Manifest>,
}

impl<'t> Reader<'t> {
    /// Loads every document, event by event, refusing hostile nesting and alias expansion.
    ///
    /// Scalars stay as written (`early_parse(false)`): Kubernetes reads label values and names as
    /// strings, and a zone ID such as `200001` should keep its text.
    fn load(&mut self) -> Vec<Node<'t>> {
        let mut parser = Parser::new_from_str(self.text);
        let mut loader = YamlLoader::<Node<'t>>::default();
        loader.early_parse(false);
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

    fn stop(&mut self, stop: &Stop) {
        let mut issue = ParseIssue::new(self.point(stop.marker), &stop.message);
        if let Some(help) = &stop.help {
            issue = issue.with_help(help);
        }
        self.issues.push(issue);
    }

    /// One character at a parser position (none at the end of the text).
    fn point(&self, marker: Marker) -> Span {
        let start = self.offsets.byte(marker.index());
        let end = self.text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Span::new(self.id, start..end)
    }

    /// The span of a node: a scalar's text (quotes included, comments not), or the first
    /// character of a collection.
    fn span(&self, node: &Node<'_>) -> Span {
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

    fn wrong_type(&self, entry: Entry<'_, '_>, path: &str, expected: &str) -> ParseIssue {
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

    fn map_at<'n, 'i>(
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

    fn seq_at<'n, 'i>(
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

    fn string_at(
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
    fn item<'n, 'i>(&self, item: &'n Node<'i>, path: &str) -> Result<&'n Map<'i>, ParseIssue> {
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
    fn string_item(
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

    /// One top-level document or one item of a `List`.
    fn object(&mut self, map: &Map<'_>, list_item: Option<Span>) {
        let (Some(api_version), Some(kind)) = (lookup(map, "apiVersion"), lookup(map, "kind"))
        else {
            if let Some(span) = list_item {
                self.issues.push(
                    ParseIssue::new(span, "list item is not a Kubernetes object")
                        .with_help("each item of a `List` needs `apiVersion` and `kind`"),
                );
            }
            return;
        };
        let (Some(api_version), Some(kind_text)) = (scalar(api_version.value), scalar(kind.value))
        else {
            let bad = if scalar(api_version.value).is_none() {
                (api_version, "apiVersion")
            } else {
                (kind, "kind")
            };
            self.issues.push(self.wrong_type(bad.0, bad.1, "a string"));
            return;
        };
        let kind_span = self.span(kind.value);
        // `kind: List`, or a typed list of a kind read here (`DeploymentList`).
        let typed_list = kind_text
            .strip_suffix("List")
            .is_some_and(|item_kind| shape(api_version, item_kind).is_some());
        if kind_text == "List" || typed_list {
            self.list(map);
            return;
        }
        let Some((shape, kind)) = shape(api_version, kind_text) else {
            return;
        };
        match self.manifest(map, shape, kind, kind_span) {
            Ok(manifest) => self.manifests.push(manifest),
            Err(issue) => self.issues.push(issue),
        }
    }

    fn list(&mut self, map: &Map<'_>) {
        let items = match self.seq_at(map, "items", "") {
            Ok(items) => items.map_or(&[][..], Vec::as_slice),
            Err(issue) => {
                self.issues.push(issue);
                return;
            }
        };
        for item in items {
            match self.item(item, "items") {
                Ok(object) => self.object(object, Some(self.span(item))),
                Err(issue) => self.issues.push(issue),
            }
        }
    }

    fn manifest(
        &mut self,
        map: &Map<'_>,
        shape: Shape,
        kind: &'static str,
        kind_span: Span,
    ) -> Result<Manifest, ParseIssue> {
        let Some(metadata) = self.map_at(map, "metadata", "")? else {
            return Err(
                ParseIssue::new(kind_span, format!("`{kind}` has no `metadata`"))
                    .with_help("every Kubernetes object needs `metadata.name`"),
            );
        };
        let name = match self.string_at(metadata, "name", "metadata")? {
            Some(name) => name,
            None => self
                .string_at(metadata, "generateName", "metadata")?
                .ok_or_else(|| {
                    ParseIssue::new(kind_span, format!("`{kind}` has no `metadata.name`"))
                        .with_help("every Kubernetes object needs `metadata.name`")
                })?,
        };
        let namespace = self.string_at(metadata, "namespace", "metadata")?;
        let mut manifest = Manifest {
            kind,
            name: name.value,
            namespace: namespace.map(|n| n.value),
            name_span: name.span,
            data_class: None,
            regions: Vec::new(),
            zones: Vec::new(),
        };
        // Where the data class may be set, in order: the object, then its pod template.
        let mut metadatas = vec![("metadata".to_owned(), metadata)];

        match shape {
            Shape::Pod => {
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.pod_spec(spec, "spec", &mut manifest)?;
                }
            }
            Shape::Template => {
                if let Some(spec) = self.map_at(map, "spec", "")? {
                    self.template(spec, "spec", &mut manifest, &mut metadatas)?;
                }
            }
            Shape::CronJob => {
                if let Some(spec) = self.map_at(map, "spec", "")?
                    && let Some(job) = self.map_at(spec, "jobTemplate", "spec")?
                    && let Some(job_spec) = self.map_at(job, "spec", "spec.jobTemplate")?
                {
                    self.template(
                        job_spec,
                        "spec.jobTemplate.spec",
                        &mut manifest,
                        &mut metadatas,
                    )?;
                }
            }
            Shape::Claim => {
                if let Some(spec) = self.map_at(map, "spec", "")?
                    && let Some(selector) = self.map_at(spec, "selector", "spec")?
                {
                    self.label_selector(selector, "spec.selector", &mut manifest)?;
                }
            }
            Shape::Volume => {
                if let Some(labels) = self.map_at(metadata, "labels", "metadata")? {
                    // Regional volumes list their zones joined by `__` in the zone label.
                    self.labels(labels, "metadata.labels", "__", &mut manifest)?;
                }
                if let Some(spec) = self.map_at(map, "spec", "")?
                    && let Some(affinity) = self.map_at(spec, "nodeAffinity", "spec")?
                    && let Some(required) =
                        self.map_at(affinity, "required", "spec.nodeAffinity")?
                {
                    self.node_selector(required, "spec.nodeAffinity.required", &mut manifest)?;
                }
            }
            Shape::StorageClass => {
                self.allowed_topologies(map, &mut manifest)?;
                self.parameters(map, &mut manifest)?;
            }
        }

        // Storage classes are read field by field; report values in the order of the file.
        manifest.regions.sort_by_key(|r| r.span.start());
        manifest.zones.sort_by_key(|z| z.span.start());
        manifest.data_class = self.data_class(&metadatas)?;
        Ok(manifest)
    }

    /// `<path>.template`: its metadata (for the data class) and its pod spec.
    fn template<'n, 'i>(
        &self,
        spec: &'n Map<'i>,
        path: &str,
        manifest: &mut Manifest,
        metadatas: &mut Vec<(String, &'n Map<'i>)>,
    ) -> Result<(), ParseIssue> {
        let Some(template) = self.map_at(spec, "template", path)? else {
            return Ok(());
        };
        let path = join(path, "template");
        if let Some(metadata) = self.map_at(template, "metadata", &path)? {
            metadatas.push((join(&path, "metadata"), metadata));
        }
        if let Some(pod) = self.map_at(template, "spec", &path)? {
            self.pod_spec(pod, &join(&path, "spec"), manifest)?;
        }
        Ok(())
    }

    /// A pod spec's `nodeSelector` and required node affinity.
    fn pod_spec(
        &self,
        pod: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        if let Some(selector) = self.map_at(pod, "nodeSelector", path)? {
            self.labels(selector, &join(path, "nodeSelector"), "", manifest)?;
        }
        let affinity_path = join(path, "affinity");
        let node_path = join(&affinity_path, "nodeAffinity");
        if let Some(affinity) = self.map_at(pod, "affinity", path)?
            && let Some(node) = self.map_at(affinity, "nodeAffinity", &affinity_path)?
            && let Some(required) = self.map_at(
                node,
                "requiredDuringSchedulingIgnoredDuringExecution",
                &node_path,
            )?
        {
            let path = join(&node_path, "requiredDuringSchedulingIgnoredDuringExecution");
            self.node_selector(required, &path, manifest)?;
        }
        Ok(())
    }

    /// A label map (`nodeSelector`, `matchLabels`, a volume's labels): the topology keys' values,
    /// split at `separator` when it is not empty.
    fn labels(
        &self,
        labels: &Map<'_>,
        path: &str,
        separator: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        for (key, value) in labels {
            let Some(slot) = scalar(key).and_then(topology_key) else {
                continue;
            };
            let entry = Entry { key, value };
            if is_null(value) {
                continue;
            }
            let Some(text) = scalar(value) else {
                let key = scalar(key).unwrap_or_default();
                return Err(self.wrong_type(entry, &format!("{path}.{key}"), "a string"));
            };
            for part in self.split(value, text, separator) {
                push(manifest, slot, part);
            }
        }
        Ok(())
    }

    /// A `NodeSelector`: `nodeSelectorTerms[].matchExpressions[]` with operator `In`.
    fn node_selector(
        &self,
        selector: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(terms) = self.seq_at(selector, "nodeSelectorTerms", path)? else {
            return Ok(());
        };
        let path = join(path, "nodeSelectorTerms");
        for term in terms {
            let term = self.item(term, &path)?;
            self.requirements(term, "matchExpressions", &path, Some("In"), manifest)?;
        }
        Ok(())
    }

    /// A `LabelSelector`: `matchLabels` and `matchExpressions` with operator `In`.
    fn label_selector(
        &self,
        selector: &Map<'_>,
        path: &str,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        if let Some(labels) = self.map_at(selector, "matchLabels", path)? {
            self.labels(labels, &join(path, "matchLabels"), "", manifest)?;
        }
        self.requirements(selector, "matchExpressions", path, Some("In"), manifest)
    }

    /// `<path>.<field>[]`: requirements with `key`, `values` and, when `operator` is given, an
    /// operator that must equal it (`allowedTopologies` has none: its requirements are all `In`).
    fn requirements(
        &self,
        map: &Map<'_>,
        field: &str,
        path: &str,
        operator: Option<&str>,
        manifest: &mut Manifest,
    ) -> Result<(), ParseIssue> {
        let Some(requirements) = self.seq_at(map, field, path)? else {
            return Ok(());
        };
        let path = join(path, field);
        for requirement in requirements {
            let requirement = self.item(requirement, &path)?;
            let key = self.string_at(requirement, "key", &path)?;
            let op = self.string_at(requirement, "operator", &path)?;
            let values = self.seq_at(requirement, "values", &path)?;
            let Some(slot) = key.as_ref().and_then(|k| topology_key(&k.value)) else {
                continue;
            };
            if let Some(operator) = operator
                && op.as_ref().map(|o| o.value.as_str()) != Some(operator)
            {
                continue;
            }
            let values_path = join(&path, "values");
            for value in values.map_or(&[][..], Vec::as_slice) {
                if let Some(value) = self.string_item(value, &values_path)? {
                    push(manifest, slot, value);
                }
            }
        }
        Ok(())
    }

    /// A StorageClass's `allowedTopologies[].matchLabelExpressions[]`.
    fn allowed_topologies(&self, map: &Map<'_>, manifest: &mut Manifest) -> Result<(), ParseIssue> {
        let Some(terms) = self.seq_at(map, "allowedTopologies", "")? else {
            return Ok(());
        };
        for term in terms {
            let term = self.item(term, "allowedTopologies")?;
            self.requirements(
                term,
                "matchLabelExpressions",
                "allowedTopologies",
                None,
                manifest,
            )?;
        }
        Ok(())
    }

    /// A StorageClass's region and zone parameters, comma-separated.
    fn parameters(&self, map: &Map<'_>, manifest: &mut Manifest) -> Result<(), ParseIssue> {
        let Some(parameters) = self.map_at(map, "parameters", "")? else {
            return Ok(());
        };
        for (key, value) in parameters {
            let Some(name) = scalar(key) else {
                continue;
            };
            let slot = if REGION_PARAMETERS.contains(&name) {
                Slot::Region
            } else if ZONE_PARAMETERS.contains(&name) {
                Slot::Zone
            } else {
                continue;
            };
            if is_null(value) {
                continue;
            }
            let Some(text) = scalar(value) else {
                let entry = Entry { key, value };
                return Err(self.wrong_type(entry, &format!("parameters.{name}"), "a string"));
            };
            for part in self.split(value, text, ",") {
                push(manifest, slot, part);
            }
        }
        Ok(())
    }

    /// A scalar's value split at `separator` (not at all when it is empty), trimmed, empty parts
    /// dropped. Each part gets its own span when the source spells the value out verbatim (plain,
    /// or quoted without escapes or line breaks); otherwise each part has the whole scalar's span.
    fn split(&self, node: &Node<'_>, text: &str, separator: &str) -> Vec<Resolved<String>> {
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

    /// The first data class set on these metadata: labels, then annotations of each.
    fn data_class(
        &mut self,
        metadatas: &[(String, &Map<'_>)],
    ) -> Result<Option<Resolved<u8>>, ParseIssue> {
        for (path, metadata) in metadatas {
            for field in ["labels", "annotations"] {
                let Some(values) = self.map_at(metadata, field, path)? else {
                    continue;
                };
                for key in DATA_CLASS_KEYS {
                    let path = format!("{path}.{field}.{key}");
                    if let Some(value) = self.string_at(values, key, &path)? {
                        return Ok(self.class(value));
                    }
                }
            }
        }
        Ok(None)
    }

    fn class(&mut self, value: Resolved<String>) -> Option<Resolved<u8>> {
        match value.value.trim().parse::<u8>() {
            Ok(class @ 1..=5) => Some(Resolved::new(class, value.span)),
            _ => {
                self.issues.push(
                    ParseIssue::new(
                        value.span,
                        format!("data class `{}` is not a level from 1 to 5", value.value),
                    )
                    .with_help("data classes are JR/T 0197-2020 levels 1 to 5"),
                );
                None
            }
        }
    }
}

/// The range of a quoted scalar from its opening to its closing quote. (saphyr's span of a
/// double-quoted scalar runs on over the spaces and comment after it.)
fn quoted(text: &str, range: Range<usize>, quote: char) -> Range<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = include_str!("../../fixtures/k8s-parse/deployment.yaml");
    const STATEFULSET: &str = include_str!("../../fixtures/k8s-parse/statefulset.yaml");
    const CRONJOB: &str = include_str!("../../fixtures/k8s-parse/cronjob.yaml");
    const PVC: &str = include_str!("../../fixtures/k8s-parse/pvc.yaml");
    const STORAGECLASS: &str = include_str!("../../fixtures/k8s-parse/storageclass.yaml");
    const MULTI: &str = include_str!("../../fixtures/k8s-parse/multi.yaml");
    const INVALID: &str = include_str!("../../fixtures/k8s-parse/invalid.yaml");
    const MALFORMED: &str = include_str!("../../fixtures/k8s-parse/malformed.yaml");
    const CHINESE: &str = include_str!("../../fixtures/k8s-parse/chinese.yaml");
    const BILLION_LAUGHS: &str = include_str!("../../fixtures/k8s-parse/billion-laughs.yaml");
    const NOT_K8S: [&str; 3] = [
        include_str!("../../fixtures/k8s-parse/not-k8s/workflow.yaml"),
        include_str!("../../fixtures/k8s-parse/not-k8s/compose.yaml"),
        include_str!("../../fixtures/k8s-parse/not-k8s/values.yaml"),
    ];

    const ID: SourceId = SourceId(7);

    fn parse_text(text: &str) -> Parsed {
        let file = SourceFile::new(
            "k.yaml".into(),
            "k.yaml".into(),
            "k.yaml".into(),
            text.into(),
        );
        parse(&file, ID)
    }

    /// The span of `value` where it is written right after `prefix`, which must happen once.
    fn after(text: &str, prefix: &str, value: &str) -> Span {
        let needle = format!("{prefix}{value}");
        assert_eq!(text.matches(&needle).count(), 1, "`{needle}` is not unique");
        let start = text.find(&needle).unwrap() + prefix.len();
        Span::new(ID, start..start + value.len())
    }

    fn values(list: &[Resolved<String>]) -> Vec<(&str, Span)> {
        list.iter().map(|r| (r.value.as_str(), r.span)).collect()
    }

    fn only(parsed: &Parsed) -> &Manifest {
        assert_eq!(parsed.issues, []);
        assert_eq!(parsed.manifests.len(), 1, "{:?}", parsed.manifests);
        &parsed.manifests[0]
    }

    fn messages(parsed: &Parsed) -> Vec<&str> {
        parsed.issues.iter().map(|i| i.message.as_str()).collect()
    }

    #[test]
    fn deployment_node_selector_gives_region_and_zone() {
        let t = DEPLOYMENT;
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(m.kind, "Deployment");
        assert_eq!(m.name, "payments-api");
        assert_eq!(m.name_span, after(t, "name: ", "payments-api"));
        assert_eq!(m.namespace.as_deref(), Some("payments"));
        assert_eq!(
            values(&m.regions),
            [(
                "cn-shanghai-finance-1",
                after(t, "region: ", "cn-shanghai-finance-1")
            )]
        );
        // A quoted value's span covers its quotes, as `toml::Spanned` does in descriptors.
        assert_eq!(
            values(&m.zones),
            [(
                "cn-shanghai-finance-1z",
                after(t, "zone: ", "\"cn-shanghai-finance-1z\"")
            )]
        );
        // Set on the pod template; the preferred affinity (`ap-singapore`) narrows nothing.
        assert_eq!(
            m.data_class,
            Some(Resolved::new(4, after(t, "data-class: ", "\"4\"")))
        );
    }

    #[test]
    fn statefulset_required_affinity_in_hong_kong() {
        let t = STATEFULSET;
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!((m.kind, m.name.as_str()), ("StatefulSet", "ledger-db"));
        assert_eq!(m.namespace, None);
        assert_eq!(
            values(&m.regions),
            [("ap-hongkong", after(t, "- ", "ap-hongkong"))]
        );
        // `NotIn` excludes and `preferred…` only prefers: neither names a zone the pods run in.
        assert_eq!(m.zones, []);
        // The object's annotation wins over the pod template's label.
        assert_eq!(
            m.data_class,
            Some(Resolved::new(
                5,
                after(t, "yunlint.dev/data-class: ", "\"5\"")
            ))
        );
    }

    #[test]
    fn cronjob_reads_the_job_templates_pod_spec() {
        let t = CRONJOB;
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!((m.kind, m.name.as_str()), ("CronJob", "nightly-reconcile"));
        assert_eq!(m.namespace.as_deref(), Some("ledger"));
        assert_eq!(
            values(&m.regions),
            [("cn-beijing", after(t, "region: ", "cn-beijing"))]
        );
        assert_eq!(
            values(&m.zones),
            [
                ("cn-beijing-h", after(t, "values: [", "\"cn-beijing-h\"")),
                ("cn-beijing-i", after(t, "\", ", "'cn-beijing-i'")),
            ]
        );
        assert_eq!(
            m.data_class,
            Some(Resolved::new(3, after(t, "data-class: ", "\"3\"")))
        );
    }

    #[test]
    fn claim_selector_match_labels_and_in_expressions() {
        let t = PVC;
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(
            (m.kind, m.name.as_str()),
            ("PersistentVolumeClaim", "ledger-archive")
        );
        assert_eq!(
            values(&m.regions),
            [("cn-hangzhou", after(t, "values: [", "cn-hangzhou"))]
        );
        // `Exists` names no value.
        assert_eq!(
            values(&m.zones),
            [("cn-hangzhou-h", after(t, "zone: ", "cn-hangzhou-h"))]
        );
        assert_eq!(
            m.data_class,
            Some(Resolved::new(4, after(t, "data-class: ", "\"4\"")))
        );
    }

    #[test]
    fn storage_class_allowed_topologies_and_parameters() {
        let t = STORAGECLASS;
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(
            (m.kind, m.name.as_str()),
            ("StorageClass", "alicloud-disk-essd-finance")
        );
        // In file order: the parameters, then `allowedTopologies`.
        assert_eq!(
            values(&m.regions),
            [
                (
                    "cn-shanghai-finance-1",
                    after(t, "regionId: ", "cn-shanghai-finance-1")
                ),
                (
                    "cn-shanghai-finance-1",
                    after(t, "values: [", "cn-shanghai-finance-1")
                ),
            ]
        );
        // Each part of a comma-separated `zoneId` has its own span.
        assert_eq!(
            values(&m.zones),
            [
                (
                    "cn-shanghai-finance-1f",
                    after(t, "zoneId: \"", "cn-shanghai-finance-1f")
                ),
                (
                    "cn-shanghai-finance-1g",
                    after(t, "1f, ", "cn-shanghai-finance-1g")
                ),
                (
                    "cn-shanghai-finance-1f",
                    after(t, "          - ", "cn-shanghai-finance-1f")
                ),
            ]
        );
        assert_eq!(m.data_class, None);
    }

    #[test]
    fn documents_and_list_items_are_each_read() {
        let t = MULTI;
        let parsed = parse_text(t);
        assert_eq!(parsed.issues, []);
        let names: Vec<_> = parsed
            .manifests
            .iter()
            .map(|m| (m.kind, m.name.as_str()))
            .collect();
        // The Service places nothing; the empty document is skipped.
        assert_eq!(
            names,
            [
                ("Pod", "debug"),
                ("DaemonSet", "log-agent"),
                ("PersistentVolume", "cbs-archive")
            ]
        );
        let [pod, daemonset, volume] = &parsed.manifests[..] else {
            unreachable!()
        };
        assert_eq!(
            values(&pod.zones),
            [("ap-guangzhou-3", after(t, "zone: ", "ap-guangzhou-3"))]
        );
        assert_eq!(
            values(&daemonset.regions),
            [("ap-guangzhou", after(t, "region: ", "ap-guangzhou"))]
        );
        // A regional volume's zone label joins its zones with `__`; each gets its own span.
        assert_eq!(
            values(&volume.zones),
            [
                (
                    "ap-shanghai-2",
                    after(t, "beta.kubernetes.io/zone: ", "ap-shanghai-2")
                ),
                ("ap-shanghai-3", after(t, "__", "ap-shanghai-3")),
                ("ap-shanghai-5", after(t, "values: [", "ap-shanghai-5")),
            ]
        );
    }

    #[test]
    fn yaml_that_is_not_kubernetes_is_ignored_silently() {
        for text in NOT_K8S {
            let parsed = parse_text(text);
            assert_eq!(parsed.manifests, [], "{text}");
            assert_eq!(parsed.issues, [], "{text}");
        }
        // Kubernetes objects of kinds that place nothing, or of another API group, likewise.
        let other = "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\n---\n\
                     apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        let parsed = parse_text(other);
        assert_eq!((parsed.manifests.len(), parsed.issues.len()), (0, 0));
        for empty in [
            "",
            "\n",
            "# nothing\n",
            "---\n",
            "just a string\n",
            "- a\n- b\n",
        ] {
            let parsed = parse_text(empty);
            assert_eq!((parsed.manifests.len(), parsed.issues.len()), (0, 0));
        }
    }

    #[test]
    fn invalid_yaml_is_one_issue_at_the_parsers_position() {
        let parsed = parse_text(INVALID);
        assert_eq!(parsed.manifests, []);
        assert_eq!(
            messages(&parsed),
            ["while parsing a flow mapping, did not find expected ',' or '}'"]
        );
        // The position saphyr reports: `web` runs on into `spec` as one scalar, then comes a `:`.
        assert_eq!(parsed.issues[0].span, after(INVALID, "spec", ":"));
    }

    #[test]
    fn documents_before_a_syntax_error_are_still_read() {
        let t = "apiVersion: v1\nkind: Pod\nmetadata: {name: first}\n---\nkey: [oops\n";
        let parsed = parse_text(t);
        assert_eq!(parsed.manifests.len(), 1);
        assert_eq!(parsed.manifests[0].name, "first");
        assert_eq!(parsed.issues.len(), 1);
    }

    #[test]
    fn malformed_objects_are_reported_once_and_the_rest_is_read() {
        let t = MALFORMED;
        let parsed = parse_text(t);
        assert_eq!(
            messages(&parsed),
            [
                "`Deployment` has no `metadata`",
                "`spec` should be a mapping, found a scalar",
                "`spec.template.spec.nodeSelector.topology.kubernetes.io/region` should be a string, found a list",
                "data class `9` is not a level from 1 to 5",
            ]
        );
        let spans: Vec<_> = parsed.issues.iter().map(|i| i.span).collect();
        let first_region = t.find("topology.kubernetes.io/region").unwrap();
        assert_eq!(
            spans,
            [
                after(t, "kind: ", "Deployment"),
                after(t, "spec: ", "\"replicas: 3\""),
                Span::new(
                    ID,
                    first_region..first_region + "topology.kubernetes.io/region".len()
                ),
                after(t, "data-class: ", "\"9\""),
            ]
        );
        // The last object is fine apart from its data class, which is dropped.
        let m = &parsed.manifests[..];
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].name.as_str(), m[0].data_class.as_ref()),
            ("fine", None)
        );
        assert_eq!(m[0].regions.len(), 1);
    }

    #[test]
    fn chinese_text_with_bom_and_crlf_keeps_byte_spans() {
        // Built here so that no checkout setting can turn the line ends back into `\n`.
        let t = format!("\u{feff}{}", CHINESE.replace('\n', "\r\n"));
        let t = t.as_str();
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(m.name, "支付网关");
        assert_eq!(m.name_span, after(t, "name: ", "支付网关"));
        assert_eq!(&t[m.name_span.range()], "支付网关");
        // Terms are alternatives: the pods may run in either, so both are reported.
        assert_eq!(
            values(&m.regions),
            [("ap-hongkong", after(t, "values: [", "\"ap-hongkong\""))]
        );
        assert_eq!(
            values(&m.zones),
            [(
                "ap-shanghai-fsi-1",
                after(t, "values: [", "ap-shanghai-fsi-1")
            )]
        );
        assert_eq!(&t[m.zones[0].span.range()], "ap-shanghai-fsi-1");
        assert_eq!(
            m.data_class,
            Some(Resolved::new(4, after(t, "data-class: ", "\"4\"")))
        );
    }

    #[test]
    fn alias_bomb_is_refused_before_it_expands() {
        let parsed = parse_text(BILLION_LAUGHS);
        assert_eq!(parsed.manifests, []);
        assert_eq!(
            messages(&parsed),
            ["YAML aliases expand to more than 100000 nodes"]
        );
        let issue = &parsed.issues[0];
        assert!(issue.help.as_deref().unwrap().contains("alias bomb"));
        // It points at the alias that crossed the limit: a `*e` (each expands to 66430 nodes).
        assert_eq!(&BILLION_LAUGHS[issue.span.range()], "*");
        assert_eq!(
            &BILLION_LAUGHS[issue.span.start()..issue.span.start() + 2],
            "*e"
        );
    }

    #[test]
    fn aliases_within_limits_resolve_to_the_alias_span() {
        let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {home: &r cn-shanghai}\n\
                 spec:\n  nodeSelector:\n    topology.kubernetes.io/region: *r\n";
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(
            values(&m.regions),
            [("cn-shanghai", after(t, "region: ", "*r"))]
        );
    }

    #[test]
    fn aliases_do_not_reach_into_another_document() {
        let parsed = parse_text("a: &x 1\n---\nb: *x\n");
        assert_eq!(
            messages(&parsed),
            ["alias refers to an anchor of another document"]
        );
    }

    #[test]
    fn deep_block_nesting_is_refused_without_recursion() {
        // saphyr's `Parser::load` recurses once per level: this overflows the stack there.
        let deep = format!("{}x\n", "- ".repeat(100_000));
        let parsed = parse_text(&deep);
        assert_eq!(messages(&parsed), ["YAML nested more than 128 levels deep"]);
        // At the first collection past the limit.
        assert_eq!(parsed.issues[0].span, Span::new(ID, 256..257));

        // The documents before it are still read.
        let t = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: a}}\n---\n{deep}");
        let parsed = parse_text(&t);
        assert_eq!(parsed.manifests.len(), 1);
        assert_eq!(parsed.issues.len(), 1);
    }

    #[test]
    fn deep_flow_nesting_is_refused() {
        for deep in ["[".repeat(100_000), "{a: ".repeat(100_000)] {
            let parsed = parse_text(&deep);
            assert_eq!(messages(&parsed), ["YAML nested more than 128 levels deep"]);
        }
    }

    #[test]
    fn nesting_at_the_limit_is_read() {
        let ok = format!("{}x\n", "- ".repeat(MAX_DEPTH));
        assert_eq!(parse_text(&ok).issues, []);
        let too_deep = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert_eq!(parse_text(&too_deep).issues.len(), 1);
    }

    #[test]
    fn duplicate_keys_are_a_parse_issue() {
        let parsed = parse_text("apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: p}\n");
        assert_eq!(parsed.manifests, []);
        assert_eq!(messages(&parsed), ["duplicated key in mapping"]);
    }

    #[test]
    fn list_items_must_be_kubernetes_objects() {
        let t = "apiVersion: v1\nkind: List\nitems:\n  - name: stray\n  - 3\n";
        let parsed = parse_text(t);
        assert_eq!(
            messages(&parsed),
            [
                "list item is not a Kubernetes object",
                "items of `items` should be mappings, found a scalar"
            ]
        );
        assert_eq!(parsed.issues[1].span, after(t, "  - ", "3"));
    }

    #[test]
    fn typed_lists_are_read_like_lists() {
        let t = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n";
        assert_eq!(only(&parse_text(t)).name, "d");
        // A custom kind whose name ends in `List` is not a list.
        let t = "apiVersion: example.com/v1\nkind: AllowList\nitems: [a, b]\n";
        assert_eq!(parse_text(t).issues, []);
    }

    #[test]
    fn generate_name_stands_in_for_a_missing_name() {
        let t = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec: {}\n";
        let m = only(&parse_text(t)).clone();
        assert_eq!(
            (m.name.as_str(), m.name_span),
            ("migrate-", after(t, "generateName: ", "migrate-"))
        );
        let parsed = parse_text("apiVersion: batch/v1\nkind: Job\nmetadata: {labels: {}}\n");
        assert_eq!(messages(&parsed), ["`Job` has no `metadata.name`"]);
    }

    #[test]
    fn char_offsets_match_char_indices() {
        let text = format!("{}\r\n", "a香港b—\u{feff}é".repeat(40));
        let offsets = CharOffsets::new(&text);
        for (index, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(index), byte, "char {index}");
        }
        let count = text.chars().count();
        assert_eq!(offsets.byte(count), text.len());
        assert_eq!(offsets.byte(count + 100), text.len());
        assert_eq!(CharOffsets::new("abc").byte(2), 2);
    }

    #[test]
    fn quoted_scalars_end_at_their_closing_quote() {
        let t = r#"x: "a\"b"  # "c""#;
        assert_eq!(quoted(t, 3..t.len(), '"'), 3..9);
        let t = "x: 'it''s'  # 'c'";
        assert_eq!(quoted(t, 3..t.len(), '\''), 3..10);
    }
}
