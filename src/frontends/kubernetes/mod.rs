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
//!   the legacy `failure-domain.beta.kubernetes.io/*`, and the CSI drivers' zone keys) wherever a
//!   constraint is *required*: a pod's `nodeSelector` and
//!   `requiredDuringSchedulingIgnoredDuringExecution` node affinity (operator `In`), a claim's
//!   `selector`, a volume's own labels and `nodeAffinity`, a storage class's `allowedTopologies`;
//!   and from storage parameters and volume attributes (`regionId`, `zoneId`, `diskZone`…) and
//!   object-storage endpoints. Keys, parameters, drivers and endpoints are the data of
//!   `storage.toml` ([`STORAGE`]). Preferred affinity and spread constraints narrow nothing and are
//!   ignored;
//! - what storage an object uses or is: a class's `provisioner`, a volume's CSI or FlexVolume
//!   `driver`, a claim's `storageClassName` and `volumeName`, a pod template's claims and a
//!   StatefulSet's `volumeClaimTemplates` classes (followed across files in `clusters.rs`);
//! - the data class from the label or annotation `yunlint.dev/data-class` or `data-class`, on the
//!   object or on its pod template.
//!
//! Hostile YAML is refused before it can hurt: the event stream is read one event at a time and
//! handed to saphyr's loader only while the nesting stays under [`MAX_DEPTH`] (saphyr's own
//! `Parser::load` recurses once per level and overflows the stack on `- - - …` a hundred thousand
//! deep) and while aliases expand to fewer than [`MAX_ALIAS_NODES`] nodes (a "billion laughs"
//! file expands exponentially).
//!
//! Layout: `yaml` (the guarded loader, spans, typed access), `objects` (kinds, names, data class),
//! `scheduling` (node selectors and affinities), `storage` (classes, volumes, claims, endpoints).

mod objects;
mod scheduling;
mod storage;
mod yaml;

use super::ParseIssue;
use crate::model::Resolved;
use crate::source::{SourceFile, SourceId, Span};
pub use storage::{EndpointRegion, STORAGE};
#[cfg(test)]
use yaml::quoted;
use yaml::{CharOffsets, Reader, mapping};
pub use yaml::{MAX_ALIAS_NODES, MAX_DEPTH};

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
    /// A StorageClass's `provisioner`, a PersistentVolume's CSI or FlexVolume `driver`.
    pub driver: Option<Resolved<String>>,
    /// A claim's or a volume's `storageClassName`.
    pub storage_class: Option<Resolved<String>>,
    /// The PersistentVolume a claim is bound to (`spec.volumeName`).
    pub volume_name: Option<Resolved<String>>,
    /// Regions read from storage endpoints (an OSS bucket's `url`), with the endpoint's provider.
    pub endpoints: Vec<EndpointRegion>,
    /// The claims a pod template mounts: `volumes[].persistentVolumeClaim.claimName`.
    pub claims: Vec<Resolved<String>>,
    /// A StatefulSet's `volumeClaimTemplates[].spec.storageClassName`: the classes its pods'
    /// volumes are created from.
    pub claim_templates: Vec<Resolved<String>>,
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
    let parsed = read(id, text, text, CharOffsets::new(text));
    let tolerated = parsed
        .issues
        .iter()
        .any(|issue| yaml::is_tolerated(&issue.message, text.get(issue.span.range())));
    if tolerated && let Some((input, shifts)) = yaml::kubectl_indentation(text) {
        return read(id, text, &input, CharOffsets::with_shifts(text, shifts));
    }
    parsed
}

/// Reads `input` (the text, or the text as [`yaml::kubectl_indentation`] rewrote it), with spans
/// in `text`.
fn read<'t>(id: SourceId, text: &'t str, input: &'t str, offsets: CharOffsets<'t>) -> Parsed {
    let mut reader = Reader {
        id,
        text,
        input,
        offsets,
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = include_str!("../../../fixtures/k8s-parse/deployment.yaml");
    const STATEFULSET: &str = include_str!("../../../fixtures/k8s-parse/statefulset.yaml");
    const CRONJOB: &str = include_str!("../../../fixtures/k8s-parse/cronjob.yaml");
    const PVC: &str = include_str!("../../../fixtures/k8s-parse/pvc.yaml");
    const STORAGECLASS: &str = include_str!("../../../fixtures/k8s-parse/storageclass.yaml");
    const MULTI: &str = include_str!("../../../fixtures/k8s-parse/multi.yaml");
    const INVALID: &str = include_str!("../../../fixtures/k8s-parse/invalid.yaml");
    const MALFORMED: &str = include_str!("../../../fixtures/k8s-parse/malformed.yaml");
    const CHINESE: &str = include_str!("../../../fixtures/k8s-parse/chinese.yaml");
    const BILLION_LAUGHS: &str = include_str!("../../../fixtures/k8s-parse/billion-laughs.yaml");
    const NOT_K8S: [&str; 3] = [
        include_str!("../../../fixtures/k8s-parse/not-k8s/workflow.yaml"),
        include_str!("../../../fixtures/k8s-parse/not-k8s/compose.yaml"),
        include_str!("../../../fixtures/k8s-parse/not-k8s/values.yaml"),
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
    fn a_repeated_key_reads_its_last_value_as_kubectl_does() {
        let t = "apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n    topology.kubernetes.io/region: cn-shanghai\n    topology.kubernetes.io/region: cn-hongkong\n";
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(
            values(&m.regions),
            [("cn-hongkong", after(t, "region: ", "cn-hongkong"))]
        );
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
    fn a_flow_end_at_its_keys_indentation_is_read_as_kubectl_reads_it() {
        // go-yaml accepts this; saphyr alone says "invalid indentation" at the `]`.
        let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      args: [\n        \"a\",\n      ]\n  nodeSelector: {\n    topology.kubernetes.io/zone: cn-hangzhou-h\n  }\n  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [\n    {matchExpressions: [{key: topology.kubernetes.io/region, operator: In, values: [\n      \"cn-hangzhou\"\n    ]}]}\n  ]}}}\n";
        let parsed = parse_text(t);
        let m = only(&parsed);
        // Spans are in the text as written, after the moved brackets too.
        assert_eq!(
            values(&m.zones),
            [("cn-hangzhou-h", after(t, "zone: ", "cn-hangzhou-h"))]
        );
        assert_eq!(
            values(&m.regions),
            [("cn-hangzhou", after(t, "      ", "\"cn-hangzhou\""))]
        );
        // A quoted scalar continued at its key's indentation, as go-yaml accepts it too; the
        // spans after it are in the text as written.
        let t = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    x: 1\nspec:\n  containers:\n    - name: c\n      command: ['a b\n      c', \"d\n\n      e\"]\n  nodeSelector:\n    topology.kubernetes.io/zone: cn-hangzhou-h\nstatus:\n  conditions:\n    - message: 'didn''t match the\n      placement'\n";
        let parsed = parse_text(t);
        let m = only(&parsed);
        assert_eq!(
            values(&m.zones),
            [("cn-hangzhou-h", after(t, "zone: ", "cn-hangzhou-h"))]
        );
        // A bracket where no flow collection is open stays an error, at its own position.
        let parsed = parse_text("a:\n  b: 1\n ]\n");
        assert_eq!(parsed.issues.len(), 1);
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
